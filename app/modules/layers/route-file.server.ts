import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Feature, FeatureCollection, Geometry } from "geojson";
import type { Db } from "~/db.server";
import { CHECK_LIMITS } from "~/modules/checks/schema";
import { ImportError, openFeatureSource, type SourceFeature } from "./readers.server";

/**
 * A route uploaded instead of drawn: GeoJSON, zipped Shapefile or GeoPackage in any CRS PostGIS
 * knows, read with the same readers as the layer import, returned as WGS84 GeoJSON for the map.
 * Lines become route sections (their properties kept, e.g. method), points network elements.
 */
const EXTENSIONS = new Set([".geojson", ".json", ".ndjson", ".geojsonl", ".zip", ".gpkg"]);

export type RouteFileResult =
  | { ok: true; route: FeatureCollection; summary: { lines: number; points: number; skipped: { reason: string; count: number }[] } }
  | { ok: false; message: string };

export async function readRouteFile(db: Db, upload: { fileName: string; bytes: Uint8Array; srid?: number }): Promise<RouteFileResult> {
  const extension = path.extname(upload.fileName).toLowerCase();
  if (!EXTENSIONS.has(extension)) {
    return { ok: false, message: "Dateiformat nicht unterstützt. Erlaubt sind GeoJSON (.geojson, .json), gezippte Shapefiles (.zip) und GeoPackages (.gpkg)." };
  }
  if (upload.bytes.byteLength > CHECK_LIMITS.maxBytes) {
    return { ok: false, message: `Die Datei ist größer als ${CHECK_LIMITS.maxBytes / 1024 / 1024} MB.` };
  }
  const dir = await mkdtemp(path.join(tmpdir(), "bp-route-"));
  try {
    const file = path.join(dir, `route${extension}`);
    await writeFile(file, upload.bytes);
    const source = await openFeatureSource(file, { srid: upload.srid });
    const usable: SourceFeature[] = [];
    const skipped = new Map<string, number>();
    const skip = (reason: string) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
    for await (const feature of source.features) {
      if (feature.problem || !feature.geometry) skip(feature.problem ?? "ohne Geometrie");
      else if (feature.type === "LineString" || feature.type === "MultiLineString" || feature.type === "Point") usable.push(feature);
      else skip(`${feature.type ?? "unbekannter Typ"}: nur Linien (Trasse) und Punkte (Netzelemente) werden übernommen`);
      if (usable.length > CHECK_LIMITS.maxFeatures) {
        return { ok: false, message: `Die Datei enthält mehr als ${CHECK_LIMITS.maxFeatures} Objekte.` };
      }
    }
    if (!usable.some((f) => f.type !== "Point")) {
      return { ok: false, message: "Die Datei enthält keine Linie, die als Trasse übernommen werden kann." };
    }
    const geometries = await toWgs84(db, usable);
    if (!geometries.ok) return geometries;
    const features: Feature[] = usable.map((f, i) => ({
      type: "Feature",
      properties: f.type === "Point" ? { elementType: "schacht", ...f.properties } : { ...f.properties },
      geometry: geometries.values[i]!,
    }));
    return {
      ok: true,
      route: { type: "FeatureCollection", features },
      summary: {
        lines: usable.filter((f) => f.type !== "Point").length,
        points: usable.filter((f) => f.type === "Point").length,
        skipped: [...skipped].map(([reason, count]) => ({ reason, count })),
      },
    };
  } catch (error) {
    if (error instanceof ImportError) return { ok: false, message: error.message };
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Reprojects in PostGIS, the one transformation the whole portal uses. */
async function toWgs84(db: Db, features: SourceFeature[]): Promise<{ ok: true; values: Geometry[] } | { ok: false; message: string }> {
  const input = features.map((f) =>
    "wkb" in f.geometry! ? { wkb: f.geometry.wkb, srid: f.srid } : { geojson: JSON.stringify(f.geometry), srid: f.srid },
  );
  try {
    const result = await db.raw(
      `SELECT ST_AsGeoJSON(ST_Transform(
                CASE WHEN g->>'wkb' IS NOT NULL THEN ST_SetSRID(ST_GeomFromWKB(decode(g->>'wkb', 'hex')), (g->>'srid')::int)
                     ELSE ST_SetSRID(ST_GeomFromGeoJSON(g->>'geojson'), (g->>'srid')::int) END, 4326), 7)::json AS geometry
       FROM json_array_elements(?::json) WITH ORDINALITY AS t(g, ord) ORDER BY ord`,
      [JSON.stringify(input)],
    );
    return { ok: true, values: result.rows.map((r: { geometry: Geometry }) => r.geometry) };
  } catch {
    return { ok: false, message: "Die Koordinaten lassen sich nicht umrechnen. Bitte das Koordinatensystem (EPSG-Code) angeben." };
  }
}
