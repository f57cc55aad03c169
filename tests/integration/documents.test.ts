import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KREIS_TO_GEMEINDE, ok, organisationId, principalFor, routeAlong, submittedApplication } from "~/modules/applications/test-fixtures.server";
import type { DraftRoute } from "~/modules/applications/schema";
import type { Principal } from "~/modules/auth/session.server";
import { correctDecisionDocument } from "~/modules/documents/corrections.server";
import type { DocumentInput } from "~/modules/documents/model";
import { renderDocument } from "~/modules/documents/render.server";
import { documentForDownload, listDocuments } from "~/modules/documents/service.server";
import { verifyDocument } from "~/modules/documents/verification.server";
import { decideCase, requestMissingItems } from "~/modules/review/actions.server";
import { sweepDeadlines } from "~/modules/review/deadlines.server";
import { ManualClock } from "~/utils/clock";
import { useTestDatabase } from "../support/db";

/**
 * Every decision comes out as a signed PDF: issued in the transaction of the event, readable
 * (text extraction with poppler), downloadable only by those involved, verifiable by anyone,
 * never changed — a correction is a new version.
 */
const db = useTestDatabase();
const knex = () => db.current.knex;

let operator: Principal;
let kreisClerk: Principal;
let otherClerk: Principal;
let body: Principal;
let analyst: Principal;
let kreisId: string;
let route: DraftRoute;
let dir: string;

const APPLICANT = "Łukasz Dvořák";

beforeAll(async () => {
  const k = knex();
  operator = await principalFor(k, "betreiber@demo.test");
  kreisClerk = await principalFor(k, "kreis@demo.test");
  otherClerk = await principalFor(k, "gemeinde@demo.test");
  body = await principalFor(k, "fachbehoerde@demo.test");
  analyst = await principalFor(k, "landesebene@demo.test");
  kreisId = await organisationId(k, "kreis-auenwald");
  route = await routeAlong(k, KREIS_TO_GEMEINDE);
  dir = mkdtempSync(path.join(tmpdir(), "bp-documents-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function kreisCase(clock: ManualClock, title: string): Promise<string> {
  const contact = { name: APPLICANT, email: "l.dvorak@glasfasernetz-hessen.example", phone: "+49 611 123456" };
  const { cases } = await submittedApplication(knex(), operator, { title, route, draft: { contact }, clock });
  return cases.find((c) => c.authority.id === kreisId)!.caseId;
}

async function caseVersion(id: string): Promise<number> {
  return (await knex()("cases").where({ id }).first("version")).version;
}

async function stored(id: string) {
  const row = await knex()("documents").where({ id }).first("kind", "version", "replaces_id", "content", "input", "sha256", "page_count", "file_number");
  return { ...row, content: Buffer.from(row.content as Uint8Array) };
}

function pdfText(bytes: Uint8Array, name: string): string {
  const file = path.join(dir, `${name}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
}

/** Share of non-white pixels of page `page` rendered as greyscale PGM at 30 dpi. */
function inkShare(bytes: Uint8Array, name: string, page: number): number {
  const file = path.join(dir, `${name}.pdf`);
  writeFileSync(file, bytes);
  const prefix = path.join(dir, `${name}-p${page}`);
  execFileSync("pdftoppm", ["-gray", "-r", "30", "-f", String(page), "-l", String(page), "-singlefile", file, prefix]);
  const pgm = readFileSync(`${prefix}.pgm`);
  // header "P5\n<w> <h>\n255\n", then one byte per pixel
  const header = pgm.toString("latin1", 0, 40).match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/)!;
  const pixels = pgm.subarray(header[0].length);
  let ink = 0;
  for (const p of pixels) if (p < 200) ink += 1;
  return ink / pixels.length;
}

describe("the consent", () => {
  let caseId: string;
  let documentId: string;
  let content: Buffer;

  beforeAll(async () => {
    const clock = new ManualClock("2026-03-02T09:00:00+01:00");
    caseId = await kreisCase(clock, "Bescheid Waldweg");
    await knex()("organisations").where({ id: kreisId }).update({ fee_model: "per_metre", fee_cents: 50, fee_note: "Verwaltungskostensatzung des Landkreises" });
    clock.advanceDays(20);
    ok(
      await decideCase(
        knex(),
        kreisClerk,
        caseId,
        {
          expectedVersion: await caseVersion(caseId),
          decision: "approve",
          reasons: "",
          conditions: [
            { kind: "condition", title: "Baumschutz nach DIN 18920", body: "Im Wurzelbereich der Straßenbäume ist von Hand oder im Spülbohrverfahren zu arbeiten.", source: "custom" },
            { kind: "condition", title: "Wiederherstellung der Oberfläche", body: "Die Oberfläche ist in gleicher Bauweise wiederherzustellen (ZTV A-StB 12).", source: "custom" },
            { kind: "hint", title: "Leitungsauskunft", body: "Vor Baubeginn ist eine Leitungsauskunft bei den Versorgern einzuholen.", source: "custom" },
          ],
        },
        { clock },
      ),
    );
    const docs = await listDocuments(knex(), operator, [caseId]);
    expect(docs).toHaveLength(1);
    documentId = docs[0]!.id;
    content = (await stored(documentId)).content;
  });

  it("is issued with the decision and says what was decided, with the applicant's name as written", async () => {
    const row = await stored(documentId);
    expect(row).toMatchObject({ kind: "consent", version: 1, replaces_id: null });
    const fileNumber = row.file_number as string;
    const text = pdfText(content, "consent");
    expect(text).toContain(fileNumber);
    expect(text).toContain("Zustimmungsbescheid");
    expect(text).toContain(documentId);
    expect(text).toContain(APPLICANT);
    expect(text).toMatch(/1\.\s+Baumschutz nach DIN 18920/);
    expect(text).toMatch(/2\.\s+Wiederherstellung der Oberfläche/);
    expect(text).toContain("Leitungsauskunft");
    // the sections in the Kreis's roads, by road name, as the check report has them
    const report = (row.input as DocumentInput).sections;
    expect(report.length).toBeGreaterThan(0);
    for (const s of report) expect(text.replace(/\s+/g, " ")).toContain(s.roads.split(",")[0]!.trim());
    expect(text).toContain("je Meter");
    expect(text).toContain("Rechtsbehelfsbelehrung");
    expect(text).toContain("ohne Unterschrift gültig");
    expect(text).toMatch(/Seite 1 von \d+/);
    // the annex map is there and drawn
    expect(text).toContain("Lageplan");
    expect(inkShare(content, "consent", 1)).toBeGreaterThan(0.01);
    expect(inkShare(content, "consent", row.page_count)).toBeGreaterThan(0.01);
  });

  it("renders the same bytes again from its stored input", async () => {
    const row = await stored(documentId);
    const again = await renderDocument(row.input as DocumentInput);
    expect(Buffer.from(again.bytes).equals(row.content)).toBe(true);
  });

  it("is downloaded by the operator, the Kreis and state staff only", async () => {
    expect((await documentForDownload(knex(), operator, documentId))?.content.equals(content)).toBe(true);
    expect(await documentForDownload(knex(), kreisClerk, documentId)).not.toBeNull();
    expect(await documentForDownload(knex(), analyst, documentId)).not.toBeNull();
    expect(await documentForDownload(knex(), otherClerk, documentId)).toBeNull();
    expect(await documentForDownload(knex(), body, documentId)).toBeNull();
    expect(await listDocuments(knex(), otherClerk, [caseId])).toEqual([]);
    expect(await documentForDownload(knex(), operator, "not-an-id")).toBeNull();
  });

  it("verifies as genuine, and a copy with one changed byte does not match", async () => {
    const v = (await verifyDocument(knex(), documentId))!;
    expect(v).toMatchObject({ documentId, genuine: true, kind: "consent", issuer: { name: expect.stringContaining("Auenwald") }, replacedBy: null });
    expect(v.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await verifyDocument(knex(), documentId, { bytes: content }))!.comparison).toEqual({ sha256: v.sha256, matches: true });
    const changed = Buffer.from(content);
    const middle = Math.floor(changed.length / 2);
    changed[middle] = changed[middle]! ^ 0x01;
    expect((await verifyDocument(knex(), documentId, { bytes: changed }))!.comparison).toMatchObject({ matches: false });
    expect(await verifyDocument(knex(), "0000000000000000")).toBeNull();
  });

  it("cannot be changed or deleted in the database", async () => {
    await expect(knex()("documents").where({ id: documentId }).update({ file_number: "X" })).rejects.toThrow(/immutable/);
    await expect(knex()("documents").where({ id: documentId }).delete()).rejects.toThrow(/immutable/);
  });

  it("is corrected by a new version that points to it; the old one stays and says so", async () => {
    const clock = new ManualClock("2026-03-25T10:00:00+01:00");
    const version = await caseVersion(caseId);
    const conditions = (await knex()("case_conditions").where({ case_id: caseId }).orderBy("position").select("title", "body")).map((c) => ({ title: c.title, body: c.body }));
    conditions[1]!.body = "Die Oberfläche ist in gleicher Bauweise und Güte wiederherzustellen (ZTV A-StB 12).";

    // a correction may not add or drop conditions
    const more = await correctDecisionDocument(knex(), kreisClerk, caseId, { expectedVersion: version, documentId, reason: "Schreibfehler in Nebenbestimmung 2", conditions: conditions.slice(1) }, { clock });
    expect(more).toMatchObject({ ok: false, error: { code: "invalid" } });
    // nor a stranger correct it
    expect(await correctDecisionDocument(knex(), otherClerk, caseId, { expectedVersion: version, documentId, reason: "Schreibfehler" }, { clock })).toMatchObject({ ok: false, error: { code: "not_found" } });

    const corrected = ok(await correctDecisionDocument(knex(), kreisClerk, caseId, { expectedVersion: version, documentId, reason: "Schreibfehler in Nebenbestimmung 2", conditions }, { clock }));
    const next = await stored(corrected.documentId);
    expect(next).toMatchObject({ kind: "consent", version: 2, replaces_id: documentId });
    const text = pdfText(next.content, "corrected");
    expect(text).toContain("Berichtigte Fassung");
    expect(text).toContain("und Güte");
    // the original is unchanged and verifies, pointing to its successor
    expect((await stored(documentId)).content.equals(content)).toBe(true);
    expect((await verifyDocument(knex(), documentId))!).toMatchObject({ genuine: true, replacedBy: { documentId: corrected.documentId } });
    expect(await verifyDocument(knex(), corrected.documentId)).toMatchObject({ genuine: true, version: 2, replaces: { documentId } });
    // the stale page loses, and the replaced version cannot be corrected again
    expect(await correctDecisionDocument(knex(), kreisClerk, caseId, { expectedVersion: version, documentId: corrected.documentId, reason: "noch ein Fehler" }, { clock })).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(await correctDecisionDocument(knex(), kreisClerk, caseId, { expectedVersion: corrected.version, documentId, reason: "noch ein Fehler" }, { clock })).toMatchObject({ ok: false, error: { code: "conflict" } });
    const list = await listDocuments(knex(), operator, [caseId]);
    expect(list.map((d) => [d.version, d.replacedById])).toEqual([
      [2, null],
      [1, corrected.documentId],
    ]);
  });

  it("is not genuine when the stored bytes were altered behind the portal's back", async () => {
    const clock = new ManualClock("2026-04-01T09:00:00+02:00");
    const id = await kreisCase(clock, "Bescheid manipuliert");
    ok(await decideCase(knex(), kreisClerk, id, { expectedVersion: await caseVersion(id), decision: "approve", reasons: "", conditions: [] }, { clock }));
    const [doc] = await listDocuments(knex(), operator, [id]);
    const bytes = Buffer.from((await stored(doc!.id)).content);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0x20;
    await knex().transaction(async (trx) => {
      await trx.raw("ALTER TABLE documents DISABLE TRIGGER documents_immutable");
      await trx("documents").where({ id: doc!.id }).update({ content: bytes });
      await trx.raw("ALTER TABLE documents ENABLE TRIGGER documents_immutable");
    });
    expect((await verifyDocument(knex(), doc!.id))!.genuine).toBe(false);
  });
});

describe("the other documents", () => {
  it("a rejection carries its reasons; a request for missing items lists them; an unanswered case gets a deemed-approval certificate", async () => {
    const clock = new ManualClock("2026-05-04T09:00:00+02:00");
    const rejected = await kreisCase(clock, "Bescheid Ablehnung");
    ok(await decideCase(knex(), kreisClerk, rejected, { expectedVersion: await caseVersion(rejected), decision: "reject", reasons: "Die Trasse quert die frisch sanierte Fahrbahn der K 141; eine Verlegung im Bankett ist möglich.", conditions: [] }, { clock }));
    const [rejection] = await listDocuments(knex(), operator, [rejected]);
    expect(rejection).toMatchObject({ kind: "rejection", version: 1 });
    const rejectionText = pdfText((await stored(rejection!.id)).content, "rejection");
    expect(rejectionText).toContain("Ablehnungsbescheid");
    expect(rejectionText.replace(/\s+/g, " ")).toContain("eine Verlegung im Bankett ist möglich");
    expect(rejectionText).toContain("Rechtsbehelfsbelehrung");

    const incomplete = await kreisCase(clock, "Bescheid Nachforderung");
    ok(await requestMissingItems(knex(), kreisClerk, incomplete, { expectedVersion: await caseVersion(incomplete), items: ["traffic_plan", "tree_protection"], body: "Bitte den Verkehrszeichenplan für die Ortsdurchfahrt nachreichen." }, { clock }));
    const [request] = await listDocuments(knex(), operator, [incomplete]);
    expect(request).toMatchObject({ kind: "missing_items" });
    const requestText = pdfText((await stored(request!.id)).content, "missing").replace(/\s+/g, " ");
    expect(requestText).toContain("Verkehrszeichenplan bzw. Angaben zur Verkehrsführung");
    expect(requestText).toContain("Angaben zum Baumschutz (DIN 18920)");
    expect(requestText).toContain("für die Ortsdurchfahrt nachreichen");

    const forgotten = await kreisCase(clock, "Bescheid Fiktion");
    const later = new ManualClock("2026-09-01T03:00:00+02:00");
    await knex().transaction((trx) => sweepDeadlines(trx, later));
    expect((await knex()("cases").where({ id: forgotten }).first("status")).status).toBe("deemed_approved");
    const [certificate] = await listDocuments(knex(), operator, [forgotten]);
    expect(certificate).toMatchObject({ kind: "deemed_certificate" });
    const certificateText = pdfText((await stored(certificate!.id)).content, "deemed").replace(/\s+/g, " ");
    expect(certificateText).toContain("Zustimmungsfiktion");
    expect(certificateText).toContain("04.08.2026");
    // a second sweep issues nothing more
    await knex().transaction((trx) => sweepDeadlines(trx, later));
    expect(await listDocuments(knex(), operator, [forgotten])).toHaveLength(1);
  });
});
