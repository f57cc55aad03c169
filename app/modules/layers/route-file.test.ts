import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../tests/support/db";
import { readRouteFile } from "./route-file.server";

const db = useTestDatabase();
const HAS_OGR2OGR = spawnSync("ogr2ogr", ["--version"]).status === 0;
const bytes = (value: unknown) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));

const utmRoute = {
  type: "FeatureCollection",
  crs: { type: "name", properties: { name: "urn:ogc:def:crs:EPSG::25832" } },
  features: [
    { type: "Feature", properties: { method: "hdd" }, geometry: { type: "LineString", coordinates: [[530000, 5610000], [530100, 5610000]] } },
    { type: "Feature", properties: { elementType: "verteilerkasten" }, geometry: { type: "Point", coordinates: [530000, 5610000] } },
    { type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] } },
  ],
};

describe("readRouteFile", () => {
  it("reads a GeoJSON in EPSG:25832 into WGS84 lines and network elements, keeping properties", async () => {
    const result = await readRouteFile(db.current.knex, { fileName: "trasse.geojson", bytes: bytes(utmRoute) });
    if (!result.ok) throw new Error(result.message);
    expect(result.summary).toEqual({ lines: 1, points: 1, skipped: [{ reason: expect.stringContaining("Polygon"), count: 1 }] });
    const [line, point] = result.route.features;
    expect(line!.properties).toEqual({ method: "hdd" });
    expect(point!.properties).toEqual({ elementType: "verteilerkasten" });
    const [lon, lat] = (line!.geometry as { coordinates: number[][] }).coordinates[0]!;
    expect(lon).toBeCloseTo(9.424, 2);
    expect(lat).toBeCloseTo(50.64, 2);
  });

  it("refuses unsupported formats, broken JSON and files without a line, in German", async () => {
    expect(await readRouteFile(db.current.knex, { fileName: "plan.dwg", bytes: bytes("x") })).toEqual({ ok: false, message: expect.stringContaining("Dateiformat nicht unterstützt") });
    expect(await readRouteFile(db.current.knex, { fileName: "kaputt.geojson", bytes: bytes("{ nein") })).toEqual({ ok: false, message: expect.stringContaining("kein gültiges JSON") });
    const pointsOnly = { type: "FeatureCollection", features: [utmRoute.features[1]] };
    expect(await readRouteFile(db.current.knex, { fileName: "punkte.geojson", bytes: bytes(pointsOnly), srid: 25832 })).toEqual({
      ok: false,
      message: "Die Datei enthält keine Linie, die als Trasse übernommen werden kann.",
    });
  });

  it.skipIf(!HAS_OGR2OGR)("reads a zipped Shapefile with its .prj", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bp-routefile-"));
    writeFileSync(path.join(dir, "in.geojson"), JSON.stringify({ ...utmRoute, features: [utmRoute.features[0]] }));
    // GDAL writes a zipped Shapefile (.shp, .shx, .dbf, .prj) directly to *.shp.zip
    expect(spawnSync("ogr2ogr", ["-f", "ESRI Shapefile", path.join(dir, "trasse.shp.zip"), path.join(dir, "in.geojson")]).status).toBe(0);
    const result = await readRouteFile(db.current.knex, { fileName: "trasse.zip", bytes: readFileSync(path.join(dir, "trasse.shp.zip")) });
    if (!result.ok) throw new Error(result.message);
    expect(result.summary.lines).toBe(1);
    expect(result.route.features[0]!.properties).toMatchObject({ method: "hdd" });
  });
});
