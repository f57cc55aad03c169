import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import type { Knex } from "knex";
import { renderToPipeableStream } from "react-dom/server";
import { NonceContext } from "~/components/nonce";
import { database } from "~/db.server";
import { env } from "~/env.server";
import { seedDemoHistory } from "~/modules/demo/history.server";
import { seedDemo } from "~/modules/demo/seed.server";
import { coreJobHandlers, coreRecurringJobs } from "~/modules/jobs/handlers.server";
import { startJobRunner } from "~/modules/jobs/runner.server";
import { enqueuePendingMails } from "~/modules/mail/send.server";

const ABORT_DELAY = 5_000;

/**
 * Called once by the HTTP server before it listens: opens the database (embedded or PostgreSQL),
 * runs the migrations and, where configured, loads the demo region. Lives in the server bundle so
 * the server and the routes share one database instance.
 */
export async function startup(): Promise<{ engine: string; migratedMs: number; seededMs: number }> {
  const started = Date.now();
  const { knex, engine } = await database();
  const migratedMs = Date.now() - started;
  if (env().DEMO_DATA) {
    await seedDemo(knex);
    await seedHistory(knex);
  }
  const seededMs = Date.now() - started - migratedMs;
  // mails written before the job runner existed, or by a CLI, get their send job
  await enqueuePendingMails(knex);
  runner = startJobRunner(knex, { handlers: coreJobHandlers, recurring: coreRecurringJobs });
  return { engine, migratedMs, seededMs };
}

/** Two years of applications, decisions and coverage figures for the demo, once (the test template has none). */
async function seedHistory(knex: Knex): Promise<void> {
  try {
    const history = await seedDemoHistory(knex, { now: new Date() });
    if (!history.alreadySeeded) console.log(`[boot] demo history: ${history.applications} applications, ${history.cases} cases in ${Math.round(history.durationMs)} ms`);
  } catch (error) {
    // the portal starts anyway; the marker in portal_settings says the history failed
    console.error("[boot] demo history could not be seeded", error);
  }
}

let runner: { stop(): Promise<void> } | null = null;

export async function shutdown(): Promise<void> {
  await runner?.stop();
  await (await database()).close();
}

export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  console.error(`[error] ${request.method} ${new URL(request.url).pathname}`, error);
};

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const callback = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  const nonce = loadContext.cspNonce;
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        [callback]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}
