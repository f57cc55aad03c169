import { describe, expect, inject, it } from "vitest";
import { ROLE_LABELS } from "~/modules/auth/roles";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~/modules/demo/accounts";
import { useBrowser } from "./browser";

const baseUrl = inject("portalUrl");
const browser = useBrowser();

describe("signing in with a browser", () => {
  it.each(DEMO_ACCOUNTS.map((a) => [a.email, a] as const))("%s reaches its home page", async (_email, account) => {
    const page = await browser().newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    await page.goto(`${baseUrl}/anmelden`, { waitUntil: "networkidle" });
    await page.getByLabel("E-Mail-Adresse").fill(account.email);
    await page.getByLabel("Passwort").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Anmelden" }).click();
    await page.getByRole("heading", { level: 1, name: `Willkommen, ${account.name}` }).waitFor();
    expect(page.url()).toBe(`${baseUrl}/start`);
    expect(await page.locator("header").textContent()).toContain(ROLE_LABELS[account.role]);
    await page.screenshot({ path: `tests/e2e/screenshots/start-${account.role}.png`, fullPage: true });
    // Logging out returns to the login page.
    await page.getByRole("button", { name: "Abmelden" }).click();
    await page.waitForURL(/\/anmelden/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows field errors in German without sending the form, and a wrong password after sending", async () => {
    const page = await browser().newPage();
    await page.goto(`${baseUrl}/anmelden`, { waitUntil: "networkidle" });
    await page.getByLabel("E-Mail-Adresse").fill("kein-at-zeichen");
    await page.getByLabel("Passwort").focus();
    await expect(page.getByText("Bitte geben Sie eine gültige E-Mail-Adresse ein.").waitFor()).resolves.toBeUndefined();
    await page.getByLabel("E-Mail-Adresse").fill("betreiber@demo.test");
    await page.getByLabel("Passwort").fill("nicht-das-passwort");
    await page.getByRole("button", { name: "Anmelden" }).click();
    await expect(page.getByText("E-Mail-Adresse oder Passwort ist nicht korrekt.").waitFor()).resolves.toBeUndefined();
    await page.close();
  });

  it("offers a skip link as the first stop of the keyboard", async () => {
    const page = await browser().newPage();
    await page.goto(`${baseUrl}/`);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Zum Inhalt springen");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("inhalt");
    await page.close();
  });
});
