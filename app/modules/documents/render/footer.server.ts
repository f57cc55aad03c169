/** The footer of every page: page number, file number, document id and the verification QR code. */
import { concatTransformationMatrix, drawObject, fill, popGraphicsState, pushGraphicsState, rectangle, type PDFDocument, type PDFOperator, type PDFRef } from "pdf-lib";
import QRCode from "qrcode";
import type { DocumentInput } from "../model";
import type { Fonts } from "./fonts.server";
import { drawLine, GREY, MM, RULE, wrap, type TextStyle } from "./layout.server";

const QR_SIZE = 22 * MM;
const FOOTER_BOTTOM = 10 * MM;
/** Content must stay above this line (points from the bottom of the page). */
export const FOOTER_TOP = FOOTER_BOTTOM + QR_SIZE + 4 * MM;

const LINE: TextStyle = { face: "regular", size: 7.5, leading: 9.5, color: GREY };
const PAGE_NUMBER: TextStyle = { face: "bold", size: 8, leading: 10.5 };

/** Rounds to 1/10 point (0.035 mm): enough for print, and it keeps the content streams short. */
export function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/**
 * The QR symbol as a form XObject drawn on every page: vector (one rectangle per horizontal run
 * of dark modules, scannable at any zoom), in module units so the coordinates are small integers,
 * and stored once instead of once per page.
 */
function qrXObject(doc: PDFDocument, url: string): { ref: PDFRef; modules: number } {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: "M" });
  const n = modules.size;
  const operators: PDFOperator[] = [];
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!modules.data[row * n + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && modules.data[row * n + col]) col++;
      operators.push(rectangle(start, n - row - 1, col - start, 1));
    }
  }
  operators.push(fill());
  return { ref: doc.context.register(doc.context.formXObject(operators, { BBox: [0, 0, n, n] })), modules: n };
}

/** Side margins of a page in points: the letter's on portrait pages, narrower on the landscape map. */
export function sideMargins(width: number, height: number): { left: number; right: number } {
  return width > height ? { left: 15 * MM, right: 15 * MM } : { left: 25 * MM, right: 20 * MM };
}

/** Draws the footer on all pages, once the page count is known. */
export function drawFooters(doc: PDFDocument, fonts: Fonts, input: DocumentInput): void {
  const qr = qrXObject(doc, input.verifyUrl);
  const cell = QR_SIZE / qr.modules;
  const pages = doc.getPages();
  pages.forEach((page, index) => {
    const { width, height } = page.getSize();
    const { left, right } = sideMargins(width, height);
    const qrX = width - right - QR_SIZE;
    const qrTop = FOOTER_BOTTOM + QR_SIZE;
    page.drawLine({ start: { x: left, y: FOOTER_TOP - 1.5 * MM }, end: { x: width - right, y: FOOTER_TOP - 1.5 * MM }, thickness: 0.5, color: RULE });
    const name = page.node.newXObject("QR", qr.ref);
    page.pushOperators(pushGraphicsState(), concatTransformationMatrix(cell, 0, 0, cell, qrX, FOOTER_BOTTOM), drawObject(name), popGraphicsState());

    // the quiet zone the QR needs: four modules, about 2.7 mm at this size
    const textWidth = qrX - 4 * MM - left;
    let top = qrTop + 1;
    drawLine(page, fonts, `Seite ${index + 1} von ${pages.length}`, left, top, PAGE_NUMBER);
    top -= PAGE_NUMBER.leading + 2;
    const version = input.version > 1 ? ` (Version ${input.version})` : "";
    const lines = [`Aktenzeichen: ${input.fileNumber}`, `Dokument-ID: ${input.documentId}${version}`, `Echtheit prüfen: ${input.verifyUrl}`].flatMap((text) =>
      wrap(fonts.regular, text, LINE.size, textWidth),
    );
    for (const line of lines) {
      if (top - LINE.leading < FOOTER_BOTTOM - 2) break;
      drawLine(page, fonts, line, left, top, LINE);
      top -= LINE.leading;
    }
  });
}
