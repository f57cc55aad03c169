import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { EMPTY_VIEW } from "~/components/application/view";
import { generateDemoRegion } from "~/modules/demo/region";
import { useBrowser } from "./browser";
import { screenOffset, utm32ToLonLat } from "./map-helpers";
import { completeAndSubmit, newApplication, signIn, waitForCheckAndSave } from "./operator-flow";

/**
 * The proof a user would recognise: an operator draws the route with mouse clicks, sees the
 * conflicts in the check report, completes the form and gets one case per responsible authority.
 *
 * What keeps it reliable (an earlier version was flaky):
 * - the clicks are computed from the map's fixed start view (EMPTY_VIEW) and lie on the street
 *   centre lines, ≥ 80 px apart — no click comes near the closing point of the line before the last;
 * - snapping is switched off with the map's own checkbox: a vertex lands where it was clicked,
 *   however far the road tiles have loaded;
 * - the line is finished the way the map's hint says: a double click on the last point;
 * - the canvas is scrolled into view without smooth scrolling, and every click is checked to land
 *   on the canvas (mouse clicks outside the viewport hit nothing);
 * - the report is checked against the street names and the length, which fails at once if the map
 *   had not been where the test thought it was, or the line had ended early.
 */
const baseUrl = inject("portalUrl");
const browser = useBrowser();

/**
 * The route in EPSG:25832, on the centre lines of the demo streets: up the tree-lined Obergasse
 * (south of the Aue, so no bridge), round the corner into the Schlossgasse, across the B 275
 * (Frankfurter Straße, Hessen Mobil). The Obergasse and Schlossgasse belong to the Stadt Auenstadt.
 * Length 347 m; at zoom 15 the clicks are 86 and 142 px apart.
 */
const ROUTE: [number, number][] = [
  [532540, 5609765], // Obergasse, among its street trees
  [532465, 5609872], // corner Obergasse / Schlossgasse
  [532288, 5609748], // Schlossgasse, west of the B 275
];

/** The demo street a position lies on (centre line within 1 m), to keep ROUTE honest if the demo data changes. */
function streetAt([x, y]: [number, number]): string[] {
  const near = (p: number[], a: number[], b: number[]) => {
    const [dx, dy] = [b[0]! - a[0]!, b[1]! - a[1]!];
    const t = Math.max(0, Math.min(1, ((p[0]! - a[0]!) * dx + (p[1]! - a[1]!) * dy) / (dx * dx + dy * dy || 1)));
    return Math.hypot(p[0]! - a[0]! - t * dx, p[1]! - a[1]! - t * dy) < 1;
  };
  const names = generateDemoRegion()
    .roads.filter((r) => r.geom.coordinates.some((c, i) => i > 0 && near([x, y], r.geom.coordinates[i - 1]!, c)))
    .map((r) => r.name ?? r.ref ?? r.externalId);
  return [...new Set(names)].sort();
}

/** Counts the vector tile requests (MapLibre fetches them in its worker; the page sees those requests too). */
function tileTracker(page: Page) {
  let inFlight = 0;
  let requested = 0;
  let lastChange = Date.now();
  const isTile = (url: string) => new URL(url).pathname.startsWith("/tiles/");
  page.on("request", (r) => {
    if (!isTile(r.url())) return;
    inFlight += 1;
    requested += 1;
    lastChange = Date.now();
  });
  const done = (r: { url(): string }) => {
    if (!isTile(r.url())) return;
    inFlight -= 1;
    lastChange = Date.now();
  };
  page.on("requestfinished", done);
  page.on("requestfailed", done);
  return {
    get requested() {
      return requested;
    },
    /** Resolves once no tile has been in flight for `quietMs` and the frame after the last one is drawn. */
    async settled(quietMs = 500) {
      await expect.poll(() => inFlight === 0 && Date.now() - lastChange >= quietMs, { timeout: 90_000, interval: 100 }).toBe(true);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    },
  };
}

describe("an operator draws the route with the mouse", () => {
  it("clicks a route across two authorities' roads and street trees, sees the conflicts, submits, gets two cases", async () => {
    expect(ROUTE.map(streetAt)).toEqual([["Obergasse"], ["Obergasse", "Schlossgasse"], ["Schlossgasse"]]);

    const page = await browser().newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error" || (m.type() === "warning" && m.text().startsWith("[karte]"))) errors.push(m.text());
    });
    const tiles = tileTracker(page);

    // The operator signs in and starts a new application: the map opens over Auenstadt.
    await signIn(page, baseUrl);
    await newApplication(page, baseUrl, "FTTH Auenstadt Obergasse, gezeichnet");
    const canvas = page.locator(".route-map__canvas canvas");
    // KERN sets `scroll-behavior: smooth`: a smooth scroll can be cut short by a re-render, so jump
    await canvas.evaluate((el) => el.scrollIntoView({ block: "center", behavior: "instant" }));
    // the server renders the first view's tiles one by one: the check and the save must not queue behind them
    const started = Date.now();
    await tiles.settled();
    console.log(`[e2e] ${tiles.requested} tiles of the first view in ${Date.now() - started} ms`);

    // They switch snapping off (the clicks are exact) and pick "Trasse zeichnen".
    await page.getByLabel("An Straßen einrasten").uncheck();
    const drawTool = page.getByRole("button", { name: "Trasse zeichnen" });
    await drawTool.click();
    await expect.poll(() => drawTool.getAttribute("aria-pressed")).toBe("true");

    // They click the route point by point and double-click the last point to finish the line.
    const box = (await canvas.boundingBox())!;
    const view = { lon: EMPTY_VIEW.center[0], lat: EMPTY_VIEW.center[1], zoom: EMPTY_VIEW.zoom };
    const clicks = ROUTE.map(([e, n]) => {
      const { dx, dy } = screenOffset(view, utm32ToLonLat(e, n));
      return { x: box.x + box.width / 2 + dx, y: box.y + box.height / 2 + dy };
    });
    for (const { x, y } of clicks) {
      expect(x > box.x + 60 && x < box.x + box.width - 60 && y > box.y + 60 && y < box.y + box.height - 60, "click inside the map, clear of its controls").toBe(true);
      // mouse clicks are not scrolled into view: each must hit the map canvas itself
      expect(await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.matches(".route-map__canvas canvas") ?? false, { x, y })).toBe(true);
    }
    for (const [i, p] of clicks.entries()) {
      if (i > 0) expect(Math.hypot(p.x - clicks[i - 1]!.x, p.y - clicks[i - 1]!.y)).toBeGreaterThanOrEqual(80);
    }
    const [first, ...rest] = clicks;
    await page.mouse.move(first!.x - 20, first!.y - 20);
    await page.mouse.move(first!.x, first!.y, { steps: 2 });
    await page.mouse.click(first!.x, first!.y);
    for (const [i, p] of rest.entries()) {
      await page.waitForTimeout(150);
      await page.mouse.move(p.x, p.y, { steps: 3 }); // the line follows the pointer
      await page.waitForTimeout(150);
      if (i < rest.length - 1) await page.mouse.click(p.x, p.y);
      else await page.mouse.dblclick(p.x, p.y);
    }
    const finished = page.getByText("Linie abgeschlossen.");
    // a double click the map took as two separate clicks leaves the line open: the map's own "Linie abschließen" finishes it
    if (!(await finished.waitFor({ state: "attached", timeout: 5_000 }).then(() => true, () => false))) {
      await page.getByRole("button", { name: "Linie abschließen" }).click();
    }
    await finished.waitFor({ state: "attached" });

    // The route is checked and the draft saved; the report lists both authorities and the trees.
    await waitForCheckAndSave(page);
    const report = page.locator(".check-report");
    expect(await report.textContent()).toMatch(/Länge der Trasse: 3[34]\d m/);
    expect(await page.locator("#report-sections + ol > li").allTextContents()).toEqual([expect.stringMatching(/^Obergasse, Schlossgasse – /)]);
    const authorities = await page.locator("#report-authorities + table tbody th").allTextContents();
    expect(authorities).toHaveLength(2);
    expect(authorities).toEqual(expect.arrayContaining(["Stadt Auenstadt", expect.stringMatching(/^Hessen Mobil/)]));
    expect(await page.locator("#report-crossings + ul").textContent()).toMatch(/Bundesstraße B 275 Frankfurter Straße – Zustimmung: Hessen Mobil/);
    const trees = await page.locator("#report-conflicts + ul > li").filter({ hasText: /Bäume „Baum Nr\. \d+“/ }).count();
    expect(trees).toBeGreaterThanOrEqual(1);
    console.log(`[e2e] drawn route: ${authorities.join(" + ")}, ${trees} trees`);

    // The map shows the checked route (screenshot once the tiles are in).
    await tiles.settled();
    await page.waitForTimeout(300);
    await page.locator(".route-map").screenshot({ path: "tests/e2e/screenshots/drawn-route-checked.png" });

    // They fill in the form and the sections, submit, and get one case per authority.
    const fileNumbers = await completeAndSubmit(page);
    expect(fileNumbers).toHaveLength(authorities.length);
    console.log(`[e2e] cases: ${fileNumbers.join(", ")}`);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});
