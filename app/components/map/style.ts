/**
 * The map's style, built in code: our vector tile sources and how each layer is drawn. Pure data
 * (no MapLibre runtime), so it is cheap to test and shared by the legend and the layer switcher.
 */
import type {
  ExpressionSpecification,
  FilterSpecification,
  LayerSpecification,
  StyleSpecification,
  VectorSourceSpecification,
} from "maplibre-gl";
import { CONFLICT_LAYER_INFO, CONFLICT_LAYER_KEYS, type ConflictLayerKey } from "~/modules/layers/keys";
import { ROAD_CLASS_LABELS, ROAD_CLASSES, type RoadClass } from "~/modules/roads/classes";
import { TILE_LAYER_MIN_ZOOM, TILE_SOURCE_MAX_ZOOM, TILE_LAYERS, type TileLayer } from "~/modules/tiles/layers";

export const ATTRIBUTION = "© OpenStreetMap-Mitwirkende (ODbL) · © GeoBasis-DE / BKG (dl-de/by-2-0) · Demo-Daten";

export const sourceId = (layer: TileLayer) => `bp-${layer}`;

export function tileSources(tileBaseUrl: string): Record<string, VectorSourceSpecification> {
  const base = tileBaseUrl.replace(/\/+$/, "");
  return Object.fromEntries(
    TILE_LAYERS.map((layer) => [
      sourceId(layer),
      {
        type: "vector",
        // absolute: the worker resolves tile URLs without the page's base
        tiles: [`${base}/tiles/${layer}/{z}/{x}/{y}.mvt`],
        minzoom: TILE_LAYER_MIN_ZOOM[layer],
        maxzoom: TILE_SOURCE_MAX_ZOOM,
        attribution: layer === "roads" ? ATTRIBUTION : undefined,
      } satisfies VectorSourceSpecification,
    ])
  );
}

/** A plain light background when no basemap style is configured (there is no internet here). */
export function plainStyle(): StyleSpecification {
  return {
    version: 8,
    sources: {},
    layers: [{ id: "bp-background", type: "background", paint: { "background-color": "#f4f3ef" } }],
  };
}

// ---------------------------------------------------------------------------------------------
// Roads
// ---------------------------------------------------------------------------------------------

export const ROAD_COLOURS: Record<RoadClass, { fill: string; casing: string; factor: number }> = {
  autobahn: { fill: "#2f6fd6", casing: "#173f80", factor: 1.6 },
  bundesstrasse: { fill: "#d93a32", casing: "#7d1b16", factor: 1.35 },
  landesstrasse: { fill: "#f39a1d", casing: "#8a560c", factor: 1.2 },
  kreisstrasse: { fill: "#f7d531", casing: "#8c7614", factor: 1.05 },
  gemeindestrasse: { fill: "#ffffff", casing: "#8e949c", factor: 0.85 },
  other: { fill: "#d8cbb0", casing: "#a8957a", factor: 0.5 },
};

function byClass(key: "fill" | "casing" | "factor"): ExpressionSpecification {
  return [
    "match",
    ["get", "road_class"],
    ...ROAD_CLASSES.flatMap((c) => [c, ROAD_COLOURS[c][key]]),
    key === "factor" ? 0.6 : "#999999",
  ] as unknown as ExpressionSpecification;
}

/** Line width in px by zoom, scaled by class; `extra` widens casings. */
function roadWidth(extra = 0): ExpressionSpecification {
  const f = byClass("factor");
  return [
    "interpolate",
    ["exponential", 1.5],
    ["zoom"],
    8,
    ["+", ["*", 0.8, f], extra * 0.5],
    12,
    ["+", ["*", 2, f], extra],
    15,
    ["+", ["*", 6, f], extra],
    18,
    ["+", ["*", 16, f], extra * 1.5],
  ] as unknown as ExpressionSpecification;
}

const isLine: FilterSpecification = ["in", ["geometry-type"], ["literal", ["LineString", "MultiLineString"]]];
const isPolygon: FilterSpecification = ["in", ["geometry-type"], ["literal", ["Polygon", "MultiPolygon"]]];
const isPoint: FilterSpecification = ["in", ["geometry-type"], ["literal", ["Point", "MultiPoint"]]];

function roadLayers(): LayerSpecification[] {
  const source = sourceId("roads");
  const common = { source, "source-layer": "roads", layout: { "line-cap": "round", "line-join": "round" } } as const;
  return [
    {
      id: "roads-casing",
      type: "line",
      ...common,
      filter: ["!=", ["get", "bridge"], true],
      paint: { "line-color": byClass("casing"), "line-width": roadWidth(2) },
    },
    {
      id: "roads-bridge-casing",
      type: "line",
      source,
      "source-layer": "roads",
      filter: ["==", ["get", "bridge"], true],
      layout: { "line-cap": "butt", "line-join": "round" },
      paint: { "line-color": "#222222", "line-width": roadWidth(5), "line-dasharray": [1.2, 0.6] },
    },
    {
      id: "roads-fill",
      type: "line",
      ...common,
      paint: {
        "line-color": byClass("fill"),
        "line-width": roadWidth(),
        "line-opacity": ["case", ["==", ["get", "tunnel"], true], 0.45, 1],
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Admin areas, applications
// ---------------------------------------------------------------------------------------------

function adminLayers(): LayerSpecification[] {
  return [
    // invisible, but clickable for the info popup
    {
      id: "gemeinden-fill",
      type: "fill",
      source: sourceId("gemeinden"),
      "source-layer": "gemeinden",
      paint: { "fill-color": "#000000", "fill-opacity": 0 },
    },
    {
      id: "gemeinden-line",
      type: "line",
      source: sourceId("gemeinden"),
      "source-layer": "gemeinden",
      paint: { "line-color": "#5b5f66", "line-width": ["interpolate", ["linear"], ["zoom"], 8, 0.8, 14, 1.6], "line-dasharray": [4, 2] },
    },
    {
      id: "kreise-line",
      type: "line",
      source: sourceId("kreise"),
      "source-layer": "kreise",
      paint: { "line-color": "#30343a", "line-width": ["interpolate", ["linear"], ["zoom"], 6, 1.5, 14, 3], "line-dasharray": [6, 3] },
    },
  ];
}

export const APPLICATION_COLOUR = "#7b2cbf";

function applicationLayers(): LayerSpecification[] {
  return [
    {
      id: "applications-line",
      type: "line",
      source: sourceId("applications"),
      "source-layer": "applications",
      layout: { "line-cap": "butt", "line-join": "round" },
      paint: {
        "line-color": APPLICATION_COLOUR,
        "line-width": ["interpolate", ["linear"], ["zoom"], 10, 2, 16, 5],
        "line-dasharray": [2, 1.5],
        "line-opacity": 0.9,
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Conflict layers: one colour each; circles for points, lines, fills with outline
// ---------------------------------------------------------------------------------------------

export const CONFLICT_COLOURS: Record<ConflictLayerKey, { colour: string; fillOpacity: number; dash?: [number, number] }> = {
  trees: { colour: "#2e8b3e", fillOpacity: 0.3 },
  railways: { colour: "#3b3b3b", fillOpacity: 0.2 },
  watercourses: { colour: "#1f78c8", fillOpacity: 0.35 },
  water_protection_zones: { colour: "#3aa0d8", fillOpacity: 0.12, dash: [3, 2] },
  nature_reserves: { colour: "#4f9a2f", fillOpacity: 0.14, dash: [3, 2] },
  heritage: { colour: "#a0522d", fillOpacity: 0.1 },
  resurfaced_roads: { colour: "#0f9d9a", fillOpacity: 0.25 },
  utilities: { colour: "#b5651d", fillOpacity: 0.2, dash: [3, 2] },
  structures: { colour: "#111111", fillOpacity: 0.25 },
};

function conflictLayers(key: ConflictLayerKey): LayerSpecification[] {
  const { colour, fillOpacity, dash } = CONFLICT_COLOURS[key];
  const source = sourceId(key);
  const at = { source, "source-layer": key } as const;
  const layers: LayerSpecification[] = [
    { id: `${key}-fill`, type: "fill", ...at, filter: isPolygon, paint: { "fill-color": colour, "fill-opacity": fillOpacity } },
    {
      id: `${key}-outline`,
      type: "line",
      ...at,
      filter: isPolygon,
      paint: { "line-color": colour, "line-width": 1.5, ...(dash ? { "line-dasharray": dash } : {}) },
    },
  ];
  if (key === "railways") {
    // the classic black-and-white track
    layers.push(
      {
        id: `${key}-line`,
        type: "line",
        ...at,
        filter: isLine,
        paint: { "line-color": colour, "line-width": ["interpolate", ["linear"], ["zoom"], 10, 2, 16, 5] },
      },
      {
        id: `${key}-line-dash`,
        type: "line",
        ...at,
        filter: isLine,
        paint: { "line-color": "#ffffff", "line-width": ["interpolate", ["linear"], ["zoom"], 10, 1, 16, 3], "line-dasharray": [3, 3] },
      }
    );
  } else {
    const width: ExpressionSpecification =
      key === "resurfaced_roads"
        ? ["interpolate", ["exponential", 1.5], ["zoom"], 12, 4, 15, 10, 18, 28]
        : key === "utilities"
        ? ["interpolate", ["linear"], ["zoom"], 13, 0.75, 18, 2]
        : ["interpolate", ["linear"], ["zoom"], 10, 1.5, 16, key === "watercourses" ? 4 : 2.5];
    layers.push({
      id: `${key}-line`,
      type: "line",
      ...at,
      filter: isLine,
      layout: { "line-cap": dash ? "butt" : "round", "line-join": "round" },
      paint: {
        "line-color": colour,
        "line-width": width,
        "line-opacity": key === "resurfaced_roads" ? 0.45 : key === "utilities" ? 0.75 : 0.9,
        ...(dash && key === "utilities" ? { "line-dasharray": dash } : {}),
      },
    });
  }
  layers.push({
    id: `${key}-point`,
    type: "circle",
    ...at,
    filter: isPoint,
    paint: {
      "circle-color": colour,
      "circle-radius": ["interpolate", ["linear"], ["zoom"], 12, 2.5, 15, 4, 18, 8],
      "circle-stroke-color": "#ffffff",
      "circle-stroke-width": 1,
      "circle-opacity": 0.9,
    },
  });
  return layers;
}

// ---------------------------------------------------------------------------------------------
// Toggle groups: what the layer switcher turns on and off, in drawing order
// ---------------------------------------------------------------------------------------------

export interface LayerToggle {
  id: TileLayer;
  label: string;
  group: "base" | "conflicts";
  defaultVisible: boolean;
  /** swatch for the switcher and legend */
  swatch: { colour: string; kind: "line" | "fill" | "point" | "dashed" };
  layers: LayerSpecification[];
}

const CONFLICT_SWATCH: Record<ConflictLayerKey, LayerToggle["swatch"]["kind"]> = {
  trees: "point",
  railways: "line",
  watercourses: "line",
  water_protection_zones: "fill",
  nature_reserves: "fill",
  heritage: "fill",
  resurfaced_roads: "line",
  utilities: "dashed",
  structures: "line",
};

export function layerToggles(): LayerToggle[] {
  const conflicts = CONFLICT_LAYER_KEYS.map(
    (key): LayerToggle => ({
      id: key,
      label: CONFLICT_LAYER_INFO[key].name,
      group: "conflicts",
      defaultVisible: true,
      swatch: { colour: CONFLICT_COLOURS[key].colour, kind: CONFLICT_SWATCH[key] },
      layers: conflictLayers(key),
    })
  );
  return [
    {
      id: "gemeinden",
      label: "Gemeindegrenzen",
      group: "base",
      defaultVisible: true,
      swatch: { colour: "#5b5f66", kind: "dashed" },
      layers: adminLayers().slice(0, 2),
    },
    {
      id: "kreise",
      label: "Kreisgrenzen",
      group: "base",
      defaultVisible: true,
      swatch: { colour: "#30343a", kind: "dashed" },
      layers: adminLayers().slice(2),
    },
    ...conflicts,
    {
      id: "roads",
      label: "Straßen",
      group: "base",
      defaultVisible: true,
      swatch: { colour: ROAD_COLOURS.bundesstrasse.fill, kind: "line" },
      layers: roadLayers(),
    },
    {
      id: "applications",
      label: "Eingereichte Anträge",
      group: "base",
      defaultVisible: true,
      swatch: { colour: APPLICATION_COLOUR, kind: "dashed" },
      layers: applicationLayers(),
    },
  ];
}

/**
 * Drawing order: areas at the bottom, then boundaries, waters and rails, roads, overlays on roads,
 * points on top — so a tree is never hidden under a road.
 */
export function orderedTileLayers(toggles: LayerToggle[]): LayerSpecification[] {
  const all = toggles.flatMap((t) => t.layers);
  const rank = (l: LayerSpecification): number => {
    if (l.type === "fill") return 0;
    if (l.id.startsWith("gemeinden") || l.id.startsWith("kreise")) return 1;
    if (l.id.endsWith("-outline")) return 2;
    if (l.id.startsWith("watercourses") || l.id.startsWith("railways")) return 3;
    if (l.id.startsWith("roads-")) return 4;
    if (l.type === "line" && !l.id.startsWith("applications")) return 5;
    if (l.id.startsWith("applications")) return 6;
    return 7; // circles
  };
  return all
    .map((l, i) => ({ l, i }))
    .sort((a, b) => rank(a.l) - rank(b.l) || a.i - b.i)
    .map(({ l }) => l);
}

export const ROAD_LAYER_IDS = ["roads-fill", "roads-casing", "roads-bridge-casing"];

/** Labels need glyphs, which only a configured basemap style can provide (no fonts from the web). */
export function labelLayers(): LayerSpecification[] {
  return [
    {
      id: "gemeinden-label",
      type: "symbol",
      source: sourceId("gemeinden"),
      "source-layer": "gemeinden",
      layout: { "text-field": ["get", "name"], "text-size": 13, "symbol-placement": "point" },
      paint: { "text-color": "#30343a", "text-halo-color": "#ffffff", "text-halo-width": 1.5 },
    },
    {
      id: "roads-label",
      type: "symbol",
      source: sourceId("roads"),
      "source-layer": "roads",
      minzoom: 15,
      layout: { "text-field": ["coalesce", ["get", "name"], ["get", "ref"], ""], "text-size": 11, "symbol-placement": "line" },
      paint: { "text-color": "#222222", "text-halo-color": "#ffffff", "text-halo-width": 1.5 },
    },
  ];
}

export const ROAD_LEGEND = ROAD_CLASSES.map((c) => ({ roadClass: c, label: ROAD_CLASS_LABELS[c], ...ROAD_COLOURS[c] }));
