import type { Knex } from "knex";
import type { Db } from "~/db.server";
import { fail, isUuid } from "~/modules/applications/access.server";
import type { CaseStatus } from "~/modules/applications/schema";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Principal } from "~/modules/auth/session.server";

export const CASE_NOT_FOUND = { code: "not_found", message: "Diesen Fall gibt es nicht, oder Sie haben keinen Zugriff darauf." } as const;

export const OPEN_FOR_DECISION: readonly CaseStatus[] = ["submitted", "in_review"];

export interface CaseRow {
  id: string;
  application_id: string;
  authority_id: string;
  file_number: string;
  status: CaseStatus;
  version: number;
  application_version: number;
  received_at: Date;
  clock_started_at: Date | null;
  clock_stopped_at: Date | null;
  completeness_due_on: string | null;
  decision_due_on: string | null;
  extension_count: number;
  procedure_rule_key: string | null;
  assigned_clerk_id: string | null;
}

export function caseColumns(db: Db) {
  return [
    "c.id",
    "c.application_id",
    "c.authority_id",
    "c.file_number",
    "c.status",
    "c.version",
    "c.application_version",
    "c.received_at",
    "c.clock_started_at",
    "c.clock_stopped_at",
    db.raw("c.completeness_due_on::text AS completeness_due_on"),
    db.raw("c.decision_due_on::text AS decision_due_on"),
    "c.extension_count",
    "c.procedure_rule_key",
    "c.assigned_clerk_id",
  ];
}

export function isAuthorityStaff(principal: Principal): boolean {
  return principal.role === "authority_clerk" || principal.role === "authority_admin";
}

/**
 * The case, locked for this transaction, when the principal works for its authority. Anyone else
 * fails with not_found (state staff with forbidden: they read, they do not decide), so a clerk of
 * another authority cannot learn that the case exists.
 */
export async function lockAuthorityCase(trx: Knex.Transaction, principal: Principal, id: string): Promise<CaseRow> {
  if (!isUuid(id)) fail(CASE_NOT_FOUND);
  const row = await trx("cases as c").where("c.id", id).forUpdate().first<CaseRow | undefined>(caseColumns(trx));
  if (!row) fail(CASE_NOT_FOUND);
  if (isAuthorityStaff(principal) && row.authority_id === principal.organisation.id) return row;
  if (principal.role === "state_analyst") fail({ code: "forbidden", message: "Die Landesebene sieht Fälle ein, entscheidet aber nicht." });
  fail(CASE_NOT_FOUND);
}

export function checkCaseVersion(row: { version: number }, expectedVersion: number): void {
  if (row.version !== expectedVersion) {
    fail({
      code: "conflict",
      message: "Der Fall wurde inzwischen von jemand anderem bearbeitet. Bitte laden Sie die Seite neu und prüfen Sie den aktuellen Stand; Ihre Eingabe wurde nicht übernommen.",
      currentVersion: row.version,
    });
  }
}

export function requireStatus(row: CaseRow, allowed: readonly CaseStatus[], what: string): void {
  if (!allowed.includes(row.status)) fail({ code: "wrong_state", message: `${what} ist im Status „${statusText(row.status)}“ nicht möglich.` });
}

function statusText(status: CaseStatus): string {
  const labels: Record<CaseStatus, string> = {
    submitted: "eingegangen",
    incomplete: "unvollständig",
    in_review: "in Prüfung",
    approved: "zugestimmt",
    rejected: "abgelehnt",
    deemed_approved: "Zustimmung fingiert",
    withdrawn: "zurückgezogen",
  };
  return labels[status];
}

/** Applies a state change to a locked case: bumps its version (the optimistic lock) and audits it. */
export async function changeCase(
  trx: Knex.Transaction,
  principal: Principal | null,
  row: CaseRow,
  changes: Record<string, unknown>,
  action: string,
  payload: Record<string, unknown>,
  now: Date,
): Promise<number> {
  const version = row.version + 1;
  await trx("cases").where({ id: row.id }).update({ ...changes, version, updated_at: now });
  await recordAudit(trx, {
    actorUserId: principal?.userId ?? null,
    organisationId: principal?.organisation.id ?? null,
    entityType: "case",
    entityId: row.id,
    action,
    payload: { fileNumber: row.file_number, previousStatus: row.status, ...payload },
    at: now,
  });
  return version;
}

/** Title and contact address of the application behind a case (the operator's contact of the current version). */
export async function applicationContact(db: Db, applicationId: string): Promise<{ title: string; email: string | null; operatorName: string }> {
  const row = await db("applications as a")
    .join("organisations as o", "o.id", "a.operator_id")
    .leftJoin("application_versions as v", function () {
      this.on("v.application_id", "a.id").andOn("v.version_no", "a.current_version");
    })
    .where("a.id", applicationId)
    .first("a.title", "o.name as operator_name", db.raw("v.data->'form'->'contact'->>'email' AS email"));
  return { title: row.title, email: row.email ?? null, operatorName: row.operator_name };
}

/** Where an authority's notices go: the assigned clerk, else the authority's address, else its clerks. */
export async function authorityRecipients(db: Db, authorityId: string, assignedClerkId: string | null): Promise<string[]> {
  if (assignedClerkId) {
    const clerk = await db("users").where({ id: assignedClerkId, is_active: true }).first("email");
    if (clerk) return [clerk.email];
  }
  const org = await db("organisations").where({ id: authorityId }).first("email");
  if (org?.email) return [org.email];
  return organisationMemberEmails(db, authorityId, ["authority_clerk", "authority_admin"]);
}

export async function organisationMemberEmails(db: Db, organisationId: string, roles: string[]): Promise<string[]> {
  const rows = await db("memberships as m")
    .join("users as u", "u.id", "m.user_id")
    .where({ "m.organisation_id": organisationId, "u.is_active": true })
    .whereIn("m.role", roles)
    .orderBy("u.email")
    .select("u.email");
  return rows.map((r) => r.email as string);
}
