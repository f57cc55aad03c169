import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useMemo, useState } from "react";
import { routeBounds } from "~/components/application/route-step";
import { CheckReportPanel, type ReportFocus } from "~/components/check-report";
import { Alert, CsrfInput } from "~/components/forms";
import { mapLinks, RouteMapLazy } from "~/components/map/route-map";
import { DeadlineBadge, formatDueDate } from "~/components/review/deadline";
import { db } from "~/db.server";
import { env } from "~/env.server";
import type { Result } from "~/modules/applications/errors";
import { listMessages, postMessage } from "~/modules/applications/messages.server";
import { CASE_STATUS_LABELS, isLineFeature, TRAFFIC_IMPACT_LABELS } from "~/modules/applications/schema";
import { LAYING_METHOD_LABELS } from "~/modules/checks/methods";
import { getApplication } from "~/modules/applications/service.server";
import { requireRole } from "~/modules/auth/guards.server";
import { checkRequest } from "~/modules/checks/engine.server";
import { SEVERITY_LABELS } from "~/modules/checks/report";
import {
  assignCases,
  confirmCompleteness,
  decideCase,
  extendDeadline,
  fastTrackApprove,
  involveBody,
  requestMissingItems,
} from "~/modules/review/actions.server";
import { getCase, reviewOptions } from "~/modules/review/case.server";
import { compareReports, diffFields } from "~/modules/review/diff";
import { CONDITION_KIND_LABELS, CONSULTED_TOPIC_LABELS, MISSING_ITEM_CHECKLIST, seenAssignments, STATEMENT_LABELS, type DecisionCondition } from "~/modules/review/schema";
import { errorText, statusOf } from "~/utils/application-errors.server";
import { readForm } from "~/utils/form.server";
import { AttachmentList } from "~/components/application/attachment-list";
import { DescriptionList } from "~/components/description-list";
import { DocumentList } from "~/components/documents/document-list";
import { correctDecisionDocument } from "~/modules/documents/corrections.server";
import { listDocuments } from "~/modules/documents/service.server";

export const links: LinksFunction = () => [...mapLinks];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Fall ${data?.detail.fileNumber ?? ""} – Breitband-Portal` }];

const caseNotFound = () =>
  new Response(JSON.stringify({ message: "Diesen Fall gibt es nicht, oder Sie haben keinen Zugriff darauf." }), {
    status: 404,
    headers: { "Content-Type": "application/json; charset=utf-8" },
  });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const principal = await requireRole(request, ["authority_clerk", "authority_admin", "state_analyst"]);
  const knex = await db();
  const detail = await getCase(knex, principal, params.id!);
  if (!detail) throw caseNotFound();
  const application = await getApplication(knex, principal, detail.applicationId);
  if (!application) throw caseNotFound();
  const version = application.versions.find((v) => v.versionNo === detail.applicationVersion) ?? application.versions.at(-1)!;
  const previous = application.versions.find((v) => v.versionNo === version.versionNo - 1) ?? null;
  // the same route checked against today's layers: what changed since submission
  const lines = version.route.features.filter(isLineFeature);
  const today = lines.length > 0 ? await checkRequest(knex, { route: { type: "FeatureCollection", features: lines } }, { excludeApplicationId: application.id }) : null;
  const options = detail.viewer === "authority" ? await reviewOptions(knex, detail.authority.id) : null;
  return json({
    csrfToken: context.csrfToken,
    basemapStyleUrl: env().BASEMAP_STYLE_URL ?? null,
    detail,
    application: {
      id: application.id,
      title: application.title,
      reference: application.reference,
      operator: application.operator,
      periodStart: application.periodStart,
      periodEnd: application.periodEnd,
      attachments: application.attachments.filter((a) => version.attachments.some((v) => v.id === a.id)),
      versions: application.versions.map((v) => ({ versionNo: v.versionNo, submittedAt: v.submittedAt, reason: v.reason })),
    },
    version: { versionNo: version.versionNo, form: version.form, route: version.route, report: version.checkReport },
    changes: previous ? { from: previous.versionNo, fields: diffFields(previous.form, version.form), lengthBefore: previous.checkReport.lengthM } : null,
    recheck: today?.ok ? compareReports(version.checkReport, today.report) : null,
    messages: (await listMessages(knex, principal, detail.id)) ?? [],
    timeline: application.timeline.filter((t) => t.entityType === "application" || t.entityId === detail.id),
    options,
    documents: await listDocuments(knex, principal, [detail.id]),
    myUserId: principal.userId,
  });
}

type ActionResult = { ok: false; intent: string; message: string; fieldErrors: Record<string, string> };

function failure(intent: string, result: Extract<Result<unknown>, { ok: false }>) {
  const fieldErrors = result.error.code === "invalid" ? Object.fromEntries(result.error.fieldErrors.map((e) => [e.path, e.message])) : {};
  return json<ActionResult>({ ok: false, intent, message: result.error.code === "invalid" ? "Bitte prüfen Sie die markierten Angaben." : errorText(result.error), fieldErrors }, { status: statusOf(result.error) });
}

/** The conditions the clerk ticked and edited (catalogue rows c0…) plus own ones (x0…). */
function conditionsFromForm(form: FormData): DecisionCondition[] {
  const picked: DecisionCondition[] = [];
  for (let i = 0; form.has(`c${i}.title`); i += 1) {
    if (form.get(`c${i}.selected`) !== "on") continue;
    picked.push({
      kind: form.get(`c${i}.kind`) === "hint" ? "hint" : "condition",
      title: String(form.get(`c${i}.title`) ?? ""),
      body: String(form.get(`c${i}.body`) ?? ""),
      source: "catalogue",
      templateId: String(form.get(`c${i}.templateId`) ?? "") || null,
    });
  }
  for (let j = 0; form.has(`x${j}.title`); j += 1) {
    const title = String(form.get(`x${j}.title`) ?? "").trim();
    const body = String(form.get(`x${j}.body`) ?? "").trim();
    if (!title && !body) continue;
    picked.push({ kind: form.get(`x${j}.kind`) === "hint" ? "hint" : "condition", title, body, source: "custom" });
  }
  return picked;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const principal = await requireRole(request, ["authority_clerk", "authority_admin"]);
  const knex = await db();
  const caseId = params.id!;
  const form = await readForm(request, context);
  const intent = String(form.get("intent") ?? "");
  const expectedVersion = form.get("expectedVersion");
  const back = (notice: string) => redirect(`/faelle/${caseId}?${notice}=1`);
  switch (intent) {
    case "confirm": {
      const r = await confirmCompleteness(knex, principal, caseId, { expectedVersion });
      return r.ok ? back("vollstaendig") : failure(intent, r);
    }
    case "request": {
      const r = await requestMissingItems(knex, principal, caseId, { expectedVersion, items: form.getAll("items"), body: form.get("body") ?? "" });
      return r.ok ? back("nachgefordert") : failure(intent, r);
    }
    case "involve": {
      const r = await involveBody(knex, principal, caseId, { expectedVersion, bodyId: form.get("bodyId") ?? undefined, question: form.get("question") ?? "", dueOn: form.get("dueOn") ?? "" });
      return r.ok ? back("beteiligt") : failure(intent, r);
    }
    case "extend": {
      const r = await extendDeadline(knex, principal, caseId, { expectedVersion, reason: form.get("reason") ?? "" });
      return r.ok ? back("verlaengert") : failure(intent, r);
    }
    case "decide": {
      const r = await decideCase(knex, principal, caseId, { expectedVersion, decision: form.get("decision") ?? undefined, reasons: form.get("reasons") ?? "", conditions: conditionsFromForm(form) });
      return r.ok ? back("entschieden") : failure(intent, r);
    }
    case "fast-track": {
      const r = await fastTrackApprove(knex, principal, caseId, { expectedVersion });
      return r.ok ? back("entschieden") : failure(intent, r);
    }
    case "assign": {
      const r = await assignCases(knex, principal, { caseIds: [caseId], clerkId: form.get("clerkId") ?? "", seen: seenAssignments(form) });
      return r.ok ? back("zugewiesen") : failure(intent, r);
    }
    case "correct": {
      const conditions = [];
      for (let i = 0; form.has(`conditions.${i}.title`); i += 1) conditions.push({ title: form.get(`conditions.${i}.title`), body: form.get(`conditions.${i}.body`) });
      const r = await correctDecisionDocument(knex, principal, caseId, {
        expectedVersion,
        documentId: form.get("documentId") ?? "",
        reason: form.get("reason") ?? "",
        reasons: form.get("reasons") ?? undefined,
        conditions: conditions.length > 0 ? conditions : undefined,
      });
      return r.ok ? back("berichtigt") : failure(intent, r);
    }
    case "message": {
      const r = await postMessage(knex, principal, caseId, String(form.get("body") ?? ""));
      return r.ok ? redirect(`/faelle/${caseId}#nachrichten`) : failure(intent, r);
    }
    default:
      return json<ActionResult>({ ok: false, intent, message: "Unbekannte Aktion.", fieldErrors: {} }, { status: 400 });
  }
}

const NOTICES: Record<string, string> = {
  vollstaendig: "Vollständigkeit bestätigt. Der Fall ist in Prüfung.",
  nachgefordert: "Unterlagen nachgefordert. Die Frist ruht, bis der Antragsteller ergänzt.",
  beteiligt: "Fachbehörde beteiligt. Sie wurde per E-Mail benachrichtigt.",
  verlaengert: "Frist verlängert.",
  entschieden: "Entscheidung gespeichert. Der Antragsteller sieht sie sofort.",
  zugewiesen: "Zuständigkeit gespeichert.",
  berichtigt: "Berichtigte Fassung ausgestellt. Die bisherige bleibt lesbar und verweist auf die neue.",
};

const dateTime = new Intl.DateTimeFormat("de-DE", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Berlin" });
const metres = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 0 });

const TIMELINE_LABELS: Record<string, string> = {
  "case.created": "Antrag eingegangen",
  "case.missing_items_requested": "Unterlagen nachgefordert (Frist ruht)",
  "case.amended": "Antrag ergänzt",
  "case.completeness_confirmed": "Vollständigkeit bestätigt",
  "case.body_involved": "Fachbehörde beteiligt",
  "case.statement_given": "Stellungnahme eingegangen",
  "case.deadline_extended": "Frist verlängert",
  "case.decided": "Entschieden",
  "case.fast_track_approved": "Im Schnellverfahren zugestimmt",
  "case.deemed_approved": "Zustimmung gilt als erteilt (Fiktion)",
  "case.decision_corrected": "Bescheid berichtigt",
  "case.assigned": "Zuständigkeit geändert",
  "case.withdrawn": "Zurückgezogen",
  "case.reopened": "Wieder eröffnet",
  "application.submitted": "Antrag eingereicht",
  "application.amended": "Neue Fassung eingereicht",
};

export default function CasePage() {
  const { csrfToken, basemapStyleUrl, detail, application, version, changes, recheck, messages, timeline, options, documents, myUserId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const [searchParams] = useSearchParams();
  const [focus, setFocus] = useState<ReportFocus | null>(null);
  const bounds = useMemo(() => routeBounds(version.route), [version.route]);
  const notice = Object.keys(NOTICES).find((k) => searchParams.has(k));
  const acts = detail.viewer === "authority";
  const open = detail.status === "submitted" || detail.status === "in_review";
  const d = detail.deadlines;
  const ownSections = version.report.sections.filter((s) => s.authority?.id === detail.authority.id);
  const errorOf = (intent: string, path: string) => (result && result.intent === intent ? result.fieldErrors[path] : undefined);
  const formError = (intent: string) =>
    result && result.intent === intent ? (
      <Alert tone="danger" title="Nicht ausgeführt">
        <p className="kern-body">{result.message}</p>
      </Alert>
    ) : null;
  const hidden = (intent: string) => (
    <>
      <CsrfInput token={csrfToken} />
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="expectedVersion" value={detail.version} />
    </>
  );
  const pendingBodies = detail.involvements.filter((i) => i.status === "requested");
  // the decision's current Bescheid: the one a correction would replace
  const correctable = documents.find((x) => (x.kind === "consent" || x.kind === "rejection") && !x.replacedById) ?? null;
  const bodyConditions = detail.involvements.flatMap((i) => (i.status === "answered" ? i.conditions.map((c) => ({ ...c, body: i.body.name, text: c.body })) : []));

  return (
    <div className="kern-stack">
      <hgroup className="kern-hgroup">
        <p className="kern-preline">
          Fall {detail.fileNumber} · {CASE_STATUS_LABELS[detail.status]}
        </p>
        <h1 className="kern-heading-large">{application.title}</h1>
        <p className="kern-subline">
          {application.operator.name} · {detail.authority.name}
        </p>
      </hgroup>
      {notice ? <Alert tone="success" title={NOTICES[notice]!} /> : null}
      {detail.viewer === "state" ? <Alert tone="info" title="Nur Einsicht: Die Landesebene sieht Fälle ein, entscheidet aber nicht." /> : null}

      <section aria-labelledby="frist" className="kern-card">
        <div className="kern-card__container kern-stack">
          <h2 id="frist" className="kern-heading-medium">
            Frist
          </h2>
          <p className="kern-body">
            <DeadlineBadge dueOn={d.decisionDueOn} daysLeft={d.daysLeft} urgency={d.urgency} />
          </p>
          <DescriptionList
            items={[
              ["Verfahren", `${d.rule.name} (${d.rule.legalBasis})`],
              ["Eingegangen", dateTime.format(new Date(detail.receivedAt))],
              ["Nachforderung möglich bis", d.completenessDueOn ? formatDueDate(d.completenessDueOn) : null],
              ["Entscheidung fällig bis", d.decisionDueOn ? formatDueDate(d.decisionDueOn) : d.clockStoppedAt && detail.status === "incomplete" ? "Frist ruht bis zur Ergänzung" : null],
              ["Verlängert", d.extensionCount > 0 ? `${d.extensionCount}× – ${d.extensionReason ?? ""}` : null],
              ["Zuständig", detail.clerk?.name ?? "nicht zugewiesen"],
              ["Entschieden", detail.decision.at ? `${dateTime.format(new Date(detail.decision.at))}${detail.decision.by ? ` von ${detail.decision.by}` : ""}` : null],
              ["Begründung", detail.decision.reasons ?? detail.decision.deemedReason],
            ]}
          />
          {d.rule.deemedApproval && open ? (
            <p className="kern-body kern-body--small">Wird bis zum Fristende nicht entschieden, gilt die Zustimmung als erteilt (Zustimmungsfiktion nach {d.rule.legalBasis}).</p>
          ) : null}
        </div>
      </section>

      {acts && options ? (
        <section aria-labelledby="bearbeiten" className="kern-stack">
          <h2 id="bearbeiten" className="kern-heading-medium">
            Bearbeiten
          </h2>
          <Form method="post" className="filter-bar">
            <CsrfInput token={csrfToken} />
            <input type="hidden" name="intent" value="assign" />
            <input type="hidden" name={`seen.${detail.id}`} value={detail.clerk?.id ?? ""} />
            <div className="kern-form-input">
              <label className="kern-label" htmlFor="clerkId">
                Zuständig
              </label>
              <div className="kern-form-input__select-wrapper">
                <select className="kern-form-input__select" id="clerkId" name="clerkId" defaultValue={detail.clerk?.id ?? ""}>
                  <option value="">niemand</option>
                  {options.clerks.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                      {c.id === myUserId ? " (ich)" : ""}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <button type="submit" className="kern-btn kern-btn--secondary">
              <span className="kern-label">Zuweisen</span>
            </button>
          </Form>
          {formError("assign")}

          {detail.status === "submitted" ? (
            <Form method="post">
              {hidden("confirm")}
              <button type="submit" className="kern-btn kern-btn--secondary">
                <span className="kern-label">Vollständigkeit bestätigen</span>
              </button>
              {formError("confirm")}
            </Form>
          ) : null}

          {d.canRequestMissingItems ? (
            <details className="kern-accordion">
              <summary className="kern-accordion__header">
                <span className="kern-title">Unterlagen nachfordern (bis {d.completenessDueOn ? formatDueDate(d.completenessDueOn) : "–"})</span>
              </summary>
              <Form method="post" className="kern-accordion__body kern-stack">
                {hidden("request")}
                {formError("request")}
                <fieldset className="kern-fieldset">
                  <legend className="kern-label">Was fehlt</legend>
                  {Object.entries(MISSING_ITEM_CHECKLIST).map(([key, label]) => (
                    <div key={key} className="kern-form-check">
                      <input className="kern-form-check__input" type="checkbox" id={`item-${key}`} name="items" value={key} />
                      <label className="kern-label" htmlFor={`item-${key}`}>
                        {label}
                      </label>
                    </div>
                  ))}
                </fieldset>
                <Field intent="request" name="body" label="Erläuterung an den Antragsteller" error={errorOf("request", "body")} textarea />
                <p className="kern-body kern-body--small">Die Entscheidungsfrist ruht, bis der Antragsteller ergänzt; mit der Ergänzung beginnt sie neu.</p>
                <div>
                  <button type="submit" className="kern-btn kern-btn--secondary">
                    <span className="kern-label">Nachforderung senden</span>
                  </button>
                </div>
              </Form>
            </details>
          ) : null}

          {["submitted", "incomplete", "in_review"].includes(detail.status) ? (
            <details className="kern-accordion">
              <summary className="kern-accordion__header">
                <span className="kern-title">Fachbehörde beteiligen</span>
              </summary>
              <Form method="post" className="kern-accordion__body kern-stack">
                {hidden("involve")}
                {formError("involve")}
                <div className={`kern-form-input${errorOf("involve", "bodyId") ? " kern-form-input--error" : ""}`}>
                  <label className="kern-label" htmlFor="bodyId">
                    Fachbehörde
                  </label>
                  <div className="kern-form-input__select-wrapper">
                    <select className="kern-form-input__select" id="bodyId" name="bodyId" defaultValue="">
                      <option value="">bitte wählen</option>
                      {options.bodies.map((b) => (
                        <option key={b.id} value={b.id}>
                          {b.name}
                          {b.topic ? ` (${CONSULTED_TOPIC_LABELS[b.topic as keyof typeof CONSULTED_TOPIC_LABELS]})` : ""}
                        </option>
                      ))}
                    </select>
                  </div>
                  {errorOf("involve", "bodyId") ? <p className="kern-error">{errorOf("involve", "bodyId")}</p> : null}
                </div>
                <Field intent="involve" name="question" label="Frage an die Fachbehörde" error={errorOf("involve", "question")} textarea />
                <Field intent="involve" name="dueOn" label="Stellungnahme erbeten bis" type="date" error={errorOf("involve", "dueOn")} />
                <div>
                  <button type="submit" className="kern-btn kern-btn--secondary">
                    <span className="kern-label">Beteiligen</span>
                  </button>
                </div>
              </Form>
            </details>
          ) : null}

          {d.canExtend ? (
            <details className="kern-accordion">
              <summary className="kern-accordion__header">
                <span className="kern-title">Frist verlängern (einmalig)</span>
              </summary>
              <Form method="post" className="kern-accordion__body kern-stack">
                {hidden("extend")}
                {formError("extend")}
                <Field intent="extend" name="reason" label="Begründung" error={errorOf("extend", "reason")} textarea />
                <div>
                  <button type="submit" className="kern-btn kern-btn--secondary">
                    <span className="kern-label">Frist verlängern</span>
                  </button>
                </div>
              </Form>
            </details>
          ) : null}

          {open && detail.authority.fastTrackEnabled && detail.fastTrackEligible && detail.involvements.length === 0 ? (
            <Form method="post" className="kern-card">
              <div className="kern-card__container kern-stack">
                {hidden("fast-track")}
                <h3 className="kern-heading-small">Schnellverfahren</h3>
                <p className="kern-body">Die Prüfung zeigt nur Hinweise. Sie können mit den Standard-Nebenbestimmungen Ihrer Behörde zustimmen.</p>
                {formError("fast-track")}
                <div>
                  <button type="submit" className="kern-btn kern-btn--primary">
                    <span className="kern-label">Mit Standard-Nebenbestimmungen zustimmen</span>
                  </button>
                </div>
              </div>
            </Form>
          ) : null}

          {open ? (
            <Form method="post" className="kern-card" aria-labelledby="entscheiden">
              <div className="kern-card__container kern-stack">
                {hidden("decide")}
                <h3 id="entscheiden" className="kern-heading-small">
                  Entscheiden
                </h3>
                {formError("decide")}
                {pendingBodies.length > 0 ? (
                  <Alert tone="warning" title="Stellungnahme ausstehend">
                    <p className="kern-body">{pendingBodies.map((i) => i.body.name).join(", ")}: Die Entscheidung ergeht zusammen mit den Stellungnahmen (§ 127 Abs. 5 TKG).</p>
                  </Alert>
                ) : null}
                <fieldset className="kern-fieldset">
                  <legend className="kern-label">Entscheidung</legend>
                  <div className="kern-form-check">
                    <input className="kern-form-check__input" type="radio" id="decision-approve" name="decision" value="approve" defaultChecked />
                    <label className="kern-label" htmlFor="decision-approve">
                      Zustimmen (mit den gewählten Nebenbestimmungen)
                    </label>
                  </div>
                  <div className="kern-form-check">
                    <input className="kern-form-check__input" type="radio" id="decision-reject" name="decision" value="reject" />
                    <label className="kern-label" htmlFor="decision-reject">
                      Ablehnen
                    </label>
                  </div>
                </fieldset>
                <fieldset className="kern-fieldset">
                  <legend className="kern-label">Nebenbestimmungen und Hinweise aus Ihrem Katalog</legend>
                  {options.templates.map((t, i) => (
                    <div key={t.id} className="condition-pick">
                      <div className="kern-form-check">
                        <input className="kern-form-check__input" type="checkbox" id={`c${i}`} name={`c${i}.selected`} defaultChecked={t.standard} />
                        <label className="kern-label" htmlFor={`c${i}`}>
                          {CONDITION_KIND_LABELS[t.kind]}: {t.title}
                        </label>
                      </div>
                      <input type="hidden" name={`c${i}.kind`} value={t.kind} />
                      <input type="hidden" name={`c${i}.templateId`} value={t.id} />
                      <input type="hidden" name={`c${i}.title`} value={t.title} />
                      <details>
                        <summary className="kern-body kern-body--small">Text ansehen und anpassen</summary>
                        <label className="kern-sr-only" htmlFor={`c${i}-body`}>
                          Text von „{t.title}“
                        </label>
                        <textarea className="kern-form-input__input" id={`c${i}-body`} name={`c${i}.body`} rows={4} defaultValue={t.body} />
                      </details>
                    </div>
                  ))}
                </fieldset>
                {bodyConditions.length > 0 ? (
                  <div>
                    <p className="kern-label">Auflagen der Fachbehörden (werden immer übernommen)</p>
                    <ul className="kern-list">
                      {bodyConditions.map((c, i) => (
                        <li key={i}>
                          <strong>{c.title}</strong> ({c.body}): {c.text}
                        </li>
                      ))}
                    </ul>
                  </div>
                ) : null}
                <fieldset className="kern-fieldset">
                  <legend className="kern-label">Eigene Nebenbestimmung oder eigener Hinweis</legend>
                  {[0, 1].map((j) => (
                    <div key={j} className="kern-stack condition-pick">
                      <div className="kern-form-input">
                        <label className="kern-label" htmlFor={`x${j}-kind`}>
                          Art ({j + 1})
                        </label>
                        <div className="kern-form-input__select-wrapper">
                          <select className="kern-form-input__select" id={`x${j}-kind`} name={`x${j}.kind`} defaultValue="condition">
                            <option value="condition">Nebenbestimmung</option>
                            <option value="hint">Hinweis</option>
                          </select>
                        </div>
                      </div>
                      <Field intent="decide" name={`x${j}.title`} label={`Titel (${j + 1})`} error={undefined} />
                      <Field intent="decide" name={`x${j}.body`} label={`Text (${j + 1})`} error={undefined} textarea />
                    </div>
                  ))}
                  {Object.entries(result?.intent === "decide" ? result.fieldErrors : {})
                    .filter(([k]) => k.startsWith("conditions"))
                    .map(([k, v]) => (
                      <p key={k} className="kern-error">
                        {v}
                      </p>
                    ))}
                </fieldset>
                <Field intent="decide" name="reasons" label="Begründung (bei Ablehnung erforderlich)" error={errorOf("decide", "reasons")} textarea />
                <div>
                  <button type="submit" className="kern-btn kern-btn--primary">
                    <span className="kern-label">Entscheidung speichern</span>
                  </button>
                </div>
              </div>
            </Form>
          ) : null}
        </section>
      ) : null}

      {documents.length > 0 ? (
        <section aria-labelledby="dokumente" className="kern-stack">
          <h2 id="dokumente" className="kern-heading-medium">
            Dokumente
          </h2>
          <DocumentList documents={documents} />
          {acts && correctable ? (
            <details className="kern-accordion" open={result?.intent === "correct"}>
              <summary className="kern-accordion__header">
                <span className="kern-title">Bescheid berichtigen (§ 42 VwVfG)</span>
              </summary>
              <div className="kern-accordion__body">
                <Form method="post" className="kern-stack">
                  {hidden("correct")}
                  <input type="hidden" name="documentId" value={correctable.id} />
                  <p className="kern-body">
                    Für offenbare Unrichtigkeiten wie Schreibfehler. Der bisherige Bescheid bleibt unverändert; es entsteht eine berichtigte Fassung, die auf ihn verweist. Nebenbestimmungen
                    hinzufügen oder streichen ist eine neue Entscheidung, keine Berichtigung.
                  </p>
                  <Field intent="correct" name="reason" label="Grund der Berichtigung" error={errorOf("correct", "reason")} textarea />
                  <Field intent="correct" name="reasons" label="Begründung" error={errorOf("correct", "reasons")} textarea defaultValue={detail.decision.reasons ?? ""} />
                  {detail.conditions.map((c, i) => (
                    <fieldset key={c.id} className="kern-fieldset">
                      <legend className="kern-label">
                        {i + 1}. {CONDITION_KIND_LABELS[c.kind]}
                      </legend>
                      <Field intent="correct" name={`conditions.${i}.title`} label="Titel" error={errorOf("correct", `conditions[${i}].title`)} defaultValue={c.title} />
                      <Field intent="correct" name={`conditions.${i}.body`} label="Text" error={errorOf("correct", `conditions[${i}].body`)} textarea defaultValue={c.body} />
                    </fieldset>
                  ))}
                  <div>
                    <button type="submit" className="kern-btn kern-btn--primary">
                      <span className="kern-label">Berichtigte Fassung ausstellen</span>
                    </button>
                  </div>
                  {formError("correct")}
                </Form>
              </div>
            </details>
          ) : null}
        </section>
      ) : null}

      {detail.conditions.length > 0 ? (
        <section aria-labelledby="nebenbestimmungen">
          <h2 id="nebenbestimmungen" className="kern-heading-medium">
            Nebenbestimmungen und Hinweise der Entscheidung
          </h2>
          <ol className="kern-list kern-list--number">
            {detail.conditions.map((c) => (
              <li key={c.id}>
                <strong>
                  {CONDITION_KIND_LABELS[c.kind]}: {c.title}
                </strong>
                <p className="kern-body kern-preline">{c.body}</p>
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      {detail.involvements.length > 0 || detail.requests.length > 0 ? (
        <section aria-labelledby="beteiligung" className="kern-stack">
          <h2 id="beteiligung" className="kern-heading-medium">
            Nachforderungen und Fachbehörden
          </h2>
          <ul className="kern-list">
            {detail.requests.map((r) => (
              <li key={r.id}>
                Nachforderung vom {dateTime.format(new Date(r.requestedAt))}
                {r.requestedBy ? ` (${r.requestedBy})` : ""}: {r.body}{" "}
                {r.answeredAt ? `– ergänzt mit Fassung ${r.answeredVersion} am ${dateTime.format(new Date(r.answeredAt))}` : "– offen"}
              </li>
            ))}
            {detail.involvements.map((i) => (
              <li key={i.id}>
                <strong>{i.body.name}</strong> – Stellungnahme bis {formatDueDate(i.dueOn)}:{" "}
                {i.status === "answered" && i.statement ? (
                  <>
                    {STATEMENT_LABELS[i.statement]}
                    {i.statementText ? `. ${i.statementText}` : ""}
                    {i.conditions.length > 0 ? ` Auflagen: ${i.conditions.map((c) => c.title).join("; ")}` : ""}
                  </>
                ) : i.overdue ? (
                  <span className="kern-badge kern-badge--danger kern-badge--small">überfällig</span>
                ) : (
                  "ausstehend"
                )}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="trasse">
        <h2 id="trasse" className="kern-heading-medium">
          Trasse und Prüfung (Fassung {version.versionNo})
        </h2>
        <div className="editor">
          <div className="editor__map">
            <RouteMapLazy value={version.route} report={version.report} highlightAuthorityId={detail.authority.id} focus={focus} fitBounds={bounds} basemapStyleUrl={basemapStyleUrl} />
          </div>
          <aside className="editor__side kern-stack">
            <h3 className="kern-heading-small">Abschnitte in Ihrer Baulast</h3>
            {ownSections.length === 0 ? (
              <p className="kern-body">Keine Längsverlegung in Ihren Straßen; der Fall betrifft Querungen.</p>
            ) : (
              <ul className="kern-list">
                {ownSections.map((s, i) => (
                  <li key={i}>
                    {s.roads.map((r) => [r.ref, r.name].filter(Boolean).join(" ")).join(", ") || "ohne Namen"} ({s.gemeinde?.name ?? "–"}): {metres.format(s.lengthM)} m,{" "}
                    {LAYING_METHOD_LABELS[s.method]}
                  </li>
                ))}
              </ul>
            )}
            <h3 className="kern-heading-small">Prüfbericht bei Eingang</h3>
            <CheckReportPanel report={version.report} onFocus={setFocus} />
          </aside>
        </div>
        {recheck ? (
          <div className="kern-stack">
            <h3 className="kern-heading-small">Erneute Prüfung mit heutigen Daten</h3>
            <table className="kern-table kern-table--small">
              <caption className="kern-sr-only">Befunde bei Eingang und heute</caption>
              <thead className="kern-table__header">
                <tr className="kern-table__row">
                  <th scope="col" className="kern-table__cell">Schwere</th>
                  <th scope="col" className="kern-table__cell kern-table__cell--numeric">bei Eingang</th>
                  <th scope="col" className="kern-table__cell kern-table__cell--numeric">heute</th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {recheck.bySeverity.map((s) => (
                  <tr key={s.severity} className="kern-table__row">
                    <th scope="row" className="kern-table__cell">{SEVERITY_LABELS[s.severity]}</th>
                    <td className="kern-table__cell kern-table__cell--numeric">{s.before}</td>
                    <td className="kern-table__cell kern-table__cell--numeric">{s.after}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {recheck.added.length + recheck.removed.length === 0 ? (
              <p className="kern-body">Keine Änderung der Konflikte seit Eingang.</p>
            ) : (
              <ul className="kern-list">
                {recheck.added.map((c) => (
                  <li key={`a-${c.layer}-${c.featureId}-${c.code}`}>Neu: {c.message}</li>
                ))}
                {recheck.removed.map((c) => (
                  <li key={`r-${c.layer}-${c.featureId}-${c.code}`}>Entfallen: {c.message}</li>
                ))}
              </ul>
            )}
          </div>
        ) : null}
      </section>

      <section aria-labelledby="angaben">
        <h2 id="angaben" className="kern-heading-medium">
          Angaben des Antragstellers
        </h2>
        <DescriptionList
          items={[
            ["Projektgebiet", version.form.area],
            ["Zeichen des Antragstellers", application.reference],
            ["Ansprechperson", [version.form.contact?.name, version.form.contact?.email, version.form.contact?.phone].filter(Boolean).join(", ")],
            ["Planungsbüro", version.form.planningOffice ? [version.form.planningOffice.name, version.form.planningOffice.contactName, version.form.planningOffice.email].filter(Boolean).join(", ") : null],
            ["Nutzungsberechtigung (§ 125 TKG)", [version.form.rightOfWay?.reference, version.form.rightOfWay?.date].filter(Boolean).join(" vom ")],
            ["Bauzeit", version.form.period?.start && version.form.period.end ? `${formatDueDate(version.form.period.start)} bis ${formatDueDate(version.form.period.end)}` : null],
            ["Verkehr", version.form.traffic?.impact ? `${TRAFFIC_IMPACT_LABELS[version.form.traffic.impact]}${version.form.traffic.description ? `: ${version.form.traffic.description}` : ""}` : null],
            ["Anmerkungen", version.form.remarks],
          ]}
        />
        <h3 className="kern-heading-small">Unterlagen</h3>
        {application.attachments.length === 0 ? <p className="kern-body">Keine Anlagen.</p> : null}
        <AttachmentList applicationId={application.id} attachments={application.attachments} />
        {changes ? (
          <>
            <h3 className="kern-heading-small">
              Änderungen gegenüber Fassung {changes.from}
            </h3>
            {changes.fields.length === 0 && Math.round(changes.lengthBefore) === Math.round(version.report.lengthM) ? <p className="kern-body">Keine Änderungen an Angaben und Trassenlänge.</p> : null}
            <ul className="kern-list">
              {Math.round(changes.lengthBefore) !== Math.round(version.report.lengthM) ? (
                <li>
                  Trassenlänge: {metres.format(changes.lengthBefore)} m → {metres.format(version.report.lengthM)} m
                </li>
              ) : null}
              {changes.fields.map((c) => (
                <li key={c.path}>
                  {c.path}: {c.before ?? "–"} → {c.after ?? "–"}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <p className="kern-body">
          <Link className="kern-link" to={`/antraege/${application.id}`}>
            Gesamter Antrag mit allen Fassungen
          </Link>
        </p>
      </section>

      <section aria-labelledby="nachrichten" id="nachrichten" className="kern-stack">
        <h2 id="nachrichten-titel" className="kern-heading-medium">
          Nachrichten mit dem Antragsteller
        </h2>
        {messages.length === 0 ? <p className="kern-body">Noch keine Nachrichten.</p> : null}
        <ul className="kern-list">
          {messages.map((m) => (
            <li key={m.id}>
              <strong>{m.author.organisationName}</strong>
              {m.author.name ? ` (${m.author.name})` : ""}, {dateTime.format(new Date(m.createdAt))}
              <p className="kern-body kern-preline">{m.body}</p>
            </li>
          ))}
        </ul>
        {acts ? (
          <Form method="post" className="kern-stack page-narrow">
            <CsrfInput token={csrfToken} />
            <input type="hidden" name="intent" value="message" />
            {formError("message")}
            <Field intent="message" name="body" label={`Nachricht an ${application.operator.name}`} error={undefined} textarea />
            <div>
              <button type="submit" className="kern-btn kern-btn--secondary kern-btn--x-small">
                <span className="kern-label">Senden</span>
              </button>
            </div>
          </Form>
        ) : null}
      </section>

      <section aria-labelledby="verlauf">
        <h2 id="verlauf" className="kern-heading-medium">
          Verlauf
        </h2>
        <ol className="kern-list">
          {timeline.map((t, i) => (
            <li key={i}>
              {dateTime.format(new Date(t.at))}: {TIMELINE_LABELS[`${t.entityType}.${t.action}`] ?? t.action}
              {t.actor ? ` – ${t.actor}` : t.entityType === "case" ? " – automatisch" : ""}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

function Field({
  intent,
  name,
  label,
  error,
  textarea,
  type = "text",
  defaultValue,
}: {
  intent: string;
  name: string;
  label: string;
  error: string | undefined;
  textarea?: boolean;
  type?: string;
  defaultValue?: string;
}) {
  const id = `${intent}-${name.replace(/\W/g, "-")}`;
  return (
    <div className={`kern-form-input${error ? " kern-form-input--error" : ""}`}>
      <label className="kern-label" htmlFor={id}>
        {label}
      </label>
      {textarea ? (
        <textarea className="kern-form-input__input" id={id} name={name} rows={3} defaultValue={defaultValue} aria-describedby={error ? `${id}-error` : undefined} aria-invalid={error ? true : undefined} />
      ) : (
        <input className="kern-form-input__input" id={id} name={name} type={type} defaultValue={defaultValue} aria-describedby={error ? `${id}-error` : undefined} aria-invalid={error ? true : undefined} />
      )}
      {error ? (
        <p className="kern-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
