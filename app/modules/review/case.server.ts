import type { Db } from "~/db.server";
import { isUuid } from "~/modules/applications/access.server";
import type { CaseStatus } from "~/modules/applications/schema";
import type { Principal } from "~/modules/auth/session.server";
import type { CheckReport } from "~/modules/checks/report";
import { berlinDate, daysBetween } from "~/modules/deadlines/calendar";
import { authorityProcedure, type ProcedureRule } from "~/modules/deadlines/case-clock.server";
import { systemClock, type Clock } from "~/utils/clock";
import { templatesForCase } from "~/modules/conditions/service.server";
import { fastTrackEligible } from "./actions.server";
import { caseColumns, isAuthorityStaff, type CaseRow } from "./access.server";
import { urgencyOf, type Urgency } from "./schema";
import type { Statement } from "./schema";

interface CaseExtra {
  section_length_m: number | string;
  crossings: number;
  completeness_confirmed_at: Date | null;
  extension_reason: string | null;
  decided_at: Date | null;
  decision_reasons: string | null;
  deemed_reason: string | null;
  authority_name: string;
  fast_track_enabled: boolean;
  clerk_name: string;
  decided_by_name: string | null;
}

interface InvolvementRow {
  id: string;
  body_id: string;
  body_name: string;
  consulted_topic: string | null;
  question: string;
  due_on_text: string;
  requested_at: Date;
  status: CaseInvolvement["status"];
  statement: Statement | null;
  statement_text: string | null;
  conditions: { title: string; body: string }[];
  answered_at: Date | null;
  version: number;
}

export type CaseRole = "authority" | "consulted_body" | "state";

export interface CaseInvolvement {
  id: string;
  body: { id: string; name: string; topic: string | null };
  question: string;
  dueOn: string;
  requestedAt: string;
  status: "requested" | "answered" | "cancelled";
  statement: Statement | null;
  statementText: string | null;
  conditions: { title: string; body: string }[];
  answeredAt: string | null;
  version: number;
  overdue: boolean;
}

export interface CaseDetail {
  id: string;
  applicationId: string;
  authority: { id: string; name: string; fastTrackEnabled: boolean };
  fileNumber: string;
  status: CaseStatus;
  version: number;
  applicationVersion: number;
  receivedAt: string;
  sectionLengthM: number;
  crossings: number;
  clerk: { id: string; name: string } | null;
  /** who looks: the deciding authority, a consulted body, or state staff (read only) */
  viewer: CaseRole;
  deadlines: {
    rule: Pick<ProcedureRule, "key" | "name" | "legalBasis" | "maxExtensions" | "deemedApproval">;
    clockStartedAt: string | null;
    clockStoppedAt: string | null;
    completenessDueOn: string | null;
    decisionDueOn: string | null;
    daysLeft: number | null;
    urgency: Urgency;
    extensionCount: number;
    extensionReason: string | null;
    canRequestMissingItems: boolean;
    canExtend: boolean;
  };
  decision: { at: string | null; by: string | null; reasons: string | null; deemedReason: string | null };
  conditions: { id: string; kind: "condition" | "hint"; title: string; body: string; source: string }[];
  requests: { id: string; items: string[]; body: string; requestedAt: string; requestedBy: string | null; answeredAt: string | null; answeredVersion: number | null }[];
  involvements: CaseInvolvement[];
  fastTrackEligible: boolean;
}

/**
 * A case as its authority, an involved consulted body or state staff sees it; null for anyone
 * else (the route answers 404, so a clerk of another authority cannot tell it exists).
 */
export async function getCase(db: Db, principal: Principal, id: string, { clock = systemClock }: { clock?: Clock } = {}): Promise<CaseDetail | null> {
  if (!isUuid(id)) return null;
  const row = await db("cases as c")
    .join("organisations as o", "o.id", "c.authority_id")
    .leftJoin("users as u", "u.id", "c.assigned_clerk_id")
    .leftJoin("users as d", "d.id", "c.decided_by")
    .where("c.id", id)
    .first<(CaseRow & CaseExtra) | undefined>([
      ...caseColumns(db),
      "c.section_length_m",
      "c.crossings",
      "c.completeness_confirmed_at",
      "c.extension_reason",
      "c.decided_at",
      "c.decision_reasons",
      "c.deemed_reason",
      "o.name as authority_name",
      "o.fast_track_enabled",
      "u.name as clerk_name",
      "d.name as decided_by_name",
    ]);
  if (!row) return null;
  const viewer = await viewerRole(db, principal, row.id, row.authority_id);
  if (!viewer) return null;

  const now = clock.now();
  const today = berlinDate(now);
  const { rule } = await authorityProcedure(db, row.authority_id);
  const open = row.status === "submitted" || row.status === "in_review";
  const daysLeft = row.decision_due_on ? daysBetween(today, row.decision_due_on) : null;
  const [conditions, requests, involvements, version] = await Promise.all([
    db("case_conditions").where({ case_id: id }).orderBy("position").select("id", "kind", "title", "body", "source"),
    db("case_requests as r").leftJoin("users as u", "u.id", "r.requested_by").where("r.case_id", id).orderBy("r.requested_at").select("r.*", "u.name as requested_by_name"),
    db("case_involvements as i")
      .join("organisations as o", "o.id", "i.body_id")
      .where("i.case_id", id)
      .modify((q) => {
        // a consulted body sees its own request, not its peers'
        if (viewer === "consulted_body") q.where("i.body_id", principal.organisation.id);
      })
      .orderBy("i.requested_at")
      .select("i.*", db.raw("i.due_on::text AS due_on_text"), "o.name as body_name", "o.consulted_topic"),
    db("application_versions").where({ application_id: row.application_id, version_no: row.application_version }).first("check_report"),
  ]);
  return {
    id: row.id,
    applicationId: row.application_id,
    authority: { id: row.authority_id, name: row.authority_name, fastTrackEnabled: Boolean(row.fast_track_enabled) },
    fileNumber: row.file_number,
    status: row.status,
    version: row.version,
    applicationVersion: row.application_version,
    receivedAt: iso(row.received_at)!,
    sectionLengthM: Number(row.section_length_m),
    crossings: row.crossings,
    clerk: row.assigned_clerk_id ? { id: row.assigned_clerk_id, name: row.clerk_name } : null,
    viewer,
    deadlines: {
      rule: { key: rule.key, name: rule.name, legalBasis: rule.legalBasis, maxExtensions: rule.maxExtensions, deemedApproval: rule.deemedApproval },
      clockStartedAt: iso(row.clock_started_at),
      clockStoppedAt: iso(row.clock_stopped_at),
      completenessDueOn: row.completeness_due_on,
      decisionDueOn: row.decision_due_on,
      daysLeft,
      urgency: urgencyOf(row.status, daysLeft),
      extensionCount: row.extension_count,
      extensionReason: row.extension_reason,
      canRequestMissingItems: open && (!row.completeness_due_on || today <= row.completeness_due_on),
      canExtend: open && row.extension_count < rule.maxExtensions && daysLeft !== null && daysLeft >= 0,
    },
    decision: { at: iso(row.decided_at), by: row.decided_by_name, reasons: row.decision_reasons, deemedReason: row.deemed_reason },
    conditions,
    requests: requests.map((r) => ({
      id: r.id,
      items: r.items,
      body: r.body,
      requestedAt: iso(r.requested_at)!,
      requestedBy: r.requested_by_name,
      answeredAt: iso(r.answered_at),
      answeredVersion: r.answered_version,
    })),
    involvements: involvements.map((i: InvolvementRow) => ({
      id: i.id,
      body: { id: i.body_id, name: i.body_name, topic: i.consulted_topic },
      question: i.question,
      dueOn: i.due_on_text,
      requestedAt: iso(i.requested_at)!,
      status: i.status,
      statement: i.statement,
      statementText: i.statement_text,
      conditions: i.conditions,
      answeredAt: iso(i.answered_at),
      version: i.version,
      overdue: i.status === "requested" && i.due_on_text < today,
    })),
    fastTrackEligible: version ? fastTrackEligible(version.check_report as CheckReport) : false,
  };
}

async function viewerRole(db: Db, principal: Principal, caseId: string, authorityId: string): Promise<CaseRole | null> {
  if (isAuthorityStaff(principal)) return principal.organisation.id === authorityId ? "authority" : null;
  if (principal.role === "state_analyst") return "state";
  if (principal.role === "consulted_body") {
    const involved = await db("case_involvements").where({ case_id: caseId, body_id: principal.organisation.id }).whereNot("status", "cancelled").first("id");
    return involved ? "consulted_body" : null;
  }
  return null;
}

/** Cases a consulted body was asked about, open requests first. */
export async function listStatementRequests(db: Db, principal: Principal, { clock = systemClock }: { clock?: Clock } = {}) {
  if (principal.role !== "consulted_body") return null;
  const today = berlinDate(clock.now());
  const rows = await db("case_involvements as i")
    .join("cases as c", "c.id", "i.case_id")
    .join("applications as a", "a.id", "c.application_id")
    .join("organisations as au", "au.id", "c.authority_id")
    .where("i.body_id", principal.organisation.id)
    .whereNot("i.status", "cancelled")
    .orderByRaw("CASE WHEN i.status = 'requested' THEN 0 ELSE 1 END, i.due_on, i.requested_at")
    .select("i.id", "i.case_id", "i.status", "i.statement", db.raw("i.due_on::text AS due_on"), "i.requested_at", "c.file_number", "c.status as case_status", "a.title", "au.name as authority_name");
  return rows.map((r) => ({
    involvementId: r.id as string,
    caseId: r.case_id as string,
    status: r.status as CaseInvolvement["status"],
    statement: r.statement as Statement | null,
    dueOn: r.due_on as string,
    daysLeft: daysBetween(today, r.due_on),
    requestedAt: iso(r.requested_at)!,
    fileNumber: r.file_number as string,
    caseStatus: r.case_status as CaseStatus,
    title: r.title as string,
    authorityName: r.authority_name as string,
  }));
}

function iso(value: Date | string | null | undefined): string | null {
  return value === null || value === undefined ? null : new Date(value).toISOString();
}

/** What the clerk picks from on the case page: the catalogue, the consulted bodies, the clerks. */
export async function reviewOptions(db: Db, authorityId: string) {
  const authority = await db("organisations").where({ id: authorityId }).first("state");
  const [templates, bodies, clerks] = await Promise.all([
    templatesForCase(db, authorityId),
    db("organisations")
      .where({ kind: "consulted_body" })
      .where((w) => w.where("state", authority?.state ?? null).orWhereNull("state"))
      .orderBy("name")
      .select("id", "name", "consulted_topic as topic"),
    db("memberships as m")
      .join("users as u", "u.id", "m.user_id")
      .where({ "m.organisation_id": authorityId, "u.is_active": true })
      .whereIn("m.role", ["authority_clerk", "authority_admin"])
      .orderBy("u.name")
      .select("u.id", "u.name"),
  ]);
  return {
    templates,
    bodies: bodies as { id: string; name: string; topic: string | null }[],
    clerks: clerks as { id: string; name: string }[],
  };
}

/**
 * The decisions of cases the caller may already see (the application page checks access first):
 * reasons, deemed-approval reason and the numbered conditions and hints.
 */
export async function caseDecisions(db: Db, caseIds: string[]) {
  if (caseIds.length === 0) return {};
  const [cases, conditions] = await Promise.all([
    db("cases").whereIn("id", caseIds).whereNotNull("decided_at").select("id", "decision_reasons", "deemed_reason"),
    db("case_conditions").whereIn("case_id", caseIds).orderBy(["case_id", "position"]).select("case_id", "kind", "title", "body"),
  ]);
  return Object.fromEntries(
    cases.map((c) => [
      c.id as string,
      {
        reasons: c.decision_reasons as string | null,
        deemedReason: c.deemed_reason as string | null,
        conditions: conditions.filter((x) => x.case_id === c.id).map((x) => ({ kind: x.kind as "condition" | "hint", title: x.title as string, body: x.body as string })),
      },
    ]),
  );
}
