/**
 * The built portal (scripts/serve.ts) as a child process on a free port, and a small cookie-keeping
 * HTTP client that signs in like a browser — shared by the HTTP/browser tests and the benchmarks.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export interface PortalProcess {
  baseUrl: string;
  bootMs: number;
  /** what the server printed so far */
  output: string[];
  stop(): Promise<void>;
}

/** Starts the portal with the given environment (PORT, HOST and BASE_URL are set here) and waits for /healthz. */
export async function launchPortal(env: NodeJS.ProcessEnv, { timeoutMs = 300_000 } = {}): Promise<PortalProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
    cwd: ROOT,
    env: { ...env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", BASE_URL: baseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout?.on("data", (d) => output.push(String(d)));
  child.stderr?.on("data", (d) => output.push(String(d)));
  try {
    await waitForHealth(baseUrl, child, output, timeoutMs);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { baseUrl, bootMs: Date.now() - started, output, stop: () => stopChild(child) };
}

async function waitForHealth(baseUrl: string, child: ChildProcess, output: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const text = output.join("");
      const hint = /migration directory is corrupt/.test(text)
        ? "\nThe database has migrations build/ does not know: build/ is stale — run npm run build."
        : "";
      throw new Error(`portal exited with ${child.exitCode}:\n${text}${hint}`);
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
  throw new Error(`portal did not become healthy:\n${output.join("")}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    // SIGTERM lets the embedded database flush; a hung process is killed after 30 s
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
      srv.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

/** Keeps cookies, follows no redirects, reads the CSRF field of a page, sends the portal's Origin. */
export class PortalHttpClient {
  private cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  get(pathname: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.request("GET", pathname, undefined, headers);
  }

  post(pathname: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.request("POST", pathname, new URLSearchParams(form), { "Content-Type": "application/x-www-form-urlencoded", ...headers });
  }

  /** A JSON body, given as value or as ready text. */
  postJson(pathname: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.sendJson("POST", pathname, body, headers);
  }

  putJson(pathname: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.sendJson("PUT", pathname, body, headers);
  }

  private sendJson(method: string, pathname: string, body: unknown, headers: Record<string, string>): Promise<Response> {
    return this.request(method, pathname, typeof body === "string" ? body : JSON.stringify(body), { "Content-Type": "application/json", ...headers });
  }

  /** The CSRF token rendered into the page's forms. */
  async csrfFrom(pathname: string): Promise<string> {
    const html = await (await this.get(pathname)).text();
    const match = html.match(/name="csrf" value="([^"]+)"/);
    if (!match?.[1]) throw new Error(`no csrf field on ${pathname}`);
    return match[1];
  }

  async login(email: string, password: string): Promise<Response> {
    const csrf = await this.csrfFrom("/anmelden");
    return this.post("/anmelden", { csrf, email, password });
  }

  private async request(method: string, pathname: string, body: URLSearchParams | string | undefined, headers: Record<string, string>) {
    const res = await fetch(new URL(pathname, this.baseUrl), {
      method,
      body,
      redirect: "manual",
      headers: {
        ...(method === "GET" ? {} : { Origin: this.baseUrl }),
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
