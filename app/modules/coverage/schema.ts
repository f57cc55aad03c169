import { z } from "zod";
import { systemClock, type Clock } from "~/utils/clock";

/** What a statistics file holds: broadband coverage in percent, or population per AGS. */
export const COVERAGE_KINDS = ["breitbandatlas", "destatis-population"] as const;
export type CoverageKind = (typeof COVERAGE_KINDS)[number];

/** Whom the percentages of a coverage file count: private households or businesses. */
export const AUDIENCES = ["households", "businesses"] as const;
export type Audience = (typeof AUDIENCES)[number];

export const HOUSEHOLDS_METHODS = ["population_table", "admin_areas", "estimate"] as const;
export type HouseholdsMethod = (typeof HOUSEHOLDS_METHODS)[number];

/** The dataset each kind of file is stored under; observations are unique per AGS, date, audience and source. */
export const DATASETS: Record<CoverageKind, { source: string; name: string; attribution: string }> = {
  breitbandatlas: {
    source: "breitbandatlas",
    name: "Breitbandatlas (Bundesnetzagentur; historische Daten der atene KOM)",
    attribution: "Breitbandatlas | Gigabit-Grundbuch (https://gigabitgrundbuch.bund.de)",
  },
  "destatis-population": {
    source: "destatis-gv",
    name: "Gemeindeverzeichnis, Bevölkerung (Statistisches Bundesamt)",
    attribution: "© Statistisches Bundesamt (Destatis)",
  },
};

/** Speed classes "≥ 1000 Mbit/s": what the dashboard calls gigabit. */
export const GIGABIT_MBITS = "1000";

/** Import files beyond this are not statistics tables. */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;

/** Errors kept per import run (the count is always complete). */
export const MAX_STORED_ERRORS = 1_000;

export const KIND_LABELS: Record<CoverageKind, string> = {
  breitbandatlas: "Breitbandatlas (Versorgung in Prozent)",
  "destatis-population": "Bevölkerungstabelle (Destatis)",
};
export const AUDIENCE_LABELS: Record<Audience, string> = {
  households: "Privathaushalte",
  businesses: "Gewerbe",
};

// ---------------------------------------------------------------------------------------------
// Dates and keys
// ---------------------------------------------------------------------------------------------

/** YYYY-MM-DD that exists in the calendar (not 2021-02-30, not 2021-13-01). */
function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * A real calendar date YYYY-MM-DD, not in the future of `clock` (Berlin date; one message: the
 * first problem found). The clock is read at each parse.
 */
export function asOfSchema(clock: Clock = systemClock) {
  return z
    .string({ required_error: "Bitte den Stichtag angeben (--as-of JJJJ-MM-TT).", invalid_type_error: "Der Stichtag muss ein Datum sein (JJJJ-MM-TT)." })
    .trim()
    .superRefine((value, ctx) => {
      const problem = !/^\d{4}-\d{2}-\d{2}$/.test(value)
        ? "Der Stichtag muss die Form JJJJ-MM-TT haben, z. B. 2021-06-30."
        : !isCalendarDate(value)
          ? "Den Stichtag gibt es im Kalender nicht."
          : value < "1990-01-01"
            ? "Der Stichtag liegt vor 1990."
            : value > new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin" }).format(clock.now())
              ? "Der Stichtag liegt in der Zukunft."
              : null;
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });
}

/** A real calendar date YYYY-MM-DD, not in the future (real time). */
export const AsOfSchema = asOfSchema();

/**
 * Amtlicher Gemeindeschlüssel of Hessen (06) or Rheinland-Pfalz (07): 8 digits for a Gemeinde,
 * 5 for a Kreis, 2 for the Land (aggregate rows some tables carry).
 */
export const AgsSchema = z.string().transform((raw, ctx) => {
  const value = raw.trim();
  const fail = (message: string) => {
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  };
  if (value === "") return fail("Der AGS fehlt.");
  if (!/^\d+$/.test(value)) return fail(`Der AGS „${value}“ ist keine Ziffernfolge.`);
  if (value.length === 7 || value.length === 4 || value.length === 1) {
    return fail(`Der AGS „${value}“ hat ${value.length} Stellen – fehlt die führende Null?`);
  }
  if (![2, 5, 8].includes(value.length)) return fail(`Der AGS „${value}“ muss 8 Stellen (Gemeinde), 5 (Kreis) oder 2 (Land) haben.`);
  if (!value.startsWith("06") && !value.startsWith("07")) return fail(`Der AGS „${value}“ liegt nicht in Hessen (06) oder Rheinland-Pfalz (07).`);
  return value;
});

/** An 8-digit Gemeinde AGS, as the read functions take it. */
export const GemeindeAgsSchema = z.string().regex(/^0[67]\d{6}$/, "Bitte einen achtstelligen AGS aus Hessen (06) oder Rheinland-Pfalz (07) angeben.");

/** A date YYYY-MM-DD (read functions; no "not in the future" rule). */
export const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Bitte ein Datum der Form JJJJ-MM-TT angeben.")
  .refine(isCalendarDate, "Dieses Datum gibt es nicht.");

// ---------------------------------------------------------------------------------------------
// Cells
// ---------------------------------------------------------------------------------------------

/** How statistics tables mark a value that is not available. */
const NOT_AVAILABLE = new Set(["", "-", "–", "—", ".", "x", "k.a.", "k. a.", "n.v.", "n. v.", "n/a", "na"]);

/** A percentage 0–100 with a decimal point or comma (and an optional "%"); a missing value is null. */
export const PercentCellSchema = z.string().transform((raw, ctx): number | null => {
  const value = raw.trim();
  if (NOT_AVAILABLE.has(value.toLowerCase())) return null;
  const match = /^(-?\d+(?:[.,]\d+)?)\s*%?$/.exec(value);
  if (!match) {
    ctx.addIssue({ code: "custom", message: `„${value}“ ist keine Prozentzahl.` });
    return z.NEVER;
  }
  const number = Number(match[1]!.replace(",", "."));
  if (number < 0 || number > 100) {
    ctx.addIssue({ code: "custom", message: `${value} liegt nicht zwischen 0 und 100 %.` });
    return z.NEVER;
  }
  return number;
});

/** A non-negative whole number: digits, optionally grouped by "." or space in thousands (159.878). */
function countCell(label: string, { required }: { required: boolean }) {
  return z.string().transform((raw, ctx): number | null => {
    const value = raw.trim();
    if (NOT_AVAILABLE.has(value.toLowerCase())) {
      if (!required) return null;
      ctx.addIssue({ code: "custom", message: `${label} fehlt.` });
      return z.NEVER;
    }
    if (!/^(\d+|\d{1,3}([. ]\d{3})+)$/.test(value)) {
      ctx.addIssue({ code: "custom", message: `${label} „${value}“ ist keine ganze Zahl ≥ 0.` });
      return z.NEVER;
    }
    const number = Number(value.replace(/[. ]/g, ""));
    if (number > 100_000_000) {
      ctx.addIssue({ code: "custom", message: `${label} ${value} ist unplausibel hoch.` });
      return z.NEVER;
    }
    return number;
  });
}

/** One row of a Breitbandatlas table: the AGS and one cell per percentage column. */
export function coverageRowSchema(columnCount: number) {
  return z.object({
    ags: AgsSchema,
    cells: z.array(PercentCellSchema).length(columnCount),
  });
}

/** One row of a population table. */
export const PopulationRowSchema = z.object({
  ags: AgsSchema,
  name: z
    .string()
    .transform((s) => s.trim() || null)
    .pipe(z.string().max(200, "Der Name ist länger als 200 Zeichen.").nullable())
    .optional(),
  population: countCell("Die Einwohnerzahl", { required: true }).pipe(z.number()),
  households: countCell("Die Zahl der Haushalte", { required: false }).optional(),
});

// ---------------------------------------------------------------------------------------------
// Import options (CLI and domain)
// ---------------------------------------------------------------------------------------------

const KindSchema = z.enum(COVERAGE_KINDS, {
  errorMap: () => ({ message: `Unbekannte Art der Datei. Möglich sind: ${COVERAGE_KINDS.join(", ")}.` }),
});
const AudienceSchema = z.enum(AUDIENCES, {
  errorMap: () => ({ message: `Unbekannte Zielgruppe. Möglich sind: ${AUDIENCES.join(", ")}.` }),
});

/** The CLI's options as parseArgs gives them (strings). */
export const CoverageImportArgsSchema = z
  .object({
    file: z.string({ required_error: "Bitte die Datei angeben (--file)." }).trim().min(1, "Bitte die Datei angeben (--file)."),
    "as-of": AsOfSchema,
    kind: KindSchema.optional(),
    audience: AudienceSchema.optional(),
  })
  .superRefine((args, ctx) => {
    if (args.kind === "destatis-population" && args.audience) {
      ctx.addIssue({ code: "custom", path: ["audience"], message: "--audience gilt nur für Breitbandatlas-Dateien, nicht für Bevölkerungstabellen." });
    }
  });
export type CoverageImportArgs = z.output<typeof CoverageImportArgsSchema>;

/** Input of importCoverageCsv; the as-of date may not lie after `clock`'s date. */
export function importCoverageInputSchema(clock: Clock = systemClock) {
  return z
    .object({
      bytes: z.instanceof(Uint8Array).optional(),
      text: z.string().optional(),
      fileName: z.string().trim().min(1, "Der Dateiname fehlt.").max(255, "Der Dateiname ist länger als 255 Zeichen."),
      asOf: asOfSchema(clock),
      kind: KindSchema.optional(),
      audience: AudienceSchema.optional(),
      actor: z.string().trim().min(1, "Wer importiert, muss angegeben sein.").max(200),
    })
    .refine((input) => (input.bytes === undefined) !== (input.text === undefined), "Bitte entweder den Inhalt der Datei (bytes) oder ihren Text angeben.");
}

/** Input of importCoverageCsv (as-of date checked against the real time). */
export const ImportCoverageInputSchema = importCoverageInputSchema();
export type ImportCoverageInput = z.input<typeof ImportCoverageInputSchema>;

/** The audience a Breitbandatlas file name tells ("…_privathaushalte_…", "…_gewerbe_…"), if it does. */
export function audienceFromFileName(fileName: string): Audience | null {
  const name = fileName.toLowerCase();
  const businesses = /gewerbe|unternehmen|business/.test(name);
  const households = /haushalt|household|privat/.test(name);
  if (businesses === households) return null;
  return businesses ? "businesses" : "households";
}
