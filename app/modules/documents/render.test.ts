import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCUMENT_KINDS, type DocumentInput } from "./model";
import { renderDocument } from "./render.server";
import { sampleDocumentInput } from "./sample";

let dir: string;
let counter = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "documents-render-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function render(input: DocumentInput): Promise<{ file: string; bytes: Uint8Array; pageCount: number }> {
  const result = await renderDocument(input);
  const file = join(dir, `document-${++counter}.pdf`);
  writeFileSync(file, result.bytes);
  return { file, ...result };
}

/** The text of each page (pdftotext separates pages with a form feed). */
function pages(file: string, mode: "-layout" | "reading order" = "-layout"): string[] {
  const args = mode === "-layout" ? ["-layout", file, "-"] : [file, "-"];
  return execFileSync("pdftotext", args, { encoding: "utf8" }).split("\f").slice(0, -1);
}

/** Whitespace (also the no-break space) collapsed: wrapped lines read as one text. */
const flat = (text: string) => text.replace(/\s+/g, " ");

/** A page rendered to a PPM (P6) image at 30 dpi: its non-white and its coloured pixels. */
function pixels(file: string, page: number): { inked: number; coloured: number; total: number } {
  const ppm = execFileSync("pdftoppm", ["-r", "30", "-f", String(page), "-l", String(page), file]);
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.toString("latin1", 0, 32));
  if (!header) throw new Error("not a PPM image");
  const [width, height] = [Number(header[1]), Number(header[2])];
  const data = ppm.subarray(header[0].length);
  let inked = 0;
  let coloured = 0;
  for (let i = 0; i < width * height * 3; i += 3) {
    const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
    if (Math.min(r, g, b) < 200) inked++;
    if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
  }
  return { inked, coloured, total: width * height };
}

describe("renderDocument", () => {
  it("renders a consent with every part of the decision in the text, on pages that are not blank", async () => {
    const input = sampleDocumentInput();
    const { file, pageCount } = await render(input);
    const text = pages(file);
    expect(text).toHaveLength(pageCount);
    const all = flat(text.join("\n"));

    expect(all).toContain(input.fileNumber);
    expect(all).toContain(input.documentId);
    expect(all).toContain(`Seite 1 von ${pageCount}`);
    expect(all).toContain(`Seite ${pageCount} von ${pageCount}`);
    expect(all).toContain("Datum 21.11.2026");
    expect(all).toContain("Die Zustimmung zur Verlegung von Telekommunikationslinien in den nachstehend bezeichneten Verkehrswegen wird nach Maßgabe der folgenden Nebenbestimmungen erteilt.");
    const conditions = input.conditions.filter((c) => c.kind === "condition");
    expect(conditions.length).toBeGreaterThanOrEqual(5);
    conditions.forEach((c, i) => expect(all).toContain(`${i + 1}. ${c.title}`));
    input.conditions.filter((c) => c.kind === "hint").forEach((c, i) => expect(all).toContain(`${i + 1}. ${c.title}`));
    expect(all).toContain("[Untere Naturschutzbehörde des Landkreises Auenwald]");
    // table cells wrap; in reading order (not -layout) each cell's lines stay together
    const cells = flat(pages(file, "reading order").join("\n"));
    for (const section of input.sections) expect(cells).toContain(section.roads);
    expect(all).toContain("Łukasz Dvořák");
    expect(all).toContain("Øresund");
    expect(all).toContain("Für diese Zustimmung wird eine Gebühr von 1.234,50 € erhoben.");
    expect(all).toContain("Rechtsbehelfsbelehrung");
    expect(all).toContain("§ 127 Abs. 7 TKG");
    expect(all).toContain("Nach § 127 Abs. 5 TKG ergehen die Entscheidungen der beteiligten Stellen zusammen mit dieser Zustimmung");
    expect(all).toContain("Im Auftrag Dr. Henrike Schäfer");
    expect(all).toContain("ohne Unterschrift gültig");
    expect(all).toContain(`Echtheit prüfen: ${input.verifyUrl}`);

    const first = pixels(file, 1);
    expect(first.inked).toBeGreaterThan(first.total * 0.02);

    const mapPage = text.findIndex((t) => t.includes("Anlage 1 – Lageplan") && t.includes("Maßstab 1:")) + 1;
    expect(mapPage).toBe(pageCount); // a 1.2 km route fits one sheet
    const map = pixels(file, mapPage);
    expect(map.inked).toBeGreaterThan(map.total * 0.05);
    expect(map.coloured).toBeGreaterThan(map.total * 0.005);
    expect(flat(text[mapPage - 1]!)).toMatch(/Maßstab 1:(500|1\.000|2\.000|2\.500|5\.000) /);
  });

  it("gives the same bytes for the same input, with the metadata taken from the input", async () => {
    const input = sampleDocumentInput();
    const a = await renderDocument(input);
    const b = await renderDocument(structuredClone(input));
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);

    const doc = await PDFDocument.load(a.bytes, { updateMetadata: false });
    expect(doc.getTitle()).toBe("Zustimmungsbescheid AUENWALD-TKG-2026-00042");
    expect(doc.getAuthor()).toBe(input.authority.name);
    expect(doc.getKeywords()).toBe("AUENWALD-TKG-2026-00042 K7Q2M9XD4RTPA3BW");
    expect(doc.getProducer()).toBe("Breitband-Portal");
    expect(doc.getCreator()).toBe("Breitband-Portal");
    expect(doc.getCreationDate()?.toISOString()).toBe("2026-11-21T09:30:00.000Z");
    expect(doc.getModificationDate()?.toISOString()).toBe("2026-11-21T09:30:00.000Z");
  });

  const keySentences: Record<(typeof DOCUMENT_KINDS)[number], string[]> = {
    consent: ["Zustimmungsbescheid", "nach Maßgabe der folgenden Nebenbestimmungen erteilt."],
    rejection: [
      "Ablehnungsbescheid",
      "in den nachstehend bezeichneten Verkehrswegen wird abgelehnt.",
      "Begründung",
      "Für diesen Bescheid wird keine Gebühr erhoben.",
      "Rechtsbehelfsbelehrung",
    ],
    missing_items: [
      "Nachforderung von Unterlagen",
      "ist nicht vollständig.",
      "• Vollmacht des Planungsbüros",
      "Bitte reichen Sie die Unterlagen bis zum 05.12.2026 über das Portal nach.",
      "Entscheidungsfrist nach § 127 Abs. 3 TKG gehemmt",
    ],
    deemed_certificate: [
      "Bescheinigung über den Eintritt der Zustimmungsfiktion",
      "nach § 127 Abs. 3 Satz 4 TKG als erteilt gilt",
      "§ 42a Abs. 3 VwVfG",
      "Die Entscheidungsfrist endete am 14.12.2026",
      "Automatisch erstellt vom Breitband-Portal im Auftrag von Landkreis Auenwald – Fachdienst Straßenbau und Verkehr",
    ],
  };

  it.each(DOCUMENT_KINDS)("renders a %s with its key sentences", async (kind) => {
    const input = sampleDocumentInput({ kind });
    const { file } = await render(input);
    const all = flat(pages(file).join("\n"));
    for (const sentence of keySentences[kind]) expect(all).toContain(sentence);
    expect(all).toContain("ohne Unterschrift gültig");
    expect(all.includes("Lageplan")).toBe(input.map !== null);
    if (kind === "missing_items") expect(all).not.toContain("Rechtsbehelfsbelehrung");
  });

  it("marks a corrected version and prints fees of nothing and of zero", async () => {
    const corrected: DocumentInput = {
      ...sampleDocumentInput(),
      version: 2,
      replaces: { documentId: "H3N8P2QW7ZKT5RVA", issuedAt: "2026-11-18T23:30:00.000Z", reason: "Falsche Straßenbezeichnung im Abschnitt 2." },
      fee: { model: "none", amountCents: 0, explanation: "" },
    };
    const all = flat(pages((await render(corrected)).file).join("\n"));
    // 23:30 UTC is already the 19th in Berlin
    expect(all).toContain("Berichtigte Fassung (Version 2) – ersetzt das Dokument H3N8P2QW7ZKT5RVA vom 19.11.2026. Grund: Falsche Straßenbezeichnung im Abschnitt 2.");
    expect(all).toContain("Dokument-ID: K7Q2M9XD4RTPA3BW (Version 2)");
    expect(all).toContain("Für diese Zustimmung wird keine Gebühr erhoben.");

    const free = { ...sampleDocumentInput(), fee: { model: "per_metre" as const, amountCents: 0, explanation: "Gebührenfrei nach Tarifstelle 4.3." } };
    expect(flat(pages((await render(free)).file).join("\n"))).toContain("eine Gebühr von 0,00 € (nach der Länge der Verlegung) erhoben.");
  });

  it("splits a 10 km route over an overview and numbered detail sheets", async () => {
    const input = sampleDocumentInput({ routeKm: 10, conditions: 20 });
    const { file, pageCount } = await render(input);
    const text = pages(file);
    const all = flat(text.join("\n"));
    const mapPages = text.filter((t) => t.includes("Maßstab 1:"));
    const details = mapPages.length - 1;
    console.info(`10 km route, 20 conditions: ${pageCount} pages, ${text.length - mapPages.length} letter pages, overview and ${details} map sheets`);

    expect(details).toBeGreaterThan(1);
    expect(mapPages[0]).toContain("Übersicht");
    mapPages.slice(1).forEach((page, i) => expect(flat(page)).toContain(`Blatt ${i + 1} von ${details}`));
    expect(flat(mapPages[1]!)).toContain("Maßstab 1:5.000");
    expect(all).toContain(`Anlage 1 – Lageplan (Übersicht und ${details} Blätter)`);
    expect(all).toContain("20. Dokumentation der Lage (Bestandspläne) (Bauabschnitt 3)");
    // the section table runs over a page break and repeats its header there
    expect(all.match(/Nr\. Straße\(n\) Gemeinde/g)?.length).toBeGreaterThan(1);
    const lastDetail = pixels(file, pageCount);
    expect(lastDetail.coloured).toBeGreaterThan(lastDetail.total * 0.002);
  });

  it("wraps a 300-character word and a 5,000-character condition inside the text area", async () => {
    const word = `Verlegungs${"abschnitts".repeat(29)}ende`;
    expect(word.length).toBeGreaterThanOrEqual(300);
    const sentence = "Die Leerrohre sind mit Trassenwarnband zu überdecken und die Lage ist einzumessen. ";
    const body = `${sentence.repeat(Math.ceil(5000 / sentence.length))}${word} ENDE-DER-NEBENBESTIMMUNG`;
    const base = sampleDocumentInput();
    const input: DocumentInput = {
      ...base,
      application: { ...base.application, title: `Trasse ${word}` },
      conditions: [{ kind: "condition", title: `Sehr lange Nebenbestimmung ${word}`, body, source: null }, ...base.conditions],
    };
    const { file, pageCount } = await render(input);
    const text = pages(file).join("\n");
    expect(text.replace(/\s+/g, "")).toContain(`${word}ENDE-DER-NEBENBESTIMMUNG`);

    // every word lies inside its page; on letter pages inside the margins, and only the footer's own words below the content area
    const footerWords = new Set(["Seite", "von", "Aktenzeichen:", input.fileNumber, "Dokument-ID:", input.documentId, "Echtheit", "prüfen:", input.verifyUrl, ...Array.from({ length: pageCount }, (_, i) => String(i + 1))]);
    const bbox = execFileSync("pdftotext", ["-bbox", file, "-"], { encoding: "utf8" });
    let checked = 0;
    for (const page of bbox.split("<page ").slice(1)) {
      const [width, height] = [Number(/width="([\d.]+)"/.exec(page)![1]), Number(/height="([\d.]+)"/.exec(page)![1])];
      const portrait = height > width;
      for (const [, xMin, yMin, xMax, yMax, content] of page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
        checked++;
        expect(Number(xMin)).toBeGreaterThanOrEqual(0);
        expect(Number(xMax)).toBeLessThanOrEqual(portrait ? width - 20 * (72 / 25.4) + 0.5 : width);
        expect(Number(yMin)).toBeGreaterThanOrEqual(0);
        expect(Number(yMax)).toBeLessThanOrEqual(height);
        // the footer starts 36 mm above the bottom edge
        if (portrait && Number(yMax) > height - 36 * (72 / 25.4)) expect(footerWords, `"${content}" runs into the footer`).toContain(content);
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
