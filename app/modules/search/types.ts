/** Search results as the API returns them (shared with the browser; no zod here, it would bloat the map bundle). */
export const SEARCH_LIMIT = 10;

export type SearchKind = "gemeinde" | "street";

/** One hit; bbox in WGS84 [minLon, minLat, maxLon, maxLat], ready for map.fitBounds. */
export interface SearchResult {
  kind: SearchKind;
  label: string;
  bbox: [number, number, number, number];
}

export const SEARCH_KIND_LABELS: Record<SearchKind, string> = {
  gemeinde: "Gemeinde",
  street: "Straße",
};
