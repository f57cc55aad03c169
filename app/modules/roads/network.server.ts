import type { Db } from "~/db.server";
import { applyScope } from "~/modules/auth/scope.server";
import type { Principal } from "~/modules/auth/session.server";
import { ROAD_CLASSES, type RoadClass } from "./classes";

export interface RoadClassLength {
  roadClass: RoadClass;
  segments: number;
  lengthKm: number;
  ortsdurchfahrtKm: number;
}

/** Kilometres of road per class that the principal may see (a road authority: the roads it owns). */
export async function roadNetworkSummary(db: Db, principal: Principal): Promise<RoadClassLength[]> {
  const query = db("roads")
    .select(
      "road_class",
      db.raw("count(*)::int as segments"),
      db.raw("round((sum(ST_Length(geom)) / 1000)::numeric, 1)::float8 as length_km"),
      db.raw("round((coalesce(sum(ST_Length(geom)) filter (where ortsdurchfahrt), 0) / 1000)::numeric, 1)::float8 as od_km"),
    )
    .groupBy("road_class");
  const rows = await applyScope(query, principal, { authority: "roads.authority_id" });
  return rows
    .map((r) => ({ roadClass: r.road_class, segments: r.segments, lengthKm: r.length_km, ortsdurchfahrtKm: r.od_km }))
    .sort((a, b) => ROAD_CLASSES.indexOf(a.roadClass) - ROAD_CLASSES.indexOf(b.roadClass));
}

export interface RegionSummary {
  gemeinden: number;
  kreise: number;
  households: number;
  population: number;
  authorities: { level: string; count: number }[];
}

/** Figures of the whole portal area, for state staff. */
export async function regionSummary(db: Db): Promise<RegionSummary> {
  const areas = await db("admin_areas")
    .first(
      db.raw("count(*) filter (where level = 'gemeinde')::int as gemeinden"),
      db.raw("count(*) filter (where level = 'kreis')::int as kreise"),
      db.raw("coalesce(sum(households) filter (where level = 'gemeinde'), 0)::int as households"),
      db.raw("coalesce(sum(population) filter (where level = 'gemeinde'), 0)::int as population"),
    );
  const authorities = await db("organisations")
    .where({ kind: "road_authority", is_active: true })
    .groupBy("authority_level")
    .orderBy("authority_level")
    .select("authority_level as level", db.raw("count(*)::int as count"));
  return {
    gemeinden: areas?.gemeinden ?? 0,
    kreise: areas?.kreise ?? 0,
    households: areas?.households ?? 0,
    population: areas?.population ?? 0,
    authorities,
  };
}
