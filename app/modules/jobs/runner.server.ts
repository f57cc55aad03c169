import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Knex } from "knex";
import { systemClock, type Clock } from "~/utils/clock";
import { backoffMs, enqueueJob, type JobHandlers, type JobInfo } from "./queue.server";

/**
 * The job runner: claims due jobs one at a time and runs each in its own transaction.
 *
 * Guarantees: a job's database effects commit together with marking it done, or not at all. A
 * claim is committed before the handler runs (attempts+1 survives a crash, so a job that kills its
 * runner cannot loop forever); while the handler runs, its transaction holds the job row lock, so a
 * live runner's job is never reclaimed (claims use SKIP LOCKED). A runner that died leaves the job
 * 'running' with locked_until in the past: the next claim takes it over. If a slow runner finds
 * its claim taken over when it finishes, it rolls its work back — the effect happens once.
 */

export const DEFAULT_LEASE_MS = 5 * 60_000;
const MAX_ERROR_LENGTH = 2000;

export interface ClaimedJob extends JobInfo {
  workerId: string;
}

export interface RunDueJobsOptions {
  handlers: JobHandlers;
  clock: Clock;
  workerId: string;
  /** at most this many jobs per call (default 100) */
  limit?: number;
  /** how long a claim lasts before another runner may take over a job whose runner died (default 5 min) */
  leaseMs?: number;
  /** called for every failed run (handler error or unknown kind) */
  onError?: (job: JobInfo, error: unknown) => void;
}

export type JobOutcome = "done" | "retried" | "failed" | "lost";

/**
 * Claims the next due job for workerId, committed at once: a pending job whose time has come, or a
 * running one whose claim expired (its runner died). Oldest run_at first.
 */
export async function claimNextJob(
  knex: Knex,
  options: { workerId: string; clock: Clock; leaseMs?: number },
): Promise<ClaimedJob | null> {
  const now = options.clock.now();
  const lockedUntil = new Date(now.getTime() + (options.leaseMs ?? DEFAULT_LEASE_MS));
  const result = await knex.raw(
    `UPDATE jobs SET status = 'running', locked_by = ?, locked_until = ?, attempts = attempts + 1
     WHERE id = (
       SELECT id FROM jobs
       WHERE (status = 'pending' AND run_at <= ?) OR (status = 'running' AND locked_until < ?)
       ORDER BY run_at, id
       LIMIT 1
       FOR UPDATE SKIP LOCKED
     )
     RETURNING id, kind, payload, attempts, max_attempts`,
    [options.workerId, lockedUntil, now, now],
  );
  const row = (result.rows as Array<{ id: string | number; kind: string; payload: unknown; attempts: number; max_attempts: number }>)[0];
  if (!row) return null;
  return {
    id: Number(row.id),
    kind: row.kind,
    payload: typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    workerId: options.workerId,
  };
}

/** The claim is still ours: nobody reclaimed the job since (same runner, same attempt). */
function ownClaim(db: Knex | Knex.Transaction, job: ClaimedJob) {
  return db("jobs").where({ id: job.id, status: "running", locked_by: job.workerId, attempts: job.attempts });
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.slice(0, MAX_ERROR_LENGTH);
}

class ClaimLostError extends Error {}

/** Runs a job claimed by claimNextJob. "lost": another runner took the job over; nothing of this run was kept. */
export async function runClaimedJob(
  knex: Knex,
  job: ClaimedJob,
  options: Pick<RunDueJobsOptions, "handlers" | "clock" | "onError">,
): Promise<JobOutcome> {
  const { clock } = options;
  const handler = Object.hasOwn(options.handlers, job.kind) ? options.handlers[job.kind] : undefined;
  if (!handler) {
    const error = new Error(`no handler registered for job kind "${job.kind}"`);
    options.onError?.(job, error);
    const updated = await ownClaim(knex, job).update({
      status: "failed",
      last_error: error.message,
      finished_at: clock.now(),
      locked_by: null,
      locked_until: null,
    });
    return updated > 0 ? "failed" : "lost";
  }
  // Claimed more often than allowed: earlier runs died mid-job (each claim counts as an attempt).
  if (job.attempts > job.maxAttempts) {
    return giveUp(knex, job, options, new Error(`runner stopped during the last of ${job.maxAttempts} attempts`), handler);
  }

  try {
    await knex.transaction(async (trx) => {
      // Lock the row for the whole run: other runners skip it, even after locked_until has passed.
      const mine = await ownClaim(trx, job).forUpdate().first("id");
      if (!mine) throw new ClaimLostError();
      await handler(job, { trx, clock });
      await trx("jobs")
        .where({ id: job.id })
        .update({ status: "done", finished_at: clock.now(), locked_by: null, locked_until: null });
    });
    return "done";
  } catch (error) {
    if (error instanceof ClaimLostError) return "lost";
    options.onError?.(job, error);
    return giveUp(knex, job, options, error, handler);
  }
}

/** After a failed run (already rolled back): back to pending with backoff, or failed after the last attempt. */
async function giveUp(
  knex: Knex,
  job: ClaimedJob,
  options: Pick<RunDueJobsOptions, "clock" | "onError">,
  error: unknown,
  handler: JobHandlers[string],
): Promise<JobOutcome> {
  const now = options.clock.now();
  const final = job.attempts >= job.maxAttempts;
  const retryAt = final ? null : new Date(now.getTime() + backoffMs(job.attempts));
  const update = final
    ? { status: "failed", last_error: errorText(error), finished_at: now, locked_by: null, locked_until: null }
    : { status: "pending", last_error: errorText(error), run_at: retryAt, locked_by: null, locked_until: null };
  const outcome: JobOutcome = final ? "failed" : "retried";
  try {
    return await knex.transaction(async (trx) => {
      const updated = await ownClaim(trx, job).update(update);
      if (updated === 0) return "lost" as const;
      await handler.onFailure?.(job, error, { trx, clock: options.clock, retryAt });
      return outcome;
    });
  } catch (failureError) {
    // The handler's failure bookkeeping failed: still reschedule the job, it matters more.
    options.onError?.(job, failureError);
    const updated = await ownClaim(knex, job).update(update);
    return updated > 0 ? outcome : "lost";
  }
}

/** Runs due jobs one at a time until none is due or `limit` were run. */
export async function runDueJobs(
  knex: Knex,
  options: RunDueJobsOptions,
): Promise<{ done: number; retried: number; failed: number }> {
  const counts = { done: 0, retried: 0, failed: 0 };
  const limit = options.limit ?? 100;
  for (let i = 0; i < limit; i++) {
    const job = await claimNextJob(knex, options);
    if (!job) break;
    const outcome = await runClaimedJob(knex, job, options);
    if (outcome !== "lost") counts[outcome]++;
  }
  return counts;
}

/**
 * Takes or renews the named lease. Succeeds when there is no lease, it has expired, or `holder`
 * holds it already; one atomic statement, so two processes never both succeed.
 */
export async function acquireLease(knex: Knex, name: string, holder: string, ttlMs: number, clock: Clock): Promise<boolean> {
  const now = clock.now();
  const result = await knex.raw(
    `INSERT INTO job_leases (name, holder, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
     WHERE job_leases.expires_at <= ? OR job_leases.holder = excluded.holder
     RETURNING holder`,
    [name, holder, new Date(now.getTime() + ttlMs), now],
  );
  return result.rows.length > 0;
}

/** Gives the lease up (only if `holder` holds it), so another process can take over at once. */
export async function releaseLease(knex: Knex, name: string, holder: string): Promise<void> {
  await knex("job_leases").where({ name, holder }).delete();
}

export interface RecurringJob {
  kind: string;
  /** one job per slot of this length, slots aligned to the Unix epoch (UTC) */
  everyMs: number;
}

/** The job of a recurring kind for the slot containing `now`; its dedupe key makes it unique across processes and restarts. */
export function recurringSlot(recurring: RecurringJob, now: Date): { runAt: Date; dedupeKey: string } {
  const start = new Date(Math.floor(now.getTime() / recurring.everyMs) * recurring.everyMs);
  return { runAt: start, dedupeKey: `${recurring.kind}:${start.toISOString()}` };
}

export type JobRunnerLog = (level: "info" | "error", message: string, error?: unknown) => void;

const defaultLog: JobRunnerLog = (level, message, error) => {
  if (level === "error") console.error(`[jobs] ${message}`, error ?? "");
  else console.info(`[jobs] ${message}`);
};

export interface JobRunnerOptions {
  handlers: JobHandlers;
  clock?: Clock;
  /** pause between ticks (default 15 s) */
  intervalMs?: number;
  recurring?: RecurringJob[];
  log?: JobRunnerLog;
  /** default: host, pid and a random suffix */
  workerId?: string;
  /** job claim lease (default 5 min) */
  leaseMs?: number;
}

export const RUNNER_LEASE = "job-runner";

/**
 * Starts the background loop of this process. Only the process holding the "job-runner" lease
 * works; the others keep trying to take it over, so a second app process is a warm stand-by.
 * Ticks never overlap (the next one is scheduled when the last has finished); errors are logged.
 */
export function startJobRunner(knex: Knex, options: JobRunnerOptions): { stop(): Promise<void> } {
  const clock = options.clock ?? systemClock;
  const intervalMs = options.intervalMs ?? 15_000;
  const log = options.log ?? defaultLog;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  // Long enough to survive a few slow ticks; short enough that a stand-by takes over soon after a crash.
  const leaseTtlMs = Math.max(intervalMs * 4, 60_000);
  let stopped = false;
  let holding = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();

  async function tick(): Promise<boolean> {
    const got = await acquireLease(knex, RUNNER_LEASE, workerId, leaseTtlMs, clock);
    if (got !== holding) log("info", got ? `${workerId} runs the jobs` : `${workerId} lost the job runner lease`);
    holding = got;
    if (!got) return false;
    const now = clock.now();
    for (const recurring of options.recurring ?? []) {
      await enqueueJob(knex, { kind: recurring.kind, ...recurringSlot(recurring, now) }, clock);
    }
    const limit = 100;
    const counts = await runDueJobs(knex, {
      handlers: options.handlers,
      clock,
      workerId,
      limit,
      leaseMs: options.leaseMs,
      onError: (job, error) => log("error", `job ${job.id} (${job.kind}, attempt ${job.attempts}/${job.maxAttempts}) failed`, error),
    });
    // a full batch: more may be due, continue soon instead of after the interval
    return counts.done + counts.retried + counts.failed >= limit;
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = tick().then(
        (more) => schedule(more ? 0 : intervalMs),
        (error: unknown) => {
          log("error", "tick failed", error);
          schedule(intervalMs);
        },
      );
    }, delayMs);
    // the loop alone does not keep the process alive
    timer.unref?.();
  }

  schedule(0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      try {
        await releaseLease(knex, RUNNER_LEASE, workerId);
      } catch (error) {
        log("error", "releasing the job runner lease failed", error);
      }
    },
  };
}
