/**
 * Imports a geodata file into a layer of the configured database (DATABASE_URL, or the embedded
 * one in DATA_DIR):
 *
 *   npm run layers:import -- --layer <roads|admin|conflicts:KEY> --file PATH [--srid N] [--replace] [--source NAME]
 *
 * Exit codes: 0 imported, 1 the file could not be imported (nothing written), 2 bad arguments.
 */
import { existsSync, statSync } from "node:fs";
import { database } from "~/db.server";
import { ImportError, importLayer, type ImportSummary } from "~/modules/layers/import.server";
import { ImportOptionsSchema, LAYER_NAMES } from "~/modules/layers/schema";
import { readOptions, usageError } from "./lib/cli";

const USAGE = `Aufruf: npm run layers:import -- --layer <Ebene> --file <Datei> [--srid N] [--replace] [--source NAME]
  --layer    ${LAYER_NAMES.join(" | ")}
  --file     GeoJSON (.geojson/.json), GeoJSON-Zeilen (.ndjson/.geojsonl), Shapefile (.zip), GeoPackage (.gpkg)
  --srid     EPSG-Code der Koordinaten, falls nicht in der Datei angegeben (GeoJSON: Standard 4326)
  --replace  vorhandene Daten der Ebene vorher löschen (Straßen: alle, Verwaltungsgebiete: alle, Konfliktebene: alle ihre Objekte)
  --source   Name der Quelle (Standard: Dateiname); ohne --replace wird je Quelle und ID aktualisiert`;

const fail: (message: string) => never = usageError(USAGE);

const args = readOptions({
  layer: { type: "string" },
  file: { type: "string" },
  srid: { type: "string" },
  replace: { type: "boolean" },
  source: { type: "string" },
}, fail);
const parsed = ImportOptionsSchema.safeParse(args);
if (!parsed.success) fail(parsed.error.issues.map((i) => i.message).join("\n"));
const options = parsed.data;
if (!existsSync(options.file) || !statSync(options.file).isFile()) fail(`Die Datei ${options.file} gibt es nicht.`);

const number = (n: number) => n.toLocaleString("de-DE");

function report(summary: ImportSummary): string {
  const lines = [
    `Ebene ${summary.layer} aus ${options.file} (${summary.format}), Quelle „${summary.source}“`,
    `  gelesen:       ${number(summary.read)} Objekte`,
    `  importiert:    ${number(summary.imported)} Objekte (${number(summary.rows)} Zeilen)`,
    `  repariert:     ${number(summary.repaired)} (ST_MakeValid)`,
    `  übersprungen:  ${number(summary.skipped.reduce((sum, s) => sum + s.count, 0))}`,
    ...summary.skipped.map((s) => `    - ${s.reason}: ${number(s.count)}`),
    `  gelöscht:      ${number(summary.deleted)} Zeilen`,
  ];
  if (summary.authorities) {
    const levels = Object.entries(summary.authorities.byLevel).map(([level, n]) => `${level} ${number(n)}`);
    lines.push(
      `  Baulastträger: ${number(summary.authorities.assigned)} zugeordnet${levels.length ? ` (${levels.join(", ")})` : ""}, ` +
        `${number(summary.authorities.unassigned)} ohne`,
    );
  }
  const seconds = summary.durationMs / 1000;
  lines.push(`  Dauer:         ${seconds.toLocaleString("de-DE", { maximumFractionDigits: seconds < 10 ? 2 : 1 })} s`);
  return lines.join("\n");
}

const db = await database();
try {
  const summary = await importLayer(db.knex, {
    ...options,
    onProgress: (read) => console.error(`… ${number(read)} Objekte gelesen`),
  });
  console.log(report(summary));
} catch (error) {
  // the transaction was rolled back: whatever failed, the layer is as it was
  console.error(`Import abgebrochen, nichts geändert: ${(error as Error).message}`);
  if (!(error instanceof ImportError)) console.error(error);
  process.exitCode = 1;
} finally {
  await db.close();
}
