import type { Db } from "~/db.server";
import type { Principal } from "~/modules/auth/session.server";
import { CASE_STATUS_LABELS, type CaseStatus } from "~/modules/applications/schema";
import type { AreaLevel, DashboardFilter } from "./model";

/** Who may see the dashboard's detail (cases, authorities): state staff and platform admins. */
export function canSeeDashboard(principal: Principal): boolean {
  return principal.role === "state_analyst" || principal.role === "platform_admin";
}

/** Simplification per level in metres: enough for a choropleth, small enough to send 2,800 Gemeinden. */
const TOLERANCE_M: Record<AreaLevel, number> = { land: 500, kreis: 200, gemeinde: 60 };

/** The outlines of the areas a dashboard view shows, as WGS84 GeoJSON geometries (5 decimals ≈ 1 m). */
export async function areaShapes(db: Db, level: AreaLevel, within: string | null): Promise<Map<string, GeoJSON.Geometry>> {
  const rows: { ags: string; geometry: GeoJSON.Geometry }[] = await db("admin_areas")
    .where({ level })
    .modify((q) => {
      if (within) q.where("ags", "like", `${within}%`);
    })
    .select("ags", db.raw("ST_AsGeoJSON(ST_Transform(ST_SimplifyPreserveTopology(geom, ?), 4326), 5)::json AS geometry", [TOLERANCE_M[level]]));
  return new Map(rows.map((r) => [r.ags, r.geometry]));
}

export interface AreaCase {
  id: string;
  fileNumber: string;
  authorityName: string;
  status: CaseStatus;
  statusLabel: string;
  receivedOn: string;
  decidedOn: string | null;
  decisionDueOn: string | null;
  processingDays: number | null;
  lengthInAreaM: number;
}

/**
 * The last step of the drill-down: the cases with route in one Gemeinde that were received or
 * decided in the range, or are still open. File numbers and authorities, no applicant data.
 */
export async function listAreaCases(db: Db, ags: string, filter: DashboardFilter): Promise<AreaCase[]> {
  const rows = await db("case_areas as ca")
    .join("cases as c", "c.id", "ca.case_id")
    .join("organisations as o", "o.id", "c.authority_id")
    .where("ca.ags", ags)
    .where((q) =>
      q
        .whereBetween("c.received_on", [filter.from, filter.to])
        .orWhereBetween("c.decided_on", [filter.from, filter.to])
        .orWhereIn("c.status", ["submitted", "incomplete", "in_review"]),
    )
    .orderBy([{ column: "c.received_at", order: "desc" }, { column: "c.file_number" }])
    .limit(2000)
    .select(
      "c.id",
      "c.file_number",
      "o.name as authority_name",
      "c.status",
      db.raw("c.received_on::text AS received_on"),
      db.raw("c.decided_on::text AS decided_on"),
      db.raw("c.decision_due_on::text AS decision_due_on"),
      db.raw("c.decided_on - c.received_on AS processing_days"),
      "ca.length_m",
    );
  return rows.map((r) => ({
    id: r.id,
    fileNumber: r.file_number,
    authorityName: r.authority_name,
    status: r.status,
    statusLabel: CASE_STATUS_LABELS[r.status as CaseStatus],
    receivedOn: r.received_on,
    decidedOn: r.decided_on ?? null,
    decisionDueOn: r.decision_due_on ?? null,
    processingDays: r.processing_days === null ? null : Number(r.processing_days),
    lengthInAreaM: Math.round(Number(r.length_m)),
  }));
}
