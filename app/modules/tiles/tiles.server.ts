/**
 * Mapbox Vector Tiles of the portal's layers, from PostGIS on both database engines:
 * real PostgreSQL encodes with ST_AsMVT; PGlite (built without protobuf-c, so no ST_AsMVT)
 * selects the same rows as GeoJSON and encodes them with geojson-vt + vt-pbf. Both clip to the
 * tile plus a 64/4096 buffer and quantise to 4096 units, so a tile has the same features on
 * either engine.
 */
import { createHash } from "node:crypto";
import { geoJSONToTile } from "@maplibre/geojson-vt";
import { fromGeojsonVt } from "@maplibre/vt-pbf";
import type { Db, DbEngine } from "~/db.server";
import { TILE_LAYER_MIN_ZOOM, isConflictLayer, roadClassesAtZoom, type TileLayer } from "./layers";

export const TILE_EXTENT = 4096;
export const TILE_BUFFER = 64;
/** Features are selected by bounding box with this margin (as a share of the tile), ≥ the buffer. */
const FILTER_MARGIN = 0.02;
/** PGlite: pre-clip generously in SQL; geojson-vt does the exact clip at the buffer. */
const PRECLIP_MARGIN = 0.05;
/** Web Mercator world width in metres. */
const WORLD = 40075016.685578488;

export const MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile";

/** One layer's row source: attribute columns and the geometry (EPSG:25832) it is tiled from. */
interface LayerQuery {
  /** select list without geometry; `fid` (integer) becomes the MVT feature id */
  columns: string;
  from: string;
  geom: string;
  where: string[];
  bindings: (string | number)[];
  hasFid: boolean;
}

function layerQuery(layer: TileLayer, z: number): LayerQuery {
  if (layer === "roads") {
    const classes = roadClassesAtZoom(z);
    return {
      columns: `r.id AS fid, r.road_class, r.name, r.ref, r.bridge, r.tunnel, o.name AS authority`,
      from: `roads r LEFT JOIN organisations o ON o.id = r.authority_id`,
      geom: "r.geom",
      where: classes ? [`r.road_class IN (${classes.map(() => "?").join(", ")})`] : [],
      bindings: classes ? [...classes] : [],
      hasFid: true,
    };
  }
  if (layer === "gemeinden" || layer === "kreise") {
    return {
      columns: `a.id AS fid, a.ags, a.name`,
      from: `admin_areas a`,
      geom: "a.geom",
      where: [`a.level = ?`],
      bindings: [layer === "gemeinden" ? "gemeinde" : "kreis"],
      hasFid: true,
    };
  }
  if (layer === "applications") {
    // Only what the planned-works map may show: no contact persons, no drafts.
    return {
      columns: `a.id::text AS application_id, a.title, o.name AS operator,
        to_char(a.period_start, 'YYYY-MM-DD') AS period_start, to_char(a.period_end, 'YYYY-MM-DD') AS period_end`,
      from: `applications a JOIN organisations o ON o.id = a.operator_id`,
      geom: "a.route",
      where: [`a.status = 'submitted'`, `a.route IS NOT NULL`],
      bindings: [],
      hasFid: false,
    };
  }
  if (isConflictLayer(layer)) {
    return {
      columns: `f.id AS fid, f.name, f.layer_key AS layer,
        f.attributes->>'kind' AS kind, f.attributes->>'species' AS species, f.attributes->>'zone' AS zone,
        f.attributes->>'operator' AS operator, f.attributes->>'resurfacedOn' AS resurfaced_on`,
      from: `conflict_features f`,
      geom: "f.geom",
      where: [`f.layer_key = ?`],
      bindings: [layer],
      hasFid: true,
    };
  }
  throw new Error(`unknown tile layer ${String(layer)}`);
}

/**
 * The tile envelope (EPSG:3857) and the filter box in the storage CRS. The envelope is densified
 * before reprojection (its edges curve in UTM) and cut to Europe first: a z0 envelope reaches the
 * poles and the antimeridian, which UTM 32 cannot project.
 */
function boundsCte(z: number, x: number, y: number, preclip: boolean): { sql: string; bindings: (string | number)[] } {
  const width = WORLD / 2 ** z;
  return {
    sql: `bounds AS (
      SELECT ST_TileEnvelope(?::int, ?::int, ?::int) AS tile,
        ${preclip ? "ST_TileEnvelope(?::int, ?::int, ?::int, margin => ?::float8) AS preclip," : ""}
        ST_Transform(
          ST_Intersection(
            ST_Segmentize(ST_TileEnvelope(?::int, ?::int, ?::int, margin => ?::float8), ?::float8),
            ST_Transform(ST_MakeEnvelope(-5, 40, 25, 60, 4326), 3857)
          ),
          25832
        ) AS filter
    )`,
    bindings: [z, x, y, ...(preclip ? [z, x, y, PRECLIP_MARGIN] : []), z, x, y, FILTER_MARGIN, width / 8],
  };
}

/** Renders one tile; an empty array when nothing is there. */
export async function renderTile(db: Db, engine: DbEngine, layer: TileLayer, z: number, x: number, y: number): Promise<Uint8Array> {
  if (z < TILE_LAYER_MIN_ZOOM[layer]) return new Uint8Array(0);
  const q = layerQuery(layer, z);
  const where = [`${q.geom} && b.filter`, `NOT ST_IsEmpty(b.filter)`, ...q.where].join(" AND ");

  if (engine === "postgres") {
    const bounds = boundsCte(z, x, y, false);
    const sql = `WITH ${bounds.sql}
      SELECT ST_AsMVT(t, ?::text, ${TILE_EXTENT}, 'geom', ${q.hasFid ? "'fid'" : "NULL::text"}) AS mvt FROM (
        SELECT ${q.columns},
          ST_AsMVTGeom(ST_Transform(${q.geom}, 3857), b.tile, ${TILE_EXTENT}, ${TILE_BUFFER}, true) AS geom
        FROM ${q.from}, bounds b
        WHERE ${where}
      ) t WHERE t.geom IS NOT NULL`;
    const result = await db.raw<{ rows: { mvt: Buffer | null }[] }>(sql, [...bounds.bindings, layer, ...q.bindings]);
    const mvt = result.rows[0]?.mvt;
    return mvt ? new Uint8Array(mvt.buffer, mvt.byteOffset, mvt.byteLength) : new Uint8Array(0);
  }

  // PGlite: the same rows as GeoJSON (WGS84), pre-clipped and simplified to half a tile unit.
  const bounds = boundsCte(z, x, y, true);
  const halfUnit = WORLD / 2 ** z / TILE_EXTENT / 2;
  const sql = `WITH ${bounds.sql}
    SELECT ${q.columns},
      ST_AsGeoJSON(ST_Transform(ST_Simplify(ST_ClipByBox2D(ST_Transform(${q.geom}, 3857), b.preclip), ?::float8, true), 4326), 7) AS geometry
    FROM ${q.from}, bounds b
    WHERE ${where}`;
  const result = await db.raw<{ rows: Record<string, unknown>[] }>(sql, [...bounds.bindings, halfUnit, ...q.bindings]);
  const features: GeoJSON.Feature[] = [];
  for (const row of result.rows) {
    const { geometry, fid, ...properties } = row;
    const geom = JSON.parse(String(geometry)) as GeoJSON.Geometry;
    if (isEmptyGeometry(geom)) continue;
    features.push({
      type: "Feature",
      ...(fid === undefined || fid === null ? {} : { id: Number(fid) }),
      geometry: geom,
      properties: Object.fromEntries(Object.entries(properties).filter(([, v]) => v !== null)),
    });
  }
  if (features.length === 0) return new Uint8Array(0);
  const tile = geoJSONToTile({ type: "FeatureCollection", features }, z, x, y, {
    extent: TILE_EXTENT,
    buffer: TILE_BUFFER,
    clip: true,
    // maxZoom = z: this tile is the most detailed one, so geojson-vt keeps every vertex (as ST_AsMVTGeom does)
    maxZoom: z,
    indexMaxZoom: z,
  });
  if (!tile || tile.features.length === 0) return new Uint8Array(0);
  return fromGeojsonVt({ [layer]: tile }, { version: 2, extent: TILE_EXTENT });
}

function isEmptyGeometry(geometry: GeoJSON.Geometry): boolean {
  if (geometry.type === "GeometryCollection") return geometry.geometries.every(isEmptyGeometry);
  return !Array.isArray(geometry.coordinates) || geometry.coordinates.length === 0;
}

/** A strong validator for the tile bytes (weak W/ would do too; these bytes are deterministic). */
export function tileEtag(bytes: Uint8Array): string {
  return `"${createHash("sha1").update(bytes).digest("base64url")}"`;
}
