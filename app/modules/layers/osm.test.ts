import { describe, expect, it } from "vitest";
import type { ConflictLayerKey } from "./keys";
import { conflictFeatureFrom, isOsmTagged, osmObjectId, waterProtectionZone, type ConflictFeatureDraft, type GeometryKind } from "./osm";
import { Skip } from "./properties";

function feature(key: ConflictLayerKey, properties: Record<string, unknown>, type: GeometryKind): ConflictFeatureDraft {
  const result = conflictFeatureFrom(key, properties, type);
  if (result instanceof Skip) throw new Error(`skipped: ${result.reason}`);
  return result;
}
const reason = (key: ConflictLayerKey, properties: Record<string, unknown>, type: GeometryKind | null) =>
  (conflictFeatureFrom(key, properties, type) as Skip).reason;

describe("OSM ids", () => {
  it("maps osmium area ids back to the way or relation", () => {
    // Burg Hayn: the closed way w31980284 and its area a63960568 in dreieich_heritage.geojson
    expect(osmObjectId("a63960568")).toBe("w31980284");
    expect(osmObjectId("a63960569")).toBe("r31980284");
    expect(osmObjectId("w31980284")).toBe("w31980284");
    expect(osmObjectId("n7722059146")).toBe("n7722059146");
    expect(osmObjectId("way/5")).toBe("w5");
    expect(osmObjectId("Baum-17")).toBeNull();
  });

  it("tells OSM data from authority data", () => {
    expect(isOsmTagged({ osm_id: "n1", natural: "tree" })).toBe(true);
    expect(isOsmTagged({ historic: "memorial" })).toBe(true);
    expect(isOsmTagged({ BAUMART: "Tilia cordata", NAME: "Baum 1" })).toBe(false);
  });
});

describe("OSM features per conflict layer", () => {
  it("takes trees and tree rows, keeping the tree's measures", () => {
    const tree = feature("trees", { osm_id: "n9922227764", natural: "tree", leaf_cycle: "deciduous", species: "Tilia cordata", circumference: "1.2" }, "Point");
    expect(tree).toEqual({
      externalId: "n9922227764",
      name: null,
      attributes: { kind: "tree", species: "Tilia cordata", circumference: "1.2", osm_id: "n9922227764" },
    });
    expect(feature("trees", { osm_id: "w1", natural: "tree_row" }, "LineString").attributes.kind).toBe("tree_row");
    expect(reason("trees", { osm_id: "a2", natural: "tree" }, "MultiPolygon")).toBe("falscher Geometrietyp für trees (MultiPolygon)");
    expect(reason("trees", { osm_id: "a3", building: "yes" }, "MultiPolygon")).toBe("nicht Teil der Ebene trees");
    expect(reason("trees", { osm_id: "a3", natural: "wood" }, "MultiPolygon")).toBe("nicht Teil der Ebene trees (natural=wood)");
  });

  it("takes railways in use, not abandoned ones or railway points", () => {
    const rail = feature("railways", { osm_id: "w429540220", railway: "rail", ref: "3653", usage: "branch", electrified: "no", gauge: "1435", operator: "DB Netz AG" }, "LineString");
    expect(rail.attributes).toMatchObject({ kind: "rail", ref: "3653", operator: "DB Netz AG" });
    for (const railway of ["tram", "narrow_gauge", "funicular", "disused", "preserved"]) {
      expect(feature("railways", { osm_id: "w1", railway }, "LineString").attributes.kind).toBe(railway);
    }
    for (const railway of ["abandoned", "razed", "dismantled", "proposed", "construction"]) {
      expect(reason("railways", { osm_id: "w1", railway }, "LineString")).toBe(`nicht Teil der Ebene railways (railway=${railway})`);
    }
    expect(reason("railways", { osm_id: "n1", railway: "level_crossing" }, "Point")).toBe("nicht Teil der Ebene railways (railway=level_crossing)");
    expect(reason("railways", { osm_id: "n1", railway: "rail" }, "Point")).toBe("falscher Geometrietyp für railways (Point)");
  });

  it("takes watercourse lines and water areas, not dams", () => {
    expect(feature("watercourses", { osm_id: "w144788675", waterway: "stream", name: "Hengstbach", tunnel: "culvert", layer: "-1" }, "LineString")).toMatchObject({
      name: "Hengstbach",
      attributes: { kind: "stream", tunnel: "culvert" },
    });
    expect(feature("watercourses", { osm_id: "a10041736", natural: "water", water: "pond", name: "Burgweiher" }, "MultiPolygon")).toMatchObject({
      externalId: "w5020868",
      attributes: { kind: "pond", osm_id: "a10041736" },
    });
    expect(reason("watercourses", { osm_id: "w150490952", waterway: "dam" }, "LineString")).toBe("nicht Teil der Ebene watercourses (waterway=dam)");
  });

  it("takes nature reserves and protected areas as areas", () => {
    expect(feature("nature_reserves", { osm_id: "a118570836", leisure: "nature_reserve", name: "Holderbusch" }, "MultiPolygon")).toMatchObject({
      name: "Holderbusch",
      attributes: { kind: "nature_reserve" },
    });
    expect(feature("nature_reserves", { osm_id: "r1", boundary: "protected_area", protect_class: "4" }, "MultiPolygon").attributes).toMatchObject({
      kind: "protected_area",
      protect_class: "4",
    });
    expect(reason("nature_reserves", { osm_id: "w1", leisure: "nature_reserve" }, "LineString")).toBe("falscher Geometrietyp für nature_reserves (LineString)");
  });

  it("takes heritage of any geometry; line and area of one castle get the same id", () => {
    const line = feature("heritage", { osm_id: "w31980284", historic: "castle", name: "Burg Hayn in der Dreieich", start_date: "1080", wikidata: "Q1012242" }, "LineString");
    const area = feature("heritage", { osm_id: "a63960568", historic: "castle", name: "Burg Hayn in der Dreieich" }, "MultiPolygon");
    expect(line.externalId).toBe(area.externalId);
    expect(line.attributes).toMatchObject({ kind: "castle", start_date: "1080", wikidata: "Q1012242" });
    expect(feature("heritage", { osm_id: "n9967806387", historic: "memorial", memorial: "stolperstein" }, "Point").attributes).toMatchObject({
      kind: "memorial",
      memorial: "stolperstein",
    });
    expect(feature("heritage", { osm_id: "n1", heritage: "4" }, "Point").attributes.kind).toBe("heritage");
  });

  it("takes utility lines and installations", () => {
    expect(feature("utilities", { osm_id: "a392973308", power: "substation", location: "indoor", name: "St. 205", substation: "minor_distribution" }, "MultiPolygon").attributes).toMatchObject({
      kind: "power",
      power: "substation",
      location: "indoor",
    });
    expect(feature("utilities", { osm_id: "w1", power: "cable", voltage: "20000" }, "LineString").attributes).toMatchObject({ kind: "power", voltage: "20000" });
    expect(feature("utilities", { osm_id: "w2", man_made: "pipeline", substance: "gas" }, "LineString").attributes.kind).toBe("gas");
    expect(feature("utilities", { osm_id: "n3", man_made: "street_cabinet", street_cabinet: "telecom" }, "Point").attributes.kind).toBe("telecom");
    expect(feature("utilities", { osm_id: "n4", telecom: "connection_point" }, "Point").attributes.kind).toBe("telecom");
    expect(feature("utilities", { osm_id: "n5", utility: "water" }, "Point").attributes.kind).toBe("water");
    expect(reason("utilities", { osm_id: "n1131328888", power: "tower" }, "Point")).toBe("nicht Teil der Ebene utilities (power=tower)");
  });

  it("takes bridges and tunnels of roads and railways", () => {
    expect(feature("structures", { osm_id: "w23900828", highway: "motorway", ref: "A 661", bridge: "yes", layer: "1" }, "LineString")).toMatchObject({
      externalId: "w23900828",
      attributes: { kind: "bridge", structure: "yes", highway: "motorway", ref: "A 661", layer: "1" },
    });
    expect(feature("structures", { osm_id: "w146724255", highway: "living_street", name: "Fahrgasse", tunnel: "building_passage" }, "LineString")).toMatchObject({
      name: "Fahrgasse",
      attributes: { kind: "tunnel", structure: "building_passage" },
    });
    expect(feature("structures", { osm_id: "w9", railway: "rail", bridge: "viaduct" }, "LineString").attributes.kind).toBe("bridge");
    expect(reason("structures", { osm_id: "w5020877", highway: "tertiary", ref: "K 171" }, "LineString")).toBe("nicht Teil der Ebene structures");
    expect(reason("structures", { osm_id: "w1", highway: "tertiary", bridge: "no" }, "LineString")).toBe("nicht Teil der Ebene structures");
    expect(reason("structures", { osm_id: "w144788675", waterway: "stream", tunnel: "culvert" }, "LineString")).toBe("nicht Teil der Ebene structures");
  });

  it("takes OSM water protection areas with their zone", () => {
    expect(feature("water_protection_zones", { osm_id: "r5", boundary: "water_protection_area", water_protection_area: "IIIA", name: "WSG Hainer Weg" }, "MultiPolygon")).toMatchObject({
      name: "WSG Hainer Weg",
      attributes: { zone: "III", zoneDetail: "IIIA" },
    });
    expect(reason("water_protection_zones", { osm_id: "r6", boundary: "water_protection_area" }, "MultiPolygon")).toMatch(/^Schutzzone fehlt/);
  });
});

describe("authority data (no OSM tags)", () => {
  it("keeps all properties and finds the name in any case", () => {
    expect(feature("trees", { BAUM_NR: 17, BAUMART: "Tilia cordata", NAME: "Linde am Markt" }, "Point")).toEqual({
      externalId: null,
      name: "Linde am Markt",
      attributes: { BAUM_NR: 17, BAUMART: "Tilia cordata", NAME: "Linde am Markt" },
    });
    expect(conflictFeatureFrom("heritage", { id: "D-123", bezeichnung: "Fachwerkhaus" }, "Polygon", null)).toMatchObject({
      externalId: "D-123",
      name: "Fachwerkhaus",
    });
  });

  it("needs a zone for water protection zones, normalised to I/II/III", () => {
    expect(feature("water_protection_zones", { ZONE: "III B", WSG_NAME: "Langen" }, "Polygon").attributes).toEqual({
      ZONE: "III B",
      WSG_NAME: "Langen",
      zone: "III",
      zoneDetail: "IIIB",
    });
    expect(feature("water_protection_zones", { schutzzone: "2" }, "Polygon").attributes.zone).toBe("II");
    expect(reason("water_protection_zones", { schutzzone: "IV" }, "Polygon")).toBe("Schutzzone fehlt oder unbekannt („IV“) – erwartet I, II oder III");
    expect(reason("water_protection_zones", { zone: "I" }, "Point")).toBe("falscher Geometrietyp für water_protection_zones (Point)");
  });

  it("needs a date for resurfaced roads", () => {
    expect(feature("resurfaced_roads", { strasse: "Fahrgasse", resurfaced_on: "01.09.2023" }, "LineString").attributes).toEqual({
      strasse: "Fahrgasse",
      resurfaced_on: "01.09.2023",
      resurfacedOn: "2023-09-01",
    });
    expect(reason("resurfaced_roads", { strasse: "Fahrgasse" }, "LineString")).toMatch(/^Datum der Erneuerung fehlt/);
    expect(reason("resurfaced_roads", { osm_id: "w1", highway: "residential" }, "LineString")).toMatch(/^Datum der Erneuerung fehlt/);
    expect(reason("resurfaced_roads", { resurfacedOn: "2023-09-01" }, "Point")).toBe("falscher Geometrietyp für resurfaced_roads (Point)");
  });

  it("normalises zone names", () => {
    expect(waterProtectionZone("I")).toEqual({ zone: "I", detail: "I" });
    expect(waterProtectionZone("Zone II")).toEqual({ zone: "II", detail: "II" });
    expect(waterProtectionZone("3a")).toEqual({ zone: "III", detail: "IIIA" });
    expect(waterProtectionZone("IV")).toBeNull();
  });
});
