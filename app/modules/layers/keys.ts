/**
 * The stable keys of the conflict layers: used by imports, check rules, tiles and the API
 * (and enforced by a CHECK constraint on conflict_layers.key).
 */
export const CONFLICT_LAYER_KEYS = [
  "trees",
  "railways",
  "watercourses",
  "water_protection_zones",
  "nature_reserves",
  "heritage",
  "resurfaced_roads",
  "utilities",
  "structures",
] as const;
export type ConflictLayerKey = (typeof CONFLICT_LAYER_KEYS)[number];
