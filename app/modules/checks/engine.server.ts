import type { Db } from "~/db.server";
import { CHECK_SQL } from "./check-sql";
import type { CheckReport } from "./report";
import { CHECK_LIMITS, normaliseCheckRequest, type InputProblem, type NormalisedRoute, type Position } from "./schema";

export type CheckOutcome = { ok: true; report: CheckReport } | { ok: false; problems: InputProblem[] };

export interface CheckOptions {
  /** "today" for date-dependent rules (recently resurfaced roads); injectable for tests */
  asOf?: Date;
  /** an application's own route is no clash with itself */
  excludeApplicationId?: string;
}

/** Validates a request body and checks the route: what the CLI and the application service use. */
export async function checkRequest(db: Db, body: unknown, options: CheckOptions = {}): Promise<CheckOutcome> {
  const normalised = normaliseCheckRequest(body);
  if (!normalised.ok) return normalised;
  return checkRoute(db, normalised.route, options);
}

/** Runs the check in PostGIS. Nothing is stored. */
export async function checkRoute(db: Db, route: NormalisedRoute, options: CheckOptions = {}): Promise<CheckOutcome> {
  const outcome = await checkRouteAsJson(db, route, options);
  return outcome.ok ? { ok: true, report: JSON.parse(outcome.json) as CheckReport } : outcome;
}

/**
 * The same, with the report as the JSON text PostGIS built: the API sends it on unchanged, so a
 * large report is neither parsed nor serialised again in Node.
 */
export async function checkRequestAsJson(
  db: Db,
  body: unknown,
  options: CheckOptions = {},
): Promise<{ ok: true; json: string } | { ok: false; problems: InputProblem[] }> {
  const normalised = normaliseCheckRequest(body);
  if (!normalised.ok) return normalised;
  return checkRouteAsJson(db, normalised.route, options);
}

async function checkRouteAsJson(
  db: Db,
  route: NormalisedRoute,
  options: CheckOptions,
): Promise<{ ok: true; json: string } | { ok: false; problems: InputProblem[] }> {
  const approx = approximateLengthM(route);
  if (approx > CHECK_LIMITS.maxLengthM * 1.05) {
    return {
      ok: false,
      problems: [{ path: "route", message: `Die Trasse ist etwa ${Math.round(approx / 1000)} km lang; geprüft werden höchstens ${CHECK_LIMITS.maxLengthM / 1000} km je Anfrage. Bitte in Abschnitte teilen.` }],
    };
  }
  const result = await db.raw(CHECK_SQL, {
    parts: JSON.stringify(
      route.parts.map((p) => ({ featureIndex: p.featureIndex, coordinates: p.coordinates, method: p.method, depthM: p.depthM })),
    ),
    srid: route.srid,
    period_start: route.period?.start ?? null,
    period_end: route.period?.end ?? null,
    as_of: (options.asOf ?? new Date()).toISOString().slice(0, 10),
    exclude_application: options.excludeApplicationId ?? null,
  });
  const row = result.rows[0] as { length_m: number; outside_m: number; report: string };
  if (row.length_m > CHECK_LIMITS.maxLengthM) {
    return { ok: false, problems: [{ path: "route", message: `Die Trasse ist ${Math.round(row.length_m / 1000)} km lang; erlaubt sind höchstens ${CHECK_LIMITS.maxLengthM / 1000} km.` }] };
  }
  if (row.length_m > 0 && row.outside_m >= row.length_m - 1) {
    return { ok: false, problems: [{ path: "route", message: "Die Trasse liegt vollständig außerhalb des Portalgebiets (Hessen und Rheinland-Pfalz). Ist das Koordinatensystem richtig angegeben?" }] };
  }
  return { ok: true, json: row.report };
}

const EARTH_RADIUS_M = 6_371_008.8;

/** A quick length estimate before the database is asked, so oversized routes are refused cheaply. */
function approximateLengthM(route: NormalisedRoute): number {
  const toLonLat = (p: Position): Position =>
    route.srid === 3857 ? [(p[0] / 6378137) * (180 / Math.PI), (2 * Math.atan(Math.exp(p[1] / 6378137)) - Math.PI / 2) * (180 / Math.PI)] : p;
  const geographic = route.srid === 4326 || route.srid === 4258 || route.srid === 3857;
  let total = 0;
  for (const part of route.parts) {
    for (let i = 1; i < part.coordinates.length; i += 1) {
      const a = part.coordinates[i - 1]!;
      const b = part.coordinates[i]!;
      total += geographic ? haversine(toLonLat(a), toLonLat(b)) : Math.hypot(b[0] - a[0], b[1] - a[1]);
    }
  }
  return total;
}

function haversine([lon1, lat1]: Position, [lon2, lat2]: Position): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h));
}
