import type { Knex } from "knex";
import type { z } from "zod";
import type { Db } from "~/db.server";
import { fail, invalid, isUuid, transact } from "~/modules/applications/access.server";
import type { Result } from "~/modules/applications/errors";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Principal } from "~/modules/auth/session.server";
import type { CheckReport } from "~/modules/checks/report";
import { templatesForCase } from "~/modules/conditions/service.server";
import { berlinDate, formatGermanDate } from "~/modules/deadlines/calendar";
import { authorityProcedure, extendedDueDate } from "~/modules/deadlines/case-clock.server";
import { issueDocument } from "~/modules/documents/service.server";
import { enqueueMail } from "~/modules/mail/outbox.server";
import { systemClock, type Clock } from "~/utils/clock";
import {
  applicationContact,
  CASE_NOT_FOUND,
  changeCase,
  checkCaseVersion,
  isAuthorityStaff,
  lockAuthorityCase,
  OPEN_FOR_DECISION,
  organisationMemberEmails,
  requireStatus,
  type CaseRow,
} from "./access.server";
import { decisionNotice, involvementRequest, missingItemsRequested, statementReceived } from "./mails";
import {
  AssignSchema,
  ConfirmCompletenessSchema,
  DecideSchema,
  ExtendDeadlineSchema,
  InvolveBodySchema,
  MISSING_ITEM_CHECKLIST,
  RequestMissingItemsSchema,
  STATEMENT_LABELS,
  StatementSchema,
  type DecisionCondition,
} from "./schema";

/**
 * The state transitions of a case. Each runs in one transaction: it locks the case, checks the
 * version the clerk's page showed (two clerks acting at once: exactly one wins, the other gets a
 * conflict), checks the state, writes, audits and mails.
 */

type Options = { clock?: Clock };

function parse<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) fail(invalid(parsed.error.issues));
  return parsed.data;
}

/** Confirms the application is complete: the case moves into review; the decision period runs on. */
export async function confirmCompleteness(db: Db, principal: Principal, caseId: string, input: unknown, { clock = systemClock }: Options = {}): Promise<Result<{ version: number }>> {
  return transact(db, async (trx) => {
    const { expectedVersion } = parse(ConfirmCompletenessSchema, input);
    const row = await lockAuthorityCase(trx, principal, caseId);
    checkCaseVersion(row, expectedVersion);
    requireStatus(row, ["submitted"], "Die Bestätigung der Vollständigkeit");
    const now = clock.now();
    const version = await changeCase(trx, principal, row, { status: "in_review", completeness_confirmed_at: now }, "completeness_confirmed", { status: "in_review" }, now);
    return { version };
  });
}

/**
 * Nachforderung: asks the operator for missing items. Only within the completeness period after
 * receipt (§ 127 Abs. 3 TKG: one month); the clock stops until the operator amends the application.
 */
export async function requestMissingItems(db: Db, principal: Principal, caseId: string, input: unknown, { clock = systemClock }: Options = {}): Promise<Result<{ version: number; requestId: string }>> {
  return transact(db, async (trx) => {
    const data = parse(RequestMissingItemsSchema, input);
    const row = await lockAuthorityCase(trx, principal, caseId);
    checkCaseVersion(row, data.expectedVersion);
    requireStatus(row, OPEN_FOR_DECISION, "Eine Nachforderung");
    const now = clock.now();
    const today = berlinDate(now);
    if (row.completeness_due_on && today > row.completeness_due_on) {
      fail({
        code: "wrong_state",
        message: `Unterlagen können nur bis zum ${formatGermanDate(row.completeness_due_on)} nachgefordert werden (ein Monat nach Eingang). Danach gilt der Antrag als vollständig.`,
      });
    }
    const items = data.items.map((key) => MISSING_ITEM_CHECKLIST[key]);
    const [request] = await trx("case_requests")
      .insert({ case_id: row.id, items: JSON.stringify(data.items), body: data.body || items.join("; "), requested_by: principal.userId, requested_at: now })
      .returning("id");
    const version = await changeCase(
      trx,
      principal,
      row,
      { status: "incomplete", clock_stopped_at: now, decision_due_on: null },
      "missing_items_requested",
      { status: "incomplete", requestId: request.id, items: data.items, clockStopped: true, decisionDueOnBefore: row.decision_due_on },
      now,
    );
    // the Nachforderung as a document of the case, beside the message thread
    await issueDocument(trx, row.id, { kind: "missing_items", issuedBy: principal.userId, now, requestId: request.id });
    // the operator reads the request in the case's message thread, too
    const text = [items.length > 0 ? `Es fehlen: ${items.join("; ")}.` : "", data.body].filter(Boolean).join("\n\n");
    await trx("case_messages").insert({ case_id: row.id, author_user_id: principal.userId, author_organisation_id: principal.organisation.id, body: `Nachforderung: ${text}`, created_at: now });
    const contact = await applicationContact(trx, row.application_id);
    if (contact.email) {
      await enqueueMail(trx, {
        dedupeKey: `case:${row.id}:request:${request.id}`,
        to: contact.email,
        ...missingItemsRequested({ fileNumber: row.file_number, title: contact.title, authorityName: principal.organisation.name, items, body: data.body }),
      });
    }
    return { version, requestId: request.id as string };
  });
}

/** Involves a consulted body (nature, water, heritage, traffic) with a due date for its statement. */
export async function involveBody(db: Db, principal: Principal, caseId: string, input: unknown, { clock = systemClock }: Options = {}): Promise<Result<{ version: number; involvementId: string }>> {
  return transact(db, async (trx) => {
    const data = parse(InvolveBodySchema, input);
    const row = await lockAuthorityCase(trx, principal, caseId);
    checkCaseVersion(row, data.expectedVersion);
    requireStatus(row, ["submitted", "incomplete", "in_review"], "Die Beteiligung einer Fachbehörde");
    const now = clock.now();
    if (data.dueOn < berlinDate(now)) fail(invalid([{ code: "custom", path: ["dueOn"], message: "Die Frist darf nicht in der Vergangenheit liegen." }]));
    const body = await trx("organisations").where({ id: data.bodyId, kind: "consulted_body" }).first("id", "name", "email");
    if (!body) fail(invalid([{ code: "custom", path: ["bodyId"], message: "Bitte wählen Sie eine Fachbehörde aus der Liste." }]));
    const existing = await trx("case_involvements").where({ case_id: row.id, body_id: body.id }).forUpdate().first("id", "status", "version");
    if (existing && existing.status !== "cancelled") fail({ code: "wrong_state", message: `${body.name} ist an diesem Fall bereits beteiligt.` });
    const values = { question: data.question, due_on: data.dueOn, requested_by: principal.userId, requested_at: now, status: "requested", statement: null, statement_text: null, conditions: "[]", answered_by: null, answered_at: null };
    const involvementId: string = existing
      ? (await trx("case_involvements").where({ id: existing.id }).update({ ...values, version: existing.version + 1 }).returning("id"))[0].id
      : (await trx("case_involvements").insert({ case_id: row.id, body_id: body.id, ...values }).returning("id"))[0].id;
    const version = await changeCase(trx, principal, row, {}, "body_involved", { involvementId, bodyId: body.id, bodyName: body.name, dueOn: data.dueOn }, now);
    const contact = await applicationContact(trx, row.application_id);
    const recipients = body.email ? [body.email] : await organisationMemberEmails(trx, body.id, ["consulted_body"]);
    for (const to of recipients) {
      await enqueueMail(trx, {
        dedupeKey: `involvement:${involvementId}:v${existing ? existing.version + 1 : 1}:request:${to}`,
        to,
        ...involvementRequest({ fileNumber: row.file_number, title: contact.title, authorityName: principal.organisation.name, dueOn: data.dueOn, question: data.question }),
      });
    }
    return { version, involvementId };
  });
}

/** The consulted body's statement: agree, agree with conditions, or object. Its conditions go into the consent. */
export async function giveStatement(db: Db, principal: Principal, involvementId: string, input: unknown, { clock = systemClock }: Options = {}): Promise<Result<{ version: number }>> {
  return transact(db, async (trx) => {
    const data = parse(StatementSchema, input);
    if (principal.role !== "consulted_body" || !isUuid(involvementId)) fail(CASE_NOT_FOUND);
    const inv = await trx("case_involvements as i")
      .join("cases as c", "c.id", "i.case_id")
      .where("i.id", involvementId)
      .forUpdate("i")
      .first("i.id", "i.case_id", "i.body_id", "i.status", "i.version", "c.file_number", "c.status as case_status", "c.authority_id", "c.assigned_clerk_id");
    if (!inv || inv.body_id !== principal.organisation.id) fail(CASE_NOT_FOUND);
    if (inv.version !== data.expectedVersion) {
      fail({ code: "conflict", message: "Die Anfrage wurde inzwischen geändert. Bitte laden Sie die Seite neu.", currentVersion: inv.version });
    }
    if (inv.status !== "requested") fail({ code: "wrong_state", message: inv.status === "answered" ? "Sie haben zu diesem Fall bereits Stellung genommen." : "Die Anfrage wurde zurückgenommen." });
    if (!["submitted", "incomplete", "in_review"].includes(inv.case_status)) fail({ code: "wrong_state", message: "Über den Fall ist bereits entschieden; eine Stellungnahme ist nicht mehr möglich." });
    const now = clock.now();
    const conditions = data.statement === "agree" ? [] : data.conditions;
    await trx("case_involvements")
      .where({ id: inv.id })
      .update({ status: "answered", statement: data.statement, statement_text: data.text || null, conditions: JSON.stringify(conditions), answered_by: principal.userId, answered_at: now, version: inv.version + 1 });
    await recordAudit(trx, {
      actorUserId: principal.userId,
      organisationId: principal.organisation.id,
      entityType: "case",
      entityId: inv.case_id,
      action: "statement_given",
      payload: { involvementId: inv.id, statement: data.statement, conditions: conditions.length },
      at: now,
    });
    const clerk = inv.assigned_clerk_id ? await trx("users").where({ id: inv.assigned_clerk_id }).first("email") : null;
    const authority = await trx("organisations").where({ id: inv.authority_id }).first("email");
    const to = clerk?.email ?? authority?.email;
    if (to) {
      await enqueueMail(trx, {
        dedupeKey: `involvement:${inv.id}:statement`,
        to,
        ...statementReceived({ fileNumber: inv.file_number, bodyName: principal.organisation.name, statement: STATEMENT_LABELS[data.statement] }),
      });
    }
    return { version: inv.version + 1 };
  });
}

/** Extends the decision period once (by the rule's extension period, § 127 Abs. 3 TKG: one month), with a reason. */
export async function extendDeadline(db: Db, principal: Principal, caseId: string, input: unknown, { clock = systemClock }: Options = {}): Promise<Result<{ version: number; decisionDueOn: string }>> {
  return transact(db, async (trx) => {
    const data = parse(ExtendDeadlineSchema, input);
    const row = await lockAuthorityCase(trx, principal, caseId);
    checkCaseVersion(row, data.expectedVersion);
    requireStatus(row, OPEN_FOR_DECISION, "Eine Fristverlängerung");
    const { rule, state } = await authorityProcedure(trx, row.authority_id);
    if (row.extension_count >= rule.maxExtensions) {
      fail({ code: "wrong_state", message: rule.maxExtensions === 1 ? "Die Frist wurde bereits einmal verlängert; eine weitere Verlängerung ist nicht zulässig." : `Die Frist wurde bereits ${rule.maxExtensions}-mal verlängert.` });
    }
    const now = clock.now();
    if (!row.decision_due_on || berlinDate(now) > row.decision_due_on) fail({ code: "wrong_state", message: "Die Frist ist bereits abgelaufen und kann nicht mehr verlängert werden." });
    const extended = extendedDueDate(rule, state, row.decision_due_on);
    const version = await changeCase(
      trx,
      principal,
      row,
      { decision_due_on: extended.due, extension_count: row.extension_count + 1, extension_reason: data.reason },
      "deadline_extended",
      { from: row.decision_due_on, to: extended.due, reason: data.reason, shift: extended.reason },
      now,
    );
    return { version, decisionDueOn: extended.due };
  });
}

/**
 * Decides the case: approve (with conditions and hints) or reject (with reasons). Conditions of
 * consulted bodies are always part of a consent (§ 127 Abs. 5 TKG); a statement still outstanding
 * blocks the decision, and approving against an objection needs reasons.
 */
export async function decideCase(db: Db, principal: Principal, caseId: string, input: unknown, { clock = systemClock }: Options = {}): Promise<Result<{ version: number; status: "approved" | "rejected" }>> {
  return transact(db, async (trx) => {
    const data = parse(DecideSchema, input);
    const row = await lockAuthorityCase(trx, principal, caseId);
    checkCaseVersion(row, data.expectedVersion);
    requireStatus(row, OPEN_FOR_DECISION, "Eine Entscheidung");
    return decide(trx, principal, row, data.decision, data.reasons, data.conditions, clock.now(), "decided");
  });
}

async function decide(
  trx: Knex.Transaction,
  principal: Principal,
  row: CaseRow,
  decision: "approve" | "reject",
  reasons: string,
  conditions: DecisionCondition[],
  now: Date,
  action: string,
): Promise<{ version: number; status: "approved" | "rejected" }> {
  const involvements = await trx("case_involvements as i")
    .join("organisations as o", "o.id", "i.body_id")
    .where("i.case_id", row.id)
    .whereNot("i.status", "cancelled")
    .select("i.id", "i.status", "i.statement", "i.conditions", "o.name");
  const pending = involvements.filter((i) => i.status === "requested");
  if (pending.length > 0) {
    fail({ code: "wrong_state", message: `Die Stellungnahme von ${pending.map((i) => i.name).join(", ")} steht noch aus. Entscheidungen der Fachbehörden ergehen zusammen mit der Zustimmung (§ 127 Abs. 5 TKG).` });
  }
  const objections = involvements.filter((i) => i.statement === "object");
  if (decision === "approve" && objections.length > 0 && !reasons) {
    fail(invalid([{ code: "custom", path: ["reasons"], message: `${objections.map((i) => i.name).join(", ")} hat Einwände erhoben. Bitte begründen Sie, warum Sie dennoch zustimmen.` }]));
  }
  const status = decision === "approve" ? "approved" : "rejected";
  const final = decision === "approve" ? withBodyConditions(conditions, involvements) : [];
  await trx("case_conditions").where({ case_id: row.id }).delete();
  if (final.length > 0) {
    await trx("case_conditions").insert(
      final.map((c, position) => ({
        case_id: row.id,
        kind: c.kind,
        title: c.title,
        body: c.body,
        source: c.source,
        template_id: c.templateId ?? null,
        involvement_id: c.involvementId ?? null,
        position,
      })),
    );
  }
  const version = await changeCase(
    trx,
    principal,
    row,
    { status, decided_at: now, decided_by: principal.userId, decision_reasons: reasons || null, clock_stopped_at: now, ...(row.status === "submitted" ? { completeness_confirmed_at: now } : {}) },
    action,
    { status, conditions: final.filter((c) => c.kind === "condition").length, hints: final.filter((c) => c.kind === "hint").length, decisionDueOn: row.decision_due_on },
    now,
  );
  // the Bescheid is issued with the decision: both are written, or neither
  await issueDocument(trx, row.id, { kind: status === "approved" ? "consent" : "rejection", issuedBy: principal.userId, now });
  const contact = await applicationContact(trx, row.application_id);
  if (contact.email) {
    await enqueueMail(trx, {
      dedupeKey: `case:${row.id}:decision`,
      to: contact.email,
      ...decisionNotice({ fileNumber: row.file_number, title: contact.title, authorityName: principal.organisation.name, decision: status, conditions: final.length }),
    });
  }
  return { version, status };
}

/** The clerk's conditions plus every condition a consulted body attached, each once. */
function withBodyConditions(conditions: DecisionCondition[], involvements: { id: string; conditions: unknown }[]): DecisionCondition[] {
  const result = [...conditions];
  for (const inv of involvements) {
    const list = (Array.isArray(inv.conditions) ? inv.conditions : []) as { title: string; body: string }[];
    for (const c of list) {
      if (!result.some((r) => r.involvementId === inv.id && r.title === c.title)) {
        result.push({ kind: "condition", title: c.title, body: c.body, source: "consulted_body", involvementId: inv.id, templateId: null });
      }
    }
  }
  return result;
}

/** Whether a check report allows the fast track: nothing above `hint`. */
export function fastTrackEligible(report: CheckReport): boolean {
  const severities = [...report.findings, ...report.conflicts, ...report.method].map((f) => f.severity);
  return severities.every((s) => s === "hint");
}

/**
 * Fast track (Schnellverfahren, if the authority enabled it): a case whose check shows nothing
 * above `hint` and that involves no consulted body is approved with the standard conditions, in
 * one click.
 */
export async function fastTrackApprove(db: Db, principal: Principal, caseId: string, input: unknown, { clock = systemClock }: Options = {}): Promise<Result<{ version: number; status: "approved" | "rejected" }>> {
  return transact(db, async (trx) => {
    const { expectedVersion } = parse(ConfirmCompletenessSchema, input);
    const row = await lockAuthorityCase(trx, principal, caseId);
    checkCaseVersion(row, expectedVersion);
    requireStatus(row, OPEN_FOR_DECISION, "Die Zustimmung im Schnellverfahren");
    const authority = await trx("organisations").where({ id: row.authority_id }).first("fast_track_enabled");
    if (!authority?.fast_track_enabled) fail({ code: "forbidden", message: "Das Schnellverfahren ist für Ihre Behörde nicht eingeschaltet." });
    const version = await trx("application_versions").where({ application_id: row.application_id, version_no: row.application_version }).first("check_report");
    if (!version || !fastTrackEligible(version.check_report as CheckReport)) {
      fail({ code: "wrong_state", message: "Die Prüfung dieses Antrags zeigt mehr als Hinweise; er muss einzeln geprüft werden." });
    }
    if (await trx("case_involvements").where({ case_id: row.id }).whereNot("status", "cancelled").first("id")) {
      fail({ code: "wrong_state", message: "An diesem Fall sind Fachbehörden beteiligt; er muss einzeln entschieden werden." });
    }
    const standard = (await templatesForCase(trx, row.authority_id)).filter((t) => t.standard);
    const conditions: DecisionCondition[] = standard.map((t) => ({ kind: t.kind, title: t.title, body: t.body, source: "catalogue", templateId: t.id, involvementId: null }));
    return decide(trx, principal, row, "approve", "", conditions, clock.now(), "fast_track_approved");
  });
}

/** Assigns cases (one, or many of a large project at once) to a clerk of the authority, or unassigns them. */
export async function assignCases(db: Db, principal: Principal, input: unknown, { clock = systemClock }: Options = {}): Promise<Result<{ assigned: number }>> {
  return transact(db, async (trx) => {
    const data = parse(AssignSchema, input);
    if (!isAuthorityStaff(principal)) fail({ code: "forbidden", message: "Fälle weisen nur Mitarbeitende der Straßenbaubehörde zu." });
    if (data.clerkId) {
      const member = await trx("memberships").where({ user_id: data.clerkId, organisation_id: principal.organisation.id }).whereIn("role", ["authority_clerk", "authority_admin"]).first("user_id");
      if (!member) fail(invalid([{ code: "custom", path: ["clerkId"], message: "Diese Person gehört nicht zu Ihrer Behörde." }]));
    }
    const rows = await trx("cases").whereIn("id", data.caseIds).where({ authority_id: principal.organisation.id }).forUpdate().select("id", "assigned_clerk_id", "file_number");
    if (rows.length !== new Set(data.caseIds).size) fail(CASE_NOT_FOUND);
    const moved = rows.filter((r) => data.seen?.[r.id] !== undefined && (data.seen[r.id] || null) !== r.assigned_clerk_id);
    if (moved.length > 0) {
      fail({
        code: "conflict",
        message: `${moved.map((r) => r.file_number).join(", ")}: inzwischen von jemand anderem zugewiesen. Bitte laden Sie die Seite neu; es wurde nichts zugewiesen.`,
        currentVersion: 0,
      });
    }
    const now = clock.now();
    const changed = rows.filter((r) => r.assigned_clerk_id !== data.clerkId);
    if (changed.length > 0) {
      await trx("cases").whereIn("id", changed.map((r) => r.id)).update({ assigned_clerk_id: data.clerkId, updated_at: now });
      for (const r of changed) {
        await recordAudit(trx, {
          actorUserId: principal.userId,
          organisationId: principal.organisation.id,
          entityType: "case",
          entityId: r.id,
          action: "assigned",
          payload: { fileNumber: r.file_number, from: r.assigned_clerk_id, to: data.clerkId },
          at: now,
        });
      }
    }
    return { assigned: changed.length };
  });
}
