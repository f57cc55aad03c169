/**
 * Benchmark of the state dashboard's data (loadDashboard) on a generated history:
 *
 *   npm run bench:dashboard -- [--engine postgres|pglite] [--applications N] [--iterations N] [--keep]
 *
 * A fresh database gets the real Länder, Kreise and all ~2,800 Gemeinden of Hessen and
 * Rheinland-Pfalz (BKG VG5000 from ../shared/data/admin), the real Breitbandatlas and Destatis
 * tables (../shared/data/stats), one road authority per Kreis and per Land, and N applications
 * (default 100,000) over 36 months with one or two cases each, spread over all Gemeinden, in every
 * status with varied processing times — generated set-based in SQL. Then the dashboard data is
 * loaded for typical views, after warm-up runs, and p50/p95 are printed per view.
 * Target: p95 ≤ 500 ms on real PostGIS (reported, not enforced). PostgreSQL uses
 * BENCH_DATABASE_URL / DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) to create
 * and drop the database bp_bench_dashboard.
 */
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { z } from "zod";
import { migrateToLatest, type Database } from "~/db.server";
import { principalFor } from "~/modules/applications/test-fixtures.server";
import { importCoverageCsv } from "~/modules/coverage/import.server";
import { loadDashboard } from "~/modules/dashboard/service.server";
import { importLayer } from "~/modules/layers/import.server";
import { createOrganisation, createUser } from "~/modules/organisations/service.server";
import { readOptions, usageError } from "./lib/cli";
import { ROOT } from "./lib/portal";
import { ms, percentile, table } from "./bench/stats";
import { openScratchDatabase } from "./bench/database";

const USAGE = `Benchmark der Dashboard-Daten.

  npm run bench:dashboard -- [--engine postgres|pglite] [--applications N] [--iterations N] [--keep]`;
const fail: (message: string) => never = usageError(USAGE);

const ArgsSchema = z.object({
  engine: z.enum(["postgres", "pglite"], { errorMap: () => ({ message: "--engine: postgres oder pglite." }) }).default("postgres"),
  applications: z.coerce.number({ invalid_type_error: "--applications: eine Zahl." }).int().min(100, "--applications: mindestens 100.").max(1_000_000).default(100_000),
  iterations: z.coerce.number({ invalid_type_error: "--iterations: eine Zahl." }).int().min(3, "--iterations: mindestens 3.").max(500).default(30),
  keep: z.boolean().default(false),
});

const DATA = path.resolve(ROOT, "../shared/data");
const WARMUP = 3;
const PASSWORD = "Bench-Passwort-2026!";
const TODAY = "2026-11-21";

function log(line = "") {
  console.log(line);
}

async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const result = await work();
  log(`  ${label.padEnd(72)} ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s`);
  return result;
}

/** Areas, statistics, organisations and the generated history. */
async function prepare(db: Database, applications: number): Promise<void> {
  const knex = db.knex;
  await step("Migration", () => migrateToLatest(knex));
  for (const file of ["vg5000_laender_he_rp.geojson", "vg5000_kreise_he_rp.geojson", "vg5000_gemeinden_he_rp.geojson"]) {
    await step(`Verwaltungsgebiete ${file}`, () => importLayer(knex, { layer: { kind: "admin" }, file: path.join(DATA, "admin", file) }));
  }
  for (const [file, asOf] of [
    ["destatis_gv_2020-12-31_gemeinden_he_rp.csv", "2020-12-31"],
    ["breitbandatlas_2021-06_gemeinden_privathaushalte_he_rp.csv", "2021-06-30"],
  ] as const) {
    await step(`Statistik ${file}`, () => importCoverageCsv(knex, { bytes: readFileSync(path.join(DATA, "stats", file)), fileName: file, asOf, actor: "bench" }));
  }
  const actor = { userId: null, organisationId: null };
  const state = await createOrganisation(knex, actor, { name: "Bench Landesebene", slug: "bench-land-statistik", kind: "state" });
  if (!state.ok) throw new Error(state.error.message);
  const analyst = await createUser(knex, actor, { name: "Bench Analyse", email: "bench-analyst@bench.test", organisationId: state.id, role: "state_analyst", password: PASSWORD });
  if (!analyst.ok) throw new Error(analyst.error.message);

  await step("Organisationen (Betreiber, Behörden)", async () => {
    await knex.raw(`INSERT INTO organisations (slug, kind, name)
      SELECT 'bench-betreiber-' || i, 'operator', 'Bench Glasfaser ' || i FROM generate_series(1, 12) i`);
    await knex.raw(`INSERT INTO organisations (slug, kind, name, authority_level, state, ags, file_number_prefix)
      SELECT 'bench-kreis-' || ags, 'road_authority', 'Straßenbau ' || name, 'kreis', state, ags, 'K' || ags
      FROM admin_areas WHERE level = 'kreis'`);
    await knex.raw(`INSERT INTO organisations (slug, kind, name, authority_level, state, ags, file_number_prefix)
      SELECT 'bench-land-' || ags, 'road_authority', 'Landesstraßenbau ' || name, 'land', state, ags, 'L' || ags
      FROM admin_areas WHERE level = 'land'`);
  });

  await step(`${applications.toLocaleString("de-DE")} Anträge mit Fällen`, async () => {
    await knex.raw("SELECT setseed(0.42)");
    // one application per row: a Gemeinde, an operator, a submission date in the last 36 months
    await knex.raw(
      `CREATE TEMP TABLE bench_apps AS
       WITH g AS (SELECT array_agg(ags ORDER BY ags) AS ags FROM admin_areas WHERE level = 'gemeinde'),
            o AS (SELECT array_agg(id ORDER BY slug) AS ids FROM organisations WHERE slug LIKE 'bench-betreiber-%')
       SELECT gen_random_uuid() AS id, i,
              g.ags[1 + floor(random() * array_length(g.ags, 1))::int] AS gemeinde,
              o.ids[1 + floor(random() * array_length(o.ids, 1))::int] AS operator_id,
              (timestamptz '${TODAY} 10:00+01' - (random() * 1095) * interval '1 day') AS submitted_at,
              random() AS r_status, random() AS r_days, random() AS r_two, 100 + random() * 4900 AS length_m
       FROM generate_series(1, ?) i, g, o`,
      [applications],
    );
    await knex.raw(
      `INSERT INTO applications (id, operator_id, title, status, submitted_at, current_version)
       SELECT id, operator_id, 'Bench-Ausbau ' || i, 'submitted', submitted_at, 1 FROM bench_apps`,
    );
    await knex.raw(
      `INSERT INTO application_versions (application_id, version_no, submitted_at, data, route_features, route, check_report)
       SELECT a.id, 1, a.submitted_at, '{}'::jsonb, '{"type":"FeatureCollection","features":[]}'::jsonb,
              ST_Multi(ST_MakeLine(ST_PointOnSurface(g.geom), ST_Translate(ST_PointOnSurface(g.geom), a.length_m, 0))),
              '{}'::jsonb
       FROM bench_apps a JOIN admin_areas g ON g.ags = a.gemeinde`,
    );
    // the Kreis' case for every application, a Land case for one in five; outcomes by r_status,
    // processing times from a few days to past the deadline
    await knex.raw(
      `CREATE TEMP TABLE bench_cases AS
       SELECT gen_random_uuid() AS id, a.id AS application_id, o.id AS authority_id, o.file_number_prefix || '-' || a.i AS file_number,
              a.submitted_at AS received_at, a.gemeinde, a.length_m * (CASE WHEN o.authority_level = 'land' THEN 0.3 ELSE 0.7 END) AS length_m,
              a.r_status, a.r_days
       FROM bench_apps a
       JOIN organisations o ON o.slug = 'bench-kreis-' || left(a.gemeinde, 5)
          OR (o.slug = 'bench-land-' || left(a.gemeinde, 2) AND a.r_two < 0.2)`,
    );
    await knex.raw(
      `INSERT INTO cases (id, application_id, authority_id, file_number, status, application_version, received_at, section_length_m,
                          procedure_rule_key, clock_started_at, decision_due_on, decided_at)
       SELECT c.id, c.application_id, c.authority_id, c.file_number, s.status, 1, c.received_at, c.length_m,
              'tkg_127', c.received_at, (c.received_at + interval '3 months')::date,
              CASE WHEN s.status IN ('approved','rejected') THEN c.received_at + (5 + c.r_days * 110) * interval '1 day'
                   WHEN s.status = 'deemed_approved' THEN c.received_at + interval '3 months 1 day' END
       FROM bench_cases c,
       LATERAL (SELECT CASE
         WHEN c.received_at > timestamptz '${TODAY} 10:00+01' - interval '40 days' OR c.r_status < 0.12 THEN 'in_review'
         WHEN c.r_status < 0.16 THEN 'incomplete'
         WHEN c.r_status < 0.21 THEN 'deemed_approved'
         WHEN c.r_status < 0.30 THEN 'rejected'
         WHEN c.r_status < 0.33 THEN 'withdrawn'
         ELSE 'approved' END AS status) s`,
    );
    await knex.raw(`INSERT INTO case_areas (case_id, ags, length_m) SELECT id, gemeinde, length_m FROM bench_cases`);
    await knex.raw("DROP TABLE bench_cases");
    await knex.raw("DROP TABLE bench_apps");
    await knex.raw("ANALYZE");
  });
}

async function main() {
  const args = ArgsSchema.safeParse(readOptions({ engine: { type: "string" }, applications: { type: "string" }, iterations: { type: "string" }, keep: { type: "boolean" } }, fail));
  if (!args.success) fail(args.error.issues.map((i) => i.message).join("\n"));
  const { engine, applications, iterations, keep } = args.data;
  if (!existsSync(path.join(DATA, "admin")) || !existsSync(path.join(DATA, "stats"))) {
    console.error(`Die echten Geodaten fehlen (${DATA}/admin, ${DATA}/stats): der Benchmark braucht die Gemeinden von Hessen und Rheinland-Pfalz.`);
    process.exit(1);
  }
  log(`Dashboard-Benchmark: ${applications.toLocaleString("de-DE")} Anträge, ${iterations} Läufe je Ansicht (+${WARMUP} zum Aufwärmen), ${engine}`);
  log(`load ${loadavg().map((l) => l.toFixed(2)).join(" / ")} auf ${cpus().length} CPUs\n`);
  const { db, cleanup } = await openScratchDatabase(engine, "bp_bench_dashboard", { keep });
  try {
    await prepare(db, applications);
    const counts = (await db.knex.raw(
      `SELECT (SELECT count(*) FROM admin_areas WHERE level = 'gemeinde')::int AS gemeinden, (SELECT count(*) FROM applications)::int AS applications,
              (SELECT count(*) FROM cases)::int AS cases, (SELECT count(*) FROM coverage_observations)::int AS observations`,
    )) as { rows: { gemeinden: number; applications: number; cases: number; observations: number }[] };
    const c = counts.rows[0]!;
    log(`\n  ${c.gemeinden} Gemeinden, ${c.applications.toLocaleString("de-DE")} Anträge, ${c.cases.toLocaleString("de-DE")} Fälle, ${c.observations} Versorgungswerte\n`);
    const analyst = await principalFor(db.knex, "bench-analyst@bench.test");
    const views: [string, Record<string, string>][] = [
      ["Land → Kreise (Standard: 12 Monate)", {}],
      ["alle Gemeinden (2 Länder)", { level: "gemeinde" }],
      ["Hessen → Kreise", { area: "06", level: "kreis" }],
      ["Kreis Kaiserslautern → Gemeinden", { area: "07335", level: "gemeinde" }],
      ["3 Jahre, Kreise", { from: "2023-11-22", to: TODAY, level: "kreis" }],
    ];
    const rows: string[][] = [];
    for (const [label, filter] of views) {
      const run = async () => {
        const result = await loadDashboard(db.knex, analyst, filter);
        if (!result.ok) throw new Error(`${label}: ${JSON.stringify(result.error)}`);
        return result.value;
      };
      let last = await run();
      for (let i = 1; i < WARMUP; i += 1) last = await run();
      const samples: number[] = [];
      for (let i = 0; i < iterations; i += 1) {
        const t0 = performance.now();
        last = await run();
        samples.push(performance.now() - t0);
      }
      rows.push([label, String(last.areas.length), last.kpis.applicationsFiled.value?.toLocaleString("de-DE") ?? "–", ms(percentile(samples, 50)), ms(percentile(samples, 95)), ms(Math.max(...samples))]);
    }
    log(table(["Ansicht", "Gebiete", "Anträge im Zeitraum", "p50 ms", "p95 ms", "max ms"], rows));
    const worst = Math.max(...rows.map((r) => Number(r[4])));
    log(`\nZiel: p95 ≤ 500 ms (${engine}) — ${worst <= 500 ? "erreicht" : "verfehlt"} (höchstes p95: ${ms(worst)} ms)`);
  } finally {
    await cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
