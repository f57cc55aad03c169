import type { Transporter } from "nodemailer";
import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { enqueueJob, type JobHandler, type JobHandlers, type JobInfo } from "~/modules/jobs/queue.server";
import { systemClock, type Clock } from "~/utils/clock";
import { MAIL_SEND_JOB, mailSendJob } from "./outbox.server";
import { createMailTransport, outboxMessageId } from "./smtp.server";

/**
 * Sending the outbox: one `mail.send` job per outbox row.
 *
 * Outbox status: pending → sent (delivered to the SMTP server), kept (no SMTP server configured;
 * final, also if one is configured later, so old demo mails never go out), or failed (the job
 * runner gave up after the job's max attempts: the job's onFailure marks the row failed in the same
 * transaction that fails the job). Every failed attempt counts in outbox.attempts/last_error.
 *
 * The mail is sent inside the job transaction, which is committed right after: a crash between
 * the two resends the mail on the next run, with the same Message-ID.
 */

export interface Mailer {
  /** null: no SMTP server configured */
  transport: Transporter | null;
  /** envelope and header sender */
  from: string;
}

let defaultMailer: Mailer | undefined;

/** The mailer of this process, from the environment; created once. */
export function mailerFromEnv(): Mailer {
  if (!defaultMailer) {
    const config = env();
    defaultMailer = { transport: createMailTransport(config), from: config.SMTP_FROM };
  }
  return defaultMailer;
}

function outboxIdOf(job: JobInfo): number {
  const raw = (job.payload as { outboxId?: unknown } | null)?.outboxId;
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`mail.send job ${job.id}: payload has no valid outboxId`);
  return id;
}

/** The `mail.send` handler for a given mailer (tests pass their own; the app uses mailerFromEnv). */
export function createSendMailJob(getMailer: () => Mailer): JobHandler {
  const handler: JobHandler = async (job, { trx, clock }) => {
    const outboxId = outboxIdOf(job);
    // the row lock keeps a second send of the same row out until this one is recorded
    const row = await trx("outbox").where({ id: outboxId }).forUpdate().first();
    if (!row || row.status === "sent" || row.status === "kept") return;
    const mailer = getMailer();
    if (!mailer.transport) {
      await trx("outbox").where({ id: outboxId }).update({ status: "kept", last_error: null });
      return;
    }
    const info = await mailer.transport.sendMail({
      from: mailer.from,
      to: row.to_address,
      subject: row.subject,
      text: row.body_text,
      messageId: outboxMessageId(outboxId, row.dedupe_key, mailer.from),
      // RFC 3834: no out-of-office replies to automatic notices
      headers: { "Auto-Submitted": "auto-generated" },
    });
    const rejected = (info.rejected ?? []) as unknown[];
    if (rejected.length > 0) throw new Error(`recipient rejected: ${rejected.map(String).join(", ")}`);
    await trx("outbox")
      .where({ id: outboxId })
      .update({ status: "sent", sent_at: clock.now(), attempts: trx.raw("attempts + 1") });
  };
  handler.onFailure = async (job, error, { trx, clock, retryAt }) => {
    const outboxId = outboxIdOf(job);
    await trx("outbox")
      .where({ id: outboxId })
      .whereNotIn("status", ["sent", "kept"])
      .update({
        status: retryAt ? "pending" : "failed",
        attempts: trx.raw("attempts + 1"),
        last_error: (error instanceof Error ? error.message : String(error)).slice(0, 2000),
        next_attempt_at: retryAt ?? clock.now(),
      });
  };
  return handler;
}

/** The `mail.send` handler of the app: SMTP from the environment, or 'kept' without SMTP_HOST. */
export const sendMailJob: JobHandler = createSendMailJob(mailerFromEnv);

export const mailJobHandlers: JobHandlers = { [MAIL_SEND_JOB]: sendMailJob };

/**
 * Gives every pending outbox row its `mail.send` job (idempotent: the job's dedupe key). For rows
 * written before mails were sent by jobs; call once at startup. Returns how many jobs were created.
 */
export async function enqueuePendingMails(db: Db, clock: Clock = systemClock): Promise<number> {
  const rows = await db("outbox").where({ status: "pending" }).orderBy("id").select("id");
  let created = 0;
  for (const row of rows) {
    if (await enqueueJob(db, mailSendJob(Number(row.id)), clock)) created++;
  }
  return created;
}
