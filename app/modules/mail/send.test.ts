import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { enqueueJob, type JobHandler } from "~/modules/jobs/queue.server";
import { runDueJobs } from "~/modules/jobs/runner.server";
import { ManualClock } from "~/utils/clock";
import { useTestDatabase } from "../../../tests/support/db";
import { enqueueMail } from "./outbox.server";
import { createSendMailJob, enqueuePendingMails, mailJobHandlers, type Mailer } from "./send.server";
import { createMailTransport, outboxMessageId } from "./smtp.server";

const db = useTestDatabase();
const START = "2026-03-02T08:00:00.000Z";
const FROM = "noreply@breitband-portal.example";

interface Received {
  envelopeTo: string[];
  headers: Map<string, string>;
  subject: string;
  text: string;
}

const received: Received[] = [];
let rejectRecipients = false;
let server: SMTPServer;
let mailer: Mailer;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (!rejectRecipients) return callback();
      callback(Object.assign(new Error("Postfach voll"), { responseCode: 552 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        received.push(parseMessage(Buffer.concat(chunks), session.envelope.rcptTo.map((r) => r.address)));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  const transport = createMailTransport({ SMTP_HOST: "127.0.0.1", SMTP_PORT: port }, { secure: false, ignoreTLS: true });
  mailer = { transport, from: FROM };
});

afterAll(async () => {
  mailer?.transport?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(async () => {
  // the seeded template has outbox rows with jobs of its own: only this test's mails may go out
  await db.current.knex("jobs").delete();
  received.length = 0;
  rejectRecipients = false;
});

const handlers = () => ({ "mail.send": createSendMailJob(() => mailer) });

async function outboxRow(dedupeKey: string) {
  const row = await db.current.knex("outbox").where({ dedupe_key: dedupeKey }).first();
  return { ...row, id: Number(row.id) };
}

describe("sending the outbox over SMTP", () => {
  it("enqueues a send job with the mail and delivers it with subject and body in German", async () => {
    const knex = db.current.knex;
    const clock = new ManualClock(START);
    const mail = {
      dedupeKey: "send-test:umlauts",
      to: "jonas.becker@glasfasernetz-hessen.example",
      subject: "Antrag eingereicht: Glasfaser Süd – Große Straße",
      body: "Guten Tag,\n\nIhr Antrag „Glasfaser Süd“ für die Große Straße in Öhringen ist eingegangen.\nGebühr: 120 €\n\nMit freundlichen Grüßen",
    };
    expect(await enqueueMail(knex, mail, clock)).toBe(true);
    const row = await outboxRow(mail.dedupeKey);
    const job = await knex("jobs").where({ dedupe_key: `mail:${row.id}` }).first();
    expect(job).toMatchObject({ kind: "mail.send", payload: { outboxId: row.id }, status: "pending" });
    expect(new Date(job.run_at).toISOString()).toBe(START);
    // enqueueing the same event again adds neither a mail nor a job
    expect(await enqueueMail(knex, mail, clock)).toBe(false);
    expect(Number((await knex("jobs").where({ kind: "mail.send" }).count({ n: "*" }).first())?.n)).toBe(1);

    expect(await runDueJobs(knex, { handlers: handlers(), clock, workerId: "w1" })).toEqual({ done: 1, retried: 0, failed: 0 });
    expect(received).toHaveLength(1);
    const [got] = received;
    expect(got!.envelopeTo).toEqual([mail.to]);
    expect(got!.headers.get("to")).toBe(mail.to);
    expect(got!.headers.get("from")).toBe(FROM);
    expect(got!.subject).toBe(mail.subject);
    expect(got!.text.replace(/\r\n/g, "\n").trimEnd()).toBe(mail.body);
    expect(got!.headers.get("message-id")).toBe(outboxMessageId(row.id, mail.dedupeKey, FROM));
    expect(got!.headers.get("message-id")).toMatch(new RegExp(`^<outbox-${row.id}\\.[0-9a-f]{16}@breitband-portal\\.example>$`));
    expect(got!.headers.get("auto-submitted")).toBe("auto-generated");

    const sent = await outboxRow(mail.dedupeKey);
    expect(sent).toMatchObject({ status: "sent", attempts: 1, last_error: null });
    expect(new Date(sent.sent_at).toISOString()).toBe(START);

    // a second job for the same row (e.g. enqueued by hand) finds it sent and sends nothing
    await enqueueJob(knex, { kind: "mail.send", payload: { outboxId: row.id }, dedupeKey: "mail-again" }, clock);
    expect((await runDueJobs(knex, { handlers: handlers(), clock, workerId: "w1" })).done).toBe(1);
    expect(received).toHaveLength(1);
    expect(await outboxRow(mail.dedupeKey)).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("retries with backoff when the server rejects the mail, and records every attempt", async () => {
    const knex = db.current.knex;
    const clock = new ManualClock(START);
    await enqueueMail(knex, { dedupeKey: "send-test:rejected", to: "tiefbau@auenstadt.example", subject: "Neuer Antrag", body: "Bitte prüfen." }, clock);
    rejectRecipients = true;

    expect(await runDueJobs(knex, { handlers: handlers(), clock, workerId: "w1" })).toEqual({ done: 0, retried: 1, failed: 0 });
    let row = await outboxRow("send-test:rejected");
    expect(row).toMatchObject({ status: "pending", attempts: 1, sent_at: null });
    expect(row.last_error).toContain("Postfach voll");
    const retryAt = new Date(Date.parse(START) + 30_000);
    expect(new Date(row.next_attempt_at).toISOString()).toBe(retryAt.toISOString());
    const job = await knex("jobs").where({ dedupe_key: `mail:${row.id}` }).first();
    expect(job).toMatchObject({ status: "pending", attempts: 1 });
    expect(new Date(job.run_at).toISOString()).toBe(retryAt.toISOString());
    expect(received).toHaveLength(0);

    // the server accepts again; the retry waits for its time
    rejectRecipients = false;
    expect((await runDueJobs(knex, { handlers: handlers(), clock, workerId: "w1" })).done).toBe(0);
    clock.set(retryAt);
    expect(await runDueJobs(knex, { handlers: handlers(), clock, workerId: "w1" })).toEqual({ done: 1, retried: 0, failed: 0 });
    row = await outboxRow("send-test:rejected");
    expect(row).toMatchObject({ status: "sent", attempts: 2 });
    expect(new Date(row.sent_at).toISOString()).toBe(retryAt.toISOString());
    expect(received.map((m) => m.subject)).toEqual(["Neuer Antrag"]);

    // nothing is sent twice on later runs
    clock.advanceDays(1);
    expect(await runDueJobs(knex, { handlers: handlers(), clock, workerId: "w1" })).toEqual({ done: 0, retried: 0, failed: 0 });
    expect(received).toHaveLength(1);
  });

  it("marks the mail failed when the job runner gives up", async () => {
    const knex = db.current.knex;
    const clock = new ManualClock(START);
    await enqueueMail(knex, { dedupeKey: "send-test:gives-up", to: "tiefbau@auenstadt.example", subject: "Erinnerung", body: "…" }, clock);
    const row = await outboxRow("send-test:gives-up");
    await knex("jobs").where({ dedupe_key: `mail:${row.id}` }).update({ max_attempts: 2 });
    rejectRecipients = true;

    expect((await runDueJobs(knex, { handlers: handlers(), clock, workerId: "w1" })).retried).toBe(1);
    clock.set(new Date(Date.parse(START) + 30_000));
    expect(await runDueJobs(knex, { handlers: handlers(), clock, workerId: "w1" })).toEqual({ done: 0, retried: 0, failed: 1 });
    expect(await outboxRow("send-test:gives-up")).toMatchObject({ status: "failed", attempts: 2, sent_at: null });
    expect(await knex("jobs").where({ dedupe_key: `mail:${row.id}` }).first()).toMatchObject({ status: "failed", attempts: 2 });
    expect(received).toHaveLength(0);
  });

  it("keeps the mail unsent when no SMTP server is configured", async () => {
    const knex = db.current.knex;
    const clock = new ManualClock(START);
    expect(createMailTransport({ SMTP_HOST: undefined })).toBeNull();
    const noSmtp: JobHandler = createSendMailJob(() => ({ transport: null, from: FROM }));
    await enqueueMail(knex, { dedupeKey: "send-test:kept", to: "a@example.org", subject: "Hinweis", body: "…" }, clock);

    expect(await runDueJobs(knex, { handlers: { "mail.send": noSmtp }, clock, workerId: "w1" })).toEqual({ done: 1, retried: 0, failed: 0 });
    expect(await outboxRow("send-test:kept")).toMatchObject({ status: "kept", attempts: 0, sent_at: null });
    expect(received).toHaveLength(0);
    expect(Object.keys(mailJobHandlers)).toEqual(["mail.send"]);
  });

  it("gives pending mails written without a job their send job, once", async () => {
    const knex = db.current.knex;
    const clock = new ManualClock(START);
    const [row] = await knex("outbox")
      .insert({ dedupe_key: "send-test:legacy", to_address: "a@example.org", subject: "Alt", body_text: "…" })
      .returning("id");
    await knex("outbox").where({ status: "pending" }).whereNot({ id: row.id }).update({ status: "kept" });
    expect(await enqueuePendingMails(knex, clock)).toBe(1);
    expect(await enqueuePendingMails(knex, clock)).toBe(0);
    expect(await runDueJobs(knex, { handlers: handlers(), clock, workerId: "w1" })).toEqual({ done: 1, retried: 0, failed: 0 });
    expect(received.map((m) => m.subject)).toEqual(["Alt"]);
  });
});

/** Just enough MIME for nodemailer's single-part text mails: unfolded headers, RFC 2047 words, QP/base64 bodies. */
function parseMessage(raw: Buffer, envelopeTo: string[]): Received {
  const source = raw.toString("latin1");
  const split = source.indexOf("\r\n\r\n");
  const headerBlock = source.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const headers = new Map<string, string>();
  for (const line of headerBlock.split("\r\n")) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const body = source.slice(split + 4);
  const encoding = (headers.get("content-transfer-encoding") ?? "7bit").toLowerCase();
  const text =
    encoding === "quoted-printable"
      ? decodeQuotedPrintable(body.replace(/=\r\n/g, ""))
      : encoding === "base64"
        ? Buffer.from(body, "base64").toString("utf8")
        : Buffer.from(body, "latin1").toString("utf8");
  return { envelopeTo, headers, subject: decodeWords(headers.get("subject") ?? ""), text };
}

function decodeQuotedPrintable(input: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const hex = input.slice(i + 1, i + 3);
    if (input[i] === "=" && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(input.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_m, kind: string, data: string) =>
      kind.toUpperCase() === "B" ? Buffer.from(data, "base64").toString("utf8") : decodeQuotedPrintable(data.replace(/_/g, " ")),
    );
}
