import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { launchPortal, PortalHttpClient, ROOT, type PortalProcess } from "../lib/portal";

/** The production portal server on the benchmark database, and a client signed in like a browser. */
export { ROOT };

export type PortalDatabase = { engine: "postgres"; url: string } | { engine: "pglite"; dataDir: string };

export async function startPortal(database: PortalDatabase): Promise<PortalProcess> {
  if (!existsSync(path.join(ROOT, "build/index.js"))) {
    throw new Error("build/index.js fehlt: zuerst `npm run build` ausführen.");
  }
  const env: NodeJS.ProcessEnv = { ...process.env, DEMO_DATA: "0", LOG_REQUESTS: "false", SESSION_SECRET: randomBytes(32).toString("hex") };
  delete env.DATABASE_URL;
  delete env.DATA_DIR;
  if (database.engine === "postgres") env.DATABASE_URL = database.url;
  else env.DATA_DIR = database.dataDir;
  const portal = await launchPortal(env);
  return {
    ...portal,
    stop: async () => {
      await portal.stop();
      const errors = portal.output.join("").split("\n").filter((l) => l.includes("[error]"));
      if (errors.length > 0) console.error(`  Server-Fehlermeldungen:\n${errors.slice(0, 10).join("\n")}`);
    },
  };
}

/** A client signed in as the benchmark's operator; fails loudly when the login does not work. */
export async function signedInClient(baseUrl: string, email: string, password: string): Promise<PortalHttpClient> {
  const client = new PortalHttpClient(baseUrl);
  const res = await client.login(email, password);
  await res.arrayBuffer();
  if (res.status !== 302) throw new Error(`Anmeldung als ${email} fehlgeschlagen (HTTP ${res.status})`);
  return client;
}
