import type { Knex } from "knex";
import type { Db } from "~/db.server";
import { systemClock, type Clock } from "~/utils/clock";

/**
 * The durable job queue: background work is a row in `jobs`, written in the transaction of the
 * event that causes it (a rolled-back change schedules nothing) and run later by the job runner
 * (runner.server.ts). All state lives in the table, so a restart loses nothing.
 */

export interface NewJob {
  kind: string;
  payload?: unknown;
  /** not before this time; default: now */
  runAt?: Date;
  /** the same key is enqueued at most once, ever (also after the job ran) */
  dedupeKey?: string;
  /** default 8 (column default) */
  maxAttempts?: number;
}

/** What a handler gets to see of its job. attempts counts this run (1 on the first run). */
export interface JobInfo {
  id: number;
  kind: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
}

export interface JobContext {
  /** The job's transaction: the handler's writes and marking the job done commit together. */
  trx: Knex.Transaction;
  clock: Clock;
}

export interface JobFailureContext {
  /** a transaction separate from the rolled-back run, committed together with the retry or failure of the job */
  trx: Knex.Transaction;
  clock: Clock;
  /** when the job runs again, or null when the runner gave up (the job is now 'failed') */
  retryAt: Date | null;
}

/**
 * Runs one job. Throwing rolls back every write made through ctx.trx and schedules a retry with
 * backoff. Use only ctx.trx for database work: the embedded database has a single connection,
 * so a query on another connection inside a handler waits forever.
 *
 * onFailure (optional) records a failed attempt somewhere that must survive the rollback (e.g. the
 * outbox row); it runs in the runner's own transaction after the rollback.
 */
export type JobHandler = ((job: JobInfo, ctx: JobContext) => Promise<void>) & {
  onFailure?: (job: JobInfo, error: unknown, ctx: JobFailureContext) => Promise<void>;
};

export type JobHandlers = Record<string, JobHandler>;

/** Enqueues a job; returns false when a job with this dedupe key exists already. Works inside the caller's transaction. */
export async function enqueueJob(db: Db, job: NewJob, clock: Clock = systemClock): Promise<boolean> {
  const now = clock.now();
  const row: Record<string, unknown> = {
    kind: job.kind,
    payload: JSON.stringify(job.payload ?? {}),
    dedupe_key: job.dedupeKey ?? null,
    run_at: job.runAt ?? now,
    created_at: now,
  };
  if (job.maxAttempts !== undefined) row.max_attempts = job.maxAttempts;
  const inserted = await db("jobs").insert(row).onConflict("dedupe_key").ignore().returning("id");
  return inserted.length > 0;
}

/** Delay before the next attempt after `attempts` failed ones: 30 s, 1 min, 2 min, … capped at 6 h. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(attempts - 1, 0), 6 * 3600_000);
}
