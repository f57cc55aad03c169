/**
 * Renders an issued document (Bescheid) to PDF: the letter on A4 portrait pages, the site plan
 * as an annex on A4 landscape pages, and on every page a footer with the verification QR code.
 *
 * Deterministic: the same input gives the same bytes. Nothing reads the clock or a random
 * source — the dates in the metadata are `issuedAt`, and the names pdf-lib generates come from
 * its PRNG, which every new document seeds with the same value.
 */
import { PDFDocument } from "pdf-lib";
import { DOCUMENT_KIND_LABELS, type DocumentInput } from "./model";
import { drawFooters } from "./render/footer.server";
import { embedFonts } from "./render/fonts.server";
import { subjectLine, writeLetter } from "./render/letter.server";
import { addMapPages, annexLabel, planMap } from "./render/map.server";

const PRODUCER = "Breitband-Portal";

export async function renderDocument(input: DocumentInput): Promise<{ bytes: Uint8Array; pageCount: number }> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const issued = new Date(input.issuedAt);
  doc.setTitle(`${DOCUMENT_KIND_LABELS[input.kind]} ${input.fileNumber}`, { showInWindowTitleBar: true });
  doc.setAuthor(input.authority.name);
  doc.setSubject(subjectLine(input));
  doc.setKeywords([input.fileNumber, input.documentId]);
  doc.setCreator(PRODUCER);
  doc.setProducer(PRODUCER);
  doc.setLanguage("de-DE");
  doc.setCreationDate(issued);
  doc.setModificationDate(issued);

  const fonts = await embedFonts(doc);
  const plan = input.map ? planMap(input.map) : null;
  writeLetter(doc, fonts, input, plan && annexLabel(plan));
  if (input.map && plan) addMapPages(doc, fonts, input, input.map, plan);
  drawFooters(doc, fonts, input);

  const bytes = await doc.save();
  return { bytes, pageCount: doc.getPageCount() };
}
