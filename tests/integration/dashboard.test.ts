import { beforeAll, describe, expect, it } from "vitest";
import { down as downDashboardMigration, up as upDashboardMigration } from "#db/migrations/0010_dashboard";
import { down as downFactsMigration, up as upFactsMigration } from "#db/migrations/0011_case_facts";
import { amendApplication, saveDraft } from "~/modules/applications/service.server";
import { KREIS_TO_GEMEINDE, ok, organisationId, principalFor, routeAlong, submittedApplication } from "~/modules/applications/test-fixtures.server";
import type { DraftRoute } from "~/modules/applications/schema";
import type { Principal } from "~/modules/auth/session.server";
import type { Dashboard } from "~/modules/dashboard/model";
import { defaultRange, loadDashboard, percentileCont, publicStatistics, type PublicStatistics } from "~/modules/dashboard/service.server";
import { decideCase } from "~/modules/review/actions.server";
import { sweepDeadlines } from "~/modules/review/deadlines.server";
import { ManualClock } from "~/utils/clock";
import { useTestDatabase } from "../support/db";
import { givenUser } from "../support/fixtures";

/**
 * The state dashboard on a small, fully known history in the demo Kreis Auenwald (06999). Every
 * expected number below was worked out by hand from the history; the comments show the sums.
 *
 * Routes (lengths from the check report):
 * - R1 = K 142 + Pfarrgasse: a Kreis case (3425.9 m in Lindenhain 06999004), a Lindenhain case
 *   (187.5 m in 06999004) and a Hessen Mobil case for crossing the B 275 (0 m, in 06999004);
 * - R2 = K 142 across two Gemeinden: one Kreis case, 1961.8 m in Lindenhain 06999004 and 1617.7 m
 *   in Wiesental 06999005 (3579.5 m);
 * - R3 = a street in Auenstadt: one Stadt Auenstadt case, 360.1 m in 06999001.
 *
 * History (Berlin time; "days" = calendar days from receipt to decision; deadline = 3 months, § 127 TKG):
 * - P1 (R2) filed 2025-09-01, Kreis approves 2025-10-01 (30 days, in time)
 * - P2 (R3) filed 2025-11-03, Auenstadt rejects 2025-12-15 (42 days, in time)
 * - C  (R3) filed 2025-12-10, Auenstadt approves 2026-01-20 (41 days, in time)
 * - D  (R3) filed 2026-01-05, due 2026-04-07 (5 April is Easter Sunday, 6 April Easter Monday),
 *   deemed approved by the deadline job on 2026-04-08 (93 days)
 * - A  (R1) filed 2026-01-12, Kreis approves 2026-02-11 (30 days); Lindenhain approves at 00:30 on
 *   2026-03-13 (60 days by the Berlin calendar — 59 in UTC); Hessen Mobil never decides: its case
 *   (due 2026-04-13, after the one run of the deadline job) is open and overdue at 2026-06-30
 * - B  (R2) filed 2026-02-02, due 2026-05-04, Kreis rejects late on 2026-05-20 (107 days)
 * - O  (R1) filed 2026-03-02, amended to R2 on 2026-03-09: the Lindenhain and Hessen Mobil cases are
 *   withdrawn, the Kreis case stays open with its deadline 2026-06-02 — overdue at 2026-06-30
 * - E  (R3) filed 2026-04-01, due 2026-07-01, approved at 00:30 on 2026-07-01 (22:30 UTC on 30 June)
 * - N  (R3) filed 2026-06-15, open (due 2026-09-15)
 * - L  (R3) filed 2026-07-10, open
 *
 * The range of most checks is 2026-01-01 … 2026-06-30 (181 days); the previous range is then
 * 2025-07-04 … 2025-12-31 (the 181 days before).
 */
const db = useTestDatabase();
const knex = () => db.current.knex;

let operator: Principal;
let kreisClerk: Principal;
let auenstadtClerk: Principal;
let lindenhainClerk: Principal;
let analyst: Principal;
let platformAdmin: Principal;
let ids: { kreis: string; lindenhain: string; auenstadt: string; hessenMobil: string };
const apps: Record<string, { id: string; title: string; cases: Record<string, string> }> = {};

const RANGE = { from: "2026-01-01", to: "2026-06-30" };
const R3_ROADS = [{ roads: ["auenstadt-str-08-001", "auenstadt-str-08-002", "auenstadt-str-08-003"] }];
const R2_ROADS = [{ roads: Array.from({ length: 11 }, (_, i) => `k142-0${20 + i}`) }];

async function submit(key: string, route: DraftRoute, at: string): Promise<void> {
  const title = `Dashboard ${key}`;
  const { id, cases } = await submittedApplication(knex(), operator, { title, route, draft: { reference: `DB-${key}` }, clock: new ManualClock(at) });
  apps[key] = { id, title, cases: Object.fromEntries(cases.map((c) => [c.authority.id, c.caseId])) };
}

async function decide(principal: Principal, key: string, decision: "approve" | "reject", at: string): Promise<void> {
  const caseId = apps[key]!.cases[principal.organisation.id]!;
  const { version } = await knex()("cases").where({ id: caseId }).first("version");
  const reasons = decision === "reject" ? "Die Trasse liegt im Wurzelbereich geschützter Bäume." : undefined;
  ok(await decideCase(knex(), principal, caseId, { expectedVersion: version, decision, reasons }, { clock: new ManualClock(at) }));
}

async function dueOn(key: string, authorityId: string): Promise<string | null> {
  return (await knex()("cases").where({ id: apps[key]!.cases[authorityId] }).first(knex().raw("decision_due_on::text AS due"))).due;
}

const dashboard = async (input: unknown, principal = analyst): Promise<Dashboard> => ok(await loadDashboard(knex(), principal, input, { clock: new ManualClock("2026-11-21T12:00:00+01:00") }));

beforeAll(async () => {
  const k = knex();
  operator = await principalFor(k, "betreiber@demo.test");
  kreisClerk = await principalFor(k, "kreis@demo.test");
  auenstadtClerk = await principalFor(k, "gemeinde@demo.test");
  analyst = await principalFor(k, "landesebene@demo.test");
  platformAdmin = await principalFor(k, "admin@demo.test");
  ids = {
    kreis: await organisationId(k, "kreis-auenwald"),
    lindenhain: await organisationId(k, "gemeinde-lindenhain"),
    auenstadt: await organisationId(k, "stadt-auenstadt"),
    hessenMobil: await organisationId(k, "hessen-mobil"),
  };
  lindenhainClerk = await principalFor(k, (await givenUser(k, ids.lindenhain, "authority_clerk")).email);
  const r1 = await routeAlong(k, KREIS_TO_GEMEINDE);
  const r2 = await routeAlong(k, R2_ROADS);
  const r3 = await routeAlong(k, R3_ROADS);

  // in the order it happened: the deadline job deems every case then overdue
  await submit("P1", r2, "2025-09-01T10:00:00+02:00");
  await decide(kreisClerk, "P1", "approve", "2025-10-01T10:00:00+02:00");
  await submit("P2", r3, "2025-11-03T10:00:00+01:00");
  await submit("C", r3, "2025-12-10T10:00:00+01:00");
  await decide(auenstadtClerk, "P2", "reject", "2025-12-15T10:00:00+01:00");
  await submit("D", r3, "2026-01-05T10:00:00+01:00");
  await submit("A", r1, "2026-01-12T10:00:00+01:00");
  await decide(auenstadtClerk, "C", "approve", "2026-01-20T10:00:00+01:00");
  await submit("B", r2, "2026-02-02T10:00:00+01:00");
  await decide(kreisClerk, "A", "approve", "2026-02-11T10:00:00+01:00");
  await submit("O", r1, "2026-03-02T10:00:00+01:00");
  // the amendment moves O to R2: Lindenhain and Hessen Mobil are no longer touched, the Kreis case stays open
  const o = await knex()("applications").where({ id: apps.O!.id }).first("version");
  const resaved = ok(await saveDraft(k, operator, apps.O!.id, { expectedVersion: o.version, route: r2 }));
  ok(await amendApplication(k, operator, apps.O!.id, { expectedVersion: resaved.version, reason: "Trasse verlegt" }, { clock: new ManualClock("2026-03-09T10:00:00+01:00") }));
  await decide(lindenhainClerk, "A", "approve", "2026-03-13T00:30:00+01:00");
  await submit("E", r3, "2026-04-01T10:00:00+02:00");
  const swept = await k.transaction((trx) => sweepDeadlines(trx, new ManualClock("2026-04-08T08:00:00+02:00")));
  expect(swept.deemedApproved).toBe(1);
  await decide(kreisClerk, "B", "reject", "2026-05-20T10:00:00+02:00");
  await submit("N", r3, "2026-06-15T10:00:00+02:00");
  await decide(auenstadtClerk, "E", "approve", "2026-07-01T00:30:00+02:00");
  await submit("L", r3, "2026-07-10T10:00:00+02:00");

  // Coverage: two imports and completion notices (households and gigabit households given as numbers)
  const [older, first, second] = await k("coverage_import_runs")
    .insert(
      ["2020-12-31", "2025-06-30", "2026-03-31"].map((asOf, i) => ({
        kind: "breitbandatlas",
        source: "breitbandatlas",
        dataset: "Breitbandatlas (Test)",
        attribution: "Test",
        audience: "households",
        file_name: `test-${i}.csv`,
        sha256: String(i).repeat(64),
        size_bytes: 100,
        as_of: asOf,
        status: "imported",
        imported_by: "test:dashboard",
        started_at: new Date(),
      })),
    )
    .returning("id");
  const observation = (run: { id: string }, line: number, ags: string, asOf: string, households: number, gigabit: number | null) => ({
    ags,
    as_of: asOf,
    audience: "households",
    source: "breitbandatlas",
    import_run_id: run.id,
    source_line: line,
    percentages: JSON.stringify({}),
    gigabit_ftth_pct: gigabit === null ? null : (100 * gigabit) / households,
    households,
    households_gigabit_ftth: gigabit,
    households_method: "admin_areas",
    households_basis: JSON.stringify({ table: "admin_areas" }),
  });
  await k("coverage_observations").insert([
    observation(older, 2, "06999001", "2020-12-31", 24000, 1000), // before the 5 years of the series
    observation(first, 2, "06999001", "2025-06-30", 25000, 5000),
    observation(first, 3, "06999002", "2025-06-30", 1800, null), // no gigabit figure: counted nowhere
    observation(first, 4, "06999004", "2025-06-30", 7000, 700),
    observation(first, 5, "06999005", "2025-06-30", 4000, 400),
    observation(second, 2, "06999001", "2026-03-31", 25000, 7500),
    observation(second, 3, "06999004", "2026-03-31", 7000, 1400),
  ]);
  const event = (key: string, ags: string, occurredOn: string, homes: number) => ({
    kind: "completion",
    application_id: apps[key]!.id,
    ags,
    occurred_on: occurredOn,
    homes_passed: homes,
    homes_passed_reported: homes,
    allocation: "route_length",
    route_length_m: 100,
    route_share: 1,
  });
  await k("coverage_events").insert([
    event("P1", "06999004", "2026-02-15", 300), // before the second import of 06999004: replaced by it
    event("C", "06999001", "2026-03-31", 50), // on the import's date: in the statistics already
    event("A", "06999005", "2026-04-20", 100),
    event("B", "06999004", "2026-05-10", 6000), // 1400 + 6000 > 7000 households: capped
    event("D", "06999004", "2026-08-01", 10), // after the range
  ]);
}, 600_000);

describe("the history", () => {
  it("has the deadlines and areas the expected numbers are based on", async () => {
    expect(await dueOn("D", ids.auenstadt)).toBe("2026-04-07");
    expect(await dueOn("B", ids.kreis)).toBe("2026-05-04");
    expect(await dueOn("O", ids.kreis)).toBe("2026-06-02");
    expect(await dueOn("E", ids.auenstadt)).toBe("2026-07-01");
    const statuses = await knex()("cases").whereIn("application_id", Object.values(apps).map((a) => a.id)).select("application_id", "authority_id", "status");
    const statusOf = (key: string, authority: string) => statuses.find((s) => s.application_id === apps[key]!.id && s.authority_id === authority)?.status;
    expect(statusOf("D", ids.auenstadt)).toBe("deemed_approved");
    expect(statusOf("O", ids.kreis)).toBe("submitted");
    expect(statusOf("O", ids.lindenhain)).toBe("withdrawn");
    expect(statusOf("O", ids.hessenMobil)).toBe("withdrawn");
    expect(statusOf("A", ids.hessenMobil)).toBe("submitted");
    expect(await dueOn("A", ids.hessenMobil)).toBe("2026-04-13");

    // case_areas: written on submission, refreshed by the amendment
    const areasOf = async (key: string, authority: string) =>
      (await knex()("case_areas").where({ case_id: apps[key]!.cases[authority] }).orderBy("ags").select("ags", "length_m")).map((r) => [r.ags, r.length_m]);
    expect(await areasOf("A", ids.kreis)).toEqual([["06999004", 3425.9]]);
    expect(await areasOf("A", ids.lindenhain)).toEqual([["06999004", 187.5]]);
    expect(await areasOf("B", ids.kreis)).toEqual([["06999004", 1961.8], ["06999005", 1617.7]]);
    expect(await areasOf("O", ids.kreis)).toEqual([["06999004", 1961.8], ["06999005", 1617.7]]);
    expect(await areasOf("C", ids.auenstadt)).toEqual([["06999001", 360.1]]);
    // a case for a crossing only: the Gemeinde of the crossing point, 0 m
    expect(await areasOf("A", ids.hessenMobil)).toEqual([["06999004", 0]]);
  });

  it("keeps case_facts (one row per case and Land, Kreis and Gemeinde) in step with case_areas", async () => {
    const factsOf = async (key: string, authority: string) =>
      (await knex()("case_facts").where({ case_id: apps[key]!.cases[authority] }).orderBy(["grain", "ags"]).select("grain", "ags", "length_m")).map((r) => [
        r.grain,
        r.ags,
        r.length_m,
      ]);
    // R2: 1961.8 m in Lindenhain + 1617.7 m in Wiesental, both in the Kreis and in Hessen
    const r2 = [["gemeinde", "06999004", 1961.8], ["gemeinde", "06999005", 1617.7], ["kreis", "06999", 3579.5], ["land", "06", 3579.5]];
    expect(await factsOf("B", ids.kreis)).toEqual(r2);
    expect(await factsOf("O", ids.kreis)).toEqual(r2);
    expect(await factsOf("A", ids.lindenhain)).toEqual([["gemeinde", "06999004", 187.5], ["kreis", "06999", 187.5], ["land", "06", 187.5]]);
    // whoever writes case_areas: an update and a delete follow through (then rolled back)
    const caseId = apps.C!.cases[ids.auenstadt]!;
    class Rollback {
      constructor(readonly seen: unknown) {}
    }
    const seen = await knex()
      .transaction(async (trx) => {
        await trx("case_areas").where({ case_id: caseId }).update({ length_m: 100 });
        const updated = await trx("case_facts").where({ case_id: caseId }).orderBy("grain").select("grain", "length_m");
        await trx("case_areas").where({ case_id: caseId }).delete();
        const deleted = await trx("case_facts").where({ case_id: caseId }).select("ags");
        throw new Rollback({ updated, deleted });
      })
      .catch((error: unknown) => {
        if (error instanceof Rollback) return error.seen;
        throw error;
      });
    expect(seen).toEqual({
      updated: [
        { grain: "gemeinde", length_m: 100 },
        { grain: "kreis", length_m: 100 },
        { grain: "land", length_m: 100 },
      ],
      deleted: [],
    });
    expect(await factsOf("C", ids.auenstadt)).toEqual([["gemeinde", "06999001", 360.1], ["kreis", "06999", 360.1], ["land", "06", 360.1]]);
  });

  it("copies every case's figures into case_facts and the Berlin days into cases, after every step of the history", async () => {
    // what the triggers kept, against the same computed afresh from cases, case_areas and the first submissions
    const drift = await knex().raw(
      `WITH expected AS (
         SELECT g.grain, left(a.ags, g.digits) AS ags, c.id AS case_id, sum(a.length_m) AS length_m, c.application_id, c.authority_id, c.status,
                (c.received_at AT TIME ZONE 'Europe/Berlin')::date AS received_on, (c.decided_at AT TIME ZONE 'Europe/Berlin')::date AS decided_on,
                c.decision_due_on, (v.submitted_at AT TIME ZONE 'Europe/Berlin')::date AS filed_on
         FROM case_areas a
         JOIN cases c ON c.id = a.case_id
         JOIN application_versions v ON v.application_id = c.application_id AND v.version_no = 1
         CROSS JOIN (VALUES ('land', 2), ('kreis', 5), ('gemeinde', 8)) AS g(grain, digits)
         GROUP BY g.grain, left(a.ags, g.digits), c.id, v.submitted_at
       ), kept AS (
         SELECT grain, ags, case_id, length_m, application_id, authority_id, status, received_on, decided_on, decision_due_on, filed_on FROM case_facts
       )
       SELECT (SELECT count(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM kept) x)::int AS missing,
              (SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM expected) x)::int AS stale,
              (SELECT count(*) FROM kept)::int AS kept,
              (SELECT count(DISTINCT status) FROM kept)::int AS statuses,
              (SELECT count(*) FROM cases WHERE received_on <> (received_at AT TIME ZONE 'Europe/Berlin')::date
                 OR decided_on IS DISTINCT FROM (decided_at AT TIME ZONE 'Europe/Berlin')::date)::int AS wrong_days`,
    );
    // 17 Gemeinde rows + 14 Kreis rows + 14 Land rows; approved, rejected, deemed, submitted, withdrawn
    expect(drift.rows[0]).toEqual({ missing: 0, stale: 0, kept: 45, statuses: 5, wrong_days: 0 });
  });

  it("is backfilled by migrations 0010 and 0011 exactly as the submissions wrote it", async () => {
    const snapshot = async () => ({
      areas: await knex()("case_areas").orderBy(["case_id", "ags"]).select("case_id", "ags", "length_m"),
      facts: await knex()("case_facts").orderBy(["case_id", "grain", "ags"]).select("*"),
      days: await knex()("cases").orderBy("id").select("id", "received_on", "decided_on"),
    });
    const before = await snapshot();
    // P1 2, P2 1, C 1, D 1, A 3, B 2, O 4 (its withdrawn cases keep version 1's), E 1, N 1, L 1; one Kreis per case
    expect(before.areas.length).toBe(17);
    expect(before.facts.filter((f) => f.grain === "kreis").length).toBe(14);
    await downFactsMigration(knex());
    await downDashboardMigration(knex());
    await upDashboardMigration(knex());
    const kreise = await knex()("case_kreise").count({ n: "*" });
    await upFactsMigration(knex());
    expect(Number(kreise[0]!.n)).toBe(14);
    expect(await snapshot()).toEqual(before);
  });
});

describe("loadDashboard", () => {
  it("computes every KPI of the range and of the range before it", async () => {
    const d = await dashboard(RANGE);
    expect(d.filter).toEqual({ from: "2026-01-01", to: "2026-06-30", level: "kreis", area: null });
    expect(d.previous).toEqual({ from: "2025-07-04", to: "2025-12-31" });
    expect(d.path).toEqual([]);
    const k = d.kpis;
    // filed in the range: D, A, B, O, E, N (C was filed in December); before: P1, P2, C
    expect(k.applicationsFiled).toEqual({ value: 6, previous: 3 });
    // approved/rejected in the range: C, A (Kreis), A (Lindenhain), B; E on 1 July is outside. Before: P1, P2
    expect(k.casesDecided).toEqual({ value: 4, previous: 2 });
    expect(k.casesDeemed).toEqual({ value: 1, previous: 0 });
    // days 30, 41, 60, 93, 107: median 60; p90 = 93 + 0.6 × (107 − 93) = 101.4. Before: 30, 42 → 36 and 30 + 0.9 × 12 = 40.8
    expect(k.medianProcessingDays).toEqual({ value: 60, previous: 36 });
    expect(k.p90ProcessingDays.value).toBeCloseTo(101.4, 6);
    expect(k.p90ProcessingDays.previous).toBeCloseTo(40.8, 6);
    // in time: C, A (Kreis), A (Lindenhain); B late, D deemed → 3 / 5. Before: 2 / 2
    expect(k.decidedWithinDeadlineShare).toEqual({ value: 0.6, previous: 1 });
    // consented: C 360.1 + A 3425.9 + A 187.5 + D 360.1 = 4333.6 m. Before: P1 3579.5 m
    expect(k.kmConsented.value).toBeCloseTo(4.3336, 6);
    expect(k.kmConsented.previous).toBeCloseTo(3.5795, 6);
    // at 2026-06-30: 06999001 7500/25000, 06999004 min(1400 + 6000, 7000)/7000, 06999005 (400 + 100)/4000 → 15000/36000
    // at 2025-12-31: 5000 + 700 + 400 = 6100 of 36000
    expect(k.gigabitShare.value).toBeCloseTo(15000 / 36000, 9);
    expect(k.gigabitShare.previous).toBeCloseTo(6100 / 36000, 9);

    // 30 | 41, 60 | – | 93, 107 | –
    expect(d.processing).toEqual([
      { fromDays: 0, toDays: 30, cases: 1 },
      { fromDays: 31, toDays: 60, cases: 2 },
      { fromDays: 61, toDays: 90, cases: 0 },
      { fromDays: 91, toDays: 120, cases: 2 },
      { fromDays: 121, toDays: null, cases: 0 },
    ]);
  });

  it("gives the same figures for the previous range when asked for it directly", async () => {
    const d = await dashboard({ from: "2025-07-04", to: "2025-12-31" });
    expect(d.kpis).toMatchObject({
      applicationsFiled: { value: 3 },
      casesDecided: { value: 2 },
      casesDeemed: { value: 0 },
      medianProcessingDays: { value: 36 },
      decidedWithinDeadlineShare: { value: 1 },
      kmConsented: { value: 3.5795 },
    });
    expect(d.kpis.gigabitShare.value).toBeCloseTo(6100 / 36000, 9);
  });

  it("lists every month of the range, with zeros", async () => {
    const d = await dashboard(RANGE);
    expect(d.months).toEqual([
      { month: "2026-01", applicationsFiled: 2, casesDecided: 1, casesDeemed: 0 }, // filed D, A; decided C
      { month: "2026-02", applicationsFiled: 1, casesDecided: 1, casesDeemed: 0 }, // B; A (Kreis)
      { month: "2026-03", applicationsFiled: 1, casesDecided: 1, casesDeemed: 0 }, // O; A (Lindenhain)
      { month: "2026-04", applicationsFiled: 1, casesDecided: 0, casesDeemed: 1 }, // E; D deemed
      { month: "2026-05", applicationsFiled: 0, casesDecided: 1, casesDeemed: 0 }, // B rejected
      { month: "2026-06", applicationsFiled: 1, casesDecided: 0, casesDeemed: 0 }, // N
    ]);
    // a range from mid-month: the months it overlaps, counting only its days
    const part = await dashboard({ from: "2026-02-15", to: "2026-03-12" });
    expect(part.months).toEqual([
      { month: "2026-02", applicationsFiled: 0, casesDecided: 0, casesDeemed: 0 },
      { month: "2026-03", applicationsFiled: 1, casesDecided: 0, casesDeemed: 0 }, // O on 2 March; A (Lindenhain) on the 13th is outside
    ]);
  });

  it("shows the Kreis row with its cases and coverage", async () => {
    const d = await dashboard(RANGE);
    expect(d.areas).toEqual([
      {
        ags: "06999",
        name: "Landkreis Auenwald",
        level: "kreis",
        parentAgs: "06",
        households: 36000,
        gigabitHouseholds: 15000,
        gigabitShare: 15000 / 36000,
        coverageAsOf: "2026-05-10", // the last completion notice counted
        applicationsFiled: 6,
        casesDecided: 4,
        casesDeemed: 1,
        casesOpen: 4, // O (Kreis), A (Hessen Mobil), N, and E (decided after the range)
        casesOverdue: 2, // O (Kreis): due 2026-06-02; A (Hessen Mobil): due 2026-04-13
        medianProcessingDays: 60,
        kmConsented: 4.3336,
      },
    ]);
  });

  it("drills into the Kreis: its Gemeinden, each with the cases and the length inside it", async () => {
    const d = await dashboard({ ...RANGE, area: "06999" });
    expect(d.filter).toEqual({ ...RANGE, level: "gemeinde", area: "06999" });
    expect(d.path).toEqual([
      { ags: "06", name: "Hessen", level: "land" },
      { ags: "06999", name: "Landkreis Auenwald", level: "kreis" },
    ]);
    const row = (ags: string) => d.areas.find((a) => a.ags === ags)!;
    expect(d.areas.map((a) => a.ags)).toEqual(["06999001", "06999002", "06999003", "06999004", "06999005"]);
    // Auenstadt: filed D, E, N; decided C (41 days); deemed D (93 days) → median 67; open E, N; 360.1 m × 2
    expect(row("06999001")).toEqual({
      ags: "06999001",
      name: "Auenstadt",
      level: "gemeinde",
      parentAgs: "06999",
      households: 25000,
      gigabitHouseholds: 7500,
      gigabitShare: 0.3,
      coverageAsOf: "2026-03-31",
      applicationsFiled: 3,
      casesDecided: 1,
      casesDeemed: 1,
      casesOpen: 2,
      casesOverdue: 0,
      medianProcessingDays: 67,
      kmConsented: 0.7202,
    });
    // Erlengrund: no gigabit figure, no cases
    expect(row("06999002")).toMatchObject({ households: null, gigabitHouseholds: null, gigabitShare: null, coverageAsOf: null, applicationsFiled: 0, casesOpen: 0, medianProcessingDays: null, kmConsented: 0 });
    // Lindenhain: filed A, B, O; decided A (Kreis, 30), A (Lindenhain, 60), B (107) → median 60; open and
    // overdue O (Kreis) and A (Hessen Mobil); consented A: 3425.9 + 187.5 m; coverage capped at 7000 on 10 May
    expect(row("06999004")).toMatchObject({
      households: 7000,
      gigabitHouseholds: 7000,
      gigabitShare: 1,
      coverageAsOf: "2026-05-10",
      applicationsFiled: 3,
      casesDecided: 3,
      casesDeemed: 0,
      casesOpen: 2,
      casesOverdue: 2,
      medianProcessingDays: 60,
      kmConsented: 3.6134,
    });
    // Wiesental: filed B, O; decided B (107); open/overdue O; nothing consented (B was rejected)
    expect(row("06999005")).toMatchObject({
      households: 4000,
      gigabitHouseholds: 500,
      gigabitShare: 0.125,
      coverageAsOf: "2026-04-20",
      applicationsFiled: 2,
      casesDecided: 1,
      casesDeemed: 0,
      casesOpen: 1,
      casesOverdue: 1,
      medianProcessingDays: 107,
      kmConsented: 0,
    });
    // the KPIs of the Kreis are those of everywhere (all cases lie in it); a case in two Gemeinden counts once
    expect(d.kpis).toEqual((await dashboard(RANGE)).kpis);

    const land = await dashboard({ ...RANGE, area: "06", level: "gemeinde" });
    expect(land.path).toEqual([{ ags: "06", name: "Hessen", level: "land" }]);
    expect(land.areas).toHaveLength(5);
    expect((await dashboard({ ...RANGE, area: "06" })).areas.map((a) => a.ags)).toEqual(["06999"]);
  });

  it("lists the road authorities with their figures", async () => {
    const d = await dashboard(RANGE);
    expect(d.authorities.map((a) => a.name)).toEqual([
      "Gemeinde Lindenhain",
      "Hessen Mobil – Straßen- und Verkehrsmanagement (Demo)",
      "Kreisausschuss des Landkreises Auenwald",
      "Stadt Auenstadt",
    ]);
    const [lindenhain, hessenMobil, kreis, auenstadt] = d.authorities;
    // Hessen Mobil: A's crossing, open and overdue, nothing decided
    expect(hessenMobil).toMatchObject({ id: ids.hessenMobil, level: "land", casesOpen: 1, casesOverdue: 1, casesDecided: 0, casesDeemed: 0, medianProcessingDays: null, p90ProcessingDays: null, decidedWithinDeadlineShare: null });
    // Kreis: A (30 days, in time), B (107, late) decided; O open and overdue (P1 was decided before the range)
    expect(kreis).toMatchObject({ id: ids.kreis, level: "kreis", state: "HE", casesOpen: 1, casesOverdue: 1, casesDecided: 2, casesDeemed: 0, medianProcessingDays: 68.5, decidedWithinDeadlineShare: 0.5 });
    expect(kreis!.p90ProcessingDays).toBeCloseTo(30 + 0.9 * 77, 6);
    // Lindenhain: A (60 days, in time); its case of O was withdrawn
    expect(lindenhain).toEqual({
      id: ids.lindenhain,
      name: "Gemeinde Lindenhain",
      level: "gemeinde",
      state: "HE",
      casesOpen: 0,
      casesOverdue: 0,
      casesDecided: 1,
      casesDeemed: 0,
      medianProcessingDays: 60,
      p90ProcessingDays: 60,
      decidedWithinDeadlineShare: 1,
    });
    // Auenstadt: C (41, in time) decided, D (93) deemed = missed; E and N open at 30 June
    expect(auenstadt).toMatchObject({ casesOpen: 2, casesOverdue: 0, casesDecided: 1, casesDeemed: 1, medianProcessingDays: 67, decidedWithinDeadlineShare: 0.5 });
    expect(auenstadt!.p90ProcessingDays).toBeCloseTo(41 + 0.9 * 52, 6);
  });

  it("draws coverage over time: every import date and every month end with completions", async () => {
    const d = await dashboard(RANGE);
    // the import of 2020-12-31 lies more than 5 years before 2026-06-30; the notice of 2026-03-31 is in the import of that day
    expect(d.coverage.map((p) => [p.asOf, p.households, p.gigabitHouseholds])).toEqual([
      ["2025-06-30", 36000, 6100], // 5000 + 700 + 400
      ["2026-02-28", 36000, 6400], // + 300 in Lindenhain on 15 February
      ["2026-03-31", 36000, 9300], // new import: 7500 + 1400 + 400
      ["2026-04-30", 36000, 9400], // + 100 in Wiesental on 20 April
      ["2026-05-31", 36000, 15000], // + 6000 in Lindenhain on 10 May, capped at its 7000 households
    ]);
    expect(d.coverage[4]!.share).toBeCloseTo(15000 / 36000, 9);
    // a range ending mid-month: the last month end is the range's end
    const mid = await dashboard({ from: "2026-05-01", to: "2026-05-20" });
    expect(mid.coverage.at(-1)).toMatchObject({ asOf: "2026-05-20", gigabitHouseholds: 15000 });
  });

  it("defaults to the 12 full months before today (Berlin)", async () => {
    // 1 July 2026, 00:30 in Berlin is still 30 June in UTC
    const d = ok(await loadDashboard(knex(), analyst, {}, { clock: new ManualClock("2026-06-30T22:30:00Z") }));
    expect(d.filter).toEqual({ from: "2025-07-01", to: "2026-06-30", level: "kreis", area: null });
    expect(d.previous).toEqual({ from: "2024-07-01", to: "2025-06-30" });
    expect(d.months).toHaveLength(12);
    // filed P1, P2, C, D, A, B, O, E, N; decided P1, P2, C, A ×2, B; deemed D
    expect(d.kpis).toMatchObject({ applicationsFiled: { value: 9, previous: 0 }, casesDecided: { value: 6, previous: 0 }, casesDeemed: { value: 1, previous: 0 } });
    expect(defaultRange(undefined, "2026-03-31", "2026-11-21")).toEqual({ from: "2025-04-01", to: "2026-03-31" });
    expect(defaultRange("2026-03-01", undefined, "2026-11-21")).toEqual({ from: "2026-03-01", to: "2026-11-21" });
  });

  it("is for state staff and platform admins only", async () => {
    for (const principal of [operator, kreisClerk, auenstadtClerk]) {
      expect(await loadDashboard(knex(), principal, RANGE)).toMatchObject({ ok: false, error: { code: "forbidden" } });
    }
    expect((await dashboard(RANGE, platformAdmin)).kpis).toEqual((await dashboard(RANGE)).kpis);
  });

  it("answers a bad filter with field errors", async () => {
    const errorsOf = async (input: unknown) => {
      const result = await loadDashboard(knex(), analyst, input);
      if (result.ok || result.error.code !== "invalid") throw new Error(`expected invalid, got ${JSON.stringify(result)}`);
      return result.error.fieldErrors.map((e) => e.path);
    };
    expect(await errorsOf({ from: "2026-06-30", to: "2026-01-01" })).toEqual(["to"]);
    expect(await errorsOf({ ...RANGE, area: "6999" })).toEqual(["area"]);
    expect(await errorsOf({ ...RANGE, area: "06999001" })).toEqual(["area"]);
    expect(await errorsOf({ ...RANGE, area: "07" })).toEqual(["area"]); // well-formed, but not a known area
    expect(await errorsOf({ from: "2026-02-30", to: "2026-03-31" })).toEqual(["from"]);
    expect(await errorsOf({ ...RANGE, level: "land" })).toEqual(["level"]);
    expect(await errorsOf({ from: "2000-01-01", to: "2026-01-01" })).toEqual(["from"]);
    // empty form fields count as not given
    expect(await loadDashboard(knex(), analyst, { from: "", to: "", area: "" }, { clock: new ManualClock("2026-07-15T12:00:00+02:00") })).toMatchObject({
      ok: true,
      value: { filter: { from: "2025-07-01", to: "2026-06-30", area: null } },
    });
  });
});

describe("percentileCont", () => {
  it("computes from a histogram what PostgreSQL's percentile_cont computes from the values", async () => {
    const histogram = new Map([[3, 2], [10, 1], [11, 4], [40, 1], [120, 3]]);
    const values = [...histogram].flatMap(([v, n]) => Array.from({ length: n }, () => v));
    for (const p of [0, 0.1, 0.5, 0.9, 0.95, 1]) {
      const { rows } = await knex().raw("SELECT percentile_cont(?::float8) WITHIN GROUP (ORDER BY v) AS x FROM unnest(?::int[]) AS v", [p, values]);
      expect(percentileCont(histogram, p)).toBeCloseTo(Number(rows[0].x), 9);
    }
    expect(percentileCont(new Map(), 0.5)).toBeNull();
  });
});

describe("publicStatistics", () => {
  it("has the dashboard's KPIs, Kreis rows and months, and nothing about authorities or persons", async () => {
    const stats: PublicStatistics = ok(await publicStatistics(knex(), { ...RANGE, area: "06", level: "gemeinde" }));
    const d = await dashboard({ ...RANGE, area: "06" });
    expect(stats.filter).toEqual({ ...RANGE, area: "06" });
    expect(stats.kpis).toEqual(d.kpis);
    expect(stats.areas).toEqual(d.areas);
    expect(stats.areas.map((a) => a.level)).toEqual(["kreis"]);
    expect(stats.months).toEqual(d.months);
    expect(stats.processing).toEqual(d.processing);
    expect(stats.coverage).toEqual(d.coverage);
    expect(stats).not.toHaveProperty("authorities");

    const text = JSON.stringify(stats);
    const fileNumbers: string[] = await knex()("cases").whereIn("application_id", Object.values(apps).map((a) => a.id)).pluck("file_number");
    const organisations: string[] = await knex()("organisations").whereIn("id", [...Object.values(ids), operator.organisation.id]).pluck("name");
    for (const secret of [...fileNumbers, ...organisations, ...Object.values(apps).map((a) => a.title), "DB-A", kreisClerk.name, operator.name]) {
      expect(text).not.toContain(secret);
    }
    // a bad filter: field errors here too
    expect(await publicStatistics(knex(), { from: "2026-06-30", to: "2026-01-01" })).toMatchObject({ ok: false, error: { code: "invalid", fieldErrors: [{ path: "to" }] } });
  });
});
