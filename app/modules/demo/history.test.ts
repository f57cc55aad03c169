import { beforeAll, describe, expect, it } from "vitest";
import { CASE_STATUSES } from "~/modules/applications/schema";
import { addDays, berlinDate } from "~/modules/deadlines/calendar";
import { useTestDatabase } from "../../../tests/support/db";
import { coverageDates, DEMO_DATASET, HISTORY_MARKER_KEY, seedDemoHistory, type DemoHistoryReport } from "./history.server";

/**
 * The demo history on a copy of the demo-seeded test template (which has no history of its own):
 * two years of applications replayed through the domain functions, and coverage imports.
 */
const db = useTestDatabase();
const knex = () => db.current.knex;

const now = new Date();
const today = berlinDate(now);
let report: DemoHistoryReport;

/** rows per table that the history writes to */
async function counts(): Promise<Record<string, number>> {
  const tables = ["applications", "application_versions", "cases", "documents", "audit_events", "case_conditions", "coverage_observations", "coverage_import_runs", "coverage_events", "users", "outbox"];
  const result: Record<string, number> = {};
  for (const t of tables) result[t] = Number((await knex()(t).count<{ n: string }[]>("* as n"))[0]!.n);
  return result;
}

const rows = async <T>(sql: string, bindings: readonly (string | number | Date)[] = []): Promise<T[]> => (await knex().raw(sql, bindings)).rows as T[];

beforeAll(async () => {
  report = await seedDemoHistory(knex(), { now });
}, 120_000);

describe("seedDemoHistory", () => {
  it("replays 40–60 applications of both demo operators over the two years before now", async () => {
    expect(report.alreadySeeded).toBe(false);
    expect(report.applications).toBeGreaterThanOrEqual(40);
    expect(report.applications).toBeLessThanOrEqual(60);
    expect(report.from! >= addDays(today, -731)).toBe(true);
    expect(report.to! <= today).toBe(true);

    const operators = await rows<{ slug: string; n: number }>(
      "SELECT o.slug, count(*)::int AS n FROM applications a JOIN organisations o ON o.id = a.operator_id GROUP BY o.slug ORDER BY o.slug",
    );
    expect(operators.map((o) => o.slug)).toEqual(["fiberway-deutschland", "glasfasernetz-hessen"]);
    // spread over the two years: submissions in most months
    const months = await rows<{ n: number }>("SELECT count(DISTINCT to_char(submitted_at AT TIME ZONE 'Europe/Berlin', 'YYYY-MM'))::int AS n FROM applications");
    expect(months[0]!.n).toBeGreaterThanOrEqual(15);
    // routes in every demo Gemeinde
    const gemeinden = await rows<{ n: number }>(
      "SELECT count(DISTINCT s->'gemeinde'->>'ags')::int AS n FROM application_versions v CROSS JOIN jsonb_array_elements(v.check_report->'sections') s",
    );
    expect(gemeinden[0]!.n).toBe(5);
  });

  it("has cases in every status, at Gemeinde, Kreis and Land authorities, with file numbers of their year", async () => {
    for (const status of CASE_STATUSES) expect(report.casesByStatus[status], status).toBeGreaterThan(0);
    const levels = await rows<{ level: string }>(
      "SELECT DISTINCT o.authority_level AS level FROM cases c JOIN organisations o ON o.id = c.authority_id ORDER BY 1",
    );
    expect(levels.map((l) => l.level)).toEqual(expect.arrayContaining(["gemeinde", "kreis", "land"]));
    const badNumbers = await rows("SELECT file_number FROM cases WHERE file_number NOT LIKE '%-TKG-' || extract(year FROM received_at AT TIME ZONE 'Europe/Berlin') || '-%'");
    expect(badNumbers).toEqual([]);
    // several still open, some past their deadline (the running deadline job will deem them approved)
    expect(report.casesByStatus.submitted + report.casesByStatus.in_review + report.casesByStatus.incomplete).toBeGreaterThanOrEqual(5);
    expect(report.overdueCases).toBeGreaterThanOrEqual(1);
  });

  it("decides with documents: consents with catalogue conditions, rejections with reasons, varied processing times", async () => {
    const decided = await rows<{ status: string; kind: string | null; conditions: number; reasons: string | null; days: number; in_time: boolean }>(
      `SELECT c.status, d.kind, c.decision_reasons AS reasons,
              (SELECT count(*)::int FROM case_conditions cc WHERE cc.case_id = c.id AND cc.source = 'catalogue') AS conditions,
              ((c.decided_at AT TIME ZONE 'Europe/Berlin')::date - (c.received_at AT TIME ZONE 'Europe/Berlin')::date) AS days,
              (c.decided_at AT TIME ZONE 'Europe/Berlin')::date <= c.decision_due_on AS in_time
       FROM cases c LEFT JOIN documents d ON d.case_id = c.id AND d.kind IN ('consent', 'rejection')
       WHERE c.status IN ('approved', 'rejected')`,
    );
    expect(decided.length).toBe(report.casesByStatus.approved + report.casesByStatus.rejected);
    for (const c of decided) {
      expect(c.kind).toBe(c.status === "approved" ? "consent" : "rejection");
      expect(c.in_time).toBe(true);
      if (c.status === "approved") expect(c.conditions).toBeGreaterThan(0);
      else expect(c.reasons).toBeTruthy();
    }
    const days = decided.map((c) => c.days);
    expect(Math.min(...days)).toBeLessThan(21);
    expect(Math.max(...days)).toBeGreaterThan(90);
  });

  it("lets some deadlines pass: the deadline sweep deemed them approved and issued certificates", async () => {
    const deemed = await rows<{ decided: string; due: string; certificate: number; audit_at: Date; decided_at: Date }>(
      `SELECT (c.decided_at AT TIME ZONE 'Europe/Berlin')::date::text AS decided, c.decision_due_on::text AS due, c.decided_at,
              (SELECT count(*)::int FROM documents d WHERE d.case_id = c.id AND d.kind = 'deemed_certificate') AS certificate,
              (SELECT e.at FROM audit_events e WHERE e.entity_type = 'case' AND e.entity_id = c.id::text AND e.action = 'deemed_approved') AS audit_at
       FROM cases c WHERE c.status = 'deemed_approved'`,
    );
    expect(deemed.length).toBeGreaterThanOrEqual(3);
    expect(deemed.length / report.cases).toBeLessThan(0.15);
    for (const c of deemed) {
      expect(c.certificate).toBe(1);
      expect(c.decided).toBe(addDays(c.due, 1)); // the job's first run after the period ended
      expect(new Date(c.audit_at).getTime()).toBe(new Date(c.decided_at).getTime());
    }
  });

  it("asks for missing items (some answered by an amendment), involves the consulted body, extends, withdraws", async () => {
    const [requests] = await rows<{ answered: number; open: number; letters: number }>(
      `SELECT count(*) FILTER (WHERE answered_at IS NOT NULL)::int AS answered, count(*) FILTER (WHERE answered_at IS NULL)::int AS open,
              (SELECT count(*)::int FROM documents WHERE kind = 'missing_items') AS letters
       FROM case_requests`,
    );
    expect(requests!.answered).toBeGreaterThanOrEqual(2);
    expect(requests!.open).toBeGreaterThanOrEqual(1);
    expect(requests!.letters).toBe(requests!.answered + requests!.open);
    const amended = await rows("SELECT 1 FROM application_versions WHERE version_no = 2 AND reason IS NOT NULL");
    expect(amended.length).toBe(requests!.answered);

    const statements = await rows<{ status: string; n: number }>("SELECT status, count(*)::int AS n FROM case_involvements GROUP BY status ORDER BY status");
    expect(statements.find((s) => s.status === "answered")?.n).toBeGreaterThanOrEqual(2);
    // the consulted body's conditions went into the consent
    expect((await rows("SELECT 1 FROM case_conditions WHERE source = 'consulted_body'")).length).toBeGreaterThan(0);
    expect((await rows("SELECT 1 FROM cases WHERE extension_count = 1")).length).toBeGreaterThanOrEqual(1);
    expect(report.applicationsByStatus.withdrawn).toBeGreaterThanOrEqual(1);
  });

  it("reports works: some started, some completed with homes passed as coverage events", async () => {
    const works = await rows<{ status: string; started: string | null; completed: string | null; homes: number | null; events: number | null }>(
      `SELECT a.status, a.works_started_on::text AS started, a.works_completed_on::text AS completed, a.homes_passed AS homes,
              (SELECT sum(e.homes_passed)::int FROM coverage_events e WHERE e.application_id = a.id) AS events
       FROM applications a WHERE a.works_started_on IS NOT NULL`,
    );
    const completed = works.filter((w) => w.status === "completed");
    expect(completed.length).toBeGreaterThanOrEqual(3);
    expect(works.length - completed.length).toBeGreaterThanOrEqual(1);
    for (const w of completed) {
      expect(w.completed! >= w.started!).toBe(true);
      expect(w.completed! <= today).toBe(true);
      expect(w.homes).toBeGreaterThan(0);
      expect(w.events).toBe(w.homes);
    }
  });

  it("imports coverage at three dates for every demo Gemeinde, rising, named as demo data", async () => {
    const dates = coverageDates(today);
    const observations = await rows<{ ags: string; as_of: string; pct: number; households: number; method: string; area_households: number }>(
      `SELECT o.ags, o.as_of::text AS as_of, o.gigabit_ftth_pct::float8 AS pct, o.households, o.households_method AS method, g.households AS area_households
       FROM admin_areas g JOIN coverage_observations o ON o.ags = g.ags AND o.audience = 'households'
       WHERE g.level = 'gemeinde' ORDER BY o.ags, o.as_of`,
    );
    const gemeinden = [...new Set(observations.map((o) => o.ags))];
    expect(gemeinden).toHaveLength(5);
    for (const ags of gemeinden) {
      const series = observations.filter((o) => o.ags === ags);
      expect(series.map((o) => o.as_of)).toEqual(dates);
      expect(series[0]!.pct).toBeLessThan(series[1]!.pct);
      expect(series[1]!.pct).toBeLessThan(series[2]!.pct);
      for (const o of series) expect(o).toMatchObject({ method: "admin_areas", households: o.area_households });
    }
    // the Kreis as a whole: about 8 % → 19 % → 31 % of households with FTTB/H gigabit
    const kreis = dates.map((d) => {
      const at = observations.filter((o) => o.as_of === d);
      return (100 * at.reduce((n, o) => n + (o.households * o.pct) / 100, 0)) / at.reduce((n, o) => n + o.households, 0);
    });
    expect(kreis.map((pct) => Math.round(pct))).toEqual([8, 19, 32]);

    const runs = await rows<{ dataset: string; attribution: string; file_name: string; status: string }>("SELECT dataset, attribution, file_name, status FROM coverage_import_runs ORDER BY as_of");
    expect(runs).toHaveLength(3);
    for (const r of runs) expect(r).toMatchObject({ dataset: DEMO_DATASET.name, attribution: DEMO_DATASET.attribution, status: "imported", file_name: expect.stringMatching(/^demo-auenwald_/) });
  });

  it("keeps the history consistent in time: stamps at the history's dates, mails of the past never sent", async () => {
    const late = await rows(
      `SELECT 'case' AS t, id::text FROM cases WHERE received_at > ? OR decided_at > ? OR created_at > ? OR updated_at > ?
       UNION ALL SELECT 'application', id::text FROM applications WHERE created_at > ? OR updated_at > ? OR submitted_at > ? OR withdrawn_at > ?
       UNION ALL SELECT 'document', id FROM documents WHERE issued_at > ?
       UNION ALL SELECT 'coverage import', id::text FROM coverage_import_runs WHERE started_at > ? OR imported_at > ?
       UNION ALL SELECT 'attachment', id::text FROM attachments WHERE uploaded_at > ?
       UNION ALL SELECT 'coverage event', id::text FROM coverage_events WHERE recorded_at > ?
       UNION ALL SELECT 'user', u.id::text FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.created_at > ? OR m.created_at > ?`,
      [now, now, now, now, now, now, now, now, now, now, now, now, now, now, now],
    );
    expect(late).toEqual([]);
    // the audit trail carries the history's times, not the time of seeding — also of the uploads
    // and of the people created for the demo
    const lateEvents = await rows<{ entity_type: string; action: string }>("SELECT DISTINCT entity_type, action FROM audit_events WHERE at > ? ORDER BY 1, 2", [now]);
    expect(lateEvents).toEqual([]);
    const [uploads] = await rows<{ n: number }>("SELECT count(*)::int AS n FROM audit_events WHERE action = 'attachment_added'");
    expect(uploads!.n).toBeGreaterThan(0);
    // an upload's audit event at the time its row records
    const unmatchedUploads = await rows(
      `SELECT t.id FROM attachments t
       WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.action = 'attachment_added' AND e.payload->>'attachmentId' = t.id::text AND e.at = t.uploaded_at)`,
    );
    expect(unmatchedUploads).toEqual([]);
    const [submitted] = await rows<{ first: Date; events: number; applications: number }>(
      "SELECT min(at) AS first, count(*)::int AS events, count(DISTINCT entity_id)::int AS applications FROM audit_events WHERE entity_type = 'application' AND action = 'submitted'",
    );
    expect(submitted!.applications).toBe(report.applications);
    expect(new Date(submitted!.first).getTime()).toBeLessThan(now.getTime() - 335 * 86_400_000);
    // each event at the time its row records
    const mismatched = await rows(
      `SELECT a.id FROM applications a
       WHERE a.created_at <> (SELECT e.at FROM audit_events e WHERE e.entity_type = 'application' AND e.entity_id = a.id::text AND e.action = 'created')
          OR a.submitted_at <> (SELECT min(e.at) FROM audit_events e WHERE e.entity_type = 'application' AND e.entity_id = a.id::text AND e.action = 'submitted')
       UNION ALL
       SELECT c.id FROM cases c
       WHERE c.created_at <> (SELECT e.at FROM audit_events e WHERE e.entity_type = 'case' AND e.entity_id = c.id::text AND e.action = 'created')`,
    );
    expect(mismatched).toEqual([]);
    expect(await rows("SELECT 1 FROM outbox WHERE status = 'pending'")).toEqual([]);
    const marker = await knex()("portal_settings").where({ key: HISTORY_MARKER_KEY }).first("value");
    expect(marker.value).toMatchObject({ status: "done", applications: report.applications });
  });

  it("adds nothing when run again", async () => {
    const before = await counts();
    const again = await seedDemoHistory(knex(), { now: new Date() });
    expect(again.alreadySeeded).toBe(true);
    expect(again.applications).toBe(report.applications);
    expect(await counts()).toEqual(before);
  });
});
