import { env } from "~/env.server";
import { mailJobHandlers } from "~/modules/mail/send.server";
import { sweepDeadlines } from "~/modules/review/deadlines.server";
import type { JobHandler, JobHandlers } from "./queue.server";
import type { RecurringJob } from "./runner.server";

const DAY_MS = 86_400_000;

/**
 * Deletes what nobody needs any more: sessions that resolveSession would refuse (absolute expiry
 * reached or idle too long — the same rule as session.server.ts), login attempts older than a day
 * (throttling looks back 15 minutes), and jobs finished more than 30 days ago.
 */
export function createHousekeeping(policy: () => { idleMinutes: number }): JobHandler {
  return async (_job, { trx, clock }) => {
    const now = clock.now();
    const idleSince = new Date(now.getTime() - policy().idleMinutes * 60_000);
    await trx("sessions").where("expires_at", "<=", now).orWhere("last_seen_at", "<=", idleSince).delete();
    await trx("login_attempts").where("at", "<", new Date(now.getTime() - DAY_MS)).delete();
    await trx("jobs")
      .whereIn("status", ["done", "failed"])
      .where("finished_at", "<", new Date(now.getTime() - 30 * DAY_MS))
      .delete();
  };
}

export const HOUSEKEEPING_JOB = "housekeeping";

/** Housekeeping with the session policy of the environment (SESSION_IDLE_MINUTES). */
export const housekeeping: JobHandler = createHousekeeping(() => ({ idleMinutes: env().SESSION_IDLE_MINUTES }));

export const DEADLINES_JOB = "deadlines.sweep";

/** Deemed approvals, deadline reminders and overdue statements (see sweepDeadlines). */
export const deadlinesSweep: JobHandler = async (_job, { trx, clock }) => {
  await sweepDeadlines(trx, clock);
};

/** The handlers every installation runs; add further kinds with `{ ...coreJobHandlers, ... }`. */
export const coreJobHandlers: JobHandlers = { ...mailJobHandlers, [HOUSEKEEPING_JOB]: housekeeping, [DEADLINES_JOB]: deadlinesSweep };

/**
 * Recurring jobs of every installation, for startJobRunner's `recurring`. The deadline sweep runs
 * every 5 minutes, so a case is deemed approved within minutes after midnight of the day after its deadline.
 */
export const coreRecurringJobs: RecurringJob[] = [
  { kind: HOUSEKEEPING_JOB, everyMs: 3600_000 },
  { kind: DEADLINES_JOB, everyMs: 5 * 60_000 },
];
