/**
 * Conflict-layer features from imported data. OpenStreetMap extracts (osmium export: an osm_id
 * plus tags) are understood without flags: each layer takes the features whose tags make them
 * part of it and keeps a few telling tags. Other data keeps all its properties.
 */
import type { ConflictLayerKey } from "./keys";
import { displayName, featureId, isoDate, Skip, text, type Properties } from "./properties";

export type GeometryKind =
  | "Point"
  | "MultiPoint"
  | "LineString"
  | "MultiLineString"
  | "Polygon"
  | "MultiPolygon"
  | "GeometryCollection";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
type Dimension = 0 | 1 | 2;

/** 0 points, 1 lines, 2 areas; null for a collection, which may mix them. */
export function dimensionOf(kind: GeometryKind): Dimension | null {
  if (kind === "Point" || kind === "MultiPoint") return 0;
  if (kind === "LineString" || kind === "MultiLineString") return 1;
  if (kind === "Polygon" || kind === "MultiPolygon") return 2;
  return null;
}

export interface ConflictFeatureDraft {
  externalId: string | null;
  name: string | null;
  attributes: Record<string, JsonValue>;
}
type Attributes = Record<string, JsonValue>;

/**
 * The OSM object behind an id: "n1"/"w1"/"r1" as they are, osmium's area ids "a…" back to the
 * way (2·id) or relation (2·id + 1) they were built from, Overpass "way/1" to "w1".
 * A closed way can be exported twice, as line w… and area a…: this is what finds the pair.
 */
export function osmObjectId(id: string): string | null {
  const plain = /^([nwr])(\d+)$/.exec(id);
  if (plain) return id;
  const area = /^a(\d+)$/.exec(id);
  if (area) {
    const n = Number(area[1]);
    return n % 2 === 0 ? `w${n / 2}` : `r${(n - 1) / 2}`;
  }
  const overpass = /^(node|way|relation)\/(\d+)$/.exec(id);
  return overpass ? `${overpass[1]![0]}${overpass[2]}` : null;
}

/** Tags that only OSM data carries in lower case; DBF columns of authority data are upper case. */
const OSM_KEYS = [
  "highway", "railway", "natural", "waterway", "historic", "heritage", "power", "man_made",
  "telecom", "utility", "boundary", "leisure", "building", "landuse", "amenity",
];

export function isOsmTagged(properties: Properties): boolean {
  const id = text(properties, "osm_id", "@id");
  return (id !== null && osmObjectId(id) !== null) || OSM_KEYS.some((k) => k in properties);
}

/** The present ones of the given tags, as text. */
function pick(tags: Properties, keys: readonly string[]): Attributes {
  const out: Attributes = {};
  for (const key of keys) {
    const value = text(tags, key);
    if (value !== null) out[key] = value;
  }
  return out;
}

/** "nicht Teil der Ebene railways (railway=abandoned)": the first present of tagKeys explains why. */
function notInLayer(key: ConflictLayerKey, tags: Properties, ...tagKeys: string[]): Skip {
  const tag = tagKeys.find((k) => text(tags, k) !== null);
  return new Skip(`nicht Teil der Ebene ${key}${tag ? ` (${tag}=${text(tags, tag)})` : ""}`);
}

export const wrongGeometry = (layer: string, type: GeometryKind | null) =>
  new Skip(`falscher Geometrietyp für ${layer} (${type ?? "unbekannt"})`);

const present = (value: string | null) => value !== null && value !== "no";

interface Shape {
  type: GeometryKind | null;
  dim: Dimension | null;
}
type Rule = (tags: Properties, shape: Shape) => Attributes | Skip;

const RAILWAYS = new Set([
  "rail", "light_rail", "tram", "narrow_gauge", "subway", "funicular", "monorail", "preserved", "disused",
]);
const WATERWAYS = new Set(["river", "stream", "canal", "ditch", "drain"]);
/** Ground-level parts of the power grid that a trench must keep clear of, besides the lines. */
const POWER = new Set(["line", "minor_line", "cable", "substation", "transformer", "cable_distribution_cabinet"]);
const UTILITY_TAGS = ["power", "man_made", "telecom", "utility", "substance", "voltage", "operator", "location"];

/** "I", "2", "III A", "IIIb" → "I" | "II" | "III" (the zone the check rules know) and the detail. */
export function waterProtectionZone(value: string): { zone: "I" | "II" | "III"; detail: string } | null {
  const m = /^(?:zone\s*)?(III|II|I|3|2|1)\s*([AB]\d?)?$/i.exec(value.trim());
  if (!m) return null;
  const zone = (["I", "II", "III"] as const)[/\d/.test(m[1]!) ? Number(m[1]) - 1 : m[1]!.length - 1]!;
  return { zone, detail: `${zone}${(m[2] ?? "").toUpperCase()}` };
}

function zoneAttributes(value: string | null): Attributes | Skip {
  const zone = value ? waterProtectionZone(value) : null;
  if (!zone) return new Skip(`Schutzzone fehlt oder unbekannt${value ? ` („${value}“)` : ""} – erwartet I, II oder III`);
  return zone.detail === zone.zone ? { zone: zone.zone } : { zone: zone.zone, zoneDetail: zone.detail };
}

interface LayerSpec {
  /** OSM tags → attributes (with kind), or why the feature is not part of the layer */
  osm?: Rule;
  /** what every non-OSM feature must carry, as attributes added to its own properties */
  required?: (properties: Properties) => Attributes | Skip;
  /** dimensions the layer takes from non-OSM data (default: any) */
  dimensions?: Dimension[];
}

const LAYERS: Record<ConflictLayerKey, LayerSpec> = {
  trees: {
    osm: (t, { type, dim }) => {
      const natural = text(t, "natural");
      const expected = natural === "tree" ? 0 : natural === "tree_row" ? 1 : null;
      if (expected === null) return notInLayer("trees", t, "natural");
      if (dim !== expected) return wrongGeometry("trees", type);
      return { kind: natural!, ...pick(t, ["species", "genus", "circumference", "height", "diameter_crown"]) };
    },
  },
  railways: {
    osm: (t, { type, dim }) => {
      const railway = text(t, "railway");
      if (!railway || !RAILWAYS.has(railway)) return notInLayer("railways", t, "railway");
      if (dim !== 1) return wrongGeometry("railways", type);
      return { kind: railway, ...pick(t, ["ref", "usage", "service", "operator", "electrified", "gauge", "bridge", "tunnel"]) };
    },
  },
  watercourses: {
    osm: (t, { type, dim }) => {
      const waterway = text(t, "waterway");
      if (waterway && WATERWAYS.has(waterway)) {
        return dim === 1 ? { kind: waterway, ...pick(t, ["tunnel"]) } : wrongGeometry("watercourses", type);
      }
      if (text(t, "natural") === "water" || waterway === "riverbank") {
        return dim === 2 ? { kind: text(t, "water") ?? "water" } : wrongGeometry("watercourses", type);
      }
      return notInLayer("watercourses", t, "waterway", "natural");
    },
  },
  water_protection_zones: {
    osm: (t, { type, dim }) => {
      if (text(t, "boundary") !== "water_protection_area") return notInLayer("water_protection_zones", t, "boundary");
      if (dim !== 2) return wrongGeometry("water_protection_zones", type);
      return zoneAttributes(text(t, "zone", "water_protection_area"));
    },
    required: (p) => zoneAttributes(text(p, "zone", "schutzzone", "wsg_zone")),
    dimensions: [2],
  },
  nature_reserves: {
    osm: (t, { type, dim }) => {
      const boundary = text(t, "boundary");
      const kind =
        boundary === "protected_area" || boundary === "national_park"
          ? boundary
          : text(t, "leisure") === "nature_reserve"
            ? "nature_reserve"
            : null;
      if (!kind) return notInLayer("nature_reserves", t, "boundary", "leisure");
      if (dim !== 2) return wrongGeometry("nature_reserves", type);
      return { kind, ...pick(t, ["protect_class", "protection_title"]) };
    },
    dimensions: [2],
  },
  heritage: {
    osm: (t) => {
      const historic = text(t, "historic");
      if (!present(historic) && !present(text(t, "heritage"))) return notInLayer("heritage", t);
      return { kind: present(historic) ? historic! : "heritage", ...pick(t, ["historic", "heritage", "memorial", "start_date", "wikidata"]) };
    },
  },
  utilities: {
    osm: (t) => {
      const power = text(t, "power");
      const manMade = text(t, "man_made");
      const utility = text(t, "utility");
      let kind: string | null = null;
      if (power && POWER.has(power)) kind = "power";
      else if (manMade === "pipeline") kind = text(t, "substance") ?? "pipeline";
      else if (manMade === "street_cabinet") kind = text(t, "street_cabinet") ?? "street_cabinet";
      else if (present(text(t, "telecom"))) kind = "telecom";
      else if (present(utility)) kind = utility;
      if (!kind) return notInLayer("utilities", t, "power", "man_made");
      return { kind, ...pick(t, UTILITY_TAGS) };
    },
  },
  structures: {
    osm: (t, { type, dim }) => {
      const carrier = text(t, "highway") !== null || text(t, "railway") !== null;
      const bridge = text(t, "bridge");
      const tunnel = text(t, "tunnel");
      const kind = present(bridge) ? "bridge" : present(tunnel) ? "tunnel" : null;
      if (!carrier || !kind) return notInLayer("structures", t);
      if (dim !== 1) return wrongGeometry("structures", type);
      return { kind, structure: (kind === "bridge" ? bridge : tunnel)!, ...pick(t, ["highway", "railway", "ref", "layer"]) };
    },
  },
  resurfaced_roads: {
    required: (p) => {
      const date = isoDate(p, "resurfaced_on", "resurfacedOn");
      return date ? { resurfacedOn: date } : new Skip("Datum der Erneuerung fehlt oder ist ungültig (Feld resurfaced_on)");
    },
    dimensions: [1, 2],
  },
};

/** A feature of the conflict layer `key`, or why it is not one. */
export function conflictFeatureFrom(
  key: ConflictLayerKey,
  properties: Properties,
  type: GeometryKind | null,
  id?: string | number | null,
): ConflictFeatureDraft | Skip {
  const spec = LAYERS[key];
  const dim = type ? dimensionOf(type) : null;
  if (spec.osm && isOsmTagged(properties)) {
    const attributes = spec.osm(properties, { type, dim });
    if (attributes instanceof Skip) return attributes;
    const osmId = text(properties, "osm_id", "@id");
    return {
      externalId: osmId ? (osmObjectId(osmId) ?? osmId) : featureId(properties, id),
      name: text(properties, "name"),
      attributes: { ...attributes, ...(osmId ? { osm_id: osmId } : {}) },
    };
  }
  if (spec.dimensions && (dim === null || !spec.dimensions.includes(dim))) return wrongGeometry(key, type);
  const required = spec.required?.(properties) ?? {};
  if (required instanceof Skip) return required;
  return {
    externalId: featureId(properties, id),
    name: displayName(properties),
    attributes: { ...(properties as Attributes), ...required },
  };
}
