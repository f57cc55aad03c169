import type { Db } from "~/db.server";
import type { AuthorityLevel } from "~/modules/auth/roles";

export interface AuthorityFilter {
  roadIds?: number[];
  source?: string;
  /** only roads without an authority yet (keeps a re-run of the demo seed from touching anything) */
  unassignedOnly?: boolean;
}

export interface AuthorityAssignment {
  /** roads that now have a Straßenbaulastträger */
  assigned: number;
  /** roads outside every Gemeinde, without a public-road rule or without a registered authority */
  unassigned: number;
  /** assigned roads per level of the responsible authority */
  byLevel: Partial<Record<AuthorityLevel, number>>;
}

/**
 * Sets roads.authority_id from the data: the Gemeinde around the road's midpoint (or the nearest
 * within 50 m, for gaps between generalised boundaries), the first authority_rules row by
 * priority that fits the road class, Land, Ortsdurchfahrt and population, and the active
 * road-authority organisation of the rule's level for that place. A Kreis-level road in a
 * kreisfreie Stadt falls to the city. Without a filter, every road is reassigned.
 */
export async function assignRoadAuthorities(db: Db, filter: AuthorityFilter = {}): Promise<AuthorityAssignment> {
  const conditions: string[] = [];
  const bindings: (string | number)[] = [];
  if (filter.roadIds) {
    conditions.push("r.id IN (SELECT json_array_elements_text(?::json)::bigint)");
    bindings.push(JSON.stringify(filter.roadIds));
  }
  if (filter.unassignedOnly) conditions.push("r.authority_id IS NULL");
  if (filter.source !== undefined) {
    conditions.push("r.source = ?");
    bindings.push(filter.source);
  }
  const where = conditions.length > 0 ? conditions.join(" AND ") : "true";

  const result = await db.raw<{ rows: { level: AuthorityLevel | null; assigned: boolean; roads: number }[] }>(
    `WITH target AS (
       SELECT r.id, r.road_class, r.ortsdurchfahrt, ST_LineInterpolatePoint(r.geom, 0.5) AS mid
       FROM roads r WHERE ${where}
     ),
     located AS (
       SELECT t.id, t.road_class, t.ortsdurchfahrt, g.ags, g.state, g.population
       FROM target t
       LEFT JOIN LATERAL (
         SELECT a.ags, a.state, a.population FROM admin_areas a
         WHERE a.level = 'gemeinde' AND ST_DWithin(a.geom, t.mid, 50)
         ORDER BY ST_Distance(a.geom, t.mid), a.ags
         LIMIT 1
       ) g ON true
     ),
     ruled AS (
       SELECT l.id, l.ags, l.state, rule.responsible_level AS level
       FROM located l
       LEFT JOIN LATERAL (
         SELECT ar.responsible_level FROM authority_rules ar
         WHERE l.ags IS NOT NULL AND ar.road_class = l.road_class
           AND (ar.state IS NULL OR ar.state = l.state)
           AND (ar.ortsdurchfahrt IS NULL OR ar.ortsdurchfahrt = l.ortsdurchfahrt)
           AND (ar.min_population IS NULL OR l.population > ar.min_population)
         ORDER BY ar.priority
         LIMIT 1
       ) rule ON true
     ),
     resolved AS (
       SELECT r.id, r.level, org.id AS authority_id
       FROM ruled r
       LEFT JOIN LATERAL (
         SELECT o.id FROM organisations o
         WHERE o.kind = 'road_authority' AND o.is_active AND (
              (r.level = 'gemeinde' AND o.authority_level = 'gemeinde' AND o.ags = r.ags)
           OR (r.level = 'kreis' AND o.authority_level = 'kreis' AND o.ags = left(r.ags, 5))
           OR (r.level = 'kreis' AND o.authority_level = 'gemeinde' AND o.ags = left(r.ags, 5) || '000')
           OR (r.level = 'land' AND o.authority_level = 'land' AND o.state = r.state)
           OR (r.level = 'bund' AND o.authority_level = 'bund'))
         -- the Kreis before the kreisfreie Stadt, an agency of the same Land first
         ORDER BY o.authority_level = r.level DESC, o.state IS NOT DISTINCT FROM r.state DESC, o.created_at, o.id
         LIMIT 1
       ) org ON true
     ),
     updated AS (
       UPDATE roads SET authority_id = resolved.authority_id
       FROM resolved
       WHERE roads.id = resolved.id AND roads.authority_id IS DISTINCT FROM resolved.authority_id
       RETURNING roads.id
     )
     SELECT level, authority_id IS NOT NULL AS assigned, count(*)::int AS roads
     FROM resolved GROUP BY 1, 2`,
    bindings,
  );

  const summary: AuthorityAssignment = { assigned: 0, unassigned: 0, byLevel: {} };
  for (const row of result.rows) {
    if (!row.assigned) summary.unassigned += row.roads;
    else {
      summary.assigned += row.roads;
      if (row.level) summary.byLevel[row.level] = (summary.byLevel[row.level] ?? 0) + row.roads;
    }
  }
  return summary;
}
