import type { Db } from "~/db.server";
import { fail, invalid, transact } from "~/modules/applications/access.server";
import type { Result } from "~/modules/applications/errors";
import type { Principal } from "~/modules/auth/session.server";
import { enqueueMail } from "~/modules/mail/outbox.server";
import { applicationContact, changeCase, checkCaseVersion, lockAuthorityCase, requireStatus } from "~/modules/review/access.server";
import { systemClock, type Clock } from "~/utils/clock";
import { DOCUMENT_KIND_LABELS, type DocumentKind } from "./model";
import { CorrectionSchema } from "./schema";
import { issueDocument } from "./service.server";
import { correctionNotice } from "./mails";

/**
 * Berichtigung (§ 42 VwVfG): corrects obvious errors in a consent or rejection. The issued
 * document stays as it was; a new version is issued that points to it, with the reason. The
 * wording of the reasons and conditions may change, their number may not (that would be a new
 * decision, not a correction).
 */
export async function correctDecisionDocument(
  db: Db,
  principal: Principal,
  caseId: string,
  input: unknown,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<Result<{ version: number; documentId: string }>> {
  return transact(db, async (trx) => {
    const parsed = CorrectionSchema.safeParse(input);
    if (!parsed.success) fail(invalid(parsed.error.issues));
    const data = parsed.data;
    const row = await lockAuthorityCase(trx, principal, caseId);
    checkCaseVersion(row, data.expectedVersion);
    requireStatus(row, ["approved", "rejected"], "Eine Berichtigung");
    const doc = await trx("documents as d")
      .leftJoin("documents as n", "n.replaces_id", "d.id")
      .where({ "d.id": data.documentId, "d.case_id": row.id })
      .first("d.id", "d.kind", "n.id as replaced_by");
    if (!doc || !["consent", "rejection"].includes(doc.kind)) fail({ code: "not_found", message: "Diesen Bescheid gibt es in diesem Fall nicht." });
    if (doc.replaced_by) fail({ code: "conflict", message: "Dieser Bescheid wurde bereits berichtigt. Bitte laden Sie die Seite neu und berichtigen Sie die neueste Fassung.", currentVersion: row.version });

    if (data.conditions) {
      const existing = await trx("case_conditions").where({ case_id: row.id }).orderBy("position").select("id");
      if (existing.length !== data.conditions.length) {
        fail(invalid([{ code: "custom", path: ["conditions"], message: "Eine Berichtigung ändert nur den Wortlaut; Nebenbestimmungen hinzufügen oder streichen ist eine neue Entscheidung." }]));
      }
      for (const [i, c] of data.conditions.entries()) await trx("case_conditions").where({ id: existing[i]!.id }).update({ title: c.title, body: c.body });
    }
    const now = clock.now();
    const version = await changeCase(
      trx,
      principal,
      row,
      data.reasons !== undefined ? { decision_reasons: data.reasons || null } : {},
      "decision_corrected",
      { documentId: doc.id, reason: data.reason },
      now,
    );
    const issued = await issueDocument(trx, row.id, { kind: doc.kind as DocumentKind, issuedBy: principal.userId, now, replaces: { id: doc.id, reason: data.reason } });
    const contact = await applicationContact(trx, row.application_id);
    if (contact.email) {
      await enqueueMail(trx, {
        dedupeKey: `document:${issued.id}:correction`,
        to: contact.email,
        ...correctionNotice({ fileNumber: row.file_number, title: contact.title, authorityName: principal.organisation.name, kindLabel: DOCUMENT_KIND_LABELS[doc.kind as DocumentKind], reason: data.reason }),
      });
    }
    return { version, documentId: issued.id };
  });
}
