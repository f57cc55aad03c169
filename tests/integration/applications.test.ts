import { beforeAll, describe, expect, it } from "vitest";
import { addAttachment, getAttachment } from "~/modules/applications/attachments.server";
import { missingItems } from "~/modules/applications/completeness";
import { listMessages, postMessage } from "~/modules/applications/messages.server";
import { germanToday, type ApplicationDraft, type DraftRoute } from "~/modules/applications/schema";
import {
  amendApplication,
  createDraft,
  getApplication,
  listApplications,
  reportCompletion,
  reportWorksStarted,
  saveDraft,
  submitApplication,
  withdrawApplication,
  type SubmissionResult,
} from "~/modules/applications/service.server";
import {
  completeDraft,
  KREIS_TO_GEMEINDE,
  organisationId,
  principalFor,
  routeAlong,
  samplePdf,
} from "~/modules/applications/test-fixtures.server";
import type { Principal } from "~/modules/auth/session.server";
import { checkRequest } from "~/modules/checks/engine.server";
import { ManualClock } from "~/utils/clock";
import { useTestDatabase } from "../support/db";
import { givenUser } from "../support/fixtures";

/**
 * The operator's side of an application, on the demo region: draft, check, submit into one case
 * per road authority, amend, withdraw, report works — with who may see and do what.
 */
const db = useTestDatabase();
const knex = () => db.current.knex;

let operator: Principal;
let otherOperator: Principal;
let kreisClerk: Principal;
let auenstadtClerk: Principal;
let analyst: Principal;
let ids: { kreis: string; lindenhain: string; land: string };
let mainRoute: DraftRoute;
const year = Number(germanToday().slice(0, 4));

beforeAll(async () => {
  const k = knex();
  operator = await principalFor(k, "betreiber@demo.test");
  kreisClerk = await principalFor(k, "kreis@demo.test");
  auenstadtClerk = await principalFor(k, "gemeinde@demo.test");
  analyst = await principalFor(k, "landesebene@demo.test");
  otherOperator = await principalFor(k, (await givenUser(k, await organisationId(k, "fiberway-deutschland"), "operator")).email);
  ids = {
    kreis: await organisationId(k, "kreis-auenwald"),
    lindenhain: await organisationId(k, "gemeinde-lindenhain"),
    land: await organisationId(k, "hessen-mobil"),
  };
  mainRoute = await routeAlong(k, KREIS_TO_GEMEINDE, [{ at: "end", section: 1, elementType: "verteilerkasten" }]);
});

async function newDraft(title: string): Promise<string> {
  const created = await createDraft(knex(), operator, { title });
  if (!created.ok) throw new Error(created.error.message);
  return created.value.id;
}

async function rowVersion(id: string): Promise<number> {
  return (await knex()("applications").where({ id }).first("version")).version;
}

/** A draft saved complete with a route, ready to submit. */
async function readyDraft(title: string, route: DraftRoute, draft: ApplicationDraft = completeDraft({ title })): Promise<string> {
  const id = await newDraft(title);
  const saved = await saveDraft(knex(), operator, id, { expectedVersion: 1, draft, route });
  if (!saved.ok) throw new Error(JSON.stringify(saved.error));
  return id;
}

async function submitted(id: string): Promise<SubmissionResult> {
  const result = await submitApplication(knex(), operator, id, { expectedVersion: await rowVersion(id) });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

async function counts() {
  const { rows } = await knex().raw(`SELECT
    (SELECT count(*) FROM applications WHERE status <> 'draft')::int AS submitted_applications,
    (SELECT count(*) FROM cases)::int AS cases,
    (SELECT count(*) FROM application_versions)::int AS versions,
    (SELECT count(*) FROM outbox)::int AS outbox,
    (SELECT count(*) FROM audit_events)::int AS audit,
    (SELECT coalesce(sum(last_value), 0)::int FROM file_number_counters) AS numbers_drawn`);
  return rows[0];
}

describe("drafts", () => {
  it("saves with optimistic locking; a stale version or an invalid field writes nothing", async () => {
    const id = await newDraft("FTTH Lindenhain Nord");
    const first = await saveDraft(knex(), operator, id, { expectedVersion: 1, draft: { title: "FTTH Lindenhain Nord", area: "Lindenhain", contact: { name: "Jonas Becker" } } });
    expect(first).toEqual({ ok: true, value: { version: 2, updatedAt: expect.any(String) } });

    const before = await knex()("applications").where({ id }).first("draft", "version");
    const auditBefore = (await counts()).audit;
    const stale = await saveDraft(knex(), operator, id, { expectedVersion: 1, draft: { title: "Überschrieben?" } });
    expect(stale).toEqual({ ok: false, error: { code: "conflict", message: expect.stringContaining("inzwischen an anderer Stelle geändert"), currentVersion: 2 } });

    const route = structuredClone(mainRoute);
    (route.features[0]!.properties as Record<string, unknown>).depthM = -1;
    const bad = await saveDraft(knex(), operator, id, { expectedVersion: 2, draft: { title: "FTTH Lindenhain Nord", contact: { email: "jonas.becker(at)example" } }, route });
    expect(bad.ok ? [] : bad.error.code === "invalid" && bad.error.fieldErrors).toEqual([
      { path: "contact.email", message: "E-Mail der Ansprechperson: Bitte eine gültige E-Mail-Adresse eingeben." },
      { path: "route.features[0].properties.depthM", message: "Die Verlegetiefe muss größer als 0 sein." },
    ]);
    expect(await knex()("applications").where({ id }).first("draft", "version")).toEqual(before);
    expect((await counts()).audit).toBe(auditBefore);
  });

  it("keeps the route in WGS84 as drawn and its lines in EPSG:25832 for clash checks", async () => {
    const id = await newDraft("Trasse speichern");
    const saved = await saveDraft(knex(), operator, id, { expectedVersion: 1, route: mainRoute });
    expect(saved.ok).toBe(true);
    const row = await knex()("applications").where({ id }).first("draft_route", knex().raw("ST_SRID(route) AS srid"), knex().raw("round(ST_Length(route)) AS length_m"), knex().raw("ST_NumGeometries(route) AS parts"));
    expect(row.draft_route).toEqual(mainRoute);
    expect(row).toMatchObject({ srid: 25832, parts: 2 });
    expect(Number(row.length_m)).toBeCloseTo(3613, -1);
    const cleared = await saveDraft(knex(), operator, id, { expectedVersion: 2, route: null });
    expect(cleared.ok).toBe(true);
    expect(await knex()("applications").where({ id }).first("draft_route", "route")).toEqual({ draft_route: null, route: null });
  });
});

describe("submission", () => {
  let applicationId: string;
  let result: SubmissionResult;

  it("lists what is missing, refuses an incomplete submission, then submits one case per responsible authority", async () => {
    applicationId = await newDraft("FTTH Lindenhain und K 142");
    const office = { name: "Ingenieurbüro Netzplan", contactName: "Eva Plan", email: "eva.plan@netzplan.example" };
    const draft = completeDraft({ title: "FTTH Lindenhain und K 142", planningOffice: office });
    delete draft.rightOfWay;
    await saveDraft(knex(), operator, applicationId, { expectedVersion: 1, draft, route: mainRoute });
    expect(missingItems(draft, mainRoute, [], null).map((i) => i.path)).toEqual(["attachments", "rightOfWay.reference", "rightOfWay.date", "route"]);

    const before = await counts();
    const incomplete = await submitApplication(knex(), operator, applicationId, { expectedVersion: 2 });
    expect(incomplete.ok ? null : incomplete.error).toEqual({
      code: "incomplete",
      message: "Der Antrag ist noch nicht vollständig.",
      missing: [
        { path: "attachments", message: "Ein Planungsbüro handelt für Sie: Bitte fügen Sie die Vollmacht des Netzbetreibers bei." },
        { path: "rightOfWay.reference", message: expect.stringContaining("§ 125 TKG") },
        { path: "rightOfWay.date", message: expect.stringContaining("§ 125 TKG") },
      ],
    });
    expect(await counts()).toEqual(before);

    const vollmacht = await addAttachment(knex(), operator, applicationId, { kind: "power_of_attorney", fileName: "Vollmacht.pdf", bytes: samplePdf() });
    expect(vollmacht.ok).toBe(true);
    await saveDraft(knex(), operator, applicationId, { expectedVersion: 2, draft: { ...draft, rightOfWay: { reference: "BNetzA 125-2024-0815", date: "2024-03-01" } } });
    result = await submitted(applicationId);

    expect(result.version).toBe(1);
    expect(result.cases.map((c) => c.authority.id).sort()).toEqual([ids.kreis, ids.lindenhain, ids.land].sort());
    const numbers = result.cases.map((c) => c.fileNumber);
    expect(new Set(numbers).size).toBe(3);
    expect(numbers.sort()).toEqual([`AUENWALD-TKG-${year}-00001`, `HESSEN-MOBIL-TKG-${year}-00001`, `LINDENHAIN-TKG-${year}-00001`]);

    const cases = await knex()("cases").where({ application_id: applicationId }).select("authority_id", "status", "application_version", "section_length_m", "crossings", "received_at");
    const byAuthority = Object.fromEntries(cases.map((c) => [c.authority_id, c]));
    expect(byAuthority[ids.kreis]).toMatchObject({ status: "submitted", application_version: 1, crossings: 0 });
    expect(byAuthority[ids.kreis].section_length_m).toBeCloseTo(3426, -1);
    // the Bundesstraße is only crossed: Hessen Mobil decides on the crossing without a section
    expect(byAuthority[ids.land]).toMatchObject({ status: "submitted", section_length_m: 0, crossings: 1 });
    expect(byAuthority[ids.lindenhain].section_length_m).toBeCloseTo(187.5, 0);

    const app = await knex()("applications").where({ id: applicationId }).first("status", "submitted_at", "current_version", "version", "title", "reference", "period_start");
    expect(app).toMatchObject({ status: "submitted", current_version: 1, version: 4, title: "FTTH Lindenhain und K 142", reference: "GNH-2026-117" });
    expect(new Date(app.submitted_at).getTime()).toBe(new Date(cases[0].received_at).getTime());
    const version = await knex()("application_versions").where({ application_id: applicationId }).first("version_no", "data", "route_features", "check_report", knex().raw("round(ST_Length(route)) AS length_m"));
    expect(version).toMatchObject({ version_no: 1, route_features: mainRoute });
    expect(version.data.form.planningOffice).toEqual(office);
    expect(version.data.attachments).toEqual([expect.objectContaining({ kind: "power_of_attorney", fileName: "Vollmacht.pdf" })]);
    expect(version.check_report.sections.length).toBeGreaterThan(0);

    const events = await knex()("audit_events").where({ entity_type: "application", entity_id: applicationId }).orderBy("id").pluck("action");
    expect(events).toEqual(["created", "draft_saved", "attachment_added", "draft_saved", "submitted"]);
    expect(await knex()("audit_events").where({ entity_type: "case", action: "created" }).whereIn("entity_id", result.cases.map((c) => c.caseId))).toHaveLength(3);

    const confirmation = await knex()("outbox").where({ dedupe_key: `application:${applicationId}:v1:confirmation` }).first();
    expect(confirmation).toMatchObject({ to_address: "jonas.becker@glasfasernetz-hessen.example", subject: "Antrag eingereicht: FTTH Lindenhain und K 142" });
    for (const c of result.cases) expect(confirmation.body_text).toContain(`${c.authority.name}: Aktenzeichen ${c.fileNumber}`);
    const notices = await knex()("outbox").whereIn("dedupe_key", result.cases.map((c) => `case:${c.caseId}:created`)).pluck("to_address");
    expect(notices.sort()).toEqual(["sondernutzung@mobil.hessen.example", "strassenbau@landkreis-auenwald.example", "tiefbau@lindenhain.example"]);
  });

  it("answers a retried submission with the same cases and mails nothing twice", async () => {
    const before = await counts();
    const retry = await submitApplication(knex(), operator, applicationId, { expectedVersion: 3 });
    expect(retry).toEqual({ ok: true, value: result });
    expect(await counts()).toEqual(before);
    expect(await knex()("outbox").where("dedupe_key", "like", `application:${applicationId}:%`)).toHaveLength(1);
  });

  it("makes the submitted route visible to other operators' clash checks", async () => {
    const lines = mainRoute.features.filter((f) => f.geometry.type === "LineString");
    const outcome = await checkRequest(knex(), { route: { type: "FeatureCollection", features: lines.map((f) => ({ ...f, properties: {} })) } });
    expect(outcome.ok && outcome.report.clashes.map((c) => c.title)).toContain("FTTH Lindenhain und K 142");
  });

  it("refuses a route with a blocking finding and writes nothing", async () => {
    // the same stretch of the K 142 drawn twice: a self-overlap is blocking
    const twice = await routeAlong(knex(), [{ roads: ["k142-030", "k142-031"] }, { roads: ["k142-031", "k142-032"] }]);
    const id = await readyDraft("Doppelt gezeichnet", twice);
    const before = await counts();
    const refused = await submitApplication(knex(), operator, id, { expectedVersion: 2 });
    expect(refused.ok ? null : refused.error).toEqual({
      code: "blocked",
      message: expect.stringContaining("unzulässige Punkte"),
      findings: [expect.stringMatching(/^Die Trasse überlagert sich selbst auf \d+ m\./)],
    });
    expect(await counts()).toEqual(before);
    expect(await knex()("applications").where({ id }).first("status", "version", "current_version", "submitted_at")).toEqual({ status: "draft", version: 2, current_version: 0, submitted_at: null });
  });

  it("gives concurrent submissions to the same authority consecutive, distinct file numbers", async () => {
    const route = await routeAlong(knex(), [{ roads: ["k142-020", "k142-021"] }]);
    const [a, b] = [await readyDraft("K 142 West A", route), await readyDraft("K 142 West B", route)];
    const [ra, rb] = await Promise.all([submitted(a), submitted(b)]);
    const seq = [ra, rb].map((r) => {
      expect(r.cases).toHaveLength(1);
      expect(r.cases[0]!.authority.id).toBe(ids.kreis);
      return Number(r.cases[0]!.fileNumber.slice(-5));
    });
    expect(seq.sort()).toEqual([2, 3]);
  });
});

describe("who sees and does what", () => {
  let id: string;

  beforeAll(async () => {
    id = await readyDraft("Sichtbarkeit", await routeAlong(knex(), [{ roads: ["k142-024", "k142-025"] }]));
    await submitted(id);
  });

  it("hides an application from another operator, who gets the same answer as for a missing one", async () => {
    expect(await getApplication(knex(), otherOperator, id)).toBeNull();
    const notFound = { ok: false, error: { code: "not_found", message: "Diesen Antrag gibt es nicht, oder Sie haben keinen Zugriff darauf." } };
    expect(await saveDraft(knex(), otherOperator, id, { expectedVersion: 3, draft: { remarks: "fremd" } })).toEqual(notFound);
    expect(await submitApplication(knex(), otherOperator, id, { expectedVersion: 3 })).toEqual(notFound);
    expect(await withdrawApplication(knex(), otherOperator, id, { expectedVersion: 3 })).toEqual(notFound);
    expect(await submitApplication(knex(), operator, "00000000-0000-4000-8000-000000000000", { expectedVersion: 1 })).toEqual(notFound);
    expect((await listApplications(knex(), otherOperator)).map((a) => a.id)).not.toContain(id);
  });

  it("shows it to the authority with a case, without the operator's working copy, and to nobody else", async () => {
    const seen = await getApplication(knex(), kreisClerk, id);
    expect(seen).toMatchObject({ id, title: "Sichtbarkeit", status: "submitted", draft: null, draftRoute: null, isOwner: false });
    expect(seen!.versions).toHaveLength(1);
    expect(await saveDraft(knex(), kreisClerk, id, { expectedVersion: 3, draft: {} })).toEqual({ ok: false, error: expect.objectContaining({ code: "forbidden" }) });
    expect(await getApplication(knex(), auenstadtClerk, id)).toBeNull();
  });

  it("lets state staff read everything and change nothing", async () => {
    const seen = await getApplication(knex(), analyst, id);
    expect(seen?.draft).toMatchObject({ title: "Sichtbarkeit" });
    expect((await listApplications(knex(), analyst)).map((a) => a.id)).toContain(id);
    const before = await counts();
    for (const attempt of [
      saveDraft(knex(), analyst, id, { expectedVersion: 3, draft: {} }),
      submitApplication(knex(), analyst, id, { expectedVersion: 3 }),
      withdrawApplication(knex(), analyst, id, { expectedVersion: 3 }),
      createDraft(knex(), analyst, { title: "Landesvorhaben" }),
    ]) {
      expect(await attempt).toEqual({ ok: false, error: expect.objectContaining({ code: "forbidden" }) });
    }
    expect(await counts()).toEqual(before);
  });

  it("finds applications by title, own reference and file number", async () => {
    const list = async (q: string) => (await listApplications(knex(), operator, { q })).map((a) => a.title);
    const app = await getApplication(knex(), operator, id);
    expect(await list(app!.cases[0]!.fileNumber)).toEqual(["Sichtbarkeit"]);
    expect(await list("sichtbar")).toEqual(["Sichtbarkeit"]);
    expect(await list("GNH-2026")).toContain("Sichtbarkeit");
    expect(await list("100%_")).toEqual([]);
    const drafts = await listApplications(knex(), operator, { status: "draft" });
    expect(drafts.every((a) => a.status === "draft" && a.cases.length === 0)).toBe(true);
  });
});

describe("amendment changing the route", () => {
  it("opens cases for newly touched authorities, withdraws those no longer touched, and reopens a returning one", async () => {
    const id = await readyDraft("Trassenänderung", await routeAlong(knex(), [{ roads: ["k142-030", "k142-031"] }]));
    const first = await submitted(id);
    expect(first.cases.map((c) => c.authority.id)).toEqual([ids.kreis]);
    const amend = async (route: DraftRoute, reason: string) => {
      const saved = await saveDraft(knex(), operator, id, { expectedVersion: await rowVersion(id), route });
      if (!saved.ok) throw new Error(JSON.stringify(saved.error));
      const result = await amendApplication(knex(), operator, id, { expectedVersion: saved.value.version, reason });
      if (!result.ok) throw new Error(JSON.stringify(result.error));
      return result.value;
    };
    const statuses = async () => Object.fromEntries((await knex()("cases").where({ application_id: id }).select("authority_id", "status")).map((c) => [c.authority_id, c.status]));

    const longer = await amend(mainRoute, "Verlängerung bis Lindenhain");
    expect(longer.cases.map((c) => c.authority.id).sort()).toEqual([ids.kreis, ids.lindenhain, ids.land].sort());
    expect(longer.cases.find((c) => c.authority.id === ids.kreis)).toEqual(first.cases[0]);
    const lindenhainCase = longer.cases.find((c) => c.authority.id === ids.lindenhain)!;
    expect(lindenhainCase.fileNumber).toMatch(new RegExp(`^LINDENHAIN-TKG-${year}-\\d{5}$`));
    expect(await knex()("cases").where({ id: lindenhainCase.caseId }).first("application_version", "status")).toEqual({ application_version: 2, status: "submitted" });

    // only along the K 142 across the B 275: Lindenhain's streets are no longer touched
    const shorter = await amend(await routeAlong(knex(), [{ roads: ["k142-034", "k142-035"] }]), "Abschnitt in Lindenhain entfällt");
    expect(shorter.cases.map((c) => c.authority.id).sort()).toEqual([ids.kreis, ids.land].sort());
    expect(await statuses()).toEqual({ [ids.kreis]: "submitted", [ids.land]: "submitted", [ids.lindenhain]: "withdrawn" });

    const back = await amend(mainRoute, "Abschnitt in Lindenhain doch erforderlich");
    expect(back.version).toBe(4);
    expect(back.cases.find((c) => c.authority.id === ids.lindenhain)).toEqual(lindenhainCase);
    expect(await statuses()).toEqual({ [ids.kreis]: "submitted", [ids.land]: "submitted", [ids.lindenhain]: "submitted" });
    expect(await knex()("audit_events").where({ entity_type: "case", entity_id: lindenhainCase.caseId }).orderBy("id").pluck("action")).toEqual(["created", "withdrawn", "reopened"]);
    expect((await getApplication(knex(), operator, id))!.versions.map((v) => v.versionNo)).toEqual([1, 2, 3, 4]);
  });
});

describe("after submission", () => {
  let id: string;
  let receipt: SubmissionResult;
  const caseOf = (authority: string) => receipt.cases.find((c) => c.authority.id === authority)!.caseId;

  beforeAll(async () => {
    id = await readyDraft("Nachtrag und Bau", mainRoute);
    receipt = await submitted(id);
  });

  it("exchanges messages between operator and authority, counting unread ones until they are viewed", async () => {
    const kreisCase = caseOf(ids.kreis);
    expect(await postMessage(knex(), kreisClerk, kreisCase, "Bitte reichen Sie einen Querschnitt der Grabenbauweise nach.")).toMatchObject({ ok: true });
    const listed = await listApplications(knex(), operator, { q: "Nachtrag und Bau" });
    expect(listed[0]!.unreadMessages).toBe(1);
    expect(listed[0]!.cases.find((c) => c.authority.id === ids.kreis)!.unreadMessages).toBe(1);

    const messages = await listMessages(knex(), operator, kreisCase);
    expect(messages).toEqual([expect.objectContaining({ body: "Bitte reichen Sie einen Querschnitt der Grabenbauweise nach.", mine: false, isNew: true, author: expect.objectContaining({ organisationId: ids.kreis }) })]);
    expect((await listMessages(knex(), operator, kreisCase))![0]!.isNew).toBe(false);
    expect((await listApplications(knex(), operator, { q: "Nachtrag und Bau" }))[0]!.unreadMessages).toBe(0);
    expect(await knex()("outbox").where({ to_address: "jonas.becker@glasfasernetz-hessen.example" }).where("subject", "like", "Neue Nachricht%")).toHaveLength(1);

    expect(await postMessage(knex(), auenstadtClerk, kreisCase, "Hallo")).toEqual({ ok: false, error: expect.objectContaining({ code: "not_found" }) });
    expect(await postMessage(knex(), analyst, kreisCase, "Hallo")).toEqual({ ok: false, error: expect.objectContaining({ code: "forbidden" }) });
    expect(await listMessages(knex(), auenstadtClerk, kreisCase)).toBeNull();
    expect(await listMessages(knex(), analyst, kreisCase)).toHaveLength(1);
    // the state's reading does not mark the authority's unread messages
    await postMessage(knex(), operator, kreisCase, "Der Querschnitt folgt als Anlage.");
    await listMessages(knex(), analyst, kreisCase);
    expect((await listMessages(knex(), kreisClerk, kreisCase))!.filter((m) => m.isNew)).toHaveLength(1);
  });

  it("amends after a request for missing items: version 2, version 1 kept, incomplete cases back to submitted", async () => {
    const kreisCase = caseOf(ids.kreis);
    await knex()("cases").where({ id: kreisCase }).update({ status: "incomplete" });
    const current = await getApplication(knex(), operator, id);
    const querschnitt = await addAttachment(knex(), operator, id, { kind: "plan", fileName: "Querschnitt.pdf", bytes: samplePdf("Querschnitt") });
    const saved = await saveDraft(knex(), operator, id, { expectedVersion: current!.version, draft: { ...current!.draft, remarks: "Querschnitt der Grabenbauweise als Anlage." } });
    expect(saved.ok).toBe(true);
    // the working copy is not submitted yet: the authority still sees version 1 only
    const attachmentId = querschnitt.ok ? querschnitt.value.id : "";
    expect(await getAttachment(knex(), kreisClerk, attachmentId)).toBeNull();

    const stale = await amendApplication(knex(), operator, id, { expectedVersion: current!.version, reason: "Querschnitt nachgereicht" });
    expect(stale.ok ? null : stale.error.code).toBe("conflict");
    const amended = await amendApplication(knex(), operator, id, { expectedVersion: saved.ok ? saved.value.version : 0, reason: "Querschnitt nachgereicht" });
    expect(amended.ok && amended.value.version).toBe(2);
    expect(amended.ok && amended.value.cases.map((c) => c.fileNumber).sort()).toEqual(receipt.cases.map((c) => c.fileNumber).sort());

    const cases = await knex()("cases").where({ application_id: id }).select("id", "status", "application_version");
    expect(cases.every((c) => c.status === "submitted" && c.application_version === 2)).toBe(true);
    const detail = await getApplication(knex(), kreisClerk, id);
    expect(detail!.versions.map((v) => [v.versionNo, v.form.remarks ?? null, v.reason])).toEqual([
      [1, null, null],
      [2, "Querschnitt der Grabenbauweise als Anlage.", "Querschnitt nachgereicht"],
    ]);
    expect(await getAttachment(knex(), kreisClerk, attachmentId)).not.toBeNull();
    const restart = await knex()("audit_events").where({ entity_type: "case", entity_id: kreisCase, action: "amended" }).first("payload");
    expect(restart.payload).toMatchObject({ previousStatus: "incomplete", status: "submitted", applicationVersion: 2, clockRestarted: true });
    expect(detail!.timeline.map((e) => e.action)).toEqual(expect.arrayContaining(["submitted", "created", "message_posted", "amended"]));
    expect(await knex()("outbox").where("dedupe_key", "like", `case:%:v2:amended`).whereIn("dedupe_key", receipt.cases.map((c) => `case:${c.caseId}:v2:amended`))).toHaveLength(3);
  });

  it("reports start of works only after a consent, then completion as planned", async () => {
    const start = await reportWorksStarted(knex(), operator, id, { expectedVersion: await rowVersion(id), date: germanToday() });
    expect(start.ok ? null : start.error.message).toBe("Der Baubeginn kann erst gemeldet werden, wenn mindestens eine Zustimmung vorliegt.");
    await knex()("cases").where({ id: caseOf(ids.kreis) }).update({ status: "approved" });
    await knex()("cases").where({ id: caseOf(ids.lindenhain) }).update({ status: "deemed_approved" });

    const today = germanToday();
    const started = await reportWorksStarted(knex(), operator, id, { expectedVersion: await rowVersion(id), date: today });
    expect(started.ok).toBe(true);
    const early = await reportCompletion(knex(), operator, id, { expectedVersion: await rowVersion(id), date: "2020-01-01", homesPassed: 120, asBuilt: "as_planned" });
    expect(early.ok ? null : early.error.message).toBe("Bitte prüfen Sie das Datum.");
    const done = await reportCompletion(knex(), operator, id, { expectedVersion: await rowVersion(id), date: today, homesPassed: 120, asBuilt: "as_planned" });
    expect(done.ok).toBe(true);

    const row = await knex()("applications").where({ id }).first("status", "homes_passed", knex().raw("works_completed_on::text"), knex().raw("ST_Equals(as_built_route, route) AS as_planned"));
    expect(row).toEqual({ status: "completed", homes_passed: 120, works_completed_on: today, as_planned: true });
    expect((await getApplication(knex(), operator, id))!.asBuiltRoute?.type).toBe("MultiLineString");
    const closed = await saveDraft(knex(), operator, id, { expectedVersion: await rowVersion(id), draft: {} });
    expect(closed.ok ? null : closed.error.message).toBe("Ein fertiggestellter Antrag kann nicht mehr geändert werden.");
    expect(await knex()("outbox").whereIn("dedupe_key", [`case:${caseOf(ids.kreis)}:completed`, `case:${caseOf(ids.lindenhain)}:completed`])).toHaveLength(2);
  });

  it("withdraws an application: open cases end, authorities are told, nothing can change afterwards", async () => {
    const other = await readyDraft("Wird zurückgezogen", await routeAlong(knex(), [{ roads: ["k142-027", "k142-028"] }]));
    const { cases } = await submitted(other);
    const withdrawn = await withdrawApplication(knex(), operator, other, { expectedVersion: await rowVersion(other) });
    expect(withdrawn.ok).toBe(true);
    expect(await knex()("cases").where({ application_id: other }).pluck("status")).toEqual(["withdrawn"]);
    expect(await knex()("outbox").where({ dedupe_key: `case:${cases[0]!.caseId}:withdrawn` })).toHaveLength(1);
    const version = await rowVersion(other);
    const again = await saveDraft(knex(), operator, other, { expectedVersion: version, draft: {} });
    expect(again.ok ? null : again.error.message).toBe("Ein zurückgezogener Antrag kann nicht mehr geändert werden.");
    expect(await withdrawApplication(knex(), operator, other, { expectedVersion: version })).toEqual({ ok: false, error: { code: "wrong_state", message: "Der Antrag ist bereits zurückgezogen." } });
    const timeline = (await getApplication(knex(), operator, other))!.timeline.map((e) => `${e.entityType}:${e.action}`);
    expect(timeline.slice(-2)).toEqual(["case:withdrawn", "application:withdrawn"]);
  });
});

describe("on a clock of its own (a replayed history)", () => {
  it("stamps rows and audit events with the clock's time and judges dates by the clock's day", async () => {
    const clock = new ManualClock("2025-03-03T09:00:00Z");
    const created = await createDraft(knex(), operator, { title: "Aus der Vergangenheit" }, { clock });
    if (!created.ok) throw new Error(created.error.message);
    const id = created.value.id;
    clock.set("2025-03-04T10:00:00Z");
    // Baubeginn 2025-04-01: in the past by the real date, in the future by the clock's
    const draft = completeDraft({ title: "Aus der Vergangenheit", period: { start: "2025-04-01", end: "2025-05-30" } });
    const saved = await saveDraft(knex(), operator, id, { expectedVersion: 1, draft, route: await routeAlong(knex(), [{ roads: ["k142-005", "k142-006"] }]) }, { clock });
    expect(saved).toEqual({ ok: true, value: { version: 2, updatedAt: "2025-03-04T10:00:00.000Z" } });
    expect(missingItems(draft, null, [], null).map((m) => m.path)).toContain("period.start");
    clock.set("2025-03-05T11:00:00Z");
    const submission = await submitApplication(knex(), operator, id, { expectedVersion: 2 }, { clock });
    if (!submission.ok) throw new Error(JSON.stringify(submission.error));
    expect(submission.value.cases.every((c) => c.fileNumber.includes("-2025-"))).toBe(true);
    await knex()("cases").where({ application_id: id }).update({ status: "approved" });

    clock.set("2025-04-02T08:00:00Z");
    const tooEarly = await reportWorksStarted(knex(), operator, id, { expectedVersion: await rowVersion(id), date: "2025-04-03" }, { clock });
    expect(tooEarly).toMatchObject({ ok: false, error: { fieldErrors: [{ path: "date", message: "Der Baubeginn kann nicht in der Zukunft liegen." }] } });
    expect((await reportWorksStarted(knex(), operator, id, { expectedVersion: await rowVersion(id), date: "2025-04-02" }, { clock })).ok).toBe(true);
    clock.set("2025-05-30T12:00:00Z");
    const tooSoon = await reportCompletion(knex(), operator, id, { expectedVersion: await rowVersion(id), date: "2025-05-31", homesPassed: 40, asBuilt: "as_planned" }, { clock });
    expect(tooSoon).toMatchObject({ ok: false, error: { fieldErrors: [{ path: "date", message: "Die Fertigstellung kann nicht in der Zukunft liegen." }] } });
    expect((await reportCompletion(knex(), operator, id, { expectedVersion: await rowVersion(id), date: "2025-05-30", homesPassed: 40, asBuilt: "as_planned" }, { clock })).ok).toBe(true);

    const row = await knex()("applications").where({ id }).first("created_at", "submitted_at", "updated_at");
    expect(row).toEqual({ created_at: new Date("2025-03-03T09:00:00Z"), submitted_at: new Date("2025-03-05T11:00:00Z"), updated_at: new Date("2025-05-30T12:00:00Z") });
    const cases = await knex()("cases").where({ application_id: id }).select("created_at", "received_at");
    expect(cases).toEqual(cases.map(() => ({ created_at: new Date("2025-03-05T11:00:00Z"), received_at: new Date("2025-03-05T11:00:00Z") })));
    const timeline = (await getApplication(knex(), operator, id))!.timeline.map((e) => `${e.at} ${e.entityType}:${e.action}`);
    expect(timeline).toEqual([
      "2025-03-03T09:00:00.000Z application:created",
      "2025-03-04T10:00:00.000Z application:draft_saved",
      ...submission.value.cases.map(() => "2025-03-05T11:00:00.000Z case:created"),
      "2025-03-05T11:00:00.000Z application:submitted",
      "2025-04-02T08:00:00.000Z application:works_started",
      "2025-05-30T12:00:00.000Z application:completed",
    ]);
  });

  it("withdraws at the clock's time", async () => {
    const id = await readyDraft("Zurückgezogen auf der Uhr", await routeAlong(knex(), [{ roads: ["k142-017", "k142-018"] }]));
    const { cases } = await submitted(id);
    const clock = new ManualClock(new Date(Date.now() + 3_600_000));
    expect((await withdrawApplication(knex(), operator, id, { expectedVersion: await rowVersion(id) }, { clock })).ok).toBe(true);
    expect(await knex()("applications").where({ id }).first("withdrawn_at", "updated_at")).toEqual({ withdrawn_at: clock.now(), updated_at: clock.now() });
    const events = await knex()("audit_events")
      .where((w) => w.where({ entity_type: "application", entity_id: id }).orWhereIn("entity_id", cases.map((c) => c.caseId)))
      .where({ action: "withdrawn" })
      .pluck("at");
    expect(events).toEqual(cases.map(() => clock.now()).concat([clock.now()]));
  });
});
