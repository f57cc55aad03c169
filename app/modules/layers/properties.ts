/**
 * Reading values out of feature properties as real files deliver them: field names in any case
 * (Shapefile DBF columns are often upper case), numbers as text, booleans as "ja"/"yes"/"1",
 * dates as ISO or German dates.
 */
export type Properties = Record<string, unknown>;

/** The value of the first of the given fields that is present and not blank, field names matched case-insensitively. */
export function prop(properties: Properties, ...names: string[]): unknown {
  for (const name of names) {
    const key = name in properties ? name : findKey(properties, name);
    const value = key === undefined ? undefined : properties[key];
    if (value !== undefined && value !== null && !(typeof value === "string" && value.trim() === "")) return value;
  }
  return undefined;
}

function findKey(properties: Properties, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(properties).find((k) => k.toLowerCase() === lower);
}

export function text(properties: Properties, ...names: string[]): string | null {
  const value = prop(properties, ...names);
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

const TRUE_WORDS = new Set(["true", "1", "yes", "y", "ja", "j", "wahr"]);
const FALSE_WORDS = new Set(["false", "0", "no", "n", "nein", "falsch"]);

/** A yes/no field; null when absent or not recognisable. */
export function flag(properties: Properties, ...names: string[]): boolean | null {
  const value = prop(properties, ...names);
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value !== "string") return null;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return null;
}

/** A non-negative integer field (population, …); null when absent or not a number. */
export function count(properties: Properties, ...names: string[]): number | null {
  const value = prop(properties, ...names);
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value.trim()) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : null;
}

/**
 * A calendar date as ISO "YYYY-MM-DD": from ISO dates or timestamps, German "TT.MM.JJJJ" or a Date.
 * null when absent or not a real date (no guessing of a day from a bare year).
 */
export function isoDate(properties: Properties, ...names: string[]): string | null {
  const value = prop(properties, ...names);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  if (typeof value !== "string") return null;
  const s = value.trim();
  const iso = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ].*)?$/.exec(s);
  const german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : german ? [german[3], german[2], german[1]] : [];
  if (!y || !m || !d) return null;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  // rejects 31.02. and the like, which Date would roll over
  if (date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) return null;
  return date.toISOString().slice(0, 10);
}

/** The feature's own identifier: an OSM id, the GeoJSON id or a generic id field. */
export function featureId(properties: Properties, id?: string | number | null): string | null {
  const own = text(properties, "osm_id", "@id");
  if (own) return own;
  if (id !== undefined && id !== null && String(id).trim() !== "") return String(id).trim();
  return text(properties, "id", "external_id", "objectid", "fid");
}

/** The display name of a feature: name, else the German "bezeichnung". */
export function displayName(properties: Properties): string | null {
  return text(properties, "name", "bezeichnung");
}

/** Why a feature is left out of an import; collected per reason in the import summary. */
export class Skip {
  constructor(readonly reason: string) {}
}
