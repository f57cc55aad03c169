import { readFileSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import { useBrowser } from "./browser";
import { signIn } from "./operator-flow";

/**
 * The state analyst's path through the dashboard on the demo portal (whose seeded history gives
 * it cases and coverage): Gemeinden → Kreise on the map, drill into the Kreis and one of its
 * Gemeinden, export that Gemeinde's cases as CSV for Excel.
 */
const baseUrl = inject("portalUrl");
const browser = useBrowser();

describe("the state dashboard", () => {
  it("switches to Kreise, drills into a Gemeinde and exports its cases as CSV", async () => {
    const context = await browser().newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await signIn(page, baseUrl, "landesebene@demo.test");

    await page.goto(`${baseUrl}/statistik?level=gemeinde`);
    await page.getByRole("heading", { level: 1, name: "Gigabit-Ausbau und Genehmigungen" }).waitFor();
    const map = page.locator(".choropleth__canvas");
    // the map shows one area per Gemeinde of the demo Kreis
    await expect.poll(() => map.getAttribute("data-areas"), { timeout: 30_000 }).toMatch(/^[1-9]\d*$/);
    const gemeinden = Number(await map.getAttribute("data-areas"));
    expect(gemeinden).toBeGreaterThan(1);
    expect(await page.locator("[data-kpi=applicationsFiled] .kpi__value").textContent()).toMatch(/^[1-9]/);

    // switch to Kreise: the demo has one Kreis
    await page.getByLabel("Kreisen").check();
    await page.getByRole("button", { name: "Anwenden" }).click();
    await page.waitForURL(/level=kreis/);
    await expect.poll(() => map.getAttribute("data-areas"), { timeout: 30_000 }).toBe("1");
    const kreisTable = page.getByRole("table", { name: "Kennzahlen nach Kreisen" });
    await kreisTable.waitFor();
    await page.screenshot({ path: "tests/e2e/screenshots/dashboard-kreise.png", fullPage: true });

    // drill into the Kreis (its Gemeinden), then into the Gemeinde with the most applications
    await kreisTable.locator("tbody th a").first().click();
    await page.waitForURL(/area=\d{5}/);
    const gemeindeTable = page.getByRole("table", { name: "Kennzahlen nach Gemeinden" });
    await gemeindeTable.waitFor();
    await expect.poll(() => map.getAttribute("data-areas"), { timeout: 30_000 }).toBe(String(gemeinden));
    await gemeindeTable.getByRole("button", { name: /^Anträge/ }).click(); // sort by applications, most first
    const top = gemeindeTable.locator("tbody tr").first();
    const name = (await top.locator("th").textContent())!;
    await top.locator("th a").click();
    await page.getByRole("heading", { level: 1, name }).waitFor();
    const caseRows = page.locator("table tbody tr");
    expect(await caseRows.count()).toBeGreaterThan(0);
    const firstFileNumber = (await caseRows.first().locator("th").textContent())!.trim();

    // export as CSV: UTF-8 with BOM, semicolons, the cases of the table
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).click()]);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).trim().split("\r\n");
    expect(lines[0]).toBe("Aktenzeichen;Behörde;Status;Eingang;Entschieden;Frist;Bearbeitungsdauer (Tage);Länge in der Gemeinde (m)");
    expect(lines.length - 1).toBe(await caseRows.count());
    expect(csv).toContain(firstFileNumber);
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});
