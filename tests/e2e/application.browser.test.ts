import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_PASSWORD } from "~/modules/demo/accounts";
import { generateDemoRegion } from "~/modules/demo/region";
import { launchBrowser } from "./browser";

/**
 * An operator files applications the way a user would — the route uploaded as a file or typed
 * with the keyboard — sees the live check, completes the form and the sections, submits, and gets
 * one case per responsible authority. Drawing with the mouse is tested in map.browser.test.ts.
 */
const baseUrl = inject("portalUrl");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Positions (EPSG:25832) 4 m north of the first segments of the K 141 through Auenstadt. */
function k141(): [number, number][] {
  const segments = generateDemoRegion()
    .roads.filter((r) => r.ref === "K 141")
    .sort((a, b) => a.externalId.localeCompare(b.externalId))
    .slice(0, 6);
  const positions = segments.flatMap((s, i) => (i === 0 ? s.geom.coordinates : s.geom.coordinates.slice(1)));
  return positions.map(([x, y]) => [x, y + 4]);
}

async function signIn(page: Page) {
  await page.goto(`${baseUrl}/anmelden`, { waitUntil: "networkidle" });
  await page.getByLabel("E-Mail-Adresse").fill("betreiber@demo.test");
  await page.getByLabel("Passwort").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Anmelden" }).click();
  await page.getByRole("heading", { level: 1, name: /Willkommen/ }).waitFor();
}

async function newApplication(page: Page, title: string) {
  await page.goto(`${baseUrl}/antraege`, { waitUntil: "networkidle" });
  await page.getByLabel("Projektname").fill(title);
  await page.getByRole("button", { name: "Antrag anlegen" }).click();
  await page.waitForURL(/\/bearbeiten$/);
  // the test fails here when MapLibre never fires "load"
  await page.locator("[data-map-loaded=true]").waitFor({ timeout: 30_000 });
}

async function waitForCheckAndSave(page: Page) {
  await page.getByText(/Geprüft in \d+ ms/).waitFor({ timeout: 30_000 });
  await page.getByText("Entwurf gespeichert.").waitFor({ timeout: 30_000 });
}

/** Steps 2–5: the form, the sections (a bore under the trees), submission. Returns the file numbers. */
async function completeAndSubmit(page: Page): Promise<string[]> {
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

  await page.getByRole("link", { name: "5 Prüfen und einreichen" }).click();
  await page.getByText("Der Antrag ist vollständig.").waitFor();
  await page.getByRole("button", { name: "Antrag verbindlich einreichen" }).click();
  await page.waitForURL(/eingereicht=1/);
  const fileNumbers = await page.locator("#verfahren + table tbody tr td:nth-child(2)").allTextContents();
  for (const n of fileNumbers) expect(n).toMatch(/^[A-Z0-9.-]+-TKG-\d{4}-\d{5}$/);
  expect(new Set(fileNumbers).size).toBe(fileNumbers.length);
  return fileNumbers;
}

describe("an operator files an application", () => {
  it("takes the route from an uploaded GeoJSON file (EPSG:25832) and submits it; a broken file changes nothing", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await signIn(page);
    await newApplication(page, "FTTH Auenstadt West, aus Datei");
    const upload = page.getByLabel("GeoJSON, gezipptes Shapefile oder GeoPackage");
    const geojson = {
      type: "FeatureCollection",
      crs: { type: "name", properties: { name: "urn:ogc:def:crs:EPSG::25832" } },
      features: [{ type: "Feature", properties: { method: "hdd" }, geometry: { type: "LineString", coordinates: k141() } }],
    };
    await upload.setInputFiles({ name: "trasse.geojson", mimeType: "application/geo+json", buffer: Buffer.from(JSON.stringify(geojson)) });
    await page.getByRole("button", { name: "Datei übernehmen" }).click();
    await waitForCheckAndSave(page);
    const sections = page.locator("section[aria-labelledby=report-sections]");
    expect(await sections.textContent()).toContain("K 141");

    await upload.setInputFiles({ name: "kaputt.geojson", mimeType: "application/json", buffer: Buffer.from("{ nein") });
    await page.getByRole("button", { name: "Datei übernehmen" }).click();
    await page.getByText(/kein gültiges JSON/).waitFor();
    expect(await sections.textContent()).toContain("K 141");

    expect((await completeAndSubmit(page)).length).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: "tests/e2e/screenshots/application-submitted.png", fullPage: true });
    // the confirmation e-mail went to the outbox
    await page.goto(`${baseUrl}/entwicklung/mails`);
    expect(await page.locator("main").textContent()).toContain("j.becker@glasfasernetz-hessen.example");
    await page.close();
  });

  it("works by keyboard: coordinates typed into the form, buttons pressed with Enter", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await signIn(page);
    await newApplication(page, "FTTH Auenstadt West, Tastatur");
    await page.getByLabel("Koordinatensystem", { exact: true }).focus();
    await page.keyboard.press("ArrowDown"); // WGS84 → UTM 32N
    expect(await page.getByLabel("Koordinatensystem", { exact: true }).inputValue()).toBe("25832");
    await page.keyboard.press("Tab");
    await page.keyboard.type(k141().map(([x, y]) => `${x.toFixed(2)} ${y.toFixed(2)}`).join("\n"));
    await page.keyboard.press("Tab");
    // pressed three times in a row: the saves overlap and must not trip over their own version
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    await waitForCheckAndSave(page);
    expect(await page.locator("#report-authorities + table tbody tr").count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByText("Nicht gespeichert").count()).toBe(0);
    // the next step shows the saved route
    await page.getByRole("link", { name: "3 Abschnitte" }).click();
    await page.waitForURL(/schritt=abschnitte/);
    expect(await page.locator("select[name$='.method']").count()).toBe(1);
    await page.close();
  });

  it("shows missing fields at the field, in German, and saves nothing half-way", async () => {
    const page = await browser.newPage();
    await signIn(page);
    await newApplication(page, "Antrag mit Fehlern");
    await page.getByRole("link", { name: "2 Angaben" }).click();
    await page.getByLabel("E-Mail-Adresse", { exact: true }).first().fill("keine-adresse");
    await page.getByLabel("Geplanter Baubeginn").fill("2027-05-01");
    await page.getByLabel("Geplantes Bauende").fill("2027-04-01");
    await page.getByRole("button", { name: "Speichern" }).click();
    await page.getByText("Bitte eine gültige E-Mail-Adresse eingeben.").waitFor();
    await page.getByText("Das Bauende liegt vor dem Baubeginn.").waitFor();
    expect(page.url()).toContain("schritt=angaben");
    // nothing was saved: the form comes back empty after a reload
    await page.reload();
    expect(await page.getByLabel("Geplanter Baubeginn").inputValue()).toBe("");
    await page.close();
  });
});
