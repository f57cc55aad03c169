/**
 * The letter part of a document: page 1 laid out after DIN 5008 form B (letterhead, address
 * field, information block), then the text of the decision flowing over as many pages as needed.
 */
import { PageSizes, rgb, type PDFDocument, type PDFPage } from "pdf-lib";
import { DOCUMENT_KIND_LABELS, type DocumentInput, type DocumentKind } from "../model";
import { FOOTER_TOP, sideMargins } from "./footer.server";
import type { Fonts } from "./fonts.server";
import { decimal2, euro, germanDate, whole } from "./format.server";
import { BODY, BODY_BOLD, drawLine, Flow, GREY, MM, RULE, SMALL, truncate, wrap, type Column, type TextStyle } from "./layout.server";

const [PAGE_WIDTH, PAGE_HEIGHT] = PageSizes.A4;
const { left: LEFT, right: RIGHT } = sideMargins(PAGE_WIDTH, PAGE_HEIGHT);
const CONTENT_WIDTH = PAGE_WIDTH - LEFT - RIGHT;
const CONTENT_BOTTOM = FOOTER_TOP + 3 * MM;
const CONTINUATION_TOP = PAGE_HEIGHT - 20 * MM;

const fromTop = (mm: number) => PAGE_HEIGHT - mm * MM;

/** What the fee sentence calls the document. */
const THIS_DOCUMENT: Record<DocumentKind, string> = {
  consent: "diese Zustimmung",
  rejection: "diesen Bescheid",
  missing_items: "dieses Schreiben",
  deemed_certificate: "diese Bescheinigung",
};

const SUBJECT_LAW = "Verlegung von Telekommunikationslinien nach § 127 TKG";

function joinPresent(parts: (string | null)[], separator: string): string {
  return parts.filter((part): part is string => !!part).join(separator);
}

/** The text of the Betreff line, also used as the PDF subject. */
export function subjectLine(input: DocumentInput): string {
  return joinPresent([input.application.title, input.application.area, SUBJECT_LAW], " – ");
}

function cityLine(address: { postcode: string | null; city: string | null }): string | null {
  return joinPresent([address.postcode, address.city], " ") || null;
}

/** Letterhead, return address, addressee and information block; returns where the body starts. */
function drawFirstPage(page: PDFPage, fonts: Fonts, input: DocumentInput): number {
  const { authority, applicant } = input;

  // Letterhead in the top 45 mm
  const name: TextStyle = { face: "bold", size: 15, leading: 18 };
  const contact: TextStyle = { ...SMALL, size: 8.5, leading: 11 };
  let top = fromTop(12);
  for (const line of wrap(fonts.bold, authority.name, name.size, CONTENT_WIDTH)) {
    drawLine(page, fonts, line, LEFT, top, name);
    top -= name.leading;
  }
  top -= 2;
  const contactLines = [
    joinPresent([authority.street, cityLine(authority)], " · "),
    joinPresent([authority.website, authority.email, authority.phone && `Tel. ${authority.phone}`], " · "),
  ].flatMap((text) => (text ? wrap(fonts.regular, text, contact.size, CONTENT_WIDTH) : []));
  for (const line of contactLines) {
    drawLine(page, fonts, line, LEFT, top, contact);
    top -= contact.leading;
  }
  const ruleY = Math.min(fromTop(40), top - 3);
  page.drawLine({ start: { x: LEFT, y: ruleY }, end: { x: PAGE_WIDTH - RIGHT, y: ruleY }, thickness: 0.75, color: RULE });

  // Fold marks and hole mark (DIN 5008 form B) at the left edge
  for (const [mm, length] of [
    [105, 5],
    [148.5, 8],
    [210, 5],
  ] as const) {
    page.drawLine({ start: { x: 3 * MM, y: fromTop(mm) }, end: { x: (3 + length) * MM, y: fromTop(mm) }, thickness: 0.4, color: RULE });
  }

  // Address field: 45 mm from the top, 85 mm wide (the window of a DL envelope)
  const fieldWidth = 80 * MM;
  const returnStyle: TextStyle = { ...SMALL, size: 6.5, leading: 8 };
  let addressTop = Math.min(fromTop(47), ruleY - 4 * MM);
  const returnAddress = joinPresent([authority.name, authority.street, cityLine(authority)], " · ");
  for (const line of wrap(fonts.regular, returnAddress, returnStyle.size, fieldWidth)) {
    drawLine(page, fonts, line, LEFT, addressTop, returnStyle);
    addressTop -= returnStyle.leading;
  }
  page.drawLine({ start: { x: LEFT, y: addressTop - 1 }, end: { x: LEFT + fieldWidth, y: addressTop - 1 }, thickness: 0.3, color: GREY });
  addressTop = Math.min(fromTop(62.7), addressTop - 4 * MM);
  const addressLines = [
    applicant.name,
    applicant.contactName && `z. Hd. ${applicant.contactName}`,
    applicant.street,
    cityLine(applicant),
  ].flatMap((text) => (text ? wrap(fonts.regular, text, BODY.size, fieldWidth) : []));
  for (const line of addressLines) {
    drawLine(page, fonts, line, LEFT, addressTop, BODY);
    addressTop -= BODY.leading;
  }

  // Information block at the right, 125 mm from the left edge
  const infoX = 125 * MM;
  const infoWidth = PAGE_WIDTH - RIGHT - infoX;
  const label: TextStyle = { ...SMALL, size: 7, leading: 9 };
  const value: TextStyle = { face: "regular", size: 9, leading: 11.5 };
  let infoTop = Math.min(fromTop(50), ruleY - 6 * MM);
  const info: [string, string | null][] = [
    ["Aktenzeichen", input.fileNumber],
    ["Datum", germanDate(input.issuedAt)],
    ["Ihr Zeichen", input.application.operatorReference],
    ["Eingang des Antrags", germanDate(input.application.receivedAt)],
    ["Ansprechperson", input.signer.name],
  ];
  for (const [caption, text] of info) {
    if (!text) continue;
    drawLine(page, fonts, caption, infoX, infoTop, label);
    infoTop -= label.leading;
    for (const line of wrap(fonts.regular, text, value.size, infoWidth)) {
      drawLine(page, fonts, line, infoX, infoTop, value);
      infoTop -= value.leading;
    }
    infoTop -= 3;
  }

  return Math.min(fromTop(98.5), addressTop - 8 * MM, infoTop - 6 * MM);
}

function continuationPage(doc: PDFDocument, fonts: Fonts, input: DocumentInput): { page: PDFPage; top: number } {
  const page = doc.addPage(PageSizes.A4);
  const style: TextStyle = { ...SMALL, size: 7.5, leading: 9 };
  const text = truncate(fonts.regular, `${input.authority.name} · Aktenzeichen ${input.fileNumber} · ${DOCUMENT_KIND_LABELS[input.kind]}`, style.size, CONTENT_WIDTH);
  drawLine(page, fonts, text, LEFT, fromTop(10), style);
  page.drawLine({ start: { x: LEFT, y: fromTop(14) }, end: { x: PAGE_WIDTH - RIGHT, y: fromTop(14) }, thickness: 0.5, color: RULE });
  return { page, top: CONTINUATION_TOP };
}

// ---------------------------------------------------------------------------------------------
// Blocks of the text

function sectionsTable(flow: Flow, input: DocumentInput): void {
  const w = flow.width;
  const columns: Column[] = [
    { header: "Nr.", width: 0.05 * w, align: "right" },
    { header: "Straße(n)", width: 0.22 * w },
    { header: "Gemeinde", width: 0.14 * w },
    { header: "Länge m", width: 0.09 * w, align: "right" },
    { header: "Verfahren", width: 0.17 * w },
    { header: "Tiefe m", width: 0.08 * w, align: "right" },
    { header: "Breite m", width: 0.08 * w, align: "right" },
    { header: "Leerrohre", width: 0.17 * w },
  ];
  const optional = (n: number | null) => (n === null ? "–" : decimal2(n));
  const total = input.sections.reduce((sum, s) => sum + s.lengthM, 0);
  flow.table(columns, [
    ...input.sections.map((s) => ({
      cells: [
        String(s.number),
        s.roads,
        s.gemeinde ?? "–",
        whole(s.lengthM),
        s.method,
        optional(s.depthM),
        optional(s.widthM),
        joinPresent([s.ducts ?? "–", s.cableType && `Kabel: ${s.cableType}`], "\n"),
      ],
    })),
    { cells: ["", "Summe", "", whole(total), "", "", "", ""], bold: true },
  ]);
  flow.gap(6);
  flow.text(`Länge der Abschnitte in der Zuständigkeit dieser Behörde: ${whole(total)} m`, BODY_BOLD);
  if (Math.round(input.application.totalLengthM) !== Math.round(total)) {
    flow.text(`Gesamtlänge der beantragten Trasse (alle Wegebaulastträger): ${whole(input.application.totalLengthM)} m`);
  }
}

function periodText(period: { start: string | null; end: string | null }): string | null {
  if (period.start && period.end) return `vom ${germanDate(period.start)} bis zum ${germanDate(period.end)}`;
  if (period.start) return `ab dem ${germanDate(period.start)}`;
  if (period.end) return `bis zum ${germanDate(period.end)}`;
  return null;
}

function worksDetails(flow: Flow, input: DocumentInput): void {
  const period = input.application.period && periodText(input.application.period);
  if (period) {
    flow.gap(4);
    flow.text(`Ausführungszeitraum: ${period}`);
  }
  if (input.application.reducedDepthDeclared) {
    flow.gap(4);
    flow.text(
      "Mindertiefe Verlegung: Die Antragstellerin hat im Antrag nach § 127 Abs. 7 TKG mitgeteilt, dass sie in geringerer Verlegetiefe verlegt. Sie trägt danach die Kosten eines dadurch höheren Erhaltungsaufwands des Wegebaulastträgers und haftet für Schäden, die aus der geringeren Verlegetiefe entstehen.",
    );
  }
}

function legalBasis(flow: Flow, input: DocumentInput): void {
  if (input.legalBasis.length === 0) return;
  flow.heading("Rechtsgrundlagen");
  flow.bullets(input.legalBasis);
}

function numberedTexts(flow: Flow, heading: string, kind: "condition" | "hint", input: DocumentInput): void {
  const texts = input.conditions.filter((c) => c.kind === kind);
  if (texts.length === 0) return;
  flow.heading(heading);
  texts.forEach((text, i) => {
    flow.gap(i === 0 ? 0 : 6);
    const label = `${i + 1}.`;
    flow.keep(BODY.leading * 3);
    flow.text(text.title, BODY_BOLD, { label, labelWidth: 20 });
    flow.text(text.body, BODY, { indent: 20 });
    if (text.source) flow.text(`[${text.source}]`, { ...SMALL, size: 9, leading: 12 }, { indent: 20 });
  });
}

function bodies(flow: Flow, input: DocumentInput): void {
  if (input.bodies.length === 0) return;
  flow.heading("Entscheidungen der beteiligten Stellen");
  flow.text(
    input.kind === "consent"
      ? "Nach § 127 Abs. 5 TKG ergehen die Entscheidungen der beteiligten Stellen zusammen mit dieser Zustimmung:"
      : "Die beteiligten Stellen haben wie folgt entschieden:",
  );
  for (const body of input.bodies) {
    flow.gap(6);
    flow.keep(BODY.leading * 3);
    flow.text(`${body.name}: ${body.statement}`, BODY_BOLD, { label: "•", labelWidth: 12, indent: 6 });
    if (body.answeredOn) flow.text(`Stellungnahme vom ${germanDate(body.answeredOn)}`, { ...SMALL, size: 9, leading: 12 }, { indent: 18 });
    if (body.text) flow.text(body.text, BODY, { indent: 18 });
  }
}

function reasons(flow: Flow, input: DocumentInput): void {
  if (!input.reasons) return;
  flow.heading("Begründung");
  flow.text(input.reasons);
}

function fee(flow: Flow, input: DocumentInput): void {
  if (!input.fee) return;
  flow.heading("Gebühren");
  const what = THIS_DOCUMENT[input.kind];
  if (input.fee.model === "none") {
    flow.text(`Für ${what} wird keine Gebühr erhoben.`);
  } else {
    const basis = input.fee.model === "per_metre" ? " (nach der Länge der Verlegung)" : "";
    flow.text(`Für ${what} wird eine Gebühr von ${euro(input.fee.amountCents)}${basis} erhoben.`);
  }
  if (input.fee.explanation) {
    flow.gap(4);
    flow.text(input.fee.explanation);
  }
}

function remedy(flow: Flow, input: DocumentInput): void {
  if (!input.remedy) return;
  flow.heading("Rechtsbehelfsbelehrung");
  flow.text(input.remedy);
}

function signature(flow: Flow, input: DocumentInput, annex: string | null): void {
  const { signer } = input;
  const lines: [string, TextStyle][] = [
    ["Mit freundlichen Grüßen", BODY],
    ["", BODY],
    ...(signer.name
      ? ([
          ["Im Auftrag", BODY],
          [signer.name, BODY_BOLD],
          [signer.authorityName, BODY],
        ] as [string, TextStyle][])
      : ([[`Automatisch erstellt vom Breitband-Portal im Auftrag von ${signer.authorityName}`, BODY]] as [string, TextStyle][])),
  ];
  const notice: TextStyle = { ...SMALL, size: 8.5, leading: 11 };
  const wrapped = lines.flatMap(([text, style]) => (text ? wrap(flow.fonts[style.face], text, style.size, flow.width) : [""]).map((line) => [line, style] as const));
  flow.gap(14);
  flow.keep(wrapped.length * BODY.leading + 4 * notice.leading);
  for (const [line, style] of wrapped) flow.lines([line], style);
  flow.gap(6);
  flow.text("Dieses Dokument wurde elektronisch erstellt und ist ohne Unterschrift gültig.", notice);
  flow.text(`Echtheit prüfen: ${input.verifyUrl}`, notice);
  if (annex) {
    flow.gap(12);
    flow.keep(2 * BODY.leading);
    flow.text("Anlage", BODY_BOLD);
    flow.text(annex);
  }
}

// ---------------------------------------------------------------------------------------------
// The documents

function consent(flow: Flow, input: DocumentInput): void {
  const conditional = input.conditions.some((c) => c.kind === "condition");
  flow.text(`auf Ihren Antrag vom ${germanDate(input.application.receivedAt)} ergeht folgende Entscheidung:`);
  flow.heading("Entscheidung");
  flow.text(
    `Die Zustimmung zur Verlegung von Telekommunikationslinien in den nachstehend bezeichneten Verkehrswegen wird ${
      conditional ? "nach Maßgabe der folgenden Nebenbestimmungen erteilt." : "erteilt."
    }`,
    BODY_BOLD,
  );
  legalBasis(flow, input);
  flow.heading("Umfang der Zustimmung");
  sectionsTable(flow, input);
  worksDetails(flow, input);
  numberedTexts(flow, "Nebenbestimmungen", "condition", input);
  numberedTexts(flow, "Hinweise", "hint", input);
  bodies(flow, input);
  reasons(flow, input);
  fee(flow, input);
  remedy(flow, input);
}

function rejection(flow: Flow, input: DocumentInput): void {
  flow.text(`auf Ihren Antrag vom ${germanDate(input.application.receivedAt)} ergeht folgende Entscheidung:`);
  flow.heading("Entscheidung");
  flow.text("Die Zustimmung zur Verlegung von Telekommunikationslinien in den nachstehend bezeichneten Verkehrswegen wird abgelehnt.", BODY_BOLD);
  legalBasis(flow, input);
  flow.heading("Beantragte Abschnitte");
  sectionsTable(flow, input);
  reasons(flow, input);
  bodies(flow, input);
  numberedTexts(flow, "Hinweise", "hint", input);
  fee(flow, input);
  remedy(flow, input);
}

function missingItems(flow: Flow, input: DocumentInput): void {
  const missing = input.missingItems;
  flow.text(`Ihr Antrag vom ${germanDate(input.application.receivedAt)} ist nicht vollständig.`);
  if (missing && missing.items.length > 0) {
    flow.text("Für die Prüfung fehlen noch folgende Unterlagen und Angaben:");
    flow.gap(4);
    flow.bullets(missing.items);
  }
  if (missing?.body) {
    flow.gap(8);
    flow.text(missing.body);
  }
  flow.gap(8);
  if (missing?.answerBy) flow.text(`Bitte reichen Sie die Unterlagen bis zum ${germanDate(missing.answerBy)} über das Portal nach.`, BODY_BOLD);
  flow.text("Bis Ihr Antrag vollständig ist, ist der Lauf der Entscheidungsfrist nach § 127 Abs. 3 TKG gehemmt; sie läuft erst ab dem Eingang der vollständigen Unterlagen.");
  legalBasis(flow, input);
  numberedTexts(flow, "Hinweise", "hint", input);
  fee(flow, input);
  remedy(flow, input);
}

function deemedCertificate(flow: Flow, input: DocumentInput): void {
  flow.text(
    "hiermit wird nach § 42a Abs. 3 VwVfG bescheinigt, dass die Zustimmung zur Verlegung von Telekommunikationslinien in den nachstehend bezeichneten Verkehrswegen nach § 127 Abs. 3 Satz 4 TKG als erteilt gilt (Zustimmungsfiktion).",
    BODY_BOLD,
  );
  if (input.deemed) {
    flow.gap(6);
    flow.text(`Die Entscheidungsfrist endete am ${germanDate(input.deemed.decisionDueOn)}, ohne dass über den Antrag vom ${germanDate(input.application.receivedAt)} entschieden wurde.`);
    flow.gap(6);
    flow.text(input.deemed.reason);
  }
  legalBasis(flow, input);
  flow.heading("Abschnitte, für die die Zustimmung als erteilt gilt");
  sectionsTable(flow, input);
  worksDetails(flow, input);
  numberedTexts(flow, "Hinweise", "hint", input);
  fee(flow, input);
  remedy(flow, input);
}

const BODIES: Record<DocumentKind, (flow: Flow, input: DocumentInput) => void> = {
  consent,
  rejection,
  missing_items: missingItems,
  deemed_certificate: deemedCertificate,
};

const CORRECTION_BORDER = rgb(0.75, 0.1, 0.1);
const CORRECTION_FILL = rgb(1, 0.94, 0.94);

/**
 * Writes the letter pages. `annex` names the attached map pages for the closing "Anlage" line,
 * or is null without a map.
 */
export function writeLetter(doc: PDFDocument, fonts: Fonts, input: DocumentInput, annex: string | null): void {
  const first = doc.addPage(PageSizes.A4);
  const top = drawFirstPage(first, fonts, input);
  const flow = new Flow(
    { fonts, left: LEFT, width: CONTENT_WIDTH, bottom: CONTENT_BOTTOM, pageTop: CONTINUATION_TOP, addPage: () => continuationPage(doc, fonts, input) },
    { page: first, top },
  );

  flow.text(DOCUMENT_KIND_LABELS[input.kind], { face: "bold", size: 14, leading: 18 });
  flow.gap(4);
  if (input.version > 1 || input.replaces) {
    const replaced = input.replaces ? ` – ersetzt das Dokument ${input.replaces.documentId} vom ${germanDate(input.replaces.issuedAt)}.` : ".";
    flow.box(
      [
        { text: `Berichtigte Fassung (Version ${input.version})${replaced}`, style: BODY_BOLD },
        ...(input.replaces ? [{ text: `Grund: ${input.replaces.reason}`, style: BODY }] : []),
      ],
      { border: CORRECTION_BORDER, fill: CORRECTION_FILL },
    );
    flow.gap(6);
  }
  flow.text(`Betreff: ${subjectLine(input)}`, BODY_BOLD);
  const { rightOfWay } = input.application;
  if (rightOfWay) {
    flow.text(`Nutzungsberechtigung nach § 125 TKG: ${rightOfWay.reference}${rightOfWay.date ? ` vom ${germanDate(rightOfWay.date)}` : ""}`);
  }
  if (input.planningOffice) {
    const contact = input.planningOffice.contactName ? ` (Ansprechperson: ${input.planningOffice.contactName})` : "";
    flow.text(`Bevollmächtigt: ${input.planningOffice.name}${contact}`);
  }
  flow.gap(12);
  flow.text("Sehr geehrte Damen und Herren,");
  flow.gap(6);
  BODIES[input.kind](flow, input);
  signature(flow, input, annex);
}
