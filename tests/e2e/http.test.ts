import { describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~/modules/demo/accounts";
import { PortalClient } from "./client";

describe("portal over HTTP", () => {
  it("answers /healthz with the database engine and version", async () => {
    const res = await new PortalClient().get("/healthz");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: "ok", database: { engine: process.env.DATABASE_URL ? "postgres" : "pglite" } });
    expect(body.database.postgis).toMatch(/^3\./);
  });

  it("sends security headers: CSP with a nonce, no x-powered-by, no HSTS on http", async () => {
    const res = await new PortalClient().get("/");
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-powered-by")).toBeNull();
    expect(res.headers.get("strict-transport-security")).toBeNull();
    const html = await res.text();
    const nonce = csp.match(/'nonce-([^']+)'/)?.[1];
    expect(html).toContain(`nonce="${nonce}"`);
    expect(html).toContain("Glasfaser schneller genehmigt");
  });

  it("sends protected pages to the login and back", async () => {
    const res = await new PortalClient().get("/start");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/anmelden?redirectTo=%2Fstart");
  });

  it("answers a wrong password with 401 and a German message", async () => {
    const res = await new PortalClient().login("betreiber@demo.test", "falsch-falsch");
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("E-Mail-Adresse oder Passwort ist nicht korrekt.");
  });

  it("answers an invalid login form with 422 and field messages", async () => {
    const client = new PortalClient();
    const csrf = await client.csrfFrom("/anmelden");
    const res = await client.post("/anmelden", { csrf, email: "keine-adresse", password: "" });
    expect(res.status).toBe(422);
    const text = await res.text();
    expect(text).toContain("Bitte geben Sie eine gültige E-Mail-Adresse ein.");
    expect(text).toContain("Bitte geben Sie Ihr Passwort ein.");
  });

  it("rejects a POST without or with a forged CSRF token, and from a foreign origin", async () => {
    const client = new PortalClient();
    await client.csrfFrom("/anmelden");
    const form = { email: "betreiber@demo.test", password: DEMO_PASSWORD };
    expect((await client.post("/anmelden", form)).status).toBe(403);
    expect((await client.post("/anmelden", { ...form, csrf: "abc.def" })).status).toBe(403);
    const csrf = await client.csrfFrom("/anmelden");
    const foreign = await client.post("/anmelden", { ...form, csrf }, { Origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    // the same request from the portal's own page passes
    expect((await client.post("/anmelden", { ...form, csrf })).status).toBe(302);
  });

  it.each(DEMO_ACCOUNTS.map((a) => [a.email, a] as const))("logs in %s and shows its home page", async (_email, account) => {
    const client = new PortalClient();
    const res = await client.login(account.email, DEMO_PASSWORD);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/start");
    expect(res.headers.getSetCookie().join(";")).toMatch(/__bp_session=.*HttpOnly.*SameSite=Lax/i);
    const home = await client.get("/start");
    expect(home.status).toBe(200);
    // React separates text and expressions with <!-- --> in server HTML
    expect((await home.text()).replaceAll("<!-- -->", "")).toContain(`Willkommen, ${account.name}`);
  });

  it("answers 403 in German when the role does not fit, for pages and form posts", async () => {
    const client = new PortalClient();
    await client.login("betreiber@demo.test", DEMO_PASSWORD);
    const page = await client.get("/admin/organisationen");
    expect(page.status).toBe(403);
    expect(await page.text()).toContain("Diese Seite ist der Rolle „Plattformadmin“ vorbehalten.");
    const csrf = await client.csrfFrom("/start");
    const post = await client.post("/admin/benutzer", { csrf, name: "Eindringling", email: "x@y.de", role: "platform_admin" });
    expect(post.status).toBe(403);
  });

  it("lets the platform admin create an organisation, with field errors first", async () => {
    const client = new PortalClient();
    await client.login("admin@demo.test", DEMO_PASSWORD);
    const csrf = await client.csrfFrom("/admin/organisationen");
    const bad = await client.post("/admin/organisationen", { csrf, name: "Stadt Neu", slug: "stadt-neu", kind: "road_authority" });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("Für Straßenbaulastträger ist die Ebene erforderlich.");
    const good = await client.post("/admin/organisationen", {
      csrf,
      name: "Stadt Neu",
      slug: "stadt-neu",
      kind: "road_authority",
      authorityLevel: "gemeinde",
      state: "RP",
    });
    expect(good.status).toBe(200);
    expect(await (await client.get("/admin/organisationen")).text()).toContain("Stadt Neu");
  });

  it("ends the session on logout", async () => {
    const client = new PortalClient();
    await client.login("landesebene@demo.test", DEMO_PASSWORD);
    expect((await client.get("/start")).status).toBe(200);
    const csrf = await client.csrfFrom("/start");
    const out = await client.post("/abmelden", { csrf });
    expect(out.status).toBe(302);
    expect((await client.get("/start")).status).toBe(302);
  });

  it("answers an unknown page with a German 404 and no stack trace", async () => {
    const res = await new PortalClient().get("/gibt-es-nicht/auch-nicht");
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain("Seite nicht gefunden");
    expect(html).not.toMatch(/at .*\.(js|ts):\d+/);
  });
  it("verifies documents publicly: 404 for an unknown id, 422 with field errors for a malformed id or hash", async () => {
    const client = new PortalClient();
    const unknown = await client.get("/api/v1/documents/0000000000000000/verification");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toContain("application/problem+json");
    const malformed = await client.get("/api/v1/documents/kein-dokument/verification?sha256=zz");
    expect(malformed.status).toBe(422);
    const problem = await malformed.json();
    expect(problem.errors.map((e: { path: string }) => e.path)).toEqual(["id", "sha256"]);
    expect((await client.get("/verify/0000000000000000")).status).toBe(404);
    // downloading needs a login
    const download = await client.get("/dokumente/0000000000000000");
    expect(download.status).toBe(302);
    expect(download.headers.get("location")).toContain("/anmelden");
  });
  it("shows public statistics to everyone, without names; the dashboard and its exports only to state staff", async () => {
    const anonymous = new PortalClient();
    const page = await anonymous.get("/statistik/oeffentlich");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Landkreis Auenwald");
    // aggregates only: no authority, operator or person of the demo history
    for (const name of ["Hessen Mobil", "Glasfasernetz", "FiberWay", "Stadt Auenstadt", "-TKG-"]) expect(html).not.toContain(name);
    const csv = await anonymous.get("/statistik/oeffentlich/export");
    expect(csv.headers.get("content-type")).toContain("text/csv");
    // fetch's text() drops a byte order mark: look at the bytes
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString("utf8").startsWith("AGS;Name;Ebene;")).toBe(true);
    expect((await anonymous.get("/statistik/oeffentlich?from=2026-05-01&to=2026-01-01")).status).toBe(400);

    expect((await anonymous.get("/statistik")).status).toBe(302);
    const operator = new PortalClient();
    await operator.login("betreiber@demo.test", DEMO_PASSWORD);
    expect((await operator.get("/statistik")).status).toBe(403);
    expect((await operator.get("/statistik/export?table=areas")).status).toBe(403);

    const analyst = new PortalClient();
    await analyst.login("landesebene@demo.test", DEMO_PASSWORD);
    const geojson = await analyst.get("/statistik/export?table=areas&format=geojson&level=gemeinde");
    expect(geojson.status).toBe(200);
    const fc = await geojson.json();
    expect(fc.features.length).toBeGreaterThan(1);
    expect(fc.features[0].geometry.type).toMatch(/Polygon$/);
    expect(fc.features[0].properties).toMatchObject({ ags: expect.stringMatching(/^\d{8}$/), level: "gemeinde" });
    for (const table of ["authorities", "months", "processing", "coverage"]) {
      const res = await analyst.get(`/statistik/export?table=${table}`);
      expect(res.status, table).toBe(200);
      expect([...Buffer.from(await res.arrayBuffer()).subarray(0, 3)], table).toEqual([0xef, 0xbb, 0xbf]);
    }
    expect((await analyst.get("/statistik/export?table=authorities&format=geojson")).status).toBe(400);
    expect((await analyst.get("/statistik?level=land")).status).toBe(400);
  });
});
