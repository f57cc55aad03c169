/**
 * Imports a statistics CSV — Breitbandatlas coverage (percent of households or businesses per
 * technology and speed class) or a population table — as observations per AGS on a date.
 *
 * - Every row is checked (parse.ts); bad rows are reported with their line numbers, good rows load.
 * - All good rows are written in ONE transaction with the import run; if the database refuses
 *   anything, nothing is written, and the failed attempt is logged as a run of its own.
 * - Idempotent: observations are unique per (AGS, date, audience, dataset) and upserted, so the
 *   same file twice leaves the same data. When the file is byte for byte the latest import of its
 *   dataset and date, the run is only logged as "already_imported" and nothing is touched.
 *   Rows of an earlier import that a later file lacks are kept (files may cover one Land each).
 * - Households are (re)derived after each import (households.server.ts).
 */
import { createHash } from "node:crypto";
import type { Knex } from "knex";
import type { Db } from "~/db.server";
import { systemClock, type Clock } from "~/utils/clock";
import { refreshHouseholds, type HouseholdsRefresh } from "./households.server";
import { parseStatisticsFile, type RowError } from "./parse";
import {
  audienceFromFileName,
  DATASETS,
  ImportCoverageInputSchema,
  importCoverageInputSchema,
  MAX_FILE_BYTES,
  MAX_STORED_ERRORS,
  type Audience,
  type CoverageKind,
  type ImportCoverageInput,
} from "./schema";

export interface CoverageImportSummary {
  /** imported: committed; already_imported: this file is already the latest import, nothing changed; rejected: the file as a whole was not readable, nothing written */
  status: "imported" | "already_imported" | "rejected";
  /** the coverage_import_runs row (null when rejected) */
  runId: string | null;
  /** already_imported: the run that imported this file */
  duplicateOf: string | null;
  kind: CoverageKind | null;
  audience: Audience | null;
  source: string | null;
  dataset: string | null;
  fileName: string;
  sha256: string;
  sizeBytes: number;
  asOf: string;
  encoding: "utf-8" | "windows-1252" | null;
  delimiter: string | null;
  rowsTotal: number;
  rowsLoaded: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsRejected: number;
  /** every error, in line order */
  errors: RowError[];
  ignoredColumns: string[];
  /** how the households of the observations in scope were obtained (null: no household figures touched) */
  households: HouseholdsRefresh | null;
  durationMs: number;
}

/** The database refused the import: it was rolled back and nothing was written. */
export class CoverageImportFailedError extends Error {
  constructor(
    message: string,
    /** the run that logs the failure (null if even that could not be written) */
    readonly runId: string | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CoverageImportFailedError";
  }
}

/** The input was not usable (a programming error or unchecked arguments); German message. */
export class CoverageImportInputError extends Error {
  override name = "CoverageImportInputError";
}

// well below PostgreSQL's 65,535 bind parameters per statement
const CHUNK = 500;

/**
 * Imports one file. `clock` is "now": the as-of date may not lie after its (Berlin) date, and the
 * run's start and import times are read from it (a replayed history imports at its own dates).
 */
export async function importCoverageCsv(db: Db, input: ImportCoverageInput, { clock = systemClock }: { clock?: Clock } = {}): Promise<CoverageImportSummary> {
  const started = clock.now();
  const t0 = performance.now();
  const parsedInput = (clock === systemClock ? ImportCoverageInputSchema : importCoverageInputSchema(clock)).safeParse(input);
  if (!parsedInput.success) throw new CoverageImportInputError(parsedInput.error.issues.map((i) => i.message).join(" "));
  const options = parsedInput.data;
  const bytes = options.bytes ?? new TextEncoder().encode(options.text!);
  const sha256 = createHash("sha256").update(bytes).digest("hex");

  const base: CoverageImportSummary = {
    status: "rejected",
    runId: null,
    duplicateOf: null,
    kind: options.kind ?? null,
    audience: options.audience ?? null,
    source: null,
    dataset: null,
    fileName: options.fileName,
    sha256,
    sizeBytes: bytes.byteLength,
    asOf: options.asOf,
    encoding: null,
    delimiter: null,
    rowsTotal: 0,
    rowsLoaded: 0,
    rowsInserted: 0,
    rowsUpdated: 0,
    rowsRejected: 0,
    errors: [],
    ignoredColumns: [],
    households: null,
    durationMs: 0,
  };
  const rejected = (message: string, line = 1): CoverageImportSummary => ({
    ...base,
    errors: [{ line, message }],
    durationMs: performance.now() - t0,
  });

  if (bytes.byteLength > MAX_FILE_BYTES) return rejected(`Die Datei ist größer als ${MAX_FILE_BYTES / 1024 / 1024} MB.`);
  const parsed = parseStatisticsFile(bytes, options.kind ? { kind: options.kind } : {});
  if (!parsed.ok) return { ...base, errors: parsed.errors, durationMs: performance.now() - t0 };

  const kind = parsed.kind;
  let audience: Audience | null = null;
  if (kind === "breitbandatlas") {
    audience = options.audience ?? audienceFromFileName(options.fileName);
    if (!audience) {
      return {
        ...rejected("Bitte die Zielgruppe angeben (--audience households oder businesses): Der Dateiname verrät nicht, ob die Prozente Privathaushalte oder Gewerbe zählen."),
        kind,
      };
    }
  } else if (options.audience) {
    return { ...rejected("Eine Bevölkerungstabelle hat keine Zielgruppe (--audience gilt nur für Breitbandatlas-Dateien)."), kind };
  }
  const dataset = DATASETS[kind];
  const summary: CoverageImportSummary = {
    ...base,
    kind,
    audience,
    source: dataset.source,
    dataset: dataset.name,
    encoding: parsed.encoding,
    delimiter: parsed.delimiter,
    rowsTotal: parsed.rowsTotal,
    rowsRejected: parsed.rowsRejected,
    errors: parsed.errors,
    ignoredColumns: parsed.ignoredColumns,
  };
  const run = {
    kind,
    source: dataset.source,
    dataset: dataset.name,
    attribution: dataset.attribution,
    audience,
    file_name: options.fileName,
    sha256,
    size_bytes: bytes.byteLength,
    as_of: options.asOf,
    rows_total: parsed.rowsTotal,
    rows_rejected: parsed.rowsRejected,
    errors: JSON.stringify(parsed.errors.slice(0, MAX_STORED_ERRORS)),
    imported_by: options.actor,
    started_at: started,
  };

  try {
    const outcome = await db.transaction(async (trx) => {
      const latest = await trx("coverage_import_runs")
        .where({ kind, source: dataset.source, as_of: options.asOf, status: "imported" })
        .where((w) => (audience ? w.where({ audience }) : w.whereNull("audience")))
        .orderBy("id", "desc")
        .first(trx.raw("id::text AS id"), "sha256");
      if (latest && latest.sha256 === sha256) {
        const [row] = await trx("coverage_import_runs")
          .insert({ ...run, status: "already_imported", duplicate_of: latest.id, imported_at: clock.now() })
          .returning("id");
        return { runId: String(row.id), duplicateOf: latest.id as string, inserted: 0, updated: 0, households: null };
      }
      const [row] = await trx("coverage_import_runs").insert({ ...run, status: "imported", imported_at: clock.now() }).returning("id");
      const runId = String(row.id);
      const { inserted, updated } =
        parsed.kind === "breitbandatlas"
          ? await upsertObservations(trx, "coverage_observations", { as_of: options.asOf, audience: audience!, source: dataset.source }, runId, parsed.rows, (r) => ({
              percentages: JSON.stringify(r.percentages),
              gigabit_ftth_pct: r.gigabitFtthPct,
              gigabit_any_pct: r.gigabitAnyPct,
            }))
          : await upsertObservations(trx, "population_observations", { as_of: options.asOf, source: dataset.source }, runId, parsed.rows, (r) => ({
              name: r.name,
              population: r.population,
              households: r.households,
            }));
      const households =
        parsed.kind === "breitbandatlas"
          ? audience === "households"
            ? await refreshHouseholds(trx, { coverageRunId: runId })
            : null
          : await refreshHouseholds(trx, { populationRunId: runId });
      await trx("coverage_import_runs")
        .where({ id: runId })
        .update({ rows_loaded: inserted + updated, rows_inserted: inserted, rows_updated: updated });
      return { runId, duplicateOf: null, inserted, updated, households };
    });
    const duplicate = outcome.duplicateOf !== null;
    return {
      ...summary,
      status: duplicate ? "already_imported" : "imported",
      runId: outcome.runId,
      duplicateOf: outcome.duplicateOf,
      rowsLoaded: outcome.inserted + outcome.updated,
      rowsInserted: outcome.inserted,
      rowsUpdated: outcome.updated,
      households: outcome.households,
      durationMs: performance.now() - t0,
    };
  } catch (error) {
    // rolled back: log the attempt on its own, so a failed import is visible too
    const message = databaseMessage(error);
    let runId: string | null = null;
    try {
      const [row] = await db("coverage_import_runs")
        .insert({ ...run, status: "failed", failure: message.slice(0, 2000), imported_at: clock.now() })
        .returning("id");
      runId = String(row.id);
    } catch {
      // the database is gone altogether: the error below says why
    }
    throw new CoverageImportFailedError(`Die Datenbank hat den Import abgelehnt: ${message}`, runId, { cause: error });
  }
}

/** The database's own words: knex puts the whole statement (with every value) in front of them. */
function databaseMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const isDatabaseError = typeof (error as { code?: unknown })?.code === "string";
  const separator = message.lastIndexOf(" - ");
  return isDatabaseError && separator >= 0 ? message.slice(separator + 3) : message;
}

/**
 * Writes one observation per row of a dataset (`key`: its date, source and audience) in chunks:
 * inserted, or — for an AGS the dataset already has — updated in place. Counts which.
 */
async function upsertObservations<R extends { ags: string; line: number }>(
  trx: Knex.Transaction,
  table: "coverage_observations" | "population_observations",
  key: Record<string, string>,
  runId: string,
  rows: R[],
  values: (row: R) => Record<string, unknown>,
): Promise<{ inserted: number; updated: number }> {
  const existing = new Set(await trx(table).where(key).pluck<string[]>("ags"));
  for (let i = 0; i < rows.length; i += CHUNK) {
    const records = rows.slice(i, i + CHUNK).map((r) => ({ ...key, ags: r.ags, import_run_id: runId, source_line: r.line, ...values(r) }));
    await trx(table)
      .insert(records)
      .onConflict(["ags", ...Object.keys(key)])
      .merge(["import_run_id", "source_line", ...Object.keys(values(rows[i]!))]);
  }
  const updated = rows.filter((r) => existing.has(r.ags)).length;
  return { inserted: rows.length - updated, updated };
}
