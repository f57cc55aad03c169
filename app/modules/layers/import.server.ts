/**
 * Imports a geodata file into one of the portal's layers (roads, administrative areas, a
 * conflict layer) in one transaction. Features are first staged in a temporary table, checked
 * and reprojected to EPSG:25832 in PostGIS batch by batch; the layer's tables are written from
 * there in a few set-based statements, so a failure at any point leaves the previous data intact.
 */
import path from "node:path";
import type { Knex } from "knex";
import type { Db } from "~/db.server";
import { assignRoadAuthorities, type AuthorityAssignment } from "./authorities.server";
import { CONFLICT_LAYER_INFO, type ConflictLayerKey } from "./keys";
import { conflictFeatureFrom, dimensionOf, wrongGeometry, type JsonValue } from "./osm";
import { count, featureId, Skip, text, type Properties } from "./properties";
import { ImportError, openFeatureSource, type InputFormat, type SourceFeature } from "./readers.server";
import { roadFrom } from "./road-class";
import type { ImportOptions, LayerTarget } from "./schema";

export { ImportError };

export interface ImportSummary {
  layer: string;
  source: string;
  format: InputFormat;
  /** features in the file */
  read: number;
  /** features written (new or updated) */
  imported: number;
  /** table rows written: roads are split into pieces of at most 300 m */
  rows: number;
  /** imported features whose invalid geometry was repaired with ST_MakeValid */
  repaired: number;
  skipped: { reason: string; count: number }[];
  /** rows removed: the layer's previous rows with --replace, pieces of re-imported roads that are gone */
  deleted: number;
  /** roads only: the Straßenbaulastträger assignment of the imported roads */
  authorities?: AuthorityAssignment;
  durationMs: number;
}

export type ImportLayerOptions = Omit<ImportOptions, "replace"> & {
  replace?: boolean;
  /** called every PROGRESS_EVERY features read */
  onProgress?: (read: number) => void;
};

export const PROGRESS_EVERY = 5_000;
const BATCH_SIZE = 1_000;
/** Longest road piece: keeps route-check lookups on short segments. */
const MAX_ROAD_PIECE_M = 300;

/** Why the stage table left a feature out, by the status the SQL gives it. */
const STATUS_REASONS = {
  empty: "leere Geometrie",
  outside: "außerhalb Deutschlands / falsches Koordinatensystem?",
  unrepairable: "ungültig und nicht reparierbar",
  unreadable: "Geometrie nicht lesbar",
} as const;

/** One feature on its way into the stage table. */
interface StageRow {
  ord: number;
  external_id: string | null;
  name: string | null;
  fields: Record<string, JsonValue>;
  /** dimension a repaired geometry must keep (0 points, 1 lines, 2 areas); null: whatever it has */
  dim: number | null;
  geojson: unknown;
  wkb: string | null;
  srid: number;
}

type StageDraft = Pick<StageRow, "external_id" | "name" | "fields" | "dim">;

interface WriteResult {
  rows: number;
  deleted: number;
  authorities?: AuthorityAssignment;
}

/** How one kind of layer turns features into rows. */
interface LayerWriter {
  label: string;
  draft(feature: SourceFeature): StageDraft | Skip;
  /** deletes the layer's rows (--replace) */
  clear(trx: Knex.Transaction): Promise<number>;
  write(trx: Knex.Transaction, context: { source: string; replace: boolean; attribution: string | null }): Promise<WriteResult>;
  duplicateReason: string;
}

export async function importLayer(db: Db, options: ImportLayerOptions): Promise<ImportSummary> {
  const started = performance.now();
  const input = await openFeatureSource(options.file, { srid: options.srid });
  const source = options.source ?? path.basename(options.file);
  const writer = layerWriter(options.layer);
  const replace = options.replace ?? false;
  const skipped = new Map<string, number>();
  const skip = (reason: string, n = 1) => skipped.set(reason, (skipped.get(reason) ?? 0) + n);

  return db.transaction(async (trx) => {
    await trx.raw(`CREATE TEMP TABLE layer_import_stage (
      ord integer PRIMARY KEY,
      external_id text,
      name text,
      fields jsonb NOT NULL,
      status text,
      repaired boolean NOT NULL DEFAULT false,
      geom geometry(Geometry, 25832)
    ) ON COMMIT DROP`);

    const knownSrids = new Set<number>();
    let read = 0;
    let batch: StageRow[] = [];
    for await (const feature of input.features) {
      read += 1;
      if (read % PROGRESS_EVERY === 0) options.onProgress?.(read);
      if (feature.problem) {
        skip(feature.problem);
        continue;
      }
      if (!feature.geometry) {
        skip(STATUS_REASONS.empty);
        continue;
      }
      const draft = writer.draft(feature);
      if (draft instanceof Skip) {
        skip(draft.reason);
        continue;
      }
      if (!knownSrids.has(feature.srid)) {
        await assertKnownSrid(trx, feature.srid);
        knownSrids.add(feature.srid);
      }
      const wkb = "wkb" in feature.geometry ? feature.geometry.wkb : null;
      batch.push({ ord: read, ...draft, geojson: wkb ? null : feature.geometry, wkb, srid: feature.srid });
      if (batch.length >= BATCH_SIZE) {
        await stage(trx, batch);
        batch = [];
      }
    }
    await stage(trx, batch);

    const deleted = replace ? await writer.clear(trx) : 0;
    const written = await writer.write(trx, { source, replace, attribution: input.attribution });

    const statuses = await trx.raw<{ rows: { status: string | null; features: number; repaired: number }[] }>(
      `SELECT status, count(*)::int AS features, count(*) FILTER (WHERE repaired)::int AS repaired
       FROM layer_import_stage GROUP BY status`,
    );
    let imported = 0;
    let repaired = 0;
    for (const row of statuses.rows) {
      if (row.status === null) {
        imported = row.features;
        repaired = row.repaired;
      } else if (row.status === "duplicate") {
        skip(writer.duplicateReason, row.features);
      } else {
        skip(STATUS_REASONS[row.status as keyof typeof STATUS_REASONS], row.features);
      }
    }
    return {
      layer: writer.label,
      source,
      format: input.format,
      read,
      imported,
      rows: written.rows,
      repaired,
      skipped: [...skipped].map(([reason, n]) => ({ reason, count: n })).sort((a, b) => b.count - a.count),
      deleted: deleted + written.deleted,
      ...(written.authorities ? { authorities: written.authorities } : {}),
      durationMs: Math.round(performance.now() - started),
    };
  });
}

async function assertKnownSrid(trx: Knex.Transaction, srid: number): Promise<void> {
  const known = await trx.raw<{ rows: unknown[] }>("SELECT 1 FROM spatial_ref_sys WHERE srid = ?", [srid]);
  if (known.rows.length === 0) throw new ImportError(`Unbekanntes Koordinatensystem EPSG:${srid}.`);
}

// ---------------------------------------------------------------------------------------------
// Staging: parse, reproject, check and repair in PostGIS
// ---------------------------------------------------------------------------------------------

/**
 * Empty → 'empty'; not inside a generous box around Germany after reprojection → 'outside'
 * (swapped or wrong coordinates); invalid → ST_MakeValid, keeping the expected dimension, and
 * 'unrepairable' if nothing of it is left.
 */
const STAGE_SQL = `
  WITH parsed AS MATERIALIZED (
    SELECT r.ord, r.external_id, r.name, r.fields, r.dim,
      ST_Force2D(CASE WHEN r.wkb IS NULL THEN ST_SetSRID(ST_GeomFromGeoJSON(r.geojson::text), r.srid)
                      ELSE ST_GeomFromWKB(decode(r.wkb, 'hex'), r.srid) END) AS geom
    FROM json_to_recordset(?::json)
      AS r(ord integer, external_id text, name text, fields jsonb, dim integer, geojson json, wkb text, srid integer)
  ),
  projected AS MATERIALIZED (
    SELECT p.*, CASE WHEN NOT ST_IsEmpty(p.geom) THEN ST_Transform(p.geom, 25832) END AS target
    FROM parsed p
  ),
  checked AS MATERIALIZED (
    SELECT p.*, CASE WHEN p.target @ ST_MakeEnvelope(250000, 5200000, 950000, 6150000, 25832)
                     THEN NOT ST_IsValid(p.target) END AS invalid
    FROM projected p
  ),
  repaired AS MATERIALIZED (
    SELECT c.*, CASE WHEN NOT c.invalid THEN c.target
                     WHEN c.dim IS NULL THEN ST_MakeValid(c.target)
                     ELSE ST_CollectionExtract(ST_MakeValid(c.target), c.dim + 1) END AS fixed
    FROM checked c
  )
  INSERT INTO layer_import_stage (ord, external_id, name, fields, status, repaired, geom)
  SELECT ord, external_id, name, fields,
    CASE WHEN geom IS NULL OR ST_IsEmpty(geom) THEN 'empty'
         WHEN invalid IS NULL THEN 'outside'
         WHEN fixed IS NULL OR ST_IsEmpty(fixed) THEN 'unrepairable' END,
    coalesce(invalid, false),
    CASE WHEN NOT ST_IsEmpty(fixed) THEN fixed END
  FROM repaired`;

/**
 * Stages a batch. A geometry PostGIS cannot read or transform fails the whole statement, so
 * then the batch is retried feature by feature (each in a savepoint) to skip just the bad ones.
 */
async function stage(trx: Knex.Transaction, rows: StageRow[]): Promise<void> {
  if (rows.length === 0) return;
  try {
    await trx.transaction((sp) => sp.raw(STAGE_SQL, [JSON.stringify(rows)]));
    return;
  } catch (error) {
    if (rows.length === 1) {
      const status = /transform/i.test((error as Error).message) ? "outside" : "unreadable";
      const row = rows[0]!;
      await trx.raw(
        "INSERT INTO layer_import_stage (ord, external_id, name, fields, status) VALUES (?, ?, ?, ?::jsonb, ?)",
        [row.ord, row.external_id, row.name, JSON.stringify(row.fields), status],
      );
      return;
    }
  }
  for (const row of rows) await stage(trx, [row]);
}

/** Marks all but one feature per external id as duplicate: areas win (OSM line/area pairs), then the last one. */
async function markDuplicates(trx: Knex.Transaction): Promise<void> {
  await trx.raw(`
    UPDATE layer_import_stage s SET status = 'duplicate'
    FROM (
      SELECT ord, row_number() OVER (PARTITION BY external_id ORDER BY ST_Dimension(geom) DESC, ord DESC) AS rank
      FROM layer_import_stage WHERE status IS NULL AND external_id IS NOT NULL
    ) d
    WHERE s.ord = d.ord AND d.rank > 1`);
}

const rowCount = (result: { rows: unknown[] }) => result.rows.length;

/** Deletes and counts in one statement, without sending the deleted rows back. */
async function deleteCounted(trx: Knex.Transaction, table: string, where = "true", bindings: string[] = []): Promise<number> {
  const result = await trx.raw<{ rows: { n: number }[] }>(
    `WITH deleted AS (DELETE FROM ${table} WHERE ${where} RETURNING 1) SELECT count(*)::int AS n FROM deleted`,
    bindings,
  );
  return result.rows[0]!.n;
}

function layerWriter(target: LayerTarget): LayerWriter {
  if (target.kind === "roads") return roadsWriter;
  if (target.kind === "admin") return adminWriter;
  return conflictsWriter(target.key);
}

// ---------------------------------------------------------------------------------------------
// Roads
// ---------------------------------------------------------------------------------------------

const roadsWriter: LayerWriter = {
  label: "roads",
  duplicateReason: "doppelte ID (nur der letzte Eintrag wird übernommen)",
  draft(feature) {
    if (feature.type !== "LineString" && feature.type !== "MultiLineString") return wrongGeometry("Straßen", feature.type);
    const road = roadFrom(feature.properties);
    if (road instanceof Skip) return road;
    const { name, ...fields } = road;
    return { external_id: featureId(feature.properties, feature.id), name, fields: { ...fields }, dim: 1 };
  },
  async clear(trx) {
    return deleteCounted(trx, "roads");
  },
  async write(trx, { source, replace }) {
    await markDuplicates(trx);
    // multi-lines become their parts, long lines pieces of equal length: "w123#1", "w123#2", …
    await trx.raw(`
      CREATE TEMP TABLE layer_import_pieces ON COMMIT DROP AS
      SELECT CASE WHEN count(*) OVER w > 1
                  THEN s.external_id || '#' || row_number() OVER (w ORDER BY d.path, i.i)
                  ELSE s.external_id END AS external_id,
             s.name, s.fields,
             ST_LineSubstring(d.geom, i.i::float8 / n.n, (i.i + 1)::float8 / n.n) AS geom
      FROM layer_import_stage s
      CROSS JOIN LATERAL ST_Dump(s.geom) d
      CROSS JOIN LATERAL (SELECT greatest(1, ceil(ST_Length(d.geom) / ${MAX_ROAD_PIECE_M}))::int AS n) n
      CROSS JOIN LATERAL generate_series(0, n.n - 1) AS i(i)
      WHERE s.status IS NULL
      WINDOW w AS (PARTITION BY s.ord)`);
    // a re-imported road may now have fewer pieces than before
    const stale = replace
      ? 0
      : rowCount(
          await trx.raw(
            `DELETE FROM roads r USING layer_import_stage s
             WHERE r.source = ? AND s.status IS NULL AND s.external_id IS NOT NULL
               AND regexp_replace(r.external_id, '#[0-9]+$', '') = s.external_id
               AND NOT EXISTS (SELECT 1 FROM layer_import_pieces p WHERE p.external_id = r.external_id)
             RETURNING r.id`,
            [source],
          ),
        );
    const written = await trx.raw<{ rows: { id: string }[] }>(
      `INSERT INTO roads (source, external_id, name, ref, road_class, ortsdurchfahrt, surface, bridge, tunnel, resurfaced_on, geom)
       SELECT ?, p.external_id, p.name, p.fields->>'ref', p.fields->>'roadClass', (p.fields->>'ortsdurchfahrt')::boolean,
              p.fields->>'surface', (p.fields->>'bridge')::boolean, (p.fields->>'tunnel')::boolean,
              (p.fields->>'resurfacedOn')::date, p.geom
       FROM layer_import_pieces p
       ON CONFLICT (source, external_id) DO UPDATE SET
         name = excluded.name, ref = excluded.ref, road_class = excluded.road_class,
         ortsdurchfahrt = excluded.ortsdurchfahrt, surface = excluded.surface, bridge = excluded.bridge,
         tunnel = excluded.tunnel, resurfaced_on = excluded.resurfaced_on, geom = excluded.geom
       RETURNING id`,
      [source],
    );
    const authorities = await assignRoadAuthorities(trx, { roadIds: written.rows.map((r) => Number(r.id)) });
    return { rows: written.rows.length, deleted: stale, authorities };
  },
};

// ---------------------------------------------------------------------------------------------
// Administrative areas (BKG VG250 / VG5000)
// ---------------------------------------------------------------------------------------------

const LEVELS: Record<number, "land" | "kreis" | "gemeinde"> = { 2: "land", 5: "kreis", 8: "gemeinde" };
const STATES: Record<string, "HE" | "RP"> = { "06": "HE", "07": "RP" };

export interface AdminAreaDraft {
  ags: string;
  ars: string | null;
  name: string;
  level: "land" | "kreis" | "gemeinde";
  state: "HE" | "RP";
  parentAgs: string | null;
  population: number | null;
}

/** An administrative area from BKG properties (ags, ars/rs, gen, ewz_2020/ewz), or why not. */
export function adminAreaFrom(properties: Properties): AdminAreaDraft | Skip {
  // keys that lost their leading zero in a spreadsheet (6411000) get it back
  const raw = text(properties, "ags");
  const ags = raw && /^\d{1}$|^\d{4}$|^\d{7}$/.test(raw) ? `0${raw}` : raw;
  const level = ags && /^\d+$/.test(ags) ? LEVELS[ags.length] : undefined;
  if (!ags || !level) return new Skip(`AGS fehlt oder ist ungültig${raw ? ` („${raw}“)` : ""}`);
  const state = STATES[ags.slice(0, 2)];
  if (!state) return new Skip("außerhalb Hessen/Rheinland-Pfalz");
  const name = text(properties, "gen", "name");
  if (!name) return new Skip("Name fehlt (Feld gen)");
  const ars = text(properties, "ars", "rs");
  return {
    ags,
    ars: ars && /^\d{2,12}$/.test(ars) ? ars : null,
    name,
    level,
    state,
    parentAgs: level === "land" ? null : ags.slice(0, level === "kreis" ? 2 : 5),
    population: count(properties, "ewz_2020", "ewz", "population", "einwohner"),
  };
}

const adminWriter: LayerWriter = {
  label: "admin",
  duplicateReason: "weiterer Teil eines Gebiets mit gleichem AGS (zusammengeführt)",
  draft(feature) {
    if (feature.type !== "Polygon" && feature.type !== "MultiPolygon") return wrongGeometry("Verwaltungsgebiete", feature.type);
    const area = adminAreaFrom(feature.properties);
    if (area instanceof Skip) return area;
    const { ags, name, ...fields } = area;
    return { external_id: ags, name, fields: { ...fields }, dim: 2 };
  },
  async clear(trx) {
    return deleteCounted(trx, "admin_areas");
  },
  async write(trx, { source }) {
    // VG250 has several rows for one AGS (land and water parts): the last row gets their union
    await trx.raw(`
      UPDATE layer_import_stage s SET geom = m.geom
      FROM (
        SELECT max(ord) AS ord, ST_Union(geom) AS geom FROM layer_import_stage
        WHERE status IS NULL GROUP BY external_id HAVING count(*) > 1
      ) m
      WHERE s.ord = m.ord`);
    await markDuplicates(trx);
    const written = await trx.raw<{ rows: unknown[] }>(
      `INSERT INTO admin_areas (level, ags, ars, name, state, parent_ags, population, source, geom)
       SELECT s.fields->>'level', s.external_id, s.fields->>'ars', s.name, s.fields->>'state', s.fields->>'parentAgs',
              (s.fields->>'population')::int, ?, ST_Multi(ST_CollectionExtract(s.geom, 3))
       FROM layer_import_stage s WHERE s.status IS NULL
       ON CONFLICT (ags) DO UPDATE SET
         level = excluded.level, ars = excluded.ars, name = excluded.name, state = excluded.state,
         parent_ags = excluded.parent_ags, population = excluded.population, source = excluded.source, geom = excluded.geom
       RETURNING id`,
      [source],
    );
    return { rows: rowCount(written), deleted: 0 };
  },
};

// ---------------------------------------------------------------------------------------------
// Conflict layers
// ---------------------------------------------------------------------------------------------

/** Names for a conflict layer that the import creates (the demo seed brings its own). */
function conflictsWriter(key: ConflictLayerKey): LayerWriter {
  return {
    label: `conflicts:${key}`,
    duplicateReason: "doppelte ID (von Fläche und Linie desselben Objekts zählt die Fläche, sonst der letzte Eintrag)",
    draft(feature) {
      const drafted = conflictFeatureFrom(key, feature.properties, feature.type, feature.id);
      if (drafted instanceof Skip) return drafted;
      return {
        external_id: drafted.externalId,
        name: drafted.name,
        fields: drafted.attributes,
        dim: feature.type ? dimensionOf(feature.type) : null,
      };
    },
    async clear(trx) {
      return deleteCounted(trx, "conflict_features", "layer_key = ?", [key]);
    },
    async write(trx, { source, replace, attribution }) {
      // with --replace the layer holds only this file's data; otherwise sources and attributions add up
      await trx.raw(
        `INSERT INTO conflict_layers AS l (key, name, description, source, attribution)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET
           updated_at = now(),
           source = CASE WHEN ? OR l.source = '' THEN excluded.source
                         WHEN position(excluded.source in l.source) > 0 THEN l.source
                         ELSE l.source || '; ' || excluded.source END,
           attribution = CASE WHEN ? OR l.attribution = '' THEN excluded.attribution
                              WHEN excluded.attribution = '' OR position(excluded.attribution in l.attribution) > 0 THEN l.attribution
                              ELSE l.attribution || '; ' || excluded.attribution END`,
        [key, CONFLICT_LAYER_INFO[key].name, `Importiert aus ${source}`, source, attribution ?? "", replace, replace],
      );
      await markDuplicates(trx);
      const written = await trx.raw<{ rows: unknown[] }>(
        `INSERT INTO conflict_features (layer_key, source, external_id, name, attributes, geom)
         SELECT ?, ?, s.external_id, s.name, s.fields, s.geom
         FROM layer_import_stage s WHERE s.status IS NULL
         ON CONFLICT (layer_key, source, external_id) DO UPDATE SET
           name = excluded.name, attributes = excluded.attributes, geom = excluded.geom
         RETURNING id`,
        [key, source],
      );
      return { rows: rowCount(written), deleted: 0 };
    },
  };
}
