import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../tests/support/db";
import { enqueueMail, listOutbox } from "./outbox.server";
import { germanDate, submissionConfirmation } from "./templates";

const db = useTestDatabase();

describe("outbox", () => {
  it("enqueues a mail once per dedupe key, also when the event is retried", async () => {
    const knex = db.current.knex;
    const mail = { dedupeKey: "test:1:confirmation", to: "jonas.becker@glasfasernetz-hessen.example", subject: "Antrag eingereicht", body: "Guten Tag" };
    expect(await enqueueMail(knex, mail)).toBe(true);
    expect(await enqueueMail(knex, { ...mail, subject: "anderer Betreff" })).toBe(false);
    const rows = await knex("outbox").where({ dedupe_key: mail.dedupeKey });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ subject: "Antrag eingereicht", status: "pending", attempts: 0 });
  });

  it("writes nothing when the transaction of the event rolls back", async () => {
    const knex = db.current.knex;
    await expect(
      knex.transaction(async (trx) => {
        await enqueueMail(trx, { dedupeKey: "test:rolled-back", to: "a@example.org", subject: "x", body: "y" });
        throw new Error("the event failed");
      }),
    ).rejects.toThrow("the event failed");
    expect(await knex("outbox").where({ dedupe_key: "test:rolled-back" }).first()).toBeUndefined();
  });

  it("lists the newest mails first, filtered by recipient and status", async () => {
    const knex = db.current.knex;
    await enqueueMail(knex, { dedupeKey: "test:2", to: "Tiefbau@Auenstadt.example", subject: "Neuer Antrag", body: "…" });
    await enqueueMail(knex, { dedupeKey: "test:3", to: "tiefbau@auenstadt.example", subject: "Antrag ergänzt", body: "…" });
    const listed = await listOutbox(knex, { to: "tiefbau@auenstadt.example", status: "pending" });
    expect(listed.map((m) => m.subject)).toEqual(["Antrag ergänzt", "Neuer Antrag"]);
    expect(listed[0]).toMatchObject({ dedupeKey: "test:3", status: "pending", sentAt: null });
    expect(await listOutbox(knex, { status: "sent" })).toEqual([]);
  });
});

describe("mail templates", () => {
  it("writes German dates and lists every authority with its file number", () => {
    expect(germanDate("2026-05-01")).toBe("01.05.2026");
    const mail = submissionConfirmation({
      title: "FTTH Lindenhain",
      versionNo: 1,
      amended: false,
      cases: [
        { authorityName: "Gemeinde Lindenhain", fileNumber: "LINDENHAIN-TKG-2026-00001" },
        { authorityName: "Hessen Mobil", fileNumber: "HESSEN-MOBIL-TKG-2026-00007" },
      ],
    });
    expect(mail.subject).toBe("Antrag eingereicht: FTTH Lindenhain");
    expect(mail.body).toContain("- Gemeinde Lindenhain: Aktenzeichen LINDENHAIN-TKG-2026-00001\n- Hessen Mobil: Aktenzeichen HESSEN-MOBIL-TKG-2026-00007");
  });
});
