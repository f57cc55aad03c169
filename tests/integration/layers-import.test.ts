import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkRequest } from "~/modules/checks/engine.server";
import { ImportError, importLayer, type ImportLayerOptions, type ImportSummary } from "~/modules/layers/import.server";
import { useTestDatabase } from "../support/db";
import { givenOrganisation } from "../support/fixtures";

const DATA = path.resolve("../shared/data");
const ADMIN = path.join(DATA, "admin");
const DREIEICH = path.join(DATA, "osm/dreieich");
const HAS_OGR2OGR = spawnSync("ogr2ogr", ["--version"]).status === 0;

const tmp = mkdtempSync(path.join(tmpdir(), "bp-layers-"));
function writeTmp(name: string, content: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, content);
  return file;
}
const reasons = (summary: ImportSummary) => Object.fromEntries(summary.skipped.map((s) => [s.reason, s.count]));
const feature = (properties: Record<string, unknown>, geometry: unknown) => ({ type: "Feature", properties, geometry });
const collection = (features: unknown[]) => JSON.stringify({ type: "FeatureCollection", features });

describe.skipIf(!existsSync(DATA))("layers:import with the real data in ../shared/data", () => {
  const db = useTestDatabase();
  const run = (options: ImportLayerOptions) => importLayer(db.current.knex, options);
  const rows = async <T>(sql: string, bindings: unknown[] = []) =>
    (await db.current.knex.raw<{ rows: T[] }>(sql, bindings as never)).rows;
  const count = async (sql: string, bindings: unknown[] = []) => (await rows<{ n: number }>(sql, bindings))[0]!.n;

  const orgs: Record<"dreieich" | "offenbach" | "land" | "bund", string> = { dreieich: "", offenbach: "", land: "", bund: "" };
  const admin: ImportSummary[] = [];
  let roads: ImportSummary;

  beforeAll(async () => {
    const knex = db.current.knex;
    // replacing the admin layer also wipes the demo Kreis 06999 of the template copy
    admin.push(await run({ layer: { kind: "admin" }, file: path.join(ADMIN, "vg5000_gemeinden_he_rp.geojson"), replace: true }));
    admin.push(await run({ layer: { kind: "admin" }, file: path.join(ADMIN, "vg5000_kreise_he_rp.geojson") }));
    admin.push(await run({ layer: { kind: "admin" }, file: path.join(ADMIN, "vg5000_laender_he_rp.geojson") }));
    orgs.dreieich = await givenOrganisation(knex, { kind: "road_authority", name: "Magistrat der Stadt Dreieich", authorityLevel: "gemeinde", state: "HE", ags: "06438002" });
    orgs.offenbach = await givenOrganisation(knex, { kind: "road_authority", name: "Kreis Offenbach", authorityLevel: "kreis", state: "HE", ags: "06438" });
    // the template's demo agencies: Hessen Mobil (land, HE) and the Autobahn GmbH (bund)
    orgs.land = (await knex("organisations").where({ slug: "hessen-mobil" }).first("id")).id;
    orgs.bund = (await knex("organisations").where({ slug: "autobahn-gmbh-west" }).first("id")).id;
    roads = await run({ layer: { kind: "roads" }, file: path.join(DREIEICH, "dreieich_roads.geojson"), replace: true });
  });

  it("imports the VG5000 Gemeinden, Kreise and Länder of Hessen and Rheinland-Pfalz", async () => {
    expect(admin.map((s) => [s.read, s.imported, s.skipped.length])).toEqual([
      [2727, 2727, 0],
      [62, 62, 0],
      [2, 2, 0],
    ]);
    expect(await rows("SELECT level, count(*)::int AS n FROM admin_areas GROUP BY level ORDER BY level")).toEqual([
      { level: "gemeinde", n: 2727 },
      { level: "kreis", n: 62 },
      { level: "land", n: 2 },
    ]);
    const [dreieich] = await rows<Record<string, unknown>>(
      `SELECT name, level, state, parent_ags, population, households, source, ST_Area(geom) / 1e6 AS km2
       FROM admin_areas WHERE ags = '06438002'`,
    );
    expect(dreieich).toMatchObject({ name: "Dreieich", level: "gemeinde", state: "HE", parent_ags: "06438", households: null, source: "vg5000_gemeinden_he_rp.geojson" });
    expect(dreieich!.population).toBeGreaterThan(40_000);
    expect(dreieich!.km2).toBeGreaterThan(30);
    expect(dreieich!.km2).toBeLessThan(80);
  });

  it("imports the Dreieich roads in pieces of at most 300 m, keeping their length", async () => {
    expect(roads).toMatchObject({ layer: "roads", format: "geojson", read: 471, imported: 471, repaired: 0, skipped: [] });
    expect(roads.rows).toBeGreaterThan(471);
    const [stats] = await rows<{ pieces: number; longest: number; total: number }>(
      "SELECT count(*)::int AS pieces, max(ST_Length(geom)) AS longest, sum(ST_Length(geom)) AS total FROM roads WHERE source = 'dreieich_roads.geojson'",
    );
    expect(stats!.pieces).toBe(roads.rows);
    expect(stats!.longest).toBeLessThanOrEqual(300 + 1e-6);
    const [original] = await rows<{ total: number }>(
      `SELECT sum(ST_Length(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4326), 25832))) AS total
       FROM json_array_elements((?::json)->'features') f`,
      [readFileSync(path.join(DREIEICH, "dreieich_roads.geojson"), "utf8")],
    );
    expect(stats!.total).toBeCloseTo(original!.total, 0);
    // a road of the size of the extract (2 × 2 km): a few dozen kilometres
    expect(stats!.total / 1000).toBeGreaterThan(30);
    expect(stats!.total / 1000).toBeLessThan(150);
    // pieces follow each other
    const [gap] = await rows<{ d: number }>(
      `SELECT max(ST_Distance(ST_EndPoint(a.geom), ST_StartPoint(b.geom))) AS d
       FROM roads a JOIN roads b ON b.source = a.source
         AND b.external_id = split_part(a.external_id, '#', 1) || '#' || (split_part(a.external_id, '#', 2)::int + 1)
       WHERE a.source = 'dreieich_roads.geojson' AND a.external_id LIKE '%#%'`,
    );
    expect(gap!.d).toBeLessThan(1e-6);
  });

  it("classifies the roads and assigns their Straßenbaulastträger", async () => {
    const byName = (where: string) =>
      rows<{ road_class: string; ref: string | null; authority_id: string | null; ortsdurchfahrt: boolean; bridge: boolean }>(
        `SELECT DISTINCT road_class, ref, authority_id, ortsdurchfahrt, bridge FROM roads WHERE source = 'dreieich_roads.geojson' AND ${where}`,
      );
    // the Kreisstraße K 171 through Dreieichenhain: Kreis Offenbach (Dreieich has < 50,000 inhabitants)
    const solmische = await byName("name = 'Solmische-Weiher-Straße'");
    expect(solmische.length).toBeGreaterThan(0);
    for (const r of solmische) expect(r).toMatchObject({ road_class: "kreisstrasse", ref: "K 171", authority_id: orgs.offenbach, ortsdurchfahrt: true });
    // the A 661 bridges: Autobahn GmbH
    const a661 = await byName("ref = 'A 661'");
    expect(a661).toEqual([{ road_class: "autobahn", ref: "A 661", authority_id: orgs.bund, ortsdurchfahrt: false, bridge: true }]);
    // a residential street: the town
    expect(await byName("name = 'Landsteiner Straße'")).toEqual([
      { road_class: "gemeindestrasse", ref: null, authority_id: orgs.dreieich, ortsdurchfahrt: false, bridge: false },
    ]);
    // tracks and paths are no public roads: nobody's consent
    expect(await count("SELECT count(*)::int AS n FROM roads WHERE source = 'dreieich_roads.geojson' AND road_class = 'other' AND authority_id IS NOT NULL")).toBe(0);

    const { authorities } = roads;
    expect(authorities!.assigned + authorities!.unassigned).toBe(roads.rows);
    expect(authorities!.byLevel).toMatchObject({ gemeinde: expect.any(Number), kreis: expect.any(Number), bund: expect.any(Number) });
    expect(authorities!.byLevel.land).toBeUndefined();
    expect(await count("SELECT count(*)::int AS n FROM roads WHERE authority_id = ?", [orgs.dreieich])).toBe(authorities!.byLevel.gemeinde);
  });

  it("updates in place when the same file is imported again without --replace", async () => {
    const before = await rows<{ id: string }>("SELECT id FROM roads WHERE source = 'dreieich_roads.geojson' ORDER BY id");
    const again = await run({ layer: { kind: "roads" }, file: path.join(DREIEICH, "dreieich_roads.geojson") });
    expect(again).toMatchObject({ imported: 471, rows: roads.rows, deleted: 0 });
    expect(await rows<{ id: string }>("SELECT id FROM roads WHERE source = 'dreieich_roads.geojson' ORDER BY id")).toEqual(before);
  });

  it("imports the Dreieich conflict layers from the OSM extracts", async () => {
    const file = (name: string) => path.join(DREIEICH, `dreieich_${name}.geojson`);
    const imported = async (key: string, name: string, replace = true) =>
      run({ layer: { kind: "conflicts", key: key as never }, file: file(name), replace });

    expect(await imported("trees", "trees")).toMatchObject({ read: 5, imported: 5, skipped: [] });
    expect(await imported("railways", "railways")).toMatchObject({ read: 3, imported: 3 });
    const heritage = await imported("heritage", "heritage");
    expect(heritage).toMatchObject({ read: 19, imported: 13 });
    expect(heritage.skipped).toEqual([{ reason: expect.stringMatching(/^doppelte ID/), count: 6 }]);
    const waterways = await imported("watercourses", "waterways");
    expect(waterways).toMatchObject({ read: 7, imported: 5 });
    expect(reasons(waterways)).toEqual({ "nicht Teil der Ebene watercourses (waterway=dam)": 2 });
    expect(await imported("watercourses", "water_areas", false)).toMatchObject({ read: 7, imported: 7 });
    expect(await imported("utilities", "utilities")).toMatchObject({ read: 9, imported: 5 });
    const structures = await imported("structures", "roads");
    expect(structures).toMatchObject({ read: 471, imported: 10 });
    expect(reasons(structures)).toEqual({ "nicht Teil der Ebene structures": 461 });

    expect(await rows("SELECT layer_key, count(*)::int AS n FROM conflict_features WHERE layer_key <> 'water_protection_zones' AND source LIKE 'dreieich%' GROUP BY 1 ORDER BY 1")).toEqual([
      { layer_key: "heritage", n: 13 },
      { layer_key: "railways", n: 3 },
      { layer_key: "structures", n: 10 },
      { layer_key: "trees", n: 5 },
      { layer_key: "utilities", n: 5 },
      { layer_key: "watercourses", n: 12 },
    ]);
    // --replace removed the demo trees; the layer names its new source and attribution
    expect(await count("SELECT count(*)::int AS n FROM conflict_features WHERE layer_key = 'trees'")).toBe(5);
    expect(await db.current.knex("conflict_layers").where({ key: "trees" }).first("source", "attribution")).toEqual({
      source: "dreieich_trees.geojson",
      attribution: "© OpenStreetMap contributors",
    });
    // Burg Hayn came as closed way and as area: the area is kept, under the way's id
    expect(await rows("SELECT external_id, ST_Dimension(geom) AS dim, attributes->>'kind' AS kind FROM conflict_features WHERE name = 'Burg Hayn in der Dreieich'")).toEqual([
      { external_id: "w31980284", dim: 2, kind: "castle" },
    ]);
    expect(await rows("SELECT attributes->>'kind' AS kind, count(*)::int AS n FROM conflict_features WHERE layer_key = 'structures' GROUP BY 1 ORDER BY 1")).toEqual([
      { kind: "bridge", n: 8 },
      { kind: "tunnel", n: 2 },
    ]);
  });

  it("checks a real street: a route on the sidewalk of the Solmische-Weiher-Straße (K 171) is the Kreis's", async () => {
    const [street] = await rows<{ route: { type: string; coordinates: number[][] } }>(
      `SELECT ST_AsGeoJSON(ST_Transform(ST_OffsetCurve(geom, 4), 4326), 7)::json AS route
       FROM roads WHERE name = 'Solmische-Weiher-Straße' AND ref = 'K 171' ORDER BY ST_Length(geom) DESC LIMIT 1`,
    );
    const outcome = await checkRequest(db.current.knex, { route: { type: "Feature", properties: {}, geometry: street!.route } });
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
    const { report } = outcome;
    expect(report.lengthM).toBeGreaterThan(50);
    expect(report.offRoad).toEqual([]);
    expect(report.sections).toEqual([
      expect.objectContaining({
        authority: expect.objectContaining({ id: orgs.offenbach, name: "Kreis Offenbach", level: "kreis" }),
        gemeinde: { ags: "06438002", name: "Dreieich" },
        roadClass: "kreisstrasse",
        roads: [{ name: "Solmische-Weiher-Straße", ref: "K 171" }],
      }),
    ]);
    expect(report.sections[0]!.lengthM).toBeCloseTo(report.lengthM, 0);
  });

  it("rolls back a failing import completely: --replace leaves the previous roads intact", async () => {
    const before = await count("SELECT count(*)::int AS n FROM roads");
    const template = JSON.parse(readFileSync(path.join(DREIEICH, "dreieich_roads.geojson"), "utf8")).features as {
      properties: Record<string, unknown>;
    }[];
    const lines = Array.from({ length: 2000 }, (_, i) => {
      if (i === 1499) return '{"type": "Feature", "properties": {"osm_id": "broken"';
      const f = template[i % template.length]!;
      return JSON.stringify({ ...f, properties: { ...f.properties, osm_id: `t${i}` } });
    });
    const file = writeTmp("roads-broken.ndjson", `${lines.join("\n")}\n`);
    const failing = run({ layer: { kind: "roads" }, file, replace: true });
    await expect(failing).rejects.toThrow(ImportError);
    await expect(failing).rejects.toThrow(/^Zeile 1500: ungültiges JSON/);
    expect(await count("SELECT count(*)::int AS n FROM roads")).toBe(before);
    expect(await count("SELECT count(*)::int AS n FROM roads WHERE name = 'Solmische-Weiher-Straße' AND authority_id = ?", [orgs.offenbach])).toBeGreaterThan(0);

    const invalidJson = writeTmp("roads-invalid.geojson", '{"type": "FeatureCollection", "features": [{"type": "Feature",');
    await expect(run({ layer: { kind: "roads" }, file: invalidJson, replace: true })).rejects.toThrow(/kein gültiges JSON/);
    await expect(run({ layer: { kind: "roads" }, file: path.join(tmp, "missing.geojson") })).rejects.toThrow(/kann nicht gelesen werden/);
    await expect(run({ layer: { kind: "roads" }, file: path.join(DREIEICH, "dreieich_roads.geojson"), srid: 999_999 })).rejects.toThrow(
      "Unbekanntes Koordinatensystem EPSG:999999.",
    );
    expect(await count("SELECT count(*)::int AS n FROM roads")).toBe(before);
  });

  it("skips unusable features with clear reasons and imports the rest", async () => {
    const road = (id: string, geometry: unknown, tags: Record<string, unknown> = { highway: "residential" }) =>
      feature({ osm_id: id, ...tags }, geometry);
    const line = (coordinates: unknown) => ({ type: "LineString", coordinates });
    const file = writeTmp(
      "roads-bad.geojson",
      collection([
        road("x1", line([[8.7145, 50.0015], [8.7138, 50.0012]])),
        road("x2", { type: "Point", coordinates: [8.7145, 50.0015] }),
        road("x3", line([[8.7145, "NaN"], [8.7138, 50.0012]])),
        road("x4", line([[50.0015, 8.7145], [50.0012, 8.7138]])), // lat/lon swapped: the Indian Ocean
        road("x5", line([[200, 95], [201, 96]])), // PostGIS cannot even transform it
        road("x6", line([[8.71, 50.0]])), // a line of one point
        road("x7", null),
        road("x8", line([])),
        road("x9", line([[8.7145, 50.0015], [8.7138, 50.0012]]), { name: "ohne Klasse" }),
      ]),
    );
    const summary = await run({ layer: { kind: "roads" }, file, source: "bad-input" });
    expect(summary).toMatchObject({ read: 9, imported: 1, rows: 1 });
    expect(reasons(summary)).toEqual({
      "falscher Geometrietyp für Straßen (Point)": 1,
      "ungültige Koordinaten (keine Zahlen)": 1,
      "außerhalb Deutschlands / falsches Koordinatensystem?": 2,
      "ungültig und nicht reparierbar": 1,
      "leere Geometrie": 2,
      "Straßenklasse fehlt (Feld road_class oder OSM-Tag highway)": 1,
    });
    expect(await rows("SELECT external_id FROM roads WHERE source = 'bad-input'")).toEqual([{ external_id: "x1" }]);
  });

  it("repairs invalid areas and skips those that collapse", async () => {
    const polygon = (ring: number[][]) => ({ type: "Polygon", coordinates: [ring] });
    const file = writeTmp(
      "reserves.geojson",
      collection([
        // a bow tie: repaired into two triangles
        feature({ id: "nsg-1", name: "Schleife" }, polygon([[8.70, 50.00], [8.71, 50.01], [8.71, 50.00], [8.70, 50.01], [8.70, 50.00]])),
        // there and back along one line: nothing of an area is left
        feature({ id: "nsg-2", name: "Strich" }, polygon([[8.70, 50.00], [8.71, 50.01], [8.70, 50.00], [8.71, 50.01], [8.70, 50.00]])),
        feature({ id: "nsg-3", name: "Punkt" }, { type: "Point", coordinates: [8.7, 50] }),
      ]),
    );
    const summary = await run({ layer: { kind: "conflicts", key: "nature_reserves" }, file });
    expect(summary).toMatchObject({ read: 3, imported: 1, repaired: 1 });
    expect(reasons(summary)).toEqual({ "ungültig und nicht reparierbar": 1, "falscher Geometrietyp für nature_reserves (Point)": 1 });
    expect(await rows("SELECT ST_IsValid(geom) AS valid, ST_GeometryType(geom) AS type FROM conflict_features WHERE external_id = 'nsg-1'")).toEqual([
      { valid: true, type: "ST_MultiPolygon" },
    ]);
  });

  describe.skipIf(!HAS_OGR2OGR)("Shapefile and GeoPackage (fixtures made with ogr2ogr)", () => {
    const ogr2ogr = (...args: string[]) => {
      const result = spawnSync("ogr2ogr", args, { encoding: "utf8" });
      if (result.status !== 0) throw new Error(`ogr2ogr ${args.join(" ")}: ${result.stderr}`);
    };
    let geojson: string;

    beforeAll(() => {
      const all = JSON.parse(readFileSync(path.join(DREIEICH, "dreieich_roads.geojson"), "utf8")).features as { properties: { name?: string } }[];
      // named streets (umlauts and ß test the DBF encodings), some of them long enough to be split
      geojson = writeTmp("named.geojson", collection(all.filter((f) => f.properties.name).slice(0, 40)));
      ogr2ogr("-f", "ESRI Shapefile", "-t_srs", "EPSG:25832", path.join(tmp, "roads-25832.shp.zip"), geojson);
      ogr2ogr("-f", "ESRI Shapefile", "-t_srs", "EPSG:31467", "-lco", "ENCODING=UTF-8", path.join(tmp, "roads-31467.shp.zip"), geojson);
      ogr2ogr("-f", "GPKG", "-t_srs", "EPSG:25832", path.join(tmp, "roads.gpkg"), geojson);
    });

    it("imports the same roads from GeoJSON, zipped Shapefiles in EPSG:25832 and 31467, and a GeoPackage", async () => {
      const reference = await run({ layer: { kind: "roads" }, file: geojson, source: "fmt-geojson" });
      expect(reference).toMatchObject({ read: 40, imported: 40, skipped: [] });
      const formats = [
        ["roads-25832.shp.zip", "shapefile"],
        ["roads-31467.shp.zip", "shapefile"],
        ["roads.gpkg", "geopackage"],
      ] as const;
      for (const [name, format] of formats) {
        const source = `fmt-${name}`;
        const summary = await run({ layer: { kind: "roads" }, file: path.join(tmp, name), source });
        expect(summary, name).toMatchObject({ format, read: 40, imported: 40, rows: reference.rows, skipped: [] });
        const [diff] = await rows<{ pairs: number; hausdorff: number; names: number }>(
          `SELECT count(*)::int AS pairs, max(ST_HausdorffDistance(a.geom, b.geom)) AS hausdorff,
                  count(*) FILTER (WHERE a.name = b.name AND a.road_class = b.road_class)::int AS names
           FROM roads a JOIN roads b ON b.external_id = a.external_id AND b.source = ?
           WHERE a.source = 'fmt-geojson'`,
          [source],
        );
        expect(diff, name).toMatchObject({ pairs: reference.rows, names: reference.rows });
        expect(diff!.hausdorff, name).toBeLessThan(0.5);
      }
    });

    it("asks for --srid when a Shapefile has no .prj, and takes it", async () => {
      const zip = path.join(tmp, "noprj.shp.zip");
      ogr2ogr("-f", "ESRI Shapefile", "-a_srs", "None", "-lco", "ENCODING=UTF-8", zip, `/vsizip/${path.join(tmp, "roads-25832.shp.zip")}/named.shp`);
      await expect(run({ layer: { kind: "roads" }, file: zip })).rejects.toThrow(/Koordinatensystem von named.shp fehlt .* --srid/);
      expect(await run({ layer: { kind: "roads" }, file: zip, srid: 25832, source: "fmt-noprj" })).toMatchObject({ imported: 40 });
    });
  });
});
