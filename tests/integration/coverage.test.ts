import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { germanToday } from "~/modules/applications/schema";
import { createDraft, reportCompletion, reportWorksStarted } from "~/modules/applications/service.server";
import { KREIS_TO_GEMEINDE, principalFor, routeAlong, submittedApplication } from "~/modules/applications/test-fixtures.server";
import type { Principal } from "~/modules/auth/session.server";
import { listCoverageEvents, recordCompletionCoverage } from "~/modules/coverage/events.server";
import { PERSONS_PER_HOUSEHOLD } from "~/modules/coverage/households.server";
import { CoverageImportFailedError, CoverageImportInputError, importCoverageCsv, type CoverageImportSummary } from "~/modules/coverage/import.server";
import { gigabitHouseholds, gigabitSeries } from "~/modules/coverage/series.server";
import { ManualClock } from "~/utils/clock";
import { useTestDatabase } from "../support/db";

/**
 * Coverage data: the real Breitbandatlas and Destatis files of ../shared/data/stats, bad rows,
 * idempotent re-imports, an import the database refuses half-way, and completion notices that add
 * homes passed to their Gemeinden — traceable to the application.
 */
const db = useTestDatabase();
const knex = () => db.current.knex;

const STATS = path.resolve(import.meta.dirname, "../../../shared/data/stats");
const HOUSEHOLDS_FILE = "breitbandatlas_2021-06_gemeinden_privathaushalte_he_rp.csv";
const BUSINESSES_FILE = "breitbandatlas_2021-06_gemeinden_gewerbe_he_rp.csv";
const POPULATION_FILE = "destatis_gv_2020-12-31_gemeinden_he_rp.csv";
const haveStats = existsSync(path.join(STATS, HOUSEHOLDS_FILE)) && existsSync(path.join(STATS, POPULATION_FILE));
if (!haveStats) console.warn(`[coverage] ${STATS} not found: the tests on the real Breitbandatlas/Destatis files are skipped.`);

const HEADER = "AGS,alle Technologien ≥ 1000 Mbit/s,FTTH/B ≥ 400 Mbit/s,FTTH/B ≥ 1000 Mbit/s";
const csv = (...lines: string[]) => new TextEncoder().encode(`${lines.join("\r\n")}\r\n`);
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function observation(ags: string, asOf: string, audience = "households") {
  return knex()("coverage_observations")
    .where({ ags, as_of: asOf, audience })
    .first(
      knex().raw("gigabit_ftth_pct::float8 AS ftth"),
      knex().raw("gigabit_any_pct::float8 AS any"),
      "percentages",
      "households",
      "households_gigabit_ftth",
      "households_method",
      "households_basis",
      knex().raw("import_run_id::text AS run_id"),
      "source_line",
    );
}

async function run(id: string) {
  return knex()("coverage_import_runs")
    .where({ id })
    .first(
      "kind",
      "source",
      "audience",
      "file_name",
      "sha256",
      knex().raw("as_of::text AS as_of"),
      "status",
      "rows_total",
      "rows_loaded",
      "rows_inserted",
      "rows_updated",
      "rows_rejected",
      "errors",
      "failure",
      knex().raw("duplicate_of::text AS duplicate_of"),
      "imported_by",
    );
}

const countWhere = async (table: string, where: Record<string, string>) => Number((await knex()(table).where(where).count({ n: "*" }))[0]!.n);

describe.skipIf(!haveStats)("the real statistics of ../shared/data/stats", () => {
  let households: CoverageImportSummary;

  beforeAll(async () => {
    const bytes = new Uint8Array(readFileSync(path.join(STATS, HOUSEHOLDS_FILE)));
    households = await importCoverageCsv(knex(), { bytes, fileName: HOUSEHOLDS_FILE, asOf: "2021-06-30", actor: "test:coverage" });
  });

  it("imports the Breitbandatlas households file: Kaiserslautern 07312000 has 5.27 % FTTH/B ≥ 1000 Mbit/s", async () => {
    const bytes = new Uint8Array(readFileSync(path.join(STATS, HOUSEHOLDS_FILE)));
    expect(households).toMatchObject({
      status: "imported",
      kind: "breitbandatlas",
      audience: "households",
      source: "breitbandatlas",
      sha256: sha256(bytes),
      rowsTotal: 2759,
      rowsLoaded: 2759,
      rowsInserted: 2759,
      rowsUpdated: 0,
      rowsRejected: 0,
      errors: [],
      ignoredColumns: [],
    });
    const kaiserslautern = await observation("07312000", "2021-06-30");
    expect(kaiserslautern).toMatchObject({ ftth: 5.27, any: 89.89, source_line: 2101, run_id: households.runId });
    expect(kaiserslautern!.percentages["FTTH/B"]).toEqual({ "100": 5.27, "200": 5.27, "400": 5.27, "1000": 5.27 });
    expect(kaiserslautern!.percentages.CATV).toMatchObject({ "400": 92.33, "1000": 89.71 });
    expect(kaiserslautern!.percentages["alle Technologien"]["1000"]).toBe(89.89);
    expect(Object.keys(kaiserslautern!.percentages)).toEqual(expect.arrayContaining(["alle Technologien", "leitungsg. Technologien", "mobile Technologien", "DSL", "CATV", "FTTH/B"]));
    // more AGS, values read from the file by hand
    expect(await observation("06411000", "2021-06-30")).toMatchObject({ ftth: 2.99, any: 74.65, source_line: 2 });
    expect(await observation("07320000", "2021-06-30")).toMatchObject({ ftth: 1.56, any: 57.89 });
    expect(await run(households.runId!)).toMatchObject({
      kind: "breitbandatlas",
      audience: "households",
      file_name: HOUSEHOLDS_FILE,
      sha256: sha256(bytes),
      as_of: "2021-06-30",
      status: "imported",
      rows_total: 2759,
      rows_loaded: 2759,
      rows_rejected: 0,
      imported_by: "test:coverage",
    });
  });

  it("imports the Destatis population: Darmstadt 06411000 has 159,878 inhabitants; households are then estimated", async () => {
    // before: no household figures for Gemeinden outside the demo region
    expect(await observation("07312000", "2021-06-30")).toMatchObject({ households: null, households_gigabit_ftth: null, households_method: null });

    const bytes = new Uint8Array(readFileSync(path.join(STATS, POPULATION_FILE)));
    const population = await importCoverageCsv(knex(), { bytes, fileName: POPULATION_FILE, asOf: "2020-12-31", actor: "test:coverage" });
    expect(population).toMatchObject({ status: "imported", kind: "destatis-population", audience: null, rowsTotal: 2729, rowsLoaded: 2729, rowsRejected: 0 });
    expect(population.ignoredColumns).toEqual(["ars", "kreis_name", "verband_name", "area_km2", "population_m", "population_w", "density_per_km2", "plz", "lon", "lat", "urbanisation"]);
    const darmstadt = await knex()("population_observations").where({ ags: "06411000", as_of: "2020-12-31" }).first("population", "name", "source");
    expect(darmstadt).toEqual({ population: 159878, name: "Darmstadt, Wissenschaftsstadt", source: "destatis-gv" });
    const [{ he, rp }] = (await knex().raw(`SELECT sum(population) FILTER (WHERE ags LIKE '06%')::int AS he, sum(population) FILTER (WHERE ags LIKE '07%')::int AS rp FROM population_observations WHERE as_of = '2020-12-31'`)).rows;
    expect({ he, rp }).toEqual({ he: 6_288_080, rp: 4_093_903 });

    // every households observation with a population row was estimated, in the same transaction
    expect(population.households!.byMethod.estimate).toBeGreaterThan(2700);
    const kaiserslautern = await observation("07312000", "2021-06-30");
    const estimated = Math.round(100030 / PERSONS_PER_HOUSEHOLD["07"]); // 47,861
    expect(kaiserslautern).toMatchObject({ households: estimated, households_gigabit_ftth: Math.round((estimated * 5.27) / 100), households_method: "estimate" });
    expect(kaiserslautern!.households_basis).toMatchObject({ estimate: true, population: 100030, populationAsOf: "2020-12-31", personsPerHousehold: 2.09, populationSource: "destatis-gv" });

    const result = await gigabitHouseholds(knex(), "07312000", "2021-12-31");
    expect(result).toMatchObject({ households: 47861, gigabitHouseholds: 2522, completions: [], capped: false });
    expect(result.share).toBeCloseTo(0.0527, 4);
    expect(result.observation!.source).toMatchObject({ fileName: HOUSEHOLDS_FILE, sha256: sha256(new Uint8Array(readFileSync(path.join(STATS, HOUSEHOLDS_FILE)))), importRunId: households.runId });
    // before the observation there is nothing to say
    expect(await gigabitHouseholds(knex(), "07312000", "2021-06-29")).toMatchObject({ observation: null, gigabitHouseholds: null });
  });

  it("imports the businesses file under its own audience, without households", async () => {
    const bytes = new Uint8Array(readFileSync(path.join(STATS, BUSINESSES_FILE)));
    const summary = await importCoverageCsv(knex(), { bytes, fileName: BUSINESSES_FILE, asOf: "2021-06-30", actor: "test:coverage" });
    expect(summary).toMatchObject({ status: "imported", audience: "businesses", rowsTotal: 2718, rowsLoaded: 2718, rowsRejected: 0, households: null });
    // the businesses file has no "alle Technologien" group
    expect(await observation("07312000", "2021-06-30", "businesses")).toMatchObject({ ftth: 16.12, any: null, households: null });
    expect(await observation("07312000", "2021-06-30", "households")).toMatchObject({ ftth: 5.27 });
  });

  it("re-importing the same file changes nothing", async () => {
    const bytes = new Uint8Array(readFileSync(path.join(STATS, HOUSEHOLDS_FILE)));
    const before = await countWhere("coverage_observations", { as_of: "2021-06-30", audience: "households" });
    const again = await importCoverageCsv(knex(), { bytes, fileName: "copy.csv", asOf: "2021-06-30", audience: "households", actor: "test:coverage" });
    expect(again).toMatchObject({ status: "already_imported", duplicateOf: households.runId, rowsLoaded: 0, rowsTotal: 2759 });
    expect(await countWhere("coverage_observations", { as_of: "2021-06-30", audience: "households" })).toBe(before);
    expect(await observation("07312000", "2021-06-30")).toMatchObject({ run_id: households.runId, households: 47861 });
    expect(await run(again.runId!)).toMatchObject({ status: "already_imported", duplicate_of: households.runId, rows_loaded: 0 });
  });
});

describe("importing a file", () => {
  it("reports bad rows with their line numbers and loads the good ones", async () => {
    const bytes = csv(
      HEADER,
      "06999001,90.5,12.5,12.5", // 2
      "0699900X,1,2,3", // 3: bad AGS
      "06999002,80,100,120", // 4: 120 %
      "06999003,70,5", // 5: a column missing
      "06999004,60;5,10,10", // 6: "60;5" is no number
      '06999005,"55,5","7,25","7,25"', // 7: decimal commas
    );
    const summary = await importCoverageCsv(knex(), { bytes, fileName: "auenwald_privathaushalte.csv", asOf: "2019-12-31", actor: "test:coverage" });
    expect(summary).toMatchObject({ status: "imported", audience: "households", rowsTotal: 6, rowsLoaded: 2, rowsRejected: 4 });
    expect(summary.errors).toEqual([
      { line: 3, column: "AGS", value: "0699900X", message: "Der AGS „0699900X“ ist keine Ziffernfolge." },
      { line: 4, column: "FTTH/B ≥ 1000 Mbit/s", value: "120", message: "120 liegt nicht zwischen 0 und 100 %." },
      { line: 5, message: "Es fehlen Spalten: 3 statt 4 Werte." },
      { line: 6, column: "alle Technologien ≥ 1000 Mbit/s", value: "60;5", message: "„60;5“ ist keine Prozentzahl." },
    ]);
    expect((await run(summary.runId!))!.errors).toEqual(summary.errors);
    expect(await knex()("coverage_observations").where({ as_of: "2019-12-31" }).orderBy("ags").pluck("ags")).toEqual(["06999001", "06999005"]);
    // the demo Gemeinden have households in admin_areas: they are taken from there
    expect(await observation("06999005", "2019-12-31")).toMatchObject({ ftth: 7.25, any: 55.5, households: 4373, households_gigabit_ftth: 317, households_method: "admin_areas" });
  });

  it("is idempotent: the same file is 'already imported', a corrected one updates in place", async () => {
    const first = csv(HEADER, "06999001,50,10,10", "06999002,40,20,20");
    const one = await importCoverageCsv(knex(), { bytes: first, fileName: "v1_privathaushalte.csv", asOf: "2020-06-30", actor: "test:coverage" });
    expect(one).toMatchObject({ status: "imported", rowsInserted: 2, rowsUpdated: 0 });
    const two = await importCoverageCsv(knex(), { bytes: first, fileName: "v1_privathaushalte.csv", asOf: "2020-06-30", actor: "test:coverage" });
    expect(two).toMatchObject({ status: "already_imported", duplicateOf: one.runId, rowsLoaded: 0 });
    // the same file for another date is another observation
    const otherDate = await importCoverageCsv(knex(), { bytes: first, fileName: "v1_privathaushalte.csv", asOf: "2020-07-31", actor: "test:coverage" });
    expect(otherDate).toMatchObject({ status: "imported", rowsInserted: 2 });

    const corrected = csv(HEADER, "06999001,50,11,11", "06999002,40,20,20", "06999003,30,3,3");
    const three = await importCoverageCsv(knex(), { bytes: corrected, fileName: "v2_privathaushalte.csv", asOf: "2020-06-30", actor: "test:coverage" });
    expect(three).toMatchObject({ status: "imported", rowsLoaded: 3, rowsInserted: 1, rowsUpdated: 2 });
    expect(await countWhere("coverage_observations", { as_of: "2020-06-30" })).toBe(3);
    expect(await observation("06999001", "2020-06-30")).toMatchObject({ ftth: 11, run_id: three.runId, households: 25911, households_gigabit_ftth: 2850 });
    // going back to the first file is a change again, not "already imported"
    const back = await importCoverageCsv(knex(), { bytes: first, fileName: "v1_privathaushalte.csv", asOf: "2020-06-30", actor: "test:coverage" });
    expect(back).toMatchObject({ status: "imported", rowsUpdated: 2 });
    expect(await observation("06999001", "2020-06-30")).toMatchObject({ ftth: 10, run_id: back.runId });
  });

  it("judges the as-of date by the clock it is given, and stamps the run with its time", async () => {
    const bytes = csv(HEADER, "06999001,50,12,12");
    const input = { bytes, fileName: "uhr_privathaushalte.csv", asOf: "2018-06-30", actor: "test:coverage" };
    const clock = new ManualClock("2018-06-29T21:30:00Z"); // 23:30 in Berlin: the day before the as-of date
    await expect(importCoverageCsv(knex(), input, { clock })).rejects.toThrow(new CoverageImportInputError("Der Stichtag liegt in der Zukunft."));
    clock.set("2018-06-29T22:30:00Z"); // 00:30 on the as-of date in Berlin
    const summary = await importCoverageCsv(knex(), input, { clock });
    expect(summary).toMatchObject({ status: "imported", rowsLoaded: 1 });
    expect(await knex()("coverage_import_runs").where({ id: summary.runId }).first("started_at", "imported_at")).toEqual({ started_at: clock.now(), imported_at: clock.now() });
    // without a clock, the real date counts
    await expect(importCoverageCsv(knex(), { ...input, asOf: "2999-01-01" })).rejects.toThrow("Der Stichtag liegt in der Zukunft.");
  });

  it("rejects a file it cannot read, or whose audience it cannot tell, and writes nothing", async () => {
    const runsBefore = await countWhere("coverage_import_runs", {});
    const unknown = await importCoverageCsv(knex(), { bytes: csv("id,wert", "1,2"), fileName: "x.csv", asOf: "2020-06-30", actor: "test:coverage" });
    expect(unknown).toMatchObject({ status: "rejected", runId: null, errors: [{ line: 1, message: expect.stringContaining("nicht erkannt") }] });
    const noAudience = await importCoverageCsv(knex(), { bytes: csv(HEADER, "06999001,1,1,1"), fileName: "export.csv", asOf: "2020-06-30", actor: "test:coverage" });
    expect(noAudience).toMatchObject({ status: "rejected", kind: "breitbandatlas", errors: [{ line: 1, message: expect.stringContaining("--audience") }] });
    expect(await countWhere("coverage_import_runs", {})).toBe(runsBefore);
  });

  it("writes nothing when the database refuses a row half-way, and logs the failed attempt", async () => {
    // 1,200 rows: three insert batches; a trigger refuses a row in the third
    const lines = [HEADER];
    for (let i = 0; i < 1200; i++) lines.push(`07${String(100000 + i).padStart(6, "0")},50,${(i % 100).toFixed(2)},${(i % 100).toFixed(2)}`);
    const bytes = csv(...lines);
    await knex().raw(`CREATE FUNCTION coverage_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.ags = '07101100' THEN RAISE EXCEPTION 'test: row refused'; END IF;
        RETURN NEW;
      END
      $$`);
    await knex().raw("CREATE TRIGGER coverage_test_refuse BEFORE INSERT ON coverage_observations FOR EACH ROW EXECUTE FUNCTION coverage_test_refuse()");
    let failure: unknown;
    try {
      await importCoverageCsv(knex(), { bytes, fileName: "gross_privathaushalte.csv", asOf: "2018-12-31", actor: "test:coverage" });
    } catch (error) {
      failure = error;
    } finally {
      await knex().raw("DROP TRIGGER coverage_test_refuse ON coverage_observations");
      await knex().raw("DROP FUNCTION coverage_test_refuse()");
    }
    expect(failure).toBeInstanceOf(CoverageImportFailedError);
    expect((failure as Error).message).toMatch(/test: row refused/);
    expect(await countWhere("coverage_observations", { as_of: "2018-12-31" })).toBe(0);
    const failedRun = await run((failure as CoverageImportFailedError).runId!);
    expect(failedRun).toMatchObject({ status: "failed", rows_total: 1200, rows_loaded: 0, failure: "test: row refused" });
    expect(await countWhere("coverage_import_runs", { as_of: "2018-12-31", status: "imported" })).toBe(0);

    // the failed attempt does not count as "already imported": the retry loads everything
    const retry = await importCoverageCsv(knex(), { bytes, fileName: "gross_privathaushalte.csv", asOf: "2018-12-31", actor: "test:coverage" });
    expect(retry).toMatchObject({ status: "imported", rowsLoaded: 1200 });
  });
});

describe("completion notices", () => {
  let operator: Principal;
  const today = germanToday();
  /** Wiesental → Lindenhain along the K 142: crosses the Gemeinde boundary */
  const ACROSS = [{ roads: Array.from({ length: 11 }, (_, i) => `k142-0${20 + i}`) }];

  beforeAll(async () => {
    operator = await principalFor(knex(), "betreiber@demo.test");
    // the baseline: 10 % FTTH/B gigabit in Lindenhain and Wiesental, mid-2021
    const summary = await importCoverageCsv(knex(), {
      bytes: csv(HEADER, "06999004,60,10,10", "06999005,60,10,10"),
      fileName: "auenwald_2021_privathaushalte.csv",
      asOf: "2021-06-30",
      actor: "test:coverage",
    });
    expect(summary.status).toBe("imported");
  });

  async function rowVersion(id: string): Promise<number> {
    return (await knex()("applications").where({ id }).first("version")).version;
  }

  /** Drafts, submits, gets consent for, starts and completes an application today. */
  async function completedApplication(title: string, sections: typeof ACROSS, homesPassed: number): Promise<string> {
    const { id } = await submittedApplication(knex(), operator, { title, route: await routeAlong(knex(), sections) });
    await knex()("cases").where({ application_id: id }).update({ status: "approved" });
    const started = await reportWorksStarted(knex(), operator, id, { expectedVersion: await rowVersion(id), date: today });
    if (!started.ok) throw new Error(started.error.message);
    const done = await reportCompletion(knex(), operator, id, { expectedVersion: await rowVersion(id), date: today, homesPassed, asBuilt: "as_planned" });
    if (!done.ok) throw new Error(done.error.message);
    return id;
  }

  it("adds homes passed to the Gemeinden of the as-built route, split by route length, traceable to the application", async () => {
    const id = await completedApplication("FTTH K 142 Wiesental–Lindenhain", ACROSS, 100);

    // the split, checked against PostGIS on its own
    const { rows: lengths } = await knex().raw(
      `SELECT g.ags, ST_Length(ST_Intersection(g.geom, a.as_built_route)) AS m
       FROM applications a JOIN admin_areas g ON g.level = 'gemeinde' AND ST_Intersects(g.geom, a.as_built_route)
       WHERE a.id = ? ORDER BY g.ags`,
      [id],
    );
    expect(lengths.map((r: { ags: string }) => r.ags)).toEqual(["06999004", "06999005"]);
    const total = lengths.reduce((sum: number, r: { m: number }) => sum + Number(r.m), 0);
    const lindenhainHomes = Math.round((100 * Number(lengths[0].m)) / total);

    const events = await listCoverageEvents(knex(), { applicationId: id });
    expect(events.map((e) => [e.ags, e.homesPassed, e.occurredOn, e.allocation, e.homesPassedReported])).toEqual([
      ["06999004", lindenhainHomes, today, "route_length", 100],
      ["06999005", 100 - lindenhainHomes, today, "route_length", 100],
    ]);
    expect(events[0]).toMatchObject({ applicationId: id, applicationTitle: "FTTH K 142 Wiesental–Lindenhain", gemeindeName: "Lindenhain" });
    expect(events[0]!.routeShare + events[1]!.routeShare).toBeCloseTo(1, 9);
    expect(lindenhainHomes).toBeGreaterThan(0);
    expect(lindenhainHomes).toBeLessThan(100);
    const recorded = await knex()("coverage_events").where({ application_id: id }).pluck("recorded_by");
    expect(recorded).toEqual([operator.userId, operator.userId]);

    // Lindenhain: 6,949 households (admin_areas), 10 % → 695, plus its part of the homes
    const now = await gigabitHouseholds(knex(), "06999004", today);
    expect(now).toMatchObject({ households: 6949, gigabitHouseholds: 695 + lindenhainHomes, completionHomes: lindenhainHomes, capped: false });
    expect(now.observation).toMatchObject({ asOf: "2021-06-30", householdsGigabit: 695, householdsMethod: "admin_areas", source: { fileName: "auenwald_2021_privathaushalte.csv" } });
    expect(now.completions.map((e) => [e.applicationId, e.homesPassed])).toEqual([[id, lindenhainHomes]]);
    // on the observation's date the completion is not there yet
    expect(await gigabitHouseholds(knex(), "06999004", "2021-06-30")).toMatchObject({ gigabitHouseholds: 695, completions: [] });

    const series = await gigabitSeries(knex(), "06999005");
    expect(series.map((p) => [p.date, p.gigabitHouseholds, p.cause.type])).toEqual([
      ["2019-12-31", 317, "observation"], // from the bad-rows test above
      ["2021-06-30", 437, "observation"],
      [today, 437 + (100 - lindenhainHomes), "completions"],
    ]);
    const cause = series[2]!.cause;
    expect(cause.type === "completions" && cause.events.map((e) => e.applicationId)).toEqual([id]);
  });

  it("caps the count at the Gemeinde's households", async () => {
    const id = await completedApplication("FTTH Lindenhain Nord", KREIS_TO_GEMEINDE, 7000);
    const events = await listCoverageEvents(knex(), { applicationId: id });
    expect(events.map((e) => [e.ags, e.homesPassed, e.routeShare])).toEqual([["06999004", 7000, 1]]);
    const now = await gigabitHouseholds(knex(), "06999004", today);
    expect(now).toMatchObject({ households: 6949, gigabitHouseholds: 6949, share: 1, capped: true });
    expect(now.completions).toHaveLength(2);
    expect(now.completionHomes).toBeGreaterThan(7000);
  });

  it("keeps homes of a route outside every known Gemeinde as 'unlocated', and records nothing for no homes", async () => {
    const created = await createDraft(knex(), operator, { title: "Außerhalb" });
    if (!created.ok) throw new Error(created.error.message);
    const id = created.value.id;
    await knex()("applications")
      .where({ id })
      .update({ as_built_route: knex().raw("ST_Multi(ST_GeomFromText('LINESTRING(400000 5500000, 400500 5500000)', 25832))") });
    await knex().transaction(async (trx) => {
      expect(await recordCompletionCoverage(trx, { applicationId: id, completedOn: today, homesPassed: 0, recordedBy: operator.userId, recordedAt: new Date() })).toEqual([]);
      expect(await trx("coverage_events").where({ application_id: id })).toHaveLength(0);
      await recordCompletionCoverage(trx, { applicationId: id, completedOn: today, homesPassed: 12, recordedBy: operator.userId, recordedAt: new Date() });
    });
    const events = await listCoverageEvents(knex(), { applicationId: id });
    expect(events.map((e) => [e.ags, e.homesPassed, e.allocation, Math.round(e.routeLengthM), e.routeShare])).toEqual([[null, 12, "unlocated", 500, 1]]);
  });
});
