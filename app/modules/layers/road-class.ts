/**
 * What a road is, legally: its class (who builds and maintains it) and whether it is an
 * Ortsdurchfahrt. Read from an explicit field when the data has one (authority data), else
 * derived from OpenStreetMap tags.
 */
import { ROAD_CLASSES, type RoadClass } from "~/modules/roads/classes";
import { flag, isoDate, prop, Skip, text, type Properties } from "./properties";

export interface RoadAttributes {
  roadClass: RoadClass;
  ortsdurchfahrt: boolean;
  name: string | null;
  ref: string | null;
  surface: string | null;
  bridge: boolean;
  tunnel: boolean;
  resurfacedOn: string | null;
}

/** Strongest first: a road with several refs ("B 37;B 45") belongs to the highest class. */
const REF_CLASSES: [letter: string, roadClass: RoadClass][] = [
  ["A", "autobahn"],
  ["B", "bundesstrasse"],
  ["L", "landesstrasse"],
  ["K", "kreisstrasse"],
];

const REF_PART = /^(A|B|L|K)\s*(\d+)\s*([a-z]?)$/i;

/** "B37;B 45" → "B 37; B 45"; parts that are no German road number are kept as they are. */
export function normaliseRef(ref: string): string {
  return splitRef(ref)
    .map((part) => {
      const m = REF_PART.exec(part);
      return m ? `${m[1]!.toUpperCase()} ${m[2]}${m[3]!.toLowerCase()}` : part;
    })
    .join("; ");
}

function splitRef(ref: string): string[] {
  return ref
    .split(/[;,]/)
    .map((p) => p.trim())
    .filter(Boolean);
}

/** The highest class among the Autobahn/Bundes-/Landes-/Kreisstraße numbers in a ref, or null. */
export function roadClassFromRef(ref: string): RoadClass | null {
  const letters = new Set(splitRef(ref).map((p) => REF_PART.exec(p)?.[1]?.toUpperCase()));
  return REF_CLASSES.find(([letter]) => letters.has(letter))?.[1] ?? null;
}

const GEMEINDE_HIGHWAYS = new Set([
  "primary", "secondary", "tertiary", "unclassified", "residential", "living_street", "road",
  "pedestrian", "service", "footway", "cycleway", "busway",
]);

/**
 * The class an OSM highway=* value implies when there is no ref. Ways that are no public road
 * (tracks, paths, steps, construction sites) and private service ways are "other"; so is any
 * other minor way marked access=private (a Privatweg).
 */
export function roadClassFromHighway(tags: Properties): RoadClass | null {
  const highway = text(tags, "highway");
  if (!highway) return null;
  const base = highway.replace(/_link$/, "");
  if (base === "motorway") return "autobahn";
  if (base === "trunk") return "bundesstrasse";
  if (!GEMEINDE_HIGHWAYS.has(base)) return "other";
  const access = text(tags, "access");
  if (access === "private" || (base === "service" && access === "no")) return "other";
  return "gemeindestrasse";
}

const EXPLICIT_CLASSES: Record<string, RoadClass> = {
  a: "autobahn", bab: "autobahn", autobahn: "autobahn", bundesautobahn: "autobahn",
  b: "bundesstrasse", bundesstrasse: "bundesstrasse",
  l: "landesstrasse", landesstrasse: "landesstrasse", staatsstrasse: "landesstrasse",
  k: "kreisstrasse", kreisstrasse: "kreisstrasse",
  g: "gemeindestrasse", gemeindestrasse: "gemeindestrasse", ortsstrasse: "gemeindestrasse",
  other: "other", sonstige: "other", sonstigerweg: "other", privatweg: "other", wirtschaftsweg: "other",
};

function explicitRoadClass(value: string): RoadClass | null {
  const key = value.toLowerCase().replace(/ß/g, "ss").replace(/[^a-z]/g, "");
  return (ROAD_CLASSES as readonly string[]).includes(key) ? (key as RoadClass) : (EXPLICIT_CLASSES[key] ?? null);
}

/**
 * Speed limit in km/h from an OSM maxspeed value ("50", "30 mph", "DE:urban", "DE:zone30", "walk").
 * null when unknown or unlimited; with several values ("50;30") the highest counts.
 */
export function parseMaxspeed(value: string): number | null {
  const speeds = value.split(";").map((part): number | null => {
    const v = part.trim().toLowerCase();
    const number = /^(\d+(?:\.\d+)?)\s*(mph|km\/h|kmh)?$/.exec(v);
    if (number) return Number(number[1]) * (number[2] === "mph" ? 1.609 : 1);
    const zone = /^[a-z]{2}:zone:?(\d+)$/.exec(v);
    if (zone) return Number(zone[1]);
    if (/^[a-z]{2}:urban$/.test(v)) return 50;
    if (/^[a-z]{2}:rural$/.test(v)) return 100;
    if (v === "walk" || /^[a-z]{2}:(living_street|walk)$/.test(v)) return 7;
    return null;
  });
  return speeds.some((s) => s === null) ? null : Math.max(...(speeds as number[]));
}

/**
 * Heuristic for OSM data, which has no Ortsdurchfahrt tag: a classified road (with a B/L/K
 * number) whose speed limit is 50 km/h or less runs through a built-up area. It misses
 * Ortsdurchfahrten without a maxspeed tag and takes 50-km/h stretches outside towns for one;
 * authority data with an explicit field should be preferred where there is any.
 */
function looksLikeOrtsdurchfahrt(roadClass: RoadClass, tags: Properties): boolean {
  if (roadClass !== "bundesstrasse" && roadClass !== "landesstrasse" && roadClass !== "kreisstrasse") return false;
  const ref = text(tags, "ref");
  const maxspeed = text(tags, "maxspeed");
  if (!ref || !maxspeed || !splitRef(ref).some((p) => /^[BLK]\s*\d/i.test(p))) return false;
  const speed = parseMaxspeed(maxspeed);
  return speed !== null && speed <= 50;
}

/** OSM bridge=* / tunnel=* and explicit yes/no fields: anything but "no" is a structure. */
function structureFlag(tags: Properties, ...names: string[]): boolean {
  const explicit = flag(tags, ...names);
  if (explicit !== null) return explicit;
  return prop(tags, ...names) !== undefined;
}

/** The road's attributes, or why it cannot be imported as a road. */
export function roadFrom(properties: Properties): RoadAttributes | Skip {
  const explicit = text(properties, "road_class", "strassenklasse", "straßenklasse", "klasse");
  const ref = text(properties, "ref");
  let roadClass: RoadClass | null;
  if (explicit) {
    roadClass = explicitRoadClass(explicit);
    if (!roadClass) return new Skip(`unbekannte Straßenklasse „${explicit}“`);
  } else {
    const byHighway = roadClassFromHighway(properties);
    // the ref is the legal classification, but a track or construction site is no road yet
    roadClass = byHighway === "other" ? "other" : ((ref ? roadClassFromRef(ref) : null) ?? byHighway);
  }
  if (!roadClass) return new Skip("Straßenklasse fehlt (Feld road_class oder OSM-Tag highway)");
  return {
    roadClass,
    ortsdurchfahrt: flag(properties, "ortsdurchfahrt", "od") ?? looksLikeOrtsdurchfahrt(roadClass, properties),
    name: text(properties, "name"),
    ref: ref ? normaliseRef(ref) : null,
    surface: text(properties, "surface", "belag"),
    bridge: structureFlag(properties, "bridge", "bruecke", "brücke"),
    tunnel: structureFlag(properties, "tunnel"),
    resurfacedOn: isoDate(properties, "resurfaced_on", "resurfacedOn"),
  };
}
