import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_PASSWORD } from "~/modules/demo/accounts";
import { generateDemoRegion } from "~/modules/demo/region";
import { launchBrowser } from "./browser";

/**
 * An operator files an application the way a user would: keyboard-only route entry (UTM
 * coordinates beside the K 141 through Auenstadt), the live check, the form, the sections,
 * submission — and gets one case per responsible authority.
 */
const baseUrl = inject("portalUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** UTM coordinates 4 m north of the first segments of the K 141, one position per line. */
function k141Coordinates(): string {
  const segments = generateDemoRegion()
    .roads.filter((r) => r.ref === "K 141")
    .sort((a, b) => a.externalId.localeCompare(b.externalId))
    .slice(0, 6);
  const positions = segments.flatMap((s, i) => (i === 0 ? s.geom.coordinates : s.geom.coordinates.slice(1)));
  return positions.map(([x, y]) => `${x.toFixed(2)} ${(y + 4).toFixed(2)}`).join("\n");
}

async function signIn(page: Page) {
  await page.goto(`${baseUrl}/anmelden`, { waitUntil: "networkidle" });
  await page.getByLabel("E-Mail-Adresse").fill("betreiber@demo.test");
  await page.getByLabel("Passwort").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Anmelden" }).click();
  await page.getByRole("heading", { level: 1, name: /Willkommen/ }).waitFor();
}

describe("an operator files an application", () => {
  it("enters the route by keyboard, sees the check, completes the form and submits: one case per authority", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await signIn(page);

    await page.goto(`${baseUrl}/antraege`, { waitUntil: "networkidle" });
    await page.getByLabel("Projektname").fill("FTTH Auenstadt West, Bauabschnitt 1");
    await page.getByRole("button", { name: "Antrag anlegen" }).click();
    await page.waitForURL(/\/bearbeiten$/);
    await page.locator("[data-map-loaded=true]").waitFor({ timeout: 30_000 });

    // 1 Trasse: keyboard path, UTM coordinates
    await page.getByLabel("Koordinatensystem", { exact: true }).selectOption("25832");
    await page.getByLabel("Stützpunkte, einer je Zeile").fill(k141Coordinates());
    await page.getByRole("button", { name: "Koordinaten übernehmen" }).click();
    await page.getByText(/Geprüft in \d+ ms/).waitFor({ timeout: 30_000 });
    await page.getByText("Entwurf gespeichert.").waitFor({ timeout: 30_000 });
    const authorities = page.locator("#report-authorities + table tbody tr");
    expect(await authorities.count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator("#report-conflicts").textContent()).toMatch(/Konflikte \([1-9]/);
    await page.screenshot({ path: "tests/e2e/screenshots/application-route.png", fullPage: true });

    // 2 Angaben
    await page.getByRole("link", { name: "2 Angaben" }).click();
    await page.getByLabel("Projektgebiet").fill("Auenstadt, Westring");
    await page.getByLabel("Name", { exact: true }).fill("Jonas Becker");
    await page.getByLabel("E-Mail-Adresse", { exact: true }).first().fill("j.becker@glasfasernetz-hessen.example");
    await page.getByLabel("Telefon", { exact: true }).first().fill("069 90009-120");
    await page.getByLabel("Aktenzeichen der Bundesnetzagentur").fill("BNetzA-125-2026-0815");
    await page.getByLabel("Datum", { exact: true }).fill("2026-06-01");
    await page.getByLabel("Geplanter Baubeginn").fill("2027-03-01");
    await page.getByLabel("Geplantes Bauende").fill("2027-05-31");
    await page.getByLabel("Verkehrsbeeinträchtigung").selectOption("lane_narrowing");
    await page.getByLabel("Verkehrsführung während der Bauarbeiten").fill("Einengung auf einen Fahrstreifen mit Baustellenampel.");
    await page.getByRole("button", { name: "Speichern" }).click();
    await page.waitForURL(/schritt=abschnitte/);

    // 3 Abschnitte: trenchless under the trees
    const sections = await page.locator("select[name$='.method']").count();
    expect(sections).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < sections; i += 1) {
      await page.locator("select[name$='.method']").nth(i).selectOption("hdd");
      await page.locator("input[name$='.depthM']").nth(i).fill("0.8");
      await page.locator("input[name$='.widthM']").nth(i).fill("0.3");
      await page.locator("input[name$='.ductCount']").nth(i).fill("2");
      await page.locator("input[name$='.ductDiameterMm']").nth(i).fill("50");
    }
    await page.getByRole("button", { name: "Abschnitte speichern" }).click();
    await page.waitForURL(/schritt=unterlagen/);

    // 5 Prüfen und einreichen
    await page.getByRole("link", { name: "5 Prüfen und einreichen" }).click();
    await page.getByText("Der Antrag ist vollständig.").waitFor();
    await page.getByRole("button", { name: "Antrag verbindlich einreichen" }).click();
    await page.waitForURL(/eingereicht=1/);
    const rows = page.locator("#verfahren + table tbody tr");
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    const fileNumbers = await page.locator("#verfahren + table tbody tr td:nth-child(2)").allTextContents();
    expect(new Set(fileNumbers).size).toBe(fileNumbers.length);
    for (const n of fileNumbers) expect(n).toMatch(/^[A-Z0-9.-]+-TKG-\d{4}-\d{5}$/);
    await page.screenshot({ path: "tests/e2e/screenshots/application-submitted.png", fullPage: true });

    // the confirmation e-mail went to the outbox
    await page.goto(`${baseUrl}/entwicklung/mails`);
    expect(await page.locator("main").textContent()).toContain("j.becker@glasfasernetz-hessen.example");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows missing fields at the field, in German, and saves nothing half-way", async () => {
    const page = await browser.newPage();
    await signIn(page);
    await page.goto(`${baseUrl}/antraege`, { waitUntil: "networkidle" });
    await page.getByLabel("Projektname").fill("Antrag mit Fehlern");
    await page.getByRole("button", { name: "Antrag anlegen" }).click();
    await page.waitForURL(/\/bearbeiten$/);
    await page.getByRole("link", { name: "2 Angaben" }).click();
    await page.getByLabel("E-Mail-Adresse", { exact: true }).first().fill("keine-adresse");
    await page.getByLabel("Geplanter Baubeginn").fill("2027-05-01");
    await page.getByLabel("Geplantes Bauende").fill("2027-04-01");
    await page.getByRole("button", { name: "Speichern" }).click();
    await page.getByText("Bitte eine gültige E-Mail-Adresse eingeben.").waitFor();
    await page.getByText("Das Bauende liegt vor dem Baubeginn.").waitFor();
    expect(page.url()).toContain("schritt=angaben");
    await page.close();
  });

  it("takes the route from an uploaded GeoJSON file", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await signIn(page);
    await page.goto(`${baseUrl}/antraege`, { waitUntil: "networkidle" });
    await page.getByLabel("Projektname").fill("Antrag aus Datei");
    await page.getByRole("button", { name: "Antrag anlegen" }).click();
    await page.waitForURL(/\/bearbeiten$/);
    await page.locator("[data-map-loaded=true]").waitFor({ timeout: 30_000 });
    const coordinates = k141Coordinates()
      .split("\n")
      .map((l) => l.split(" ").map(Number));
    const geojson = {
      type: "FeatureCollection",
      crs: { type: "name", properties: { name: "urn:ogc:def:crs:EPSG::25832" } },
      features: [{ type: "Feature", properties: { method: "hdd" }, geometry: { type: "LineString", coordinates } }],
    };
    await page.getByLabel("GeoJSON, gezipptes Shapefile oder GeoPackage").setInputFiles({
      name: "trasse.geojson",
      mimeType: "application/geo+json",
      buffer: Buffer.from(JSON.stringify(geojson)),
    });
    await page.getByRole("button", { name: "Datei übernehmen" }).click();
    await page.getByText(/Geprüft in \d+ ms/).waitFor({ timeout: 30_000 });
    expect(await page.locator("section[aria-labelledby=report-sections]").textContent()).toContain("K 141");

    // a broken file gets a German message, and the route stays
    await page.getByLabel("GeoJSON, gezipptes Shapefile oder GeoPackage").setInputFiles({ name: "kaputt.geojson", mimeType: "application/json", buffer: Buffer.from("{ nein") });
    await page.getByRole("button", { name: "Datei übernehmen" }).click();
    await page.getByText(/kein gültiges JSON/).waitFor();
    expect(await page.locator("section[aria-labelledby=report-sections]").textContent()).toContain("K 141");
    await page.close();
  });
});
