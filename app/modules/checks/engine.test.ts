import type { Knex } from "knex";
import { beforeAll, describe, expect, it } from "vitest";
import { givenOrganisation } from "../../../tests/support/fixtures";
import { useTestDatabase } from "../../../tests/support/db";
import { checkRequest, type CheckOutcome } from "./engine.server";
import type { CheckReport } from "./report";

/**
 * A hand-made world in EPSG:25832 (inside the demo Land polygon, away from the demo Kreis):
 *
 *   y=5562000        B 999 (Land)
 *                      |
 *   Lindenweg (Gem.) --+-- K 9 (Kreis)         y = 5561000, x 500000 … 501000
 *                      |        ~ Mühlbach crosses K 9 at x = 500800
 *   y=5560000          x = 500500
 *
 * Gemeinde Prüfstadt (06998001) covers x < 501500, Gemeinde Nachbarort (06998002) the rest.
 */
const db = useTestDatabase();
const Y = 5561000;
let ids: { gemeinde: string; kreis: string; land: string };

const line = (coords: [number, number][]) => `LINESTRING(${coords.map((c) => c.join(" ")).join(",")})`;

async function insertRoad(knex: Knex, name: string | null, ref: string | null, roadClass: string, authority: string, coords: [number, number][], extra: Record<string, unknown> = {}) {
  await knex("roads").insert({
    source: "check-test", external_id: `${name ?? ref}-${coords[0]!.join(",")}`, name, ref, road_class: roadClass,
    authority_id: authority, geom: knex.raw("ST_GeomFromText(?, 25832)", [line(coords)]), ...extra,
  });
}

async function insertFeature(knex: Knex, layer: string, name: string, wkt: string, attributes: Record<string, unknown> = {}) {
  const [row] = await knex("conflict_features")
    .insert({ layer_key: layer, source: "check-test", external_id: name, name, attributes: JSON.stringify(attributes), geom: knex.raw("ST_GeomFromText(?, 25832)", [wkt]) })
    .returning("id");
  return Number(row.id);
}

beforeAll(async () => {
  const knex = db.current.knex;
  ids = {
    gemeinde: await givenOrganisation(knex, { kind: "road_authority", name: "Stadt Prüfstadt", authorityLevel: "gemeinde", state: "HE", ags: "06998001" }),
    kreis: await givenOrganisation(knex, { kind: "road_authority", name: "Kreis Prüfland", authorityLevel: "kreis", state: "HE", ags: "06998" }),
    land: await givenOrganisation(knex, { kind: "road_authority", name: "Landesstraßenbau Prüfland", authorityLevel: "land", state: "HE" }),
  };
  for (const [ags, name, x0, x1] of [["06998001", "Prüfstadt", 499000, 501500], ["06998002", "Nachbarort", 501500, 504000]] as const) {
    await knex("admin_areas").insert({
      level: "gemeinde", ags, name, state: "HE", parent_ags: "06998", population: 20000, households: 9500, source: "check-test",
      geom: knex.raw("ST_Multi(ST_MakeEnvelope(?, 5559000, ?, 5564000, 25832))", [x0, x1]),
    });
  }
  await insertRoad(knex, "Lindenweg", null, "gemeindestrasse", ids.gemeinde, [[500000, Y], [500250, Y], [500500, Y]]);
  await insertRoad(knex, "Hauptstraße", "K 9", "kreisstrasse", ids.kreis, [[500500, Y], [500750, Y], [501000, Y]]);
  await insertRoad(knex, "Hauptstraße", "K 9", "kreisstrasse", ids.kreis, [[501000, Y], [501200, Y]], { bridge: true, surface: "concrete" });
  await insertRoad(knex, "Darmstädter Straße", "B 999", "bundesstrasse", ids.land, [[500500, 5560000], [500500, Y]]);
  await insertRoad(knex, "Darmstädter Straße", "B 999", "bundesstrasse", ids.land, [[500500, Y], [500500, 5562000]]);
  await insertFeature(knex, "trees", "Linde am Lindenweg", "POINT(500300 5561005.8)", { species: "Tilia cordata" });
  await insertFeature(knex, "watercourses", "Mühlbach", line([[500800, 5560900], [500800, 5561100]]));
});

function route(coords: [number, number][], extra: Record<string, unknown> = {}) {
  return { route: { type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: coords } }, srid: 25832, ...extra };
}

async function check(body: unknown, asOf = new Date("2026-01-01")): Promise<CheckReport> {
  const outcome: CheckOutcome = await checkRequest(db.current.knex, body, { asOf });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
  return outcome.report;
}

async function problems(body: unknown) {
  const outcome = await checkRequest(db.current.knex, body, { asOf: new Date("2026-01-01") });
  if (outcome.ok) throw new Error("expected problems");
  return outcome.problems;
}

describe("route check", () => {
  it("splits a sidewalk route by authority, reports the Bundesstraße crossing and a tree 1.8 m away as blocking", async () => {
    // 4 m north of the centre line: on the sidewalk
    const report = await check(route([[500100, Y + 4], [500700, Y + 4]]));
    expect(report.lengthM).toBe(600);
    expect(report.findings).toEqual([]);
    expect(report.offRoad).toEqual([]);
    expect(report.sections.map((s) => ({ authority: s.authority?.name, gemeinde: s.gemeinde?.name, roadClass: s.roadClass, roads: s.roads, lengthM: s.lengthM }))).toEqual([
      { authority: "Stadt Prüfstadt", gemeinde: "Prüfstadt", roadClass: "gemeindestrasse", roads: [{ name: "Lindenweg", ref: null }], lengthM: 400 },
      { authority: "Kreis Prüfland", gemeinde: "Prüfstadt", roadClass: "kreisstrasse", roads: [{ name: "Hauptstraße", ref: "K 9" }], lengthM: 200 },
    ]);
    expect(report.crossings).toHaveLength(1);
    expect(report.crossings[0]).toMatchObject({ kind: "road", roadClass: "bundesstrasse", ref: "B 999", authority: { name: "Landesstraßenbau Prüfland", level: "land" } });
    expect(report.conflicts).toHaveLength(1);
    expect(report.conflicts[0]).toMatchObject({ layer: "trees", name: "Linde am Lindenweg", severity: "blocking", distanceM: 1.8, code: "trees.trunk" });
    expect(report.conflicts[0]!.legalBasis).toContain("DIN 18920");
    // WGS84 output
    const [lon, lat] = (report.sections[0]!.geometry.coordinates as number[][])[0]!;
    expect(lon).toBeCloseTo(9.0, 0);
    expect(lat).toBeCloseTo(50.2, 0);
  });

  it("judges the same tree by the method: trenchless is a warning, not a ban", async () => {
    const report = await check(route([[500100, Y + 4], [500400, Y + 4]], { method: "hdd" }));
    expect(report.conflicts.map((c) => [c.code, c.severity])).toEqual([["trees.trunk_trenchless", "warning"]]);
  });

  it("matches a route up to the match distance to its street and leaves one further away off-road", async () => {
    const near = await check(route([[500050, Y - 15], [500200, Y - 15]]));
    expect(near.sections.map((s) => s.roads[0]?.name)).toEqual(["Lindenweg"]);
    const far = await check(route([[500050, Y - 40], [500200, Y - 40]]));
    expect(far.sections).toEqual([]);
    expect(far.offRoad).toEqual([expect.objectContaining({ lengthM: 150 })]);
  });

  it("does not let a side street joining at a shallow angle break the section", async () => {
    const knex = db.current.knex;
    // a side street whose last 20 m run almost parallel to the Kreisstraße, ending on it
    await insertRoad(knex, "Mühlgasse", null, "gemeindestrasse", ids.gemeinde, [[500600, Y + 60], [500640, Y + 8], [500660, Y + 2], [500680, Y]]);
    const report = await check(route([[500550, Y + 4], [500950, Y + 4]], { method: "hdd" }));
    expect(report.sections.map((s) => [s.roads.map((r) => r.name), s.lengthM])).toEqual([[["Hauptstraße"], 400]]);
    await knex("roads").where({ name: "Mühlgasse" }).delete();
  });

  it("cuts a section exactly at a Gemeinde boundary", async () => {
    const knex = db.current.knex;
    await insertRoad(knex, "Hauptstraße", "K 9", "kreisstrasse", ids.kreis, [[501200, Y], [501800, Y]]);
    const report = await check(route([[501250, Y + 4], [501750, Y + 4]], { method: "hdd" }));
    expect(report.sections.map((s) => [s.gemeinde?.name, s.authority?.name, s.lengthM])).toEqual([
      ["Prüfstadt", "Kreis Prüfland", 250],
      ["Nachbarort", "Kreis Prüfland", 250],
    ]);
    await knex("roads").where({ external_id: "Hauptstraße-501200,5561000" }).delete();
  });

  it("counts a street on a Gemeinde boundary once, for the Gemeinde with the lower AGS", async () => {
    const knex = db.current.knex;
    await insertRoad(knex, "Grenzweg", null, "gemeindestrasse", ids.gemeinde, [[501500, 5561200], [501500, 5561800]]);
    const report = await check(route([[501500, 5561300], [501500, 5561700]], { method: "hdd" }));
    expect(report.sections.map((s) => [s.gemeinde?.name, s.lengthM])).toEqual([["Prüfstadt", 400]]);
    await knex("roads").where({ name: "Grenzweg" }).delete();
  });

  it("treats a perpendicular pass over a road as a crossing, not a section", async () => {
    const report = await check(route([[500450, 5560700], [500550, 5560700]]));
    expect(report.sections).toEqual([]);
    expect(report.crossings).toEqual([expect.objectContaining({ kind: "road", ref: "B 999" })]);
  });

  it("reports a watercourse crossing with the water-law permit it needs", async () => {
    const report = await check(route([[500600, Y + 3], [500950, Y + 3]]));
    expect(report.crossings).toEqual([expect.objectContaining({ kind: "watercourse", name: "Mühlbach" })]);
    expect(report.conflicts).toEqual([expect.objectContaining({ layer: "watercourses", severity: "permit_required", code: "watercourse.crossing", distanceM: 0 })]);
  });

  it("refuses trenching on a concrete bridge and hints at the reduced-depth declaration", async () => {
    const report = await check(route([[500900, Y + 2], [501150, Y + 2]], { method: "trenching_micro", depthM: 0.3 }));
    const codes = report.method.map((m) => [m.code, m.severity]);
    expect(codes).toEqual(
      expect.arrayContaining([["method.trenching_bridge", "blocking"], ["method.trenching_surface", "blocking"], ["method.reduced_depth", "hint"]]),
    );
    expect(report.method.find((m) => m.code === "method.reduced_depth")?.legalBasis).toContain("§ 127 Abs. 7 TKG");
  });

  it("measures how much of the route lies in a water protection zone", async () => {
    const knex = db.current.knex;
    const id = await insertFeature(knex, "water_protection_zones", "WSG Prüfquelle Zone II", "POLYGON((500150 5560950,500350 5560950,500350 5561050,500150 5561050,500150 5560950))", { zone: "II" });
    const report = await check(route([[500100, Y + 4], [500400, Y + 4]], { method: "hdd" }));
    expect(report.conflicts.find((c) => c.featureId === id)).toMatchObject({ severity: "permit_required", code: "water_protection.zone_ii", distanceM: 0, affectedLengthM: 201 });
    await knex("conflict_features").where({ id }).delete();
  });

  it("applies an authority's own rule in its area instead of the default", async () => {
    const knex = db.current.knex;
    const defaults = await knex("check_rules").where({ code: "trees.trunk" }).whereNull("authority_id").first();
    await knex("check_rules").insert({ ...defaults, id: undefined, authority_id: ids.gemeinde, buffer_m: 1.5, methods: defaults.methods, feature_filter: JSON.stringify(defaults.feature_filter) });
    const before = await check(route([[500100, Y + 4], [500400, Y + 4]]));
    expect(before.conflicts.map((c) => [c.code, c.severity])).toEqual([["trees.root_zone", "warning"]]);
    await knex("check_rules").where({ authority_id: ids.gemeinde }).delete();
    const after = await check(route([[500100, Y + 4], [500400, Y + 4]]));
    expect(after.conflicts.map((c) => c.code)).toEqual(["trees.trunk"]);
    expect(after.rulesVersion).not.toBe(before.rulesVersion);
  });

  it("warns of a recently resurfaced road only while the resurfacing is recent", async () => {
    const knex = db.current.knex;
    const id = await insertFeature(knex, "resurfaced_roads", "Hauptstraße erneuert", line([[500600, Y], [500700, Y]]), { resurfacedOn: "2025-06-01" });
    const body = route([[500550, Y + 0.5], [500750, Y + 0.5]], { method: "hdd" });
    expect((await check(body, new Date("2026-01-01"))).conflicts).toEqual([expect.objectContaining({ featureId: id, code: "resurfaced.recent", severity: "warning" })]);
    expect((await check(body, new Date("2029-01-01"))).conflicts).toEqual([]);
    await knex("conflict_features").where({ id }).delete();
  });

  it("reports another operator's submitted application nearby in an overlapping period as a clash", async () => {
    const knex = db.current.knex;
    const operator = await givenOrganisation(knex, { kind: "operator", name: "Andere Glasfaser GmbH" });
    const [app] = await knex("applications")
      .insert({
        operator_id: operator, title: "FTTH Prüfstadt Nord", status: "submitted", period_start: "2026-04-01", period_end: "2026-06-30",
        contact: JSON.stringify({ name: "Petra Bau", email: "bau@andere.example" }),
        route: knex.raw("ST_Multi(ST_GeomFromText(?, 25832))", [line([[500200, Y + 10], [500400, Y + 10]])]),
      })
      .returning("id");
    // within 30 m of the other route: its 200 m plus 2 × √(30² − 6²) ≈ 58.8 m beyond its ends
    const overlapping = await check(route([[500100, Y + 4], [500700, Y + 4]], { method: "hdd", period: { start: "2026-05-01", end: "2026-08-31" } }));
    expect(overlapping.clashes).toEqual([
      { applicationId: app.id, title: "FTTH Prüfstadt Nord", operator: "Andere Glasfaser GmbH", overlapLengthM: expect.closeTo(258.8, 0), periodOverlap: { start: "2026-05-01", end: "2026-06-30" }, contact: { name: "Petra Bau", email: "bau@andere.example" } },
    ]);
    const later = await check(route([[500100, Y + 4], [500700, Y + 4]], { method: "hdd", period: { start: "2026-09-01", end: "2026-10-31" } }));
    expect(later.clashes).toEqual([]);
    await knex("applications").where({ id: app.id }).delete();
  });

  it("checks a route whose length divides into one piece more than it should in floating point", async () => {
    // 5001.020000000019 / (5001.020000000019 / 1000) = 1000.0000000000001: once made a zero-length last piece and a 500
    const report = await check(route([[500000, 5562500], [505001.02, 5562500]]));
    expect(report.lengthM).toBe(5001);
  });

  it("finds a route drawn twice over itself, and stores nothing", async () => {
    const knex = db.current.knex;
    const counts = async () => (await knex.raw("select (select count(*) from applications)::int a, (select count(*) from audit_events)::int b")).rows[0];
    const before = await counts();
    const report = await check({
      route: { type: "FeatureCollection", features: [
        { type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: [[500100, Y + 4], [500300, Y + 4]] } },
        { type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: [[500200, Y + 4], [500400, Y + 4]] } },
      ] },
      srid: 25832,
      method: "hdd",
    });
    expect(report.findings).toEqual([expect.objectContaining({ code: "self_overlap", severity: "blocking" })]);
    expect(report.findings[0]!.message).toContain("100 m");
    expect(await counts()).toEqual(before);
  });
});

describe("bad input", () => {
  const wgs = (coordinates: unknown) => ({ route: { type: "Feature", properties: {}, geometry: { type: "LineString", coordinates } } });

  it.each([
    ["a point", { route: { type: "Feature", properties: {}, geometry: { type: "Point", coordinates: [8.7, 50] } } }, "Nur LineString und MultiLineString"],
    ["a single position", wgs([[8.7, 50]]), "mindestens zwei Positionen"],
    ["zero length", wgs([[8.7, 50], [8.7, 50]]), "Länge 0"],
    ["text as coordinates", wgs([["8.7", "50"], [8.71, 50]]), "Koordinaten müssen Zahlen sein"],
    ["lat/lon swapped", wgs([[50.1, 8.7], [50.11, 8.71]]), "Breite, Länge"],
    ["a route in France", wgs([[2.35, 48.85], [2.36, 48.86]]), "außerhalb des Portalgebiets"],
    ["an unknown CRS", { ...wgs([[8.7, 50], [8.71, 50]]), srid: 9999 }, "Koordinatensystem nicht unterstützt"],
    ["an unknown method", { ...wgs([[8.7, 50], [8.71, 50]]), method: "spaten" }, "Unbekanntes Verlegeverfahren"],
    ["a period ending before it starts", { ...wgs([[8.7, 50], [8.71, 50]]), period: { start: "2026-05-01", end: "2026-04-01" } }, "Ende des Zeitraums liegt vor dem Beginn"],
    ["no route at all", {}, "Feature"],
  ])("refuses %s with a German message", async (_name, body, message) => {
    const found = await problems(body);
    expect(found.map((p) => p.message).join(" ")).toContain(message);
  });

  it("says where the problem is", async () => {
    const found = await problems({ route: { type: "FeatureCollection", features: [
      { type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: [[8.7, 50], [8.71, 50]] } },
      { type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: [[8.7, 50]] } },
    ] } });
    expect(found).toEqual([{ path: "route.features[1].geometry.coordinates", message: "Eine Linie braucht mindestens zwei Positionen." }]);
  });

  it("refuses more than 20,000 vertices and more than 200 km", async () => {
    const many = Array.from({ length: 20_001 }, (_, i) => [8.5 + i * 0.00001, 50] as [number, number]);
    expect((await problems(wgs(many)))[0]!.message).toContain("höchstens 20000");
    expect((await problems(wgs([[8.0, 50], [11.5, 50]])))[0]!.message).toContain("höchstens 200 km");
  });

  it("refuses a route outside the service area in another CRS", async () => {
    // EPSG:31467 coordinates of a point in Bavaria far east of the demo Land polygon
    const found = await problems({ ...wgs([[4600000, 5400000], [4600100, 5400000]]), srid: 31467 });
    expect(found[0]!.message).toContain("außerhalb des Portalgebiets");
  });
});
