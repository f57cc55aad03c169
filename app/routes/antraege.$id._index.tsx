import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  json,
  MaxPartSizeExceededError,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useMemo, useState } from "react";
import { z } from "zod";
import { routeBounds } from "~/components/application/route-step";
import { CheckReportPanel, type ReportFocus } from "~/components/check-report";
import { Alert, CsrfInput } from "~/components/forms";
import { mapLinks, RouteMapLazy } from "~/components/map/route-map";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { listMessages, postMessage } from "~/modules/applications/messages.server";
import {
  APPLICATION_STATUS_LABELS,
  CASE_STATUS_LABELS,
  germanToday,
  OPEN_CASE_STATUSES,
  TRAFFIC_IMPACT_LABELS,
} from "~/modules/applications/schema";
import { getApplication, reportCompletion, reportWorksStarted, withdrawApplication } from "~/modules/applications/service.server";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { requireUser } from "~/modules/auth/guards.server";
import { readRouteFile } from "~/modules/layers/route-file.server";
import { applicationNotFound, errorText, statusOf } from "~/utils/application-errors.server";
import { DeadlineBadge } from "~/components/review/deadline";
import { berlinDate, daysBetween } from "~/modules/deadlines/calendar";
import { caseDecisions } from "~/modules/review/case.server";
import { listDocuments } from "~/modules/documents/service.server";
import { DocumentList } from "~/components/documents/document-list";
import { urgencyOf } from "~/modules/review/schema";
import { readForm } from "~/utils/form.server";
import { AttachmentList } from "~/components/application/attachment-list";
import { DescriptionList } from "~/components/description-list";

export const links: LinksFunction = () => [...mapLinks];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.application.title ?? "Antrag"} – Breitband-Portal` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const principal = await requireUser(request);
  const knex = await db();
  const application = await getApplication(knex, principal, params.id!);
  if (!application) throw applicationNotFound();
  const messages = await Promise.all(application.cases.map(async (c) => ({ caseId: c.id, messages: (await listMessages(knex, principal, c.id)) ?? [] })));
  // ?fassung=N shows an earlier version (they all stay readable after an amendment)
  const requested = Number(new URL(request.url).searchParams.get("fassung"));
  const latest = application.versions.find((v) => v.versionNo === requested) ?? application.versions.at(-1) ?? null;
  return json({
    csrfToken: context.csrfToken,
    basemapStyleUrl: env().BASEMAP_STYLE_URL ?? null,
    today: germanToday(),
    organisationId: principal.organisation.id,
    application: {
      ...application,
      draft: undefined,
      draftRoute: undefined,
      versions: application.versions.map((v) => ({ versionNo: v.versionNo, submittedAt: v.submittedAt, reason: v.reason })),
    },
    latest: latest && { versionNo: latest.versionNo, route: latest.route, report: latest.checkReport, form: latest.form },
    messages,
    decisions: await caseDecisions(knex, application.cases.map((c) => c.id)),
    documents: await listDocuments(knex, principal, application.cases.map((c) => c.id)),
    todayBerlin: berlinDate(new Date()),
  });
}

const DateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Bitte ein Datum angeben.");

export async function action({ request, params, context }: ActionFunctionArgs) {
  const principal = await requireUser(request);
  const knex = await db();
  const id = params.id!;
  const application = await getApplication(knex, principal, id);
  if (!application) throw applicationNotFound();
  const fail = (message: string, status: number) => json({ ok: false as const, message }, { status });

  if ((request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) {
    // completion with an as-built route file
    let form: FormData;
    try {
      form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: 5 * 1024 * 1024 }));
    } catch (error) {
      if (error instanceof MaxPartSizeExceededError) return fail("Die Datei der Bestandstrasse darf höchstens 5 MB groß sein.", 413);
      throw error;
    }
    requireCsrf(context, form.get("csrf"));
    const date = DateSchema.safeParse(form.get("date"));
    if (!date.success) return fail("Bitte geben Sie das Datum der Fertigstellung an.", 422);
    const homesPassed = Number(form.get("homesPassed"));
    let asBuilt: "as_planned" | GeoJSON.FeatureCollection = "as_planned";
    const file = form.get("file");
    if (form.get("asBuilt") === "file") {
      if (!(file instanceof File) || file.size === 0) return fail("Bitte wählen Sie die Datei der Bestandstrasse aus.", 422);
      const read = await readRouteFile(knex, { fileName: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
      if (!read.ok) return fail(read.message, 422);
      asBuilt = { type: "FeatureCollection", features: read.route.features.filter((f) => f.geometry.type !== "Point") };
    }
    const result = await reportCompletion(knex, principal, id, {
      expectedVersion: Number(form.get("expectedVersion")),
      date: date.data,
      homesPassed: Number.isFinite(homesPassed) && String(form.get("homesPassed") ?? "").trim() !== "" ? homesPassed : (undefined as never),
      asBuilt: asBuilt as never,
    });
    if (!result.ok) return fail(errorText(result.error), statusOf(result.error));
    return redirect(`/antraege/${id}?fertig=1`);
  }

  const formData = await readForm(request, context);
  const expectedVersion = Number(formData.get("expectedVersion"));
  switch (formData.get("intent")) {
    case "message": {
      const posted = await postMessage(knex, principal, String(formData.get("caseId")), String(formData.get("body") ?? ""));
      if (!posted.ok) return fail(errorText(posted.error), statusOf(posted.error));
      return redirect(`/antraege/${id}#nachrichten`);
    }
    case "withdraw": {
      if (formData.get("confirm") !== "on") return fail("Bitte bestätigen Sie, dass Sie den Antrag zurückziehen wollen.", 422);
      const result = await withdrawApplication(knex, principal, id, { expectedVersion });
      if (!result.ok) return fail(result.error.message, statusOf(result.error));
      return redirect(`/antraege/${id}?zurueckgezogen=1`);
    }
    case "works-started": {
      const date = DateSchema.safeParse(formData.get("date"));
      if (!date.success) return fail("Bitte geben Sie das Datum des Baubeginns an.", 422);
      const result = await reportWorksStarted(knex, principal, id, { expectedVersion, date: date.data });
      if (!result.ok) return fail(errorText(result.error), statusOf(result.error));
      return redirect(`/antraege/${id}?baubeginn=1`);
    }
    default:
      return fail("Unbekannte Aktion.", 400);
  }
}

const dateTime = new Intl.DateTimeFormat("de-DE", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Berlin" });
const date = new Intl.DateTimeFormat("de-DE", { dateStyle: "medium", timeZone: "Europe/Berlin" });
const metres = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 0 });

const NOTICES: Record<string, string> = {
  eingereicht: "Ihr Antrag wurde eingereicht. Jede zuständige Behörde hat ein eigenes Verfahren mit eigenem Aktenzeichen; Sie erhalten eine Bestätigung per E-Mail.",
  geaendert: "Die geänderte Fassung wurde eingereicht; die Behörden wurden benachrichtigt.",
  zurueckgezogen: "Der Antrag wurde zurückgezogen.",
  baubeginn: "Der Baubeginn wurde gemeldet.",
  fertig: "Die Fertigstellung wurde gemeldet. Vielen Dank!",
};

const TIMELINE_LABELS: Record<string, string> = {
  "application.created": "Antrag angelegt",
  "application.submitted": "Antrag eingereicht",
  "application.amended": "Geänderte Fassung eingereicht",
  "application.withdrawn": "Antrag zurückgezogen",
  "application.works_started": "Baubeginn gemeldet",
  "application.completed": "Fertigstellung gemeldet",
  "case.created": "Verfahren eröffnet",
  "case.reopened": "Verfahren wieder aufgenommen",
  "case.amended": "Verfahren: neue Fassung, Frist beginnt neu",
  "case.withdrawn": "Verfahren beendet (zurückgezogen)",
};

export default function ApplicationPage() {
  const { csrfToken, basemapStyleUrl, today, organisationId, application, latest, messages, decisions, documents, todayBerlin } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [focus, setFocus] = useState<ReportFocus | null>(null);
  const bounds = useMemo(() => (latest ? routeBounds(latest.route) : null), [latest]);
  const notice = Object.keys(NOTICES).find((k) => searchParams.has(k));
  const openCases = application.cases.filter((c) => OPEN_CASE_STATUSES.includes(c.status));
  const consented = application.cases.some((c) => c.status === "approved" || c.status === "deemed_approved");
  const owner = application.isOwner;
  return (
    <div className="kern-stack">
      <hgroup className="kern-hgroup">
        <p className="kern-preline">
          Antrag · {APPLICATION_STATUS_LABELS[application.status]}
          {application.currentVersion > 1 ? ` · Fassung ${application.currentVersion}` : ""}
        </p>
        <h1 className="kern-heading-large">{application.title}</h1>
        <p className="kern-subline">{application.operator.name}</p>
      </hgroup>
      {notice ? <Alert tone="success" title={NOTICES[notice]!} /> : null}
      {actionData && !actionData.ok ? <Alert tone="danger" title="Nicht ausgeführt">{<p className="kern-body">{actionData.message}</p>}</Alert> : null}

      <section aria-labelledby="verfahren">
        <h2 id="verfahren" className="kern-heading-medium">
          Verfahren
        </h2>
        {application.cases.length === 0 ? (
          <p className="kern-body">
            Noch nicht eingereicht.{" "}
            {owner ? (
              <Link className="kern-link" to={`/antraege/${application.id}/bearbeiten`}>
                Entwurf bearbeiten
              </Link>
            ) : null}
          </p>
        ) : (
          <table className="kern-table kern-table--small">
            <thead className="kern-table__header">
              <tr className="kern-table__row">
                <th scope="col" className="kern-table__cell">Behörde</th>
                <th scope="col" className="kern-table__cell">Aktenzeichen</th>
                <th scope="col" className="kern-table__cell">Status</th>
                <th scope="col" className="kern-table__cell">Eingegangen</th>
                <th scope="col" className="kern-table__cell kern-table__cell--numeric">Länge (m)</th>
                <th scope="col" className="kern-table__cell kern-table__cell--numeric">Querungen</th>
                <th scope="col" className="kern-table__cell">Frist / Entscheidung</th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {application.cases.map((c) => (
                <tr key={c.id} className="kern-table__row">
                  <th scope="row" className="kern-table__cell">{c.authority.name}</th>
                  <td className="kern-table__cell">{c.fileNumber}</td>
                  <td className="kern-table__cell">{CASE_STATUS_LABELS[c.status]}</td>
                  <td className="kern-table__cell">{dateTime.format(new Date(c.receivedAt))}</td>
                  <td className="kern-table__cell kern-table__cell--numeric">{metres.format(c.sectionLengthM)}</td>
                  <td className="kern-table__cell kern-table__cell--numeric">{c.crossings}</td>
                  <td className="kern-table__cell">
                    {c.decisionDueOn ? (
                      <DeadlineBadge dueOn={c.decisionDueOn} daysLeft={daysBetween(todayBerlin, c.decisionDueOn)} urgency={urgencyOf(c.status, daysBetween(todayBerlin, c.decisionDueOn))} />
                    ) : c.decidedAt ? (
                      `${CASE_STATUS_LABELS[c.status]} am ${dateTime.format(new Date(c.decidedAt))}`
                    ) : c.status === "incomplete" ? (
                      "Frist ruht bis zur Ergänzung"
                    ) : (
                      "–"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {documents.length > 0 ? (
        <section aria-labelledby="dokumente" className="kern-stack">
          <h2 id="dokumente" className="kern-heading-medium">
            Dokumente
          </h2>
          <DocumentList documents={documents.map((d) => ({ ...d, context: application.cases.find((c) => c.id === d.caseId)?.authority.name }))} />
        </section>
      ) : null}

      {Object.keys(decisions).length > 0 ? (
        <section aria-labelledby="entscheidungen" className="kern-stack">
          <h2 id="entscheidungen" className="kern-heading-medium">
            Entscheidungen
          </h2>
          {application.cases
            .filter((c) => decisions[c.id])
            .map((c) => {
              const decision = decisions[c.id]!;
              return (
                <article key={c.id} className="kern-card">
                  <div className="kern-card__container kern-stack">
                    <h3 className="kern-heading-small">
                      {c.authority.name} ({c.fileNumber}): {CASE_STATUS_LABELS[c.status]}
                    </h3>
                    {decision.deemedReason ? <p className="kern-body">{decision.deemedReason}</p> : null}
                    {decision.reasons ? <p className="kern-body kern-preline">{decision.reasons}</p> : null}
                    {decision.conditions.length > 0 ? (
                      <ol className="kern-list kern-list--number">
                        {decision.conditions.map((x, i) => (
                          <li key={i}>
                            <strong>
                              {x.kind === "hint" ? "Hinweis" : "Nebenbestimmung"}: {x.title}
                            </strong>
                            <p className="kern-body kern-preline">{x.body}</p>
                          </li>
                        ))}
                      </ol>
                    ) : null}
                  </div>
                </article>
              );
            })}
        </section>
      ) : null}

      {latest ? (
        <section aria-labelledby="trasse">
          <h2 id="trasse" className="kern-heading-medium">
            Trasse (Fassung {latest.versionNo}
            {latest.versionNo !== application.currentVersion ? `, nicht die aktuelle – aktuell ist Fassung ${application.currentVersion}` : ""})
          </h2>
          <div className="editor">
            <div className="editor__map">
              <RouteMapLazy value={latest.route} report={latest.report} focus={focus} fitBounds={bounds} basemapStyleUrl={basemapStyleUrl} />
            </div>
            <aside className="editor__side">
              <DescriptionList
                items={[
                  ["Projektgebiet", latest.form.area],
                  ["Ansprechperson", [latest.form.contact?.name, latest.form.contact?.email, latest.form.contact?.phone].filter(Boolean).join(", ")],
                  ["Nutzungsberechtigung (§ 125 TKG)", [latest.form.rightOfWay?.reference, latest.form.rightOfWay?.date].filter(Boolean).join(" vom ")],
                  ["Bauzeit", latest.form.period?.start && latest.form.period.end ? `${latest.form.period.start} bis ${latest.form.period.end}` : null],
                  ["Verkehr", latest.form.traffic?.impact ? `${TRAFFIC_IMPACT_LABELS[latest.form.traffic.impact]}${latest.form.traffic.description ? `: ${latest.form.traffic.description}` : ""}` : null],
                ]}
              />
              <CheckReportPanel report={latest.report} onFocus={setFocus} />
            </aside>
          </div>
        </section>
      ) : null}

      {owner && application.status !== "withdrawn" && application.status !== "completed" ? (
        <section aria-labelledby="aktionen" className="kern-stack page-narrow">
          <h2 id="aktionen" className="kern-heading-medium">
            Was Sie tun können
          </h2>
          {openCases.length > 0 ? (
            <p className="kern-body">
              {openCases.some((c) => c.status === "incomplete") ? "Eine Behörde hat Unterlagen nachgefordert. " : ""}
              <Link className="kern-link" to={`/antraege/${application.id}/bearbeiten`}>
                Antrag ändern oder ergänzen (neue Fassung)
              </Link>
            </p>
          ) : null}
          {consented && !application.worksStartedOn ? (
            <Form method="post" className="inline-form">
              <CsrfInput token={csrfToken} />
              <input type="hidden" name="intent" value="works-started" />
              <input type="hidden" name="expectedVersion" value={application.version} />
              <div className="kern-form-input">
                <label className="kern-label" htmlFor="start-date">
                  Baubeginn
                </label>
                <input className="kern-form-input__input" type="date" id="start-date" name="date" max={today} defaultValue={today} required />
              </div>
              <button type="submit" className="kern-btn kern-btn--secondary">
                <span className="kern-label">Baubeginn melden</span>
              </button>
            </Form>
          ) : null}
          {application.worksStartedOn ? (
            <Form method="post" encType="multipart/form-data" className="kern-stack">
              <CsrfInput token={csrfToken} />
              <input type="hidden" name="expectedVersion" value={application.version} />
              <h3 className="kern-heading-small">Fertigstellung melden</h3>
              <div className="kern-form-input">
                <label className="kern-label" htmlFor="done-date">
                  Datum der Fertigstellung
                </label>
                <input className="kern-form-input__input" type="date" id="done-date" name="date" max={today} required />
              </div>
              <div className="kern-form-input">
                <label className="kern-label" htmlFor="homes">
                  Erschlossene Haushalte (Homes passed)
                </label>
                <input className="kern-form-input__input" type="number" min="0" step="1" id="homes" name="homesPassed" required />
              </div>
              <fieldset className="kern-fieldset">
                <legend className="kern-label">Bestandstrasse</legend>
                <div className="kern-form-check">
                  <input className="kern-form-check__radio" type="radio" id="as-planned" name="asBuilt" value="as_planned" defaultChecked />
                  <label className="kern-label" htmlFor="as-planned">
                    wie beantragt gebaut
                  </label>
                </div>
                <div className="kern-form-check">
                  <input className="kern-form-check__radio" type="radio" id="as-file" name="asBuilt" value="file" />
                  <label className="kern-label" htmlFor="as-file">
                    abweichend, Bestandsplan als Datei (GeoJSON, Shapefile-ZIP, GeoPackage):
                  </label>
                </div>
                <input className="kern-form-input__input" type="file" name="file" aria-label="Datei der Bestandstrasse" accept=".geojson,.json,.zip,.gpkg" />
              </fieldset>
              <div>
                <button type="submit" className="kern-btn kern-btn--primary">
                  <span className="kern-label">Fertigstellung melden</span>
                </button>
              </div>
            </Form>
          ) : null}
          {openCases.length > 0 ? (
            <Form method="post" className="kern-stack">
              <CsrfInput token={csrfToken} />
              <input type="hidden" name="intent" value="withdraw" />
              <input type="hidden" name="expectedVersion" value={application.version} />
              <div className="kern-form-check">
                <input className="kern-form-check__checkbox" type="checkbox" id="confirm" name="confirm" />
                <label className="kern-label" htmlFor="confirm">
                  Ich ziehe den Antrag bei allen Behörden zurück.
                </label>
              </div>
              <div>
                <button type="submit" className="kern-btn kern-btn--secondary">
                  <span className="kern-label">Antrag zurückziehen</span>
                </button>
              </div>
            </Form>
          ) : null}
        </section>
      ) : null}
      {application.worksStartedOn || application.worksCompletedOn ? (
        <p className="kern-body">
          {application.worksStartedOn ? `Baubeginn: ${date.format(new Date(application.worksStartedOn))}. ` : ""}
          {application.worksCompletedOn ? `Fertiggestellt: ${date.format(new Date(application.worksCompletedOn))}, ${application.homesPassed} Haushalte erschlossen.` : ""}
        </p>
      ) : null}

      {application.cases.length > 0 ? (
        <section aria-labelledby="nachrichten" id="nachrichten" className="kern-stack">
          <h2 id="nachrichten-titel" className="kern-heading-medium">
            Nachrichten
          </h2>
          {application.cases.map((c) => {
            const thread = messages.find((m) => m.caseId === c.id)?.messages ?? [];
            const party = owner || c.authority.id === organisationId;
            return (
              <article key={c.id} className="kern-card">
                <div className="kern-card__container kern-stack">
                  <h3 className="kern-heading-small">
                    {c.authority.name} ({c.fileNumber})
                  </h3>
                  {thread.length === 0 ? <p className="kern-body kern-body--small">Noch keine Nachrichten.</p> : null}
                  <ul className="kern-list">
                    {thread.map((m) => (
                      <li key={m.id}>
                        <strong>{m.author.organisationName}</strong>
                        {m.author.name ? ` (${m.author.name})` : ""}, {dateTime.format(new Date(m.createdAt))}
                        {m.isNew ? <span className="kern-badge kern-badge--info kern-badge--small"> neu</span> : null}
                        <p className="kern-body kern-preline">{m.body}</p>
                      </li>
                    ))}
                  </ul>
                  {party ? (
                    <Form method="post" className="kern-stack">
                      <CsrfInput token={csrfToken} />
                      <input type="hidden" name="intent" value="message" />
                      <input type="hidden" name="caseId" value={c.id} />
                      <div className="kern-form-input">
                        <label className="kern-label" htmlFor={`msg-${c.id}`}>
                          Nachricht an {owner ? c.authority.name : application.operator.name}
                        </label>
                        <textarea className="kern-form-input__input" id={`msg-${c.id}`} name="body" rows={3} required maxLength={10000} />
                      </div>
                      <div>
                        <button type="submit" className="kern-btn kern-btn--secondary kern-btn--x-small">
                          <span className="kern-label">Senden</span>
                        </button>
                      </div>
                    </Form>
                  ) : null}
                </div>
              </article>
            );
          })}
        </section>
      ) : null}

      <section aria-labelledby="unterlagen">
        <h2 id="unterlagen" className="kern-heading-medium">
          Unterlagen und Fassungen
        </h2>
        <AttachmentList applicationId={application.id} attachments={application.attachments} />
        <ol className="kern-list kern-list--number">
          {application.versions.map((v) => (
            <li key={v.versionNo}>
              <Link className="kern-link" to={`?fassung=${v.versionNo}#trasse`}>
                Fassung {v.versionNo}
              </Link>
              , eingereicht {dateTime.format(new Date(v.submittedAt))}
              {v.reason ? ` – ${v.reason}` : ""}
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="verlauf">
        <h2 id="verlauf" className="kern-heading-medium">
          Verlauf
        </h2>
        <ol className="kern-list timeline">
          {application.timeline
            .filter((t) => t.action !== "draft_saved")
            .map((t, i) => (
              <li key={i}>
                {dateTime.format(new Date(t.at))}: {TIMELINE_LABELS[`${t.entityType}.${t.action}`] ?? `${t.entityType} ${t.action}`}
                {t.actor ? ` – ${t.actor}` : ""}
                {t.organisation ? ` (${t.organisation})` : ""}
              </li>
            ))}
        </ol>
      </section>
    </div>
  );
}
