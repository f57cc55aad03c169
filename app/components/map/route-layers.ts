/** How the drawn route looks: the same colours in terra-draw (editing) and in the read-only map. */
import type { LayerSpecification } from "maplibre-gl";
import type { ElementType } from "./types";

export type Hex = `#${string}`;

export const ROUTE_COLOUR: Hex = "#0b3d91";

export const ELEMENT_COLOURS: Record<ElementType, Hex> = {
  verteilerkasten: "#0b3d91",
  schacht: "#6a4c93",
  muffe: "#c2185b",
  montagegrube: "#2a9d8f",
};

/** Network elements get a dark ring; conflict markers have a white one. */
export const ELEMENT_OUTLINE: Hex = "#1d2034";

export const ROUTE_SOURCE = "bp-route";

/** The route when it is only shown (terra-draw draws it while editing). */
export function routeLayers(): LayerSpecification[] {
  return [
    {
      id: "route-line",
      type: "line",
      source: ROUTE_SOURCE,
      filter: ["==", ["geometry-type"], "LineString"],
      layout: { "line-cap": "round", "line-join": "round" },
      paint: { "line-color": ROUTE_COLOUR, "line-width": 4 },
    },
    {
      id: "route-elements",
      type: "circle",
      source: ROUTE_SOURCE,
      filter: ["==", ["geometry-type"], "Point"],
      paint: {
        "circle-color": ["match", ["get", "elementType"], ...Object.entries(ELEMENT_COLOURS).flat(), "#333333"] as never,
        "circle-radius": 7,
        "circle-stroke-color": ELEMENT_OUTLINE,
        "circle-stroke-width": 2.5,
      },
    },
  ];
}
