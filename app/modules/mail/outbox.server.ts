import type { Db } from "~/db.server";
import { enqueueJob } from "~/modules/jobs/queue.server";
import { systemClock, type Clock } from "~/utils/clock";

/**
 * E-mails leave through the outbox table: written in the transaction of the event that causes
 * them (so a rolled-back change sends nothing) and sent later by a job. The dedupe key names the
 * event, so a retried action never mails twice. Each new row gets a `mail.send` job (send.server.ts)
 * in the same transaction.
 */
export interface OutgoingMail {
  /** e.g. `application:<id>:v1:confirmation`; the same key is enqueued at most once */
  dedupeKey: string;
  to: string;
  subject: string;
  body: string;
}

export const MAIL_SEND_JOB = "mail.send";

/** The job that sends one outbox row; the dedupe key ties it to the row, so it exists at most once. */
export function mailSendJob(outboxId: number) {
  return { kind: MAIL_SEND_JOB, payload: { outboxId }, dedupeKey: `mail:${outboxId}` };
}

/**
 * Enqueues a mail and the job that sends it; returns false when a mail with this dedupe key was
 * enqueued before (then no second job either). Pass the event's transaction.
 */
export async function enqueueMail(db: Db, mail: OutgoingMail, clock: Clock = systemClock): Promise<boolean> {
  const rows = await db("outbox")
    .insert({ dedupe_key: mail.dedupeKey, to_address: mail.to, subject: mail.subject, body_text: mail.body })
    .onConflict("dedupe_key")
    .ignore()
    .returning("id");
  const row = rows[0];
  if (!row) return false;
  await enqueueJob(db, mailSendJob(Number(row.id)), clock);
  return true;
}

/** kept: no SMTP server configured, the mail was not sent and stays readable on /entwicklung/mails */
export type OutboxStatus = "pending" | "sent" | "failed" | "kept";

export interface OutboxEntry {
  id: number;
  dedupeKey: string;
  to: string;
  subject: string;
  body: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** The newest mails first, for the developer page that shows what the portal would send. */
export async function listOutbox(db: Db, options: { status?: OutboxStatus; to?: string; limit?: number } = {}): Promise<OutboxEntry[]> {
  const query = db("outbox").orderBy("id", "desc").limit(Math.min(Math.max(options.limit ?? 100, 1), 1000));
  if (options.status) query.where({ status: options.status });
  if (options.to) query.whereRaw("lower(to_address) = lower(?)", [options.to]);
  const rows = await query.select("id", "dedupe_key", "to_address", "subject", "body_text", "status", "attempts", "last_error", "created_at", "sent_at");
  return rows.map((r) => ({
    id: Number(r.id),
    dedupeKey: r.dedupe_key,
    to: r.to_address,
    subject: r.subject,
    body: r.body_text,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: new Date(r.created_at).toISOString(),
    sentAt: r.sent_at ? new Date(r.sent_at).toISOString() : null,
  }));
}
