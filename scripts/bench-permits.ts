/**
 * Benchmark of issuing a consent (Zustimmungsbescheid) for a 10 km route with 20 conditions:
 *
 *   npm run bench:permits -- [--engine pglite|postgres] [--iterations N] [--out DIR]
 *
 * (a) render only: the PDF from a prepared input (renderDocument), and
 * (b) the whole issue as a decision runs it: gather the case from the database (sections, roads
 *     within 150 m, conflicts, conditions), render, hash, sign, store — in a transaction that is
 *     rolled back, so every iteration issues the same document anew.
 * The database is a fresh synthetic street grid (scripts/bench/generate.ts, 10k segments) whose
 * roads all belong to one authority, so its consent covers the whole 10 km route. PostgreSQL uses
 * BENCH_DATABASE_URL / DATABASE_URL (a database bp_bench_permits is created and dropped).
 * The last consent is written to DIR (default .cache/bench) with PNGs of page 1 and the first map
 * page when pdftoppm is installed. Target: median ≤ 150 ms (reported, not enforced).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { z } from "zod";
import { migrateToLatest, type Database } from "~/db.server";
import { createDraft, saveDraft, submitApplication } from "~/modules/applications/service.server";
import { principalFor } from "~/modules/applications/test-fixtures.server";
import { renderDocument } from "~/modules/documents/render.server";
import { sampleDocumentInput } from "~/modules/documents/sample";
import { documentInput, issueDocument } from "~/modules/documents/service.server";
import { createOrganisation, createUser } from "~/modules/organisations/service.server";
import { generateNetwork } from "./bench/generate";
import { makeGrid } from "./bench/grid";
import { buildRoutes } from "./bench/routes";
import { ms, percentile, table } from "./bench/stats";
import { openScratchDatabase } from "./bench/database";

const ArgsSchema = z.object({
  engine: z.enum(["pglite", "postgres"], { errorMap: () => ({ message: "--engine: pglite oder postgres" }) }).optional(),
  iterations: z.coerce.number({ invalid_type_error: "--iterations: eine Zahl" }).int().min(3, "--iterations: mindestens 3").max(1000).default(25),
  out: z.string().min(1).default(".cache/bench"),
});

function parseArgs(argv: string[]) {
  const raw: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const m = /^--(engine|iterations|out)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) throw new Error(`Unbekanntes Argument: ${argv[i]}`);
    raw[m[1]!] = m[2] ?? argv[++i] ?? "";
  }
  const parsed = ArgsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join("; "));
  return parsed.data;
}

const WARMUP = 3;
const ROUTE_KM = 10;
const CONDITIONS = 20;
const PASSWORD = "Bench-Passwort-2026!";

async function time(iterations: number, run: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i += 1) await run();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  return samples;
}

/** A submitted 10 km application whose case lies wholly with one authority, with 20 conditions. */
async function prepareCase(db: Database): Promise<string> {
  const knex = db.knex;
  await migrateToLatest(knex);
  const grid = makeGrid(10_000);
  await generateNetwork(knex, grid, () => {});
  const kreis = await knex("organisations").where({ slug: "bench-kreis" }).first("id");
  await knex("roads").update({ authority_id: kreis.id });
  const actor = { userId: null, organisationId: null };
  const operator = await createOrganisation(knex, actor, { name: "Bench Glasfaser GmbH", slug: "bench-operator", kind: "operator" });
  if (!operator.ok) throw new Error(operator.error.message);
  const user = await createUser(knex, actor, { name: "Łukasz Dvořák", email: "bench-operator@bench.test", organisationId: operator.id, role: "operator", password: PASSWORD });
  if (!user.ok) throw new Error(user.error.message);
  const principal = await principalFor(knex, "bench-operator@bench.test");
  const [route] = await buildRoutes(knex, grid, [ROUTE_KM]);
  const section = { method: "hdd", depthM: 1.2, widthM: 0.2, ductCount: 2, ductDiameterMm: 50 };
  const created = await createDraft(knex, principal, { title: "Bench FTTH 10 km" });
  if (!created.ok) throw new Error(created.error.message);
  const saved = await saveDraft(knex, principal, created.value.id, {
    expectedVersion: 1,
    draft: {
      title: "Bench FTTH 10 km",
      area: "Bench-Kreis, Ortslagen Nord",
      contact: { name: "Łukasz Dvořák", email: "l.dvorak@bench.test", phone: "+49 611 123456" },
      rightOfWay: { reference: "BNetzA 125-2026-0001", date: "2026-01-15" },
      period: { start: "2027-03-01", end: "2027-09-30" },
      reducedDepthDeclaration: true,
      traffic: { impact: "lane_narrowing", description: "Einengung auf einen Fahrstreifen." },
    },
    route: { type: "FeatureCollection", features: [{ type: "Feature", geometry: route!.body.route.geometry as never, properties: section }] },
  } as never);
  if (!saved.ok) throw new Error(JSON.stringify(saved.error));
  const submitted = await submitApplication(knex, principal, created.value.id, { expectedVersion: saved.value.version });
  if (!submitted.ok) throw new Error(JSON.stringify(submitted.error));
  const caseId = submitted.value.cases[0]!.caseId;
  await knex("case_conditions").insert(
    Array.from({ length: CONDITIONS }, (_, i) => ({
      case_id: caseId,
      kind: i < CONDITIONS - 4 ? "condition" : "hint",
      title: `Nebenbestimmung ${i + 1}`,
      body: "Die Arbeiten sind so auszuführen, dass der Verkehr möglichst wenig beeinträchtigt wird; Gehwege bleiben mit mindestens 1,30 m Breite begehbar. ".repeat(2),
      source: "custom",
      position: i,
    })),
  );
  await knex("cases").where({ id: caseId }).update({ status: "approved", decided_at: new Date() });
  return caseId;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const engine = args.engine ?? (process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL ? "postgres" : "pglite");
  console.log(`Bescheid-Benchmark: ${ROUTE_KM} km Trasse, ${CONDITIONS} Nebenbestimmungen, ${args.iterations} Läufe (+${WARMUP} zum Aufwärmen), ${engine}`);
  console.log(`load ${loadavg().map((l) => l.toFixed(2)).join(" / ")} auf ${cpus().length} CPUs\n`);

  const input = sampleDocumentInput({ routeKm: ROUTE_KM, conditions: CONDITIONS });
  let rendered = await renderDocument(input);
  const render = await time(args.iterations, async () => {
    rendered = await renderDocument(input);
  });

  const { db, cleanup } = await openScratchDatabase(engine, "bp_bench_permits");
  let issuedBytes: Buffer | null = null;
  let issued = { pageCount: 0, sizeBytes: 0 };
  let issue: number[] = [];
  let gather: number[] = [];
  try {
    const t0 = performance.now();
    const caseId = await prepareCase(db);
    console.log(`Datenbank vorbereitet in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    gather = await time(args.iterations, () =>
      db.knex.transaction((trx) =>
        documentInput(trx, caseId, { kind: "consent", issuedBy: null, now: new Date("2026-11-21T10:00:00Z"), documentId: "0000000000000000", issuedAt: "2026-11-21T10:00:00.000Z", verifyUrl: "https://portal.example/verify/0000000000000000", version: 1, replaces: null }),
      ),
    );
    const rollback = new Error("rollback");
    issue = await time(args.iterations, async () => {
      await db.knex
        .transaction(async (trx) => {
          const doc = await issueDocument(trx, caseId, { kind: "consent", issuedBy: null, now: new Date("2026-11-21T10:00:00Z") });
          issued = doc;
          issuedBytes = (await trx("documents").where({ id: doc.id }).first("content")).content;
          throw rollback;
        })
        .catch((error: unknown) => {
          if (error !== rollback) throw error;
        });
    });
  } finally {
    await cleanup();
  }

  const row = (label: string, samples: number[], pages: number, bytes: number) => [
    label,
    ms(percentile(samples, 50)),
    ms(percentile(samples, 95)),
    ms(Math.max(...samples)),
    String(pages),
    (bytes / 1024).toFixed(0),
  ];
  console.log(
    table(
      ["", "median ms", "p95 ms", "max ms", "Seiten", "KB"],
      [
        row(`Daten lesen (${engine}: Abschnitte, Straßen, Konflikte, Nebenbestimmungen)`, gather, issued.pageCount, 0),
        row("Rendern (Beispieleingabe)", render, rendered.pageCount, rendered.bytes.byteLength),
        row(`Ausstellen (${engine}: lesen, rendern, signieren, speichern)`, issue, issued.pageCount, issued.sizeBytes),
      ],
    ),
  );
  const median = percentile(issue, 50);
  console.log(`\nZiel: Median ≤ 150 ms für das Ausstellen — ${median <= 150 ? "erreicht" : "verfehlt"} (${ms(median)} ms)`);

  mkdirSync(args.out, { recursive: true });
  const file = path.join(args.out, "zustimmung-10km.pdf");
  writeFileSync(file, issuedBytes ?? rendered.bytes);
  console.log(`Bescheid geschrieben: ${file}`);
  try {
    execFileSync("pdftoppm", ["-r", "60", "-png", "-f", "1", "-l", "1", file, path.join(args.out, "zustimmung-10km-seite")]);
    execFileSync("pdftoppm", ["-r", "60", "-png", "-f", String(issued.pageCount), "-l", String(issued.pageCount), file, path.join(args.out, "zustimmung-10km-karte")]);
    console.log(`Seitenbilder: ${args.out}/zustimmung-10km-seite-*.png, zustimmung-10km-karte-*.png`);
  } catch {
    console.log("pdftoppm nicht gefunden: keine Seitenbilder (apt-get install poppler-utils)");
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
