import type { Db } from "~/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Principal } from "~/modules/auth/session.server";
import { enqueueMail } from "~/modules/mail/outbox.server";
import { newMessageNotice } from "~/modules/mail/templates";
import { canRead, fail, isUuid, transact } from "./access.server";
import type { Result } from "./errors";
import { MessageSchema } from "./schema";

/**
 * Messages of a case: between the operator of the application and the case's authority. State
 * staff may read them; reading marks the other party's messages as read only for a party.
 */
export interface CaseMessage {
  id: string;
  body: string;
  createdAt: string;
  author: { name: string | null; organisationId: string; organisationName: string };
  /** written by the principal's organisation */
  mine: boolean;
  readAt: string | null;
  /** unread by the principal's organisation until this view */
  isNew: boolean;
}

const CASE_NOT_FOUND = { code: "not_found", message: "Dieses Verfahren gibt es nicht, oder Sie haben keinen Zugriff darauf." } as const;

interface CaseContext {
  id: string;
  application_id: string;
  authority_id: string;
  file_number: string;
  operator_id: string;
  title: string;
  contact: { email?: string };
  authority_name: string;
  authority_email: string | null;
  operator_name: string;
}

async function caseContext(db: Db, caseId: string): Promise<CaseContext | undefined> {
  if (!isUuid(caseId)) return undefined;
  return db("cases as c")
    .join("applications as a", "a.id", "c.application_id")
    .join("organisations as au", "au.id", "c.authority_id")
    .join("organisations as op", "op.id", "a.operator_id")
    .where("c.id", caseId)
    .first(
      "c.id",
      "c.application_id",
      "c.authority_id",
      "c.file_number",
      "a.operator_id",
      "a.title",
      "a.contact",
      "au.name as authority_name",
      "au.email as authority_email",
      "op.name as operator_name",
    );
}

function partyOf(principal: Principal, ctx: CaseContext): "operator" | "authority" | null {
  if (principal.role === "operator" && ctx.operator_id === principal.organisation.id) return "operator";
  if ((principal.role === "authority_clerk" || principal.role === "authority_admin") && ctx.authority_id === principal.organisation.id) return "authority";
  return null;
}

/** Writes a message to the other party of the case and tells them by e-mail. */
export async function postMessage(db: Db, principal: Principal, caseId: string, body: string): Promise<Result<{ id: string; createdAt: string }>> {
  const parsed = MessageSchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: { code: "invalid", message: parsed.error.issues[0]!.message, fieldErrors: parsed.error.issues.map((i) => ({ path: "body", message: i.message })) } };
  return transact(db, async (trx) => {
    const ctx = await caseContext(trx, caseId);
    if (!ctx) fail(CASE_NOT_FOUND);
    const party = partyOf(principal, ctx);
    if (!party) {
      fail((await canRead(trx, principal, ctx.application_id)) ? { code: "forbidden", message: "Nachrichten schreiben nur der Antragsteller und die zuständige Behörde." } : CASE_NOT_FOUND);
    }
    const [row] = await trx("case_messages")
      .insert({ case_id: ctx.id, author_user_id: principal.userId, author_organisation_id: principal.organisation.id, body: parsed.data })
      .returning(["id", "created_at"]);
    await recordAudit(trx, {
      actorUserId: principal.userId,
      organisationId: principal.organisation.id,
      entityType: "case",
      entityId: ctx.id,
      action: "message_posted",
      payload: { messageId: row.id },
    });
    const to = party === "operator" ? ctx.authority_email : (ctx.contact.email ?? null);
    if (to) {
      const fromName = party === "operator" ? ctx.operator_name : ctx.authority_name;
      await enqueueMail(trx, { dedupeKey: `message:${row.id}`, to, ...newMessageNotice({ fileNumber: ctx.file_number, title: ctx.title, fromName }) });
    }
    return { id: row.id as string, createdAt: new Date(row.created_at).toISOString() };
  });
}

/** The messages of a case, oldest first, or null when the principal may not read them. */
export async function listMessages(db: Db, principal: Principal, caseId: string): Promise<CaseMessage[] | null> {
  const ctx = await caseContext(db, caseId);
  if (!ctx) return null;
  const party = partyOf(principal, ctx);
  const stateStaff = principal.role === "state_analyst" || principal.role === "platform_admin";
  if (!party && !stateStaff) return null;
  const orgId = principal.organisation.id;
  const rows = await db("case_messages as m")
    .leftJoin("users as u", "u.id", "m.author_user_id")
    .join("organisations as o", "o.id", "m.author_organisation_id")
    .where("m.case_id", ctx.id)
    .orderBy([{ column: "m.created_at" }, { column: "m.id" }])
    .select("m.id", "m.body", "m.created_at", "m.read_at", "m.author_organisation_id", "u.name as author_name", "o.name as organisation_name");
  const now = new Date();
  if (party) {
    await db("case_messages").where({ case_id: ctx.id }).whereNull("read_at").whereNot({ author_organisation_id: orgId }).update({ read_at: now });
  }
  return rows.map((r) => {
    const mine = r.author_organisation_id === orgId;
    const isNew = !mine && r.read_at === null;
    return {
      id: r.id,
      body: r.body,
      createdAt: new Date(r.created_at).toISOString(),
      author: { name: r.author_name, organisationId: r.author_organisation_id, organisationName: r.organisation_name },
      mine,
      readAt: r.read_at ? new Date(r.read_at).toISOString() : isNew && party ? now.toISOString() : null,
      isNew: isNew && party !== null,
    };
  });
}
