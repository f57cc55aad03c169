import type { Db } from "~/db.server";

/** Words of a slug that say what kind of body it is, not which one: left out of a file number prefix. */
const GENERIC_WORDS = new Set(["stadt", "gemeinde", "kreis", "landkreis", "markt", "verbandsgemeinde", "ortsgemeinde", "gmbh", "ag", "der", "des", "die", "und"]);
const MAX_DERIVED_PREFIX = 12;

/**
 * The prefix of an authority's file numbers when it has not set one: the distinctive words of
 * its slug, upper case, whole words up to 12 characters ("stadt-auenstadt" → "AUENSTADT",
 * "hessen-mobil" → "HESSEN-MOBIL").
 */
export function derivePrefix(slug: string): string {
  const words = slug.toUpperCase().split("-").filter(Boolean);
  const distinctive = words.filter((w) => !GENERIC_WORDS.has(w.toLowerCase()));
  const chosen = distinctive.length > 0 ? distinctive : words;
  let prefix = chosen[0]!.slice(0, MAX_DERIVED_PREFIX);
  for (const word of chosen.slice(1)) {
    if (prefix.length + 1 + word.length > MAX_DERIVED_PREFIX) break;
    prefix += `-${word}`;
  }
  return prefix;
}

export function formatFileNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}-TKG-${year}-${String(seq).padStart(5, "0")}`;
}

/**
 * The next file number (Aktenzeichen) of an authority for a year. The counter row is incremented
 * in one statement that holds its row lock until the caller's transaction ends, so concurrent
 * submissions to one authority wait for each other and never draw the same number. Callers
 * drawing for several authorities must do so in a fixed order (by id) to avoid deadlocks.
 */
export async function nextFileNumber(trx: Db, authority: { id: string; slug: string; fileNumberPrefix: string | null }, year: number): Promise<string> {
  const result = await trx.raw(
    `INSERT INTO file_number_counters (authority_id, year, last_value) VALUES (?, ?, 1)
     ON CONFLICT (authority_id, year) DO UPDATE SET last_value = file_number_counters.last_value + 1
     RETURNING last_value`,
    [authority.id, year],
  );
  const seq = Number(result.rows[0].last_value);
  return formatFileNumber(authority.fileNumberPrefix ?? derivePrefix(authority.slug), year, seq);
}
