/**
 * Text layout on pdf-lib pages: word wrapping and a top-down flow that breaks pages, keeps
 * headings with what follows, and splits tables (repeating the header) and boxes across pages.
 */
import { rgb, type Color, type PDFPage } from "pdf-lib";
import { textWidth, type Face, type FaceName, type Fonts } from "./fonts.server";

export const MM = 72 / 25.4;
const BLACK = rgb(0, 0, 0);
export const GREY = rgb(0.35, 0.35, 0.35);
export const RULE = rgb(0.75, 0.75, 0.75);

export interface TextStyle {
  face: FaceName;
  size: number;
  /** line pitch in points */
  leading: number;
  color?: Color;
}

export const BODY: TextStyle = { face: "regular", size: 10, leading: 14 };
export const BODY_BOLD: TextStyle = { ...BODY, face: "bold" };
export const SMALL: TextStyle = { face: "regular", size: 8, leading: 10.5, color: GREY };

/**
 * Text as the fonts can print it: composed characters (the glyphs are looked up by code point),
 * tabs as spaces, no other control characters (no glyph) and no soft hyphens (they would print).
 */
function clean(text: string): string {
  return text
    .normalize("NFC")
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, " ")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u00ad]/g, "");
}

/**
 * Breaks a text into lines no wider than `maxWidth`: at spaces, at newlines, and inside words
 * that are wider than a line on their own (URLs, long compounds, garbage input).
 */
export function wrap(face: Face, text: string, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  const space = textWidth(face, " ", size);
  for (const paragraph of clean(text).split("\n")) {
    let line = "";
    let lineWidth = 0;
    for (const word of paragraph.split(" ")) {
      if (word === "") continue;
      const w = textWidth(face, word, size);
      if (line !== "" && lineWidth + space + w <= maxWidth) {
        line += ` ${word}`;
        lineWidth += space + w;
        continue;
      }
      if (line !== "") lines.push(line);
      line = "";
      lineWidth = 0;
      for (const ch of w <= maxWidth ? [word] : word) {
        const cw = textWidth(face, ch, size);
        if (line !== "" && lineWidth + cw > maxWidth) {
          lines.push(line);
          line = "";
          lineWidth = 0;
        }
        line += ch;
        lineWidth += cw;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** A single line, shortened with "…" until it fits. */
export function truncate(face: Face, text: string, size: number, maxWidth: number): string {
  const line = clean(text).replace(/\n/g, " ");
  if (textWidth(face, line, size) <= maxWidth) return line;
  const chars = [...line];
  while (chars.length > 0 && textWidth(face, `${chars.join("")}…`, size) > maxWidth) chars.pop();
  return `${chars.join("")}…`;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Baseline of a line whose box starts at `top`: the glyphs sit centred in the leading. */
function baseline(top: number, style: TextStyle): number {
  return top - (style.leading - style.size) / 2 - style.size * 0.8;
}

/** A line of text whose box starts at `top`; several lines if `text` has newlines. */
export function drawLine(page: PDFPage, fonts: Fonts, text: string, x: number, top: number, style: TextStyle): void {
  if (text === "") return;
  // rounded: pdf-lib writes numbers with all their digits
  const options = { x: round2(x), y: round2(baseline(top, style)), size: style.size, lineHeight: style.leading };
  page.drawText(text, { ...options, font: fonts[style.face].font, color: style.color ?? BLACK });
}

export interface Column {
  header: string;
  /** points */
  width: number;
  align?: "left" | "right";
}

export interface Row {
  cells: string[];
  bold?: boolean;
}

/** One run of styled text inside a box, e.g. a bold lead sentence and a regular explanation. */
export interface Run {
  text: string;
  style: TextStyle;
}

/** Where content may go on a page, and how to get the next page. */
export interface FlowOptions {
  fonts: Fonts;
  left: number;
  width: number;
  bottom: number;
  /** top of the content area of a continuation page */
  pageTop: number;
  /** adds a continuation page and returns it with the top of its content area */
  addPage: () => { page: PDFPage; top: number };
}

const TABLE: TextStyle = { face: "regular", size: 8, leading: 10.5 };
const CELL_PAD_X = 3;
const CELL_PAD_Y = 2.5;
const HEADER_FILL = rgb(0.9, 0.9, 0.9);

/** Content flowing down the pages; `y` is the top of the next line in points from the bottom. */
export class Flow {
  page: PDFPage;
  y: number;
  constructor(
    private readonly options: FlowOptions,
    start: { page: PDFPage; top: number },
  ) {
    this.page = start.page;
    this.y = start.top;
  }

  get left(): number {
    return this.options.left;
  }

  get width(): number {
    return this.options.width;
  }

  get fonts(): Fonts {
    return this.options.fonts;
  }

  newPage(): void {
    const next = this.options.addPage();
    this.page = next.page;
    this.y = next.top;
  }

  /** Space between blocks; it is dropped when it would cross the page end. */
  gap(points: number): void {
    this.y -= points;
  }

  /** Starts a new page unless `height` fits; blocks taller than a page start where they are. */
  keep(height: number): void {
    if (this.y - height < this.options.bottom && height <= this.options.pageTop - this.options.bottom) this.newPage();
  }

  private room(): number {
    return this.y - this.options.bottom;
  }

  /** Lines at `x`, breaking pages between lines. */
  lines(lines: string[], style: TextStyle, x = this.left): void {
    let i = 0;
    while (i < lines.length) {
      if (this.room() < style.leading) this.newPage();
      // the lines that fit on this page as one text object: far less content than one per line
      const block = lines.slice(i, i + Math.floor(this.room() / style.leading));
      drawLine(this.page, this.fonts, block.join("\n"), x, this.y, style);
      this.y -= block.length * style.leading;
      i += block.length;
    }
  }

  /**
   * A text of one or more paragraphs (a blank line separates them, a newline breaks the line).
   * `label` hangs in front of the first line ("1.", "•"); `indent` shifts the whole block.
   */
  text(text: string, style: TextStyle = BODY, opts: { label?: string; labelWidth?: number; indent?: number } = {}): void {
    const indent = opts.indent ?? 0;
    const labelWidth = opts.label === undefined ? 0 : (opts.labelWidth ?? 18);
    const x = this.left + indent + labelWidth;
    const face = this.fonts[style.face];
    const paragraphs = text.split(/\n[ \t]*\n/).filter((p) => p.trim() !== "");
    paragraphs.forEach((paragraph, i) => {
      if (i > 0) this.gap(style.leading * 0.4);
      const lines = wrap(face, paragraph.trim(), style.size, this.width - indent - labelWidth);
      if (i === 0 && opts.label !== undefined) {
        if (this.room() < style.leading) this.newPage();
        drawLine(this.page, this.fonts, opts.label, this.left + indent, this.y, style);
      }
      this.lines(lines, style, x);
    });
  }

  /** A bold heading kept together with the first lines below it. */
  heading(text: string, size = 11): void {
    const style: TextStyle = { face: "bold", size, leading: size * 1.35 };
    this.gap(10);
    const lines = wrap(this.fonts.bold, text, size, this.width);
    this.keep(lines.length * style.leading + 3 * BODY.leading);
    this.lines(lines, style);
    this.gap(3);
  }

  /** Bullet list. */
  bullets(items: string[], style: TextStyle = BODY): void {
    for (const item of items) this.text(item, style, { label: "•", labelWidth: 12, indent: 6 });
  }

  /**
   * A table with wrapped cells. A row that does not fit moves to the next page, which repeats
   * the header; a row taller than a page is split between its lines.
   */
  table(columns: Column[], rows: Row[]): void {
    const fullWidth = columns.reduce((sum, c) => sum + c.width, 0);
    const boldTable: TextStyle = { ...TABLE, face: "bold" };
    const cellLines = (cells: string[], style: TextStyle) => columns.map((c, i) => wrap(this.fonts[style.face], cells[i] ?? "", style.size, c.width - 2 * CELL_PAD_X));
    const header = cellLines(
      columns.map((c) => c.header),
      boldTable,
    );
    const headerHeight = Math.max(...header.map((l) => l.length)) * TABLE.leading + 2 * CELL_PAD_Y;

    const drawRow = (lines: string[][], from: number, count: number, style: TextStyle, fill?: Color) => {
      const height = count * style.leading + 2 * CELL_PAD_Y;
      if (fill) this.page.drawRectangle({ x: this.left, y: this.y - height, width: fullWidth, height, color: fill });
      let x = this.left;
      columns.forEach((column, c) => {
        for (let i = 0; i < count; i++) {
          const text = lines[c]?.[from + i] ?? "";
          const tx = column.align === "right" ? x + column.width - CELL_PAD_X - textWidth(this.fonts[style.face], text, style.size) : x + CELL_PAD_X;
          drawLine(this.page, this.fonts, text, tx, this.y - CELL_PAD_Y - i * style.leading, style);
        }
        x += column.width;
      });
      this.page.drawLine({ start: { x: this.left, y: this.y - height }, end: { x: this.left + fullWidth, y: this.y - height }, thickness: 0.5, color: RULE });
      this.y -= height;
    };
    const startPage = () => {
      const headerLineCount = Math.max(...header.map((l) => l.length));
      drawRow(header, 0, headerLineCount, boldTable, HEADER_FILL);
    };

    this.keep(headerHeight + TABLE.leading + 2 * CELL_PAD_Y);
    startPage();
    let rowsOnPage = 0;
    for (const row of rows) {
      const style = row.bold ? boldTable : TABLE;
      const lines = cellLines(row.cells, style);
      const total = Math.max(1, ...lines.map((l) => l.length));
      let from = 0;
      while (from < total) {
        const fit = Math.floor((this.room() - 2 * CELL_PAD_Y) / style.leading);
        const count = Math.min(fit, total - from);
        if (count === total - from || (rowsOnPage === 0 && count > 0)) {
          drawRow(lines, from, count, style);
          from += count;
          rowsOnPage++;
          if (from === total) break;
        }
        this.newPage();
        startPage();
        rowsOnPage = 0;
      }
    }
  }

  /** A framed, shaded box around runs of text; split across pages only if it is taller than one. */
  box(runs: Run[], colors: { border: Color; fill: Color }): void {
    const pad = 6;
    const lines = runs.flatMap((run) => wrap(this.fonts[run.style.face], run.text, run.style.size, this.width - 2 * pad - 4).map((text) => ({ text, style: run.style })));
    this.keep(lines.reduce((sum, l) => sum + l.style.leading, 2 * pad));
    let i = 0;
    while (i < lines.length) {
      let height = 2 * pad;
      let end = i;
      while (end < lines.length && height + lines[end]!.style.leading <= this.room()) height += lines[end++]!.style.leading;
      if (end === i) {
        this.newPage();
        continue;
      }
      this.page.drawRectangle({ x: this.left, y: this.y - height, width: this.width, height, color: colors.fill, borderColor: colors.border, borderWidth: 1 });
      this.page.drawRectangle({ x: this.left, y: this.y - height, width: 4, height, color: colors.border });
      let top = this.y - pad;
      for (const line of lines.slice(i, end)) {
        drawLine(this.page, this.fonts, line.text, this.left + pad + 4, top, line.style);
        top -= line.style.leading;
      }
      this.y -= height;
      i = end;
      if (i < lines.length) this.newPage();
    }
  }
}
