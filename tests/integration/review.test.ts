import { beforeAll, describe, expect, it } from "vitest";
import { amendApplication, getApplication } from "~/modules/applications/service.server";
import { KREIS_TO_GEMEINDE, ok, organisationId, principalFor, routeAlong, submittedApplication } from "~/modules/applications/test-fixtures.server";
import type { DraftRoute } from "~/modules/applications/schema";
import type { Principal } from "~/modules/auth/session.server";
import {
  assignCases,
  confirmCompleteness,
  decideCase,
  extendDeadline,
  fastTrackApprove,
  giveStatement,
  involveBody,
  requestMissingItems,
} from "~/modules/review/actions.server";
import { getCase, listStatementRequests } from "~/modules/review/case.server";
import { sweepDeadlines } from "~/modules/review/deadlines.server";
import { listInbox } from "~/modules/review/inbox.server";
import { InboxFilterSchema } from "~/modules/review/schema";
import { coreJobHandlers, DEADLINES_JOB } from "~/modules/jobs/handlers.server";
import { enqueueJob } from "~/modules/jobs/queue.server";
import { runDueJobs } from "~/modules/jobs/runner.server";
import { ManualClock } from "~/utils/clock";
import { useTestDatabase } from "../support/db";
import { givenUser } from "../support/fixtures";

/**
 * The authority's side of a case on the demo region: inbox, completeness, missing items (the clock
 * stops and restarts), consulted bodies, extension, decision, fast track, and the deadline job that
 * turns an unanswered case into a deemed approval — with time moved by a ManualClock.
 */
const db = useTestDatabase();
const knex = () => db.current.knex;

let operator: Principal;
let kreisClerk: Principal;
let secondKreisClerk: Principal;
let otherClerk: Principal;
let body: Principal;
let analyst: Principal;
let kreisId: string;
let route: DraftRoute;

beforeAll(async () => {
  const k = knex();
  operator = await principalFor(k, "betreiber@demo.test");
  kreisClerk = await principalFor(k, "kreis@demo.test");
  otherClerk = await principalFor(k, "gemeinde@demo.test");
  body = await principalFor(k, "fachbehoerde@demo.test");
  analyst = await principalFor(k, "landesebene@demo.test");
  kreisId = await organisationId(k, "kreis-auenwald");
  secondKreisClerk = await principalFor(k, (await givenUser(k, kreisId, "authority_clerk")).email);
  route = await routeAlong(k, KREIS_TO_GEMEINDE);
});

/** Submits a complete application at the clock's time; returns the Kreis case. */
async function kreisCaseSubmittedAt(clock: ManualClock, title: string): Promise<{ applicationId: string; caseId: string }> {
  const { id, cases } = await submittedApplication(knex(), operator, { title, route, clock });
  const kreisCase = cases.find((c) => c.authority.id === kreisId);
  if (!kreisCase) throw new Error("no Kreis case");
  return { applicationId: id, caseId: kreisCase.caseId };
}

async function caseRow(id: string) {
  return knex()("cases")
    .where({ id })
    .first("status", "version", knex().raw("decision_due_on::text AS decision_due_on"), knex().raw("completeness_due_on::text AS completeness_due_on"), "clock_stopped_at", "extension_count", "deemed_reason");
}

async function sweep(clock: ManualClock) {
  return knex().transaction((trx) => sweepDeadlines(trx, clock));
}

describe("deadlines on receipt", () => {
  it("runs 3 months (§ 127 TKG) from receipt, moved past Ostermontag in Hessen", async () => {
    const clock = new ManualClock("2026-01-06T09:30:00+01:00");
    const { caseId } = await kreisCaseSubmittedAt(clock, "Frist über Ostern");
    // 6 April 2026 is Ostermontag: the period ends on the next working day
    expect(await caseRow(caseId)).toMatchObject({ status: "submitted", completeness_due_on: "2026-02-06", decision_due_on: "2026-04-07", extension_count: 0 });
    const detail = (await getCase(knex(), kreisClerk, caseId, { clock }))!;
    expect(detail.deadlines).toMatchObject({ decisionDueOn: "2026-04-07", daysLeft: 91, urgency: "ok", canRequestMissingItems: true, canExtend: true });
    expect(detail.deadlines.rule).toMatchObject({ key: "tkg_127", legalBasis: "§ 127 Abs. 3 TKG" });
  });

  it("moves a deadline on Fronleichnam to the next day", async () => {
    const clock = new ManualClock("2026-03-04T10:00:00+01:00");
    const { caseId } = await kreisCaseSubmittedAt(clock, "Frist an Fronleichnam");
    expect((await caseRow(caseId)).decision_due_on).toBe("2026-06-05");
  });
});

describe("the inbox", () => {
  it("shows the authority's own cases only, most urgent first, with days left, counts and filters", async () => {
    const clock = new ManualClock("2026-02-02T08:00:00+01:00");
    const early = await kreisCaseSubmittedAt(new ManualClock("2026-01-12T08:00:00+01:00"), "Posteingang früh");
    const late = await kreisCaseSubmittedAt(new ManualClock("2026-01-30T08:00:00+01:00"), "Posteingang spät");
    const inbox = (await listInbox(knex(), kreisClerk, InboxFilterSchema.parse({ q: "Posteingang" }), { clock }))!;
    expect(inbox.items.map((i) => i.id)).toEqual([early.caseId, late.caseId]);
    expect(inbox.items[0]).toMatchObject({ decisionDueOn: "2026-04-13", daysLeft: 70, urgency: "ok", operator: { name: expect.stringContaining("Glasfaser") } });
    expect(inbox.items[0]!.gemeinden.length).toBeGreaterThan(0);
    expect(inbox.counts.submitted).toBeGreaterThanOrEqual(2);

    // a clerk of another authority does not see them; state staff and operators have no inbox
    const other = (await listInbox(knex(), otherClerk, InboxFilterSchema.parse({ q: "Posteingang" }), { clock }))!;
    expect(other.items.map((i) => i.id)).not.toContain(early.caseId);
    expect(await listInbox(knex(), analyst, InboxFilterSchema.parse({}), { clock })).toBeNull();

    // bulk assignment, then the clerk filter
    expect(ok(await assignCases(knex(), kreisClerk, { caseIds: [early.caseId, late.caseId], clerkId: secondKreisClerk.userId }, { clock }))).toEqual({ assigned: 2 });
    const mine = (await listInbox(knex(), kreisClerk, InboxFilterSchema.parse({ clerk: secondKreisClerk.userId }), { clock }))!;
    expect(mine.items.map((i) => i.id).sort()).toEqual([early.caseId, late.caseId].sort());
    const foreign = await assignCases(knex(), otherClerk, { caseIds: [early.caseId], clerkId: null });
    expect(foreign).toMatchObject({ ok: false, error: { code: "not_found" } });
    const outsider = await assignCases(knex(), kreisClerk, { caseIds: [early.caseId], clerkId: otherClerk.userId });
    expect(outsider).toMatchObject({ ok: false, error: { code: "invalid" } });
    // two clerks taking the same case from the page they loaded: the second does not overwrite the first
    const seen = { [late.caseId]: secondKreisClerk.userId };
    ok(await assignCases(knex(), secondKreisClerk, { caseIds: [late.caseId], clerkId: null, seen }, { clock }));
    const stale = await assignCases(knex(), kreisClerk, { caseIds: [late.caseId], clerkId: kreisClerk.userId, seen }, { clock });
    expect(stale).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(await knex()("cases").where({ id: late.caseId }).first("assigned_clerk_id")).toEqual({ assigned_clerk_id: null });
  });
});

describe("a case's lifecycle", () => {
  it("request for missing items stops the clock, the amendment restarts it, a consulted body states, the clerk approves with conditions", async () => {
    const clock = new ManualClock("2026-05-04T10:00:00+02:00");
    const { applicationId, caseId } = await kreisCaseSubmittedAt(clock, "Lebenszyklus K 142");
    let version = (await caseRow(caseId)).version;

    clock.set("2026-05-20T10:00:00+02:00");
    const request = ok(await requestMissingItems(knex(), kreisClerk, caseId, { expectedVersion: version, items: ["traffic_plan"], body: "Bitte den Verkehrszeichenplan für die Einengung nachreichen." }, { clock }));
    expect(await caseRow(caseId)).toMatchObject({ status: "incomplete", decision_due_on: null });
    expect((await caseRow(caseId)).clock_stopped_at).not.toBeNull();
    version = request.version;
    const detail = (await getCase(knex(), kreisClerk, caseId, { clock }))!;
    expect(detail.requests).toHaveLength(1);
    expect(detail.deadlines.urgency).toBe("stopped");
    // the operator sees the request as a message and got a mail
    expect(await knex()("case_messages").where({ case_id: caseId }).first("body")).toMatchObject({ body: expect.stringContaining("Verkehrszeichenplan") });
    expect(await knex()("outbox").where({ dedupe_key: `case:${caseId}:request:${request.requestId}` }).first("to_address")).toBeTruthy();

    // nothing to decide while incomplete
    expect(await decideCase(knex(), kreisClerk, caseId, { expectedVersion: version, decision: "approve" }, { clock })).toMatchObject({ ok: false, error: { code: "wrong_state" } });

    // the amendment restarts the clock: three months from 8 June 2026
    clock.set("2026-06-08T11:00:00+02:00");
    const appVersion = (await knex()("applications").where({ id: applicationId }).first("version")).version;
    ok(await amendApplication(knex(), operator, applicationId, { expectedVersion: appVersion, reason: "Verkehrszeichenplan ergänzt" }, { clock }));
    const restarted = await caseRow(caseId);
    expect(restarted).toMatchObject({ status: "submitted", decision_due_on: "2026-09-08", completeness_due_on: "2026-07-08", clock_stopped_at: null });
    expect((await getCase(knex(), kreisClerk, caseId, { clock }))!.requests[0]).toMatchObject({ answeredVersion: 2 });
    version = restarted.version;

    version = ok(await confirmCompleteness(knex(), kreisClerk, caseId, { expectedVersion: version }, { clock })).version;
    expect((await caseRow(caseId)).status).toBe("in_review");

    const bodyId = body.organisation.id;
    expect(await getApplication(knex(), body, applicationId)).toBeNull();
    const involved = ok(await involveBody(knex(), kreisClerk, caseId, { expectedVersion: version, bodyId, question: "Bitte prüfen Sie den Baumbestand an der K 142.", dueOn: "2026-07-01" }, { clock }));
    version = involved.version;
    // the consulted body sees the case (its own request only); a stranger body would not
    expect((await listStatementRequests(knex(), body, { clock }))!.map((r) => r.caseId)).toContain(caseId);
    expect((await getCase(knex(), body, caseId, { clock }))!.viewer).toBe("consulted_body");
    // … and reads the application it was asked about (route, check report, documents)
    expect((await getApplication(knex(), body, applicationId))!.versions).toHaveLength(2);

    // deciding before the statement is in: refused
    expect(await decideCase(knex(), kreisClerk, caseId, { expectedVersion: version, decision: "approve" }, { clock })).toMatchObject({ ok: false, error: { code: "wrong_state", message: expect.stringContaining("Stellungnahme") } });

    const invVersion = (await getCase(knex(), body, caseId, { clock }))!.involvements[0]!.version;
    ok(
      await giveStatement(
        knex(),
        body,
        involved.involvementId,
        { expectedVersion: invVersion, statement: "agree_with_conditions", text: "Keine Bedenken bei Handschachtung.", conditions: [{ title: "Wurzelschutz", body: "Im Kronentraufbereich nur Handschachtung." }] },
        { clock },
      ),
    );
    expect(await giveStatement(knex(), body, involved.involvementId, { expectedVersion: invVersion + 1, statement: "agree" }, { clock })).toMatchObject({ ok: false, error: { code: "wrong_state" } });

    const decided = ok(
      await decideCase(
        knex(),
        kreisClerk,
        caseId,
        {
          expectedVersion: version,
          decision: "approve",
          conditions: [
            { kind: "condition", title: "Anzeige des Baubeginns", body: "Der Baubeginn ist eine Woche vorher anzuzeigen.", source: "catalogue" },
            { kind: "hint", title: "Andere Genehmigungen", body: "Die Zustimmung ersetzt keine anderen Genehmigungen.", source: "custom" },
          ],
        },
        { clock },
      ),
    );
    expect(decided.status).toBe("approved");
    const final = (await getCase(knex(), kreisClerk, caseId, { clock }))!;
    expect(final.conditions.map((c) => [c.kind, c.title, c.source])).toEqual([
      ["condition", "Anzeige des Baubeginns", "catalogue"],
      ["hint", "Andere Genehmigungen", "custom"],
      ["condition", "Wurzelschutz", "consulted_body"],
    ]);
    expect(final.decision.by).toBe(kreisClerk.name);

    // the operator sees the decision at once, with a mail
    const application = (await getApplication(knex(), operator, applicationId))!;
    expect(application.cases.find((c) => c.id === caseId)!.status).toBe("approved");
    expect(await knex()("outbox").where({ dedupe_key: `case:${caseId}:decision` }).first("subject")).toMatchObject({ subject: expect.stringContaining("Zustimmung erteilt") });

    // every step is in the audit log
    const actions = (await knex()("audit_events").where({ entity_type: "case", entity_id: caseId }).orderBy("id").select("action")).map((a) => a.action);
    expect(actions).toEqual(["created", "missing_items_requested", "amended", "completeness_confirmed", "body_involved", "statement_given", "decided"]);
  });

  it("refuses a request for missing items after the completeness month", async () => {
    const clock = new ManualClock("2026-02-02T10:00:00+01:00");
    const { caseId } = await kreisCaseSubmittedAt(clock, "Nachforderung zu spät");
    clock.set("2026-03-03T10:00:00+01:00");
    const late = await requestMissingItems(knex(), kreisClerk, caseId, { expectedVersion: (await caseRow(caseId)).version, items: ["route_plan"] }, { clock });
    expect(late).toMatchObject({ ok: false, error: { code: "wrong_state", message: expect.stringContaining("2. März 2026") } });
    expect((await caseRow(caseId)).status).toBe("submitted");
  });

  it("extends the deadline once and only once, with a reason", async () => {
    const clock = new ManualClock("2026-01-12T10:00:00+01:00");
    const { caseId } = await kreisCaseSubmittedAt(clock, "Verlängerung");
    const before = await caseRow(caseId);
    expect(before.decision_due_on).toBe("2026-04-13");
    const noReason = await extendDeadline(knex(), kreisClerk, caseId, { expectedVersion: before.version, reason: " " }, { clock });
    expect(noReason).toMatchObject({ ok: false, error: { code: "invalid", fieldErrors: [{ path: "reason" }] } });
    const extended = ok(await extendDeadline(knex(), kreisClerk, caseId, { expectedVersion: before.version, reason: "Abstimmung mit der Wasserbehörde" }, { clock }));
    expect(extended.decisionDueOn).toBe("2026-05-13");
    const again = await extendDeadline(knex(), kreisClerk, caseId, { expectedVersion: extended.version, reason: "Noch einmal" }, { clock });
    expect(again).toMatchObject({ ok: false, error: { code: "wrong_state", message: expect.stringContaining("bereits einmal verlängert") } });
    expect(await caseRow(caseId)).toMatchObject({ decision_due_on: "2026-05-13", extension_count: 1 });
  });

  it("lets exactly one of two clerks deciding at the same moment win; the other gets a conflict", async () => {
    const clock = new ManualClock("2026-01-12T10:00:00+01:00");
    const { caseId } = await kreisCaseSubmittedAt(clock, "Zwei Entscheidungen");
    const { version } = await caseRow(caseId);
    const results = await Promise.all([
      decideCase(knex(), kreisClerk, caseId, { expectedVersion: version, decision: "approve" }, { clock }),
      decideCase(knex(), secondKreisClerk, caseId, { expectedVersion: version, decision: "reject", reasons: "Trasse im Wurzelbereich." }, { clock }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const loser = results.find((r) => !r.ok);
    expect(loser).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringContaining("inzwischen von jemand anderem bearbeitet") } });
    expect(await knex()("audit_events").where({ entity_type: "case", entity_id: caseId }).whereIn("action", ["decided"]).count({ n: "*" })).toEqual([{ n: expect.anything() }]);
    expect(Number((await knex()("audit_events").where({ entity_type: "case", entity_id: caseId, action: "decided" }).count({ n: "*" }))[0]!.n)).toBe(1);
  });

  it("answers 404 (not found) to a clerk of another authority, and forbids state staff to act", async () => {
    const clock = new ManualClock("2026-01-12T10:00:00+01:00");
    const { caseId } = await kreisCaseSubmittedAt(clock, "Fremde Behörde");
    const { version } = await caseRow(caseId);
    expect(await getCase(knex(), otherClerk, caseId, { clock })).toBeNull();
    expect(await confirmCompleteness(knex(), otherClerk, caseId, { expectedVersion: version })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await decideCase(knex(), otherClerk, caseId, { expectedVersion: version, decision: "approve" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await getCase(knex(), body, caseId, { clock })).toBeNull();
    expect(await getCase(knex(), operator, caseId, { clock })).toBeNull();
    expect((await getCase(knex(), analyst, caseId, { clock }))!.viewer).toBe("state");
    expect(await decideCase(knex(), analyst, caseId, { expectedVersion: version, decision: "approve" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect((await caseRow(caseId)).version).toBe(version);
  });
});

describe("Zustimmungsfiktion", () => {
  it("reminds 14 and 3 days ahead, then deems the consent granted when the period has passed", async () => {
    const clock = new ManualClock("2026-01-12T10:00:00+01:00");
    const { caseId } = await kreisCaseSubmittedAt(clock, "Fiktion nach drei Monaten");
    expect((await caseRow(caseId)).decision_due_on).toBe("2026-04-13");

    clock.set("2026-03-31T08:00:00+02:00"); // 13 days left
    expect((await sweep(clock)).reminders).toBeGreaterThanOrEqual(1);
    expect(await sweep(clock)).toMatchObject({ deemedApproved: 0 });
    const reminders = () => knex()("outbox").whereLike("dedupe_key", `case:${caseId}:due:%`).orderBy("id").pluck("dedupe_key");
    expect(await reminders()).toHaveLength(1);
    clock.set("2026-04-10T08:00:00+02:00"); // 3 days left
    await sweep(clock);
    expect((await reminders()).map((k: string) => k.split(":")[5])).toEqual(["14", "3"]);

    clock.set("2026-04-13T23:00:00+02:00"); // the last day: not yet
    await sweep(clock);
    expect((await caseRow(caseId)).status).toBe("submitted");

    // the job runner runs the sweep as a durable job
    clock.set("2026-04-14T00:30:00+02:00");
    await enqueueJob(knex(), { kind: DEADLINES_JOB, dedupeKey: `test-sweep:${caseId}` }, clock);
    const run = await runDueJobs(knex(), { handlers: { [DEADLINES_JOB]: coreJobHandlers[DEADLINES_JOB]! }, clock, workerId: "test-runner" });
    expect(run.done).toBeGreaterThanOrEqual(1);
    const row = await caseRow(caseId);
    expect(row.status).toBe("deemed_approved");
    expect(row.deemed_reason).toContain("13. April 2026");
    expect(row.deemed_reason).toContain("§ 127 Abs. 3 TKG");
    expect(await knex()("audit_events").where({ entity_type: "case", entity_id: caseId, action: "deemed_approved" }).first("actor_user_id")).toEqual({ actor_user_id: null });

    // running again changes nothing
    const auditCount = async () => Number((await knex()("audit_events").where({ entity_id: caseId }).count({ n: "*" }))[0]!.n);
    const before = await auditCount();
    await sweep(clock);
    expect(await auditCount()).toBe(before);
  });

  it("does not deem a case granted while its clock is stopped for missing items", async () => {
    const clock = new ManualClock("2026-01-12T10:00:00+01:00");
    const { caseId } = await kreisCaseSubmittedAt(clock, "Angehaltene Frist");
    ok(await requestMissingItems(knex(), kreisClerk, caseId, { expectedVersion: (await caseRow(caseId)).version, items: ["route_plan"] }, { clock }));
    clock.set("2026-06-01T10:00:00+02:00");
    await sweep(clock);
    expect((await caseRow(caseId)).status).toBe("incomplete");
  });
});

describe("fast track", () => {
  it("approves with the standard conditions in one click, only when enabled and the check shows only hints", async () => {
    const clock = new ManualClock("2026-01-12T10:00:00+01:00");
    const { applicationId, caseId } = await kreisCaseSubmittedAt(clock, "Schnellverfahren");
    const { version } = await caseRow(caseId);
    expect(await fastTrackApprove(knex(), kreisClerk, caseId, { expectedVersion: version }, { clock })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    await knex()("organisations").where({ id: kreisId }).update({ fast_track_enabled: true });
    try {
      // make the submitted check clean: only hints
      const v = await knex()("application_versions").where({ application_id: applicationId }).first("check_report");
      const clean = { ...v.check_report, findings: [], conflicts: [], method: [] };
      await knex()("application_versions").where({ application_id: applicationId }).update({ check_report: JSON.stringify(clean) });
      expect((await getCase(knex(), kreisClerk, caseId, { clock }))!.fastTrackEligible).toBe(true);
      const approved = ok(await fastTrackApprove(knex(), kreisClerk, caseId, { expectedVersion: version }, { clock }));
      expect(approved.status).toBe("approved");
      const conditions = (await getCase(knex(), kreisClerk, caseId, { clock }))!.conditions;
      expect(conditions.length).toBeGreaterThan(0);
      expect(conditions.every((c) => c.source === "catalogue")).toBe(true);
    } finally {
      await knex()("organisations").where({ id: kreisId }).update({ fast_track_enabled: false });
    }
  });
});
