import type { Knex } from "knex";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "~/utils/clock";
import { useTestDatabase } from "../../../tests/support/db";
import { createHousekeeping } from "./handlers.server";
import { backoffMs, enqueueJob, type JobHandler } from "./queue.server";
import {
  acquireLease,
  claimNextJob,
  recurringSlot,
  releaseLease,
  runClaimedJob,
  runDueJobs,
  startJobRunner,
  type JobRunnerLog,
} from "./runner.server";

const db = useTestDatabase();
const START = "2026-03-02T08:00:00.000Z";
const MIN = 60_000;

/** An effect a handler writes through its job transaction: counted to prove "exactly once". */
async function effect(trx: Knex.Transaction, jobId: number, note: string): Promise<void> {
  await trx("job_test_effects").insert({ job_id: jobId, note });
}

async function effects(knex: Knex, jobId?: number): Promise<{ job_id: number; note: string }[]> {
  const q = knex("job_test_effects").orderBy("seq").select("job_id", "note");
  if (jobId !== undefined) q.where({ job_id: jobId });
  return (await q).map((r) => ({ job_id: Number(r.job_id), note: r.note }));
}

async function jobByKey(knex: Knex, dedupeKey: string) {
  const row = await knex("jobs").where({ dedupe_key: dedupeKey }).first();
  return { ...row, id: Number(row.id), run_at: new Date(row.run_at).toISOString() };
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const recordingHandler: JobHandler = async (job, { trx }) => effect(trx, job.id, `run ${job.attempts}`);

beforeAll(async () => {
  await db.current.knex.raw("CREATE TABLE job_test_effects (seq bigint GENERATED ALWAYS AS IDENTITY, job_id bigint NOT NULL, note text NOT NULL)");
});

beforeEach(async () => {
  const knex = db.current.knex;
  // the seeded template may contain jobs (e.g. mail.send): each test starts with an empty queue
  await knex("jobs").delete();
  await knex("job_leases").delete();
  await knex("job_test_effects").delete();
});

describe("enqueueJob", () => {
  it("is idempotent by dedupe key and writes nothing when the caller's transaction rolls back", async () => {
    const knex = db.current.knex;
    const clock = new ManualClock(START);
    expect(await enqueueJob(knex, { kind: "test.a", payload: { n: 1 }, dedupeKey: "k1" }, clock)).toBe(true);
    expect(await enqueueJob(knex, { kind: "test.a", payload: { n: 2 }, dedupeKey: "k1" }, clock)).toBe(false);
    // without a dedupe key every call is a new job
    expect(await enqueueJob(knex, { kind: "test.a" }, clock)).toBe(true);
    expect(await enqueueJob(knex, { kind: "test.a" }, clock)).toBe(true);
    const job = await jobByKey(knex, "k1");
    expect(job).toMatchObject({ kind: "test.a", payload: { n: 1 }, status: "pending", attempts: 0, max_attempts: 8, run_at: START });
    expect(Number((await knex("jobs").count({ n: "*" }).first())?.n)).toBe(3);

    await expect(
      knex.transaction(async (trx) => {
        await enqueueJob(trx, { kind: "test.a", dedupeKey: "rolled-back" }, clock);
        throw new Error("the event failed");
      }),
    ).rejects.toThrow("the event failed");
    expect(await knex("jobs").where({ dedupe_key: "rolled-back" }).first()).toBeUndefined();
  });
});

describe("runDueJobs", () => {
  it("runs a due job once and a future one only when its time has come", async () => {
    const knex = db.current.knex;
    const clock = new ManualClock(START);
    const seen: unknown[] = [];
    const handlers = {
      "test.record": (async (job, ctx) => {
        seen.push(job.payload);
        await recordingHandler(job, ctx);
      }) as JobHandler,
    };
    await enqueueJob(knex, { kind: "test.record", payload: { what: "jetzt" }, dedupeKey: "now" }, clock);
    await enqueueJob(knex, { kind: "test.record", payload: { what: "später" }, dedupeKey: "later", runAt: new Date(clock.now().getTime() + 60 * MIN) }, clock);

    expect(await runDueJobs(knex, { handlers, clock, workerId: "w1" })).toEqual({ done: 1, retried: 0, failed: 0 });
    expect(await runDueJobs(knex, { handlers, clock, workerId: "w1" })).toEqual({ done: 0, retried: 0, failed: 0 });
    expect(seen).toEqual([{ what: "jetzt" }]);
    const now = await jobByKey(knex, "now");
    expect(now).toMatchObject({ status: "done", attempts: 1, locked_by: null, locked_until: null });
    expect(new Date(now.finished_at).toISOString()).toBe(START);

    clock.set(new Date(clock.now().getTime() + 59 * MIN));
    expect((await runDueJobs(knex, { handlers, clock, workerId: "w1" })).done).toBe(0);
    clock.set(new Date(clock.now().getTime() + MIN));
    expect((await runDueJobs(knex, { handlers, clock, workerId: "w1" })).done).toBe(1);
    expect(seen).toEqual([{ what: "jetzt" }, { what: "später" }]);
    expect(await effects(knex)).toHaveLength(2);
  });

  it("rolls back a failing handler's writes and retries it with exponential backoff", async () => {
    const knex = db.current.knex;
    const clock = new ManualClock(START);
    let failuresLeft = 2;
    const handlers: Record<string, JobHandler> = {
      "test.flaky": async (job, { trx }) => {
        await effect(trx, job.id, `attempt ${job.attempts}`);
        if (failuresLeft-- > 0) throw new Error(`Zeitüberschreitung (Versuch ${job.attempts})`);
      },
    };
    await enqueueJob(knex, { kind: "test.flaky", dedupeKey: "flaky" }, clock);

    expect(await runDueJobs(knex, { handlers, clock, workerId: "w1" })).toEqual({ done: 0, retried: 1, failed: 0 });
    let job = await jobByKey(knex, "flaky");
    expect(job).toMatchObject({ status: "pending", attempts: 1, last_error: "Zeitüberschreitung (Versuch 1)", locked_by: null });
    expect(job.run_at).toBe(new Date(Date.parse(START) + 30_000).toISOString());
    expect(await effects(knex)).toEqual([]);

    // not before the backoff has passed
    clock.set(new Date(Date.parse(START) + 29_000));
    expect((await runDueJobs(knex, { handlers, clock, workerId: "w1" })).retried).toBe(0);
    clock.set(new Date(Date.parse(START) + 30_000));
    expect((await runDueJobs(knex, { handlers, clock, workerId: "w1" })).retried).toBe(1);
    job = await jobByKey(knex, "flaky");
    expect(job).toMatchObject({ status: "pending", attempts: 2 });
    expect(job.run_at).toBe(new Date(Date.parse(START) + 30_000 + 60_000).toISOString());

    clock.set(job.run_at);
    expect(await runDueJobs(knex, { handlers, clock, workerId: "w1" })).toEqual({ done: 1, retried: 0, failed: 0 });
    expect(await effects(knex)).toEqual([{ job_id: job.id, note: "attempt 3" }]);
    expect(backoffMs(1)).toBe(30_000);
    expect(backoffMs(4)).toBe(240_000);
    expect(backoffMs(30)).toBe(6 * 3600_000);
  });

  it("gives up after max attempts, and fails jobs of unknown kind at once", async () => {
    const knex = db.current.knex;
    const clock = new ManualClock(START);
    const failures: { attempts: number; retryAt: Date | null }[] = [];
    const broken: JobHandler = async () => {
      throw new Error("kaputt");
    };
    broken.onFailure = async (job, _error, { retryAt }) => {
      failures.push({ attempts: job.attempts, retryAt });
    };
    await enqueueJob(knex, { kind: "test.broken", dedupeKey: "broken", maxAttempts: 2 }, clock);
    await enqueueJob(knex, { kind: "test.unknown", dedupeKey: "unknown" }, clock);
    const errors: string[] = [];
    const options = { handlers: { "test.broken": broken }, clock, workerId: "w1", onError: (_job: unknown, e: unknown) => errors.push(String(e)) };

    expect(await runDueJobs(knex, options)).toEqual({ done: 0, retried: 1, failed: 1 });
    expect(await jobByKey(knex, "unknown")).toMatchObject({ status: "failed", attempts: 1, last_error: 'no handler registered for job kind "test.unknown"' });
    clock.set(new Date(Date.parse(START) + 30_000));
    expect(await runDueJobs(knex, options)).toEqual({ done: 0, retried: 0, failed: 1 });
    const job = await jobByKey(knex, "broken");
    expect(job).toMatchObject({ status: "failed", attempts: 2, last_error: "kaputt", locked_by: null });
    expect(new Date(job.finished_at).toISOString()).toBe(clock.now().toISOString());
    expect(failures).toEqual([
      { attempts: 1, retryAt: new Date(Date.parse(START) + 30_000) },
      { attempts: 2, retryAt: null },
    ]);
    expect(errors).toHaveLength(3);

    clock.advanceDays(1);
    expect(await runDueJobs(knex, options)).toEqual({ done: 0, retried: 0, failed: 0 });
  });

  it("takes over a job whose runner died mid-run once its lease has expired; the effect happens once", async () => {
    const knex = db.current.knex;
    const clock = new ManualClock(START);
    const handlers = { "test.record": recordingHandler };
    await enqueueJob(knex, { kind: "test.record", dedupeKey: "crash" }, clock);

    // runner A claims the job and dies while running it: its transaction (with the write) is rolled back
    const claimed = await claimNextJob(knex, { workerId: "runner-a", clock, leaseMs: 5 * MIN });
    expect(claimed).toMatchObject({ kind: "test.record", attempts: 1 });
    await expect(
      knex.transaction(async (trx) => {
        await effect(trx, claimed!.id, "runner A, half done");
        throw new Error("process killed");
      }),
    ).rejects.toThrow("process killed");
    expect(await jobByKey(knex, "crash")).toMatchObject({ status: "running", locked_by: "runner-a" });

    // while A's claim lasts nobody else runs the job
    clock.set(new Date(Date.parse(START) + 4 * MIN));
    expect((await runDueJobs(knex, { handlers, clock, workerId: "runner-b" })).done).toBe(0);
    // afterwards runner B takes it over
    clock.set(new Date(Date.parse(START) + 5 * MIN + 1));
    expect(await runDueJobs(knex, { handlers, clock, workerId: "runner-b" })).toEqual({ done: 1, retried: 0, failed: 0 });
    expect(await effects(knex, claimed!.id)).toEqual([{ job_id: claimed!.id, note: "run 2" }]);
    expect(await jobByKey(knex, "crash")).toMatchObject({ status: "done", attempts: 2, locked_by: null });
    expect((await runDueJobs(knex, { handlers, clock, workerId: "runner-a" })).done).toBe(0);
  });

  it("rolls back the work of a runner whose claim was taken over while it was away", async () => {
    const knex = db.current.knex;
    const clock = new ManualClock(START);
    const handlers = { "test.record": recordingHandler };
    await enqueueJob(knex, { kind: "test.record", dedupeKey: "slow" }, clock);

    const a = await claimNextJob(knex, { workerId: "runner-a", clock, leaseMs: MIN });
    clock.set(new Date(Date.parse(START) + 2 * MIN));
    const b = await claimNextJob(knex, { workerId: "runner-b", clock, leaseMs: MIN });
    expect(b?.id).toBe(a?.id);
    expect(b?.attempts).toBe(2);
    // A comes back: its claim is gone, so its run is refused and leaves nothing behind
    expect(await runClaimedJob(knex, a!, { handlers, clock })).toBe("lost");
    expect(await effects(knex)).toEqual([]);
    expect(await runClaimedJob(knex, b!, { handlers, clock })).toBe("done");
    expect(await effects(knex)).toEqual([{ job_id: b!.id, note: "run 2" }]);
    // and A cannot undo B's result either
    expect(await runClaimedJob(knex, a!, { handlers, clock })).toBe("lost");
    expect(await jobByKey(knex, "slow")).toMatchObject({ status: "done", attempts: 2 });
  });

  it("never runs a job twice when two runners work at the same time", async () => {
    const knex = db.current.knex;
    const clock = new ManualClock(START);
    const handlers: Record<string, JobHandler> = {
      "test.parallel": async (job, { trx }) => {
        await effect(trx, job.id, "ran");
        await new Promise((r) => setTimeout(r, 5));
      },
    };
    for (let i = 0; i < 20; i++) await enqueueJob(knex, { kind: "test.parallel", payload: { i } }, clock);
    const [r1, r2] = await Promise.all([
      runDueJobs(knex, { handlers, clock, workerId: "w1" }),
      runDueJobs(knex, { handlers, clock, workerId: "w2" }),
    ]);
    expect(r1.done + r2.done).toBe(20);
    expect(r1.retried + r2.retried + r1.failed + r2.failed).toBe(0);
    const ran = await effects(knex);
    expect(ran).toHaveLength(20);
    expect(new Set(ran.map((e) => e.job_id)).size).toBe(20);
    expect(await knex("jobs").whereNot({ status: "done" }).first()).toBeUndefined();
  });
});

describe("leases and the runner loop", () => {
  it("refuses a second holder until the lease has expired", async () => {
    const knex = db.current.knex;
    const clock = new ManualClock(START);
    expect(await acquireLease(knex, "test-lease", "a", MIN, clock)).toBe(true);
    expect(await acquireLease(knex, "test-lease", "b", MIN, clock)).toBe(false);
    clock.set(new Date(Date.parse(START) + 30_000));
    expect(await acquireLease(knex, "test-lease", "a", MIN, clock)).toBe(true); // renewed until +90 s
    clock.set(new Date(Date.parse(START) + 89_000));
    expect(await acquireLease(knex, "test-lease", "b", MIN, clock)).toBe(false);
    clock.set(new Date(Date.parse(START) + 90_000));
    expect(await acquireLease(knex, "test-lease", "b", MIN, clock)).toBe(true);
    expect(await acquireLease(knex, "test-lease", "a", MIN, clock)).toBe(false);
    // releasing someone else's lease does nothing; releasing one's own frees it at once
    await releaseLease(knex, "test-lease", "a");
    expect(await acquireLease(knex, "test-lease", "a", MIN, clock)).toBe(false);
    await releaseLease(knex, "test-lease", "b");
    expect(await acquireLease(knex, "test-lease", "a", MIN, clock)).toBe(true);
  });

  it("schedules a recurring job once per slot, across runners and restarts", async () => {
    const knex = db.current.knex;
    const clock = new ManualClock("2026-03-02T08:17:00.000Z");
    expect(recurringSlot({ kind: "test.tick", everyMs: 3600_000 }, clock.now())).toEqual({
      runAt: new Date("2026-03-02T08:00:00.000Z"),
      dedupeKey: "test.tick:2026-03-02T08:00:00.000Z",
    });

    const errors: unknown[] = [];
    const log: JobRunnerLog = (level, message, error) => {
      if (level === "error") errors.push([message, error]);
    };
    const options = {
      handlers: { "test.tick": recordingHandler },
      clock,
      intervalMs: 10,
      recurring: [{ kind: "test.tick", everyMs: 3600_000 }],
      log,
    };
    const doneTicks = async () => Number((await knex("jobs").where({ kind: "test.tick", status: "done" }).count({ n: "*" }).first())?.n);

    const a = startJobRunner(knex, { ...options, workerId: "process-a" });
    const b = startJobRunner(knex, { ...options, workerId: "process-b" });
    await waitFor(async () => (await doneTicks()) === 1);
    expect((await knex("job_leases").where({ name: "job-runner" }).first())?.holder).toMatch(/^process-[ab]$/);
    // let both loops tick a few more times in the same slot
    await new Promise((r) => setTimeout(r, 150));
    await a.stop();
    // a restart in the same slot
    const c = startJobRunner(knex, { ...options, workerId: "process-c" });
    await new Promise((r) => setTimeout(r, 150));
    expect(await doneTicks()).toBe(1);

    clock.set("2026-03-02T09:00:00.000Z");
    await waitFor(async () => (await doneTicks()) === 2);
    await new Promise((r) => setTimeout(r, 100));
    await Promise.all([b.stop(), c.stop()]);
    expect(await doneTicks()).toBe(2);
    expect((await knex("jobs").where({ kind: "test.tick" }).orderBy("id").pluck("dedupe_key"))).toEqual([
      "test.tick:2026-03-02T08:00:00.000Z",
      "test.tick:2026-03-02T09:00:00.000Z",
    ]);
    expect(await effects(knex)).toHaveLength(2);
    expect(errors).toEqual([]);
    // stopped runners give up the lease
    expect(await knex("job_leases").where({ name: "job-runner" }).first()).toBeUndefined();
  });

  it("logs a failing tick and keeps running", async () => {
    const knex = db.current.knex;
    const errors: string[] = [];
    let calls = 0;
    // a clock that fails makes the whole tick fail (before the lease is even taken)
    const clock = {
      now(): Date {
        calls++;
        throw new Error("clock exploded");
      },
    };
    const runner = startJobRunner(knex, { handlers: {}, clock, intervalMs: 10, workerId: "p", log: (level, message) => level === "error" && errors.push(message) });
    await waitFor(async () => calls >= 3);
    await runner.stop();
    expect(errors.filter((m) => m === "tick failed").length).toBeGreaterThanOrEqual(2);
  });
});

describe("housekeeping", () => {
  it("deletes expired sessions, old login attempts and long-finished jobs", async () => {
    const knex = db.current.knex;
    const clock = new ManualClock(START);
    const now = clock.now().getTime();
    const at = (ms: number) => new Date(now + ms);
    const member = await knex("memberships").first("user_id", "organisation_id");
    const session = (n: number, lastSeen: Date, expires: Date) => ({
      id: String(n).repeat(64),
      user_id: member.user_id,
      organisation_id: member.organisation_id,
      created_at: at(-2 * 3600_000),
      last_seen_at: lastSeen,
      expires_at: expires,
    });
    await knex("sessions").insert([
      session(1, at(-MIN), at(0)), // absolute expiry reached
      session(2, at(-60 * MIN), at(3600_000)), // idle for exactly the limit
      session(3, at(-59 * MIN), at(3600_000)), // still valid
    ]);
    const attempts = await knex("login_attempts")
      .insert([
        { email: "alt@example.org", ip: "192.0.2.1", succeeded: false, at: at(-25 * 3600_000) },
        { email: "neu@example.org", ip: "192.0.2.1", succeeded: false, at: at(-23 * 3600_000) },
      ])
      .returning("id");
    const old = (status: string, days: number, key: string) => ({
      kind: "test.old",
      status,
      dedupe_key: key,
      // the pending one is not due yet (else it would run, as an unknown kind)
      run_at: status === "pending" ? at(86_400_000) : at(-days * 86_400_000),
      created_at: at(-days * 86_400_000),
      finished_at: status === "pending" ? null : at(-days * 86_400_000),
    });
    await knex("jobs").insert([old("done", 31, "old-done"), old("failed", 40, "old-failed"), old("done", 29, "recent-done"), old("pending", 40, "old-pending")]);
    await enqueueJob(knex, { kind: "housekeeping", dedupeKey: "hk" }, clock);

    const handlers = { housekeeping: createHousekeeping(() => ({ idleMinutes: 60 })) };
    expect(await runDueJobs(knex, { handlers, clock, workerId: "w1" })).toMatchObject({ done: 1, failed: 0 });

    expect(await knex("sessions").whereIn("id", [1, 2, 3].map((n) => String(n).repeat(64))).pluck("id")).toEqual(["3".repeat(64)]);
    expect(await knex("login_attempts").whereIn("id", attempts.map((r) => r.id)).pluck("email")).toEqual(["neu@example.org"]);
    expect((await knex("jobs").orderBy("dedupe_key").pluck("dedupe_key")).sort()).toEqual(["hk", "old-pending", "recent-done"]);
  });
});
