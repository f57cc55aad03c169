import { describe, expect, it } from "vitest";
import type { CheckReport } from "~/modules/checks/report";
import { TILE_LAYERS } from "~/modules/tiles/layers";
import { AUTHORITY_PALETTE, authorityColours, bboxOf, focusGeometry, reportToGeoJSON } from "./report-overlay";
import { EditHistory, fromDrawSnapshot, routeLines, snapToLines, toDrawFeatures } from "./route-value";
import { layerToggles, orderedTileLayers, tileSources } from "./style";

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

describe("route value ↔ terra-draw", () => {
  it("keeps valid ids and properties, assigns new ids, splits MultiLineStrings and rounds to 7 decimals", () => {
    let next = 100;
    const features = toDrawFeatures(
      {
        type: "FeatureCollection",
        features: [
          { type: "Feature", id: uuid(1), geometry: { type: "LineString", coordinates: [[9.1, 50.1], [9.2, 50.2000000049]] }, properties: { method: "hdd", nested: { no: 1 } } },
          { type: "Feature", id: 7, geometry: { type: "Point", coordinates: [9.3, 50.3] }, properties: { elementType: "muffe" } },
          { type: "Feature", geometry: { type: "MultiLineString", coordinates: [[[9, 50], [9.1, 50]], [[9.2, 50], [9.3, 50]]] }, properties: null },
          { type: "Feature", geometry: { type: "Polygon", coordinates: [] }, properties: {} },
          { type: "Feature", geometry: { type: "LineString", coordinates: [[9, 50]] }, properties: {} },
        ],
      },
      () => uuid(next++),
    );
    expect(features.map((f) => [f.id, f.geometry.type, f.properties.mode])).toEqual([
      [uuid(1), "LineString", "linestring"],
      [uuid(100), "Point", "point"],
      [uuid(101), "LineString", "linestring"],
      [uuid(102), "LineString", "linestring"],
    ]);
    expect(features[0]!.properties).toEqual({ method: "hdd", mode: "linestring" });
    expect(features[0]!.geometry.coordinates).toEqual([[9.1, 50.1], [9.2, 50.2]]);
  });

  it("returns lines before points, without terra-draw's bookkeeping, guidance points or unfinished lines", () => {
    const value = fromDrawSnapshot([
      { id: "p", geometry: { type: "Point", coordinates: [9, 50] }, properties: { mode: "point", elementType: "schacht", selected: true } },
      { id: "l", geometry: { type: "LineString", coordinates: [[9, 50], [9.1, 50]] }, properties: { mode: "linestring", method: "hdd" } },
      { id: "d", geometry: { type: "LineString", coordinates: [[9, 50], [9.1, 50]] }, properties: { mode: "linestring", currentlyDrawing: true } },
      { id: "s", geometry: { type: "Point", coordinates: [9, 50] }, properties: { mode: "select", selectionPoint: true } },
    ]);
    expect(value.features.map((f) => [f.id, f.properties])).toEqual([
      ["l", { method: "hdd" }],
      ["p", { elementType: "schacht" }],
    ]);
    expect(routeLines(value).features.map((f) => f.id)).toEqual(["l"]);
  });
});

describe("edit history", () => {
  const fc = (n: number): GeoJSON.FeatureCollection => ({
    type: "FeatureCollection",
    features: Array.from({ length: n }, (_, i) => ({ type: "Feature", geometry: { type: "Point", coordinates: [i, 0] }, properties: {} })),
  });

  it("undoes and redoes whole states; a new edit drops the redo stack; unchanged states are not recorded", () => {
    const h = new EditHistory(fc(0));
    expect(h.commit(fc(0))).toBe(false);
    expect(h.commit(fc(1))).toBe(true);
    h.commit(fc(2));
    expect(h.undo()).toEqual(fc(1));
    expect(h.undo()).toEqual(fc(0));
    expect(h.undo()).toBeNull();
    expect(h.redo()).toEqual(fc(1));
    h.commit(fc(5));
    expect(h.canRedo).toBe(false);
    expect(h.current).toEqual(fc(5));
    expect(h.isCurrent(fc(5))).toBe(true);
  });

  it("keeps at most maxSize steps", () => {
    const h = new EditHistory(fc(0), 3);
    for (let i = 1; i <= 5; i++) h.commit(fc(i));
    let steps = 0;
    while (h.undo()) steps++;
    expect(steps).toBe(3);
    expect(h.current).toEqual(fc(2));
  });
});

describe("snapping", () => {
  const identity = ([x, y]: [number, number]) => ({ x, y });

  it("snaps to the nearest point on a segment within the distance, prefers vertices, else nothing", () => {
    const lines = [[[0, 0], [100, 0]], [[50, 20], [50, 100]]];
    expect(snapToLines({ x: 30, y: 6 }, lines, identity, 10)?.point).toEqual({ x: 30, y: 0 });
    expect(snapToLines({ x: 30, y: 12 }, lines, identity, 10)).toBeNull();
    // the vertex (50, 20) is 3 px away, the horizontal segment 3 px as well: the junction wins
    expect(snapToLines({ x: 50, y: 17 }, lines, identity, 10)?.point).toEqual({ x: 50, y: 20 });
  });
});

describe("report overlay", () => {
  const line = (x: number) => ({ type: "LineString", coordinates: [[x, 50], [x + 0.01, 50]] });
  const section = (id: string | null, x: number) => ({
    featureIndex: 0,
    authority: id ? { id, name: `Behörde ${id}`, level: "gemeinde" } : null,
    gemeinde: null,
    roadClass: "gemeindestrasse",
    roads: [],
    method: "open_trench" as const,
    lengthM: 100,
    geometry: line(x),
  });
  const report = {
    lengthM: 300,
    rulesVersion: "1",
    findings: [],
    sections: [section("a", 9), section("b", 9.1), section(null, 9.2)],
    offRoad: [],
    conflicts: [
      { layer: "trees", featureId: 1, name: "Linde", severity: "warning", distanceM: 1, affectedLengthM: 0, ruleId: 1, code: "x", message: "m", legalBasis: "", geometry: { type: "Point", coordinates: [9.05, 50.001] } },
    ],
    crossings: [{ kind: "road", point: { type: "Point", coordinates: [9.1, 50] } }],
    clashes: [],
    method: [],
  } as CheckReport;

  it("gives every authority its own stable colour and draws every item with its index", () => {
    const colours = authorityColours(report);
    expect(colours.size).toBe(2);
    expect(colours.get("a")!.colour).not.toBe(colours.get("b")!.colour);
    expect(authorityColours({ ...report, sections: [section("a", 1)] }).get("a")).toEqual(colours.get("a"));
    expect(AUTHORITY_PALETTE).toContain(colours.get("a")!.colour);
    const data = reportToGeoJSON(report);
    expect(data.sections.features.map((f) => f.properties!.index)).toEqual([0, 1, 2]);
    expect(data.conflicts.features[0]!.properties).toMatchObject({ index: 0, colour: "#f2c500" });
    expect(reportToGeoJSON(null).sections.features).toEqual([]);
    // a clerk's view: other authorities' sections faint
    expect(data.sections.features.every((f) => f.properties!.dim === false)).toBe(true);
    const own = reportToGeoJSON(report, "a").sections.features.map((f) => [report.sections[f.properties!.index]!.authority?.id, f.properties!.dim]);
    expect(own.every(([id, dim]) => dim === (id !== "a"))).toBe(true);
    expect(own.some(([, dim]) => dim)).toBe(true);
  });

  it("finds the geometry and bbox of a focused item", () => {
    expect(bboxOf(focusGeometry(report, { kind: "section", index: 1 }))).toEqual([9.1, 50, 9.11, 50]);
    expect(bboxOf(focusGeometry(report, { kind: "crossing", index: 0 }))).toEqual([9.1, 50, 9.1, 50]);
    expect(focusGeometry(report, { kind: "conflict", index: 5 })).toBeNull();
    expect(focusGeometry(null, { kind: "section", index: 0 })).toBeNull();
  });
});

describe("map style", () => {
  it("has an absolute tile URL per layer and a style layer for every toggle, without duplicate ids", () => {
    const sources = tileSources("http://127.0.0.1:3000/");
    expect(Object.keys(sources)).toHaveLength(TILE_LAYERS.length);
    expect(sources["bp-roads"]!.tiles).toEqual(["http://127.0.0.1:3000/tiles/roads/{z}/{x}/{y}.mvt"]);
    expect(sources["bp-trees"]!.minzoom).toBe(15);
    const toggles = layerToggles();
    expect(new Set(toggles.map((t) => t.id))).toEqual(new Set(TILE_LAYERS));
    const layers = orderedTileLayers(toggles);
    expect(new Set(layers.map((l) => l.id)).size).toBe(layers.length);
    // areas below lines below points
    const index = (id: string) => layers.findIndex((l) => l.id === id);
    expect(index("nature_reserves-fill")).toBeLessThan(index("roads-fill"));
    expect(index("roads-fill")).toBeLessThan(index("trees-point"));
    expect(index("roads-casing")).toBeLessThan(index("roads-fill"));
  });
});
