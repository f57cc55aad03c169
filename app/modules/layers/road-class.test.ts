import { describe, expect, it } from "vitest";
import { Skip } from "./properties";
import { normaliseRef, parseMaxspeed, roadClassFromRef, roadFrom, type RoadAttributes } from "./road-class";

function road(properties: Record<string, unknown>): RoadAttributes {
  const result = roadFrom(properties);
  if (result instanceof Skip) throw new Error(`skipped: ${result.reason}`);
  return result;
}

describe("road class from OSM tags (real ways of the Dreieich and Heidelberg extracts)", () => {
  it("takes the class from the ref: a Kreisstraße with 30 km/h runs through the town", () => {
    // w5020877
    const r = road({ osm_id: "w5020877", highway: "tertiary", name: "Solmische-Weiher-Straße", ref: "K 171", maxspeed: "30", surface: "asphalt" });
    expect(r).toMatchObject({ roadClass: "kreisstrasse", ortsdurchfahrt: true, ref: "K 171", name: "Solmische-Weiher-Straße", surface: "asphalt" });
  });

  it("keeps a Kreisstraße without speed limit outside the town", () => {
    expect(road({ highway: "tertiary", name: "Geißberg", ref: "K 171", surface: "asphalt" })).toMatchObject({
      roadClass: "kreisstrasse",
      ortsdurchfahrt: false,
    });
  });

  it("makes a motorway bridge an Autobahn, never an Ortsdurchfahrt", () => {
    // w23900828
    expect(road({ highway: "motorway", ref: "A 661", maxspeed: "none", bridge: "yes", layer: "1" })).toMatchObject({
      roadClass: "autobahn",
      ortsdurchfahrt: false,
      bridge: true,
      tunnel: false,
    });
  });

  it("gives a road with several refs the highest class and normalises the ref", () => {
    expect(road({ highway: "primary", ref: "B 37;B 45", maxspeed: "50" })).toMatchObject({
      roadClass: "bundesstrasse",
      ref: "B 37; B 45",
      ortsdurchfahrt: true,
    });
    expect(road({ highway: "secondary", ref: "L 600a", maxspeed: "70" })).toMatchObject({ roadClass: "landesstrasse", ortsdurchfahrt: false });
    expect(road({ highway: "secondary", ref: "L600A", maxspeed: "DE:urban" })).toMatchObject({ ref: "L 600a", ortsdurchfahrt: true });
  });

  it("lets the ref decide over the highway type (a B road built as motorway is a Bundesstraße)", () => {
    expect(road({ highway: "motorway", ref: "B 535" }).roadClass).toBe("bundesstrasse");
    expect(road({ highway: "trunk", ref: "L 723" }).roadClass).toBe("landesstrasse");
  });

  it("classifies ways without ref by highway type", () => {
    const cls = (tags: Record<string, string>) => road(tags).roadClass;
    expect(cls({ highway: "motorway_link" })).toBe("autobahn");
    expect(cls({ highway: "trunk" })).toBe("bundesstrasse");
    expect(cls({ highway: "trunk_link" })).toBe("bundesstrasse");
    for (const highway of ["primary", "secondary_link", "tertiary", "unclassified", "residential", "living_street", "pedestrian", "footway", "cycleway", "service"]) {
      expect(cls({ highway }), highway).toBe("gemeindestrasse");
    }
    for (const highway of ["track", "path", "bridleway", "steps", "construction", "proposed", "raceway"]) {
      expect(cls({ highway }), highway).toBe("other");
    }
  });

  it("treats private service ways and Privatwege as other, public ones as Gemeindestraße", () => {
    const cls = (tags: Record<string, string>) => road(tags).roadClass;
    expect(cls({ highway: "service", access: "private" })).toBe("other");
    expect(cls({ highway: "service", access: "no" })).toBe("other");
    expect(cls({ highway: "service", service: "parking_aisle" })).toBe("gemeindestrasse");
    expect(cls({ highway: "residential", access: "private" })).toBe("other");
    expect(cls({ highway: "residential", access: "destination" })).toBe("gemeindestrasse");
  });

  it("ignores a ref on a construction site or a track", () => {
    expect(road({ highway: "construction", ref: "B 3" }).roadClass).toBe("other");
    expect(road({ highway: "track", ref: "K 4200" }).roadClass).toBe("other");
  });

  it("reads bridge and tunnel values other than no as structures", () => {
    expect(road({ highway: "living_street", name: "Fahrgasse", tunnel: "building_passage" }).tunnel).toBe(true);
    expect(road({ highway: "primary", bridge: "viaduct" }).bridge).toBe(true);
    expect(road({ highway: "primary", bridge: "no", tunnel: "no" })).toMatchObject({ bridge: false, tunnel: false });
  });

  it("does not guess an Ortsdurchfahrt for Gemeindestraßen", () => {
    expect(road({ highway: "residential", maxspeed: "30" }).ortsdurchfahrt).toBe(false);
  });
});

describe("road class from explicit fields (authority data)", () => {
  it("reads German class names and letters in any field case", () => {
    expect(road({ STRASSENKLASSE: "K", NAME: "Hauptstraße" }).roadClass).toBe("kreisstrasse");
    expect(road({ road_class: "Bundesstraße" }).roadClass).toBe("bundesstrasse");
    expect(road({ klasse: "Gemeindestraße" }).roadClass).toBe("gemeindestrasse");
    expect(road({ Klasse: "A" }).roadClass).toBe("autobahn");
  });

  it("prefers the explicit class and Ortsdurchfahrt over OSM tags", () => {
    expect(road({ road_class: "landesstrasse", highway: "residential", ref: "K 5", maxspeed: "30", od: "nein" })).toMatchObject({
      roadClass: "landesstrasse",
      ortsdurchfahrt: false,
    });
    expect(road({ road_class: "L", ortsdurchfahrt: true }).ortsdurchfahrt).toBe(true);
    expect(road({ road_class: "L", OD: "ja" }).ortsdurchfahrt).toBe(true);
  });

  it("reads the resurfacing date", () => {
    expect(road({ road_class: "G", resurfaced_on: "12.05.2023" }).resurfacedOn).toBe("2023-05-12");
    expect(road({ road_class: "G", resurfacedOn: "2024-02-30" }).resurfacedOn).toBeNull();
  });

  it("skips unknown classes and roads without any class, with a reason", () => {
    expect(roadFrom({ klasse: "Feldweg 2. Ordnung" })).toEqual(new Skip("unbekannte Straßenklasse „Feldweg 2. Ordnung“"));
    expect((roadFrom({ name: "Irgendwas" }) as Skip).reason).toMatch(/Straßenklasse fehlt/);
  });
});

describe("refs and speed limits", () => {
  it("finds the highest class among refs", () => {
    expect(roadClassFromRef("K 9701; L 536")).toBe("landesstrasse");
    expect(roadClassFromRef("A 5;B 3")).toBe("autobahn");
    expect(roadClassFromRef("E 35")).toBeNull();
  });

  it("normalises refs", () => {
    expect(normaliseRef("B37;B 45")).toBe("B 37; B 45");
    expect(normaliseRef(" k 171 ")).toBe("K 171");
    expect(normaliseRef("E 35")).toBe("E 35");
  });

  it("parses maxspeed values", () => {
    expect(parseMaxspeed("50")).toBe(50);
    expect(parseMaxspeed("DE:urban")).toBe(50);
    expect(parseMaxspeed("DE:rural")).toBe(100);
    expect(parseMaxspeed("DE:zone30")).toBe(30);
    expect(parseMaxspeed("DE:zone:30")).toBe(30);
    expect(parseMaxspeed("walk")).toBe(7);
    expect(parseMaxspeed("30 mph")).toBeCloseTo(48.3, 1);
    expect(parseMaxspeed("50;30")).toBe(50);
    expect(parseMaxspeed("none")).toBeNull();
    expect(parseMaxspeed("signals")).toBeNull();
  });
});
