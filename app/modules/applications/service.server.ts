import type { Knex } from "knex";
import type { Db } from "~/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Principal } from "~/modules/auth/session.server";
import { checkRoute } from "~/modules/checks/engine.server";
import type { CheckReport } from "~/modules/checks/report";
import { normaliseCheckRequest } from "~/modules/checks/schema";
import { recordCompletionCoverage } from "~/modules/coverage/events.server";
import { writeCaseAreas } from "~/modules/dashboard/case-areas.server";
import { startCaseClock } from "~/modules/deadlines/case-clock.server";
import { enqueueMail } from "~/modules/mail/outbox.server";
import {
  caseAmendedNotice,
  caseWithdrawnNotice,
  newCaseNotice,
  submissionConfirmation,
  worksNotice,
} from "~/modules/mail/templates";
import { systemClock, type Clock } from "~/utils/clock";
import {
  assertEditable,
  checkVersion,
  closedError,
  fail,
  invalid,
  isUuid,
  lockOwnApplication,
  readableApplications,
  transact,
  type ApplicationRow,
} from "./access.server";
import { blockingFindings, missingItems, responsibleAuthorities, type MissingItem } from "./completeness";
import type { Result } from "./errors";
import { nextFileNumber } from "./file-numbers.server";
import {
  AmendSchema,
  ApplicationDraftSchema,
  CompletionSchema,
  CreateDraftSchema,
  DraftRouteSchema,
  germanToday,
  isLineFeature,
  OPEN_CASE_STATUSES,
  SaveDraftSchema,
  WorksStartedSchema,
  type ApplicationDraft,
  type ApplicationStatus,
  type AttachmentKind,
  type CaseStatus,
  type CompletionInput,
  type DraftRoute,
  type SaveDraftInput,
} from "./schema";

// ---------------------------------------------------------------------------------------------
// Drafts
// ---------------------------------------------------------------------------------------------

/** Starts an application for the principal's operator organisation. */
export async function createDraft(
  db: Db,
  principal: Principal,
  input: { title: string },
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<Result<{ id: string; version: number }>> {
  if (principal.role !== "operator") {
    return { ok: false, error: { code: "forbidden", message: "Anträge stellen nur Antragsteller (Netzbetreiber und ihre Planungsbüros)." } };
  }
  const parsed = CreateDraftSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalid(parsed.error.issues) };
  return transact(db, async (trx) => {
    const now = clock.now();
    const [row] = await trx("applications")
      .insert({
        operator_id: principal.organisation.id,
        created_by: principal.userId,
        title: parsed.data.title,
        draft: JSON.stringify({ title: parsed.data.title }),
        created_at: now,
        updated_at: now,
      })
      .returning(["id", "version"]);
    await audit(trx, principal, "application", row.id, "created", { title: parsed.data.title }, now);
    return { id: row.id as string, version: row.version as number };
  });
}

/**
 * Saves the form and/or the route of a draft (or of a submitted application's working copy, which
 * a later amendment submits). Optimistic locking: `expectedVersion` must be the version the
 * operator's page loaded; the result carries the new one.
 */
export async function saveDraft(
  db: Db,
  principal: Principal,
  id: string,
  input: SaveDraftInput,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<Result<{ version: number; updatedAt: string }>> {
  const parsed = SaveDraftSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalid(parsed.error.issues, "draft") };
  const { draft, route, expectedVersion } = parsed.data;
  return transact(db, async (trx) => {
    const app = await lockOwnApplication(trx, principal, id);
    await assertEditable(trx, app);
    checkVersion(app, expectedVersion);
    const now = clock.now();
    const changes: Record<string, unknown> = { version: app.version + 1, updated_at: now };
    if (draft !== undefined) changes.draft = JSON.stringify(draft);
    if (route !== undefined) changes.draft_route = route === null ? null : JSON.stringify(route);
    // Until submission the row's columns mirror the draft (what clash checks and lists read);
    // afterwards they mirror the last submitted version, and the draft is a working copy.
    if (app.status === "draft") {
      if (draft !== undefined) Object.assign(changes, mirrorColumns(draft, app.title));
      if (route !== undefined) changes.route = routeGeometry(trx, route);
    }
    const [row] = await trx("applications").where({ id }).update(changes).returning(["version", "updated_at"]);
    await audit(
      trx,
      principal,
      "application",
      id,
      "draft_saved",
      { version: row.version, changed: [...(draft !== undefined ? ["draft"] : []), ...(route !== undefined ? ["route"] : [])] },
      now,
    );
    return { version: row.version as number, updatedAt: new Date(row.updated_at).toISOString() };
  });
}

/** Applications columns that follow the form: searched, listed and shown in other operators' clash reports. */
function mirrorColumns(draft: ApplicationDraft, currentTitle: string) {
  return {
    title: draft.title ?? currentTitle,
    reference: draft.reference ?? null,
    contact: JSON.stringify(draft.contact ?? {}),
    period_start: draft.period?.start ?? null,
    period_end: draft.period?.end ?? null,
  };
}

/** The lines of a route as one MultiLineString in EPSG:25832, or null without lines. */
function routeGeometry(db: Db, route: DraftRoute | null): Knex.Raw | null {
  const lines = (route?.features ?? []).filter(isLineFeature).flatMap((f) => (f.geometry.type === "LineString" ? [f.geometry.coordinates] : f.geometry.coordinates));
  if (lines.length === 0) return null;
  return db.raw("ST_Multi(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326), 25832))", [JSON.stringify({ type: "MultiLineString", coordinates: lines })]);
}

// ---------------------------------------------------------------------------------------------
// Submission and amendment
// ---------------------------------------------------------------------------------------------

export interface CaseReceipt {
  caseId: string;
  authority: { id: string; name: string };
  fileNumber: string;
}

export interface SubmissionResult {
  applicationId: string;
  /** the submitted version number (1 for the first submission) */
  version: number;
  /** the application's cases that are not withdrawn */
  cases: CaseReceipt[];
}

interface AttachmentRef {
  id: string;
  kind: AttachmentKind;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
}

/** What a submission freezes into application_versions. */
interface PreparedVersion {
  draft: ApplicationDraft;
  route: DraftRoute;
  attachments: AttachmentRef[];
  report: CheckReport;
  authorities: ReturnType<typeof responsibleAuthorities>;
}

/**
 * Submits a draft: checks it is complete and the route has no blocking finding, freezes version 1
 * and opens one case per responsible road authority, each with its own file number. All in one
 * transaction. Submitting again an application that has not changed since (a retried request)
 * answers with the existing cases and writes nothing.
 */
export async function submitApplication(
  db: Db,
  principal: Principal,
  id: string,
  input: { expectedVersion: number },
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<Result<SubmissionResult>> {
  return transact(db, async (trx) => {
    const app = await lockOwnApplication(trx, principal, id);
    if (app.status === "submitted" && (await unchangedSinceLastVersion(trx, app.id))) {
      return { applicationId: app.id, version: app.current_version, cases: await activeCases(trx, app.id) };
    }
    if (app.status === "submitted") {
      fail({ code: "wrong_state", message: "Der Antrag ist bereits eingereicht. Änderungen reichen Sie bitte als Änderung des Antrags ein." });
    }
    if (app.status !== "draft") fail(closedError(app.status));
    checkVersion(app, input.expectedVersion);
    const now = clock.now();
    const prepared = await prepareVersion(trx, app, now);
    const versionNo = app.current_version + 1;
    await insertVersion(trx, principal, app.id, versionNo, prepared, now, null);
    const operatorName = await organisationName(trx, app.operator_id);
    const opened: CaseReceipt[] = [];
    for (const authority of await authorityRows(trx, prepared.authorities.map((a) => a.id))) {
      opened.push(await openCase(trx, principal, { app, operatorName, prepared, authority, versionNo, now }));
    }
    const cases = sortCases(opened);
    await trx("applications")
      .where({ id: app.id })
      .update({
        status: "submitted",
        submitted_at: now,
        current_version: versionNo,
        version: app.version + 1,
        updated_at: now,
        ...mirrorColumns(prepared.draft, app.title),
        route: routeGeometry(trx, prepared.route),
      });
    await audit(
      trx,
      principal,
      "application",
      app.id,
      "submitted",
      { versionNo, cases: cases.map((c) => ({ caseId: c.caseId, authorityId: c.authority.id, fileNumber: c.fileNumber })) },
      now,
    );
    await confirmToOperator(trx, app.id, prepared.draft, versionNo, false, cases);
    return { applicationId: app.id, version: versionNo, cases };
  });
}

/**
 * Submits the working copy as version n+1 after an authority asked for missing items, or to
 * correct the application before a decision: allowed while at least one case is open (submitted,
 * incomplete, in review). Open cases move to the new version (incomplete ones back to submitted;
 * the audit event marks the clock restart); authorities the changed route no longer touches have
 * their open case withdrawn; newly touched ones get a new case; decided cases stay as they are.
 */
export async function amendApplication(
  db: Db,
  principal: Principal,
  id: string,
  input: { expectedVersion: number; reason: string },
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<Result<SubmissionResult>> {
  const parsed = AmendSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalid(parsed.error.issues) };
  const { reason, expectedVersion } = parsed.data;
  return transact(db, async (trx) => {
    const app = await lockOwnApplication(trx, principal, id);
    if (app.status === "draft") fail({ code: "wrong_state", message: "Der Antrag ist noch nicht eingereicht; reichen Sie ihn bitte zuerst ein." });
    if (app.status !== "submitted") fail(closedError(app.status));
    const existing: CaseRow[] = await trx("cases as c")
      .join("organisations as o", "o.id", "c.authority_id")
      .where("c.application_id", app.id)
      .forUpdate("c")
      .select("c.id", "c.authority_id", "c.status", "c.file_number", "c.version", "o.name as authority_name", "o.email as authority_email");
    if (!existing.some((c) => OPEN_CASE_STATUSES.includes(c.status))) {
      fail({ code: "wrong_state", message: "Über alle Verfahren dieses Antrags ist bereits entschieden; er kann nicht mehr geändert werden. Stellen Sie bitte einen neuen Antrag." });
    }
    checkVersion(app, expectedVersion);
    const now = clock.now();
    const prepared = await prepareVersion(trx, app, now);
    const versionNo = app.current_version + 1;
    await insertVersion(trx, principal, app.id, versionNo, prepared, now, reason);
    const operatorName = await organisationName(trx, app.operator_id);
    const affected = new Map(prepared.authorities.map((a) => [a.id, a]));
    const title = prepared.draft.title ?? app.title;

    for (const c of existing) {
      const share = affected.get(c.authority_id);
      if (OPEN_CASE_STATUSES.includes(c.status)) {
        if (share) {
          // answering a request for missing items completes the application: the clock restarts
          const answersRequest = c.status === "incomplete";
          const status: CaseStatus = answersRequest ? "submitted" : c.status;
          await trx("cases").where({ id: c.id }).update({
            status,
            application_version: versionNo,
            section_length_m: share.lengthM,
            crossings: share.crossings,
            version: c.version + 1,
            updated_at: now,
          });
          await writeCaseAreas(trx, c.id, c.authority_id, prepared.report);
          const caseClock = answersRequest ? await startCaseClock(trx, c.id, c.authority_id, now) : null;
          if (answersRequest) await trx("case_requests").where({ case_id: c.id }).whereNull("answered_at").update({ answered_at: now, answered_version: versionNo });
          await audit(
            trx,
            principal,
            "case",
            c.id,
            "amended",
            {
              applicationId: app.id,
              applicationVersion: versionNo,
              previousStatus: c.status,
              status,
              clockRestarted: answersRequest,
              ...(caseClock ? { decisionDueOn: caseClock.decisionDueOn } : {}),
              reason,
            },
            now,
          );
          await mailAuthority(trx, c.authority_email, `case:${c.id}:v${versionNo}:amended`, caseAmendedNotice({ fileNumber: c.file_number, title, operatorName, versionNo, reason }));
        } else {
          await withdrawCase(trx, principal, c, now, { applicationId: app.id, applicationVersion: versionNo, reason: "route_no_longer_affects_authority" }, title, operatorName);
        }
      } else if (c.status === "withdrawn" && share) {
        // the changed route touches this authority again: the case reopens under its file number
        await trx("cases").where({ id: c.id }).update({
          status: "submitted",
          application_version: versionNo,
          received_at: now,
          section_length_m: share.lengthM,
          crossings: share.crossings,
          version: c.version + 1,
          updated_at: now,
        });
        await writeCaseAreas(trx, c.id, c.authority_id, prepared.report);
        const caseClock = await startCaseClock(trx, c.id, c.authority_id, now);
        await audit(
          trx,
          principal,
          "case",
          c.id,
          "reopened",
          { applicationId: app.id, applicationVersion: versionNo, fileNumber: c.file_number, decisionDueOn: caseClock.decisionDueOn },
          now,
        );
        await mailAuthority(
          trx,
          c.authority_email,
          `case:${c.id}:v${versionNo}:reopened`,
          newCaseNotice({ authorityName: c.authority_name, fileNumber: c.file_number, title, operatorName, lengthM: share.lengthM, crossings: share.crossings, period: prepared.draft.period }),
        );
      }
    }
    const known = new Set(existing.map((c) => c.authority_id));
    for (const authority of await authorityRows(trx, prepared.authorities.filter((a) => !known.has(a.id)).map((a) => a.id))) {
      await openCase(trx, principal, { app, operatorName, prepared, authority, versionNo, now });
    }
    await trx("applications")
      .where({ id: app.id })
      .update({ current_version: versionNo, version: app.version + 1, updated_at: now, ...mirrorColumns(prepared.draft, app.title), route: routeGeometry(trx, prepared.route) });
    await audit(trx, principal, "application", app.id, "amended", { versionNo, reason }, now);
    const cases = await activeCases(trx, app.id);
    await confirmToOperator(trx, app.id, prepared.draft, versionNo, true, cases);
    return { applicationId: app.id, version: versionNo, cases };
  });
}

interface CaseRow {
  id: string;
  authority_id: string;
  status: CaseStatus;
  file_number: string;
  version: number;
  authority_name: string;
  authority_email: string | null;
}

interface AuthorityRow {
  id: string;
  name: string;
  slug: string;
  email: string | null;
  file_number_prefix: string | null;
}

/**
 * Validates the working copy, checks the route, and refuses what may not be submitted; `now` is
 * the time of the submission (the route check's reference date, "Baubeginn not in the past").
 */
async function prepareVersion(trx: Knex.Transaction, app: ApplicationRow, now: Date): Promise<PreparedVersion> {
  const draft = ApplicationDraftSchema.safeParse(app.draft);
  if (!draft.success) fail(invalid(draft.error.issues));
  const route = app.draft_route === null ? null : DraftRouteSchema.safeParse(app.draft_route);
  if (route && !route.success) fail(invalid(route.error.issues.map((i) => ({ ...i, path: ["route", ...i.path] }))));
  const attachments = await attachmentRefs(trx, app.id);
  const routeData = route?.data ?? null;
  const report = routeData ? await checkDraftRoute(trx, app.id, draft.data, routeData, now) : null;
  if (report) {
    const findings = blockingFindings(report);
    if (findings.length > 0) {
      fail({ code: "blocked", message: `Die Trassenprüfung hat unzulässige Punkte ergeben: ${findings.join(" ")}`, findings });
    }
  }
  const missing = missingItems(draft.data, routeData, attachments, report, germanToday(now));
  if (missing.length > 0 || !report || !routeData) {
    fail({ code: "incomplete", message: "Der Antrag ist noch nicht vollständig.", missing });
  }
  return { draft: draft.data, route: routeData, attachments, report, authorities: responsibleAuthorities(report) };
}

/** The route check of the lines of a draft route, as the map runs it. */
async function checkDraftRoute(trx: Knex.Transaction, applicationId: string, draft: ApplicationDraft, route: DraftRoute, now: Date): Promise<CheckReport | null> {
  const lineIndexes = route.features.flatMap((f, i) => (isLineFeature(f) ? [i] : []));
  if (lineIndexes.length === 0) return null;
  const period = draft.period?.start && draft.period.end ? { start: draft.period.start, end: draft.period.end } : undefined;
  const normalised = normaliseCheckRequest({
    srid: 4326,
    period,
    route: {
      type: "FeatureCollection",
      features: route.features.filter(isLineFeature).map((f) => ({
        type: "Feature",
        geometry: f.geometry,
        properties: { method: f.properties.method, depthM: f.properties.depthM, widthM: f.properties.widthM },
      })),
    },
  });
  const outcome = normalised.ok ? await checkRoute(trx, normalised.route, { excludeApplicationId: applicationId, asOf: now }) : normalised;
  if (outcome.ok) return outcome.report;
  // the check numbers lines only; point the user at the feature of the whole route
  const fieldErrors: MissingItem[] = outcome.problems.map((p) => ({
    path: p.path.replace(/^route\.features\[(\d+)\]/, (_, n: string) => `route.features[${lineIndexes[Number(n)] ?? n}]`),
    message: p.message,
  }));
  return fail({ code: "invalid", message: "Die Trasse kann nicht geprüft werden.", fieldErrors });
}

async function attachmentRefs(trx: Knex.Transaction, applicationId: string): Promise<AttachmentRef[]> {
  const rows = await trx("attachments").where({ application_id: applicationId }).orderBy("uploaded_at").select("id", "kind", "file_name", "media_type", "size_bytes", "sha256");
  return rows.map((r) => ({ id: r.id, kind: r.kind, fileName: r.file_name, mediaType: r.media_type, sizeBytes: r.size_bytes, sha256: r.sha256 }));
}

async function insertVersion(trx: Knex.Transaction, principal: Principal, applicationId: string, versionNo: number, prepared: PreparedVersion, now: Date, reason: string | null) {
  await trx("application_versions").insert({
    application_id: applicationId,
    version_no: versionNo,
    submitted_at: now,
    submitted_by: principal.userId,
    reason,
    data: JSON.stringify({ form: prepared.draft, attachments: prepared.attachments }),
    route_features: JSON.stringify(prepared.route),
    route: routeGeometry(trx, prepared.route),
    check_report: JSON.stringify(prepared.report),
  });
}

/** Has nothing been saved or attached since the last submitted version? */
async function unchangedSinceLastVersion(trx: Knex.Transaction, applicationId: string): Promise<boolean> {
  const row = await trx("applications as a")
    .join("application_versions as v", function () {
      this.on("v.application_id", "a.id").andOn("v.version_no", "a.current_version");
    })
    .where("a.id", applicationId)
    .first(
      trx.raw("a.draft = v.data->'form' AND a.draft_route IS NOT DISTINCT FROM v.route_features AS same"),
      trx.raw("coalesce((SELECT array_agg(x->>'id' ORDER BY x->>'id') FROM jsonb_array_elements(v.data->'attachments') x), '{}') AS submitted_attachments"),
      trx.raw("coalesce((SELECT array_agg(t.id::text ORDER BY t.id::text) FROM attachments t WHERE t.application_id = a.id), '{}') AS current_attachments"),
    );
  return Boolean(row?.same) && JSON.stringify(row.submitted_attachments) === JSON.stringify(row.current_attachments);
}

async function authorityRows(trx: Knex.Transaction, ids: string[]): Promise<AuthorityRow[]> {
  if (ids.length === 0) return [];
  // a fixed order: file number counters are locked in it, so concurrent submissions cannot deadlock
  return trx("organisations").whereIn("id", ids).orderBy("id").select("id", "name", "slug", "email", "file_number_prefix");
}

async function organisationName(trx: Knex.Transaction, id: string): Promise<string> {
  return (await trx("organisations").where({ id }).first("name")).name;
}

async function openCase(
  trx: Knex.Transaction,
  principal: Principal,
  ctx: { app: ApplicationRow; operatorName: string; prepared: PreparedVersion; authority: AuthorityRow; versionNo: number; now: Date },
): Promise<CaseReceipt> {
  const { app, prepared, authority, versionNo, now } = ctx;
  const share = prepared.authorities.find((a) => a.id === authority.id)!;
  const fileNumber = await nextFileNumber(trx, { id: authority.id, slug: authority.slug, fileNumberPrefix: authority.file_number_prefix }, Number(germanToday(now).slice(0, 4)));
  const [row] = await trx("cases")
    .insert({
      application_id: app.id,
      authority_id: authority.id,
      file_number: fileNumber,
      status: "submitted",
      application_version: versionNo,
      received_at: now,
      section_length_m: share.lengthM,
      crossings: share.crossings,
      created_at: now,
      updated_at: now,
    })
    .returning("id");
  await writeCaseAreas(trx, row.id, authority.id, prepared.report);
  const caseClock = await startCaseClock(trx, row.id, authority.id, now);
  await audit(
    trx,
    principal,
    "case",
    row.id,
    "created",
    {
      applicationId: app.id,
      authorityId: authority.id,
      fileNumber,
      applicationVersion: versionNo,
      sectionLengthM: share.lengthM,
      crossings: share.crossings,
      procedureRule: caseClock.rule,
      completenessDueOn: caseClock.completenessDueOn,
      decisionDueOn: caseClock.decisionDueOn,
    },
    now,
  );
  const title = prepared.draft.title ?? app.title;
  await mailAuthority(
    trx,
    authority.email,
    `case:${row.id}:created`,
    newCaseNotice({ authorityName: authority.name, fileNumber, title, operatorName: ctx.operatorName, lengthM: share.lengthM, crossings: share.crossings, period: prepared.draft.period }),
  );
  return { caseId: row.id, authority: { id: authority.id, name: authority.name }, fileNumber };
}

async function activeCases(trx: Knex.Transaction, applicationId: string): Promise<CaseReceipt[]> {
  const rows = await trx("cases as c")
    .join("organisations as o", "o.id", "c.authority_id")
    .where("c.application_id", applicationId)
    .whereNot("c.status", "withdrawn")
    .select("c.id", "c.file_number", "o.id as authority_id", "o.name as authority_name");
  return sortCases(rows.map((r) => ({ caseId: r.id, authority: { id: r.authority_id, name: r.authority_name }, fileNumber: r.file_number })));
}

function sortCases(cases: CaseReceipt[]): CaseReceipt[] {
  return [...cases].sort((a, b) => a.authority.name.localeCompare(b.authority.name, "de"));
}

async function withdrawCase(
  trx: Knex.Transaction,
  principal: Principal,
  c: CaseRow,
  now: Date,
  payload: Record<string, unknown>,
  title: string,
  operatorName: string,
): Promise<void> {
  await trx("cases").where({ id: c.id }).update({ status: "withdrawn", version: c.version + 1, updated_at: now });
  await audit(trx, principal, "case", c.id, "withdrawn", { previousStatus: c.status, ...payload }, now);
  await mailAuthority(trx, c.authority_email, `case:${c.id}:withdrawn`, caseWithdrawnNotice({ fileNumber: c.file_number, title, operatorName }));
}

async function confirmToOperator(trx: Knex.Transaction, applicationId: string, draft: ApplicationDraft, versionNo: number, amended: boolean, cases: CaseReceipt[]) {
  if (!draft.contact?.email) return;
  await enqueueMail(trx, {
    dedupeKey: `application:${applicationId}:v${versionNo}:confirmation`,
    to: draft.contact.email,
    ...submissionConfirmation({ title: draft.title ?? "", versionNo, amended, cases: cases.map((c) => ({ authorityName: c.authority.name, fileNumber: c.fileNumber })) }),
  });
}

async function mailAuthority(trx: Knex.Transaction, to: string | null, dedupeKey: string, mail: { subject: string; body: string }) {
  // an authority without an address still finds the case in its inbox
  if (to) await enqueueMail(trx, { dedupeKey, to, ...mail });
}

/** An audit event of the principal at `at` (the time of the change, from the caller's clock). */
async function audit(trx: Db, principal: Principal, entityType: "application" | "case", entityId: string, action: string, payload: Record<string, unknown>, at: Date) {
  await recordAudit(trx, { actorUserId: principal.userId, organisationId: principal.organisation.id, entityType, entityId, action, payload, at });
}

// ---------------------------------------------------------------------------------------------
// Withdrawal, start and completion of works
// ---------------------------------------------------------------------------------------------

/** Withdraws a draft or a submitted application; every open case is withdrawn and its authority told. */
export async function withdrawApplication(
  db: Db,
  principal: Principal,
  id: string,
  input: { expectedVersion: number },
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<Result<{ version: number }>> {
  return transact(db, async (trx) => {
    const app = await lockOwnApplication(trx, principal, id);
    if (app.status === "withdrawn") fail({ code: "wrong_state", message: "Der Antrag ist bereits zurückgezogen." });
    if (app.status === "completed") fail({ code: "wrong_state", message: "Ein fertiggestellter Antrag kann nicht zurückgezogen werden." });
    if (app.works_started_on) fail({ code: "wrong_state", message: "Die Bauarbeiten haben bereits begonnen; melden Sie bitte die Fertigstellung." });
    checkVersion(app, input.expectedVersion);
    const now = clock.now();
    const open: CaseRow[] = await trx("cases as c")
      .join("organisations as o", "o.id", "c.authority_id")
      .where("c.application_id", app.id)
      .whereIn("c.status", OPEN_CASE_STATUSES)
      .forUpdate("c")
      .select("c.id", "c.authority_id", "c.status", "c.file_number", "c.version", "o.name as authority_name", "o.email as authority_email");
    const operatorName = await organisationName(trx, app.operator_id);
    for (const c of open) await withdrawCase(trx, principal, c, now, { applicationId: app.id, reason: "application_withdrawn" }, app.title, operatorName);
    const [row] = await trx("applications").where({ id: app.id }).update({ status: "withdrawn", withdrawn_at: now, version: app.version + 1, updated_at: now }).returning("version");
    await audit(trx, principal, "application", app.id, "withdrawn", { withdrawnCases: open.map((c) => c.id) }, now);
    return { version: row.version as number };
  });
}

const APPROVED: readonly CaseStatus[] = ["approved", "deemed_approved"];

/** Reports the start of works; possible once at least one authority has consented. */
export async function reportWorksStarted(
  db: Db,
  principal: Principal,
  id: string,
  input: { expectedVersion: number; date: string },
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<Result<{ version: number }>> {
  const parsed = WorksStartedSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalid(parsed.error.issues) };
  const { date, expectedVersion } = parsed.data;
  return transact(db, async (trx) => {
    const app = await lockOwnApplication(trx, principal, id);
    if (app.status !== "submitted") fail(app.status === "draft" ? { code: "wrong_state", message: "Der Antrag ist noch nicht eingereicht." } : closedError(app.status));
    if (app.works_started_on) fail({ code: "wrong_state", message: "Der Baubeginn ist bereits gemeldet." });
    const approved = await approvedCases(trx, app.id);
    if (approved.length === 0) fail({ code: "wrong_state", message: "Der Baubeginn kann erst gemeldet werden, wenn mindestens eine Zustimmung vorliegt." });
    const now = clock.now();
    if (date > germanToday(now)) fail({ code: "invalid", message: "Bitte prüfen Sie das Datum.", fieldErrors: [{ path: "date", message: "Der Baubeginn kann nicht in der Zukunft liegen." }] });
    checkVersion(app, expectedVersion);
    const [row] = await trx("applications").where({ id: app.id }).update({ works_started_on: date, version: app.version + 1, updated_at: now }).returning("version");
    await audit(trx, principal, "application", app.id, "works_started", { date }, now);
    const operatorName = await organisationName(trx, app.operator_id);
    for (const c of approved) {
      await mailAuthority(trx, c.authority_email, `case:${c.id}:works_started`, worksNotice({ fileNumber: c.file_number, title: app.title, operatorName, event: "started", date }));
    }
    return { version: row.version as number };
  });
}

/**
 * Reports completion with the as-built route (the last submitted route, or the one drawn) and the
 * homes passed; the application is then completed and closed.
 */
export async function reportCompletion(
  db: Db,
  principal: Principal,
  id: string,
  input: CompletionInput,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<Result<{ version: number }>> {
  const parsed = CompletionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalid(parsed.error.issues) };
  const { date, homesPassed, asBuilt, expectedVersion } = parsed.data;
  return transact(db, async (trx) => {
    const app = await lockOwnApplication(trx, principal, id);
    if (app.status !== "submitted") fail(app.status === "draft" ? { code: "wrong_state", message: "Der Antrag ist noch nicht eingereicht." } : closedError(app.status));
    if (!app.works_started_on) fail({ code: "wrong_state", message: "Bitte melden Sie zuerst den Baubeginn." });
    const now = clock.now();
    const dateProblem =
      date < app.works_started_on ? "Die Fertigstellung kann nicht vor dem Baubeginn liegen." : date > germanToday(now) ? "Die Fertigstellung kann nicht in der Zukunft liegen." : null;
    if (dateProblem) fail({ code: "invalid", message: "Bitte prüfen Sie das Datum.", fieldErrors: [{ path: "date", message: dateProblem }] });
    checkVersion(app, expectedVersion);
    const asBuiltRoute =
      asBuilt === "as_planned"
        ? trx("application_versions").where({ application_id: app.id, version_no: app.current_version }).select("route")
        : routeGeometry(trx, { type: "FeatureCollection", features: asBuilt.features });
    const [row] = await trx("applications")
      .where({ id: app.id })
      .update({ status: "completed", works_completed_on: date, homes_passed: homesPassed, as_built_route: asBuiltRoute, version: app.version + 1, updated_at: now })
      .returning("version");
    // the homes passed count towards the coverage of the Gemeinden the as-built route runs through
    await recordCompletionCoverage(trx, { applicationId: app.id, completedOn: date, homesPassed, recordedBy: principal.userId, recordedAt: now });
    await audit(trx, principal, "application", app.id, "completed", { date, homesPassed, asBuilt: asBuilt === "as_planned" ? "as_planned" : "drawn" }, now);
    const operatorName = await organisationName(trx, app.operator_id);
    for (const c of await approvedCases(trx, app.id)) {
      await mailAuthority(trx, c.authority_email, `case:${c.id}:completed`, worksNotice({ fileNumber: c.file_number, title: app.title, operatorName, event: "completed", date, homesPassed }));
    }
    return { version: row.version as number };
  });
}

async function approvedCases(trx: Knex.Transaction, applicationId: string): Promise<{ id: string; file_number: string; authority_email: string | null }[]> {
  return trx("cases as c")
    .join("organisations as o", "o.id", "c.authority_id")
    .where("c.application_id", applicationId)
    .whereIn("c.status", APPROVED)
    .select("c.id", "c.file_number", "o.email as authority_email");
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

export interface CaseSummary {
  id: string;
  authority: { id: string; name: string; level: string | null };
  fileNumber: string;
  status: CaseStatus;
  applicationVersion: number;
  receivedAt: string;
  sectionLengthM: number;
  crossings: number;
  /** messages of this case the principal's organisation has not read */
  unreadMessages: number;
  /** the decision deadline while the clock runs (null while it is stopped or after the decision) */
  decisionDueOn: string | null;
  decidedAt: string | null;
}

export interface ApplicationListItem {
  id: string;
  title: string;
  reference: string | null;
  status: ApplicationStatus;
  version: number;
  currentVersion: number;
  operator: { id: string; name: string };
  periodStart: string | null;
  periodEnd: string | null;
  submittedAt: string | null;
  updatedAt: string;
  cases: CaseSummary[];
  unreadMessages: number;
}

const LIST_LIMIT = 500;

/**
 * Applications the principal may see, newest change first: an operator its organisation's, an
 * authority those it has a case for, state staff all. `q` matches title, own reference and file
 * numbers.
 */
export async function listApplications(db: Db, principal: Principal, filter: { q?: string; status?: ApplicationStatus } = {}): Promise<ApplicationListItem[]> {
  const query = readableApplications(db, principal)
    .join("organisations as op", "op.id", "a.operator_id")
    .orderBy([{ column: "a.updated_at", order: "desc" }, { column: "a.id" }])
    .limit(LIST_LIMIT);
  if (filter.status) query.where("a.status", filter.status);
  const q = filter.q?.trim();
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, "\\$&")}%`;
    query.where((w) =>
      w
        .whereILike("a.title", like)
        .orWhereILike("a.reference", like)
        .orWhereExists(db("cases as fc").whereRaw("fc.application_id = a.id").whereILike("fc.file_number", like)),
    );
  }
  const rows: ListRow[] = await query.select(
    "a.id",
    "a.title",
    "a.reference",
    "a.status",
    "a.version",
    "a.current_version",
    "a.submitted_at",
    "a.updated_at",
    db.raw("a.period_start::text AS period_start"),
    db.raw("a.period_end::text AS period_end"),
    "op.id as operator_id",
    "op.name as operator_name",
  );
  const cases = await caseSummaries(db, principal, rows.map((r) => r.id));
  return rows.map((r) => {
    const own = cases.get(r.id) ?? [];
    return {
      id: r.id,
      title: r.title,
      reference: r.reference,
      status: r.status,
      version: r.version,
      currentVersion: r.current_version,
      operator: { id: r.operator_id, name: r.operator_name },
      periodStart: r.period_start,
      periodEnd: r.period_end,
      submittedAt: iso(r.submitted_at),
      updatedAt: iso(r.updated_at)!,
      cases: own,
      unreadMessages: own.reduce((n, c) => n + c.unreadMessages, 0),
    };
  });
}

interface ListRow {
  id: string;
  title: string;
  reference: string | null;
  status: ApplicationStatus;
  version: number;
  current_version: number;
  submitted_at: Date | null;
  updated_at: Date;
  period_start: string | null;
  period_end: string | null;
  operator_id: string;
  operator_name: string;
}

async function caseSummaries(db: Db, principal: Principal, applicationIds: string[]): Promise<Map<string, CaseSummary[]>> {
  const byApplication = new Map<string, CaseSummary[]>();
  if (applicationIds.length === 0) return byApplication;
  const rows = await db("cases as c")
    .join("organisations as o", "o.id", "c.authority_id")
    .whereIn("c.application_id", applicationIds)
    .orderBy([{ column: "o.name" }, { column: "c.id" }])
    .select(
      "c.id",
      "c.application_id",
      "c.file_number",
      "c.status",
      "c.application_version",
      "c.received_at",
      "c.section_length_m",
      "c.crossings",
      "c.decided_at",
      db.raw("c.decision_due_on::text AS decision_due_on"),
      "o.id as authority_id",
      "o.name as authority_name",
      "o.authority_level",
      db.raw(
        "(SELECT count(*)::int FROM case_messages m WHERE m.case_id = c.id AND m.read_at IS NULL AND m.author_organisation_id <> ?) AS unread",
        [principal.organisation.id],
      ),
    );
  for (const r of rows) {
    const list = byApplication.get(r.application_id) ?? [];
    list.push({
      id: r.id,
      authority: { id: r.authority_id, name: r.authority_name, level: r.authority_level },
      fileNumber: r.file_number,
      status: r.status,
      applicationVersion: r.application_version,
      receivedAt: iso(r.received_at)!,
      sectionLengthM: Number(r.section_length_m),
      crossings: r.crossings,
      // only the parties of a case read its messages
      unreadMessages: isParty(principal, r.authority_id) ? r.unread : 0,
      decisionDueOn: ["submitted", "in_review"].includes(r.status) ? r.decision_due_on : null,
      decidedAt: iso(r.decided_at),
    });
    byApplication.set(r.application_id, list);
  }
  return byApplication;
}

function isParty(principal: Principal, authorityId: string): boolean {
  return principal.role === "operator" || principal.organisation.id === authorityId;
}

export interface ApplicationVersion {
  versionNo: number;
  submittedAt: string;
  submittedBy: string | null;
  reason: string | null;
  form: ApplicationDraft;
  attachments: AttachmentRef[];
  route: DraftRoute;
  checkReport: CheckReport;
}

export interface AttachmentSummary extends AttachmentRef {
  uploadedAt: string;
  uploadedBy: string | null;
}

export interface TimelineEntry {
  at: string;
  entityType: string;
  entityId: string;
  action: string;
  actor: string | null;
  organisation: string | null;
  payload: Record<string, unknown>;
}

export interface ApplicationDetail extends Omit<ApplicationListItem, "unreadMessages"> {
  createdAt: string;
  withdrawnAt: string | null;
  worksStartedOn: string | null;
  worksCompletedOn: string | null;
  homesPassed: number | null;
  /** as-built route (WGS84 MultiLineString) once completed */
  asBuiltRoute: { type: "MultiLineString"; coordinates: [number, number][][] } | null;
  /** the operator's working copy; null for authorities, who see only what was submitted */
  draft: ApplicationDraft | null;
  draftRoute: DraftRoute | null;
  versions: ApplicationVersion[];
  attachments: AttachmentSummary[];
  timeline: TimelineEntry[];
  /** the principal operates this application (may change it, within the rules of its state) */
  isOwner: boolean;
}

/**
 * One application with its versions, cases, attachments and history, or null when it does not
 * exist or the principal may not see it (the route answers 404 either way).
 */
export async function getApplication(db: Db, principal: Principal, id: string): Promise<ApplicationDetail | null> {
  if (!isUuid(id)) return null;
  const row = await readableApplications(db, principal)
    .join("organisations as op", "op.id", "a.operator_id")
    .where("a.id", id)
    .first(
      "a.*",
      db.raw("a.period_start::text AS period_start"),
      db.raw("a.period_end::text AS period_end"),
      db.raw("a.works_started_on::text AS works_started_on"),
      db.raw("a.works_completed_on::text AS works_completed_on"),
      db.raw("ST_AsGeoJSON(ST_Transform(a.as_built_route, 4326), 7)::json AS as_built_geojson"),
      "op.name as operator_name",
    );
  if (!row) return null;
  const isOwner = principal.role === "operator" && row.operator_id === principal.organisation.id;
  const seesWorkingCopy = isOwner || principal.role === "state_analyst" || principal.role === "platform_admin";
  const [cases, versionRows, attachmentRows] = await Promise.all([
    caseSummaries(db, principal, [id]),
    db("application_versions as v")
      .leftJoin("users as u", "u.id", "v.submitted_by")
      .where("v.application_id", id)
      .orderBy("v.version_no")
      .select("v.version_no", "v.submitted_at", "v.reason", "v.data", "v.route_features", "v.check_report", "u.name as submitted_by"),
    db("attachments as t")
      .leftJoin("users as u", "u.id", "t.uploaded_by")
      .where("t.application_id", id)
      .orderBy("t.uploaded_at")
      .select("t.id", "t.kind", "t.file_name", "t.media_type", "t.size_bytes", "t.sha256", "t.uploaded_at", "u.name as uploaded_by"),
  ]);
  const caseList = cases.get(id) ?? [];
  const versions: ApplicationVersion[] = versionRows.map((v) => ({
    versionNo: v.version_no,
    submittedAt: iso(v.submitted_at)!,
    submittedBy: v.submitted_by,
    reason: v.reason,
    form: v.data.form,
    attachments: v.data.attachments,
    route: v.route_features,
    checkReport: v.check_report,
  }));
  const submittedAttachmentIds = new Set(versions.flatMap((v) => v.attachments.map((a) => a.id)));
  return {
    id: row.id,
    title: row.title,
    reference: row.reference,
    status: row.status,
    version: row.version,
    currentVersion: row.current_version,
    operator: { id: row.operator_id, name: row.operator_name },
    periodStart: row.period_start,
    periodEnd: row.period_end,
    submittedAt: iso(row.submitted_at),
    updatedAt: iso(row.updated_at)!,
    createdAt: iso(row.created_at)!,
    withdrawnAt: iso(row.withdrawn_at),
    worksStartedOn: row.works_started_on,
    worksCompletedOn: row.works_completed_on,
    homesPassed: row.homes_passed,
    asBuiltRoute: row.as_built_geojson,
    cases: caseList,
    draft: seesWorkingCopy ? row.draft : null,
    draftRoute: seesWorkingCopy ? row.draft_route : null,
    versions,
    attachments: attachmentRows
      .filter((t) => seesWorkingCopy || submittedAttachmentIds.has(t.id))
      .map((t) => ({
        id: t.id,
        kind: t.kind,
        fileName: t.file_name,
        mediaType: t.media_type,
        sizeBytes: t.size_bytes,
        sha256: t.sha256,
        uploadedAt: iso(t.uploaded_at)!,
        uploadedBy: t.uploaded_by,
      })),
    timeline: await timeline(db, id, caseList.map((c) => c.id)),
    isOwner,
  };
}

async function timeline(db: Db, applicationId: string, caseIds: string[]): Promise<TimelineEntry[]> {
  const rows: { at: Date; entity_type: string; entity_id: string; action: string; payload: Record<string, unknown>; actor: string | null; organisation: string | null }[] = await db("audit_events as e")
    .leftJoin("users as u", "u.id", "e.actor_user_id")
    .leftJoin("organisations as o", "o.id", "e.organisation_id")
    .where((w) => {
      w.where({ "e.entity_type": "application", "e.entity_id": applicationId });
      if (caseIds.length > 0) w.orWhere((c) => c.where("e.entity_type", "case").whereIn("e.entity_id", caseIds));
    })
    .orderBy([{ column: "e.at" }, { column: "e.id" }])
    .select("e.at", "e.entity_type", "e.entity_id", "e.action", "e.payload", "u.name as actor", "o.name as organisation");
  return rows.map((r) => ({
    at: iso(r.at)!,
    entityType: r.entity_type,
    entityId: r.entity_id,
    action: r.action,
    actor: r.actor,
    organisation: r.organisation,
    payload: r.payload,
  }));
}

function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}
