import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "~/modules/auth/session.server";
import { useTestDatabase } from "../../../tests/support/db";
import { givenUser } from "../../../tests/support/fixtures";
import { addAttachment, getAttachment, removeAttachment } from "./attachments.server";
import { createDraft } from "./service.server";
import { organisationId, principalFor, samplePdf, sampleZip } from "./test-fixtures.server";

const db = useTestDatabase();
let operator: Principal;
let otherOperator: Principal;
let analyst: Principal;
let applicationId: string;

beforeAll(async () => {
  const knex = db.current.knex;
  operator = await principalFor(knex, "betreiber@demo.test");
  analyst = await principalFor(knex, "landesebene@demo.test");
  otherOperator = await principalFor(knex, (await givenUser(knex, await organisationId(knex, "fiberway-deutschland"), "operator")).email);
  const created = await createDraft(knex, operator, { title: "Anlagen-Test Auenstadt" });
  if (!created.ok) throw new Error(created.error.message);
  applicationId = created.value.id;
});

const attachmentCount = async () => Number((await db.current.knex("attachments").where({ application_id: applicationId }).count({ n: "*" }))[0]!.n);

describe("attachments", () => {
  it("accepts a real PDF, stores it with its SHA-256 and gives it back to whoever may read the application", async () => {
    const pdf = samplePdf();
    const result = await addAttachment(db.current.knex, operator, applicationId, { kind: "power_of_attorney", fileName: "C:\\Scans\\Vollmacht.pdf", bytes: pdf });
    expect(result).toEqual({
      ok: true,
      value: expect.objectContaining({ kind: "power_of_attorney", fileName: "Vollmacht.pdf", mediaType: "application/pdf", sizeBytes: pdf.byteLength, sha256: createHash("sha256").update(pdf).digest("hex") }),
    });
    const id = result.ok ? result.value.id : "";
    const stored = await getAttachment(db.current.knex, operator, id);
    expect(Buffer.from(stored!.content).equals(Buffer.from(pdf))).toBe(true);
    expect(await getAttachment(db.current.knex, analyst, id)).not.toBeNull();
    expect(await getAttachment(db.current.knex, otherOperator, id)).toBeNull();
    const audit = await db.current.knex("audit_events").where({ entity_id: applicationId, action: "attachment_added" });
    expect(audit).toHaveLength(1);
  });

  it("decides the type by content: a ZIP or a program named .pdf is refused, a PNG is fine", async () => {
    const before = await attachmentCount();
    const zip = await addAttachment(db.current.knex, operator, applicationId, { kind: "plan", fileName: "Lageplan.pdf", bytes: sampleZip() });
    expect(zip).toEqual({ ok: false, error: expect.objectContaining({ code: "invalid", message: expect.stringContaining("„Lageplan.pdf“ ist kein PDF-, PNG- oder JPEG-Dokument (erkannt wurde: ZIP)") }) });
    const exe = new Uint8Array(Buffer.concat([Buffer.from("MZ"), Buffer.alloc(510)]));
    const program = await addAttachment(db.current.knex, operator, applicationId, { kind: "plan", fileName: "Plan.pdf", bytes: exe });
    expect(program.ok ? null : program.error.message).toContain("(erkannt wurde: EXE)");
    const text = await addAttachment(db.current.knex, operator, applicationId, { kind: "other", fileName: "notiz.pdf", bytes: new TextEncoder().encode("nur Text") });
    expect(text.ok ? null : text.error.message).toContain("„notiz.pdf“ ist kein PDF-, PNG- oder JPEG-Dokument.");
    expect(await attachmentCount()).toBe(before);

    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("0000000d49484452000000010000000108060000001f15c489", "hex")]);
    const photo = await addAttachment(db.current.knex, operator, applicationId, { kind: "photo", fileName: "baustelle.jpg", bytes: new Uint8Array(png) });
    expect(photo.ok && photo.value.mediaType).toBe("image/png");
  });

  it("refuses a file over 20 MB and files beyond 100 MB per application", async () => {
    const big = new Uint8Array(21 * 1024 * 1024);
    big.set(samplePdf());
    const tooBig = await addAttachment(db.current.knex, operator, applicationId, { kind: "plan", fileName: "Gesamtplan.pdf", bytes: big });
    expect(tooBig).toEqual({ ok: false, error: expect.objectContaining({ code: "invalid", message: "Die Datei „Gesamtplan.pdf“ ist 21,0 MB groß; erlaubt sind höchstens 20 MB je Datei." }) });

    // another application already holding 100 MB (sizes as recorded; the content does not matter here)
    const created = await createDraft(db.current.knex, operator, { title: "Viele Pläne" });
    const full = created.ok ? created.value.id : "";
    await db.current.knex("attachments").insert(
      Array.from({ length: 5 }, (_, i) => ({ application_id: full, kind: "plan", file_name: `plan-${i}.pdf`, media_type: "application/pdf", size_bytes: 20 * 1024 * 1024, sha256: "0".repeat(64), content: Buffer.from("x") })),
    );
    const over = await addAttachment(db.current.knex, operator, full, { kind: "plan", fileName: "noch-einer.pdf", bytes: samplePdf() });
    expect(over.ok ? null : over.error.message).toBe("Alle Anlagen eines Antrags zusammen dürfen höchstens 100 MB groß sein.");
  });

  it("lets only the operator of the application attach and remove files", async () => {
    const bytes = samplePdf("Plan");
    expect(await addAttachment(db.current.knex, otherOperator, applicationId, { kind: "plan", fileName: "Plan.pdf", bytes })).toEqual({ ok: false, error: expect.objectContaining({ code: "not_found" }) });
    expect(await addAttachment(db.current.knex, analyst, applicationId, { kind: "plan", fileName: "Plan.pdf", bytes })).toEqual({ ok: false, error: expect.objectContaining({ code: "forbidden" }) });
    expect(await addAttachment(db.current.knex, operator, "not-a-uuid", { kind: "plan", fileName: "Plan.pdf", bytes })).toEqual({ ok: false, error: expect.objectContaining({ code: "not_found" }) });

    const added = await addAttachment(db.current.knex, operator, applicationId, { kind: "plan", fileName: "Plan.pdf", bytes });
    const id = added.ok ? added.value.id : "";
    expect(await removeAttachment(db.current.knex, otherOperator, id)).toEqual({ ok: false, error: expect.objectContaining({ code: "not_found" }) });
    expect(await removeAttachment(db.current.knex, operator, id)).toEqual({ ok: true, value: { id } });
    expect(await getAttachment(db.current.knex, operator, id)).toBeNull();
  });
});
