/**
 * Annex 1, the site plan: A4 landscape pages drawn as vectors from the EPSG:25832 coordinates.
 * A route that fits one sheet gets one at the largest standard scale it fits; a longer one is cut
 * into consecutive sheets at 1:5000 behind an overview page that shows where each sheet lies.
 *
 * Geometry is transformed to page points and clipped in JS, so a page only carries what it
 * shows; every polyline becomes a single SVG path. A PDF clip around the frame also trims stroke
 * widths, symbols and labels at the edge.
 */
import {
  clip,
  degrees,
  endPath,
  LineCapStyle,
  LineJoinStyle,
  PageSizes,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  rgb,
  setLineJoin,
  type PDFDocument,
  type PDFPage,
  type RGB,
} from "pdf-lib";
import type { DocumentInput, DocumentMap, Xy } from "../model";
import { FOOTER_TOP, num, sideMargins } from "./footer.server";
import { textWidth, type Fonts } from "./fonts.server";
import { along, boxOf, clipPolyline, clipRing, contains, extend, intersects, length, simplify, union, type Box, type Pt } from "./geometry.server";
import { drawLine, GREY, MM, truncate, wrap, type TextStyle } from "./layout.server";
import { subjectLine } from "./letter.server";

const PAGE_WIDTH = PageSizes.A4[1];
const PAGE_HEIGHT = PageSizes.A4[0];
const { left: LEFT, right: RIGHT } = sideMargins(PAGE_WIDTH, PAGE_HEIGHT);
const PANEL_WIDTH = 62 * MM;
const FRAME: Box = { minX: LEFT, minY: FOOTER_TOP + 2 * MM, maxX: PAGE_WIDTH - RIGHT - PANEL_WIDTH - 6 * MM, maxY: PAGE_HEIGHT - 24 * MM };
const FRAME_WIDTH = FRAME.maxX - FRAME.minX;
const FRAME_HEIGHT = FRAME.maxY - FRAME.minY;
const PANEL_X = FRAME.maxX + 6 * MM;

/** Metres on the ground per point on paper at 1:1. */
const METRES_PER_POINT = 0.0254 / 72;
/** The smallest standard scale: long routes are cut into sheets at this one. */
const SHEET_SCALE = 5000;
const STANDARD_SCALES = [500, 1000, 2000, 2500, SHEET_SCALE];
/** Share of the frame the route may fill, leaving some surroundings at the edges. */
const FILL = 0.9;

export interface Sheet {
  role: "single" | "overview" | "detail";
  /** 1-based number of a detail sheet ("Blatt n von m"); 0 for the overview */
  number: number;
  scale: number;
  centre: Pt;
}

export interface MapPlan {
  sheets: Sheet[];
  /** number of detail sheets (1 for a single sheet) */
  details: number;
}

const metresPerPoint = (scale: number) => scale * METRES_PER_POINT;
const centreOf = (box: Box): Pt => [(box.minX + box.maxX) / 2, (box.minY + box.maxY) / 2];

function fits(box: Box, scale: number): boolean {
  const m = metresPerPoint(scale) * FILL;
  return box.maxX - box.minX <= FRAME_WIDTH * m && box.maxY - box.minY <= FRAME_HEIGHT * m;
}

/** The ground a sheet shows, in EPSG:25832 metres. */
function groundBox(sheet: { centre: Pt; scale: number }): Box {
  const halfW = (FRAME_WIDTH * metresPerPoint(sheet.scale)) / 2;
  const halfH = (FRAME_HEIGHT * metresPerPoint(sheet.scale)) / 2;
  return { minX: sheet.centre[0] - halfW, minY: sheet.centre[1] - halfH, maxX: sheet.centre[0] + halfW, maxY: sheet.centre[1] + halfH };
}

/** The smallest "round" scale denominator (1, 1.5, 2, 2.5, 3, 4, 5, 7.5 × 10ⁿ) not below `needed`. */
function roundScale(needed: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(needed));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10]) if (Math.round(m * magnitude) >= needed) return Math.round(m * magnitude);
  return Math.round(10 * magnitude);
}

/** What the sheets are cut along: this authority's sections, else whatever the map has. */
function routeLines(map: DocumentMap): Xy[][] {
  const sections = [...map.sections].sort((a, b) => a.number - b.number).flatMap((s) => s.lines);
  if (sections.some((l) => l.length > 0)) return sections;
  if (map.otherRoute.some((l) => l.length > 0)) return map.otherRoute;
  return [...map.roads.flatMap((r) => r.lines), ...map.conflicts.flatMap((c) => [...c.lines, ...c.rings, c.points])];
}

/** Decides the sheets: one at the largest standard scale that fits, else consecutive 1:5000 sheets and an overview. */
export function planMap(map: DocumentMap): MapPlan {
  const lines = routeLines(map);
  const all = boxOf(lines.flat());
  if (!all) return { sheets: [{ role: "single", number: 1, scale: SHEET_SCALE, centre: [0, 0] }], details: 1 };
  const single = STANDARD_SCALES.find((scale) => fits(all, scale));
  if (single) return { sheets: [{ role: "single", number: 1, scale: single, centre: centreOf(all) }], details: 1 };

  // Walk the route and start a new sheet when the next point would not fit; long segments are
  // cut into short steps, and a sheet starts where the previous one ended so nothing is missed.
  const scale = SHEET_SCALE;
  const step = (Math.min(FRAME_WIDTH, FRAME_HEIGHT) * metresPerPoint(scale) * FILL) / 8;
  const pieces: Box[] = [];
  let box: Box | null = null;
  for (const line of lines) {
    let last: Pt | null = null;
    for (const p of line) {
      const from = last;
      const steps = from ? Math.max(1, Math.ceil(Math.hypot(p[0] - from[0], p[1] - from[1]) / step)) : 1;
      for (let k = 1; k <= steps; k++) {
        const q: Pt = from ? [from[0] + ((p[0] - from[0]) * k) / steps, from[1] + ((p[1] - from[1]) * k) / steps] : p;
        const next: Box = box ? extend(box, q) : { minX: q[0], minY: q[1], maxX: q[0], maxY: q[1] };
        if (!box || fits(next, scale)) {
          box = next;
        } else {
          pieces.push(box);
          box = boxOf(last ? [last, q] : [q]);
        }
        last = q;
      }
    }
  }
  if (box) pieces.push(box);

  const details: Sheet[] = pieces.map((piece, i) => ({ role: "detail", number: i + 1, scale, centre: centreOf(piece) }));
  const cover = details.map(groundBox).reduce(union);
  const needed = Math.max((cover.maxX - cover.minX) / (FRAME_WIDTH * 0.95), (cover.maxY - cover.minY) / (FRAME_HEIGHT * 0.95)) / METRES_PER_POINT;
  const overview: Sheet = { role: "overview", number: 0, scale: roundScale(needed), centre: centreOf(cover) };
  return { sheets: [overview, ...details], details: details.length };
}

/** "Lageplan (Übersicht und 12 Blätter)" for the letter's annex line. */
export function annexLabel(plan: MapPlan): string {
  const sheets = plan.details === 1 ? "1 Blatt" : `Übersicht und ${plan.details} Blätter`;
  return `Anlage 1 – Lageplan (${sheets})`;
}

// ---------------------------------------------------------------------------------------------
// Styles

const SECTION_COLORS: RGB[] = [
  rgb(0.85, 0.1, 0.1),
  rgb(0.1, 0.3, 0.85),
  rgb(0.8, 0.1, 0.6),
  rgb(0.95, 0.45, 0),
  rgb(0.45, 0.15, 0.7),
  rgb(0, 0.55, 0.55),
  rgb(0.55, 0.3, 0.05),
  rgb(0.2, 0.6, 0.1),
];
const sectionColor = (i: number) => SECTION_COLORS[i % SECTION_COLORS.length]!;

/** Colours of the conflict layers by key (see layers/keys.ts); unknown layers take the fallbacks in turn. */
const CONFLICT_COLORS: Record<string, RGB> = {
  trees: rgb(0.13, 0.5, 0.13),
  water_protection_zones: rgb(0.1, 0.4, 0.8),
  watercourses: rgb(0.05, 0.45, 0.85),
  nature_reserves: rgb(0.35, 0.6, 0.2),
  heritage: rgb(0.6, 0.35, 0.15),
  railways: rgb(0.2, 0.2, 0.2),
  resurfaced_roads: rgb(0.75, 0.6, 0),
  utilities: rgb(0.9, 0.5, 0),
  structures: rgb(0.4, 0.4, 0.55),
};
const FALLBACK_COLORS: RGB[] = [rgb(0.6, 0.2, 0.6), rgb(0.2, 0.55, 0.55), rgb(0.65, 0.45, 0.1)];

/** A light tint: fills look translucent without transparency groups. */
const tint = (c: RGB, f = 0.75): RGB => rgb(c.red + (1 - c.red) * f, c.green + (1 - c.green) * f, c.blue + (1 - c.blue) * f);

const ROAD_COLOR = rgb(0.72, 0.72, 0.72);
/** Line width in points by road class (German classes and OSM highway values). */
const ROAD_WIDTHS: Record<string, number> = {
  autobahn: 5.5,
  motorway: 5.5,
  bundesstrasse: 4.5,
  trunk: 4.5,
  landesstrasse: 4,
  primary: 4,
  kreisstrasse: 3.5,
  secondary: 3.5,
  tertiary: 3,
  gemeindestrasse: 2.2,
  residential: 2.2,
  unclassified: 2.2,
  living_street: 2,
};
const roadWidth = (roadClass: string) => ROAD_WIDTHS[roadClass] ?? 1.4;
const ROAD_LABEL: TextStyle = { face: "regular", size: 6.5, leading: 8, color: rgb(0.3, 0.3, 0.3) };
/** Longer road names are cut short with "…" (points). */
const ROAD_LABEL_MAX_WIDTH = 200;

const OTHER_ROUTE = { color: rgb(0.45, 0.45, 0.6), width: 2, dash: [5, 3] };
const SECTION_WIDTH = 3.2;
const POINT_RADIUS = 2.4;
const DETAIL_FRAME_COLOR = rgb(0.15, 0.15, 0.15);

// ---------------------------------------------------------------------------------------------
// Drawing

interface Line {
  points: Pt[];
  box: Box;
}

function prepare(lines: Xy[][]): Line[] {
  return lines.flatMap((points) => {
    const box = boxOf(points);
    return box && points.length > 1 ? [{ points, box }] : [];
  });
}

interface Prepared {
  sections: { number: number; color: RGB; lines: Line[] }[];
  otherRoute: Line[];
  roads: { name: string | null; width: number; lines: Line[] }[];
  conflicts: { layer: string; label: string; color: RGB; points: Pt[]; lines: Line[]; rings: Line[] }[];
}

function prepareMap(map: DocumentMap, fonts: Fonts): Prepared {
  let fallback = 0;
  const layerColors = new Map<string, RGB>();
  for (const c of map.conflicts) {
    if (!layerColors.has(c.layer)) layerColors.set(c.layer, CONFLICT_COLORS[c.layer] ?? FALLBACK_COLORS[fallback++ % FALLBACK_COLORS.length]!);
  }
  return {
    sections: [...map.sections].sort((a, b) => a.number - b.number).map((s, i) => ({ number: s.number, color: sectionColor(i), lines: prepare(s.lines) })),
    otherRoute: prepare(map.otherRoute),
    roads: map.roads.map((r) => ({ name: r.name && truncate(fonts.regular, r.name, ROAD_LABEL.size, ROAD_LABEL_MAX_WIDTH), width: roadWidth(r.roadClass), lines: prepare(r.lines) })),
    conflicts: map.conflicts.map((c) => ({ layer: c.layer, label: c.label, color: layerColors.get(c.layer)!, points: c.points, lines: prepare(c.lines), rings: prepare(c.rings) })),
  };
}

/** A sheet's affine transform from EPSG:25832 to page points: same metres per point both ways. */
class View {
  readonly ground: Box;
  private readonly mpp: number;

  constructor(readonly sheet: Sheet) {
    this.ground = groundBox(sheet);
    this.mpp = metresPerPoint(sheet.scale);
  }

  toPage(p: Pt): Pt {
    return [FRAME.minX + FRAME_WIDTH / 2 + (p[0] - this.sheet.centre[0]) / this.mpp, FRAME.minY + FRAME_HEIGHT / 2 + (p[1] - this.sheet.centre[1]) / this.mpp];
  }

  lines(lines: Line[]): Pt[][] {
    return lines.flatMap((l) => (intersects(l.box, this.ground) ? clipPolyline(l.points.map((p) => this.toPage(p)), FRAME) : []));
  }

  /** Ring outlines as lines, closed if the ring was not. */
  outlines(rings: Line[]): Pt[][] {
    return this.lines(
      rings.map((r) => {
        const [first, last] = [r.points[0]!, r.points[r.points.length - 1]!];
        return first[0] === last[0] && first[1] === last[1] ? r : { ...r, points: [...r.points, first] };
      }),
    );
  }

  fills(rings: Line[]): Pt[][] {
    return rings.flatMap((r) => (intersects(r.box, this.ground) ? [clipRing(r.points.map((p) => this.toPage(p)), FRAME)] : [])).filter((r) => r.length > 2);
  }

  points(points: Pt[]): Pt[] {
    return points.filter((p) => contains(this.ground, p)).map((p) => this.toPage(p));
  }
}

/**
 * One SVG path for many polylines (y negated: pdf-lib flips SVG paths), simplified to a quarter
 * point (0.09 mm, invisible in print): a page carries what it shows, not every surveyed vertex.
 */
function svgPath(runs: Pt[][], close: boolean): string {
  const parts: string[] = [];
  for (const run of runs) {
    simplify(run, 0.25).forEach((p, i) => parts.push(`${i === 0 ? "M" : "L"}${num(p[0])} ${num(-p[1])}`));
    if (close) parts.push("Z");
  }
  return parts.join("");
}

function strokeRuns(page: PDFPage, runs: Pt[][], color: RGB, width: number, dash?: number[]): void {
  const path = svgPath(runs, false);
  if (path) page.drawSvgPath(path, { x: 0, y: 0, borderColor: color, borderWidth: width, borderLineCap: LineCapStyle.Round, borderDashArray: dash });
}

function fillRuns(page: PDFPage, runs: Pt[][], color: RGB): void {
  const path = svgPath(runs, true);
  if (path) page.drawSvgPath(path, { x: 0, y: 0, color });
}

/** Circles as four Bézier quarters each (pdf-lib turns SVG arcs into curves with long fractions). */
function circlesPath(points: Pt[], r: number): string {
  const k = r * 0.5523;
  return points
    .map(([x, y]) => {
      const [l, rt, t, b] = [num(x - r), num(x + r), num(-y - r), num(-y + r)];
      const [cx, cy, xk0, xk1, yk0, yk1] = [num(x), num(-y), num(x - k), num(x + k), num(-y - k), num(-y + k)];
      return `M${l} ${cy}C${l} ${yk0} ${xk0} ${t} ${cx} ${t}C${xk1} ${t} ${rt} ${yk0} ${rt} ${cy}C${rt} ${yk1} ${xk1} ${b} ${cx} ${b}C${xk0} ${b} ${l} ${yk1} ${l} ${cy}Z`;
    })
    .join("");
}

function longest(runs: Pt[][]): { run: Pt[]; length: number } | null {
  let best: { run: Pt[]; length: number } | null = null;
  for (const run of runs) {
    const l = length(run);
    if (!best || l > best.length) best = { run, length: l };
  }
  return best;
}

const BADGE_SIZE = 7.5;
const badgeRadius = (fonts: Fonts, text: string) => Math.max(6.5, textWidth(fonts.bold, text, BADGE_SIZE) / 2 + 3);

/** Where a label may go along a run, best first: the middle, then further out. */
const LABEL_POSITIONS = [0.5, 0.3, 0.7, 0.15, 0.85];

/**
 * Names along the roads, each once per sheet, beside the longest visible piece and upright;
 * a name that would overlap a badge or another name moves along its road, or is left out.
 */
function drawRoadNames(page: PDFPage, fonts: Fonts, roads: { name: string | null; width: number; runs: Pt[][] }[], taken: Box[]): void {
  const best = new Map<string, { run: Pt[]; length: number; width: number }>();
  for (const road of roads) {
    if (!road.name) continue;
    const candidate = longest(road.runs);
    if (candidate && candidate.length > (best.get(road.name)?.length ?? 0)) best.set(road.name, { ...candidate, width: road.width });
  }
  const { size } = ROAD_LABEL;
  for (const [name, { run, length: runLength, width }] of best) {
    const w = textWidth(fonts.regular, name, size);
    if (runLength < w + 16) continue;
    for (const position of LABEL_POSITIONS) {
      const distance = Math.min(Math.max(runLength * position, w / 2 + 4), runLength - w / 2 - 4);
      const { at, dir } = along(run, distance);
      const d: Pt = dir[0] < 0 ? [-dir[0], -dir[1]] : dir;
      const up: Pt = [-d[1], d[0]];
      const offset = width / 2 + 1.2;
      const start: Pt = [at[0] - (d[0] * w) / 2 + up[0] * offset, at[1] - (d[1] * w) / 2 + up[1] * offset];
      const corners: Pt[] = [0, w].flatMap((along) => [-0.25 * size, size].map((across): Pt => [start[0] + d[0] * along + up[0] * across, start[1] + d[1] * along + up[1] * across]));
      const box = boxOf(corners)!;
      if (taken.some((t) => intersects(t, box))) continue;
      taken.push(box);
      page.drawText(name, { x: start[0], y: start[1], size, font: fonts.regular.font, color: ROAD_LABEL.color, rotate: degrees((Math.atan2(d[1], d[0]) * 180) / Math.PI) });
      break;
    }
  }
}

function drawBadge(page: PDFPage, fonts: Fonts, at: Pt, text: string, color: RGB): void {
  const w = textWidth(fonts.bold, text, BADGE_SIZE);
  page.drawCircle({ x: at[0], y: at[1], size: badgeRadius(fonts, text), color: rgb(1, 1, 1), borderColor: color, borderWidth: 1.4 });
  page.drawText(text, { x: at[0] - w / 2, y: at[1] - BADGE_SIZE * 0.36, size: BADGE_SIZE, font: fonts.bold.font, color });
}

/** What a sheet shows, for its legend. */
interface Visible {
  sections: Set<number>;
  layers: Set<string>;
  roads: boolean;
  otherRoute: boolean;
}

/** Everything inside the frame, in drawing order from the bottom up. */
function drawMapContent(page: PDFPage, fonts: Fonts, view: View, data: Prepared, plan: MapPlan): Visible {
  const visible: Visible = { sections: new Set(), layers: new Set(), roads: false, otherRoute: false };
  page.pushOperators(pushGraphicsState(), rectangle(FRAME.minX, FRAME.minY, FRAME_WIDTH, FRAME_HEIGHT), clip(), endPath(), setLineJoin(LineJoinStyle.Round));

  // sections first: their number badges claim their place before the road names
  const sections = data.sections.flatMap((section) => {
    const runs = view.lines(section.lines);
    const best = longest(runs);
    return best ? [{ ...section, runs, badge: along(best.run, best.length / 2).at }] : [];
  });
  const taken = sections.map(({ number, badge }) => {
    const r = badgeRadius(fonts, String(number)) + 1;
    return { minX: badge[0] - r, minY: badge[1] - r, maxX: badge[0] + r, maxY: badge[1] + r };
  });

  const conflicts = data.conflicts.map((c) => ({ ...c, fills: view.fills(c.rings), outlines: view.outlines(c.rings), lines: view.lines(c.lines), points: view.points(c.points) }));
  for (const c of conflicts) {
    if (c.outlines.length + c.fills.length + c.lines.length + c.points.length > 0) visible.layers.add(c.layer);
    fillRuns(page, c.fills, tint(c.color));
  }
  // roads merged by width: one path per line width
  const roads = data.roads.map((road) => ({ ...road, runs: view.lines(road.lines) }));
  const byWidth = new Map<number, Pt[][]>();
  for (const road of roads) {
    const runs = byWidth.get(road.width) ?? [];
    runs.push(...road.runs);
    byWidth.set(road.width, runs);
  }
  for (const [width, runs] of [...byWidth].sort((a, b) => a[0] - b[0])) {
    visible.roads ||= runs.length > 0;
    strokeRuns(page, runs, ROAD_COLOR, width);
  }
  if (view.sheet.role !== "overview") drawRoadNames(page, fonts, roads, taken);

  for (const c of conflicts) {
    strokeRuns(page, c.outlines, c.color, 1);
    strokeRuns(page, c.lines, c.color, 1.6, [4, 2]);
  }
  const otherRoute = view.lines(data.otherRoute);
  visible.otherRoute = otherRoute.length > 0;
  strokeRuns(page, otherRoute, OTHER_ROUTE.color, OTHER_ROUTE.width, OTHER_ROUTE.dash);

  for (const section of sections) {
    visible.sections.add(section.number);
    strokeRuns(page, section.runs, section.color, SECTION_WIDTH);
  }
  for (const c of conflicts) {
    if (c.points.length > 0) page.drawSvgPath(circlesPath(c.points, POINT_RADIUS), { x: 0, y: 0, color: c.color, borderColor: rgb(1, 1, 1), borderWidth: 0.5 });
  }

  if (view.sheet.role === "overview") {
    for (const detail of plan.sheets.filter((s) => s.role === "detail")) {
      const ground = groundBox(detail);
      const [x0, y0] = view.toPage([ground.minX, ground.minY]);
      const [x1, y1] = view.toPage([ground.maxX, ground.maxY]);
      page.drawRectangle({ x: x0, y: y0, width: x1 - x0, height: y1 - y0, borderColor: DETAIL_FRAME_COLOR, borderWidth: 0.8, borderDashArray: [4, 2] });
      page.drawText(`Blatt ${detail.number}`, { x: x0 + 3, y: y1 - 10, size: 7.5, font: fonts.bold.font, color: DETAIL_FRAME_COLOR });
    }
  }
  for (const section of sections) drawBadge(page, fonts, section.badge, String(section.number), section.color);

  page.pushOperators(popGraphicsState());
  page.drawRectangle({ x: FRAME.minX, y: FRAME.minY, width: FRAME_WIDTH, height: FRAME_HEIGHT, borderColor: rgb(0, 0, 0), borderWidth: 0.8 });
  return visible;
}

type Swatch = { kind: "line"; color: RGB; width: number; dash?: number[] } | { kind: "area"; color: RGB } | { kind: "point"; color: RGB } | { kind: "sections"; colors: RGB[] } | { kind: "frame" };

const SWATCH_WIDTH = 22;

function drawSwatch(page: PDFPage, swatch: Swatch, x: number, y: number): void {
  const line = (color: RGB, width: number, dash?: number[], from = x, to = x + SWATCH_WIDTH) =>
    page.drawLine({ start: { x: from, y }, end: { x: to, y }, color, thickness: width, dashArray: dash, lineCap: LineCapStyle.Round });
  switch (swatch.kind) {
    case "line":
      line(swatch.color, swatch.width, swatch.dash);
      break;
    case "area":
      page.drawRectangle({ x, y: y - 4, width: SWATCH_WIDTH, height: 8, color: tint(swatch.color), borderColor: swatch.color, borderWidth: 1 });
      break;
    case "point":
      page.drawCircle({ x: x + SWATCH_WIDTH / 2, y, size: POINT_RADIUS, color: swatch.color });
      break;
    case "sections": {
      const part = SWATCH_WIDTH / swatch.colors.length;
      swatch.colors.forEach((color, i) => line(color, SECTION_WIDTH, undefined, x + i * part + 1.5, x + (i + 1) * part - 1.5));
      break;
    }
    case "frame":
      page.drawRectangle({ x, y: y - 4, width: SWATCH_WIDTH, height: 8, borderColor: DETAIL_FRAME_COLOR, borderWidth: 0.8, borderDashArray: [4, 2] });
      break;
  }
}

const PANEL_TEXT: TextStyle = { face: "regular", size: 7.5, leading: 9.5 };
const PANEL_SMALL: TextStyle = { face: "regular", size: 6.5, leading: 8, color: GREY };

/** "0 – 50 – 100 m": the longest 1/2/5 × 10ⁿ metres that fits `maxPoints`. */
function scaleBarMetres(maxPoints: number, scale: number): number {
  const max = maxPoints * metresPerPoint(scale);
  const magnitude = 10 ** Math.floor(Math.log10(max));
  return [5, 2, 1].map((m) => m * magnitude).find((m) => m <= max) ?? magnitude;
}

/** Scale bar, scale, north arrow, coordinate system and attribution, bottom up; returns the top. */
function drawPanelFooter(page: PDFPage, fonts: Fonts, map: DocumentMap, scale: number): number {
  const width = PAGE_WIDTH - RIGHT - PANEL_X;
  let y = FRAME.minY;
  const bottomUp = (lines: string[], style: TextStyle) => {
    for (const line of [...lines].reverse()) {
      drawLine(page, fonts, line, PANEL_X, y + style.leading, style);
      y += style.leading;
    }
  };
  bottomUp(wrap(fonts.regular, map.attribution, PANEL_SMALL.size, width), PANEL_SMALL);
  y += 4;
  bottomUp(["Koordinaten: ETRS89 / UTM 32N (EPSG:25832)", "Maßstab gilt beim Druck auf DIN A4 ohne Skalierung"], PANEL_SMALL);
  const scaleText: TextStyle = { face: "bold", size: 9, leading: 12 };
  bottomUp([`Maßstab 1:${scale.toLocaleString("de-DE")}`], scaleText);

  // scale bar: two halves, black and white
  const metres = scaleBarMetres(width - 24, scale);
  const barWidth = metres / metresPerPoint(scale);
  const barY = y + 5;
  page.drawRectangle({ x: PANEL_X, y: barY, width: barWidth / 2, height: 4, color: rgb(0, 0, 0), borderColor: rgb(0, 0, 0), borderWidth: 0.5 });
  page.drawRectangle({ x: PANEL_X + barWidth / 2, y: barY, width: barWidth / 2, height: 4, color: rgb(1, 1, 1), borderColor: rgb(0, 0, 0), borderWidth: 0.5 });
  const tick = (value: number, x: number, unit: string) => {
    const text = `${value.toLocaleString("de-DE")}${unit}`;
    const w = textWidth(fonts.regular, value.toLocaleString("de-DE"), PANEL_SMALL.size);
    page.drawText(text, { x: x - w / 2, y: barY + 7, size: PANEL_SMALL.size, font: fonts.regular.font, color: rgb(0, 0, 0) });
  };
  tick(0, PANEL_X, "");
  tick(metres / 2, PANEL_X + barWidth / 2, "");
  tick(metres, PANEL_X + barWidth, " m");
  y = barY + 7 + PANEL_SMALL.size + 6;

  // north arrow to grid north (the y axis of EPSG:25832), within about 2° of true north in Hessen and Rheinland-Pfalz
  const ax = PAGE_WIDTH - RIGHT - 10;
  page.drawSvgPath(`M${num(ax)} ${num(-(y + 26))}L${num(ax + 6)} ${num(-(y + 8))}L${num(ax)} ${num(-(y + 13))}L${num(ax - 6)} ${num(-(y + 8))}Z`, {
    x: 0,
    y: 0,
    color: rgb(0, 0, 0),
  });
  const nWidth = textWidth(fonts.bold, "N", 9);
  page.drawText("N", { x: ax - nWidth / 2, y: y, size: 9, font: fonts.bold.font, color: rgb(0, 0, 0) });
  return y + 30;
}

function drawLegend(page: PDFPage, fonts: Fonts, data: Prepared, visible: Visible, sheet: Sheet, bottom: number): void {
  const labelX = PANEL_X + SWATCH_WIDTH + 6;
  const entry = (swatch: Swatch, label: string) => {
    const lines = wrap(fonts.regular, label, PANEL_TEXT.size, PAGE_WIDTH - RIGHT - labelX);
    return { swatch, lines, height: Math.max(12, lines.length * PANEL_TEXT.leading + 2.5) };
  };
  const shown = data.sections.filter((s) => visible.sections.has(s.number));
  const sectionEntries = shown.map((s) => entry({ kind: "line", color: s.color, width: SECTION_WIDTH }, `Abschnitt ${s.number}`));
  const others: ReturnType<typeof entry>[] = [];
  if (visible.otherRoute) others.push(entry({ kind: "line", ...OTHER_ROUTE }, "Übrige Trasse (andere Wegebaulastträger)"));
  if (visible.roads) others.push(entry({ kind: "line", color: ROAD_COLOR, width: 3 }, "Straßen (Strichstärke nach Straßenklasse)"));
  // one entry per visible layer, named by its first conflict
  const layers = new Set<string>();
  for (const c of data.conflicts) {
    if (layers.has(c.layer) || !visible.layers.has(c.layer)) continue;
    layers.add(c.layer);
    const swatch: Swatch =
      c.rings.length > 0 ? { kind: "area", color: c.color } : c.lines.length > 0 ? { kind: "line", color: c.color, width: 1.6, dash: [4, 2] } : { kind: "point", color: c.color };
    others.push(entry(swatch, c.label));
  }
  if (sheet.role === "overview") others.push(entry({ kind: "frame" }, "Blattschnitt der Detailblätter"));

  let top = FRAME.maxY;
  drawLine(page, fonts, "Legende", PANEL_X, top, { face: "bold", size: 9, leading: 12 });
  top -= 16;
  // too many sections for the panel share one entry: the numbers on the map tell them apart
  const all = [...sectionEntries, ...others];
  const first = shown[0];
  const last = shown[shown.length - 1];
  const entries =
    first && last && shown.length > 1 && top - all.reduce((sum, e) => sum + e.height, 0) < bottom
      ? [entry({ kind: "sections", colors: shown.slice(0, 4).map((s) => s.color) }, `Abschnitte ${first.number}–${last.number} (Nummer am Abschnitt)`), ...others]
      : all;
  for (const { swatch, lines, height } of entries) {
    if (top - height < bottom) break;
    drawSwatch(page, swatch, PANEL_X, top - PANEL_TEXT.leading / 2);
    lines.forEach((line, i) => drawLine(page, fonts, line, labelX, top - i * PANEL_TEXT.leading, PANEL_TEXT));
    top -= height;
  }
}

function drawHeader(page: PDFPage, fonts: Fonts, input: DocumentInput, sheet: Sheet, plan: MapPlan): void {
  const title: TextStyle = { face: "bold", size: 13, leading: 16 };
  const top = PAGE_HEIGHT - 10 * MM;
  drawLine(page, fonts, "Anlage 1 – Lageplan", LEFT, top, title);
  const role = sheet.role === "overview" ? "Übersicht" : sheet.role === "detail" ? `Blatt ${sheet.number} von ${plan.details}` : "";
  const roleStyle: TextStyle = { face: "bold", size: 11, leading: 16 };
  const roleWidth = textWidth(fonts.bold, role, roleStyle.size);
  drawLine(page, fonts, role, PAGE_WIDTH - RIGHT - roleWidth, top, roleStyle);
  const sub: TextStyle = { face: "regular", size: 8, leading: 10, color: GREY };
  const text = truncate(fonts.regular, `Aktenzeichen ${input.fileNumber} · ${subjectLine(input)}`, sub.size, PAGE_WIDTH - LEFT - RIGHT);
  drawLine(page, fonts, text, LEFT, top - title.leading, sub);
}

/** Appends the map pages of the plan. */
export function addMapPages(doc: PDFDocument, fonts: Fonts, input: DocumentInput, map: DocumentMap, plan: MapPlan): void {
  const data = prepareMap(map, fonts);
  for (const sheet of plan.sheets) {
    const page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    drawHeader(page, fonts, input, sheet, plan);
    const visible = drawMapContent(page, fonts, new View(sheet), data, plan);
    const legendBottom = drawPanelFooter(page, fonts, map, sheet.scale) + 8;
    drawLegend(page, fonts, data, visible, sheet, legendBottom);
  }
}
