/**
 * Reading geodata files into one stream of features, whatever the format: GeoJSON
 * (FeatureCollection or a single Feature), newline-delimited GeoJSON, zipped Shapefiles and
 * GeoPackages. Geometries stay in the file's CRS (GeoJSON objects or WKB); PostGIS reprojects
 * them, so every format goes through the same, exact transformation.
 */
import { createReadStream } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { createInterface } from "node:readline";
import { iter as unzipEntries } from "but-unzip";
import type { Geometry } from "geojson";
import { parseDbf, parseShp } from "shpjs";
import initSqlJs, { type Database as SqliteDatabase } from "sql.js";
import type { GeometryKind } from "./osm";

/** The file cannot be read as a whole; the message is for the person importing it. */
export class ImportError extends Error {}

/** Well-known binary, hex-encoded: what GeoPackages store and ST_GeomFromWKB reads. */
export interface WkbGeometry {
  wkb: string;
}

export interface SourceFeature {
  id: string | number | null;
  properties: Record<string, unknown>;
  /** null: the feature has no geometry */
  geometry: Geometry | WkbGeometry | null;
  /** the geometry type, null when absent or unknown */
  type: GeometryKind | null;
  srid: number;
  /** why the feature cannot be used although the file could be read */
  problem?: string;
}

export type InputFormat = "geojson" | "ndjson" | "shapefile" | "geopackage";

export interface FeatureSource {
  format: InputFormat;
  /** the data's attribution, where the file names one (a FeatureCollection's "attribution") */
  attribution: string | null;
  features: AsyncIterable<SourceFeature>;
}

const GEOMETRY_TYPES: readonly GeometryKind[] = [
  "Point",
  "LineString",
  "Polygon",
  "MultiPoint",
  "MultiLineString",
  "MultiPolygon",
  "GeometryCollection",
];
const NDJSON_EXTENSIONS = new Set([".ndjson", ".geojsonl", ".geojsons", ".jsonl"]);

/** Opens a file for reading features; fails early (before anything is written) when it is unusable. */
export async function openFeatureSource(file: string, options: { srid?: number } = {}): Promise<FeatureSource> {
  const head = Buffer.alloc(16);
  try {
    const handle = await open(file, "r");
    try {
      await handle.read(head, 0, 16, 0);
    } finally {
      await handle.close();
    }
  } catch {
    throw new ImportError(`Die Datei ${file} kann nicht gelesen werden.`);
  }
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return openShapefileZip(file, options.srid);
  if (head.toString("latin1").startsWith("SQLite format 3")) return openGeoPackage(file, options.srid);
  if (NDJSON_EXTENSIONS.has(path.extname(file).toLowerCase())) {
    // created on first read: readline drops the lines it emits before anyone iterates
    const lines = () => createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
    return { format: "ndjson", attribution: null, features: ndjsonFeatures(lines, options.srid ?? 4326) };
  }
  return openGeoJson(file, options.srid);
}

// ---------------------------------------------------------------------------------------------
// GeoJSON
// ---------------------------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

async function openGeoJson(file: string, srid: number | undefined): Promise<FeatureSource> {
  const text = (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // newline-delimited GeoJSON under a .json/.geojson name
    if (isNdjsonFirstLine(text)) {
      return { format: "ndjson", attribution: null, features: ndjsonFeatures(() => text.split("\n"), srid ?? 4326) };
    }
    throw new ImportError(`Die Datei ${path.basename(file)} ist kein gültiges JSON: ${(error as Error).message}`);
  }
  if (!isObject(value)) throw new ImportError(`Die Datei ${path.basename(file)} enthält kein GeoJSON-Objekt.`);
  const fileSrid = srid ?? sridFromGeoJsonCrs(value.crs) ?? 4326;
  const attribution = typeof value.attribution === "string" ? value.attribution : null;
  let items: unknown[];
  if (value.type === "FeatureCollection" && Array.isArray(value.features)) items = value.features;
  else if (value.type === "Feature") items = [value];
  else if (GEOMETRY_TYPES.includes(value.type as GeometryKind)) items = [{ type: "Feature", properties: {}, geometry: value }];
  else throw new ImportError(`Die Datei ${path.basename(file)} enthält keine GeoJSON-FeatureCollection und kein Feature.`);
  return {
    format: "geojson",
    attribution,
    features: (async function* () {
      for (const item of items) yield toSourceFeature(item, fileSrid);
    })(),
  };
}

function isNdjsonFirstLine(text: string): boolean {
  const first = text.split("\n", 1)[0]!.replace(/^\x1e/, "").trim();
  try {
    const value: unknown = JSON.parse(first);
    return isObject(value) && value.type === "Feature";
  } catch {
    return false;
  }
}

/** The EPSG code of an old-style (2008) GeoJSON "crs" member, as ogr2ogr still writes it. */
function sridFromGeoJsonCrs(crs: unknown): number | undefined {
  if (!isObject(crs) || !isObject(crs.properties) || typeof crs.properties.name !== "string") return undefined;
  const name = crs.properties.name;
  if (/CRS84$/.test(name)) return 4326;
  const code = /EPSG:{1,2}(\d+)$/.exec(name)?.[1];
  return code ? Number(code) : undefined;
}

async function* ndjsonFeatures(lines: () => AsyncIterable<string> | Iterable<string>, srid: number): AsyncGenerator<SourceFeature> {
  let lineNumber = 0;
  for await (const raw of lines()) {
    lineNumber += 1;
    // RFC 8142 text sequences start each record with a record separator
    const line = raw.replace(/^\uFEFF/, "").replace(/^\x1e/, "").trim();
    if (!line) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new ImportError(`Zeile ${lineNumber}: ungültiges JSON (${(error as Error).message}).`);
    }
    yield toSourceFeature(value, srid);
  }
}

function toSourceFeature(value: unknown, srid: number): SourceFeature {
  if (!isObject(value) || value.type !== "Feature") {
    return { id: null, properties: {}, geometry: null, type: null, srid, problem: "kein GeoJSON-Feature" };
  }
  const properties = isObject(value.properties) ? value.properties : {};
  const id = typeof value.id === "string" || typeof value.id === "number" ? value.id : null;
  const geometry = value.geometry ?? null;
  if (geometry === null) return { id, properties, geometry: null, type: null, srid };
  const problem = geoJsonGeometryProblem(geometry);
  if (problem) return { id, properties, geometry: null, type: null, srid, problem };
  return { id, properties, geometry: geometry as Geometry, type: (geometry as Geometry).type, srid };
}

const isPosition = (p: unknown) =>
  Array.isArray(p) && p.length >= 2 && p.every((c) => typeof c === "number" && Number.isFinite(c));

function nestedPositions(value: unknown, depth: number): boolean {
  if (depth === 0) return isPosition(value);
  return Array.isArray(value) && value.every((v) => nestedPositions(v, depth - 1));
}

const COORDINATE_DEPTH: Record<Exclude<GeometryKind, "GeometryCollection">, number> = {
  Point: 0,
  MultiPoint: 1,
  LineString: 1,
  MultiLineString: 2,
  Polygon: 2,
  MultiPolygon: 3,
};

/** Why PostGIS could not read a GeoJSON geometry, or null when its structure is sound. */
export function geoJsonGeometryProblem(geometry: unknown): string | null {
  if (!isObject(geometry) || !GEOMETRY_TYPES.includes(geometry.type as GeometryKind)) {
    const type = isObject(geometry) ? String(geometry.type) : typeof geometry;
    return `unbekannter Geometrietyp „${type}“`;
  }
  if (geometry.type === "GeometryCollection") {
    if (!Array.isArray(geometry.geometries)) return "ungültige GeometryCollection";
    return geometry.geometries.map(geoJsonGeometryProblem).find((p) => p !== null) ?? null;
  }
  const depth = COORDINATE_DEPTH[geometry.type as keyof typeof COORDINATE_DEPTH];
  const coordinates = geometry.coordinates;
  // an empty coordinate list is an empty geometry, which the import reports as such
  if (Array.isArray(coordinates) && coordinates.length === 0) return null;
  return nestedPositions(coordinates, depth) ? null : "ungültige Koordinaten (keine Zahlen)";
}

// ---------------------------------------------------------------------------------------------
// Shapefile (zipped)
// ---------------------------------------------------------------------------------------------

interface ShapefileParts {
  name: string;
  shp: Uint8Array;
  dbf?: Uint8Array;
  prj?: string;
  cpg?: string;
}

async function openShapefileZip(file: string, srid: number | undefined): Promise<FeatureSource> {
  let layers: ShapefileParts[];
  try {
    layers = await shapefilesInZip(await readFile(file));
  } catch (error) {
    throw new ImportError(`Die ZIP-Datei ${path.basename(file)} kann nicht entpackt werden: ${(error as Error).message}`);
  }
  if (layers.length === 0) throw new ImportError(`Die ZIP-Datei ${path.basename(file)} enthält keine .shp-Datei.`);
  const withSrid = layers.map((layer) => {
    const layerSrid = srid ?? (layer.prj ? sridFromPrj(layer.prj) : null);
    if (!layerSrid) {
      const what = layer.prj ? `„${/"([^"]+)"/.exec(layer.prj)?.[1] ?? "?"}“ nicht erkannt` : "fehlt (keine .prj-Datei)";
      throw new ImportError(`Das Koordinatensystem von ${layer.name}.shp ${what}. Bitte mit --srid angeben, z. B. --srid 25832.`);
    }
    return { ...layer, srid: layerSrid };
  });
  return {
    format: "shapefile",
    attribution: null,
    features: (async function* () {
      for (const layer of withSrid) {
        let geometries: (Geometry | null)[];
        let records: Record<string, unknown>[];
        try {
          geometries = parseShp(Buffer.from(layer.shp));
          records = layer.dbf ? (parseDbf(Buffer.from(layer.dbf), Buffer.from(dbfEncoding(layer))) as Record<string, unknown>[]) : [];
        } catch (error) {
          throw new ImportError(`${layer.name}.shp ist kein gültiges Shapefile: ${(error as Error).message}`);
        }
        for (const [i, geometry] of geometries.entries()) {
          const properties = records[i] ?? {};
          yield geometry
            ? { id: null, properties, geometry, type: geometry.type, srid: layer.srid }
            : { id: null, properties, geometry: null, type: null, srid: layer.srid };
        }
      }
    })(),
  };
}

async function shapefilesInZip(zip: Buffer): Promise<ShapefileParts[]> {
  const files = new Map<string, Uint8Array>();
  for (const entry of unzipEntries(zip)) {
    if (entry.filename.includes("__MACOSX") || !/\.(shp|dbf|prj|cpg)$/i.test(entry.filename)) continue;
    files.set(entry.filename.toLowerCase(), await entry.read());
  }
  const decode = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);
  return [...files.keys()]
    .filter((name) => name.endsWith(".shp"))
    .map((name) => {
      const base = name.slice(0, -4);
      return {
        name: path.basename(base),
        shp: files.get(name)!,
        dbf: files.get(`${base}.dbf`),
        prj: decode(files.get(`${base}.prj`)),
        cpg: decode(files.get(`${base}.cpg`))?.trim(),
      };
    });
}

/** The .cpg's encoding, else the DBF header's language driver byte (GDAL writes 0x57 for ISO-8859-1). */
function dbfEncoding(layer: ShapefileParts): string {
  if (layer.cpg) return layer.cpg;
  const ldid = layer.dbf?.[29];
  return ldid === 0x57 || ldid === 0x03 ? "windows-1252" : "utf-8";
}

/** ESRI names of the CRSs used for German geodata, squashed to letters and digits. */
const PRJ_NAMES: Record<string, number> = {
  gcswgs1984: 4326,
  wgs84: 4326,
  gcsetrs1989: 4258,
  etrs89: 4258,
  gcsdeutscheshauptdreiecksnetz: 4314,
  wgs1984webmercatorauxiliarysphere: 3857,
  wgs84pseudomercator: 3857,
  etrs1989utmzone32n: 25832,
  etrs89utmzone32n: 25832,
  etrs1989utmzone33n: 25833,
  etrs89utmzone33n: 25833,
  etrs1989utmzone32nzen: 4647,
  etrs89utmzone32nzen: 4647,
  ...Object.fromEntries(
    [2, 3, 4, 5].flatMap((zone) => [
      [`dhdn3degreegausszone${zone}`, 31464 + zone],
      [`dhdn3degreegausskrugerzone${zone}`, 31464 + zone],
    ]),
  ),
};

/** The EPSG code of a .prj: its own authority code where there is one, else its well-known name. */
export function sridFromPrj(wkt: string): number | null {
  const authority = /(?:AUTHORITY\["EPSG",\s*"?(\d+)"?\]|ID\["EPSG",\s*(\d+)\])\]\s*$/i.exec(wkt.trim());
  if (authority) return Number(authority[1] ?? authority[2]);
  const name = /^\s*[A-Z]+\["([^"]+)"/.exec(wkt)?.[1];
  return name ? (PRJ_NAMES[name.toLowerCase().replace(/[^a-z0-9]/g, "")] ?? null) : null;
}

// ---------------------------------------------------------------------------------------------
// GeoPackage
// ---------------------------------------------------------------------------------------------

const require = createRequire(import.meta.url);

interface GeoPackageTable {
  table: string;
  geometryColumn: string;
  idColumn: string | null;
  srid: number;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function openGeoPackage(file: string, srid: number | undefined): Promise<FeatureSource> {
  const SQL = await initSqlJs({ locateFile: (name: string) => require.resolve(`sql.js/dist/${name}`) });
  const db = new SQL.Database(await readFile(file));
  let tables: GeoPackageTable[];
  try {
    tables = geoPackageTables(db, srid, path.basename(file));
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    format: "geopackage",
    attribution: null,
    features: (async function* () {
      try {
        for (const t of tables) {
          const statement = db.prepare(`SELECT * FROM ${quoteIdent(t.table)}`);
          try {
            while (statement.step()) {
              const row = statement.getAsObject();
              const { [t.geometryColumn]: blob, ...properties } = row;
              const id = t.idColumn ? (row[t.idColumn] as number | string | null) : null;
              yield { id, properties, srid: t.srid, ...geoPackageGeometry(blob) };
            }
          } finally {
            statement.free();
          }
        }
      } finally {
        db.close();
      }
    })(),
  };
}

function geoPackageTables(db: SqliteDatabase, srid: number | undefined, fileName: string): GeoPackageTable[] {
  let rows: unknown[][];
  try {
    rows =
      db.exec(
        `SELECT c.table_name, g.column_name, s.organization, s.organization_coordsys_id
         FROM gpkg_contents c
         JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
         LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id
         WHERE c.data_type = 'features'`,
      )[0]?.values ?? [];
  } catch {
    throw new ImportError(`${fileName} ist kein GeoPackage (keine Tabellen gpkg_contents/gpkg_geometry_columns).`);
  }
  if (rows.length === 0) throw new ImportError(`Das GeoPackage ${fileName} enthält keine Feature-Tabelle.`);
  return rows.map(([table, geometryColumn, organization, code]) => {
    const own = String(organization).toUpperCase() === "EPSG" && Number(code) > 0 ? Number(code) : undefined;
    const tableSrid = srid ?? own;
    if (!tableSrid) {
      throw new ImportError(`Die Tabelle ${String(table)} in ${fileName} hat kein EPSG-Koordinatensystem. Bitte mit --srid angeben.`);
    }
    const columns = db.exec(`PRAGMA table_info(${quoteIdent(String(table))})`)[0]?.values ?? [];
    const pk = columns.find((c) => Number(c[5]) === 1);
    return { table: String(table), geometryColumn: String(geometryColumn), idColumn: pk ? String(pk[1]) : null, srid: tableSrid };
  });
}

const WKB_TYPES: Record<number, GeometryKind> = {
  1: "Point",
  2: "LineString",
  3: "Polygon",
  4: "MultiPoint",
  5: "MultiLineString",
  6: "MultiPolygon",
  7: "GeometryCollection",
};

/** The standard WKB inside a GeoPackage geometry blob ("GP", version, flags, srs_id, envelope, WKB). */
function geoPackageGeometry(blob: unknown): Pick<SourceFeature, "geometry" | "type" | "problem"> {
  if (blob === null || blob === undefined) return { geometry: null, type: null };
  if (!(blob instanceof Uint8Array) || blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) {
    return { geometry: null, type: null, problem: "Geometrie nicht lesbar (kein GeoPackage-Geometrieformat)" };
  }
  const flags = blob[3]!;
  if (flags & 0x20) return { geometry: null, type: null, problem: "Geometrie nicht lesbar (GeoPackage-Erweiterungstyp)" };
  if (flags & 0x10) return { geometry: null, type: null };
  const envelopeBytes = [0, 32, 48, 48, 64][(flags >> 1) & 0x07];
  if (envelopeBytes === undefined) return { geometry: null, type: null, problem: "Geometrie nicht lesbar (ungültiger GeoPackage-Kopf)" };
  const wkb = blob.subarray(8 + envelopeBytes);
  if (wkb.length < 5) return { geometry: null, type: null, problem: "Geometrie nicht lesbar (WKB zu kurz)" };
  // ISO (1002, 2002, 3002) and EWKB (flag bits) variants of the type code
  const code = new DataView(wkb.buffer, wkb.byteOffset + 1, 4).getUint32(0, wkb[0] === 1);
  return { geometry: { wkb: Buffer.from(wkb).toString("hex") }, type: WKB_TYPES[(code & 0x0fffffff) % 1000] ?? null };
}
