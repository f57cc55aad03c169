/**
 * The demo region "Landkreis Auenwald": a fictional Kreis in Hessen with five Gemeinden, their
 * road authorities, a road network of every class and features on every conflict layer, placed
 * so that routes along its streets meet realistic conflicts.
 *
 * Pure and deterministic: seeded PRNG streams, no clock, no I/O. The same call always yields the
 * same rows, which is what lets the seed be re-run by natural keys. Coordinates are EPSG:25832
 * metres (ETRS89 / UTM 32N), rounded to centimetres.
 */
import type { AuthorityLevel, OrganisationKind, StateCode } from "~/modules/auth/roles";
import { CONFLICT_LAYER_INFO, CONFLICT_LAYER_KEYS, type ConflictLayerKey } from "~/modules/layers/keys";
import type { RoadClass } from "~/modules/roads/classes";
import { mulberry32, shuffled, type Rng } from "~/utils/prng";

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export type Position = [number, number];
export interface PointGeometry {
  type: "Point";
  coordinates: Position;
}
export interface LineStringGeometry {
  type: "LineString";
  coordinates: Position[];
}
export interface PolygonGeometry {
  type: "Polygon";
  coordinates: Position[][];
}
export type DemoGeometry = PointGeometry | LineStringGeometry | PolygonGeometry;

export interface Letterhead {
  street: string;
  postcode: string;
  city: string;
  website: string;
}

export interface DemoOrganisation {
  slug: string;
  kind: OrganisationKind;
  name: string;
  authorityLevel: AuthorityLevel | null;
  state: StateCode | null;
  ags: string | null;
  email: string;
  phone: string;
  letterhead: Letterhead;
  /** consulted bodies: their field (nature, water, heritage, traffic) */
  consultedTopic?: "nature" | "water" | "heritage" | "traffic";
}

export interface DemoAdminArea {
  level: "land" | "kreis" | "gemeinde";
  ags: string;
  ars: string;
  name: string;
  state: StateCode;
  parentAgs: string | null;
  population: number;
  households: number;
  geom: PolygonGeometry;
}

/** A Gemeinde's main settlement; its built-up core decides what is an Ortsdurchfahrt. */
export interface DemoTown {
  key: string;
  name: string;
  ags: string;
  centre: Position;
  core: PolygonGeometry;
}

export interface DemoRoad {
  externalId: string;
  name: string | null;
  ref: string | null;
  roadClass: RoadClass;
  ortsdurchfahrt: boolean;
  surface: string;
  bridge: boolean;
  tunnel: boolean;
  /** ISO date */
  resurfacedOn: string | null;
  geom: LineStringGeometry;
}

export interface DemoConflictLayer {
  key: ConflictLayerKey;
  name: string;
  description: string;
  source: string;
  attribution: string;
}

export type JsonValue = string | number | boolean | null;

export interface DemoConflictFeature {
  layerKey: ConflictLayerKey;
  externalId: string;
  name: string;
  attributes: Record<string, JsonValue>;
  geom: DemoGeometry;
}

export interface DemoRegion {
  organisations: DemoOrganisation[];
  adminAreas: DemoAdminArea[];
  towns: DemoTown[];
  roads: DemoRoad[];
  conflictLayers: DemoConflictLayer[];
  conflictFeatures: DemoConflictFeature[];
}

/** `source` of every generated road and conflict feature: the seed's natural key. */
export const DEMO_SOURCE = "demo";

// ---------------------------------------------------------------------------------------------
// Road authorities
// ---------------------------------------------------------------------------------------------

export const AUTOBAHN_SLUG = "autobahn-gmbh-west";
export const LAND_AGENCY_SLUG = "hessen-mobil";
export const KREIS_SLUG = "kreis-auenwald";

// ---------------------------------------------------------------------------------------------
// Seeded randomness
// ---------------------------------------------------------------------------------------------

function rngFor(key: string): Rng {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return mulberry32(h ^ 0x5eed2026);
}

const between = (rng: Rng, min: number, max: number) => min + (max - min) * rng();

// ---------------------------------------------------------------------------------------------
// Planar geometry (metres)
// ---------------------------------------------------------------------------------------------

type Pt = Position;
type Line = Pt[];
type Ring = Pt[]; // closed: first point repeated at the end

const deg = Math.PI / 180;
const dist = (a: Pt, b: Pt) => Math.hypot(b[0] - a[0], b[1] - a[1]);
const lerp = (a: Pt, b: Pt, t: number): Pt => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
const cross = (a: Pt, b: Pt) => a[0] * b[1] - a[1] * b[0];

function cumulative(line: Line): number[] {
  const cum = [0];
  for (let i = 1; i < line.length; i++) cum.push(cum[i - 1]! + dist(line[i - 1]!, line[i]!));
  return cum;
}

const lineLength = (line: Line) => cumulative(line).at(-1)!;

/** Index of the segment that holds distance s. */
function segmentAt(cum: number[], s: number): number {
  let lo = 0;
  let hi = cum.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cum[mid]! <= s) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function pointAt(line: Line, s: number, cum = cumulative(line)): Pt {
  const i = segmentAt(cum, Math.max(0, Math.min(s, cum.at(-1)!)));
  const a = line[i]!;
  const b = line[i + 1]!;
  const seg = cum[i + 1]! - cum[i]!;
  return seg === 0 ? a : lerp(a, b, (s - cum[i]!) / seg);
}

/** Unit direction of the line at distance s. */
function directionAt(line: Line, s: number, cum = cumulative(line)): Pt {
  const i = segmentAt(cum, Math.max(0, Math.min(s, cum.at(-1)!)));
  const a = line[i]!;
  const b = line[i + 1]!;
  const d = dist(a, b) || 1;
  return [(b[0] - a[0]) / d, (b[1] - a[1]) / d];
}

function substring(line: Line, s0: number, s1: number, cum = cumulative(line)): Line {
  const out: Line = [pointAt(line, s0, cum)];
  for (let i = 1; i < line.length - 1; i++) if (cum[i]! > s0 && cum[i]! < s1) out.push(line[i]!);
  out.push(pointAt(line, s1, cum));
  return out;
}

function projectOnSegment(p: Pt, a: Pt, b: Pt): { t: number; d: number } {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const l2 = dx * dx + dy * dy;
  const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2));
  return { t, d: dist(p, lerp(a, b, t)) };
}

/** Distance along the line of the point nearest to p. */
function locate(line: Line, p: Pt): number {
  const cum = cumulative(line);
  let best = { d: Infinity, s: 0 };
  for (let i = 0; i < line.length - 1; i++) {
    const { t, d } = projectOnSegment(p, line[i]!, line[i + 1]!);
    if (d < best.d) best = { d, s: cum[i]! + t * (cum[i + 1]! - cum[i]!) };
  }
  return best.s;
}

function distanceToLine(p: Pt, line: Line): number {
  let best = Infinity;
  for (let i = 0; i < line.length - 1; i++) best = Math.min(best, projectOnSegment(p, line[i]!, line[i + 1]!).d);
  return best;
}

/** The line shifted sideways by d metres (positive: to the left). Fine for gentle curves. */
function offsetLine(line: Line, d: number): Line {
  return line.map((p, i) => {
    const a = line[Math.max(0, i - 1)]!;
    const b = line[Math.min(line.length - 1, i + 1)]!;
    const l = dist(a, b) || 1;
    return [p[0] - ((b[1] - a[1]) / l) * d, p[1] + ((b[0] - a[0]) / l) * d];
  });
}

function pointInRing(p: Pt, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

interface BBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

function bbox(line: Line, pad = 0): BBox {
  const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const [x, y] of line) {
    box.minX = Math.min(box.minX, x - pad);
    box.minY = Math.min(box.minY, y - pad);
    box.maxX = Math.max(box.maxX, x + pad);
    box.maxY = Math.max(box.maxY, y + pad);
  }
  return box;
}

const boxesOverlap = (a: BBox, b: BBox) =>
  a.minX <= b.maxX && b.minX <= a.maxX && a.minY <= b.maxY && b.minY <= a.maxY;

interface Crossing {
  /** distance along the first line */
  s: number;
  /** distance along the other line */
  o: number;
  /** sine of the crossing angle */
  sin: number;
}

/** Where two lines cross or touch, including at endpoints and shared vertices. */
function crossings(line: Line, other: Line): Crossing[] {
  const boxA = bbox(line, 1e-6);
  const boxB = bbox(other, 1e-6);
  if (!boxesOverlap(boxA, boxB)) return [];
  // only segments inside the other line's box can cross it
  const candidates = (l: Line, box: BBox) => {
    const out: { i: number; box: BBox }[] = [];
    for (let i = 0; i < l.length - 1; i++) {
      const seg = bbox([l[i]!, l[i + 1]!], 1e-6);
      if (boxesOverlap(seg, box)) out.push({ i, box: seg });
    }
    return out;
  };
  const segsA = candidates(line, boxB);
  const segsB = candidates(other, boxA);
  if (segsA.length === 0 || segsB.length === 0) return [];
  const cumA = cumulative(line);
  const cumB = cumulative(other);
  const eps = 1e-9;
  const found: Crossing[] = [];
  for (const { i, box } of segsA) {
    const p = line[i]!;
    const r: Pt = [line[i + 1]![0] - p[0], line[i + 1]![1] - p[1]];
    for (const { i: j, box: boxJ } of segsB) {
      if (!boxesOverlap(box, boxJ)) continue;
      const q = other[j]!;
      const s: Pt = [other[j + 1]![0] - q[0], other[j + 1]![1] - q[1]];
      const denom = cross(r, s);
      const lr = Math.hypot(...r);
      const ls = Math.hypot(...s);
      if (Math.abs(denom) < 1e-12 * lr * ls) continue; // parallel
      const qp: Pt = [q[0] - p[0], q[1] - p[1]];
      const t = cross(qp, s) / denom;
      const u = cross(qp, r) / denom;
      if (t < -eps || t > 1 + eps || u < -eps || u > 1 + eps) continue;
      const sA = cumA[i]! + Math.max(0, Math.min(1, t)) * lr;
      if (found.some((c) => Math.abs(c.s - sA) < 1e-6)) continue; // a shared vertex, seen twice
      found.push({ s: sA, o: cumB[j]! + Math.max(0, Math.min(1, u)) * ls, sin: Math.abs(denom) / (lr * ls) });
    }
  }
  return found.sort((a, b) => a.s - b.s);
}

/**
 * A smooth line through the control points (centripetal Catmull-Rom), sampled about every
 * `step` metres. Control points are kept exactly, so lines sharing one meet there.
 */
function smooth(ctrl: Line, step: number): Line {
  const n = ctrl.length;
  const pts = [lerp(ctrl[0]!, ctrl[1]!, -1), ...ctrl, lerp(ctrl[n - 1]!, ctrl[n - 2]!, -1)];
  const out: Line = [];
  for (let i = 1; i < n; i++) {
    const [p0, p1, p2, p3] = [pts[i - 1]!, pts[i]!, pts[i + 1]!, pts[i + 2]!];
    out.push(p1);
    const t1 = Math.sqrt(dist(p0, p1));
    const t2 = t1 + Math.sqrt(dist(p1, p2));
    const t3 = t2 + Math.sqrt(dist(p2, p3));
    const samples = Math.max(1, Math.ceil(dist(p1, p2) / step));
    for (let k = 1; k < samples; k++) {
      const t = t1 + ((t2 - t1) * k) / samples;
      const a1 = lerp(p0, p1, t / t1);
      const a2 = lerp(p1, p2, (t - t1) / (t2 - t1));
      const a3 = lerp(p2, p3, (t - t2) / (t3 - t2));
      const b1 = lerp(a1, a2, t / t2);
      const b2 = lerp(a2, a3, (t - t1) / (t3 - t1));
      out.push(lerp(b1, b2, (t - t1) / (t2 - t1)));
    }
  }
  out.push(ctrl[n - 1]!);
  return out;
}

/** A smooth irregular ellipse; star-shaped around its centre, hence always a simple polygon. */
function blob(rng: Rng, centre: Pt, rx: number, ry: number, rotationDeg: number, amp = 0.08, n = 40): Ring {
  const waves = [2, 3, 5].map((k) => ({ k, phase: between(rng, 0, 2 * Math.PI), a: amp * between(rng, 0.4, 1) / 1.8 }));
  const rot = rotationDeg * deg;
  const ring: Ring = [];
  for (let i = 0; i < n; i++) {
    const th = (2 * Math.PI * i) / n;
    const f = 1 + waves.reduce((sum, w) => sum + w.a * Math.sin(w.k * th + w.phase), 0);
    const x = rx * f * Math.cos(th);
    const y = ry * f * Math.sin(th);
    ring.push([centre[0] + x * Math.cos(rot) - y * Math.sin(rot), centre[1] + x * Math.sin(rot) + y * Math.cos(rot)]);
  }
  ring.push(ring[0]!);
  return ring;
}

/** A band polygon along a line: d metres to the left, e metres to the right. */
function band(line: Line, left: number, right: number): Ring {
  const ring = [...offsetLine(line, left), ...offsetLine(line, -right).reverse()];
  ring.push(ring[0]!);
  return ring;
}

const round = (v: number) => Math.round(v * 100) / 100;
const roundPt = (p: Pt): Position => [round(p[0]), round(p[1])];

function toLineString(line: Line): LineStringGeometry {
  const coordinates: Position[] = [];
  for (const p of line.map(roundPt)) {
    const last = coordinates.at(-1);
    if (!last || last[0] !== p[0] || last[1] !== p[1]) coordinates.push(p);
  }
  return { type: "LineString", coordinates };
}

const toPolygon = (ring: Ring): PolygonGeometry => ({ type: "Polygon", coordinates: [ring.map(roundPt)] });
const toPoint = (p: Pt): PointGeometry => ({ type: "Point", coordinates: roundPt(p) });

// ---------------------------------------------------------------------------------------------
// Kreis, Gemeinden, towns
// ---------------------------------------------------------------------------------------------

type TownKey = "auenstadt" | "erlengrund" | "hohenwarte" | "lindenhain" | "wiesental";

interface TownDef {
  key: TownKey;
  ags: string;
  name: string;
  authorityName: string;
  population: number;
  /** persons per household: lower in the town, higher in villages */
  householdSize: number;
  centre: Pt;
  coreRadii: [number, number];
  /** orientation of the street grid, chosen to cross the through roads at a healthy angle */
  gridAngle: number;
  gridSpacing: number;
  /** the Gemeinde's sector of the Kreis, in degrees around the Kreis centre (Auenstadt: the middle) */
  sector: [number, number] | null;
  postcode: string;
  townHall: string;
  domain: string;
}

const TOWNS: readonly TownDef[] = [
  {
    key: "auenstadt",
    ags: "06999001",
    name: "Auenstadt",
    authorityName: "Stadt Auenstadt",
    population: 52_340,
    householdSize: 2.02,
    centre: [532400, 5610100],
    coreRadii: [1650, 1350],
    gridAngle: 35,
    gridSpacing: 150,
    sector: null,
    postcode: "36990",
    townHall: "Marktplatz 1",
    domain: "auenstadt.example",
  },
  {
    key: "erlengrund",
    ags: "06999002",
    name: "Erlengrund",
    authorityName: "Gemeinde Erlengrund",
    population: 4_280,
    householdSize: 2.31,
    centre: [539300, 5607500],
    coreRadii: [520, 440],
    gridAngle: 10,
    gridSpacing: 115,
    sector: [290, 380],
    postcode: "36992",
    townHall: "Kirchstraße 2",
    domain: "erlengrund.example",
  },
  {
    key: "hohenwarte",
    ags: "06999003",
    name: "Hohenwarte",
    authorityName: "Gemeinde Hohenwarte",
    population: 6_150,
    householdSize: 2.26,
    centre: [529300, 5604700],
    coreRadii: [650, 560],
    gridAngle: 100,
    gridSpacing: 125,
    sector: [200, 290],
    postcode: "36994",
    townHall: "Rathausplatz 1",
    domain: "hohenwarte.example",
  },
  {
    key: "lindenhain",
    ags: "06999004",
    name: "Lindenhain",
    authorityName: "Gemeinde Lindenhain",
    population: 14_870,
    householdSize: 2.14,
    centre: [535600, 5615400],
    coreRadii: [950, 780],
    gridAngle: 25,
    gridSpacing: 135,
    sector: [20, 112],
    postcode: "36996",
    townHall: "Am Rathaus 4",
    domain: "lindenhain.example",
  },
  {
    key: "wiesental",
    ags: "06999005",
    name: "Wiesental",
    authorityName: "Gemeinde Wiesental",
    population: 9_620,
    householdSize: 2.2,
    centre: [525600, 5612300],
    coreRadii: [780, 680],
    gridAngle: 30,
    gridSpacing: 130,
    sector: [112, 200],
    postcode: "36998",
    townHall: "Hauptstraße 31",
    domain: "wiesental.example",
  },
];

const townSlug = (t: TownDef) => (t.key === "auenstadt" ? "stadt-auenstadt" : `gemeinde-${t.key}`);
const townOf = (key: TownKey) => TOWNS.find((t) => t.key === key)!;

const KREIS = { ags: "06999", name: "Landkreis Auenwald", centre: [532400, 5610100] as Pt, rx: 11300, ry: 8900 };

/**
 * Kreis and Gemeinden in polar form around the Kreis centre (scaled to an ellipse): the outer
 * ring is the Kreis, an inner ring is Auenstadt, and four jittered radial lines cut the annulus
 * into the other Gemeinden. Neighbours share the very same vertices: no gaps, no overlaps.
 */
interface Partition {
  kreis: Ring;
  gemeinden: Map<TownKey, Ring>;
}

function partitionKreis(): Partition {
  const rng = rngFor("kreis-boundary");
  const outerWaves = [
    { k: 2, a: 0.05 },
    { k: 5, a: 0.03 },
    { k: 11, a: 0.015 },
  ].map((w) => ({ ...w, phase: between(rng, 0, 2 * Math.PI) }));
  const innerWaves = [
    { k: 3, a: 0.02 },
    { k: 7, a: 0.01 },
  ].map((w) => ({ ...w, phase: between(rng, 0, 2 * Math.PI) }));
  const radius = (waves: typeof outerWaves, base: number, th: number) =>
    base + waves.reduce((sum, w) => sum + w.a * Math.sin(w.k * th + w.phase), 0);
  const at = (rho: number, th: number): Pt => [
    KREIS.centre[0] + KREIS.rx * rho * Math.cos(th),
    KREIS.centre[1] + KREIS.ry * rho * Math.sin(th),
  ];

  const splits = TOWNS.flatMap((t) => (t.sector ? [t.sector[0] % 360] : [])).sort((a, b) => a - b);
  const sampleAngles = (n: number) =>
    [...new Set([...Array.from({ length: n }, (_, i) => (360 * i) / n), ...splits])].sort((a, b) => a - b);
  const outer = new Map(sampleAngles(120).map((a) => [a, at(radius(outerWaves, 1, a * deg), a * deg)] as const));
  const inner = new Map(sampleAngles(48).map((a) => [a, at(radius(innerWaves, 0.31, a * deg), a * deg)] as const));

  // radial boundary from the inner to the outer ring, wandering a little
  const radials = new Map<number, Line>();
  for (const a of splits) {
    const th = a * deg;
    const r0 = radius(innerWaves, 0.31, th);
    const r1 = radius(outerWaves, 1, th);
    const steps = 10;
    const line: Line = [inner.get(a)!];
    for (let j = 1; j < steps; j++) line.push(at(r0 + ((r1 - r0) * j) / steps, th + between(rng, -0.03, 0.03)));
    line.push(outer.get(a)!);
    radials.set(a, line);
  }

  const arc = (ring: Map<number, Pt>, from: number, to: number) => {
    // counter-clockwise from `from` to `to` (degrees, to may exceed 360)
    const out: Pt[] = [];
    for (const [a, p] of ring) if (a >= from && a <= to) out.push(p);
    for (const [a, p] of ring) if (a + 360 >= from && a + 360 <= to) out.push(p);
    return out;
  };

  const close = (ring: Pt[]): Ring => [...ring, ring[0]!];
  const gemeinden = new Map<TownKey, Ring>();
  gemeinden.set("auenstadt", close([...inner.values()]));
  for (const town of TOWNS) {
    if (!town.sector) continue;
    const [from, to] = town.sector;
    const outerArc = arc(outer, from, to); // from → to along the Kreis boundary
    const innerArc = arc(inner, from, to).reverse(); // back along Auenstadt's boundary
    const down = radials.get(to % 360)!.slice(1, -1).reverse();
    const up = radials.get(from % 360)!.slice(1, -1);
    gemeinden.set(town.key, close([...outerArc, ...down, ...innerArc, ...up]));
  }
  return { kreis: close([...outer.values()]), gemeinden };
}

/** A rough outline of Hessen: enough for "inside the portal's area" and the state map. */
const HESSEN_OUTLINE: Ring = [
  [531000, 5724000],
  [507000, 5706000],
  [465000, 5661700],
  [426600, 5606200],
  [442800, 5544800],
  [460200, 5494500],
  [496400, 5477700],
  [500000, 5538900],
  [542900, 5561400],
  [587700, 5610000],
  [578600, 5640000],
  [562500, 5689500],
  [531000, 5724000],
];

function coreRing(town: TownDef): Ring {
  return blob(rngFor(`core-${town.key}`), town.centre, town.coreRadii[0], town.coreRadii[1], town.gridAngle, 0.12, 36);
}

/** The old town of Auenstadt: paving stones, Baudenkmäler, and a Bodendenkmal over all of it. */
const OLD_TOWN: Ring = blob(rngFor("old-town"), [532250, 5610000], 380, 300, 20, 0.1, 28);

// ---------------------------------------------------------------------------------------------
// Water and rail
// ---------------------------------------------------------------------------------------------

const AUE = smooth(
  [
    [519500, 5603800],
    [522500, 5604700],
    [525500, 5605900],
    [528300, 5607500],
    [530600, 5608900],
    [532000, 5609700],
    [533300, 5610300],
    [534500, 5611500],
    [535300, 5613000],
    [535600, 5614500],
    [536800, 5615300],
    [538500, 5615700],
    [541500, 5617200],
    [545500, 5618800],
  ],
  40,
);

/** A stream that flows into the Aue, ending exactly on it. */
function tributary(ctrl: Line): Line {
  const mouth = pointAt(AUE, locate(AUE, ctrl.at(-1)!));
  return smooth([...ctrl.slice(0, -1), mouth], 30);
}

const MUEHLBACH = tributary([
  [525900, 5615000],
  [526000, 5613400],
  [526100, 5612100],
  [526600, 5610800],
  [527600, 5609700],
  [529100, 5608600],
  [529800, 5608420],
]);

const ERLENBACH = tributary([
  [543600, 5603600],
  [541200, 5604300],
  [539700, 5605200],
  [538200, 5606100],
  [537300, 5607600],
  [536200, 5609300],
  [535200, 5610800],
  [534700, 5611900],
]);

const RAILWAY = smooth(
  [
    [519500, 5603000],
    [522800, 5603900],
    [526000, 5605200],
    [528800, 5606900],
    [531000, 5608400],
    [532700, 5609300],
    [534400, 5610200],
    [535600, 5611600],
    [536300, 5613000],
    [536900, 5614200],
    [538800, 5615300],
    [541800, 5616600],
    [545500, 5618000],
  ],
  50,
);
const RAILWAY_NAME = "Auetalbahn";

// ---------------------------------------------------------------------------------------------
// Road drafts: whole roads before they are cut into segments
// ---------------------------------------------------------------------------------------------

interface Interval {
  from: number;
  to: number;
}

interface Structure extends Interval {
  kind: "bridge" | "tunnel";
  name: string;
  /** the road on it, and what it spans */
  carries: string;
  crosses: string | null;
}

interface RoadDraft {
  key: string;
  roadClass: RoadClass;
  ref: string | null;
  /** name of the whole road (Gemeindestraßen, ramps) */
  name: string | null;
  /** names of an Ortsdurchfahrt, per town */
  townNames?: Partial<Record<TownKey, string>>;
  /** name inside Auenstadt's old town, where a street changes its name */
  oldTownName?: string;
  town?: TownKey;
  line: Line;
  surface: string | ((s: number) => string);
  motorway?: "main" | "ramp";
  resurfaced?: (Interval & { date: string })[];
  structures: Structure[];
  gaps: Interval[];
  /** the road ends here, short of an obstacle it may not cross */
  end: number;
}

interface ThroughRoadDef {
  key: string;
  roadClass: RoadClass;
  ref: string;
  ctrl: Line;
  townNames: Partial<Record<TownKey, string>>;
  resurfaced?: { from: number; to: number; date: string }[]; // fractions of the length
}

const J_K141_L3071: Pt = [525100, 5609300];
const J_K142_B275: Pt = [532520, 5616400];
const c = (key: TownKey) => townOf(key).centre;

const THROUGH_ROADS: readonly ThroughRoadDef[] = [
  {
    key: "b275-nord",
    roadClass: "bundesstrasse",
    ref: "B 275",
    ctrl: [[532700, 5620600], [532600, 5618000], J_K142_B275, [532450, 5614000], [532350, 5611800], c("auenstadt")],
    townNames: { auenstadt: "Kasseler Straße" },
  },
  {
    key: "b275-sued",
    roadClass: "bundesstrasse",
    ref: "B 275",
    ctrl: [c("auenstadt"), [532100, 5608400], [530800, 5606400], c("hohenwarte"), [528700, 5602500], [528400, 5599500]],
    townNames: { auenstadt: "Frankfurter Straße", hohenwarte: "Hauptstraße" },
    resurfaced: [{ from: 0.02, to: 0.12, date: "2025-06-23" }],
  },
  {
    key: "b254-west",
    roadClass: "bundesstrasse",
    ref: "B 254",
    ctrl: [[519500, 5611700], [522600, 5612150], c("wiesental"), [528500, 5611400], c("auenstadt")],
    townNames: { wiesental: "Hauptstraße", auenstadt: "Wiesentaler Straße" },
    resurfaced: [{ from: 0.55, to: 0.8, date: "2024-08-19" }],
  },
  {
    key: "b254-ost",
    roadClass: "bundesstrasse",
    ref: "B 254",
    ctrl: [c("auenstadt"), [535300, 5609200], c("erlengrund"), [542500, 5606400], [545500, 5605800]],
    townNames: { auenstadt: "Erlengrunder Straße", erlengrund: "Hauptstraße" },
    resurfaced: [{ from: 0.6, to: 0.85, date: "2017-09-04" }],
  },
  {
    key: "l3012",
    roadClass: "landesstrasse",
    ref: "L 3012",
    ctrl: [c("auenstadt"), [533000, 5611400], [533900, 5613100], [535000, 5614600], c("lindenhain")],
    townNames: { auenstadt: "Lindenhainer Straße", lindenhain: "Auenstädter Straße" },
    resurfaced: [{ from: 0.25, to: 0.5, date: "2019-09-02" }],
  },
  {
    key: "l3140",
    roadClass: "landesstrasse",
    ref: "L 3140",
    ctrl: [c("lindenhain"), [535900, 5617500], [536500, 5619400], [536900, 5620700]],
    townNames: { lindenhain: "Hauptstraße" },
    resurfaced: [{ from: 0.3, to: 0.7, date: "2023-05-08" }],
  },
  {
    key: "l3071",
    roadClass: "landesstrasse",
    ref: "L 3071",
    ctrl: [c("wiesental"), [524900, 5610600], J_K141_L3071, [526300, 5607400], [527800, 5606200], c("hohenwarte")],
    townNames: { wiesental: "Hohenwarter Straße", hohenwarte: "Wiesentaler Straße" },
  },
  {
    key: "l3225",
    roadClass: "landesstrasse",
    ref: "L 3225",
    ctrl: [c("hohenwarte"), [532600, 5604000], [536000, 5605300], c("erlengrund")],
    townNames: { hohenwarte: "Erlengrunder Straße", erlengrund: "Hohenwarter Straße" },
  },
  {
    key: "k141",
    roadClass: "kreisstrasse",
    ref: "K 141",
    ctrl: [c("auenstadt"), [530700, 5609700], [528500, 5609600], [526700, 5609300], J_K141_L3071],
    townNames: { auenstadt: "Westring" },
    resurfaced: [{ from: 0.35, to: 0.75, date: "2023-07-10" }],
  },
  {
    key: "k142",
    roadClass: "kreisstrasse",
    ref: "K 142",
    ctrl: [c("wiesental"), [527500, 5614800], [530000, 5616200], J_K142_B275, [533800, 5616700], c("lindenhain")],
    townNames: { wiesental: "Lindenhainer Straße", lindenhain: "Wiesentaler Straße" },
  },
  {
    key: "k143",
    roadClass: "kreisstrasse",
    ref: "K 143",
    ctrl: [c("hohenwarte"), [527000, 5603000], [524500, 5602600], [521500, 5601800]],
    townNames: { hohenwarte: "Waldstraße" },
  },
  {
    key: "k144",
    roadClass: "kreisstrasse",
    ref: "K 144",
    ctrl: [c("erlengrund"), [538800, 5604800], [538300, 5602200], [538000, 5600000]],
    townNames: { erlengrund: "Kirchstraße" },
    resurfaced: [{ from: 0.1, to: 0.3, date: "2025-10-06" }],
  },
];

const A48_CTRL: Line = [
  [519000, 5613900],
  [522500, 5614500],
  [526000, 5614100],
  [529500, 5613500],
  [532400, 5613300],
  [535300, 5612800],
  [538200, 5612400],
  [541000, 5611500],
  [543600, 5610900],
  [546000, 5610600],
];

function newDraft(d: Omit<RoadDraft, "structures" | "gaps" | "end">): RoadDraft {
  return { ...d, structures: [], gaps: [], end: lineLength(d.line) };
}

function autobahnDrafts(): RoadDraft[] {
  const line = smooth(A48_CTRL, 60);
  const concreteUntil = locate(line, [533000, 5613200]);
  const tunnelStart = locate(line, [540000, 5611800]);
  const a48 = newDraft({
    key: "a48",
    roadClass: "autobahn",
    ref: "A 48",
    name: null,
    line,
    motorway: "main",
    // the older western section still has its concrete pavement
    surface: (s) => (s < concreteUntil ? "concrete" : "asphalt"),
    resurfaced: [{ from: locate(line, [536800, 5612600]), to: locate(line, [538800, 5612250]), date: "2022-05-16" }],
  });
  a48.structures.push({
    kind: "tunnel",
    name: "Tunnel Eichberg",
    carries: "A 48",
    crosses: null,
    from: tunnelStart,
    to: tunnelStart + 480,
  });

  // Anschlussstelle Auenstadt: a diamond where the B 275 crosses over the motorway
  const b275 = smooth(THROUGH_ROADS.find((r) => r.key === "b275-nord")!.ctrl, 60);
  const x = crossings(line, b275)[0]!;
  const ramps: RoadDraft[] = [];
  let n = 0;
  for (const dA of [-420, 420]) {
    for (const dB of [-170, 170]) {
      const from = pointAt(line, x.s + dA);
      const to = pointAt(b275, x.o + dB);
      const mid = lerp(from, to, 0.5);
      const away = pointAt(line, x.s);
      const push = 70 / (dist(mid, away) || 1);
      const bulge: Pt = [mid[0] + (mid[0] - away[0]) * push, mid[1] + (mid[1] - away[1]) * push];
      ramps.push(
        newDraft({
          key: `a48-as-auenstadt-${++n}`,
          roadClass: "autobahn",
          ref: "A 48",
          name: "Anschlussstelle Auenstadt",
          line: smooth([from, bulge, to], 30),
          motorway: "ramp",
          surface: "asphalt",
        }),
      );
    }
  }
  return [a48, ...ramps];
}

function throughDrafts(): RoadDraft[] {
  return THROUGH_ROADS.map((def) => {
    const line = smooth(def.ctrl, 60);
    const length = lineLength(line);
    return newDraft({
      key: def.key,
      roadClass: def.roadClass,
      ref: def.ref,
      name: null,
      townNames: def.townNames,
      line,
      surface: "asphalt",
      resurfaced: def.resurfaced?.map((r) => ({ from: r.from * length, to: r.to * length, date: r.date })),
    });
  });
}

const STREET_NAMES = [
  "Bahnhofstraße", "Schulstraße", "Kirchstraße", "Gartenstraße", "Bergstraße", "Lindenstraße",
  "Waldstraße", "Ringstraße", "Friedhofstraße", "Am Mühlbach", "Goethestraße", "Schillerstraße",
  "Mozartstraße", "Beethovenstraße", "Birkenweg", "Eichendorffstraße", "Rosenstraße", "Wiesenweg",
  "Feldstraße", "Am Sportplatz", "Raiffeisenstraße", "Industriestraße", "Bismarckstraße",
  "Friedrich-Ebert-Straße", "Wilhelmstraße", "Ludwigstraße", "Jahnstraße", "Brunnenstraße",
  "Uferstraße", "Talstraße", "Am Anger", "Auf der Höhe", "Tannenweg", "Kastanienallee", "Ahornweg",
  "Buchenweg", "Erlenweg", "Fliederweg", "Tulpenweg", "Sonnenstraße", "Mittelweg", "Kirchberg",
  "Hohlweg", "Am Rain", "Im Wiesengrund", "Hessenring", "Weiherstraße", "Mühlweg", "Steinweg",
  "Breslauer Straße", "Königsberger Straße", "Leipziger Straße", "Dresdner Straße",
  "Marburger Straße", "Gießener Straße", "Fuldaer Straße", "Hainstraße", "Burgstraße",
  "Schlossstraße", "Rathausstraße", "Am Hang", "Kapellenweg", "Pfarrgasse", "Hofgartenstraße",
  "Am Weinberg", "Zum Sportfeld", "Heinrich-Heine-Straße", "Robert-Koch-Straße", "Am Galgenberg",
  "Vogelsbergstraße", "Grabenstraße", "Dorfstraße",
];

const OLD_TOWN_STREETS = [
  "Kirchgasse", "Rathausgasse", "Obergasse", "Untergasse", "Schlossgasse", "Mühlgasse",
  "Brückengasse", "Krämergasse",
];

const STREET_RESURFACING = ["2016-05-23", "2018-06-11", "2021-09-27", "2023-04-17", "2024-04-15", "2025-09-01"];

/** A rotated street grid over the town core, without streets that would run along a through road. */
function gridDrafts(town: TownDef, core: Ring, through: readonly RoadDraft[]): RoadDraft[] {
  const rng = rngFor(`grid-${town.key}`);
  const reach = Math.max(...town.coreRadii) * 1.2;
  const lines: Line[] = [];
  for (const family of [0, 1]) {
    const a = (town.gridAngle + family * 90) * deg;
    const u: Pt = [Math.cos(a), Math.sin(a)];
    const nrm: Pt = [-u[1], u[0]];
    for (let k = -Math.ceil(reach / town.gridSpacing); k * town.gridSpacing < reach; k++) {
      const o = (k + 0.5) * town.gridSpacing;
      const ctrl: Line = [];
      for (let t = -reach; t <= reach; t += 220) {
        const wobble = between(rng, -6, 6);
        ctrl.push([
          town.centre[0] + nrm[0] * (o + wobble) + u[0] * t,
          town.centre[1] + nrm[1] * (o + wobble) + u[1] * t,
        ]);
      }
      const full = smooth(ctrl, 40);
      // clip to the core
      const cuts = [0, ...crossings(full, core).map((x) => x.s), lineLength(full)];
      for (let i = 0; i < cuts.length - 1; i++) {
        const [s0, s1] = [cuts[i]!, cuts[i + 1]!];
        if (s1 - s0 < 80 || !pointInRing(pointAt(full, (s0 + s1) / 2), core)) continue;
        lines.push(substring(full, s0, s1));
      }
    }
  }
  const nearby = through.filter((r) => r.line.some((p) => dist(p, town.centre) < reach * 1.5));
  const kept = lines
    .filter((line) => nearby.every((r) => crossings(line, r.line).every((x) => x.sin > Math.sin(20 * deg))))
    .map((line) => {
      // some streets stop short of the next crossing: dead ends and T-junctions, not a perfect lattice
      const length = lineLength(line);
      const from = rng() < 0.3 ? between(rng, 0, 0.35) * length : 0;
      const to = rng() < 0.3 ? length - between(rng, 0, 0.35) * length : length;
      return to - from >= 80 ? substring(line, from, to) : line;
    });

  const used = new Set(through.flatMap((r) => r.townNames?.[town.key] ?? []));
  const names = shuffled(rng, STREET_NAMES.filter((n) => !used.has(n)));
  const oldNames = [...OLD_TOWN_STREETS];
  // lines nearest the centre take the first names: the central streets are the old ones
  const byCentrality = [...kept].sort(
    (a, b) => distanceToLine(town.centre, a) - distanceToLine(town.centre, b),
  );
  return byCentrality.map((line, i) => {
    const oldTownName =
      town.key === "auenstadt" && line.some((p) => pointInRing(p, OLD_TOWN)) ? oldNames.shift() : undefined;
    const resurfacedOn = rng() < 0.1 ? STREET_RESURFACING[Math.floor(rng() * STREET_RESURFACING.length)]! : null;
    return newDraft({
      key: `${town.key}-str-${String(i + 1).padStart(2, "0")}`,
      roadClass: "gemeindestrasse",
      ref: null,
      name: names[i % names.length]!,
      oldTownName,
      town: town.key,
      line,
      surface: "asphalt",
      resurfaced: resurfacedOn ? [{ from: 0, to: lineLength(line), date: resurfacedOn }] : undefined,
    });
  });
}

interface TrackDef {
  road: string;
  at: number; // fraction of the road's length
  heading: number; // degrees, 0 = east
  length: number;
}

const TRACKS: readonly TrackDef[] = [
  { road: "k141", at: 0.5, heading: 95, length: 1400 },
  { road: "l3225", at: 0.35, heading: 265, length: 2000 },
  { road: "l3225", at: 0.7, heading: 80, length: 1200 },
  { road: "b275-nord", at: 0.3, heading: 175, length: 1800 },
  { road: "l3140", at: 0.5, heading: 10, length: 1500 },
  { road: "k142", at: 0.25, heading: 100, length: 1500 },
  { road: "l3071", at: 0.3, heading: 185, length: 1600 },
  { road: "k143", at: 0.4, heading: 250, length: 1200 },
  { road: "k144", at: 0.5, heading: 5, length: 1500 },
  { road: "b254-ost", at: 0.45, heading: 75, length: 1200 },
  { road: "l3012", at: 0.45, heading: 160, length: 1500 },
];

const TRACK_SURFACES = ["gravel", "compacted", "asphalt", "gravel", "grass"];

/** Wirtschaftswege: field tracks branching off the rural roads. */
function trackDrafts(through: readonly RoadDraft[]): RoadDraft[] {
  return TRACKS.map((def, i) => {
    const rng = rngFor(`track-${i}`);
    const road = through.find((r) => r.key === def.road)!;
    const ctrl: Line = [pointAt(road.line, def.at * lineLength(road.line))];
    let heading = def.heading;
    for (let done = 0; done < def.length; done += 300) {
      heading += between(rng, -25, 25);
      const last = ctrl.at(-1)!;
      ctrl.push([last[0] + 300 * Math.cos(heading * deg), last[1] + 300 * Math.sin(heading * deg)]);
    }
    return newDraft({
      key: `weg-${String(i + 1).padStart(2, "0")}`,
      roadClass: "other",
      ref: null,
      name: null,
      line: smooth(ctrl, 40),
      surface: TRACK_SURFACES[i % TRACK_SURFACES.length]!,
    });
  });
}

/** What a road is called at distance s: its number, else its street name there. */
function labelAt(d: RoadDraft, s: number): string {
  if (d.ref) return d.ref;
  if (d.oldTownName && pointInRing(pointAt(d.line, s), OLD_TOWN)) return d.oldTownName;
  return d.name ?? "Wirtschaftsweg";
}

/**
 * Decides what happens where roads meet the river, the railway and the motorway: bridges, one
 * level crossing, and town streets that end at the bank instead of all getting a bridge.
 * Field tracks stop short of all three.
 */
function resolveObstacles(drafts: RoadDraft[]): void {
  const a48 = drafts.find((d) => d.motorway === "main")!;
  const obstacles = [
    { key: "aue", line: AUE, name: "Aue", halfSpan: { autobahn: 160, road: 30, street: 18 } },
    { key: "rail", line: RAILWAY, name: RAILWAY_NAME, halfSpan: { autobahn: 35, road: 20, street: 12 } },
    { key: "a48", line: a48.line, name: "A 48", halfSpan: { autobahn: 0, road: 25, street: 25 } },
  ];
  // town streets: per town and obstacle, the ones nearest the centre cross, the others end at the bank
  const streetCrossings: {
    draft: RoadDraft;
    obstacle: (typeof obstacles)[number];
    crossing: Crossing;
    rank: number;
  }[] = [];

  for (const d of drafts) {
    if (d.motorway === "ramp") continue;
    for (const ob of obstacles) {
      if (ob.line === d.line) continue;
      for (const x of crossings(d.line, ob.line)) {
        if (d.roadClass === "other") {
          d.end = Math.min(d.end, x.s - 25);
        } else if (d.roadClass === "gemeindestrasse") {
          const rank = dist(pointAt(d.line, x.s), townOf(d.town!).centre);
          streetCrossings.push({ draft: d, obstacle: ob, crossing: x, rank });
        } else if (ob.key !== "a48" || d.motorway !== "main") {
          const half = d.motorway === "main" ? ob.halfSpan.autobahn : ob.halfSpan.road;
          d.structures.push(bridge(d, ob.name, x.s, half));
        }
      }
    }
  }

  // how many town streets per town may cross the river (bridge) and the railway (level crossing, bridge)
  const allowance: Record<string, ("bridge" | "level")[]> = {
    "auenstadt-aue": ["bridge", "bridge"],
    "lindenhain-aue": ["bridge"],
    "auenstadt-rail": ["level", "bridge"],
  };
  const groups = new Map<string, typeof streetCrossings>();
  for (const x of streetCrossings) {
    const key = `${x.draft.town}-${x.obstacle.key}`;
    groups.set(key, [...(groups.get(key) ?? []), x]);
  }
  for (const [key, list] of groups) {
    const allowed = [...(allowance[key] ?? [])];
    for (const { draft, obstacle, crossing } of list.sort((a, b) => a.rank - b.rank)) {
      // only a crossing at a fair angle gets a bridge or level crossing
      const what = crossing.sin > 0.6 ? allowed.shift() : undefined;
      if (what === "bridge") draft.structures.push(bridge(draft, obstacle.name, crossing.s, obstacle.halfSpan.street));
      if (what) continue;
      // the street ends on both banks; where it meets the obstacle at a slant, further from it
      const half = Math.min(250, 18 / crossing.sin);
      draft.gaps.push({ from: crossing.s - half, to: crossing.s + half });
    }
  }
}

function bridge(d: RoadDraft, crosses: string, s: number, half: number): Structure {
  const carries = labelAt(d, s);
  const names: Record<string, string> = {
    Aue: d.motorway === "main" ? "Talbrücke Auetal" : `Aubrücke ${carries}`,
    [RAILWAY_NAME]: `Brücke ${carries} über die ${RAILWAY_NAME}`,
    "A 48": `Überführung ${carries} über die A 48`,
  };
  return { kind: "bridge", name: names[crosses]!, carries, crosses, from: s - half, to: s + half };
}

// ---------------------------------------------------------------------------------------------
// Cutting drafts into segments
// ---------------------------------------------------------------------------------------------

interface Segmented {
  roads: DemoRoad[];
  /** continuous stretches of each draft that made it into the network */
  spans: Map<string, Line[]>;
  structures: DemoConflictFeature[];
}

const within = (s: number, iv: Interval) => s > iv.from && s < iv.to;

function junctions(drafts: RoadDraft[]): Map<RoadDraft, number[]> {
  const out = new Map<RoadDraft, number[]>(drafts.map((d) => [d, []]));
  const isMain = (d: RoadDraft) => d.motorway === "main";
  const level = (d: RoadDraft, s: number) =>
    s <= d.end + 1e-6 && !d.structures.some((iv) => within(s, iv)) && !d.gaps.some((iv) => within(s, iv));
  const boxes = new Map(drafts.map((d) => [d, bbox(d.line, 1)]));
  for (let i = 0; i < drafts.length; i++) {
    for (let j = i + 1; j < drafts.length; j++) {
      const [a, b] = [drafts[i]!, drafts[j]!];
      // the motorway meets other roads only through its ramps
      if ((isMain(a) && !b.motorway) || (isMain(b) && !a.motorway)) continue;
      if (!boxesOverlap(boxes.get(a)!, boxes.get(b)!)) continue;
      for (const x of crossings(a.line, b.line)) {
        if (!level(a, x.s) || !level(b, x.o)) continue;
        out.get(a)!.push(x.s);
        out.get(b)!.push(x.o);
      }
    }
  }
  return out;
}

function segment(drafts: RoadDraft[], gemeinden: Map<TownKey, Ring>, cores: Map<TownKey, Ring>): Segmented {
  const nodes = junctions(drafts);
  const boundaryRings = [...gemeinden.values(), ...cores.values()];
  const roads: DemoRoad[] = [];
  const spans = new Map<string, Line[]>();
  const structures: DemoConflictFeature[] = [];
  const whereIs = (p: Pt) => {
    const gemeinde = TOWNS.find((t) => pointInRing(p, gemeinden.get(t.key)!));
    const core = TOWNS.find((t) => pointInRing(p, cores.get(t.key)!));
    return { gemeinde, core };
  };

  for (const d of drafts) {
    const cum = cumulative(d.line);
    // cuts closer than 3 m collapse into one: the road's ends win, then ends of bridges and gaps
    const cuts = [
      ...[0, d.end].map((s) => ({ s, rank: 3 })),
      ...[...d.structures, ...d.gaps].flatMap((iv) => [iv.from, iv.to]).map((s) => ({ s, rank: 2 })),
      ...[
        ...nodes.get(d)!,
        ...boundaryRings.flatMap((ring) => crossings(d.line, ring).map((x) => x.s)),
        ...(d.resurfaced ?? []).flatMap((iv) => [iv.from, iv.to]),
      ].map((s) => ({ s, rank: 1 })),
    ]
      .filter((c) => c.s >= 0 && c.s <= d.end)
      .sort((a, b) => a.s - b.s);
    const merged: typeof cuts = [];
    for (const cut of cuts) {
      const last = merged.at(-1);
      if (!last || cut.s - last.s > 3) merged.push(cut);
      else if (cut.rank > last.rank) merged[merged.length - 1] = cut;
    }
    const stops = merged.map((c) => c.s);

    let n = 0;
    let span: Line | null = null;
    const draftSpans: Line[] = [];
    for (let i = 0; i < stops.length - 1; i++) {
      const [s0, s1] = [stops[i]!, stops[i + 1]!];
      const midS = (s0 + s1) / 2;
      const { gemeinde, core } = whereIs(pointAt(d.line, midS, cum));
      if (!gemeinde || d.gaps.some((g) => within(midS, g))) {
        span = null;
        continue;
      }
      const structure = d.structures.find((iv) => within(midS, iv));
      const ortsdurchfahrt =
        core !== undefined && ["bundesstrasse", "landesstrasse", "kreisstrasse"].includes(d.roadClass);
      const inOldTown = pointInRing(pointAt(d.line, midS, cum), OLD_TOWN);
      const name = ortsdurchfahrt
        ? (d.townNames?.[core.key] ?? null)
        : inOldTown && d.oldTownName
          ? d.oldTownName
          : d.name;
      const surface =
        d.roadClass === "gemeindestrasse" && inOldTown
          ? "paving_stones"
          : typeof d.surface === "function"
            ? d.surface(midS)
            : d.surface;
      const resurfacedOn = d.resurfaced?.find((iv) => within(midS, iv))?.date ?? null;
      const pieces = Math.ceil((s1 - s0) / 350);
      for (let k = 0; k < pieces; k++) {
        const geom = substring(d.line, s0 + ((s1 - s0) * k) / pieces, s0 + ((s1 - s0) * (k + 1)) / pieces, cum);
        roads.push({
          externalId: `${d.key}-${String(++n).padStart(3, "0")}`,
          name,
          ref: d.ref,
          roadClass: d.roadClass,
          ortsdurchfahrt,
          surface,
          bridge: structure?.kind === "bridge",
          tunnel: structure?.kind === "tunnel",
          resurfacedOn,
          geom: toLineString(geom),
        });
      }
      const geom = substring(d.line, s0, s1, cum);
      if (span) span.push(...geom.slice(1));
      else draftSpans.push((span = geom));
    }
    spans.set(d.key, draftSpans);

    d.structures.forEach((iv, i) => {
      if (!whereIs(pointAt(d.line, (iv.from + iv.to) / 2, cum)).gemeinde) return;
      structures.push({
        layerKey: "structures",
        externalId: `${d.key}-${iv.kind === "tunnel" ? "tunnel" : "bruecke"}-${i + 1}`,
        name: iv.name,
        attributes: { kind: iv.kind, carries: iv.carries, crosses: iv.crosses },
        geom: toLineString(substring(d.line, iv.from, iv.to, cum)),
      });
    });
  }
  return { roads, spans, structures };
}

// ---------------------------------------------------------------------------------------------
// Conflict features
// ---------------------------------------------------------------------------------------------

const TREE_SPECIES = [
  "Winter-Linde (Tilia cordata)",
  "Spitz-Ahorn (Acer platanoides)",
  "Berg-Ahorn (Acer pseudoplatanus)",
  "Platane (Platanus × hispanica)",
  "Stiel-Eiche (Quercus robur)",
  "Hainbuche (Carpinus betulus)",
  "Rosskastanie (Aesculus hippocastanum)",
  "Feld-Ahorn (Acer campestre)",
  "Robinie (Robinia pseudoacacia)",
  "Gemeine Esche (Fraxinus excelsior)",
];

/** Road lines with boxes, for "how far is the nearest street" questions. */
interface RoadIndex {
  near(p: Pt, radius: number): number;
}

function roadIndex(roads: DemoRoad[]): RoadIndex {
  const items = roads.map((r) => ({ line: r.geom.coordinates, box: bbox(r.geom.coordinates) }));
  return {
    near(p, radius) {
      let best = Infinity;
      for (const it of items) {
        if (p[0] < it.box.minX - radius || p[0] > it.box.maxX + radius) continue;
        if (p[1] < it.box.minY - radius || p[1] > it.box.maxY + radius) continue;
        best = Math.min(best, distanceToLine(p, it.line));
      }
      return best;
    },
  };
}

/** Street trees along stretches of town streets (3.5–7.5 m from the centre line) and one Allee. */
function trees(segmented: Segmented, drafts: RoadDraft[], index: RoadIndex): DemoConflictFeature[] {
  const out: DemoConflictFeature[] = [];
  const plant = (rng: Rng, town: string, line: Line, from: number, to: number, sides: number[], spacing: number) => {
    const cum = cumulative(line);
    for (let s = from; s < Math.min(to, cum.at(-1)!); s += spacing + between(rng, -1.5, 1.5)) {
      for (const side of sides) {
        const p = pointAt(line, s, cum);
        const dir = directionAt(line, s, cum);
        const off = side * between(rng, 3.5, 7.5);
        const tree: Pt = [p[0] - dir[1] * off, p[1] + dir[0] * off];
        // not on a crossing street, in the river or on the tracks
        if (index.near(tree, 10) < 3.2 || distanceToLine(tree, AUE) < 10 || distanceToLine(tree, RAILWAY) < 10) continue;
        const trunk = Math.round(between(rng, 18, 95));
        out.push({
          layerKey: "trees",
          externalId: `baum-${town}-${String(out.length + 1).padStart(4, "0")}`,
          name: `Baum Nr. ${1000 + out.length + 1}`,
          attributes: {
            species: TREE_SPECIES[Math.floor(rng() * TREE_SPECIES.length)]!,
            trunkDiameterCm: trunk,
            crownDiameterM: Math.round(trunk / 8 + between(rng, 1, 5)),
          },
          geom: toPoint(tree),
        });
      }
    }
  };
  const stretchesPerTown: Record<TownKey, number> = { auenstadt: 5, lindenhain: 2, wiesental: 2, hohenwarte: 1, erlengrund: 1 };
  for (const town of TOWNS) {
    const rng = rngFor(`trees-${town.key}`);
    const streets = shuffled(
      rng,
      drafts.filter((d) => d.town === town.key),
    ).slice(0, stretchesPerTown[town.key]);
    for (const street of streets) {
      const span = segmented.spans.get(street.key)?.find((l) => lineLength(l) >= 150);
      if (!span) continue;
      const from = between(rng, 10, Math.max(10, lineLength(span) - 240));
      plant(rng, town.key, span, from, from + 220, rng() < 0.5 ? [1] : [1, -1], 14);
    }
  }
  // the old Allee on the L 3071 north of the Aue
  const l3071 = drafts.find((d) => d.key === "l3071")!;
  const start = locate(l3071.line, [525000, 5610300]);
  plant(rngFor("allee-l3071"), "l3071", l3071.line, start, start + 700, [1, -1], 16);
  return out;
}

function watercourses(): DemoConflictFeature[] {
  return [
    { key: "aue", name: "Aue", line: AUE, order: "II" },
    { key: "muehlbach", name: "Mühlbach", line: MUEHLBACH, order: "III" },
    { key: "erlenbach", name: "Erlenbach", line: ERLENBACH, order: "III" },
  ].map((w) => ({
    layerKey: "watercourses",
    externalId: `gewaesser-${w.key}`,
    name: w.name,
    attributes: { gewaesserOrdnung: w.order },
    geom: toLineString(w.line),
  }));
}

function railways(): DemoConflictFeature[] {
  return [
    {
      layerKey: "railways",
      externalId: "strecke-3999",
      name: `${RAILWAY_NAME} (Strecke 3999)`,
      attributes: { operator: "DB InfraGO AG", tracks: 2, electrified: true, lineNumber: "3999" },
      geom: toLineString(RAILWAY),
    },
  ];
}

/** A drinking-water protection area west of Wiesental: zone III reaches into the village. */
function waterProtectionZones(): DemoConflictFeature[] {
  const well: Pt = [523700, 5612750];
  const zones = [
    { zone: "I", ring: blob(rngFor("wsg-1"), well, 45, 35, 0, 0.05, 16) },
    { zone: "II", ring: blob(rngFor("wsg-2"), [523550, 5612900], 480, 340, 30, 0.08) },
    { zone: "III", ring: blob(rngFor("wsg-3"), [523900, 5613100], 1900, 1250, 15, 0.08, 48) },
  ];
  return zones.map((z) => ({
    layerKey: "water_protection_zones",
    externalId: `wsg-wiesental-zone-${z.zone}`,
    name: `WSG Tiefbrunnen Wiesental – Zone ${z.zone}`,
    attributes: { zone: z.zone, wsgId: "435-999-001" },
    geom: toPolygon(z.ring),
  }));
}

function natureReserves(): DemoConflictFeature[] {
  const valley = substring(AUE, locate(AUE, [534450, 5611450]), locate(AUE, [535650, 5614400]));
  return [
    {
      layerKey: "nature_reserves",
      externalId: "nsg-auwiesen",
      name: "NSG Auwiesen zwischen Auenstadt und Lindenhain",
      attributes: { kind: "NSG", natura2000Code: null },
      geom: toPolygon(band(valley, 160, 130)),
    },
    {
      layerKey: "nature_reserves",
      externalId: "ffh-eichwald-erlengrund",
      name: "FFH-Gebiet Eichwald bei Erlengrund",
      attributes: { kind: "FFH", natura2000Code: "DE 5421-302" },
      geom: toPolygon(blob(rngFor("ffh"), [539700, 5604100], 1500, 1000, 20, 0.1, 48)),
    },
  ];
}

const MONUMENTS = [
  "Rathaus (1582), Fachwerkbau",
  "Ev. Stadtkirche St. Marien",
  "Fachwerkhaus Marktplatz 3",
  "Alte Lateinschule",
  "Hospital zum Heiligen Geist",
  "Stadtmauer mit Hexenturm",
  "Marktbrunnen",
  "Gasthaus Zum Löwen",
  "Alte Apotheke",
  "Amtshaus",
  "Zehntscheune",
  "Obertor",
];

function heritage(segmented: Segmented, drafts: RoadDraft[], index: RoadIndex): DemoConflictFeature[] {
  const rng = rngFor("heritage");
  const out: DemoConflictFeature[] = [];
  // Baudenkmäler front the streets of Auenstadt's old town, 6–10 m from the centre line
  const oldStreets = drafts.filter((d) => d.oldTownName || d.townNames?.auenstadt);
  const candidates: Pt[] = [];
  for (const d of oldStreets) {
    for (const span of segmented.spans.get(d.key) ?? []) {
      const cum = cumulative(span);
      for (let s = 20; s < cum.at(-1)!; s += 45) {
        const p = pointAt(span, s, cum);
        if (!pointInRing(p, OLD_TOWN)) continue;
        const dir = directionAt(span, s, cum);
        const off = (rng() < 0.5 ? 1 : -1) * between(rng, 6, 10);
        const q: Pt = [p[0] - dir[1] * off, p[1] + dir[0] * off];
        if (index.near(q, 10) >= 5) candidates.push(q);
      }
    }
  }
  shuffled(rng, candidates)
    .slice(0, MONUMENTS.length)
    .forEach((p, i) =>
      out.push({
        layerKey: "heritage",
        externalId: `bd-auenstadt-${String(i + 1).padStart(2, "0")}`,
        name: MONUMENTS[i]!,
        attributes: { kind: "Baudenkmal", description: "Kulturdenkmal aus geschichtlichen und künstlerischen Gründen" },
        geom: toPoint(p),
      }),
    );
  // each village keeps its church beside the main road
  for (const town of TOWNS.filter((t) => t.key !== "auenstadt")) {
    const main = drafts.find((d) => d.townNames?.[town.key] === "Hauptstraße") ?? drafts.find((d) => d.townNames?.[town.key]);
    if (!main) continue;
    const s = locate(main.line, town.centre) + 60;
    const p = pointAt(main.line, s);
    const dir = directionAt(main.line, s);
    out.push({
      layerKey: "heritage",
      externalId: `bd-${town.key}-kirche`,
      name: `Ev. Kirche ${town.name}`,
      attributes: { kind: "Baudenkmal", description: "Dorfkirche mit Wehrturm, Kulturdenkmal" },
      geom: toPoint([p[0] - dir[1] * 12, p[1] + dir[0] * 12]),
    });
  }
  out.push(
    {
      layerKey: "heritage",
      externalId: "bodendenkmal-altstadt-auenstadt",
      name: "Mittelalterlicher Stadtkern Auenstadt",
      attributes: { kind: "Bodendenkmal", description: "Archäologische Fundstellen der Stadtgründung (13. Jh.)" },
      geom: toPolygon(OLD_TOWN),
    },
    {
      layerKey: "heritage",
      externalId: "bodendenkmal-huegelgraeber-eichwald",
      name: "Hügelgräberfeld am Eichwald",
      attributes: { kind: "Bodendenkmal", description: "Bronzezeitliches Hügelgräberfeld" },
      geom: toPolygon(blob(rngFor("huegelgraeber"), [527600, 5603380], 260, 170, 25, 0.1, 24)),
    },
  );
  return out;
}

/** Roads resurfaced in the last five years: the longest Aufbruchsperre an authority may set. */
function resurfacedRoads(roads: DemoRoad[]): DemoConflictFeature[] {
  return roads
    .filter((r) => r.resurfacedOn !== null && r.resurfacedOn >= "2021-01-01")
    .map((r) => ({
      layerKey: "resurfaced_roads",
      externalId: r.externalId,
      name: `${r.name ?? r.ref ?? "Straße"} – Deckschicht erneuert`,
      attributes: { resurfacedOn: r.resurfacedOn },
      geom: r.geom,
    }));
}

const UTILITY_KINDS = [
  { kind: "water", share: 0.45, offset: -2.2, label: "Trinkwasserleitung" },
  { kind: "gas", share: 0.35, offset: 2.6, label: "Gasleitung" },
  { kind: "power", share: 0.3, offset: 1.6, label: "Stromkabel 0,4 kV" },
  { kind: "telecom", share: 0.25, offset: -1.3, label: "Telekommunikationslinie" },
] as const;

function utilityOperator(kind: string, town: TownKey): string {
  if (kind === "water") return town === "auenstadt" ? "Stadtwerke Auenstadt GmbH" : "Wasserverband Auenwald";
  if (kind === "gas") return "Netzgesellschaft Auenwald mbH";
  if (kind === "power") return "Auenwald Netz GmbH";
  return "TeleNetz Mitte GmbH";
}

/** Mains along town streets, and a long-distance gas pipeline across the Kreis. */
function utilities(segmented: Segmented, drafts: RoadDraft[]): DemoConflictFeature[] {
  const out: DemoConflictFeature[] = [];
  for (const d of drafts.filter((x) => x.town)) {
    const rng = rngFor(`utilities-${d.key}`);
    for (const u of UTILITY_KINDS) {
      if (rng() >= u.share) continue;
      (segmented.spans.get(d.key) ?? []).forEach((span, i) => {
        if (lineLength(span) < 60) return;
        out.push({
          layerKey: "utilities",
          externalId: `${u.kind}-${d.key}-${i + 1}`,
          name: `${u.label} ${d.name}`,
          attributes: { kind: u.kind, operator: utilityOperator(u.kind, d.town!) },
          geom: toLineString(offsetLine(span, u.offset)),
        });
      });
    }
  }
  out.push({
    layerKey: "utilities",
    externalId: "gas-fernleitung-auenwald",
    name: "Ferngasleitung Auenwald (DN 500)",
    attributes: { kind: "gas", operator: "Ferngas Mittelhessen GmbH" },
    geom: toLineString(
      smooth(
        [
          [519800, 5606500],
          [524000, 5607600],
          [527400, 5609900],
          [530500, 5612400],
          [534200, 5614300],
          [538500, 5614000],
          [545000, 5613400],
        ],
        60,
      ),
    ),
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Organisations and layers
// ---------------------------------------------------------------------------------------------

function organisations(): DemoOrganisation[] {
  const phone = (n: number) => `069 90009-${n}`; // BNetzA range reserved for fiction
  const towns = TOWNS.map<DemoOrganisation>((t, i) => ({
    slug: townSlug(t),
    kind: "road_authority",
    name: t.authorityName,
    authorityLevel: "gemeinde",
    state: "HE",
    ags: t.ags,
    email: `tiefbau@${t.domain}`,
    phone: phone(110 + i * 10),
    letterhead: { street: t.townHall, postcode: t.postcode, city: t.name, website: `https://www.${t.domain}` },
  }));
  const kreisLetterhead = {
    street: "Am Schlossgarten 5",
    postcode: "36990",
    city: "Auenstadt",
    website: "https://www.landkreis-auenwald.example",
  };
  return [
    ...towns,
    {
      slug: KREIS_SLUG,
      kind: "road_authority",
      name: "Kreisausschuss des Landkreises Auenwald",
      authorityLevel: "kreis",
      state: "HE",
      ags: KREIS.ags,
      email: "strassenbau@landkreis-auenwald.example",
      phone: phone(200),
      letterhead: kreisLetterhead,
    },
    {
      slug: LAND_AGENCY_SLUG,
      kind: "road_authority",
      name: "Hessen Mobil – Straßen- und Verkehrsmanagement (Demo)",
      authorityLevel: "land",
      state: "HE",
      ags: "06",
      email: "sondernutzung@mobil.hessen.example",
      phone: phone(300),
      letterhead: { street: "Am Auenufer 7", postcode: "36990", city: "Auenstadt", website: "https://mobil.hessen.example" },
    },
    {
      slug: AUTOBAHN_SLUG,
      kind: "road_authority",
      name: "Die Autobahn GmbH des Bundes – Niederlassung West (Demo)",
      authorityLevel: "bund",
      state: "HE",
      ags: null,
      email: "leitungsverlegung.west@autobahn.example",
      phone: phone(400),
      letterhead: { street: "Autobahnring 1", postcode: "36991", city: "Auenstadt", website: "https://www.autobahn.example" },
    },
    {
      slug: "glasfasernetz-hessen",
      kind: "operator",
      name: "GlasfaserNetz Hessen GmbH",
      authorityLevel: null,
      state: "HE",
      ags: null,
      email: "trassenplanung@glasfasernetz-hessen.example",
      phone: phone(500),
      letterhead: { street: "Lichtwellenweg 8", postcode: "35390", city: "Gießen", website: "https://www.glasfasernetz-hessen.example" },
    },
    {
      slug: "fiberway-deutschland",
      kind: "operator",
      name: "FiberWay Deutschland GmbH",
      authorityLevel: null,
      state: null,
      ags: null,
      email: "genehmigungen@fiberway.example",
      phone: phone(510),
      letterhead: { street: "Am Netzknoten 3", postcode: "34117", city: "Kassel", website: "https://www.fiberway.example" },
    },
    {
      slug: "unb-auenwald",
      kind: "consulted_body",
      name: "Untere Naturschutzbehörde Landkreis Auenwald",
      consultedTopic: "nature",
      authorityLevel: null,
      state: "HE",
      ags: KREIS.ags,
      email: "naturschutz@landkreis-auenwald.example",
      phone: phone(210),
      letterhead: kreisLetterhead,
    },
    {
      slug: "hmdi-hessen",
      kind: "state",
      name: "Hessisches Ministerium für Digitalisierung und Innovation (Demo)",
      authorityLevel: null,
      state: "HE",
      ags: "06",
      email: "gigabit@digitales.hessen.example",
      phone: phone(600),
      letterhead: { street: "Kaiser-Friedrich-Ring 75", postcode: "65185", city: "Wiesbaden", website: "https://digitales.hessen.example" },
    },
    {
      slug: "breitband-portal-betrieb",
      kind: "platform",
      name: "Breitband-Portal Betrieb",
      authorityLevel: null,
      state: null,
      ags: null,
      email: "support@breitband-portal.example",
      phone: phone(700),
      letterhead: { street: "Portalweg 1", postcode: "65185", city: "Wiesbaden", website: "https://breitband-portal.example" },
    },
  ];
}

const LAYER_SOURCE = "Demo-Daten (generiert)";
const LAYER_ATTRIBUTION = "Fiktive Demo-Daten des Breitband-Portals";


// ---------------------------------------------------------------------------------------------
// The region
// ---------------------------------------------------------------------------------------------

export function generateDemoRegion(): DemoRegion {
  const partition = partitionKreis();
  const cores = new Map(TOWNS.map((t) => [t.key, coreRing(t)] as const));

  const through = [...autobahnDrafts(), ...throughDrafts()];
  const streets = TOWNS.flatMap((t) => gridDrafts(t, cores.get(t.key)!, through));
  const drafts = [...through, ...streets, ...trackDrafts(through)];
  resolveObstacles(drafts);
  const segmented = segment(drafts, partition.gemeinden, cores);
  const index = roadIndex(segmented.roads);

  const kreisPopulation = TOWNS.reduce((sum, t) => sum + t.population, 0);
  const kreisHouseholds = TOWNS.reduce((sum, t) => sum + Math.round(t.population / t.householdSize), 0);
  const adminAreas: DemoAdminArea[] = [
    {
      level: "land",
      ags: "06",
      ars: "06",
      name: "Hessen",
      state: "HE",
      parentAgs: null,
      population: 6_391_360,
      households: 3_086_000,
      geom: toPolygon(HESSEN_OUTLINE),
    },
    {
      level: "kreis",
      ags: KREIS.ags,
      ars: KREIS.ags,
      name: KREIS.name,
      state: "HE",
      parentAgs: "06",
      population: kreisPopulation,
      households: kreisHouseholds,
      geom: toPolygon(partition.kreis),
    },
    ...TOWNS.map<DemoAdminArea>((t) => ({
      level: "gemeinde",
      ags: t.ags,
      // Regionalschlüssel of a Gemeinde without Verband: Kreis, "0" + Gemeinde, Gemeinde
      ars: `${KREIS.ags}0${t.ags.slice(5)}${t.ags.slice(5)}`,
      name: t.name,
      state: "HE",
      parentAgs: KREIS.ags,
      population: t.population,
      households: Math.round(t.population / t.householdSize),
      geom: toPolygon(partition.gemeinden.get(t.key)!),
    })),
  ];

  const conflictFeatures = [
    ...trees(segmented, drafts, index),
    ...railways(),
    ...watercourses(),
    ...waterProtectionZones(),
    ...natureReserves(),
    ...heritage(segmented, drafts, index),
    ...resurfacedRoads(segmented.roads),
    ...utilities(segmented, drafts),
    ...segmented.structures,
  ];

  return {
    organisations: organisations(),
    adminAreas,
    towns: TOWNS.map((t) => ({ key: t.key, name: t.name, ags: t.ags, centre: roundPt(t.centre), core: toPolygon(cores.get(t.key)!) })),
    roads: segmented.roads,
    conflictLayers: CONFLICT_LAYER_KEYS.map((key) => ({
      key,
      ...CONFLICT_LAYER_INFO[key],
      source: LAYER_SOURCE,
      attribution: LAYER_ATTRIBUTION,
    })),
    conflictFeatures,
  };
}
