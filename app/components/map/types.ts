import type { CheckReport } from "~/modules/checks/report";

/** Network elements an operator marks on the route (properties.elementType of Point features). */
export const ELEMENT_TYPES = ["verteilerkasten", "schacht", "muffe", "montagegrube"] as const;
export type ElementType = (typeof ELEMENT_TYPES)[number];

export const ELEMENT_TYPE_LABELS: Record<ElementType, string> = {
  verteilerkasten: "Verteilerkasten",
  schacht: "Schacht",
  muffe: "Muffe",
  montagegrube: "Montagegrube",
};

export type ReportFocusKind = "section" | "conflict" | "crossing" | "offRoad";

export interface RouteMapProps {
  /** absolute origin for tile URLs, e.g. window.location.origin */
  tileBaseUrl?: string;
  basemapStyleUrl?: string | null;
  /** the drawn route: FeatureCollection (WGS84) of LineStrings (route sections, properties incl. method) and Points (network elements, properties.elementType: "verteilerkasten"|"schacht"|"muffe"|"montagegrube") */
  value: GeoJSON.FeatureCollection;
  onChange?: (value: GeoJSON.FeatureCollection) => void; // called on every finished edit
  editable?: boolean;
  /** the latest check report (app/modules/checks/report.ts) to draw: sections coloured by authority, conflicts, crossings, off-road parts */
  report?: CheckReport | null;
  /** a clerk's view: sections of other authorities are drawn faint */
  highlightAuthorityId?: string | null;
  /** zoom to this item of the report and highlight it */
  focus?: { kind: ReportFocusKind; index: number } | null;
  /** fit the map to this bbox [minLon,minLat,maxLon,maxLat] once when it changes */
  fitBounds?: [number, number, number, number] | null;
  initialView?: { center: [number, number]; zoom: number };
  className?: string;
  onLoad?: () => void; // fired after maplibre's "load"
}
