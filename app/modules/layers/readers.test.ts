import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { adminAreaFrom } from "./import.server";
import { Skip } from "./properties";
import { geoJsonGeometryProblem, ImportError, openFeatureSource, sridFromPrj, type SourceFeature } from "./readers.server";

// .prj files as ogr2ogr (GDAL 3.6) writes them
const PRJ_25832 =
  'PROJCS["ETRS_1989_UTM_Zone_32N",GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",9.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
const PRJ_31467 =
  'PROJCS["DHDN_3_Degree_Gauss_Zone_3",GEOGCS["GCS_Deutsches_Hauptdreiecksnetz",DATUM["D_Deutsches_Hauptdreiecksnetz",SPHEROID["Bessel_1841",6377397.155,299.1528128]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",3500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",9.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';

describe("CRS of a .prj", () => {
  it("recognises the ESRI names of German CRSs", () => {
    expect(sridFromPrj(PRJ_25832)).toBe(25832);
    expect(sridFromPrj(PRJ_31467)).toBe(31467);
    expect(sridFromPrj('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]')).toBe(4326);
  });

  it("prefers the EPSG authority of OGC WKT", () => {
    expect(sridFromPrj('PROJCS["ETRS89 / UTM zone 33N",GEOGCS["ETRS89",AUTHORITY["EPSG","4258"]],AUTHORITY["EPSG","25833"]]')).toBe(25833);
  });

  it("does not guess unknown systems", () => {
    expect(sridFromPrj('PROJCS["Lokales_Baustellensystem",GEOGCS["GCS_Bessel_1841"]]')).toBeNull();
  });
});

describe("GeoJSON geometry structure", () => {
  it("accepts sound geometries and empty coordinate lists", () => {
    expect(geoJsonGeometryProblem({ type: "LineString", coordinates: [[8.7, 50], [8.71, 50.01, 120]] })).toBeNull();
    expect(geoJsonGeometryProblem({ type: "Point", coordinates: [] })).toBeNull();
    expect(geoJsonGeometryProblem({ type: "GeometryCollection", geometries: [{ type: "Point", coordinates: [8.7, 50] }] })).toBeNull();
  });

  it("names what PostGIS could not read", () => {
    expect(geoJsonGeometryProblem({ type: "LineString", coordinates: [[8.7, "NaN"], [8.71, 50.01]] })).toBe("ungültige Koordinaten (keine Zahlen)");
    expect(geoJsonGeometryProblem({ type: "Point", coordinates: [null, 50] })).toBe("ungültige Koordinaten (keine Zahlen)");
    expect(geoJsonGeometryProblem({ type: "Polygon", coordinates: [[8.7, 50]] })).toBe("ungültige Koordinaten (keine Zahlen)");
    expect(geoJsonGeometryProblem({ type: "Circle", coordinates: [8.7, 50] })).toBe("unbekannter Geometrietyp „Circle“");
  });
});

describe("reading GeoJSON files", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "bp-readers-"));
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };
  const all = async (file: string, srid?: number) => {
    const source = await openFeatureSource(file, { srid });
    const features: SourceFeature[] = [];
    for await (const f of source.features) features.push(f);
    return { ...source, features };
  };
  const point = (id: number) => ({ type: "Feature", id, properties: { n: id }, geometry: { type: "Point", coordinates: [8.7, 50] } });

  it("reads a FeatureCollection with its attribution and old-style crs member", async () => {
    const file = write(
      "fc.geojson",
      JSON.stringify({
        type: "FeatureCollection",
        attribution: "© OpenStreetMap contributors",
        crs: { type: "name", properties: { name: "urn:ogc:def:crs:EPSG::25832" } },
        features: [point(1), { type: "Feature", properties: null, geometry: null }, 42],
      }),
    );
    const { format, attribution, features } = await all(file);
    expect(format).toBe("geojson");
    expect(attribution).toBe("© OpenStreetMap contributors");
    expect(features.map((f) => [f.id, f.srid, f.type, f.problem])).toEqual([
      [1, 25832, "Point", undefined],
      [null, 25832, null, undefined],
      [null, 25832, null, "kein GeoJSON-Feature"],
    ]);
    expect((await all(file, 31467)).features[0]!.srid).toBe(31467);
  });

  it("reads a single Feature and newline-delimited GeoJSON, also under a .json name", async () => {
    expect((await all(write("one.json", JSON.stringify(point(7))))).features).toHaveLength(1);
    const lines = `${JSON.stringify(point(1))}\n\n\x1e${JSON.stringify(point(2))}\n`;
    for (const name of ["lines.ndjson", "lines.json"]) {
      const { format, features } = await all(write(name, lines));
      expect(format).toBe("ndjson");
      expect(features.map((f) => [f.id, f.srid])).toEqual([[1, 4326], [2, 4326]]);
    }
  });

  it("loses no line when reading starts later than opening (as inside the import transaction)", async () => {
    const file = write("late.ndjson", Array.from({ length: 3000 }, (_, i) => JSON.stringify(point(i))).join("\n"));
    const source = await openFeatureSource(file);
    await new Promise((resolve) => setTimeout(resolve, 100));
    let n = 0;
    for await (const f of source.features) expect(f.id).toBe(n++);
    expect(n).toBe(3000);
  });

  it("stops on broken JSON with the line number", async () => {
    await expect(all(write("broken.geojson", '{"type": "FeatureCollection", "features": ['))).rejects.toThrow(ImportError);
    await expect(all(write("broken.ndjson", `${JSON.stringify(point(1))}\n{"type": "Feature",\n`))).rejects.toThrow(/^Zeile 2: ungültiges JSON/);
    await expect(all(write("array.geojson", "[1, 2]"))).rejects.toThrow(/kein GeoJSON-Objekt/);
  });
});

describe("administrative areas from BKG properties", () => {
  it("derives level, Land and parent from the AGS", () => {
    expect(adminAreaFrom({ ars: "064380002002", ags: "06438002", gen: "Dreieich", bez: "Stadt", ewz_2020: 42_000 })).toEqual({
      ags: "06438002",
      ars: "064380002002",
      name: "Dreieich",
      level: "gemeinde",
      state: "HE",
      parentAgs: "06438",
      population: 42_000,
    });
    expect(adminAreaFrom({ rs: "07320", ags: "07320", gen: "Zweibrücken", ewz: 34_000 })).toMatchObject({ level: "kreis", state: "RP", parentAgs: "07" });
    expect(adminAreaFrom({ ags: "06", gen: "Hessen" })).toMatchObject({ level: "land", parentAgs: null, population: null });
    expect(adminAreaFrom({ AGS: 6411000, GEN: "Darmstadt" })).toMatchObject({ ags: "06411000", level: "gemeinde" });
  });

  it("skips other Länder and rows without a key", () => {
    expect(adminAreaFrom({ ags: "08221000", gen: "Heidelberg" })).toEqual(new Skip("außerhalb Hessen/Rheinland-Pfalz"));
    expect(adminAreaFrom({ ags: "--------", gen: "Darmstadt" })).toEqual(new Skip("AGS fehlt oder ist ungültig („--------“)"));
  });
});
