/**
 * Completion notices as coverage events. When an operator reports completion with the homes
 * passed, the homes are attributed to the Gemeinden the as-built route runs through
 * (admin_areas, level 'gemeinde', by ST_Intersects), **split by the route's length in each
 * Gemeinde**: a route of 3 km in A and 1 km in B gives A ¾ and B ¼ of the homes. Homes are whole
 * numbers, so the split uses the largest-remainder method and always adds up to what was reported.
 * Length is a proxy — the operator does not say where the homes are — but it neither hands
 * everything to one Gemeinde nor loses homes. A route in no known Gemeinde is kept as one
 * 'unlocated' event (ags NULL): visible, but counted nowhere.
 *
 * Written in the completion's transaction; each event names the application it came from.
 */
import type { Db } from "~/db.server";

export interface CoverageEvent {
  id: string;
  applicationId: string;
  applicationTitle: string;
  /** null: the route lies in no Gemeinde the portal knows */
  ags: string | null;
  gemeindeName: string | null;
  occurredOn: string;
  homesPassed: number;
  homesPassedReported: number;
  allocation: "route_length" | "unlocated";
  routeLengthM: number;
  routeShare: number;
  recordedAt: string;
}

export interface Allocation {
  ags: string;
  lengthM: number;
  share: number;
  homes: number;
}

/**
 * Splits `homes` in proportion to the lengths (largest remainder; ties go to the longer part,
 * then the lower AGS). Parts of length 0 are dropped. The homes always add up to `homes`.
 */
export function allocateByLength(homes: number, parts: readonly { ags: string; lengthM: number }[]): Allocation[] {
  const positive = parts.filter((p) => p.lengthM > 0);
  const total = positive.reduce((sum, p) => sum + p.lengthM, 0);
  if (total <= 0) return [];
  const exact = positive.map((p) => ({ ...p, share: p.lengthM / total, exact: (homes * p.lengthM) / total }));
  const allocated = exact.map((p) => ({ ...p, homes: Math.floor(p.exact) }));
  let left = homes - allocated.reduce((sum, p) => sum + p.homes, 0);
  const byRemainder = [...allocated].sort(
    (a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || b.lengthM - a.lengthM || a.ags.localeCompare(b.ags),
  );
  for (const part of byRemainder) {
    if (left <= 0) break;
    part.homes += 1;
    left -= 1;
  }
  return allocated.map(({ ags, lengthM, share, homes: h }) => ({ ags, lengthM, share, homes: h })).sort((a, b) => a.ags.localeCompare(b.ags));
}

/**
 * Records the homes passed of a completed application per Gemeinde. Reads the as-built route from
 * the application row, so call it after the completion update, in the same transaction. Nothing is
 * recorded for 0 homes.
 */
export async function recordCompletionCoverage(
  trx: Db,
  input: { applicationId: string; completedOn: string; homesPassed: number; recordedBy: string | null; recordedAt: Date },
): Promise<Allocation[]> {
  if (input.homesPassed <= 0) return [];
  const { rows } = await trx.raw<{ rows: { ags: string; length_m: number; route_length_m: number | null }[] }>(
    `SELECT g.ags, ST_Length(ST_Intersection(g.geom, a.as_built_route)) AS length_m, ST_Length(a.as_built_route) AS route_length_m
     FROM applications a
     LEFT JOIN admin_areas g ON g.level = 'gemeinde' AND ST_Intersects(g.geom, a.as_built_route)
     WHERE a.id = ?
     ORDER BY g.ags`,
    [input.applicationId],
  );
  if (rows.length === 0) throw new Error(`application ${input.applicationId} not found`);
  const allocations = allocateByLength(
    input.homesPassed,
    rows.filter((r) => r.ags !== null).map((r) => ({ ags: r.ags, lengthM: Number(r.length_m) })),
  );
  const common = {
    kind: "completion",
    application_id: input.applicationId,
    occurred_on: input.completedOn,
    homes_passed_reported: input.homesPassed,
    recorded_by: input.recordedBy,
    recorded_at: input.recordedAt,
  };
  if (allocations.length === 0) {
    await trx("coverage_events").insert({
      ...common,
      ags: null,
      homes_passed: input.homesPassed,
      allocation: "unlocated",
      route_length_m: Number(rows[0]!.route_length_m ?? 0),
      route_share: 1,
    });
    return [];
  }
  await trx("coverage_events").insert(
    allocations.map((a) => ({ ...common, ags: a.ags, homes_passed: a.homes, allocation: "route_length", route_length_m: a.lengthM, route_share: a.share })),
  );
  return allocations;
}

interface EventRow {
  id: string;
  application_id: string;
  application_title: string;
  ags: string | null;
  gemeinde_name: string | null;
  occurred_on: string;
  homes_passed: number;
  homes_passed_reported: number;
  allocation: CoverageEvent["allocation"];
  route_length_m: number;
  route_share: number;
  recorded_at: Date | string;
}

/** Coverage events of an application, or of a Gemeinde (optionally after one date and up to another), oldest first. */
export async function listCoverageEvents(db: Db, filter: { applicationId: string } | { ags: string; after?: string; upTo?: string }): Promise<CoverageEvent[]> {
  const query = db("coverage_events as e")
    .join("applications as a", "a.id", "e.application_id")
    .leftJoin("admin_areas as g", "g.ags", "e.ags")
    .orderBy([{ column: "e.occurred_on" }, { column: "e.id" }])
    .select(
      db.raw("e.id::text AS id"),
      "e.application_id",
      "a.title as application_title",
      "e.ags",
      "g.name as gemeinde_name",
      db.raw("e.occurred_on::text AS occurred_on"),
      "e.homes_passed",
      "e.homes_passed_reported",
      "e.allocation",
      "e.route_length_m",
      "e.route_share",
      "e.recorded_at",
    );
  if ("applicationId" in filter) query.where("e.application_id", filter.applicationId);
  else {
    query.where("e.ags", filter.ags);
    if (filter.after) query.where("e.occurred_on", ">", filter.after);
    if (filter.upTo) query.where("e.occurred_on", "<=", filter.upTo);
  }
  const rows: EventRow[] = await query;
  return rows.map(eventFrom);
}

export function eventFrom(row: EventRow): CoverageEvent {
  return {
    id: row.id,
    applicationId: row.application_id,
    applicationTitle: row.application_title,
    ags: row.ags,
    gemeindeName: row.gemeinde_name,
    occurredOn: row.occurred_on,
    homesPassed: row.homes_passed,
    homesPassedReported: row.homes_passed_reported,
    allocation: row.allocation,
    routeLengthM: Number(row.route_length_m),
    routeShare: Number(row.route_share),
    recordedAt: new Date(row.recorded_at).toISOString(),
  };
}
