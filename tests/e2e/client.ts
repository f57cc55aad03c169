import { inject } from "vitest";

/** A tiny browser-like HTTP client: keeps cookies, does not follow redirects, reads the CSRF field of a page. */
export class PortalClient {
  readonly baseUrl = inject("portalUrl");
  private cookies = new Map<string, string>();

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.request("GET", path, undefined, headers);
  }

  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.request("POST", path, new URLSearchParams(form), {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: this.baseUrl,
      ...headers,
    });
  }

  async postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.request("POST", path, typeof body === "string" ? body : JSON.stringify(body), {
      "Content-Type": "application/json",
      Origin: this.baseUrl,
      ...headers,
    });
  }

  /** The CSRF token rendered into the page's forms. */
  async csrfFrom(path: string): Promise<string> {
    const html = await (await this.get(path)).text();
    const match = html.match(/name="csrf" value="([^"]+)"/);
    if (!match?.[1]) throw new Error(`no csrf field on ${path}`);
    return match[1];
  }

  async login(email: string, password: string): Promise<Response> {
    const csrf = await this.csrfFrom("/anmelden");
    return this.post("/anmelden", { csrf, email, password });
  }

  private async request(method: string, path: string, body: URLSearchParams | string | undefined, headers: Record<string, string>) {
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      body,
      redirect: "manual",
      headers: { Cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "), ...headers },
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
