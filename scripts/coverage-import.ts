/**
 * Imports a statistics CSV into the coverage tables of the configured database (DATABASE_URL, or
 * the embedded one in DATA_DIR):
 *
 *   npm run coverage:import -- --file PATH --as-of YYYY-MM-DD [--kind breitbandatlas|destatis-population] [--audience households|businesses]
 *
 * Exit codes: 0 imported (or already imported), every row good; 1 rows rejected, the file not
 * readable, or the database refused (then nothing was written); 2 bad arguments.
 */
import { readFileSync, statSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import { database } from "~/db.server";
import { CoverageImportFailedError, importCoverageCsv, type CoverageImportSummary } from "~/modules/coverage/import.server";
import { formatRowError, headerKind } from "~/modules/coverage/parse";
import {
  AUDIENCE_LABELS,
  audienceFromFileName,
  AUDIENCES,
  COVERAGE_KINDS,
  CoverageImportArgsSchema,
  KIND_LABELS,
  MAX_FILE_BYTES,
} from "~/modules/coverage/schema";
import { readOptions, usageError } from "./lib/cli";

const USAGE = `Aufruf: npm run coverage:import -- --file <Datei> --as-of <JJJJ-MM-TT> [--kind <Art>] [--audience <Zielgruppe>]
  --file      CSV-Datei (UTF-8 oder Windows-1252; Trennzeichen Komma, Semikolon oder Tabulator)
  --as-of     Stichtag der Daten, z. B. 2021-06-30 (Breitbandatlas Mitte 2021) oder 2020-12-31 (Bevölkerung)
  --kind      ${COVERAGE_KINDS.join(" | ")} (Standard: an der Kopfzeile erkannt)
  --audience  ${AUDIENCES.join(" | ")}: wen die Prozente zählen (Standard: am Dateinamen erkannt, z. B. „privathaushalte“, „gewerbe“)`;

/** How many row errors the summary prints. */
const ERRORS_SHOWN = 20;

const fail: (message: string) => never = usageError(USAGE);

const args = readOptions({
  file: { type: "string" },
  "as-of": { type: "string" },
  kind: { type: "string" },
  audience: { type: "string" },
}, fail);
const parsed = CoverageImportArgsSchema.safeParse(args);
if (!parsed.success) fail(parsed.error.issues.map((i) => i.message).join("\n"));
const options = parsed.data;

let stats;
try {
  stats = statSync(options.file);
} catch {
  fail(`Die Datei ${options.file} gibt es nicht.`);
}
if (!stats.isFile()) fail(`${options.file} ist keine Datei.`);
if (stats.size > MAX_FILE_BYTES) fail(`Die Datei ist größer als ${MAX_FILE_BYTES / 1024 / 1024} MB.`);
const fileName = path.basename(options.file);
const bytes = new Uint8Array(readFileSync(options.file));

// a Breitbandatlas file must say whom its percentages count: by --audience or by its name
if (!options.audience && options.kind !== "destatis-population" && !audienceFromFileName(fileName)) {
  if (options.kind === "breitbandatlas" || headerKind(bytes) === "breitbandatlas") {
    fail(`Bitte --audience angeben: Der Dateiname ${fileName} verrät nicht, ob die Prozente Privathaushalte (households) oder Gewerbe (businesses) zählen.`);
  }
}

const number = (n: number) => n.toLocaleString("de-DE");

function report(summary: CoverageImportSummary): string {
  const lines = [
    `${summary.kind ? KIND_LABELS[summary.kind] : "Datei"}${summary.audience ? `, ${AUDIENCE_LABELS[summary.audience]}` : ""}: ${options.file}`,
    `  Stichtag:      ${summary.asOf}`,
    `  SHA-256:       ${summary.sha256}`,
  ];
  if (summary.dataset) lines.push(`  Datensatz:     ${summary.dataset}`);
  if (summary.runId) lines.push(`  Importlauf:    #${summary.runId}`);
  if (summary.status === "rejected") {
    lines.push("  Ergebnis:      nicht importiert, nichts geändert");
  } else {
    lines.push(
      `  gelesen:       ${number(summary.rowsTotal)} Zeilen`,
      summary.status === "already_imported"
        ? `  geladen:       0 – diese Datei ist bereits importiert (Lauf #${summary.duplicateOf}), nichts geändert`
        : `  geladen:       ${number(summary.rowsLoaded)} Zeilen (${number(summary.rowsInserted)} neu, ${number(summary.rowsUpdated)} aktualisiert)`,
      `  abgelehnt:     ${number(summary.rowsRejected)} Zeilen`,
    );
    if (summary.households) {
      const h = summary.households.byMethod;
      lines.push(
        `  Haushalte:     ${number(summary.households.observations)} Beobachtungen – aus Bevölkerungstabelle ${number(h.population_table)}, ` +
          `aus Verwaltungsgebieten ${number(h.admin_areas)}, geschätzt (Einwohner / Haushaltsgröße) ${number(h.estimate)}, unbekannt ${number(h.unknown)}`,
      );
    }
    if (summary.ignoredColumns.length > 0) lines.push(`  nicht genutzt: ${summary.ignoredColumns.join(", ")}`);
  }
  if (summary.errors.length > 0) {
    lines.push(`  Fehler${summary.errors.length > ERRORS_SHOWN ? ` (die ersten ${ERRORS_SHOWN} von ${number(summary.errors.length)})` : ""}:`);
    lines.push(...summary.errors.slice(0, ERRORS_SHOWN).map((e) => `    ${formatRowError(e)}`));
  }
  const seconds = summary.durationMs / 1000;
  lines.push(`  Dauer:         ${seconds.toLocaleString("de-DE", { maximumFractionDigits: seconds < 10 ? 2 : 1 })} s`);
  return lines.join("\n");
}

const db = await database();
try {
  const summary = await importCoverageCsv(db.knex, {
    bytes,
    fileName,
    asOf: options["as-of"],
    ...(options.kind ? { kind: options.kind } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
    actor: `cli:${userInfo().username}`,
  });
  console.log(report(summary));
  process.exitCode = summary.status === "rejected" || summary.rowsRejected > 0 ? 1 : 0;
} catch (error) {
  // the transaction was rolled back: nothing of the file was written
  console.error(`Import abgebrochen, nichts geändert: ${(error as Error).message}`);
  if (error instanceof CoverageImportFailedError && error.runId) console.error(`Der Fehlversuch ist als Importlauf #${error.runId} vermerkt.`);
  else console.error(error);
  process.exitCode = 1;
} finally {
  await db.close();
}
