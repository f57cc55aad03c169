/**
 * Benchmark of the route check: how long does POST /api/v1/checks take on a realistic network, and
 * how much of it is the one SQL statement?
 *
 *   npx tsx scripts/bench-checks.ts [--engine postgres|pglite|both] [--sizes 10k,100k,1m] [--iterations N]
 *                                   [--keep] [--explain-dir DIR]
 *
 * For each engine and network size (road segments) a fresh database is built (PostgreSQL: database
 * bp_bench_<size> on BENCH_DATABASE_URL; PGlite: a temporary data dir), migrated and filled with a
 * synthetic street grid in Hessen plus conflict layers (scripts/bench/generate.ts). Routes of 1, 10
 * and 50 km along the streets (scripts/bench/routes.ts) are then checked, after 3 warm-up runs,
 * (a) in-process with checkRoute() — the SQL round trip — and (b) over HTTP against the production
 * server (scripts/serve.ts) started on the same database, signed in as an operator.
 *
 * Needs `npm run build` first (the HTTP part runs the built server). Exit codes: 0 measured (targets
 * are reported, not enforced), 1 an error (a response other than 200, a report without sections, …),
 * 2 bad arguments.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import type { Knex } from "knex";
import pg from "pg";
import { migrateToLatest, openDatabase, type Database } from "~/db.server";
import { CHECK_SQL } from "~/modules/checks/check-sql";
import { checkRoute } from "~/modules/checks/engine.server";
import type { CheckReport } from "~/modules/checks/report";
import { normaliseCheckRequest, type NormalisedRoute } from "~/modules/checks/schema";
import { createOrganisation, createUser } from "~/modules/organisations/service.server";
import { ArgsError, parseBenchArgs, USAGE, type BenchArgs } from "./bench/args";
import { generateNetwork, type GenerationResult } from "./bench/generate";
import { makeGrid, type Grid } from "./bench/grid";
import { buildRoutes, type BenchRoute } from "./bench/routes";
import { ROOT, signedInClient, startPortal } from "./bench/server";
import { ms, percentile, table } from "./bench/stats";

type Engine = "postgres" | "pglite";

const WARMUP = 3;
const OPERATOR = { email: "bench-operator@bench.test", password: "Bench-Passwort-2026!" };
const TARGETS = [
  "real PostGIS: 10 km route at 1M segments p95 ≤ 100 ms over HTTP",
  "HTTP/SQL ratio ≤ 1.3",
  "p95 grows at most 2× from 10k to 1M segments",
];

interface Measurement {
  engine: Engine;
  grid: Grid;
  km: number;
  sql: number[];
  http: number[];
  summary: string;
}

interface Generated {
  engine: Engine;
  grid: Grid;
  migrateMs: number;
  generation: GenerationResult;
}

// --- resources released in reverse order, on success, on error and on Ctrl-C ----------------------
type Release = { name: string; fn: () => Promise<void>; done: boolean };
const held: Release[] = [];

function hold(name: string, fn: () => Promise<void>): () => Promise<void> {
  const entry: Release = { name, fn, done: false };
  held.push(entry);
  return async () => {
    if (entry.done) return;
    entry.done = true;
    held.splice(held.indexOf(entry), 1);
    await fn();
  };
}

let releasing: Promise<void> | null = null;

/** Releases everything held; concurrent callers (Ctrl-C during an error) wait for the same run. */
function releaseAll(): Promise<void> {
  releasing ??= (async () => {
    while (held.length > 0) {
      const entry = held.pop()!;
      if (entry.done) continue;
      entry.done = true;
      try {
        await entry.fn();
      } catch (error) {
        console.error(`Aufräumen (${entry.name}) fehlgeschlagen: ${(error as Error).message}`);
      }
    }
  })().finally(() => {
    releasing = null;
  });
  return releasing;
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: räume auf …`);
    void releaseAll().finally(() => process.exit(130));
  });
}

const log = (line = "") => console.log(line);
/** The machine may be shared: the load average puts the numbers in context. */
const loadLine = () => `load ${loadavg().map((l) => l.toFixed(2)).join(" / ")} auf ${cpus().length} CPUs`;
const seconds = (milliseconds: number) => `${(milliseconds / 1000).toFixed(1)} s`;

// --- one database per engine and size ------------------------------------------------------------

async function createPostgresDatabase(adminUrl: string, name: string, keep: boolean): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  if (!keep) {
    hold(`DROP DATABASE ${name}`, async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function prepare(db: Database, engine: Engine, grid: Grid): Promise<Generated> {
  const t0 = performance.now();
  await migrateToLatest(db.knex);
  const migrateMs = performance.now() - t0;
  log(`    ${"migrate".padEnd(34)} ${seconds(migrateMs).padStart(8)}`);
  const generation = await generateNetwork(db.knex, grid, log);
  const actor = { userId: null, organisationId: null };
  const org = await createOrganisation(db.knex, actor, { name: "Bench Glasfaser GmbH", slug: "bench-operator", kind: "operator" });
  if (!org.ok) throw new Error(`Betreiber nicht angelegt: ${org.error.message}`);
  const user = await createUser(db.knex, actor, {
    name: "Bench Betreiber",
    email: OPERATOR.email,
    organisationId: org.id,
    role: "operator",
    password: OPERATOR.password,
  });
  if (!user.ok) throw new Error(`Benutzer nicht angelegt: ${user.error.message}`);
  const c = generation.counts;
  log(
    `  ${engine} ${grid.label}: ${c.roads.toLocaleString("de-DE")} Straßensegmente (${grid.n}×${grid.n} Knoten, ${(grid.extent / 1000).toFixed(1)} km), ` +
      `${c.conflictFeatures.toLocaleString("de-DE")} Konfliktobjekte, ${c.gemeinden} Gemeinden, ${c.organisations + 1} Organisationen — ` +
      `erzeugt in ${seconds(generation.totalMs)} (+ Migration ${seconds(migrateMs)})`,
  );
  return { engine, grid, migrateMs, generation };
}

function normalise(route: BenchRoute): NormalisedRoute {
  const result = normaliseCheckRequest(route.body);
  if (!result.ok) throw new Error(`Bench-Trasse ${route.label} ungültig: ${result.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
  return result.route;
}

function iterationsFor(km: number, args: BenchArgs): number {
  return args.iterations ?? (km >= 50 ? 15 : 30);
}

function verifyReport(report: unknown, where: string): CheckReport {
  const r = report as Partial<CheckReport> | null;
  if (!r || !Array.isArray(r.sections) || r.sections.length === 0) {
    throw new Error(`${where}: Prüfbericht ohne Abschnitte: ${JSON.stringify(report).slice(0, 400)}`);
  }
  return r as CheckReport;
}

function describe(report: CheckReport, bytes: number): string {
  const onRoad = report.sections.reduce((sum, s) => sum + s.lengthM, 0);
  const offRoad = report.offRoad.reduce((sum, s) => sum + s.lengthM, 0);
  return (
    `${(report.lengthM / 1000).toFixed(2)} km: ${report.sections.length} Abschnitte (${(onRoad / 1000).toFixed(2)} km auf Straßen, ` +
    `${offRoad.toFixed(0)} m abseits), ${report.conflicts.length} Konflikte, ${report.crossings.length} Kreuzungen, ` +
    `${report.method.length} Verfahrenshinweise, ${report.findings.length} Befunde; JSON ${(bytes / 1024).toFixed(0)} kB`
  );
}

interface SqlResult {
  samples: number[];
  summary: string;
  /** the first report, to compare with what the server answers */
  json: string;
}

async function measureSql(knex: Knex, routes: BenchRoute[], args: BenchArgs): Promise<Map<number, SqlResult>> {
  const results = new Map<number, SqlResult>();
  for (const route of routes) {
    const normalised = normalise(route);
    const runs = iterationsFor(route.km, args);
    const samples: number[] = [];
    let summary = "";
    let json = "";
    for (let k = 0; k < WARMUP + runs; k += 1) {
      const t0 = performance.now();
      const outcome = await checkRoute(knex, normalised).catch((error: unknown) => {
        throw new Error(`SQL ${route.label}: ${shortMessage(error)}`);
      });
      const elapsed = performance.now() - t0;
      if (!outcome.ok) throw new Error(`SQL ${route.label}: Prüfung abgelehnt: ${outcome.problems.map((p) => p.message).join(" ")}`);
      const report = verifyReport(outcome.report, `SQL ${route.label}`);
      if (k === 0) {
        json = JSON.stringify(report);
        summary = describe(report, Buffer.byteLength(json));
      }
      if (k >= WARMUP) samples.push(elapsed);
    }
    results.set(route.km, { samples, summary, json });
    log(`    SQL  ${route.label.padStart(5)}: p50 ${ms(percentile(samples, 50))} ms, p95 ${ms(percentile(samples, 95))} ms (n=${runs}) — ${summary}`);
  }
  return results;
}

async function measureHttp(
  baseUrl: string,
  routes: BenchRoute[],
  args: BenchArgs,
  sql: Map<number, SqlResult>,
): Promise<Map<number, number[]>> {
  const client = await signedInClient(baseUrl, OPERATOR.email, OPERATOR.password);
  const results = new Map<number, number[]>();
  for (const route of routes) {
    const json = JSON.stringify(route.body);
    const runs = iterationsFor(route.km, args);
    const samples: number[] = [];
    let encoding = "";
    let wireBytes = 0;
    for (let k = 0; k < WARMUP + runs; k += 1) {
      const t0 = performance.now();
      const res = await client.postJson("/api/v1/checks", json);
      const text = await res.text();
      const elapsed = performance.now() - t0;
      if (res.status !== 200) throw new Error(`HTTP ${route.label}: Status ${res.status}: ${text.slice(0, 500)}`);
      const report = verifyReport(JSON.parse(text), `HTTP ${route.label}`);
      if (k === 0) {
        if (JSON.stringify(report) !== sql.get(route.km)?.json) {
          log(`    ⚠ HTTP ${route.label}: der Server antwortet anders als checkRoute() im Prozess — ist build/ aktuell (npm run build)?`);
        }
        encoding = res.headers.get("content-encoding") ?? "identity";
        wireBytes = Number(res.headers.get("content-length") ?? Number.NaN);
      }
      if (k >= WARMUP) samples.push(elapsed);
    }
    results.set(route.km, samples);
    const wire = Number.isFinite(wireBytes) ? `, ${(wireBytes / 1024).toFixed(0)} kB übertragen` : "";
    log(`    HTTP ${route.label.padStart(5)}: p50 ${ms(percentile(samples, 50))} ms, p95 ${ms(percentile(samples, 95))} ms (n=${runs}, ${encoding}${wire})`);
  }
  return results;
}

async function explain(knex: Knex, engine: Engine, grid: Grid, route: BenchRoute, dir: string): Promise<void> {
  const r = normalise(route);
  // the bindings of checkRoute() (engine.server.ts)
  const bindings = {
    parts: JSON.stringify(r.parts.map((p) => ({ featureIndex: p.featureIndex, coordinates: p.coordinates, method: p.method, depthM: p.depthM }))),
    srid: r.srid,
    period_start: null,
    period_end: null,
    as_of: new Date().toISOString().slice(0, 10),
    exclude_application: null,
  };
  const result = (await knex.raw(`EXPLAIN (ANALYZE, BUFFERS) ${CHECK_SQL}`, bindings)) as { rows: Record<string, string>[] };
  const lines = result.rows.map((row) => Object.values(row)[0]);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `explain-${engine}-${grid.label}-${route.km}km.txt`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  log(`    EXPLAIN (ANALYZE, BUFFERS) ${route.label} → ${file}`);
}

async function benchSize(engine: Engine, grid: Grid, args: BenchArgs): Promise<{ generated: Generated; measurements: Measurement[] }> {
  log(`\n== ${engine} · ${grid.label} (${grid.segments.toLocaleString("de-DE")} Segmente) · ${loadLine()} ==`);
  let generated: Generated;
  let routes: BenchRoute[];
  let sql: Map<number, SqlResult>;
  let http: Map<number, number[]>;

  if (engine === "postgres") {
    const name = `bp_bench_${grid.label}`;
    const url = await createPostgresDatabase(args.benchDatabaseUrl, name, args.keep);
    const db = await openDatabase({ engine: "postgres", url });
    const close = hold(`close ${name}`, () => db.close());
    generated = await prepare(db, engine, grid);
    routes = await buildRoutes(db.knex, grid, undefined, log);
    sql = await measureSql(db.knex, routes, args);
    if (args.explainDir) await explain(db.knex, engine, grid, routes.find((r) => r.km === 10)!, args.explainDir);
    await close();
    const portal = await startPortal({ engine: "postgres", url });
    const stop = hold("stop portal", () => portal.stop());
    log(`    Server bereit nach ${seconds(portal.bootMs)} · ${loadLine()}`);
    http = await measureHttp(portal.baseUrl, routes, args, sql);
    await stop();
    if (args.keep) log(`    Datenbank behalten: ${url.replace(/\/\/[^@/]*@/, "//…@")}`);
  } else {
    const tmp = mkdtempSync(path.join(tmpdir(), `bp-bench-${grid.label}-`));
    if (!args.keep) hold(`rm ${tmp}`, async () => rmSync(tmp, { recursive: true, force: true }));
    // the server opens <DATA_DIR>/pglite
    const db = await openDatabase({ engine: "pglite", dataDir: path.join(tmp, "pglite") });
    const close = hold("close pglite", () => db.close());
    generated = await prepare(db, engine, grid);
    routes = await buildRoutes(db.knex, grid, undefined, log);
    sql = await measureSql(db.knex, routes, args);
    if (args.explainDir) await explain(db.knex, engine, grid, routes.find((r) => r.km === 10)!, args.explainDir);
    // one process per data dir: close before the server opens it
    await close();
    const portal = await startPortal({ engine: "pglite", dataDir: tmp });
    const stop = hold("stop portal", () => portal.stop());
    log(`    Server bereit nach ${seconds(portal.bootMs)} · ${loadLine()}`);
    http = await measureHttp(portal.baseUrl, routes, args, sql);
    await stop();
    if (args.keep) log(`    PGlite-Verzeichnis behalten: ${tmp}`);
  }
  await releaseAll();

  const measurements = routes.map((route) => ({
    engine,
    grid,
    km: route.km,
    sql: sql.get(route.km)!.samples,
    http: http.get(route.km)!,
    summary: sql.get(route.km)!.summary,
  }));
  return { generated, measurements };
}

// --- report --------------------------------------------------------------------------------------

function printResults(engines: Engine[], generated: Generated[], measurements: Measurement[]): void {
  log("\n==================== Ergebnisse ====================");
  log("\nErzeugung der Testdaten");
  log(
    table(
      ["engine", "size", "road segments", "conflict features", "generation", "migrate"],
      generated.map((g) => [
        g.engine,
        g.grid.label,
        g.generation.counts.roads.toLocaleString("en-US"),
        g.generation.counts.conflictFeatures.toLocaleString("en-US"),
        seconds(g.generation.totalMs),
        seconds(g.migrateMs),
      ]),
    ),
  );

  for (const engine of engines) {
    const rows = measurements.filter((m) => m.engine === engine);
    if (rows.length === 0) continue;
    log(`\n${engine === "postgres" ? "PostgreSQL/PostGIS" : "PGlite (embedded PostGIS, WASM)"} — milliseconds`);
    log(
      table(
        ["size", "route km", "SQL p50", "SQL p95", "HTTP p50", "HTTP p95", "HTTP/SQL (p50)"],
        rows.map((m) => {
          const sql50 = percentile(m.sql, 50);
          const http50 = percentile(m.http, 50);
          return [m.grid.label, String(m.km), ms(sql50), ms(percentile(m.sql, 95)), ms(http50), ms(percentile(m.http, 95)), (http50 / sql50).toFixed(2)];
        }),
      ),
    );
    const tens = rows.filter((m) => m.km === 10).sort((a, b) => a.grid.size - b.grid.size);
    if (tens.length >= 2) {
      const first = tens[0]!;
      const last = tens[tens.length - 1]!;
      const factor = (pick: (m: Measurement) => number[]) => (percentile(pick(last), 95) / percentile(pick(first), 95)).toFixed(2);
      log(
        `p95 growth ${first.grid.label} → ${last.grid.label} (10 km route): SQL ×${factor((m) => m.sql)}, HTTP ×${factor((m) => m.http)}`,
      );
    }
  }
  log("\nTargets (from the issue, for reference — not enforced):");
  for (const target of TARGETS) log(`  - ${target}`);
}

/** knex puts the whole SQL into the message: keep only the database's own message. */
function shortMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const sqlEnd = error.message.lastIndexOf("\n - ");
  const message =
    error.message.length <= 1_500 ? error.message : sqlEnd >= 0 ? `SQL-Fehler: ${error.message.slice(sqlEnd + 4)}` : `… ${error.message.slice(-600)}`;
  return message;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const message = shortMessage(error);
  const stack = (error.stack ?? "").split("\n").filter((l) => l.trimStart().startsWith("at ")).slice(0, 6).join("\n");
  return `${message}\n${stack}`;
}

/** The HTTP part runs the built server: a build older than the sources measures old code. */
function warnIfBuildIsStale(): void {
  const build = path.join(ROOT, "build/index.js");
  if (!existsSync(build)) return; // startPortal() explains
  const built = statSync(build).mtimeMs;
  const newer: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && statSync(file).mtimeMs > built) newer.push(path.relative(ROOT, file));
    }
  };
  for (const dir of ["app", "db"]) walk(path.join(ROOT, dir));
  if (newer.length > 0) {
    log(`⚠ build/ ist älter als ${newer.slice(0, 3).join(", ")}${newer.length > 3 ? ` (+${newer.length - 3})` : ""}: HTTP misst den alten Stand — vorher npm run build.`);
  }
}

// --- main ----------------------------------------------------------------------------------------

let args: BenchArgs | null;
try {
  args = parseBenchArgs(process.argv.slice(2), process.env);
} catch (error) {
  if (error instanceof ArgsError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  throw error;
}
if (!args) {
  console.log(USAGE);
  process.exit(0);
}

const grids = args.sizes.map(makeGrid);
warnIfBuildIsStale();
const generated: Generated[] = [];
const measurements: Measurement[] = [];
log(
  `Trassenprüfung-Benchmark: ${args.engines.join(", ")} · Größen ${grids.map((g) => g.label).join(", ")} · ` +
    `Iterationen ${args.iterations ?? "30/30/15"} (+${WARMUP} Aufwärmläufe)`,
);
try {
  for (const engine of args.engines) {
    for (const grid of grids) {
      const result = await benchSize(engine, grid, args);
      generated.push(result.generated);
      measurements.push(...result.measurements);
    }
  }
  printResults(args.engines, generated, measurements);
} catch (error) {
  if (!interrupted) console.error(`\nFehler: ${describeError(error)}`);
  await releaseAll();
  if (interrupted) process.exit(130);
  if (measurements.length > 0) printResults(args.engines, generated, measurements);
  process.exit(1);
}
await releaseAll();
