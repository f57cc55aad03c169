/**
 * The vector tile layers the portal serves at /tiles/{layer}/{z}/{x}/{y}.mvt (shared with the
 * browser: the map builds its sources from this list). Each tile holds one MVT layer named like
 * its URL segment.
 */
import { CONFLICT_LAYER_KEYS, type ConflictLayerKey } from "~/modules/layers/keys";

export const BASE_TILE_LAYERS = ["roads", "gemeinden", "kreise", "applications"] as const;
export const TILE_LAYERS = [...BASE_TILE_LAYERS, ...CONFLICT_LAYER_KEYS] as const;
export type TileLayer = (typeof TILE_LAYERS)[number];

export function isTileLayer(value: string): value is TileLayer {
  return (TILE_LAYERS as readonly string[]).includes(value);
}

export function isConflictLayer(layer: TileLayer): layer is ConflictLayerKey {
  return (CONFLICT_LAYER_KEYS as readonly string[]).includes(layer);
}

export const MAX_TILE_ZOOM = 22;

/**
 * Below this zoom a layer's tiles are empty: the server skips the query and the map does not
 * request them (source minzoom). Thousands of single trees say nothing at town scale.
 */
export const TILE_LAYER_MIN_ZOOM: Record<TileLayer, number> = {
  roads: 0,
  gemeinden: 0,
  kreise: 0,
  applications: 0,
  trees: 15,
  railways: 0,
  watercourses: 0,
  water_protection_zones: 0,
  nature_reserves: 0,
  heritage: 11,
  resurfaced_roads: 12,
  utilities: 13,
  structures: 11,
};

/**
 * Above this zoom the map overzooms the last tile instead of asking for more: z16 tiles carry
 * every vertex to 4096 units of ~0.15 m, finer than any of our data.
 */
export const TILE_SOURCE_MAX_ZOOM = 16;

/** Road classes worth drawing at a zoom: the main network first, every lane from z13. */
export function roadClassesAtZoom(z: number): readonly string[] | null {
  if (z >= 13) return null; // all
  if (z >= 11) return ["autobahn", "bundesstrasse", "landesstrasse", "kreisstrasse"];
  return ["autobahn", "bundesstrasse", "landesstrasse"];
}
