import { parseArgs } from "node:util";
import { z } from "zod";

/** Command line of scripts/bench-checks.ts, validated with zod (German messages, exit code 2 on errors). */
export const USAGE = `Benchmark der Trassenprüfung (SQL im Prozess und POST /api/v1/checks über HTTP).

  npx tsx scripts/bench-checks.ts [--engine postgres|pglite|both] [--sizes 10k,100k,1m] [--iterations N]
                                  [--keep] [--explain-dir DIR]

  --engine       Datenbank: postgres (BENCH_DATABASE_URL, Standard postgres://postgres@127.0.0.1:5432/postgres),
                 pglite (eingebettet, temporäres Verzeichnis) oder both (Standard)
  --sizes        Anzahl Straßensegmente je Netz, kommagetrennt, z. B. 10k,100k,1m oder 25000 (Standard 10k,100k,1m)
  --iterations   Messungen je Trasse (Standard: 30 für 1 und 10 km, 15 für 50 km); vorher immer 3 Aufwärmläufe
  --keep         Bench-Datenbanken bzw. PGlite-Verzeichnisse nicht löschen
  --explain-dir  EXPLAIN (ANALYZE, BUFFERS) der Prüfung der 10-km-Trasse je Größe als Textdatei dorthin schreiben
`;

const SIZE_PATTERN = /^(\d+(?:\.\d+)?)([km]?)$/i;

/** "10k" → 10000, "1m" → 1000000, "25000" → 25000; NaN when unreadable. */
export function parseSize(text: string): number {
  const match = SIZE_PATTERN.exec(text.trim());
  if (!match) return Number.NaN;
  const factor = match[2]?.toLowerCase() === "k" ? 1_000 : match[2]?.toLowerCase() === "m" ? 1_000_000 : 1;
  return Math.round(Number(match[1]) * factor);
}

/** 10000 → "10k", 1000000 → "1m", 25000 → "25k", 12345 → "12345". */
export function sizeLabel(size: number): string {
  if (size % 1_000_000 === 0) return `${size / 1_000_000}m`;
  if (size % 1_000 === 0) return `${size / 1_000}k`;
  return String(size);
}

export const MIN_SEGMENTS = 2_000;
/** A grid of 2 M segments of 100 m is 100 km wide: still inside the synthetic part of Hessen (E 430–590 km). */
export const MAX_SEGMENTS = 2_000_000;

const ArgsSchema = z
  .object({
    engine: z
      .enum(["postgres", "pglite", "both"], {
        errorMap: () => ({ message: "--engine: erlaubt sind postgres, pglite oder both." }),
      })
      .default("both"),
    sizes: z
      .string()
      .default("10k,100k,1m")
      .transform((text, ctx) => {
        const parts = text.split(",").map((s) => s.trim()).filter(Boolean);
        if (parts.length === 0) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: "--sizes: mindestens eine Größe angeben, z. B. 10k,100k,1m." });
          return z.NEVER;
        }
        const sizes: number[] = [];
        for (const part of parts) {
          const size = parseSize(part);
          if (!Number.isInteger(size) || size < MIN_SEGMENTS || size > MAX_SEGMENTS) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              message: `--sizes: „${part}“ ist keine gültige Größe (Segmente zwischen ${sizeLabel(MIN_SEGMENTS)} und ${sizeLabel(MAX_SEGMENTS)}, z. B. 10k, 100k, 1m).`,
            });
            return z.NEVER;
          }
          if (!sizes.includes(size)) sizes.push(size);
        }
        return sizes.sort((a, b) => a - b);
      }),
    iterations: z
      .string()
      .regex(/^\d+$/, "--iterations muss eine ganze Zahl ≥ 1 sein.")
      .transform(Number)
      .pipe(z.number().int().min(1, "--iterations muss mindestens 1 sein.").max(10_000, "--iterations: höchstens 10000."))
      .optional(),
    keep: z.boolean().default(false),
    "explain-dir": z.string().min(1, "--explain-dir: Verzeichnis angeben.").optional(),
    help: z.boolean().default(false),
  })
  .strict();

export interface BenchArgs {
  engines: ("postgres" | "pglite")[];
  sizes: number[];
  iterations: number | undefined;
  keep: boolean;
  explainDir: string | undefined;
  benchDatabaseUrl: string;
}

const DatabaseUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/[^/]+/, "BENCH_DATABASE_URL muss eine postgres://-Verbindungs-URL sein.")
  .refine((u) => URL.canParse(u), "BENCH_DATABASE_URL ist keine gültige URL.");

export class ArgsError extends Error {}

/** Parses and validates argv; throws ArgsError with a German message (the caller exits with 2). Returns null for --help. */
export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv): BenchArgs | null {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        engine: { type: "string" },
        sizes: { type: "string" },
        iterations: { type: "string" },
        keep: { type: "boolean" },
        "explain-dir": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ArgsError(`Ungültige Argumente: ${(error as Error).message}`);
  }
  const parsed = ArgsSchema.safeParse(values);
  if (!parsed.success) throw new ArgsError(parsed.error.issues.map((i) => i.message).join("\n"));
  const args = parsed.data;
  if (args.help) return null;
  const engines = args.engine === "both" ? (["postgres", "pglite"] as const) : ([args.engine] as const);
  const url = env.BENCH_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
  if (engines.includes("postgres")) {
    const checked = DatabaseUrl.safeParse(url);
    if (!checked.success) throw new ArgsError(checked.error.issues.map((i) => i.message).join("\n"));
  }
  return {
    engines: [...engines],
    sizes: args.sizes,
    iterations: args.iterations,
    keep: args.keep,
    explainDir: args["explain-dir"],
    benchDatabaseUrl: url,
  };
}
