/**
 * Households with FTTB/H gigabit per Gemeinde over time. The value on a date is
 *
 *   the latest imported observation at or before the date (its households × FTTH/B ≥ 1000 %)
 *   + homes passed by completion notices dated after that observation and up to the date,
 *   capped at the observation's households.
 *
 * Completions dated on or before the observation's date are taken to be in the statistics already.
 * Every value carries where it came from: the import run (file, SHA-256, who, when) and the
 * applications whose completions were added.
 */
import type { Db } from "~/db.server";
import { listCoverageEvents, type CoverageEvent } from "./events.server";
import { GemeindeAgsSchema, IsoDateSchema, type HouseholdsMethod } from "./schema";

export interface ObservationSource {
  observationId: string;
  importRunId: string;
  /** the dataset key, e.g. "breitbandatlas" */
  source: string;
  dataset: string;
  attribution: string;
  fileName: string;
  sha256: string;
  sourceLine: number;
  importedAt: string;
  importedBy: string;
}

export interface GigabitObservation {
  asOf: string;
  /** percent of households with FTTH/B ≥ 1000 Mbit/s */
  gigabitFtthPct: number | null;
  /** percent of households with ≥ 1000 Mbit/s by any technology */
  gigabitAnyPct: number | null;
  households: number | null;
  householdsGigabit: number | null;
  householdsMethod: HouseholdsMethod | null;
  householdsBasis: Record<string, unknown> | null;
  source: ObservationSource;
}

export interface GigabitHouseholds {
  ags: string;
  asOf: string;
  /** null: nothing imported for this AGS at or before asOf */
  observation: GigabitObservation | null;
  /** the completion notices added to the observation */
  completions: CoverageEvent[];
  completionHomes: number;
  households: number | null;
  /** null when the observation or its household count is missing */
  gigabitHouseholds: number | null;
  /** gigabitHouseholds / households, 0–1 */
  share: number | null;
  /** the completions would have pushed the count above the households */
  capped: boolean;
}

export interface GigabitSeriesPoint {
  date: string;
  households: number | null;
  gigabitHouseholds: number | null;
  share: number | null;
  capped: boolean;
  /** what the value changed by on this date */
  cause: { type: "observation"; observation: GigabitObservation } | { type: "completions"; events: CoverageEvent[] };
}

interface ObservationRow {
  id: string;
  as_of: string;
  gigabit_ftth_pct: number | null;
  gigabit_any_pct: number | null;
  households: number | null;
  households_gigabit_ftth: number | null;
  households_method: HouseholdsMethod | null;
  households_basis: Record<string, unknown> | null;
  source: string;
  source_line: number;
  import_run_id: string;
  dataset: string;
  attribution: string;
  file_name: string;
  sha256: string;
  imported_at: Date | string;
  imported_by: string;
}

function observations(db: Db, ags: string) {
  return db("coverage_observations as o")
    .join("coverage_import_runs as r", "r.id", "o.import_run_id")
    .where({ "o.ags": ags, "o.audience": "households" })
    .select(
      db.raw("o.id::text AS id"),
      db.raw("o.as_of::text AS as_of"),
      db.raw("o.gigabit_ftth_pct::float8 AS gigabit_ftth_pct"),
      db.raw("o.gigabit_any_pct::float8 AS gigabit_any_pct"),
      "o.households",
      "o.households_gigabit_ftth",
      "o.households_method",
      "o.households_basis",
      "o.source",
      "o.source_line",
      db.raw("o.import_run_id::text AS import_run_id"),
      "r.dataset",
      "r.attribution",
      "r.file_name",
      "r.sha256",
      "r.imported_at",
      "r.imported_by",
    );
}

function observationFrom(row: ObservationRow): GigabitObservation {
  return {
    asOf: row.as_of,
    gigabitFtthPct: row.gigabit_ftth_pct === null ? null : Number(row.gigabit_ftth_pct),
    gigabitAnyPct: row.gigabit_any_pct === null ? null : Number(row.gigabit_any_pct),
    households: row.households,
    householdsGigabit: row.households_gigabit_ftth,
    householdsMethod: row.households_method,
    householdsBasis: row.households_basis,
    source: {
      observationId: row.id,
      importRunId: row.import_run_id,
      source: row.source,
      dataset: row.dataset,
      attribution: row.attribution,
      fileName: row.file_name,
      sha256: row.sha256,
      sourceLine: row.source_line,
      importedAt: new Date(row.imported_at).toISOString(),
      importedBy: row.imported_by,
    },
  };
}

/** The value of an observation plus completion homes, capped at its households. */
function combine(observation: GigabitObservation | null, completionHomes: number) {
  const households = observation?.households ?? null;
  const base = observation?.householdsGigabit ?? null;
  if (households === null || base === null) return { households, gigabitHouseholds: null, share: null, capped: false };
  const uncapped = base + completionHomes;
  const gigabitHouseholds = Math.min(uncapped, households);
  return { households, gigabitHouseholds, share: households > 0 ? gigabitHouseholds / households : null, capped: uncapped > households };
}

/** Households with FTTB/H gigabit in a Gemeinde on a date, with its sources. */
export async function gigabitHouseholds(db: Db, ags: string, asOf: string): Promise<GigabitHouseholds> {
  GemeindeAgsSchema.parse(ags);
  IsoDateSchema.parse(asOf);
  // several datasets on one date: the one imported last
  const row: ObservationRow | undefined = await observations(db, ags)
    .where("o.as_of", "<=", asOf)
    .orderBy([{ column: "o.as_of", order: "desc" }, { column: "o.import_run_id", order: "desc" }])
    .first();
  const observation = row ? observationFrom(row) : null;
  const completions = observation ? await listCoverageEvents(db, { ags, after: observation.asOf, upTo: asOf }) : [];
  const completionHomes = completions.reduce((sum, e) => sum + e.homesPassed, 0);
  return { ags, asOf, observation, completions, completionHomes, ...combine(observation, completionHomes) };
}

/**
 * The series of a Gemeinde up to a date (default: all): a point at every observation and at every
 * date after the first observation on which completions added homes.
 */
export async function gigabitSeries(db: Db, ags: string, options: { upTo?: string } = {}): Promise<GigabitSeriesPoint[]> {
  GemeindeAgsSchema.parse(ags);
  if (options.upTo) IsoDateSchema.parse(options.upTo);
  const query = observations(db, ags).orderBy([{ column: "o.as_of" }, { column: "o.import_run_id" }]);
  if (options.upTo) query.where("o.as_of", "<=", options.upTo);
  const rows: ObservationRow[] = await query;
  // one observation per date: the dataset imported last
  const byDate = new Map<string, GigabitObservation>();
  for (const row of rows) byDate.set(row.as_of, observationFrom(row));
  const observed = [...byDate.values()];
  if (observed.length === 0) return [];
  const events = await listCoverageEvents(db, { ags, after: observed[0]!.asOf, ...(options.upTo ? { upTo: options.upTo } : {}) });

  const eventsByDate = new Map<string, CoverageEvent[]>();
  for (const e of events) {
    if (byDate.has(e.occurredOn)) continue; // on an observation's date: counted in it
    eventsByDate.set(e.occurredOn, [...(eventsByDate.get(e.occurredOn) ?? []), e]);
  }
  const dates = [...new Set([...byDate.keys(), ...eventsByDate.keys()])].sort();
  const points: GigabitSeriesPoint[] = [];
  let current: GigabitObservation | null = null;
  let homesSince = 0;
  for (const date of dates) {
    const observation = byDate.get(date);
    if (observation) {
      current = observation;
      homesSince = 0;
      points.push({ date, ...combine(current, 0), cause: { type: "observation", observation } });
    } else {
      const dayEvents = eventsByDate.get(date)!;
      homesSince += dayEvents.reduce((sum, e) => sum + e.homesPassed, 0);
      points.push({ date, ...combine(current, homesSince), cause: { type: "completions", events: dayEvents } });
    }
  }
  return points;
}
