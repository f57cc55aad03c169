/**
 * The check report drawn on the map: sections coloured by road authority, conflicts by severity,
 * crossings as markers, parts off public roads dashed grey. Pure functions: report in, GeoJSON
 * and style layers out.
 */
import type { LayerSpecification } from "maplibre-gl";
import type { CheckReport, Severity } from "~/modules/checks/report";
import type { ReportFocusKind } from "./types";

export const SEVERITY_COLOURS: Record<Severity, string> = {
  blocking: "#c8102e",
  permit_required: "#f07c00",
  warning: "#f2c500",
  hint: "#2a7de1",
};

/** Distinct, colour-blind-friendly-ish hues that read on a light map and are not our road colours. */
/**
 * Distinct hues that read on a light map and stay clear of the route (dark blue), the road
 * classes and the severities.
 */
export const AUTHORITY_PALETTE = [
  "#1b9e77",
  "#c51b7d",
  "#6a3d9a",
  "#8c510a",
  "#17becf",
  "#7a8b00",
  "#e7298a",
  "#4d4d9f",
  "#1a7f37",
  "#d6604d",
  "#b8860b",
  "#8073ac",
];
export const NO_AUTHORITY_COLOUR = "#8a8f96";

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A colour per authority that stays the same from check to check (hash of the id); two
 * authorities of one report never share one (the later id, in sorted order, moves on).
 */
export function authorityColours(report: CheckReport | null | undefined): Map<string, { name: string; colour: string }> {
  const authorities = new Map<string, string>();
  for (const s of report?.sections ?? []) if (s.authority) authorities.set(s.authority.id, s.authority.name);
  const taken = new Set<number>();
  const out = new Map<string, { name: string; colour: string }>();
  for (const id of [...authorities.keys()].sort()) {
    let slot = hash(id) % AUTHORITY_PALETTE.length;
    for (let n = 0; n < AUTHORITY_PALETTE.length && taken.has(slot); n++) slot = (slot + 1) % AUTHORITY_PALETTE.length;
    taken.add(slot);
    out.set(id, { name: authorities.get(id)!, colour: AUTHORITY_PALETTE[slot]! });
  }
  return out;
}

type Geometry = GeoJSON.Geometry;
const fc = (features: GeoJSON.Feature[]): GeoJSON.FeatureCollection => ({ type: "FeatureCollection", features });

export interface ReportGeoJSON {
  sections: GeoJSON.FeatureCollection;
  offRoad: GeoJSON.FeatureCollection;
  conflicts: GeoJSON.FeatureCollection;
  crossings: GeoJSON.FeatureCollection;
}

/** Properties carry the index into the report, so a click finds its item again. */
export function reportToGeoJSON(report: CheckReport | null | undefined, highlightAuthorityId: string | null = null): ReportGeoJSON {
  if (!report) return { sections: fc([]), offRoad: fc([]), conflicts: fc([]), crossings: fc([]) };
  const colours = authorityColours(report);
  return {
    sections: fc(
      report.sections.map((s, index) => ({
        type: "Feature",
        geometry: s.geometry as Geometry,
        properties: {
          index,
          colour: (s.authority && colours.get(s.authority.id)?.colour) ?? NO_AUTHORITY_COLOUR,
          dim: highlightAuthorityId !== null && s.authority?.id !== highlightAuthorityId,
        },
      }))
    ),
    offRoad: fc(report.offRoad.map((o, index) => ({ type: "Feature", geometry: o.geometry as Geometry, properties: { index } }))),
    conflicts: fc(
      report.conflicts.map((c, index) => ({
        type: "Feature",
        geometry: c.geometry as Geometry,
        properties: { index, colour: SEVERITY_COLOURS[c.severity] ?? SEVERITY_COLOURS.hint },
      }))
    ),
    crossings: fc(
      report.crossings.map((c, index) => ({ type: "Feature", geometry: c.point as Geometry, properties: { index, kind: c.kind } }))
    ),
  };
}

export const REPORT_SOURCES = {
  sections: "bp-report-sections",
  offRoad: "bp-report-offroad",
  conflicts: "bp-report-conflicts",
  crossings: "bp-report-crossings",
  focus: "bp-report-focus",
} as const;

const polygon = ["in", ["geometry-type"], ["literal", ["Polygon", "MultiPolygon"]]] as const;
const line = ["in", ["geometry-type"], ["literal", ["LineString", "MultiLineString"]]] as const;
const point = ["in", ["geometry-type"], ["literal", ["Point", "MultiPoint"]]] as const;

/** Report layers, bottom to top; clickable ones are listed in REPORT_CLICK_LAYERS. */
export function reportLayers(): LayerSpecification[] {
  const width = ["interpolate", ["exponential", 1.5], ["zoom"], 10, 5, 15, 11, 18, 22] as const;
  return [
    {
      id: "report-conflicts-fill",
      type: "fill",
      source: REPORT_SOURCES.conflicts,
      filter: polygon as never,
      paint: { "fill-color": ["get", "colour"], "fill-opacity": 0.15 },
    },
    {
      id: "report-conflicts-outline",
      type: "line",
      source: REPORT_SOURCES.conflicts,
      filter: polygon as never,
      paint: { "line-color": ["get", "colour"], "line-width": 2 },
    },
    {
      id: "report-sections",
      type: "line",
      source: REPORT_SOURCES.sections,
      layout: { "line-cap": "round", "line-join": "round" },
      paint: { "line-color": ["get", "colour"], "line-width": width as never, "line-opacity": ["case", ["get", "dim"], 0.3, 0.8] as never },
    },
    {
      id: "report-offroad",
      type: "line",
      source: REPORT_SOURCES.offRoad,
      layout: { "line-cap": "butt", "line-join": "round" },
      paint: { "line-color": "#6f747b", "line-width": width as never, "line-dasharray": [1, 0.7], "line-opacity": 0.85 },
    },
    {
      id: "report-conflicts-line",
      type: "line",
      source: REPORT_SOURCES.conflicts,
      filter: line as never,
      layout: { "line-cap": "round" },
      paint: { "line-color": ["get", "colour"], "line-width": 5, "line-opacity": 0.85 },
    },
    {
      id: "report-conflicts-point",
      type: "circle",
      source: REPORT_SOURCES.conflicts,
      filter: point as never,
      paint: { "circle-color": ["get", "colour"], "circle-radius": 7, "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 },
    },
    {
      id: "report-crossings",
      type: "circle",
      source: REPORT_SOURCES.crossings,
      paint: {
        "circle-color": "#ffffff",
        "circle-radius": 7,
        "circle-stroke-width": 3,
        "circle-stroke-color": ["match", ["get", "kind"], "railway", "#c8102e", "watercourse", "#1f78c8", "#1d2034"],
      },
    },
    {
      id: "report-focus-line",
      type: "line",
      source: REPORT_SOURCES.focus,
      filter: ["!", point as never],
      paint: { "line-color": "#1d2034", "line-width": 26, "line-opacity": 0.35, "line-blur": 3 },
    },
    {
      id: "report-focus-point",
      type: "circle",
      source: REPORT_SOURCES.focus,
      filter: point as never,
      paint: { "circle-color": "rgba(0,0,0,0)", "circle-radius": 16, "circle-stroke-color": "#1d2034", "circle-stroke-width": 4, "circle-stroke-opacity": 0.6 },
    },
  ];
}

export const REPORT_CLICK_LAYERS: Record<string, ReportFocusKind> = {
  "report-crossings": "crossing",
  "report-conflicts-point": "conflict",
  "report-conflicts-line": "conflict",
  "report-conflicts-fill": "conflict",
  "report-sections": "section",
  "report-offroad": "offRoad",
};

export function focusGeometry(
  report: CheckReport | null | undefined,
  focus: { kind: ReportFocusKind; index: number } | null | undefined
): Geometry | null {
  if (!report || !focus) return null;
  const item =
    focus.kind === "section"
      ? report.sections[focus.index]?.geometry
      : focus.kind === "conflict"
      ? report.conflicts[focus.index]?.geometry
      : focus.kind === "crossing"
      ? report.crossings[focus.index]?.point
      : report.offRoad[focus.index]?.geometry;
  return (item as Geometry | undefined) ?? null;
}

/** [minLon, minLat, maxLon, maxLat] of any GeoJSON geometry; null when it has no positions. */
export function bboxOf(geometry: Geometry | null): [number, number, number, number] | null {
  if (!geometry) return null;
  const box = [Infinity, Infinity, -Infinity, -Infinity] as [number, number, number, number];
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === "number" && typeof c[1] === "number") {
      box[0] = Math.min(box[0], c[0]);
      box[1] = Math.min(box[1], c[1]);
      box[2] = Math.max(box[2], c[0]);
      box[3] = Math.max(box[3], c[1]);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  const coordinatesOf = (g: Geometry): unknown => (g.type === "GeometryCollection" ? g.geometries.map(coordinatesOf) : g.coordinates);
  visit(coordinatesOf(geometry));
  return Number.isFinite(box[0]) ? box : null;
}
