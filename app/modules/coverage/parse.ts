/**
 * Reads a statistics CSV into validated rows, without touching the database: decodes the bytes,
 * finds the delimiter, recognises the kind of table by its header and checks every row with zod.
 * A bad row becomes errors with its line number; the good rows are kept.
 */
import type { z } from "zod";
import { CsvSyntaxError, detectDelimiter, parseCsv, type CsvDelimiter, type CsvRecord } from "./csv";
import { coverageRowSchema, GIGABIT_MBITS, PopulationRowSchema, type CoverageKind } from "./schema";

export interface RowError {
  /** 1-based line of the file (the header is line 1) */
  line: number;
  /** the column header, when one cell is wrong */
  column?: string;
  value?: string;
  message: string;
}

export interface SpeedColumn {
  /** the header cell as it is in the file */
  header: string;
  /** the technology group as the file names it, e.g. "FTTH/B", "alle Technologien" */
  group: string;
  /** the speed class in Mbit/s, e.g. "1000" */
  mbits: string;
  index: number;
}

/** { "<technology group>": { "<Mbit/s>": percent | null } } */
export type Percentages = Record<string, Record<string, number | null>>;

export interface CoverageRow {
  line: number;
  ags: string;
  percentages: Percentages;
  gigabitFtthPct: number | null;
  gigabitAnyPct: number | null;
}

export interface PopulationRow {
  line: number;
  ags: string;
  name: string | null;
  population: number;
  households: number | null;
}

interface ParsedCommon {
  encoding: "utf-8" | "windows-1252";
  delimiter: CsvDelimiter;
  /** data records in the file (blank lines not counted) */
  rowsTotal: number;
  rowsRejected: number;
  errors: RowError[];
  /** header cells the import does not use */
  ignoredColumns: string[];
}

export type ParsedFile =
  | (ParsedCommon & { ok: true; kind: "breitbandatlas"; columns: SpeedColumn[]; rows: CoverageRow[] })
  | (ParsedCommon & { ok: true; kind: "destatis-population"; rows: PopulationRow[] })
  /** the file as a whole cannot be read: nothing is imported */
  | { ok: false; errors: RowError[] };

/** UTF-8 (with or without BOM); files a spreadsheet saved as Windows-1252 are decoded as such. */
export function decodeText(bytes: Uint8Array): { text: string; encoding: "utf-8" | "windows-1252" } {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes), encoding: "utf-8" };
  } catch {
    return { text: new TextDecoder("windows-1252").decode(bytes), encoding: "windows-1252" };
  }
}

/** Header cell → comparable form: trimmed, single spaces, "≥" for ">=", lower case. */
export function normaliseHeader(cell: string): string {
  return cell.normalize("NFC").replace(/>=/g, "≥").replace(/\s+/g, " ").trim().toLowerCase();
}

const SPEED_HEADER = /^(.+?)\s*(?:≥|>=)\s*(\d+)\s*mbit\/s$/i;
const AGS_HEADERS = new Set(["ags", "ags8", "gemeindeschlüssel", "gemeindeschluessel", "amtlicher gemeindeschlüssel"]);
const POPULATION_HEADERS = new Set(["population", "einwohner", "einwohnerzahl", "bevölkerung", "bevoelkerung", "ewz"]);
const NAME_HEADERS = new Set(["name", "gemeinde", "gemeindename", "gen"]);
const HOUSEHOLD_HEADERS = new Set(["households", "haushalte", "privathaushalte"]);

/** FTTH/B, FTTB/H, FTTH/FTTB …: the fibre group. */
export function isFibreGroup(group: string): boolean {
  const g = group.toLowerCase().replace(/\s+/g, "");
  return ["ftth/b", "fttb/h", "ftth/fttb", "fttb/ftth", "ftth", "glasfaser"].includes(g);
}

/** "alle Technologien": every technology, wired and mobile. */
export function isAllTechnologiesGroup(group: string): boolean {
  return ["alle technologien", "alle"].includes(group.toLowerCase().replace(/\s+/g, " ").trim());
}

function findColumn(header: readonly string[], names: ReadonlySet<string>): number {
  return header.findIndex((cell) => names.has(normaliseHeader(cell)));
}

function speedColumns(header: readonly string[]): SpeedColumn[] {
  const columns: SpeedColumn[] = [];
  header.forEach((cell, index) => {
    const match = SPEED_HEADER.exec(cell.normalize("NFC").replace(/\s+/g, " ").trim());
    if (match) columns.push({ header: cell.trim(), group: match[1]!.trim(), mbits: String(Number(match[2])), index });
  });
  return columns;
}

/** The kind the header looks like, or null. */
export function detectKind(header: readonly string[]): CoverageKind | null {
  if (findColumn(header, AGS_HEADERS) < 0) return null;
  if (speedColumns(header).length > 0) return "breitbandatlas";
  if (findColumn(header, POPULATION_HEADERS) >= 0) return "destatis-population";
  return null;
}

/** The kind the file's first line looks like (a cheap look before a full import), or null. */
export function headerKind(bytes: Uint8Array): CoverageKind | null {
  // up to the first line feed: a whole number of characters in UTF-8 and Windows-1252 alike
  const end = bytes.indexOf(0x0a);
  const firstLine = decodeText(bytes.subarray(0, end < 0 ? bytes.length : end)).text.replace(/^\uFEFF/, "");
  try {
    const [header] = parseCsv(firstLine, detectDelimiter(firstLine));
    return header ? detectKind(header.fields) : null;
  } catch {
    return null;
  }
}

const fileError = (message: string, line = 1): { ok: false; errors: RowError[] } => ({ ok: false, errors: [{ line, message }] });

/** Reads and checks a whole file. `kind` given: the header must fit it; otherwise it is detected. */
export function parseStatisticsFile(bytes: Uint8Array, options: { kind?: CoverageKind } = {}): ParsedFile {
  const { text, encoding } = decodeText(bytes);
  const delimiter = detectDelimiter(text.startsWith("\uFEFF") ? text.slice(1) : text);
  let records: CsvRecord[];
  try {
    records = parseCsv(text, delimiter);
  } catch (error) {
    if (error instanceof CsvSyntaxError) return fileError(error.message, error.line);
    throw error;
  }
  const [headerRecord, ...data] = records;
  if (!headerRecord) return fileError("Die Datei ist leer.");
  const header = headerRecord.fields;
  const duplicate = header.map(normaliseHeader).find((cell, i, all) => cell !== "" && all.indexOf(cell) !== i);
  if (duplicate) return fileError(`Die Spalte „${duplicate}“ kommt in der Kopfzeile doppelt vor.`, headerRecord.line);

  const detected = detectKind(header);
  const expected =
    "Erwartet wird eine Breitbandatlas-Tabelle (Spalten „AGS“ und z. B. „FTTH/B ≥ 1000 Mbit/s“) oder eine Bevölkerungstabelle (Spalten „ags“ und „population“).";
  if (!detected) return fileError(`Das Format der Datei ist nicht erkannt. ${expected}`, headerRecord.line);
  const kind = options.kind ?? detected;
  if (kind !== detected) {
    return fileError(
      kind === "breitbandatlas"
        ? "Die Kopfzeile hat keine Spalten der Form „<Technologie> ≥ <n> Mbit/s“: das ist keine Breitbandatlas-Tabelle."
        : "Die Kopfzeile hat keine Spalte „population“ (Einwohner): das ist keine Bevölkerungstabelle.",
      headerRecord.line,
    );
  }
  if (data.length === 0) return fileError("Die Datei enthält nur die Kopfzeile, keine Datenzeilen.", headerRecord.line);

  const common = { encoding, delimiter, rowsTotal: data.length };
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  let rejected = 0;
  const reject = (rowErrors: RowError[]) => {
    rejected += 1;
    errors.push(...rowErrors);
  };
  /** a second row for the same AGS is an error (which of the two is right is not for the import to guess) */
  const firstLineOf = (ags: string, line: number): number | null => {
    const first = seen.get(ags);
    if (first !== undefined) return first;
    seen.set(ags, line);
    return null;
  };
  const wrongWidth = (record: CsvRecord): RowError | null =>
    record.fields.length === header.length
      ? null
      : {
          line: record.line,
          message:
            record.fields.length < header.length
              ? `Es fehlen Spalten: ${record.fields.length} statt ${header.length} Werte.`
              : `Zu viele Spalten: ${record.fields.length} statt ${header.length} Werte.`,
        };

  const agsIndex = findColumn(header, AGS_HEADERS);

  if (kind === "breitbandatlas") {
    const columns = speedColumns(header);
    if (!columns.some((c) => isFibreGroup(c.group) && c.mbits === GIGABIT_MBITS)) {
      return fileError("Die Spalte „FTTH/B ≥ 1000 Mbit/s“ fehlt: ohne sie ist der Gigabit-Anteil nicht bestimmbar.", headerRecord.line);
    }
    const used = new Set([agsIndex, ...columns.map((c) => c.index)]);
    const schema = coverageRowSchema(columns.length);
    const rows: CoverageRow[] = [];
    for (const record of data) {
      const width = wrongWidth(record);
      if (width) {
        reject([width]);
        continue;
      }
      const parsed = schema.safeParse({ ags: record.fields[agsIndex], cells: columns.map((c) => record.fields[c.index]) });
      if (!parsed.success) {
        reject(issueErrors(parsed.error, record, (path) => (path[0] === "cells" ? columns[Number(path[1])] : { header: header[agsIndex]!.trim(), index: agsIndex })));
        continue;
      }
      const { ags, cells } = parsed.data;
      if (cells.every((v) => v === null)) {
        reject([{ line: record.line, message: `Die Zeile für AGS ${ags} enthält keinen einzigen Prozentwert.` }]);
        continue;
      }
      const first = firstLineOf(ags, record.line);
      if (first !== null) {
        reject([{ line: record.line, column: header[agsIndex]!.trim(), value: ags, message: `Der AGS ${ags} steht schon in Zeile ${first}.` }]);
        continue;
      }
      const percentages: Percentages = {};
      let gigabitFtthPct: number | null = null;
      let gigabitAnyPct: number | null = null;
      columns.forEach((c, i) => {
        const value = cells[i]!;
        (percentages[c.group] ??= {})[c.mbits] = value;
        if (c.mbits === GIGABIT_MBITS && isFibreGroup(c.group)) gigabitFtthPct = value;
        if (c.mbits === GIGABIT_MBITS && isAllTechnologiesGroup(c.group)) gigabitAnyPct = value;
      });
      rows.push({ line: record.line, ags, percentages, gigabitFtthPct, gigabitAnyPct });
    }
    return {
      ok: true,
      kind,
      ...common,
      columns,
      rows,
      rowsRejected: rejected,
      errors,
      ignoredColumns: header.filter((_, i) => !used.has(i)).map((h) => h.trim()),
    };
  }

  const populationIndex = findColumn(header, POPULATION_HEADERS);
  const nameIndex = findColumn(header, NAME_HEADERS);
  const householdsIndex = findColumn(header, HOUSEHOLD_HEADERS);
  const used = new Set([agsIndex, populationIndex, nameIndex, householdsIndex]);
  const columnAt = (index: number) => ({ header: header[index]!.trim(), index });
  const keyColumn = { ags: agsIndex, name: nameIndex, population: populationIndex, households: householdsIndex } as const;
  const rows: PopulationRow[] = [];
  for (const record of data) {
    const width = wrongWidth(record);
    if (width) {
      reject([width]);
      continue;
    }
    const parsed = PopulationRowSchema.safeParse({
      ags: record.fields[agsIndex],
      population: record.fields[populationIndex],
      ...(nameIndex >= 0 ? { name: record.fields[nameIndex] } : {}),
      ...(householdsIndex >= 0 ? { households: record.fields[householdsIndex] } : {}),
    });
    if (!parsed.success) {
      reject(issueErrors(parsed.error, record, (path) => columnAt(keyColumn[path[0] as keyof typeof keyColumn])));
      continue;
    }
    const first = firstLineOf(parsed.data.ags, record.line);
    if (first !== null) {
      reject([{ line: record.line, column: header[agsIndex]!.trim(), value: parsed.data.ags, message: `Der AGS ${parsed.data.ags} steht schon in Zeile ${first}.` }]);
      continue;
    }
    rows.push({
      line: record.line,
      ags: parsed.data.ags,
      name: parsed.data.name ?? null,
      population: parsed.data.population,
      households: parsed.data.households ?? null,
    });
  }
  return {
    ok: true,
    kind: "destatis-population",
    ...common,
    rows,
    rowsRejected: rejected,
    errors,
    ignoredColumns: header.filter((_, i) => !used.has(i)).map((h) => h.trim()),
  };
}

/** zod issues of one row → errors naming the column and the value as it is in the file. */
function issueErrors(
  error: z.ZodError,
  record: CsvRecord,
  columnOf: (path: (string | number)[]) => { header: string; index: number } | undefined,
): RowError[] {
  return error.issues.map((issue) => {
    const column = columnOf(issue.path);
    if (!column) return { line: record.line, message: issue.message };
    return { line: record.line, column: column.header, value: record.fields[column.index]?.trim(), message: issue.message };
  });
}

/** "Zeile 4, Spalte „FTTH/B ≥ 1000 Mbit/s“: 120 liegt nicht zwischen 0 und 100 %." */
export function formatRowError(error: RowError): string {
  return `Zeile ${error.line}${error.column ? `, Spalte „${error.column}“` : ""}: ${error.message}`;
}
