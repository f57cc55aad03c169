import type { Page } from "playwright-core";
import { expect } from "vitest";
import { DEMO_PASSWORD } from "~/modules/demo/accounts";
import { generateDemoRegion } from "~/modules/demo/region";

/** Steps of the operator's flow that several browser tests share. */

/** Positions (EPSG:25832) 4 m north of the first segments of the K 141 through Auenstadt. */
export function k141(): [number, number][] {
  const segments = generateDemoRegion()
    .roads.filter((r) => r.ref === "K 141")
    .sort((a, b) => a.externalId.localeCompare(b.externalId))
    .slice(0, 6);
  const positions = segments.flatMap((s, i) => (i === 0 ? s.geom.coordinates : s.geom.coordinates.slice(1)));
  return positions.map(([x, y]) => [x, y + 4]);
}

export async function signIn(page: Page, baseUrl: string, email = "betreiber@demo.test") {
  await page.goto(`${baseUrl}/anmelden`, { waitUntil: "networkidle" });
  await page.getByLabel("E-Mail-Adresse").fill(email);
  await page.getByLabel("Passwort").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Anmelden" }).click();
  await page.getByRole("heading", { level: 1, name: /Willkommen/ }).waitFor();
}

export async function newApplication(page: Page, baseUrl: string, title: string) {
  await page.goto(`${baseUrl}/antraege`, { waitUntil: "networkidle" });
  await page.getByLabel("Projektname").fill(title);
  await page.getByRole("button", { name: "Antrag anlegen" }).click();
  await page.waitForURL(/\/bearbeiten$/);
  // the test fails here when MapLibre never fires "load"
  await page.locator("[data-map-loaded=true]").waitFor({ timeout: 30_000 });
}

export async function waitForCheckAndSave(page: Page) {
  await page.getByText(/Geprüft in \d+ ms/).waitFor({ timeout: 30_000 });
  await page.getByText("Entwurf gespeichert.").waitFor({ timeout: 30_000 });
}

/** Steps 2–5: the form, the sections (a bore under the trees), submission. Returns the file numbers. */
export async function completeAndSubmit(page: Page): Promise<string[]> {
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

  // the URL changes a moment before React renders the step: wait for its fields, then count them
  await page.locator("select[name$='.method']").first().waitFor();
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
  await page.locator("#verfahren + table tbody tr").first().waitFor();
  const fileNumbers = await page.locator("#verfahren + table tbody tr td:nth-child(2)").allTextContents();
  for (const n of fileNumbers) expect(n).toMatch(/^[A-Z0-9.-]+-TKG-\d{4}-\d{5}$/);
  expect(new Set(fileNumbers).size).toBe(fileNumbers.length);
  return fileNumbers;
}

/** Uploads a line (EPSG:25832) as a GeoJSON file in the route step and waits for check and save. */
export async function uploadRoute(page: Page, coordinates: [number, number][]) {
  const geojson = {
    type: "FeatureCollection",
    crs: { type: "name", properties: { name: "urn:ogc:def:crs:EPSG::25832" } },
    features: [{ type: "Feature", properties: { method: "hdd" }, geometry: { type: "LineString", coordinates } }],
  };
  await page.getByLabel("GeoJSON, gezipptes Shapefile oder GeoPackage").setInputFiles({ name: "trasse.geojson", mimeType: "application/geo+json", buffer: Buffer.from(JSON.stringify(geojson)) });
  await page.getByRole("button", { name: "Datei übernehmen" }).click();
  await waitForCheckAndSave(page);
}
