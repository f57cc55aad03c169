import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "~/modules/demo/accounts";
import { generateDemoRegion } from "~/modules/demo/region";
import { PortalClient } from "./client";

/** A route 3 m beside a Kreisstraße of the demo region, in EPSG:25832. */
function demoRoute() {
  const road = generateDemoRegion().roads.find((r) => r.ref === "K 142" && !r.ortsdurchfahrt && !r.bridge)!;
  const coordinates = road.geom.coordinates.map(([x, y]) => [x, y + 3]);
  return { route: { type: "Feature", properties: {}, geometry: { type: "LineString", coordinates } }, srid: 25832 };
}

async function signedIn(email: string) {
  const client = new PortalClient();
  expect((await client.login(email, DEMO_PASSWORD)).status).toBe(302);
  return client;
}

describe("POST /api/v1/checks", () => {
  it("answers 401 as problem+json without a session", async () => {
    const res = await new PortalClient().postJson("/api/v1/checks", demoRoute());
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await res.json()).toMatchObject({ status: 401, title: "Nicht angemeldet" });
  });

  it("answers 403 to state staff (they read, they do not plan)", async () => {
    const res = await (await signedIn("landesebene@demo.test")).postJson("/api/v1/checks", demoRoute());
    expect(res.status).toBe(403);
  });

  it("checks a route for an operator: sections by authority with lengths", async () => {
    const res = await (await signedIn("betreiber@demo.test")).postJson("/api/v1/checks", demoRoute());
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report.lengthM).toBeGreaterThan(10);
    expect(report.sections[0]).toMatchObject({ roadClass: "kreisstrasse", roads: [expect.objectContaining({ ref: "K 142" })] });
    expect(report.sections[0].authority.name).toContain("Landkreises Auenwald");
  });

  it("answers bad input with 415/422 problems, never 500", async () => {
    const client = await signedIn("kreis@demo.test");
    const invalidJson = await client.postJson("/api/v1/checks", "{ kaputt");
    expect(invalidJson.status).toBe(422);
    expect((await invalidJson.json()).title).toBe("Ungültiges JSON");

    const wrongType = await client.postJson("/api/v1/checks", demoRoute(), { "Content-Type": "text/plain" });
    expect(wrongType.status).toBe(415);

    const tooLarge = await client.postJson("/api/v1/checks", { padding: "x".repeat(5 * 1024 * 1024 + 10) });
    expect(tooLarge.status).toBe(422);
    expect((await tooLarge.json()).title).toBe("Anfrage zu groß");

    const point = await client.postJson("/api/v1/checks", { route: { type: "Feature", properties: {}, geometry: { type: "Point", coordinates: [9, 50] } } });
    expect(point.status).toBe(422);
    const body = await point.json();
    expect(body.errors[0]).toEqual({ path: "route.geometry.type", message: "Nur LineString und MultiLineString sind als Trasse erlaubt." });

    const france = await client.postJson("/api/v1/checks", { route: { type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: [[2.35, 48.85], [2.36, 48.86]] } } });
    expect(france.status).toBe(422);
    expect((await france.json()).detail).toContain("außerhalb des Portalgebiets");
  });

  it("allows only POST", async () => {
    const res = await (await signedIn("betreiber@demo.test")).get("/api/v1/checks");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });
});

describe("PUT /api/v1/applications/{id}/route (the route editor's autosave)", () => {
  it("saves with the current version, rejects a stale one with 409, and checks the CSRF token", async () => {
    const client = await signedIn("betreiber@demo.test");
    const csrf = await client.csrfFrom("/antraege");
    const created = await client.post("/antraege", { csrf, title: "Autosave über die API" });
    expect(created.status).toBe(302);
    const id = created.headers.get("location")!.split("/")[2]!;
    const url = `/api/v1/applications/${id}/route`;
    const route = { type: "FeatureCollection", features: [{ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: [[9.45, 50.64], [9.451, 50.641]] } }] };

    const noToken = await client.putJson(url, { expectedVersion: 1, route });
    expect(noToken.status).toBe(403);

    const first = await client.putJson(url, { expectedVersion: 1, route }, { "X-CSRF-Token": csrf });
    expect(first.status).toBe(200);
    expect((await first.json()).version).toBe(2);

    const stale = await client.putJson(url, { expectedVersion: 1, route }, { "X-CSRF-Token": csrf });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ title: "Bearbeitungskonflikt" });

    const bad = await client.putJson(url, { expectedVersion: "zwei", route }, { "X-CSRF-Token": csrf });
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors[0].path).toBe("expectedVersion");

    const badRoute = await client.putJson(url, { expectedVersion: 2, route: { type: "FeatureCollection", features: [{ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: [[9.45]] } }] } }, { "X-CSRF-Token": csrf });
    expect(badRoute.status).toBe(422);

    const clerk = await signedIn("kreis@demo.test");
    const clerkCsrf = await clerk.csrfFrom("/konto/passwort");
    expect((await clerk.putJson(url, { expectedVersion: 2, route }, { "X-CSRF-Token": clerkCsrf })).status).toBe(403);
    expect((await client.putJson("/api/v1/applications/00000000-0000-0000-0000-000000000000/route", { expectedVersion: 1, route }, { "X-CSRF-Token": csrf })).status).toBe(404);
    expect((await client.putJson(`/api/v1/applications/kein-antrag/route`, { expectedVersion: 1, route }, { "X-CSRF-Token": csrf })).status).toBe(404);
  });
});
