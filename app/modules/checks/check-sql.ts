/**
 * The route check as one SQL statement, so the database does all geometry work in one round trip
 * and the HTTP layer only forwards its JSON. Named bindings: :parts (JSON array of
 * {featureIndex, coordinates, method, depthM}), :srid, :period_start, :period_end, :as_of,
 * :exclude_application.
 *
 * How a route becomes sections: each drawn line is cut into pieces of ≥ 5 m (about 800 per
 * route at most); each piece is matched to the nearest road within the match distance whose direction is
 * within 35° of the piece's (so a route on the sidewalk follows its street, and a perpendicular
 * pass over a road does not become part of it); consecutive pieces with the same authority,
 * Gemeinde and road class form a section (gaps and islands). Spatial joins probe GiST indexes
 * with piece- or chunk-sized boxes (a chunk = 20 pieces), so the cost grows with the route, not
 * with the network; Gemeinden are tested with each polygon held while all pieces pass it, so
 * PostGIS's prepared-geometry cache is used. The result is returned as JSON text.
 */
const ANGLE = "radians(35)";
/** Smallest angle between two azimuths, ignoring direction (0 … π/2). */
const angleBetween = (a: string, b: string) =>
  `(SELECT least(d, pi() - d) FROM (SELECT abs(${a} - ${b}) - floor(abs(${a} - ${b}) / pi()) * pi() AS d) x)`;
/** Azimuth of a line around the point at fraction f (±2 m). */
const azimuthAt = (line: string, f: string, len: string) =>
  `ST_Azimuth(ST_LineInterpolatePoint(${line}, greatest(${f} - 2.0 / ${len}, 0)), ST_LineInterpolatePoint(${line}, least(${f} + 2.0 / ${len}, 1)))`;
const severityRank = (col: string) =>
  `CASE ${col} WHEN 'blocking' THEN 0 WHEN 'permit_required' THEN 1 WHEN 'warning' THEN 2 ELSE 3 END`;
/** WGS84 GeoJSON with 6 decimals (~0.1 m); collinear piece vertices are simplified away first. */
const wgs84 = (geom: string) => `ST_AsGeoJSON(ST_Transform(ST_Simplify(${geom}, 0.05), 4326), 6)::json`;
const metres = (expr: string) => `round((${expr})::numeric, 1)::float8`;
const authorityJson = (alias: string) =>
  `CASE WHEN ${alias}.id IS NULL THEN NULL ELSE json_build_object('id', ${alias}.id, 'name', ${alias}.name, 'level', ${alias}.authority_level) END`;
/** A rule applies in its authority's area; an authority's own rule replaces the default of the same code there. */
const ruleApplies = (rule: string, authority: string) => `(
  (${rule}.authority_id IS NULL AND NOT EXISTS (
     SELECT 1 FROM check_rules o WHERE o.is_active AND o.code = ${rule}.code AND o.authority_id = ${authority}))
  OR ${rule}.authority_id = ${authority})`;

export const CHECK_SQL = `
WITH
settings AS (
  SELECT
    coalesce((SELECT (value #>> '{}')::float8 FROM portal_settings WHERE key = 'check.road_match_distance_m'), 20) AS match_m,
    coalesce((SELECT (value #>> '{}')::float8 FROM portal_settings WHERE key = 'check.clash_distance_m'), 30) AS clash_m
),
parts AS (
  SELECT (p->>'featureIndex')::int AS fi, (ord - 1)::int AS pi,
         coalesce(p->>'method', 'open_trench') AS method,
         (p->>'depthM')::float8 AS depth_m,
         ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(
           json_build_object('type', 'LineString', 'coordinates', p->'coordinates')::text), :srid::int), 25832) AS geom
  FROM json_array_elements(:parts::json) WITH ORDINALITY AS t(p, ord)
),
route AS (SELECT ST_Collect(geom) AS geom, sum(ST_Length(geom)) AS length_m FROM parts),
step AS (SELECT greatest(5.0, length_m / 800.0) AS m FROM route),
-- cnt equal pieces per part; the epsilon keeps 1000.0000000001 from making a zero-length last piece
part_pieces AS (
  SELECT p.*, greatest(ceil(ST_Length(p.geom) / s.m - 1e-9)::int, 1) AS cnt
  FROM parts p CROSS JOIN step s
  WHERE ST_Length(p.geom) > 0
),
pieces AS (
  SELECT pp.fi, pp.pi, pp.method, n AS ni,
         ST_LineSubstring(pp.geom, n::float8 / pp.cnt, (n + 1)::float8 / pp.cnt) AS geom
  FROM part_pieces pp CROSS JOIN LATERAL generate_series(0, pp.cnt - 1) AS n
),
chunks AS (
  SELECT pp.fi, pp.pi, c AS ci,
         ST_LineSubstring(pp.geom, (c * 20)::float8 / pp.cnt, least((c + 1) * 20, pp.cnt)::float8 / pp.cnt) AS geom
  FROM part_pieces pp CROSS JOIN LATERAL generate_series(0, (pp.cnt - 1) / 20) AS c
),
piece_geo AS (
  SELECT pc.*, ST_LineInterpolatePoint(pc.geom, 0.5) AS mid,
         ST_Azimuth(ST_StartPoint(pc.geom), ST_EndPoint(pc.geom)) AS az
  FROM pieces pc
),
route_gemeinden AS MATERIALIZED (
  SELECT a.ags, a.name, a.geom FROM admin_areas a, route rt
  WHERE a.level = 'gemeinde' AND ST_Intersects(a.geom, rt.geom)
),
matched AS (
  SELECT pg.fi, pg.pi, pg.ni, pg.method, pg.geom, pg.az,
         r.id AS road_id, r.road_class, r.authority_id, r.name, r.ref, r.bridge, r.tunnel, r.surface
  FROM piece_geo pg
  CROSS JOIN settings st
  LEFT JOIN LATERAL (
    SELECT c.id, c.road_class, c.authority_id, c.name, c.ref, c.bridge, c.tunnel, c.surface
    FROM (
      -- the index finds the roads within reach first (OFFSET 0 keeps the direction test after it)
      SELECT r.*, ST_Distance(r.geom, pg.mid) AS dist FROM roads r
      WHERE ST_DWithin(r.geom, pg.mid, st.match_m) OFFSET 0
    ) c
    CROSS JOIN LATERAL (SELECT ST_LineLocatePoint(c.geom, pg.mid) AS f, greatest(ST_Length(c.geom), 0.01) AS len) loc
    WHERE ${angleBetween(azimuthAt("c.geom", "loc.f", "loc.len"), "pg.az")} < ${ANGLE}
    ORDER BY c.dist, c.id
    LIMIT 1
  ) r ON true
),
first_pass AS (
  SELECT m.*, m.road_id IS NOT NULL AS on_road,
         row_number() OVER (PARTITION BY m.fi, m.pi ORDER BY m.ni)
         - row_number() OVER (PARTITION BY m.fi, m.pi, m.road_id IS NOT NULL, m.authority_id, m.road_class ORDER BY m.ni) AS grp
  FROM matched m
),
islands AS (
  SELECT fi, pi, grp, on_road, authority_id, road_class, min(ni) AS first_ni, max(ni) AS last_ni, sum(ST_Length(geom)) AS len
  FROM first_pass GROUP BY fi, pi, grp, on_road, authority_id, road_class
),
blips AS (
  -- a short island between two longer islands of the same kind is junction noise (a side street
  -- joining at a shallow angle, a gap in the road data): it takes its neighbours' kind
  SELECT c.fi, c.pi, c.first_ni, c.last_ni, c.p_on AS on_road, c.p_auth AS authority_id, c.p_class AS road_class
  FROM (
    SELECT i.*,
           lag(on_road) OVER w AS p_on, lag(authority_id) OVER w AS p_auth, lag(road_class) OVER w AS p_class,
           lag(len) OVER w AS p_len,
           lead(on_road) OVER w AS n_on, lead(authority_id) OVER w AS n_auth, lead(road_class) OVER w AS n_class,
           lead(len) OVER w AS n_len
    FROM islands i
    WINDOW w AS (PARTITION BY fi, pi ORDER BY first_ni)
  ) c
  CROSS JOIN step s
  WHERE (c.len < greatest(15, 1.5 * s.m) OR (c.len <= 50 AND c.len * 2 <= least(c.p_len, c.n_len)))
    AND c.p_on IS NOT NULL AND c.n_on IS NOT NULL AND c.p_on = c.n_on
    AND c.p_auth IS NOT DISTINCT FROM c.n_auth AND c.p_class IS NOT DISTINCT FROM c.n_class
),
smoothed AS (
  SELECT fp.fi, fp.pi, fp.ni, fp.method, fp.geom,
         coalesce(b.on_road, fp.on_road) AS on_road,
         CASE WHEN b.fi IS NULL THEN fp.authority_id ELSE b.authority_id END AS authority_id,
         CASE WHEN b.fi IS NULL THEN fp.road_class ELSE b.road_class END AS road_class,
         CASE WHEN b.fi IS NULL THEN fp.name END AS name,
         CASE WHEN b.fi IS NULL THEN fp.ref END AS ref,
         fp.bridge, fp.tunnel, fp.surface
  FROM first_pass fp
  LEFT JOIN blips b ON b.fi = fp.fi AND b.pi = fp.pi AND fp.ni BETWEEN b.first_ni AND b.last_ni
),
keyed AS (
  SELECT sm.*,
         row_number() OVER (PARTITION BY sm.fi, sm.pi ORDER BY sm.ni)
         - row_number() OVER (PARTITION BY sm.fi, sm.pi, sm.on_road, sm.authority_id, sm.road_class ORDER BY sm.ni) AS grp
  FROM smoothed sm
),
groups AS (
  SELECT k.fi, k.pi, k.grp, k.on_road, k.authority_id, k.road_class,
         min(k.method) AS method, min(k.ni) AS first_ni,
         ST_LineMerge(ST_Collect(k.geom ORDER BY k.ni)) AS geom,
         sum(ST_Length(k.geom)) AS length_m,
         coalesce(bool_or(k.bridge), false) AS bridge, coalesce(bool_or(k.tunnel), false) AS tunnel,
         array_remove(array_agg(DISTINCT k.surface), NULL) AS surfaces,
         jsonb_agg(DISTINCT jsonb_build_object('name', k.name, 'ref', k.ref)) FILTER (WHERE k.on_road AND (k.name IS NOT NULL OR k.ref IS NOT NULL)) AS roads
  FROM keyed k
  GROUP BY k.fi, k.pi, k.grp, k.on_road, k.authority_id, k.road_class
),
-- road stretches are cut exactly at Gemeinde boundaries: intersected with the Gemeinden the route touches
gemeinde_raw AS (
  SELECT g.fi, g.pi, g.grp, rg.ags, rg.name AS gemeinde_name, ST_CollectionExtract(ST_Intersection(g.geom, rg.geom), 2) AS geom
  FROM groups g
  JOIN route_gemeinden rg ON g.on_road AND ST_Intersects(rg.geom, g.geom)
),
gemeinde_parts AS (
  -- a street on a boundary lies in both Gemeinden; it is counted once, for the lower AGS
  SELECT r.fi, r.pi, r.grp, r.ags, r.gemeinde_name, x.geom
  FROM gemeinde_raw r
  CROSS JOIN LATERAL (SELECT ST_LineMerge(coalesce(ST_Difference(r.geom, (
      SELECT ST_Union(o.geom) FROM gemeinde_raw o WHERE o.fi = r.fi AND o.pi = r.pi AND o.grp = r.grp AND o.ags < r.ags)), r.geom)) AS geom) x
  WHERE ST_Length(x.geom) > 0.5
),
covered AS (SELECT fi, pi, grp, sum(ST_Length(geom)) AS length_m FROM gemeinde_parts GROUP BY fi, pi, grp),
split AS (
  SELECT g.fi, g.pi, g.first_ni, g.authority_id, g.road_class, g.method, g.bridge, g.tunnel, g.surfaces, g.roads,
         gp.ags, gp.gemeinde_name, coalesce(gp.geom, g.geom) AS geom
  FROM groups g
  LEFT JOIN gemeinde_parts gp ON gp.fi = g.fi AND gp.pi = g.pi AND gp.grp = g.grp
  WHERE g.on_road
  UNION ALL
  -- the part of a stretch that lies in no Gemeinde (outside the portal area, or a gap in the boundaries)
  SELECT g.fi, g.pi, g.first_ni, g.authority_id, g.road_class, g.method, g.bridge, g.tunnel, g.surfaces, g.roads,
         NULL, NULL, ST_Difference(g.geom, (SELECT ST_Union(geom) FROM route_gemeinden))
  FROM groups g JOIN covered c ON c.fi = g.fi AND c.pi = g.pi AND c.grp = g.grp
  WHERE g.on_road AND c.length_m < g.length_m - 0.5
),
sections AS (
  SELECT sp.*, ST_Length(sp.geom) AS length_m,
         (row_number() OVER (ORDER BY sp.fi, sp.pi, sp.first_ni,
            ST_LineLocatePoint(pp.geom, ST_PointN(ST_GeometryN(sp.geom, 1), 1))) - 1)::int AS section_index
  FROM split sp JOIN part_pieces pp ON pp.fi = sp.fi AND pp.pi = sp.pi
),
method_findings AS (
  SELECT DISTINCT ON (s.section_index, ru.code)
         ru.code, ru.severity, ru.message, ru.legal_basis, s.section_index, s.fi
  FROM sections s
  JOIN check_rules ru ON ru.is_active AND ru.kind = 'method' AND ru.road_filter IS NOT NULL
   AND (ru.methods IS NULL OR s.method = ANY (ru.methods))
   AND (ru.road_filter->'road_class' IS NULL OR ru.road_filter->'road_class' @> to_jsonb(s.road_class))
   AND (ru.road_filter->'bridge' IS NULL OR (ru.road_filter->>'bridge')::boolean = s.bridge)
   AND (ru.road_filter->'tunnel' IS NULL OR (ru.road_filter->>'tunnel')::boolean = s.tunnel)
   AND (ru.road_filter->'surface' IS NULL OR EXISTS (
         SELECT 1 FROM unnest(s.surfaces) su WHERE ru.road_filter->'surface' @> to_jsonb(su)))
   AND ${ruleApplies("ru", "s.authority_id")}
  ORDER BY s.section_index, ru.code, ru.authority_id NULLS LAST
),
depth_findings AS (
  SELECT DISTINCT ON (p.fi, ru.code) ru.code, ru.severity, ru.message, ru.legal_basis, p.fi
  FROM parts p
  JOIN check_rules ru ON ru.is_active AND ru.kind = 'method' AND ru.min_depth_m IS NOT NULL AND ru.authority_id IS NULL
   AND p.depth_m < ru.min_depth_m AND (ru.methods IS NULL OR p.method = ANY (ru.methods))
  ORDER BY p.fi, ru.code
),
max_buffer AS (SELECT coalesce(max(buffer_m), 0) AS m FROM check_rules WHERE is_active AND kind = 'conflict'),
candidates AS (
  -- features whose box comes near a chunk: cheap box probes; exact geometry once per feature below
  SELECT DISTINCT cf.id
  FROM chunks ch CROSS JOIN max_buffer mb
  JOIN conflict_features cf ON cf.geom && ST_Expand(ch.geom, mb.m)
),
near_base AS MATERIALIZED (
  SELECT cf.id, cf.layer_key, cf.name, cf.attributes, cf.geom, d.distance_m, ST_ClosestPoint(rt.geom, cf.geom) AS cp
  -- by primary key from an array: as a join the planner misjudges the few candidates and scans every feature
  FROM conflict_features cf
  CROSS JOIN route rt CROSS JOIN max_buffer mb
  -- a plain distance, not ST_DWithin: the planner would turn that into a scan of the route's whole box
  CROSS JOIN LATERAL (SELECT ST_Distance(cf.geom, rt.geom) AS distance_m) d
  WHERE cf.id = ANY (ARRAY(SELECT id FROM candidates)) AND d.distance_m <= mb.m
),
near AS (
  -- authority and method where the feature is closest to the route: the piece at that point
  SELECT nb.*, k.authority_id, k.method
  FROM near_base nb
  CROSS JOIN LATERAL (SELECT pp.fi, pp.pi, pp.geom, pp.cnt FROM part_pieces pp ORDER BY ST_Distance(pp.geom, nb.cp) LIMIT 1) p
  LEFT JOIN keyed k ON k.fi = p.fi AND k.pi = p.pi
   AND k.ni = least(floor(ST_LineLocatePoint(p.geom, nb.cp) * p.cnt)::int, p.cnt - 1)
),
conflicts AS (
  SELECT DISTINCT ON (n.id) n.id, n.layer_key, n.name, n.geom, n.distance_m,
         ru.id AS rule_id, ru.code, ru.severity, ru.message, ru.legal_basis, ru.buffer_m
  FROM near n
  JOIN check_rules ru ON ru.is_active AND ru.kind = 'conflict' AND ru.layer_key = n.layer_key
   AND n.attributes @> ru.feature_filter
   AND n.distance_m <= ru.buffer_m
   AND (ru.methods IS NULL OR n.method = ANY (ru.methods))
   AND (ru.max_age_years IS NULL OR (CASE WHEN n.attributes->>'resurfacedOn' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
        THEN (n.attributes->>'resurfacedOn')::date END) > (:as_of::date - make_interval(years => ru.max_age_years)))
   AND ${ruleApplies("ru", "n.authority_id")}
  ORDER BY n.id, ${severityRank("ru.severity")}, ru.buffer_m, ru.id
),
road_crossings AS (
  -- the route's direction is taken ±2 m around the crossing point, so a crossing right at a corner is seen
  SELECT DISTINCT r.id, r.road_class, r.ref, r.name, r.authority_id, x.geom AS pt
  FROM chunks ch
  JOIN roads r ON ST_Intersects(r.geom, ch.geom) AND r.road_class <> 'other'
  CROSS JOIN LATERAL ST_Dump(ST_Intersection(r.geom, ch.geom)) x
  CROSS JOIN LATERAL (SELECT ST_LineLocatePoint(r.geom, x.geom) AS f, greatest(ST_Length(r.geom), 0.01) AS len,
                             ST_LineLocatePoint(ch.geom, x.geom) AS cf, greatest(ST_Length(ch.geom), 0.01) AS clen) loc
  WHERE ST_GeometryType(x.geom) = 'ST_Point'
    AND ${angleBetween(azimuthAt("r.geom", "loc.f", "loc.len"), azimuthAt("ch.geom", "loc.cf", "loc.clen"))} >= ${ANGLE}
),
feature_crossings AS (
  SELECT n.id, CASE n.layer_key WHEN 'railways' THEN 'railway' ELSE 'watercourse' END AS kind, n.name, x.geom AS pt
  FROM near n CROSS JOIN route rt
  CROSS JOIN LATERAL ST_Dump(ST_Intersection(n.geom, rt.geom)) x
  WHERE n.layer_key IN ('railways', 'watercourses') AND n.distance_m = 0
    AND ST_GeometryType(n.geom) IN ('ST_LineString', 'ST_MultiLineString')
    AND ST_GeometryType(x.geom) = 'ST_Point'
),
all_crossings AS (
  SELECT 'road' AS kind, coalesce(rc.ref, rc.name, rc.road_class) AS key, rc.road_class, rc.ref, rc.name, rc.authority_id, rc.pt
  FROM road_crossings rc
  UNION ALL
  SELECT fc.kind, coalesce(fc.name, fc.id::text), NULL, NULL, fc.name, NULL, fc.pt FROM feature_crossings fc
),
crossings AS (
  SELECT DISTINCT ON (c.kind, c.key, c.cluster) c.*
  FROM (SELECT ac.*, ST_ClusterDBSCAN(ac.pt, 25, 1) OVER (PARTITION BY ac.kind, ac.key) AS cluster FROM all_crossings ac) c
  ORDER BY c.kind, c.key, c.cluster
),
clashes AS (
  SELECT a.id, a.title, o.name AS operator, a.contact, a.period_start, a.period_end,
         ST_Length(ST_Intersection(rt.geom, ST_Buffer(a.route, st.clash_m))) AS overlap_m
  FROM applications a
  JOIN organisations o ON o.id = a.operator_id
  CROSS JOIN route rt CROSS JOIN settings st
  WHERE a.status = 'submitted' AND a.route IS NOT NULL
    AND a.id IS DISTINCT FROM :exclude_application::uuid
    AND EXISTS (SELECT 1 FROM chunks ch WHERE ST_DWithin(a.route, ch.geom, st.clash_m))
    AND (:period_start::date IS NULL OR a.period_start IS NULL
         OR (a.period_start <= :period_end::date AND coalesce(a.period_end, a.period_start) >= :period_start::date))
),
service_area AS (
  SELECT
    EXISTS (SELECT 1 FROM admin_areas WHERE level = 'land') AS defined,
    EXISTS (SELECT 1 FROM admin_areas a, route rt WHERE a.level = 'land' AND ST_CoveredBy(rt.geom, a.geom)) AS covers
),
outside AS (
  SELECT CASE WHEN NOT sa.defined OR sa.covers THEN 0
         ELSE rt.length_m - coalesce((SELECT sum(ST_Length(ST_Intersection(rt.geom, a.geom)))
                                      FROM admin_areas a WHERE a.level = 'land' AND ST_Intersects(a.geom, rt.geom)), 0)
         END AS length_m
  FROM service_area sa, route rt
),
geometry_findings AS (
  SELECT 'outside_service_area' AS code, 'blocking' AS severity,
         format('%s m der Trasse liegen außerhalb des Portalgebiets (Hessen, Rheinland-Pfalz).', round(o.length_m::numeric)) AS message
  FROM outside o WHERE o.length_m > 1
  UNION ALL
  SELECT 'self_overlap', 'blocking',
         format('Die Trasse überlagert sich selbst auf %s m. Bitte jede Strecke nur einmal zeichnen.',
                round((rt.length_m - ST_Length(ST_UnaryUnion(rt.geom)))::numeric))
  FROM route rt WHERE rt.length_m - ST_Length(ST_UnaryUnion(rt.geom)) > 1
  UNION ALL
  SELECT 'self_intersection', 'hint', format('Die Linie %s kreuzt sich selbst – bitte prüfen, ob das beabsichtigt ist.', p.fi + 1)
  FROM parts p WHERE NOT ST_IsSimple(p.geom) AND NOT ST_IsClosed(p.geom)
  UNION ALL
  SELECT 'short_part', 'warning', format('Ein Teilstück der Linie %s ist kürzer als 1 m.', p.fi + 1)
  FROM parts p WHERE ST_Length(p.geom) < 1
)
SELECT
  (SELECT length_m FROM route) AS length_m,
  (SELECT length_m FROM outside) AS outside_m,
  json_build_object(
  'lengthM', (SELECT ${metres("length_m")} FROM route),
  'rulesVersion', (SELECT left(md5(coalesce(string_agg(id || ':' || version || ':' || is_active, ',' ORDER BY id), '')), 12) FROM check_rules),
  'findings', coalesce((SELECT json_agg(json_build_object('code', code, 'severity', severity, 'message', message)) FROM geometry_findings), '[]'::json),
  'sections', coalesce((
    SELECT json_agg(json_build_object(
      'featureIndex', s.fi,
      'authority', ${authorityJson("org")},
      'gemeinde', CASE WHEN s.ags IS NULL THEN NULL ELSE json_build_object('ags', s.ags, 'name', s.gemeinde_name) END,
      'roadClass', s.road_class,
      'roads', coalesce(s.roads, '[]'::jsonb),
      'method', s.method,
      'bridge', s.bridge,
      'tunnel', s.tunnel,
      'lengthM', ${metres("s.length_m")},
      'geometry', ${wgs84("s.geom")}) ORDER BY s.section_index)
    FROM sections s LEFT JOIN organisations org ON org.id = s.authority_id), '[]'::json),
  'offRoad', coalesce((
    SELECT json_agg(json_build_object('featureIndex', g.fi, 'lengthM', ${metres("g.length_m")}, 'geometry', ${wgs84("g.geom")})
                    ORDER BY g.fi, g.pi, g.first_ni)
    FROM groups g WHERE NOT g.on_road), '[]'::json),
  'conflicts', coalesce((
    SELECT json_agg(json_build_object(
      'layer', c.layer_key, 'featureId', c.id, 'name', c.name, 'severity', c.severity,
      'distanceM', ${metres("c.distance_m")},
      'affectedLengthM', ${metres("ST_Length(ST_Intersection(rt.geom, ST_Buffer(c.geom, greatest(c.buffer_m, 0.5))))")},
      'ruleId', c.rule_id, 'code', c.code, 'message', c.message, 'legalBasis', c.legal_basis,
      'geometry', ${wgs84("c.geom")}) ORDER BY ${severityRank("c.severity")}, c.distance_m, c.id)
    FROM conflicts c CROSS JOIN route rt), '[]'::json),
  'crossings', coalesce((
    SELECT json_agg(json_build_object(
      'kind', x.kind, 'roadClass', x.road_class, 'ref', x.ref, 'name', x.name,
      'authority', ${authorityJson("org")},
      'point', ${wgs84("x.pt")}) ORDER BY x.kind, x.key)
    FROM crossings x LEFT JOIN organisations org ON org.id = x.authority_id), '[]'::json),
  'clashes', coalesce((
    SELECT json_agg(json_build_object(
      'applicationId', c.id, 'title', c.title, 'operator', c.operator,
      'overlapLengthM', ${metres("c.overlap_m")},
      'periodOverlap', CASE WHEN :period_start::date IS NULL OR c.period_start IS NULL THEN NULL ELSE json_build_object(
         'start', greatest(c.period_start, :period_start::date), 'end', least(coalesce(c.period_end, c.period_start), :period_end::date)) END,
      'contact', c.contact) ORDER BY c.overlap_m DESC)
    FROM clashes c WHERE c.overlap_m > 0), '[]'::json),
  'method', coalesce((
    SELECT json_agg(m ORDER BY m->>'severity', m->>'code')
    FROM (
      SELECT json_build_object('code', code, 'severity', severity, 'message', message, 'legalBasis', legal_basis,
                               'sectionIndex', section_index, 'featureIndex', fi) AS m
      FROM method_findings
      UNION ALL
      SELECT json_build_object('code', code, 'severity', severity, 'message', message, 'legalBasis', legal_basis, 'featureIndex', fi)
      FROM depth_findings) mf), '[]'::json)
)::text AS report
`;
