import type { Knex } from "knex";
import { berlinDate, daysBetween, formatGermanDate } from "~/modules/deadlines/calendar";
import { procedureRule } from "~/modules/deadlines/case-clock.server";
import { issueDocument } from "~/modules/documents/service.server";
import { enqueueMail } from "~/modules/mail/outbox.server";
import type { Clock } from "~/utils/clock";
import { applicationContact, authorityRecipients, caseColumns, changeCase, organisationMemberEmails, type CaseRow } from "./access.server";
import { deadlineReminder, deemedApprovalNotice, statementOverdue } from "./mails";

export interface SweepResult {
  deemedApproved: number;
  reminders: number;
  overdueStatements: number;
}

/**
 * The deadline job (kind `deadlines.sweep`, run every few minutes by the job runner):
 * - a case whose decision period ended unanswered becomes deemed approved (Zustimmungsfiktion,
 *   § 127 Abs. 3 TKG), with the reason recorded;
 * - clerks are reminded 14 and 3 days (the rule's reminder days) before a deadline;
 * - consulted bodies are reminded of overdue statements.
 * Idempotent: the status guards the approval and the outbox's dedupe keys guard every mail, so a
 * retried or doubled run changes nothing more.
 */
export async function sweepDeadlines(db: Knex.Transaction, clock: Clock): Promise<SweepResult> {
  const now = clock.now();
  const today = berlinDate(now);
  const result: SweepResult = { deemedApproved: 0, reminders: 0, overdueStatements: 0 };

  // a period ends at the end of its last day: deemed granted from the day after
  const expired: CaseRow[] = await db("cases as c")
    .join("procedure_rules as r", "r.key", "c.procedure_rule_key")
    .whereIn("c.status", ["submitted", "in_review"])
    .where("r.deemed_approval", true)
    .whereNotNull("c.decision_due_on")
    .where("c.decision_due_on", "<", today)
    .orderBy("c.decision_due_on")
    .forUpdate("c")
    .select(caseColumns(db));
  for (const row of expired) {
    const rule = await procedureRule(db, row.procedure_rule_key!);
    const due = row.decision_due_on!;
    const reason = `Über den Antrag wurde bis zum Ablauf der Entscheidungsfrist am ${formatGermanDate(due)} nicht entschieden; die Zustimmung gilt nach ${rule.legalBasis} als erteilt.`;
    await changeCase(db, null, row, { status: "deemed_approved", decided_at: now, deemed_reason: reason, clock_stopped_at: now }, "deemed_approved", { status: "deemed_approved", decisionDueOn: due, rule: rule.key, reason }, now);
    await issueDocument(db, row.id, { kind: "deemed_certificate", issuedBy: null, now });
    const contact = await applicationContact(db, row.application_id);
    const authority = await db("organisations").where({ id: row.authority_id }).first("name");
    const mail = deemedApprovalNotice({ fileNumber: row.file_number, title: contact.title, authorityName: authority.name, dueOn: due, legalBasis: rule.legalBasis });
    const recipients = [...(contact.email ? [contact.email] : []), ...(await authorityRecipients(db, row.authority_id, row.assigned_clerk_id))];
    for (const to of new Set(recipients)) await enqueueMail(db, { dedupeKey: `case:${row.id}:deemed:${to}`, to, ...mail });
    result.deemedApproved += 1;
  }

  const running: (CaseRow & { reminder_days: unknown; title: string })[] = await db("cases as c")
    .join("procedure_rules as r", "r.key", "c.procedure_rule_key")
    .join("applications as a", "a.id", "c.application_id")
    .whereIn("c.status", ["submitted", "in_review"])
    .whereNotNull("c.decision_due_on")
    .where("c.decision_due_on", ">=", today)
    .select([...caseColumns(db), "r.reminder_days", "a.title"]);
  for (const row of running) {
    const daysLeft = daysBetween(today, row.decision_due_on!);
    // the nearest reminder point already reached: 14 days out, then 3; a late start skips the 14
    const point = (row.reminder_days as number[]).map(Number).filter((d) => daysLeft <= d).sort((a, b) => a - b)[0];
    if (point === undefined) continue;
    const mail = deadlineReminder({ fileNumber: row.file_number, title: row.title, dueOn: row.decision_due_on!, daysLeft });
    for (const to of await authorityRecipients(db, row.authority_id, row.assigned_clerk_id)) {
      if (await enqueueMail(db, { dedupeKey: `case:${row.id}:due:${row.decision_due_on}:reminder:${point}:${to}`, to, ...mail })) result.reminders += 1;
    }
  }

  const overdue = await db("case_involvements as i")
    .join("cases as c", "c.id", "i.case_id")
    .join("applications as a", "a.id", "c.application_id")
    .join("organisations as o", "o.id", "i.body_id")
    .where("i.status", "requested")
    .whereIn("c.status", ["submitted", "incomplete", "in_review"])
    .where("i.due_on", "<", today)
    .select("i.id", "i.body_id", db.raw("i.due_on::text AS due_on"), "c.file_number", "a.title", "o.email");
  for (const inv of overdue) {
    const recipients = inv.email ? [inv.email as string] : await organisationMemberEmails(db, inv.body_id, ["consulted_body"]);
    for (const to of recipients) {
      const mail = statementOverdue({ fileNumber: inv.file_number, title: inv.title, dueOn: inv.due_on });
      if (await enqueueMail(db, { dedupeKey: `involvement:${inv.id}:overdue:${inv.due_on}:${to}`, to, ...mail })) result.overdueStatements += 1;
    }
  }
  return result;
}
