/**
 * Which Gemeinden a case belongs to: the sections of the check report that fall to the case's road
 * authority, summed per Gemeinde (8-digit AGS), plus — with 0 m — the Gemeinden of the road
 * crossings it must consent to (an authority whose road the route only crosses has no section, but
 * its case lies somewhere). Sections outside every known Gemeinde (no `gemeinde` in the report)
 * belong to no area. Kreis = the first 5 digits of the AGS, Land = the first 2. The dashboard counts
 * a case in every area it has a row in, with only the length inside that area.
 *
 * Written in the transaction that opens a case or moves it to a new application version, so the
 * rows always describe the version the case is on (migration 0010 backfilled older cases the same
 * way, from application_versions.check_report). case_facts holds the same per Land, Kreis
 * and Gemeinde with the case's figures (kept by trigger, migration 0011), so that the dashboard
 * reads one table without grouping per case.
 */
import type { Db } from "~/db.server";
import type { CheckReport } from "~/modules/checks/report";

const GEMEINDE_AGS = /^\d{8}$/;

/** The authority's length per Gemeinde in a check report, in metres, ordered by AGS. */
export function caseAreasOf(report: Pick<CheckReport, "sections">, authorityId: string): { ags: string; lengthM: number }[] {
  const byAgs = new Map<string, number>();
  for (const s of report.sections) {
    if (s.authority?.id !== authorityId || !s.gemeinde || !GEMEINDE_AGS.test(s.gemeinde.ags)) continue;
    byAgs.set(s.gemeinde.ags, (byAgs.get(s.gemeinde.ags) ?? 0) + (Number.isFinite(s.lengthM) ? Math.max(0, s.lengthM) : 0));
  }
  return [...byAgs.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([ags, lengthM]) => ({ ags, lengthM }));
}

/**
 * Replaces the case's areas by those of the report (call inside the case's transaction). The
 * Gemeinden of its crossings are found in admin_areas (the report gives only the point). The
 * case_facts rows follow by trigger (migration 0011).
 */
export async function writeCaseAreas(trx: Db, caseId: string, authorityId: string, report: Pick<CheckReport, "sections" | "crossings">): Promise<void> {
  await trx("case_areas").where({ case_id: caseId }).delete();
  const rows = caseAreasOf(report, authorityId).map((a) => ({ case_id: caseId, ags: a.ags, length_m: a.lengthM }));
  if (rows.length > 0) await trx("case_areas").insert(rows);
  const points = (report.crossings ?? []).filter((c) => c.kind === "road" && c.authority?.id === authorityId).map((c) => c.point);
  if (points.length === 0) return;
  await trx.raw(
    `INSERT INTO case_areas (case_id, ags, length_m)
     SELECT DISTINCT ?::uuid, g.ags, 0::double precision
     FROM jsonb_array_elements(?::jsonb) AS p(point)
     JOIN admin_areas g ON g.level = 'gemeinde' AND ST_Intersects(g.geom, ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(p.point::text), 4326), 25832))
     ON CONFLICT (case_id, ags) DO NOTHING`,
    [caseId, JSON.stringify(points)],
  );
}
