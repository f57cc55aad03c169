/** The two faces of the documents, DejaVu Sans and DejaVu Sans Bold, and measuring text in them. */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import fontkit from "@pdf-lib/fontkit";
import type { PDFDocument, PDFFont } from "pdf-lib";

export type FaceName = "regular" | "bold";

/** An embedded font with the advance widths of the characters measured so far. */
export interface Face {
  font: PDFFont;
  widths: Map<string, number>;
}
export type Fonts = Record<FaceName, Face>;

const require = createRequire(import.meta.url);
const FILES: Record<FaceName, { path: string; name: string }> = {
  regular: { path: "dejavu-fonts-ttf/ttf/DejaVuSans.ttf", name: "DejaVuSans" },
  bold: { path: "dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf", name: "DejaVuSans-Bold" },
};

type Fontkit = Parameters<PDFDocument["registerFontkit"]>[0];
type FontkitFont = ReturnType<Fontkit["create"]>;

/**
 * pdf-lib parses the font file again for every document and shapes every string with a full
 * OpenType layout (GSUB/GPOS), although it writes only glyph ids and ignores the positions; that
 * was most of the rendering time. For our Latin text the cmap gives the same glyphs (texts are
 * NFC-normalised, so no composition is needed), so each face is parsed once per process and
 * "laid out" by cmap alone. The parsed font is only read afterwards, so documents can share it.
 *
 * A shared font caches each glyph with the character it was first looked up for, and pdf-lib
 * writes that character into the text layer. Every DejaVu glyph belongs to exactly one character,
 * except .notdef, which stands for all characters the font lacks; those print as U+FFFD "�"
 * instead, so no document's bytes depend on what the process rendered before.
 */
const parsedFonts = new Map<Uint8Array, FontkitFont>();
const cmapFontkit: Fontkit = {
  create(bytes) {
    let font = parsedFonts.get(bytes);
    if (!font) {
      const parsed = fontkit.create(bytes);
      const replacement = parsed.glyphForCodePoint(0xfffd);
      const layout = (text: string) => ({ glyphs: parsed.glyphsForString(text).map((glyph) => (glyph.id === 0 ? replacement : glyph)) });
      font = new Proxy(parsed, { get: (target, key) => (key === "layout" ? layout : Reflect.get(target, key)) });
      parsedFonts.set(bytes, font);
    }
    return font;
  },
};

// Read once per process; the widths depend only on the font file, so they are shared as well.
let fontBytes: Promise<Record<FaceName, Uint8Array>> | undefined;
const widthCache: Record<FaceName, Map<string, number>> = { regular: new Map(), bold: new Map() };

async function loadBytes(): Promise<Record<FaceName, Uint8Array>> {
  const [regular, bold] = await Promise.all([readFile(require.resolve(FILES.regular.path)), readFile(require.resolve(FILES.bold.path))]);
  return { regular, bold };
}

/** Embeds DejaVu Sans regular and bold as subsets (full Latin coverage: ł, č, ř, Ø, €, „“). */
export async function embedFonts(doc: PDFDocument): Promise<Fonts> {
  const bytes = await (fontBytes ??= loadBytes());
  doc.registerFontkit(cmapFontkit);
  // One after the other: the object numbers follow the call order, which keeps the output stable.
  // A fixed name instead of pdf-lib's generated suffix keeps the font names readable.
  const regular = await doc.embedFont(bytes.regular, { subset: true, customName: FILES.regular.name });
  const bold = await doc.embedFont(bytes.bold, { subset: true, customName: FILES.bold.name });
  return { regular: { font: regular, widths: widthCache.regular }, bold: { font: bold, widths: widthCache.bold } };
}

/**
 * Width of a text in points. pdf-lib measures with a full fontkit layout per call, too slow for
 * word wrapping; the sum of cached per-character advances is what pdf-lib draws (it writes glyph
 * ids without kerning), so it is exact as well as fast.
 */
export function textWidth(face: Face, text: string, size: number): number {
  let width = 0;
  for (const ch of text) {
    let w = face.widths.get(ch);
    if (w === undefined) {
      w = face.font.widthOfTextAtSize(ch, 1);
      face.widths.set(ch, w);
    }
    width += w;
  }
  return width * size;
}
