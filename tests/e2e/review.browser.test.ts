import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { useBrowser } from "./browser";
import { completeAndSubmit, k141, newApplication, signIn, uploadRoute } from "./operator-flow";

/**
 * A road authority reviews a case the way its clerk would: inbox → request missing items →
 * the operator amends → a consulted body states → the clerk approves with conditions → the
 * operator sees the decision. Each person works in their own browser context (own session).
 */
const baseUrl = inject("portalUrl");
const browser = useBrowser();

async function personPage(email: string): Promise<Page> {
  const context = await browser().newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  // a step that hangs fails with its locator in the message, not as a test timeout
  page.setDefaultTimeout(30_000);
  await signIn(page, baseUrl, email);
  return page;
}

const TITLE = "FTTH Auenstadt West, Prüfung durch die Stadt";

describe("a road authority reviews a case", () => {
  it("inbox → missing items → amendment → consulted body → approval with conditions → the operator sees it", async () => {
    // the operator files the application
    const operator = await personPage("betreiber@demo.test");
    await newApplication(operator, baseUrl, TITLE);
    await uploadRoute(operator, k141());
    await completeAndSubmit(operator);

    // the clerk of Auenstadt (the K 141 runs through its Ortsdurchfahrt) finds it in the inbox, with its deadline
    const clerk = await personPage("gemeinde@demo.test");
    await clerk.goto(`${baseUrl}/faelle?q=${encodeURIComponent("Prüfung durch die Stadt")}`);
    const row = clerk.locator("tbody tr", { hasText: TITLE });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/noch \d+ Tage/);
    await row.getByRole("link").first().click();
    await clerk.getByRole("heading", { level: 1, name: TITLE }).waitFor();
    const caseUrl = clerk.url();

    // a clerk of another authority (the Kreis has no part in this route) gets 404, not the case
    const stranger = await personPage("kreis@demo.test");
    expect((await stranger.goto(caseUrl))?.status()).toBe(404);
    expect(await stranger.locator("main").textContent()).not.toContain(TITLE);
    await stranger.context().close();

    // request missing items: the clock stops
    await clerk.getByText(/Unterlagen nachfordern/).click();
    await clerk.getByLabel("Verkehrszeichenplan bzw. Angaben zur Verkehrsführung").check();
    await clerk.getByLabel("Erläuterung an den Antragsteller").fill("Bitte reichen Sie den Verkehrszeichenplan für die Einengung nach.");
    await clerk.getByRole("button", { name: "Nachforderung senden" }).click();
    await clerk.getByText("Unterlagen nachgefordert. Die Frist ruht").waitFor();
    expect(await clerk.locator("main").textContent()).toContain("Frist angehalten");

    // the operator reads the request and amends: a new version, the clock restarts
    await operator.goto(`${baseUrl}/antraege`);
    await operator.getByRole("link", { name: TITLE }).click();
    await operator.getByRole("heading", { level: 1, name: TITLE }).waitFor();
    expect(await operator.locator("main").textContent()).toContain("Frist ruht bis zur Ergänzung");
    expect(await operator.locator("main").textContent()).toContain("Verkehrszeichenplan");
    await operator.getByRole("link", { name: /Antrag ändern oder ergänzen/ }).click();
    await operator.getByRole("link", { name: "5 Prüfen und einreichen" }).click();
    await operator.getByLabel("Was haben Sie geändert oder ergänzt?").fill("Verkehrszeichenplan nachgereicht (siehe Verkehrsführung).");
    await operator.getByRole("button", { name: "Geänderte Fassung einreichen" }).click();
    await operator.waitForURL(/geaendert=1/);

    // the clerk involves the nature conservation authority
    await clerk.goto(caseUrl);
    expect(await clerk.locator("main").textContent()).toMatch(/noch \d+ Tage/);
    await clerk.getByText("Fachbehörde beteiligen").click();
    await clerk.getByLabel("Fachbehörde", { exact: true }).selectOption({ label: "Untere Naturschutzbehörde Landkreis Auenwald (Naturschutz)" });
    await clerk.getByLabel("Frage an die Fachbehörde").fill("Bitte prüfen Sie den Baumbestand entlang der K 141.");
    const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    await clerk.getByLabel("Stellungnahme erbeten bis").fill(due);
    await clerk.getByRole("button", { name: "Beteiligen" }).click();
    await clerk.getByText("Fachbehörde beteiligt.").waitFor();

    // the consulted body states, with a condition
    const body = await personPage("fachbehoerde@demo.test");
    await body.goto(`${baseUrl}/stellungnahmen`);
    await body.locator("tbody tr", { hasText: TITLE }).getByRole("link").first().click();
    await body.getByLabel("Zustimmung mit Auflagen").check();
    await body.getByLabel(/Begründung/).fill("Keine Bedenken, wenn im Wurzelbereich von Hand geschachtet wird.");
    await body.getByLabel(/Titel/).first().fill("Wurzelschutz");
    await body.getByLabel(/^Text/).first().fill("Im Kronentraufbereich der Straßenbäume ist nur Handschachtung zulässig.");
    await body.getByRole("button", { name: /Stellungnahme abgeben/ }).click();
    await body.getByText("Ihre Stellungnahme wurde abgegeben.").waitFor();

    // the clerk approves with the standard conditions plus one of its own
    await clerk.goto(caseUrl);
    expect(await clerk.locator("main").textContent()).toContain("Zustimmung mit Auflagen");
    await clerk.getByLabel("Titel (1)").fill("Abstimmung mit dem Bauhof");
    await clerk.getByLabel("Text (1)").fill("Der Beginn der Arbeiten ist mit dem städtischen Bauhof abzustimmen.");
    await clerk.getByRole("button", { name: "Entscheidung speichern" }).click();
    await clerk.getByText("Entscheidung gespeichert.").waitFor();
    await clerk.screenshot({ path: "tests/e2e/screenshots/case-decided.png", fullPage: true });

    // the operator sees the decision at once, with all conditions
    await operator.goto(operator.url().replace(/\?.*$/, ""));
    const decisions = operator.locator("section[aria-labelledby=entscheidungen]");
    await decisions.waitFor();
    const text = (await decisions.textContent()) ?? "";
    expect(text).toContain("Zugestimmt");
    expect(text).toContain("Wurzelschutz");
    expect(text).toContain("Abstimmung mit dem Bauhof");
    expect(text).toContain("Anzeige");

    // …and the documents: the request for missing items and the consent, as PDFs
    const documents = operator.locator("section[aria-labelledby=dokumente]");
    expect(await documents.textContent()).toContain("Nachforderung von Unterlagen");
    const consentLink = documents.getByRole("link", { name: "Zustimmungsbescheid" });
    const href = (await consentLink.getAttribute("href"))!;
    const documentId = href.split("/").pop()!;
    const pdf = await operator.request.get(`${baseUrl}${href}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    const bytes = await pdf.body();
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    // a clerk of another authority does not get it
    const strangerAgain = await personPage("kreis@demo.test");
    expect((await strangerAgain.request.get(`${baseUrl}${href}`)).status()).toBe(404);

    // anyone can verify it: the page the QR code leads to, and a copy dropped on it
    const publicContext = await browser().newContext({ viewport: { width: 1200, height: 900 } });
    const visitor = await publicContext.newPage();
    await visitor.goto(`${baseUrl}/verify/${documentId}`);
    await visitor.getByText("Echt und gültig").waitFor();
    expect(await visitor.locator("main").textContent()).not.toContain("Jonas Becker");
    await visitor.getByLabel("PDF-Datei").setInputFiles({ name: "bescheid.pdf", mimeType: "application/pdf", buffer: bytes });
    await visitor.getByRole("button", { name: "Vergleichen" }).click();
    await visitor.getByText("Die Datei stimmt mit dem Original überein.").waitFor();
    const changed = Buffer.from(bytes);
    changed[changed.length - 20] = changed[changed.length - 20]! ^ 0x01;
    await visitor.getByLabel("PDF-Datei").setInputFiles({ name: "bescheid.pdf", mimeType: "application/pdf", buffer: changed });
    await visitor.getByRole("button", { name: "Vergleichen" }).click();
    await visitor.getByText("Die Datei ist nicht das Original.").waitFor();
    const api = await visitor.request.get(`${baseUrl}/api/v1/documents/${documentId}/verification`);
    expect(await api.json()).toMatchObject({ documentId, genuine: true, kind: "consent", replacedBy: null });
    await visitor.screenshot({ path: "tests/e2e/screenshots/verify-document.png", fullPage: true });
    for (const page of [operator, clerk, body, strangerAgain, visitor]) await page.context().close();
  }, 240_000);
});
