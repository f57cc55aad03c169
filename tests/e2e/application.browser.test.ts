import { describe, expect, inject, it } from "vitest";
import { useBrowser } from "./browser";
import { completeAndSubmit, k141, newApplication, signIn, uploadRoute, waitForCheckAndSave } from "./operator-flow";

/**
 * An operator files applications the way a user would — the route uploaded as a file or typed
 * with the keyboard — sees the live check, completes the form and the sections, submits, and gets
 * one case per responsible authority. Drawing with the mouse is tested in map.browser.test.ts.
 */
const baseUrl = inject("portalUrl");
const browser = useBrowser();

describe("an operator files an application", () => {
  it("takes the route from an uploaded GeoJSON file (EPSG:25832) and submits it; a broken file changes nothing", async () => {
    const page = await browser().newPage({ viewport: { width: 1400, height: 1000 } });
    await signIn(page, baseUrl);
    await newApplication(page, baseUrl, "FTTH Auenstadt West, aus Datei");
    await uploadRoute(page, k141());
    const sections = page.locator("section[aria-labelledby=report-sections]");
    expect(await sections.textContent()).toContain("K 141");

    const upload = page.getByLabel("GeoJSON, gezipptes Shapefile oder GeoPackage");
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
    const page = await browser().newPage({ viewport: { width: 1400, height: 1000 } });
    await signIn(page, baseUrl);
    await newApplication(page, baseUrl, "FTTH Auenstadt West, Tastatur");
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
    await page.locator("select[name$='.method']").first().waitFor();
    expect(await page.locator("select[name$='.method']").count()).toBe(1);
    await page.close();
  });

  it("shows missing fields at the field, in German, and saves nothing half-way", async () => {
    const page = await browser().newPage();
    await signIn(page, baseUrl);
    await newApplication(page, baseUrl, "Antrag mit Fehlern");
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
