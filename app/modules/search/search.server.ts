import type { Db } from "~/db.server";
import { SEARCH_LIMIT, type SearchKind, type SearchResult } from "./types";

/** LIKE treats % and _ as wildcards and \ as escape: a user's "50%" means the characters. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}

interface Row {
  label: string;
  prefix: boolean;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
}

/**
 * Gemeinden by name and streets (road name or ref, grouped per Gemeinde) matching the query;
 * prefix matches first, Gemeinden before streets. Case-insensitive (ILIKE), no index needed for
 * the demo; a large road network wants a pg_trgm index on roads.name.
 */
export async function search(db: Db, query: string, limit = SEARCH_LIMIT): Promise<SearchResult[]> {
  const q = escapeLike(query.trim());
  const contains = `%${q}%`;
  const prefix = `${q}%`;
  const gemeinden = await db.raw<{ rows: Row[] }>(
    `SELECT a.name AS label, a.name ILIKE ? AS prefix,
       ST_XMin(b) AS min_lon, ST_YMin(b) AS min_lat, ST_XMax(b) AS max_lon, ST_YMax(b) AS max_lat
     FROM admin_areas a, LATERAL (SELECT Box2D(ST_Transform(a.geom, 4326)) AS b) t
     WHERE a.level = 'gemeinde' AND a.name ILIKE ?
     ORDER BY 2 DESC, length(a.name), a.name
     LIMIT ?`,
    [prefix, contains, limit],
  );
  // A street belongs to the Gemeinde holding its midpoint; one hit per name and Gemeinde.
  const streets = await db.raw<{ rows: Row[] }>(
    `SELECT concat_ws(', ', s.name, s.gemeinde) AS label, s.name ILIKE ? AS prefix,
       ST_XMin(s.b) AS min_lon, ST_YMin(s.b) AS min_lat, ST_XMax(s.b) AS max_lon, ST_YMax(s.b) AS max_lat
     FROM (
       SELECT CASE WHEN r.name ILIKE ? THEN r.name ELSE r.ref END AS name, g.name AS gemeinde,
         ST_Extent(ST_Transform(r.geom, 4326)) AS b
       FROM roads r
       LEFT JOIN LATERAL (
         SELECT a.name FROM admin_areas a
         WHERE a.level = 'gemeinde' AND ST_Intersects(a.geom, ST_LineInterpolatePoint(r.geom, 0.5))
         ORDER BY a.ags LIMIT 1
       ) g ON true
       WHERE r.name ILIKE ? OR r.ref ILIKE ?
       GROUP BY 1, 2
     ) s
     ORDER BY 2 DESC, length(s.name), s.name, s.gemeinde
     LIMIT ?`,
    [prefix, contains, contains, contains, limit],
  );
  const toResult = (kind: SearchKind) => (r: Row) => ({
    kind,
    prefix: r.prefix,
    label: r.label,
    bbox: [r.min_lon, r.min_lat, r.max_lon, r.max_lat].map((v) => Math.round(Number(v) * 1e6) / 1e6) as SearchResult["bbox"],
  });
  const ranked = [...gemeinden.rows.map(toResult("gemeinde")), ...streets.rows.map(toResult("street"))];
  // stable sort: prefix hits first, within each group Gemeinden before streets as fetched
  ranked.sort((a, b) => Number(b.prefix) - Number(a.prefix));
  return ranked.slice(0, limit).map(({ kind, label, bbox }) => ({ kind, label, bbox }));
}
