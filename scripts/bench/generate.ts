import type { Knex } from "knex";
import type { Grid } from "./grid";

/**
 * Generates the synthetic network set-based in SQL (generate_series), one statement per knex.raw
 * so it runs on PGlite too. Deterministic: pseudo-random numbers come from hashint8 of a key.
 *
 * - roads: the street grid, segments of 100 m with two slightly jittered inner vertices; every
 *   20th grid line a Kreisstraße, every 60th a Landesstraße, one Bundesstraße and one Autobahn line,
 *   the rest Gemeindestraßen; ~1 % bridges, a few Autobahn tunnels; authority by class
 * - admin_areas: the Land "06" covering the grid, one Kreis, Gemeinden as 5 km tiles (segmentised,
 *   so point-in-polygon tests see a few hundred vertices like real boundaries)
 * - organisations: a road authority per Gemeinde tile, one Kreis, one Land, one Bund (Autobahn)
 * - conflict_features: trees (0.5 per segment, 3–8 m beside the street), utilities (0.05, lines
 *   0.5–4 m beside), heritage (0.01), structures (bridges/tunnels), recently resurfaced roads (0.03),
 *   water protection zones, nature reserves, and watercourses and railways crossing the grid in
 *   ~2 km pieces (like OSM ways)
 */

/** A deterministic pseudo-random number in [0, 1) from an integer SQL expression. */
const u = (key: string, salt: number) => `((hashint8(((${key}) * 64 + ${salt})::bigint) & 2147483647)::float8 / 2147483648.0)`;

export const BENCH_SOURCE = "bench";

export interface GenerationStep {
  name: string;
  ms: number;
}

export interface GenerationResult {
  steps: GenerationStep[];
  totalMs: number;
  counts: { roads: number; conflictFeatures: number; gemeinden: number; organisations: number };
}

const LAYERS: [string, string][] = [
  ["trees", "Bäume (Bench)"],
  ["utilities", "Versorgungsleitungen (Bench)"],
  ["heritage", "Kulturdenkmäler (Bench)"],
  ["structures", "Bauwerke (Bench)"],
  ["resurfaced_roads", "Erneuerte Fahrbahnen (Bench)"],
  ["water_protection_zones", "Wasserschutzgebiete (Bench)"],
  ["nature_reserves", "Schutzgebiete (Bench)"],
  ["watercourses", "Gewässer (Bench)"],
  ["railways", "Bahnstrecken (Bench)"],
];

export async function generateNetwork(knex: Knex, grid: Grid, log: (line: string) => void): Promise<GenerationResult> {
  const steps: GenerationStep[] = [];
  const started = performance.now();
  const step = async (name: string, sql: string, bindings: readonly Knex.RawBinding[] = []) => {
    const t0 = performance.now();
    await knex.raw(sql, bindings);
    const ms = performance.now() - t0;
    steps.push({ name, ms });
    log(`    ${name.padEnd(34)} ${(ms / 1000).toFixed(1).padStart(6)} s`);
  };

  const { originE: e0, originN: n0, spacing: s, extent, n, tiles, tileSize, tileOriginE: te0, tileOriginN: tn0, kreisAgs } = grid;
  const m = grid.landMargin;
  const gemeindeAgs = (tileExpr: string) => `'${kreisAgs}' || lpad((${tileExpr})::text, 3, '0')`;

  // --- reference data -------------------------------------------------------------------------
  await step(
    "conflict_layers",
    `INSERT INTO conflict_layers (key, name, source) VALUES ${LAYERS.map(() => "(?, ?, 'Synthetisches Benchmark-Netz')").join(", ")}
     ON CONFLICT (key) DO NOTHING`,
    LAYERS.flat(),
  );
  await step(
    "admin_areas land+kreis",
    `INSERT INTO admin_areas (level, ags, name, state, parent_ags, source, geom)
     SELECT v.level, v.ags, v.name, 'HE', v.parent, '${BENCH_SOURCE}',
            ST_Multi(ST_Segmentize(ST_MakeEnvelope(${e0 - m}, ${n0 - m}, ${e0 + extent + m}, ${n0 + extent + m}, 25832), v.seg))
     FROM (VALUES ('land', '06', 'Hessen (Bench)', NULL, 20.0), ('kreis', '${kreisAgs}', 'Landkreis Bench', '06', 50.0))
          AS v(level, ags, name, parent, seg)`,
  );
  await step(
    "admin_areas gemeinden",
    `INSERT INTO admin_areas (level, ags, name, state, parent_ags, population, source, geom)
     SELECT 'gemeinde', ${gemeindeAgs("t")}, 'Bench-Gemeinde ' || (t + 1), 'HE', '${kreisAgs}',
            5000 + (${u("t", 1)} * 40000)::int, '${BENCH_SOURCE}',
            ST_Multi(ST_Segmentize(ST_MakeEnvelope(
              ${te0} + (t % ${tiles}) * ${tileSize}, ${tn0} + (t / ${tiles}) * ${tileSize},
              ${te0} + (t % ${tiles} + 1) * ${tileSize}, ${tn0} + (t / ${tiles} + 1) * ${tileSize}, 25832), 25.0))
     FROM generate_series(0, ${tiles * tiles - 1}) AS t`,
  );
  await step(
    "organisations",
    `INSERT INTO organisations (slug, kind, name, authority_level, state, ags)
     SELECT 'bench-gem-' || lpad(t::text, 3, '0'), 'road_authority', 'Bench-Gemeinde ' || (t + 1) || ' (Straßenbaulast)',
            'gemeinde', 'HE', ${gemeindeAgs("t")}
     FROM generate_series(0, ${tiles * tiles - 1}) AS t
     UNION ALL SELECT 'bench-kreis', 'road_authority', 'Landkreis Bench, Fachdienst Straßen', 'kreis', 'HE', '${kreisAgs}'
     UNION ALL SELECT 'bench-land', 'road_authority', 'Hessen Mobil (Bench)', 'land', 'HE', '06'
     UNION ALL SELECT 'bench-bund', 'road_authority', 'Die Autobahn GmbH des Bundes (Bench)', 'bund', 'HE', NULL`,
  );

  // --- bulk data: GiST indexes are dropped during the load and rebuilt afterwards (faster) --------
  const gist = (await knex.raw(
    `SELECT indexname, indexdef FROM pg_indexes
     WHERE schemaname = current_schema() AND tablename IN ('roads', 'conflict_features') AND indexdef ILIKE '%USING gist%'`,
  )) as { rows: { indexname: string; indexdef: string }[] };
  for (const index of gist.rows) await knex.raw(`DROP INDEX ${quoteIdent(index.indexname)}`);

  await step(
    "roads",
    `WITH fixed AS (
       SELECT (SELECT id FROM organisations WHERE slug = 'bench-land') AS land,
              (SELECT id FROM organisations WHERE slug = 'bench-kreis') AS kreis,
              (SELECT id FROM organisations WHERE slug = 'bench-bund') AS bund
     ),
     gem AS (SELECT id, ags FROM organisations WHERE slug LIKE 'bench-gem-%'),
     g AS (
       SELECT d, k, i, ((d * ${n} + k)::bigint * ${n} + i) AS key,
              (${e0} + (CASE WHEN d = 0 THEN i ELSE k END) * ${s})::float8 AS x0,
              (${n0} + (CASE WHEN d = 0 THEN k ELSE i END) * ${s})::float8 AS y0,
              (1 - d)::float8 AS dx, d::float8 AS dy
       FROM generate_series(0, 1) AS d, generate_series(0, ${n - 1}) AS k, generate_series(0, ${n - 2}) AS i
     ),
     c AS (
       SELECT g.*,
              CASE WHEN d = 1 AND k = ${grid.autobahnColumn} THEN 'autobahn'
                   WHEN d = 0 AND k = ${grid.bundesstrasseRow} THEN 'bundesstrasse'
                   WHEN k % 60 = 30 THEN 'landesstrasse'
                   WHEN k % 20 = 10 THEN 'kreisstrasse'
                   ELSE 'gemeindestrasse' END AS cls,
              (${u("key", 1)} * 2 - 1) * 1.0 AS j1, (${u("key", 2)} * 2 - 1) * 1.0 AS j2,
              ${u("key", 3)} AS u3, ${u("key", 4)} AS u4,
              ${gemeindeAgs(`floor((x0 + dx * ${s / 2} - ${te0}) / ${tileSize})::int + floor((y0 + dy * ${s / 2} - ${tn0}) / ${tileSize})::int * ${tiles}`)} AS tile_ags
       FROM g
     )
     INSERT INTO roads (source, external_id, name, ref, road_class, authority_id, surface, bridge, tunnel, geom)
     SELECT '${BENCH_SOURCE}', c.d || '-' || c.k || '-' || c.i,
            CASE c.cls WHEN 'gemeindestrasse' THEN CASE c.d WHEN 0 THEN 'Bench-Straße ' ELSE 'Bench-Weg ' END || c.k
                       WHEN 'autobahn' THEN NULL ELSE CASE c.d WHEN 0 THEN 'Ostwestachse ' ELSE 'Nordsüdachse ' END || c.k END,
            CASE c.cls WHEN 'autobahn' THEN 'A 5' WHEN 'bundesstrasse' THEN 'B 3'
                       WHEN 'landesstrasse' THEN 'L ' || (3000 + c.d * 500 + c.k / 60)
                       WHEN 'kreisstrasse' THEN 'K ' || (100 + c.d * 400 + c.k / 20) END,
            c.cls,
            CASE c.cls WHEN 'autobahn' THEN f.bund WHEN 'bundesstrasse' THEN f.land WHEN 'landesstrasse' THEN f.land
                       WHEN 'kreisstrasse' THEN f.kreis ELSE gem.id END,
            CASE WHEN c.u3 < 0.05 THEN 'paving_stones' WHEN c.u3 < 0.07 THEN 'concrete' ELSE 'asphalt' END,
            c.cls <> 'autobahn' AND c.u4 < 0.01,
            c.cls = 'autobahn' AND c.u4 >= 0.97,
            ST_SetSRID(ST_MakeLine(ARRAY[
              ST_MakePoint(c.x0, c.y0),
              ST_MakePoint(c.x0 + c.dx * ${s / 3} - c.dy * c.j1, c.y0 + c.dy * ${s / 3} + c.dx * c.j1),
              ST_MakePoint(c.x0 + c.dx * ${(2 * s) / 3} - c.dy * c.j2, c.y0 + c.dy * ${(2 * s) / 3} + c.dx * c.j2),
              ST_MakePoint(c.x0 + c.dx * ${s}, c.y0 + c.dy * ${s})]), 25832)
     FROM c CROSS JOIN fixed f LEFT JOIN gem ON gem.ags = c.tile_ags
     ORDER BY c.key`,
  );

  // Points beside a road: side ±1, distance d; the right-hand normal of azimuth az is (cos az, −sin az).
  const beside = (point: string, side: string, dist: string) =>
    `ST_Translate(${point}, (${side}) * (${dist}) * cos(x.az), -(${side}) * (${dist}) * sin(x.az))`;
  const roadSample = (salt: number, share: number) => `
    SELECT r.id, r.geom, ST_Azimuth(ST_StartPoint(r.geom), ST_EndPoint(r.geom)) AS az,
           ${u("r.id", salt + 1)} AS u1, ${u("r.id", salt + 2)} AS u2, ${u("r.id", salt + 3)} AS u3
    FROM roads r WHERE r.source = '${BENCH_SOURCE}' AND ${u("r.id", salt)} < ${share}`;

  await step(
    "trees",
    `INSERT INTO conflict_features (layer_key, source, external_id, attributes, geom)
     SELECT 'trees', '${BENCH_SOURCE}', 'tree-' || x.id,
            jsonb_build_object('species', CASE WHEN x.u2 < 0.4 THEN 'Tilia cordata' WHEN x.u2 < 0.7 THEN 'Acer platanoides' ELSE 'Quercus robur' END,
                               'crownDiameterM', 4 + round(x.u3 * 8)),
            ${beside("ST_LineInterpolatePoint(x.geom, 0.1 + 0.8 * x.u1)", "CASE WHEN x.u2 < 0.5 THEN 1 ELSE -1 END", "3 + 5 * x.u3")}
     FROM (${roadSample(10, 0.5)}) x`,
  );
  await step(
    "utilities",
    `INSERT INTO conflict_features (layer_key, source, external_id, name, attributes, geom)
     SELECT 'utilities', '${BENCH_SOURCE}', 'util-' || x.id, NULL,
            jsonb_build_object('kind', CASE WHEN x.u2 < 0.33 THEN 'gas' WHEN x.u2 < 0.66 THEN 'water' ELSE 'power' END,
                               'operator', 'Bench-Netze'),
            ST_OffsetCurve(x.geom, (CASE WHEN x.u1 < 0.5 THEN 1 ELSE -1 END) * (0.5 + 3.5 * x.u3))
     FROM (${roadSample(20, 0.05)}) x`,
  );
  await step(
    "heritage",
    `INSERT INTO conflict_features (layer_key, source, external_id, name, attributes, geom)
     SELECT 'heritage', '${BENCH_SOURCE}', 'her-' || x.id, 'Bench-Denkmal ' || x.id,
            jsonb_build_object('kind', CASE WHEN x.u3 < 0.2 THEN 'Bodendenkmal' ELSE 'Baudenkmal' END),
            ${beside("ST_LineInterpolatePoint(x.geom, x.u1)", "CASE WHEN x.u2 < 0.5 THEN 1 ELSE -1 END", "6 + 19 * x.u3")}
     FROM (${roadSample(30, 0.01)}) x`,
  );
  await step(
    "structures+resurfaced",
    `INSERT INTO conflict_features (layer_key, source, external_id, name, attributes, geom)
     SELECT 'structures', '${BENCH_SOURCE}', 'str-' || r.id, CASE WHEN r.bridge THEN 'Brücke ' ELSE 'Tunnel ' END || r.id,
            jsonb_build_object('kind', CASE WHEN r.bridge THEN 'bridge' ELSE 'tunnel' END), r.geom
     FROM roads r WHERE r.source = '${BENCH_SOURCE}' AND (r.bridge OR r.tunnel)
     UNION ALL
     SELECT 'resurfaced_roads', '${BENCH_SOURCE}', 'res-' || x.id, NULL,
            jsonb_build_object('resurfacedOn', to_char(DATE '2026-06-30' - (x.u1 * 1800)::int, 'YYYY-MM-DD')), x.geom
     FROM (${roadSample(40, 0.03)}) x`,
  );

  // Areas: a few per 100k segments; the first ones near the middle, where the benchmark routes run.
  const cx = e0 + grid.centre * s;
  const cy = n0 + grid.centre * s;
  const zones = Math.max(3, Math.round(grid.segments / 50_000));
  await step(
    "water_protection_zones",
    `INSERT INTO conflict_features (layer_key, source, external_id, name, attributes, geom)
     SELECT 'water_protection_zones', '${BENCH_SOURCE}', 'wsg-' || w || '-' || z.zone, 'Bench-WSG ' || w || ' Zone ' || z.zone,
            jsonb_build_object('zone', z.zone),
            ST_Buffer(ST_SetSRID(ST_MakePoint(p.x, p.y), 25832), z.r, 'quad_segs=32')
     FROM generate_series(0, ${zones - 1}) AS w
     CROSS JOIN LATERAL (SELECT
         CASE WHEN w = 0 THEN ${cx + 900} ELSE ${e0} + ${u("w", 1)} * ${extent} END AS x,
         CASE WHEN w = 0 THEN ${cy + 1400} ELSE ${n0} + ${u("w", 2)} * ${extent} END AS y) p
     CROSS JOIN (VALUES ('I', 50.0), ('II', 450.0), ('III', 1600.0)) AS z(zone, r)`,
  );
  const reserves = Math.max(2, Math.round(grid.segments / 100_000));
  await step(
    "nature_reserves",
    `INSERT INTO conflict_features (layer_key, source, external_id, name, attributes, geom)
     SELECT 'nature_reserves', '${BENCH_SOURCE}', 'nsg-' || w, 'Bench-Naturschutzgebiet ' || w,
            jsonb_build_object('kind', CASE WHEN w % 3 = 0 THEN 'FFH' ELSE 'NSG' END),
            ST_Buffer(ST_SetSRID(ST_MakeLine(ST_MakePoint(p.x, p.y), ST_MakePoint(p.x + 1500 * cos(p.a), p.y + 1500 * sin(p.a))), 25832),
                      200 + 500 * ${u("w", 4)}, 'quad_segs=16')
     FROM generate_series(0, ${reserves - 1}) AS w
     CROSS JOIN LATERAL (SELECT
         CASE WHEN w = 0 THEN ${cx - 2300} ELSE ${e0} + ${u("w", 1)} * ${extent} END AS x,
         CASE WHEN w = 0 THEN ${cy - 400} ELSE ${n0} + ${u("w", 2)} * ${extent} END AS y,
         ${u("w", 3)} * pi() AS a) p`,
  );

  // Linear features in pieces of 10 × 200 m (2 km), like OSM ways; the pieces share their end points.
  const lineLength = extent + 1_000;
  const chunks = Math.ceil(lineLength / 2_000);
  const watercourses = Math.max(2, Math.round(n / 60));
  await step(
    "watercourses",
    `INSERT INTO conflict_features (layer_key, source, external_id, name, attributes, geom)
     SELECT 'watercourses', '${BENCH_SOURCE}', 'wc-' || w || '-' || q, 'Bench-Bach ' || w, '{"kind": "stream"}'::jsonb,
            ST_SetSRID(ST_MakeLine(array_agg(pt ORDER BY v)), 25832)
     FROM (
       SELECT w, q, v,
              CASE WHEN w % 2 = 0 THEN ST_MakePoint(${e0 - 500} + t, b.base + wig) ELSE ST_MakePoint(b.base + wig, ${n0 - 500} + t) END AS pt
       FROM generate_series(0, ${watercourses - 1}) AS w
       CROSS JOIN LATERAL (SELECT
           CASE WHEN w = 0 THEN ${cy + 1330} WHEN w = 1 THEN ${cx - 1170}
                ELSE (CASE WHEN w % 2 = 0 THEN ${n0} ELSE ${e0} END) + ${u("w", 1)} * ${extent} END AS base,
           ${u("w", 2)} * 6.28 AS ph) b
       CROSS JOIN generate_series(0, ${chunks - 1}) AS q
       CROSS JOIN generate_series(0, 10) AS v
       CROSS JOIN LATERAL (SELECT (q * 10 + v) * 200.0 AS t) tt
       CROSS JOIN LATERAL (SELECT 150 * sin(tt.t / 700 + b.ph) + 40 * sin(tt.t / 130 + 2 * b.ph) AS wig) ww
     ) x
     GROUP BY w, q`,
  );
  const railways = Math.max(1, Math.round(n / 150));
  await step(
    "railways",
    `INSERT INTO conflict_features (layer_key, source, external_id, name, attributes, geom)
     SELECT 'railways', '${BENCH_SOURCE}', 'rail-' || w || '-' || q, 'Bench-Bahn ' || w, '{"operator": "DB InfraGO"}'::jsonb,
            ST_SetSRID(ST_MakeLine(array_agg(pt ORDER BY v)), 25832)
     FROM (
       SELECT w, q, v,
              ST_MakePoint(c.x + t * cos(c.a) - 40 * sin(t / 2500) * sin(c.a), c.y + t * sin(c.a) + 40 * sin(t / 2500) * cos(c.a)) AS pt
       FROM generate_series(0, ${railways - 1}) AS w
       CROSS JOIN LATERAL (SELECT
           CASE WHEN w = 0 THEN ${cx + 300} ELSE ${e0} + ${u("w", 1)} * ${extent} END AS x,
           CASE WHEN w = 0 THEN ${cy - 200} ELSE ${n0} + ${u("w", 2)} * ${extent} END AS y,
           radians(20 + 50 * ${u("w", 3)}) AS a) c
       CROSS JOIN generate_series(0, ${chunks - 1}) AS q
       CROSS JOIN generate_series(0, 10) AS v
       CROSS JOIN LATERAL (SELECT -${lineLength / 2} + (q * 10 + v) * 200.0 AS t) tt
     ) x
     GROUP BY w, q`,
  );

  for (const index of gist.rows) {
    await step(`index ${index.indexname}`, index.indexdef);
  }
  await step("analyze", "ANALYZE");

  const counts = (await knex.raw(
    `SELECT (SELECT count(*) FROM roads)::int AS roads, (SELECT count(*) FROM conflict_features)::int AS conflict_features,
            (SELECT count(*) FROM admin_areas WHERE level = 'gemeinde')::int AS gemeinden,
            (SELECT count(*) FROM organisations)::int AS organisations`,
  )) as { rows: { roads: number; conflict_features: number; gemeinden: number; organisations: number }[] };
  const row = counts.rows[0]!;
  return {
    steps,
    totalMs: performance.now() - started,
    counts: { roads: row.roads, conflictFeatures: row.conflict_features, gemeinden: row.gemeinden, organisations: row.organisations },
  };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
