import { VectorTile, type VectorTileLayer } from "@mapbox/vector-tile";
import { PbfReader } from "pbf";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../tests/support/db";
import { TILE_LAYERS } from "./layers";
import { parseTileParams } from "./schema";
import { renderTile, tileEtag } from "./tiles.server";

const db = useTestDatabase();

/** Auenstadt's centre in the demo region (EPSG:25832). */
const AUENSTADT = { x: 532400, y: 5610100 };
let centre: { lon: number; lat: number };

function tileAt(lon: number, lat: number, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  return {
    z,
    x: Math.floor(((lon + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n),
  };
}

function decode(bytes: Uint8Array): Record<string, VectorTileLayer> {
  return new VectorTile(new PbfReader(bytes)).layers;
}

function features(layer: VectorTileLayer) {
  return Array.from({ length: layer.length }, (_, i) => layer.feature(i));
}

beforeAll(async () => {
  const { rows } = await db.current.knex.raw<{ rows: { lon: number; lat: number }[] }>(
    "SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(?, ?), 25832), 4326) AS p) s",
    [AUENSTADT.x, AUENSTADT.y],
  );
  centre = rows[0]!;
});

describe("tile parameters", () => {
  it("accepts a tile and rejects malformed or out-of-range numbers with 400, unknown layers with 404", () => {
    expect(parseTileParams({ layer: "roads", z: "14", x: "8626", y: "5530" })).toEqual({ ok: true, layer: "roads", z: 14, x: 8626, y: 5530 });
    for (const bad of [
      { layer: "roads", z: "23", x: "0", y: "0" },
      { layer: "roads", z: "-1", x: "0", y: "0" },
      { layer: "roads", z: "1.5", x: "0", y: "0" },
      { layer: "roads", z: "2", x: "4", y: "0" },
      { layer: "roads", z: "2", x: "0", y: "4" },
      { layer: "roads", z: "02", x: "0", y: "0" },
      { layer: "roads", z: "abc", x: "0", y: "0" },
    ]) {
      const result = parseTileParams(bad);
      expect(result.ok, JSON.stringify(bad)).toBe(false);
      if (!result.ok) expect(result.status).toBe(400);
    }
    const unknown = parseTileParams({ layer: "users", z: "1", x: "0", y: "0" });
    expect(unknown).toMatchObject({ ok: false, status: 404 });
  });
});

describe("vector tiles over Auenstadt", () => {
  it("roads at z14 carry class, name, ref, bridge/tunnel flags and the authority", async () => {
    const t = tileAt(centre.lon, centre.lat, 14);
    const bytes = await renderTile(db.current.knex, db.current.engine, "roads", t.z, t.x, t.y);
    const layers = decode(bytes);
    expect(Object.keys(layers)).toEqual(["roads"]);
    const roads = layers.roads!;
    expect(roads.extent).toBe(4096);
    const all = features(roads);
    expect(all.length).toBeGreaterThan(20);
    expect(all.every((f) => f.type === 2)).toBe(true);
    const classes = new Set(all.map((f) => f.properties.road_class));
    expect(classes).toContain("gemeindestrasse");
    expect([...classes].some((c) => c === "bundesstrasse" || c === "landesstrasse" || c === "kreisstrasse")).toBe(true);
    const named = all.find((f) => f.properties.road_class === "gemeindestrasse" && typeof f.properties.name === "string");
    expect(named?.properties).toMatchObject({ bridge: false, tunnel: false });
    expect(typeof named?.properties.authority).toBe("string");
    expect(named?.id).toBeTypeOf("number");
    expect(all.some((f) => typeof f.properties.ref === "string")).toBe(true);
  });

  it("trees appear from z15 as points with layer, name and species; at z14 the tile is empty", async () => {
    const t15 = tileAt(centre.lon, centre.lat, 15);
    let trees: ReturnType<typeof features> = [];
    // the centre tile or one of its neighbours has street trees
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1], [1, 1], [-1, -1]] as const) {
      const bytes = await renderTile(db.current.knex, db.current.engine, "trees", 15, t15.x + dx, t15.y + dy);
      if (bytes.byteLength === 0) continue;
      trees = features(decode(bytes).trees!);
      if (trees.length > 0) break;
    }
    expect(trees.length).toBeGreaterThan(0);
    expect(trees.every((f) => f.type === 1)).toBe(true);
    expect(trees[0]!.properties).toMatchObject({ layer: "trees" });
    expect(trees[0]!.properties.name).toMatch(/^Baum Nr\. \d+$/);
    expect(typeof trees[0]!.properties.species).toBe("string");

    const t14 = tileAt(centre.lon, centre.lat, 14);
    expect((await renderTile(db.current.knex, db.current.engine, "trees", 14, t14.x, t14.y)).byteLength).toBe(0);
  });

  it("Gemeinden and Kreise come with AGS and name", async () => {
    const t = tileAt(centre.lon, centre.lat, 10);
    const gemeinden = features(decode(await renderTile(db.current.knex, db.current.engine, "gemeinden", t.z, t.x, t.y)).gemeinden!);
    expect(gemeinden.map((f) => f.properties.name)).toContain("Auenstadt");
    expect(gemeinden.find((f) => f.properties.name === "Auenstadt")?.properties.ags).toBe("06999001");
    expect(gemeinden.every((f) => f.type === 3)).toBe(true);
    const kreise = features(decode(await renderTile(db.current.knex, db.current.engine, "kreise", t.z, t.x, t.y)).kreise!);
    expect(kreise.map((f) => f.properties.name)).toContain("Landkreis Auenwald");
  });

  it("submitted applications show title, operator and period, drafts do not", async () => {
    const knex = db.current.knex;
    const operator = await knex("organisations").where({ kind: "operator" }).first<{ id: string }>("id");
    const route = knex.raw("ST_Multi(ST_GeomFromText(?, 25832))", [`LINESTRING(${AUENSTADT.x - 200} ${AUENSTADT.y}, ${AUENSTADT.x + 200} ${AUENSTADT.y})`]);
    await knex("applications").insert([
      { operator_id: operator!.id, title: "Glasfaser Auenstadt Mitte", status: "submitted", route, period_start: "2026-05-01", period_end: "2026-07-31" },
      { operator_id: operator!.id, title: "Entwurf ohne Freigabe", status: "draft", route },
    ]);
    const t = tileAt(centre.lon, centre.lat, 14);
    const apps = features(decode(await renderTile(knex, db.current.engine, "applications", t.z, t.x, t.y)).applications!);
    expect(apps).toHaveLength(1);
    expect(apps[0]!.properties).toMatchObject({ title: "Glasfaser Auenstadt Mitte", period_start: "2026-05-01", period_end: "2026-07-31" });
    expect(typeof apps[0]!.properties.operator).toBe("string");
    expect(typeof apps[0]!.properties.application_id).toBe("string");
  });

  it("a tile without data is empty, also at zoom 0 and far away", async () => {
    const nowhere = tileAt(13.4, 52.5, 14); // Berlin: outside the demo region
    expect((await renderTile(db.current.knex, db.current.engine, "roads", nowhere.z, nowhere.x, nowhere.y)).byteLength).toBe(0);
    expect((await renderTile(db.current.knex, db.current.engine, "roads", 2, 0, 3)).byteLength).toBe(0);
    const world = decode(await renderTile(db.current.knex, db.current.engine, "kreise", 0, 0, 0));
    expect(features(world.kreise!).length).toBeGreaterThan(0);
  });

  it("every layer renders at z14 over Auenstadt without error", async () => {
    const t = tileAt(centre.lon, centre.lat, 14);
    for (const layer of TILE_LAYERS) await renderTile(db.current.knex, db.current.engine, layer, t.z, t.x, t.y);
  });

  it("ST_AsMVT and the geojson-vt encoder give the same features (real PostGIS only)", async (ctx) => {
    if (db.current.engine !== "postgres") ctx.skip();
    const t14 = tileAt(centre.lon, centre.lat, 14);
    const t15 = tileAt(centre.lon, centre.lat, 15);
    for (const [layer, t] of [["roads", t14], ["gemeinden", t14], ["trees", t15], ["heritage", t14], ["watercourses", t14]] as const) {
      // the same rows through both encoders: ST_AsMVT and the PGlite path (geojson-vt)
      const mvt = await renderTile(db.current.knex, "postgres", layer, t.z, t.x, t.y);
      const vt = await renderTile(db.current.knex, "pglite", layer, t.z, t.x, t.y);
      const a = mvt.byteLength ? features(decode(mvt)[layer]!) : [];
      const b = vt.byteLength ? features(decode(vt)[layer]!) : [];
      expect(b.length, layer).toBe(a.length);
      const byId = new Map(b.map((f) => [f.id, f]));
      for (const f of a) {
        const other = byId.get(f.id);
        expect(other?.properties, `${layer} ${f.id}`).toEqual(f.properties);
        expect(other?.type).toBe(f.type);
        const [p] = f.loadGeometry()[0]!;
        const [q] = other!.loadGeometry()[0]!;
        if (f.type === 1) expect(Math.hypot(p!.x - q!.x, p!.y - q!.y)).toBeLessThanOrEqual(1.5);
      }
    }
  });

  it("the ETag is stable for the same bytes", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(tileEtag(bytes)).toBe(tileEtag(new Uint8Array([1, 2, 3])));
    expect(tileEtag(bytes)).not.toBe(tileEtag(new Uint8Array([1, 2, 4])));
  });
});
