import type { Knex } from "knex";
import { nodeXY, type Grid } from "./grid";

/**
 * Benchmark routes: they follow grid streets with turns and are drawn 3 m beside the centre line
 * (on the left-hand sidewalk), as a user would draw them, then transformed to WGS84 by PostGIS —
 * the realistic input of POST /api/v1/checks. All of them fit into the smallest grid (7 km), around
 * its middle, so every size checks the same shape through the same mix of road classes.
 */
export interface BenchRoute {
  km: number;
  label: string;
  /** vertices in EPSG:25832, already offset */
  utm: [number, number][];
  /** the request body (WGS84 GeoJSON Feature, default srid) */
  body: { route: { type: "Feature"; properties: Record<string, unknown>; geometry: { type: "LineString"; coordinates: number[][] } } };
}

type Move = ["E" | "W" | "N" | "S", number];

const DIRS = { E: [1, 0], W: [-1, 0], N: [0, 1], S: [0, -1] } as const;

export const ROUTE_KMS = [1, 10, 50] as const;

function movesFor(km: number): { start: [number, number]; moves: Move[] } {
  if (km === 1) {
    // an L: 600 m east, 400 m north
    return { start: [0, 0], moves: [["E", 6], ["N", 4]] };
  }
  if (km === 10) {
    // a staircase: 10 × (500 m east, 500 m north)
    return { start: [-25, -25], moves: Array.from({ length: 10 }, () => [["E", 5], ["N", 5]] as Move[]).flat() };
  }
  if (km === 50) {
    // a serpentine of ten 4.8 km rows 200 m apart, with 200 m links (10 × 4.8 + 10 × 0.2 = 50 km)
    const moves: Move[] = [];
    for (let row = 0; row < 10; row += 1) moves.push([row % 2 === 0 ? "E" : "W", 48], ["N", 2]);
    return { start: [-24, -10], moves };
  }
  throw new Error(`no benchmark route of ${km} km`);
}

/** Corner vertices of the route's centre line (grid nodes), relative to the grid's middle. */
function centreLine(grid: Grid, km: number): [number, number][] {
  const { start, moves } = movesFor(km);
  let i = grid.centre + start[0];
  let j = grid.centre + start[1];
  const nodes: [number, number][] = [[i, j]];
  for (const [dir, steps] of moves) {
    i += DIRS[dir][0] * steps;
    j += DIRS[dir][1] * steps;
    if (i < 0 || j < 0 || i >= grid.n || j >= grid.n) throw new Error(`route of ${km} km leaves the ${grid.label} grid`);
    nodes.push([i, j]);
  }
  return nodes.map(([a, b]) => nodeXY(grid, a, b));
}

/** Offsets a rectilinear polyline by d metres to the left (mitred corners). */
export function offsetLeft(points: [number, number][], d: number): [number, number][] {
  const unit = (a: [number, number], b: [number, number]): [number, number] => {
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    return [(b[0] - a[0]) / len, (b[1] - a[1]) / len];
  };
  const left = ([x, y]: [number, number]): [number, number] => [-y, x];
  return points.map((p, k) => {
    const nIn = k > 0 ? left(unit(points[k - 1]!, p)) : null;
    const nOut = k < points.length - 1 ? left(unit(p, points[k + 1]!)) : null;
    const a = nIn ?? nOut!;
    const b = nOut ?? nIn!;
    // mitre: the point at distance d from both offset lines (a + b scaled by 1 / (1 + a·b))
    const scale = d / (1 + a[0] * b[0] + a[1] * b[1]);
    return [p[0] + (a[0] + b[0]) * scale, p[1] + (a[1] + b[1]) * scale];
  });
}

/**
 * check-sql.ts cuts a route into ceil(len / step) pieces with step = len / 1000 for routes > 5 km;
 * when len / step rounds to 1000.0000000000001 the last piece is ST_LineSubstring(…, 1, 1), a
 * POINT, and the check fails with "line_interpolate_point: 1st arg isn't a line" (HTTP 500).
 * Until that is fixed the benchmark shortens such a route by a few centimetres (and says so).
 */
const DEGENERATE_LAST_PIECE = `
  SELECT (ceil(len / m) > len / m AND len / m - floor(len / m) < 1e-9) AS degenerate
  FROM (SELECT len, greatest(5.0, len / 1000.0) AS m
        FROM (SELECT ST_Length(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326), 25832)) AS len) l) s`;

/** Builds the benchmark routes for a grid; the WGS84 coordinates come from PostGIS (ST_Transform). */
export async function buildRoutes(
  knex: Knex,
  grid: Grid,
  kms: readonly number[] = ROUTE_KMS,
  log: (line: string) => void = () => {},
): Promise<BenchRoute[]> {
  const routes: BenchRoute[] = [];
  for (const km of kms) {
    const utm = offsetLeft(centreLine(grid, km), 3);
    let geojson = "";
    for (let attempt = 0; ; attempt += 1) {
      const wkt = `LINESTRING(${utm.map(([x, y]) => `${x.toFixed(3)} ${y.toFixed(3)}`).join(", ")})`;
      const result = (await knex.raw("SELECT ST_AsGeoJSON(ST_Transform(ST_GeomFromText(?, 25832), 4326), 8) AS geojson", [wkt])) as {
        rows: { geojson: string }[];
      };
      geojson = result.rows[0]!.geojson;
      const check = (await knex.raw(DEGENERATE_LAST_PIECE, [geojson])) as { rows: { degenerate: boolean }[] };
      if (!check.rows[0]!.degenerate) break;
      if (attempt >= 5) throw new Error(`route of ${km} km: no length without a degenerate last piece found`);
      // pull the last vertex 5 cm back along the last leg
      const last = utm[utm.length - 1]!;
      const before = utm[utm.length - 2]!;
      const len = Math.hypot(last[0] - before[0], last[1] - before[1]);
      utm[utm.length - 1] = [last[0] - ((last[0] - before[0]) / len) * 0.05, last[1] - ((last[1] - before[1]) / len) * 0.05];
      log(
        `    Hinweis: ${km}-km-Trasse (${grid.label}) um 5 cm gekürzt — bei dieser Länge erzeugt check-sql.ts ein ` +
          `entartetes letztes Stück (ceil(len/step) = 1001, ST_LineSubstring(…, 1, 1) = POINT → HTTP 500).`,
      );
    }
    const geometry = JSON.parse(geojson) as { type: "LineString"; coordinates: number[][] };
    routes.push({
      km,
      label: `${km} km`,
      utm,
      body: { route: { type: "Feature", properties: { name: `Bench-Trasse ${km} km` }, geometry } },
    });
  }
  return routes;
}
