import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

/**
 * The production portal server (scripts/serve.ts on the built app) on a free port, against the
 * benchmark database, and a tiny cookie-keeping client that signs in like a browser does.
 */
export interface Portal {
  baseUrl: string;
  bootMs: number;
  stop(): Promise<void>;
}

export const ROOT = path.resolve(import.meta.dirname, "../..");

export type PortalDatabase = { engine: "postgres"; url: string } | { engine: "pglite"; dataDir: string };

export async function startPortal(database: PortalDatabase): Promise<Portal> {
  if (!existsSync(path.join(ROOT, "build/index.js"))) {
    throw new Error("build/index.js fehlt: zuerst `npm run build` ausführen.");
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    BASE_URL: baseUrl,
    DEMO_DATA: "0",
    LOG_REQUESTS: "false",
    SESSION_SECRET: randomBytes(32).toString("hex"),
  };
  delete env.DATABASE_URL;
  delete env.DATA_DIR;
  if (database.engine === "postgres") env.DATABASE_URL = database.url;
  else env.DATA_DIR = database.dataDir;

  const started = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  child.stdout?.on("data", (d) => output.push(String(d)));
  child.stderr?.on("data", (d) => output.push(String(d)));
  try {
    await waitForHealth(baseUrl, child, output);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return {
    baseUrl,
    bootMs: Date.now() - started,
    stop: async () => {
      await stopChild(child);
      const errors = output.join("").split("\n").filter((l) => l.includes("[error]"));
      if (errors.length > 0) console.error(`  Server-Fehlermeldungen:\n${errors.slice(0, 10).join("\n")}`);
    },
  };
}

async function waitForHealth(baseUrl: string, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const text = output.join("");
      const hint = /migration directory is corrupt/.test(text)
        ? "\nDie Datenbank hat Migrationen, die build/ nicht kennt: build/ ist veraltet — npm run build ausführen."
        : "";
      throw new Error(`Portal-Server beendet mit Code ${child.exitCode}:\n${text}${hint}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Portal-Server wurde nicht bereit:\n${output.join("")}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("kein freier Port"))));
    });
  });
}

/** Keeps cookies, follows no redirects; fetch keeps the connection alive between requests. */
export class BenchClient {
  private cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  async login(email: string, password: string): Promise<void> {
    const page = await this.request("GET", "/anmelden");
    const html = await page.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    if (!csrf) throw new Error("Anmeldeseite ohne CSRF-Feld");
    const res = await this.request("POST", "/anmelden", new URLSearchParams({ csrf, email, password }), {
      "Content-Type": "application/x-www-form-urlencoded",
    });
    await res.arrayBuffer();
    if (res.status !== 302 || !this.cookies.has("__bp_session")) {
      throw new Error(`Anmeldung als ${email} fehlgeschlagen (HTTP ${res.status})`);
    }
  }

  /** POSTs a JSON text; the caller reads the body. */
  postJson(pathname: string, json: string): Promise<Response> {
    return this.request("POST", pathname, json, { "Content-Type": "application/json" });
  }

  private async request(method: string, pathname: string, body?: string | URLSearchParams, headers: Record<string, string> = {}) {
    const res = await fetch(new URL(pathname, this.baseUrl), {
      method,
      body,
      redirect: "manual",
      headers: {
        Origin: this.baseUrl,
        Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        ...headers,
      },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...value] = (pair ?? "").split("=");
      if (!name) continue;
      const v = value.join("=");
      if (v === "" || /max-age=0/i.test(line)) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), v);
    }
    return res;
  }
}
