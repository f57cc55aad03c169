/**
 * The route value (a plain GeoJSON FeatureCollection) and terra-draw's store features, both ways;
 * the edit history; and the geometry of snapping. Pure, so it is tested without a browser.
 */
import { DEFAULT_METHOD } from "~/modules/checks/methods";
import { ELEMENT_TYPES, type ElementType } from "./types";

export const LINE_MODE = "linestring";
export const POINT_MODE = "point";

/** terra-draw's bookkeeping in feature properties, never part of the value. */
const INTERNAL_PROPERTIES = new Set([
  "mode",
  "currentlyDrawing",
  "edited",
  "closingPoint",
  "snappingPoint",
  "coordinatePoint",
  "coordinatePointFeatureId",
  "coordinatePointIds",
  "provisionalCoordinateCount",
  "committedCoordinateCount",
  "selected",
  "selectionPoint",
  "selectionPointFeatureId",
  "midPoint",
  "marker",
  "createdAt",
  "updatedAt",
]);

const isUuid = (id: unknown): id is string => typeof id === "string" && id.length === 36;

/** Decimal places of stored coordinates: 1e-7° is ~1 cm, and terra-draw rejects finer ones. */
export const COORDINATE_PRECISION = 7;
const round = (n: number) => Math.round(n * 1e7) / 1e7;
export const roundPosition = (p: GeoJSON.Position): [number, number] => [round(p[0]!), round(p[1]!)];

function roundGeometry(g: GeoJSON.LineString | GeoJSON.Point): GeoJSON.LineString | GeoJSON.Point {
  return g.type === "Point"
    ? { type: "Point", coordinates: roundPosition(g.coordinates) }
    : { type: "LineString", coordinates: g.coordinates.map(roundPosition) };
}

export interface DrawFeature {
  id: string;
  type: "Feature";
  geometry: GeoJSON.LineString | GeoJSON.Point;
  properties: Record<string, string | number | boolean | null> & { mode: string };
}

export function isElementType(value: unknown): value is ElementType {
  return typeof value === "string" && (ELEMENT_TYPES as readonly string[]).includes(value);
}

/**
 * Value → terra-draw: LineStrings and Points only (a MultiLineString is split into lines), ids
 * kept when they fit terra-draw's id strategy, otherwise new ones.
 */
export function toDrawFeatures(value: GeoJSON.FeatureCollection | null | undefined, newId: () => string): DrawFeature[] {
  const out: DrawFeature[] = [];
  const seen = new Set<string>();
  for (const feature of value?.features ?? []) {
    const geometry = feature.geometry;
    if (!geometry) continue;
    const props = Object.fromEntries(
      Object.entries(feature.properties ?? {}).filter(
        ([k, v]) => !INTERNAL_PROPERTIES.has(k) && (v === null || ["string", "number", "boolean"].includes(typeof v))
      )
    ) as Record<string, string | number | boolean | null>;
    const take = (g: GeoJSON.LineString | GeoJSON.Point, mode: string, keepId: boolean) => {
      const id = keepId && isUuid(feature.id) && !seen.has(feature.id) ? feature.id : newId();
      seen.add(id);
      out.push({ id, type: "Feature", geometry: roundGeometry(g), properties: { ...props, mode } });
    };
    if (geometry.type === "LineString" && geometry.coordinates.length >= 2) take(geometry, LINE_MODE, true);
    else if (geometry.type === "MultiLineString")
      geometry.coordinates.filter((c) => c.length >= 2).forEach((c, i) => take({ type: "LineString", coordinates: c }, LINE_MODE, i === 0));
    else if (geometry.type === "Point") take(geometry, POINT_MODE, true);
  }
  return out;
}

interface StoreFeature {
  id?: string | number;
  geometry: GeoJSON.Geometry;
  properties: Record<string, unknown>;
}

/** A store feature the user drew (not a guidance point, not a line still being drawn). */
export function isRouteFeature(f: StoreFeature): boolean {
  const mode = f.properties.mode;
  if (f.properties.currentlyDrawing) return false;
  if (mode === LINE_MODE) return f.geometry.type === "LineString";
  if (mode === POINT_MODE) return f.geometry.type === "Point";
  return false;
}

/** terra-draw's store → value: lines first (the check numbers sections by line), then points. */
export function fromDrawSnapshot(features: StoreFeature[]): GeoJSON.FeatureCollection {
  const clean = features.filter(isRouteFeature).map(
    (f): GeoJSON.Feature => ({
      type: "Feature",
      id: f.id,
      geometry: roundGeometry(f.geometry as GeoJSON.LineString | GeoJSON.Point),
      properties: Object.fromEntries(Object.entries(f.properties).filter(([k, v]) => !INTERNAL_PROPERTIES.has(k) && v !== undefined)),
    })
  );
  const lines = clean.filter((f) => f.geometry.type === "LineString");
  const points = clean.filter((f) => f.geometry.type === "Point");
  return { type: "FeatureCollection", features: [...lines, ...points] };
}

/** Properties of a newly drawn feature. */
export function newLineProperties(): Record<string, string> {
  return { method: DEFAULT_METHOD };
}

export function emptyRoute(): GeoJSON.FeatureCollection {
  return { type: "FeatureCollection", features: [] };
}

/** The route's lines only: what POST /api/v1/checks accepts. */
export function routeLines(value: GeoJSON.FeatureCollection): GeoJSON.FeatureCollection {
  return {
    type: "FeatureCollection",
    features: value.features.filter((f) => f.geometry?.type === "LineString" || f.geometry?.type === "MultiLineString"),
  };
}

// ---------------------------------------------------------------------------------------------
// Edit history: whole FeatureCollections, so undo also restores deleted features and properties
// ---------------------------------------------------------------------------------------------

export class EditHistory {
  private undoStack: string[] = [];
  private redoStack: string[] = [];
  private currentKey: string;

  constructor(initial: GeoJSON.FeatureCollection, private readonly maxSize = 100) {
    this.currentKey = JSON.stringify(initial);
  }

  get current(): GeoJSON.FeatureCollection {
    return JSON.parse(this.currentKey) as GeoJSON.FeatureCollection;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  isCurrent(value: GeoJSON.FeatureCollection): boolean {
    return JSON.stringify(value) === this.currentKey;
  }

  /** Records a new state; false when nothing changed. */
  commit(value: GeoJSON.FeatureCollection): boolean {
    const key = JSON.stringify(value);
    if (key === this.currentKey) return false;
    this.undoStack.push(this.currentKey);
    if (this.undoStack.length > this.maxSize) this.undoStack.shift();
    this.redoStack = [];
    this.currentKey = key;
    return true;
  }

  undo(): GeoJSON.FeatureCollection | null {
    const previous = this.undoStack.pop();
    if (previous === undefined) return null;
    this.redoStack.push(this.currentKey);
    this.currentKey = previous;
    return this.current;
  }

  redo(): GeoJSON.FeatureCollection | null {
    const next = this.redoStack.pop();
    if (next === undefined) return null;
    this.undoStack.push(this.currentKey);
    this.currentKey = next;
    return this.current;
  }
}

// ---------------------------------------------------------------------------------------------
// Snapping: the nearest point on rendered lines, in screen pixels
// ---------------------------------------------------------------------------------------------

export interface Pixel {
  x: number;
  y: number;
}

function nearestOnSegment(p: Pixel, a: Pixel, b: Pixel): { point: Pixel; distance: number } {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const l2 = dx * dx + dy * dy;
  const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2));
  const point = { x: a.x + t * dx, y: a.y + t * dy };
  return { point, distance: Math.hypot(p.x - point.x, p.y - point.y) };
}

/**
 * The nearest point to `p` on any of the lines (given in lon/lat, projected with `project`),
 * if it is within `maxPx`. Vertices win over segment interiors when equally near, so a click
 * at a junction lands on the junction.
 */
export function snapToLines(
  p: Pixel,
  lines: GeoJSON.Position[][],
  project: (lngLat: [number, number]) => Pixel,
  maxPx: number
): { point: Pixel; distance: number } | null {
  let best: { point: Pixel; distance: number } | null = null;
  const vertexBonus = 2; // px: junctions attract a little more
  for (const line of lines) {
    const px = line.map((c) => project([c[0]!, c[1]!]));
    for (let i = 0; i < px.length; i++) {
      const v = px[i]!;
      const d = Math.hypot(p.x - v.x, p.y - v.y) - vertexBonus;
      if (d <= maxPx && (!best || d < best.distance)) best = { point: v, distance: Math.max(0, d) };
      if (i + 1 < px.length) {
        const hit = nearestOnSegment(p, v, px[i + 1]!);
        if (hit.distance <= maxPx && (!best || hit.distance < best.distance)) best = hit;
      }
    }
  }
  return best;
}

/** The line strings of a (tile-clipped) rendered geometry. */
export function linesOf(geometry: GeoJSON.Geometry): GeoJSON.Position[][] {
  switch (geometry.type) {
    case "LineString":
      return [geometry.coordinates];
    case "MultiLineString":
    case "Polygon":
      return geometry.coordinates;
    case "MultiPolygon":
      return geometry.coordinates.flat();
    case "GeometryCollection":
      return geometry.geometries.flatMap(linesOf);
    default:
      return [];
  }
}
