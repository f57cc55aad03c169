import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { DEMO_PASSWORD } from "~/modules/demo/accounts";
import { generateDemoRegion } from "~/modules/demo/region";
import { useBrowser } from "./browser";
import { screenOffset, utm32ToLonLat } from "./map-helpers";
import { PortalClient } from "./client";

const baseUrl = inject("portalUrl");
const browser = useBrowser();

/** The dev page's initial view (app/routes/dev.karte.tsx): Auenstadt at zoom 16. */
const VIEW = { lon: 9.4582, lat: 50.6419, zoom: 16 };
const AUENSTADT = [532400, 5610100] as const;

/** A Gemeindestraße segment of 60–200 m near Auenstadt's centre: start, middle and end vertex. */
const offsetPx = (p: [number, number]) => screenOffset(VIEW, p);

function streetToDraw(): { name: string; points: [number, number][] } {
  const centre = AUENSTADT;
  for (const road of generateDemoRegion().roads) {
    if (road.roadClass !== "gemeindestrasse" || !road.name || road.bridge || road.tunnel) continue;
    const c = road.geom.coordinates;
    if (!c.every((p) => Math.hypot(p[0] - centre[0], p[1] - centre[1]) < 180)) continue;
    const length = c.slice(1).reduce((s, p, i) => s + Math.hypot(p[0] - c[i]![0], p[1] - c[i]![1]), 0);
    if (length < 60 || length > 200 || c.length < 3) continue;
    return { name: road.name, points: [c[0]!, c[Math.floor(c.length / 2)]!, c.at(-1)!].map(([x, y]) => utm32ToLonLat(x, y)) };
  }
  throw new Error("no suitable street near Auenstadt's centre");
}

async function signIn(page: Page) {
  await page.goto(`${baseUrl}/anmelden?redirectTo=%2Fdev%2Fkarte`, { waitUntil: "networkidle" });
  await page.getByLabel("E-Mail-Adresse").fill("betreiber@demo.test");
  await page.getByLabel("Passwort").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Anmelden" }).click();
  await page.waitForURL(/\/(dev\/karte|start)$/);
}

describe("map test bench (/dev/karte)", () => {
  it("the coordinate helpers agree with PostGIS", () => {
    const [lon, lat] = utm32ToLonLat(...AUENSTADT);
    // SELECT ST_Transform(ST_SetSRID(ST_MakePoint(532400, 5610100), 25832), 4326)
    expect(lon).toBeCloseTo(9.458220872, 6);
    expect(lat).toBeCloseTo(50.641862056, 6);
  });

  it("loads the map with vector tiles, draws a route over Auenstadt and shows the check report", async () => {
    const context = await browser().newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    const tiles: { url: string; status: number; type: string | undefined }[] = [];
    const scripts = new Set<string>();
    // MapLibre fetches tiles in its worker: requestfinished sees those (context "response" misses most)
    page.on("requestfinished", async (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith("/build/") && url.pathname.endsWith(".js")) scripts.add(url.pathname);
      if (!url.pathname.startsWith("/tiles/")) return;
      // the page may close while a tile is still on its way
      const res = await request.response().catch(() => null);
      tiles.push({ url: url.pathname, status: res?.status() ?? 0, type: res?.headers()["content-type"] });
    });
    page.on("requestfailed", (request) => {
      if (new URL(request.url()).pathname.startsWith("/tiles/")) tiles.push({ url: request.url(), status: -1, type: request.failure()?.errorText });
    });

    await signIn(page);
    scripts.clear(); // count what the map page itself loads
    const started = Date.now();
    await page.goto(`${baseUrl}/dev/karte`);
    // fails when MapLibre never fires "load" (e.g. its worker is missing)
    await page.locator('[data-map-loaded="true"]').waitFor({ timeout: 30_000 });
    console.log(`[e2e] map loaded after ${Date.now() - started} ms`);

    const roadTiles = () => tiles.filter((t) => t.status === 200 && t.url.startsWith("/tiles/roads/16/")).length;
    await expect.poll(roadTiles, { timeout: 20_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(1000); // the rest of the first view's tiles
    const ok = tiles.filter((t) => t.status === 200);
    expect(ok.length).toBeGreaterThan(5);
    expect(ok.every((t) => t.type === "application/vnd.mapbox-vector-tile")).toBe(true);
    // 204: an empty tile (e.g. no water protection zone here)
    expect(tiles.filter((t) => t.status !== 200 && t.status !== 204 && t.status !== 304)).toEqual([]);

    // draw along a street: click, click, double click
    const street = streetToDraw();
    const canvas = page.locator(".route-map__canvas canvas");
    const box = (await canvas.boundingBox())!;
    const at = (p: [number, number]) => {
      const { dx, dy } = offsetPx(p);
      const x = box.x + box.width / 2 + dx;
      const y = box.y + box.height / 2 + dy;
      expect(x > box.x + 40 && x < box.x + box.width - 60 && y > box.y + 40 && y < box.y + box.height - 40, "point inside the map").toBe(true);
      return { x, y };
    };
    const [p1, p2, p3] = street.points.map(at) as [{ x: number; y: number }, { x: number; y: number }, { x: number; y: number }];
    await page.getByRole("button", { name: "Trasse zeichnen" }).click();
    expect(await page.getByRole("button", { name: "Trasse zeichnen" }).getAttribute("aria-pressed")).toBe("true");
    await page.mouse.move(p1.x - 5, p1.y - 5);
    await page.mouse.click(p1.x, p1.y);
    await page.mouse.move(p2.x, p2.y, { steps: 5 });
    await page.mouse.click(p2.x, p2.y);
    await page.mouse.move(p3.x, p3.y, { steps: 5 });
    await page.mouse.dblclick(p3.x, p3.y);

    const readValue = async () => JSON.parse((await page.getByTestId("route-json").textContent()) ?? "{}") as GeoJSON.FeatureCollection;
    await expect.poll(async () => (await readValue()).features?.length ?? 0, { timeout: 10_000 }).toBe(1);
    const value = await readValue();
    const line = value.features[0]!;
    expect(line.geometry.type).toBe("LineString");
    expect((line.geometry as GeoJSON.LineString).coordinates.length).toBeGreaterThanOrEqual(2);
    expect(line.properties).toMatchObject({ method: "open_trench" });

    await expect.poll(async () => (await page.getByTestId("report-sections").textContent().catch(() => "")) ?? "", { timeout: 15_000 }).toMatch(/Abschnitte: [1-9]/);
    console.log(`[e2e] drew ${street.name}: ${(await page.getByTestId("check-status").textContent()) ?? ""}`);

    await page.waitForTimeout(500); // let the report overlay render
    await page.locator(".route-map").screenshot({ path: "tests/e2e/screenshots/map-route.png" });

    // the search box flies to a Gemeinde
    await page.getByLabel("Ort oder Straße suchen").fill("Auenst");
    await page.getByRole("button", { name: /^Auenstadt\s+Gemeinde$/ }).click();

    expect(errors).toEqual([]);
    const js = [...scripts].map((p) => readFileSync(path.join("public", p)));
    const raw = js.reduce((s, b) => s + b.byteLength, 0);
    const gz = js.reduce((s, b) => s + gzipSync(b, { level: 9 }).byteLength, 0);
    console.log(`[e2e] /dev/karte loads ${js.length} JS files: ${(raw / 1024).toFixed(0)} KB, ${(gz / 1024).toFixed(0)} KB gzip (+ worker)`);
    console.log(`[e2e] tile responses of the first view: ${ok.length} × 200, ${tiles.filter((t) => t.status === 204).length} × 204 (all: ${tiles.length})`);
    await context.close();
  }, 120_000);
});

describe("route editor", () => {
  it("places a network element, edits, deletes, undoes and redoes; shows popups; Escape cancels a line", async () => {
    const context = await browser().newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error" || (m.type() === "warning" && m.text().startsWith("[karte]"))) errors.push(m.text());
    });
    await signIn(page);
    await page.goto(`${baseUrl}/dev/karte`);
    await page.locator('[data-map-loaded="true"]').waitFor({ timeout: 30_000 });
    const box = (await page.locator(".route-map__canvas canvas").boundingBox())!;
    const point = (p: [number, number]) => {
      const { dx, dy } = offsetPx(p);
      return { x: box.x + box.width / 2 + dx, y: box.y + box.height / 2 + dy };
    };
    const readValue = async () => JSON.parse((await page.getByTestId("route-json").textContent()) ?? "{}") as GeoJSON.FeatureCollection;
    const kinds = async () => (await readValue()).features.map((f) => `${f.geometry.type}:${JSON.stringify(f.properties)}`);
    const [a, b, c] = streetToDraw().points.map(point) as [{ x: number; y: number }, { x: number; y: number }, { x: number; y: number }];

    // an info popup in the viewing mode; submitted applications (the demo history has some on this
    // street) would take the click first, so the user hides them with the layer switcher
    await page.getByLabel("Eingereichte Anträge").uncheck();
    await page.waitForTimeout(1000); // tiles rendered
    await page.mouse.click(b.x, b.y);
    await expect.poll(async () => (await page.locator(".maplibregl-popup-content").textContent().catch(() => "")) ?? "").toMatch(/Baulastträger/);
    await page.keyboard.press("Escape");

    // a line finished with the button
    await page.getByRole("button", { name: "Trasse zeichnen" }).click();
    await page.mouse.click(a.x, a.y);
    await page.mouse.move(c.x, c.y, { steps: 4 });
    await page.mouse.click(c.x, c.y);
    await page.getByRole("button", { name: "Linie abschließen" }).click();
    await expect.poll(kinds).toEqual(['LineString:{"method":"open_trench"}']);

    // Escape drops a line in progress
    await page.mouse.click(a.x + 80, a.y - 120);
    await page.mouse.click(a.x + 140, a.y - 160);
    await page.keyboard.press("Escape");
    await page.waitForTimeout(300);
    expect(await kinds()).toHaveLength(1);

    // a network element of the chosen type
    await page.getByRole("button", { name: "Netzelement setzen" }).click();
    await page.getByLabel("Art des Netzelements").selectOption("muffe");
    await page.mouse.click(a.x - 60, a.y - 90);
    await expect.poll(kinds).toEqual(['LineString:{"method":"open_trench"}', 'Point:{"elementType":"muffe"}']);

    // select the line, change its method, delete it, undo, redo
    await page.getByRole("button", { name: "Bearbeiten" }).click();
    expect(await page.getByRole("button", { name: "Bearbeiten" }).getAttribute("aria-pressed")).toBe("true");
    await page.mouse.click((a.x + c.x) / 2, (a.y + c.y) / 2);
    await page.getByLabel("Verlegeverfahren der ausgewählten Linie").selectOption("hdd");
    await expect.poll(kinds).toEqual(['LineString:{"method":"hdd"}', 'Point:{"elementType":"muffe"}']);
    await page.locator(".route-map__canvas canvas").focus();
    await page.keyboard.press("Delete");
    await expect.poll(kinds).toEqual(['Point:{"elementType":"muffe"}']);
    await page.getByRole("button", { name: "Rückgängig" }).click();
    await expect.poll(kinds).toEqual(['LineString:{"method":"hdd"}', 'Point:{"elementType":"muffe"}']);
    await page.getByRole("button", { name: "Wiederholen" }).click();
    await expect.poll(kinds).toEqual(['Point:{"elementType":"muffe"}']);
    await page.getByRole("button", { name: "Rückgängig" }).click();
    await expect.poll(async () => (await page.getByTestId("report-sections").textContent().catch(() => "")) ?? "", { timeout: 15_000 }).toMatch(/Abschnitte: [1-9]/);

    // read-only: the route stays on the map, the toolbar goes
    await page.getByRole("button", { name: /^Abschnitt 1:/ }).click();
    await page.getByLabel("Bearbeiten erlauben").uncheck();
    await expect.poll(() => page.getByRole("toolbar").count()).toBe(0);
    await page.waitForTimeout(800);
    await page.locator(".route-map").screenshot({ path: "tests/e2e/screenshots/map-readonly.png" });
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});

describe("tile and search endpoints", () => {
  it("answer 401 without a session", async () => {
    const tile = await fetch(`${baseUrl}/tiles/roads/14/8622/5510.mvt`);
    expect(tile.status).toBe(401);
    expect(tile.headers.get("content-type")).toMatch(/application\/problem\+json/);
    expect((await fetch(`${baseUrl}/api/v1/search?q=Auen`)).status).toBe(401);
  });

  it("serve tiles with ETag and 304, reject bad tiles, validate the search", async () => {
    const client = new PortalClient();
    expect((await client.login("betreiber@demo.test", DEMO_PASSWORD)).status).toBe(302);
    const res = await client.get("/tiles/roads/14/8622/5510.mvt", { "Accept-Encoding": "gzip" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.mapbox-vector-tile");
    expect(res.headers.get("cache-control")).toBe("private, max-age=300");
    const etag = res.headers.get("etag");
    expect(etag).toBeTruthy();
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect((await client.get("/tiles/roads/14/8622/5510.mvt", { "If-None-Match": etag! })).status).toBe(304);
    expect((await client.get("/tiles/roads/2/9/0.mvt")).status).toBe(400);
    expect((await client.get("/tiles/roads/23/0/0.mvt")).status).toBe(400);
    expect((await client.get("/tiles/nope/1/0/0.mvt")).status).toBe(404);
    expect((await client.get("/tiles/trees/14/8622/5510.mvt")).status).toBe(204);

    expect((await client.get("/api/v1/search?q=a")).status).toBe(422);
    const search = await client.get("/api/v1/search?q=Auen");
    expect(search.status).toBe(200);
    const body = (await search.json()) as { results: { kind: string; label: string; bbox: number[] }[] };
    expect(body.results[0]).toMatchObject({ kind: "gemeinde", label: "Auenstadt" });
    expect(body.results[0]!.bbox).toHaveLength(4);
  });
});
