import { getFormProps, useForm, type Submission, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useMemo, useState } from "react";
import { z } from "zod";
import { routeBounds } from "~/components/application/route-step";
import { CheckReportPanel, type ReportFocus } from "~/components/check-report";
import { Alert, CsrfInput, TextAreaField, TextField } from "~/components/forms";
import { mapLinks, RouteMapLazy } from "~/components/map/route-map";
import { DeadlineBadge, formatDueDate } from "~/components/review/deadline";
import { db } from "~/db.server";
import { env } from "~/env.server";
import type { ApplicationError } from "~/modules/applications/errors";
import { CASE_STATUS_LABELS, OPEN_CASE_STATUSES } from "~/modules/applications/schema";
import { getApplication } from "~/modules/applications/service.server";
import { notFound, requireRole } from "~/modules/auth/guards.server";
import { berlinDate, daysBetween } from "~/modules/deadlines/calendar";
import { giveStatement } from "~/modules/review/actions.server";
import { getCase } from "~/modules/review/case.server";
import { CONSULTED_TOPIC_LABELS, STATEMENT_LABELS, StatementSchema, urgencyOf, type Statement } from "~/modules/review/schema";
import { statusOf } from "~/utils/application-errors.server";
import { systemClock } from "~/utils/clock";
import { readForm } from "~/utils/form.server";
import { AttachmentList } from "~/components/application/attachment-list";
import { DescriptionList } from "~/components/description-list";

export const links: LinksFunction = () => [...mapLinks];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Stellungnahme ${data?.case.fileNumber ?? ""} – Breitband-Portal` }];

const CASE_NOT_FOUND_TEXT = "Diesen Fall gibt es nicht, oder Sie wurden dazu nicht um eine Stellungnahme gebeten.";
const MAX_CONDITIONS = 30;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const principal = await requireRole(request, ["consulted_body"]);
  const now = systemClock.now();
  const detail = await getCase(await db(), principal, params.id!, { clock: systemClock });
  if (!detail || detail.viewer !== "consulted_body") throw notFound(CASE_NOT_FOUND_TEXT);
  const today = berlinDate(now);
  const topic = detail.involvements[0]?.body.topic ?? null;
  const application = await getApplication(await db(), principal, detail.applicationId);
  if (!application) throw notFound(CASE_NOT_FOUND_TEXT);
  const version = application.versions.find((v) => v.versionNo === detail.applicationVersion) ?? application.versions.at(-1)!;
  return json({
    basemapStyleUrl: env().BASEMAP_STYLE_URL ?? null,
    application: {
      id: application.id,
      title: application.title,
      operatorName: application.operator.name,
      form: version.form,
      route: version.route,
      report: version.checkReport,
      attachments: application.attachments
        .filter((a) => version.attachments.some((v) => v.id === a.id))
        .map((a) => ({ id: a.id, kind: a.kind, fileName: a.fileName })),
    },
    csrfToken: context.csrfToken,
    body: { name: principal.organisation.name, topic: topic && topic in CONSULTED_TOPIC_LABELS ? CONSULTED_TOPIC_LABELS[topic as keyof typeof CONSULTED_TOPIC_LABELS] : null },
    // only what a consulted body needs: not the authority's own conditions, requests or clock details
    case: {
      id: detail.id,
      fileNumber: detail.fileNumber,
      authorityName: detail.authority.name,
      status: detail.status,
      open: OPEN_CASE_STATUSES.includes(detail.status),
      receivedAt: detail.receivedAt,
      decisionDueOn: detail.deadlines.decisionDueOn,
      decidedAt: detail.decision.at,
      clerkName: detail.clerk?.name ?? null,
      sectionLengthM: detail.sectionLengthM,
      crossings: detail.crossings,
    },
    involvements: detail.involvements
      .filter((i) => i.status !== "cancelled")
      .map((i) => ({
        id: i.id,
        question: i.question,
        dueOn: i.dueOn,
        daysLeft: daysBetween(today, i.dueOn),
        requestedAt: i.requestedAt,
        status: i.status,
        statement: i.statement,
        statementText: i.statementText,
        conditions: i.conditions,
        answeredAt: i.answeredAt,
        version: i.version,
      })),
  });
}

// ---------------------------------------------------------------------------------------------
// The statement form, parsed the same way in the browser and in the action.

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

/** Indices of the condition rows with anything typed in; blank rows (spare ones, or JS off) are not conditions. */
function filledRows(conditions: unknown): number[] {
  if (!Array.isArray(conditions)) return [];
  return conditions.flatMap((row: unknown, index) => {
    const r = (row ?? {}) as { title?: unknown; body?: unknown };
    return isBlank(r.title) && isBlank(r.body) ? [] : [index];
  });
}

const FormStatementSchema = z.preprocess((value) => {
  if (typeof value !== "object" || value === null) return value;
  const { conditions } = value as { conditions?: unknown };
  if (!Array.isArray(conditions)) return value;
  return { ...value, conditions: filledRows(conditions).map((i) => conditions[i]) };
}, StatementSchema);

type StatementInput = z.input<typeof StatementSchema>;
type StatementValue = z.output<typeof StatementSchema>;
type StatementSubmission = Submission<StatementInput, string[], StatementValue>;

/**
 * `StatementSchema` after dropping blank condition rows. The schema's messages then name the
 * compacted rows, so they are moved back to the rows the user sees (same for the service's).
 */
function parseStatement(formData: FormData): StatementSubmission {
  const submission = parseWithZod(formData, { schema: FormStatementSchema });
  const kept = filledRows(submission.payload.conditions);
  const remap = <T,>(error: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.entries(error).map(([name, messages]) => [name.replace(/^conditions\[(\d+)\]/, (whole, i: string) => (kept[Number(i)] === undefined ? whole : `conditions[${kept[Number(i)]}]`)), messages]));
  const reply: StatementSubmission["reply"] = (options) => {
    const result = submission.reply(options);
    return result.error ? { ...result, error: remap(result.error) } : result;
  };
  return submission.status === "success" ? { ...submission, reply } : { ...submission, error: submission.error && remap(submission.error), reply };
}

/** `stale`: the request changed since the page was loaded; only a reload helps. */
type ActionData = { involvementId: string; result: SubmissionResult<string[]>; stale?: boolean };

/** A service error as conform's reply: field messages at their fields, the reason above the form. */
function replyOptions(error: ApplicationError) {
  return error.code === "invalid"
    ? { formErrors: [error.message], fieldErrors: Object.fromEntries(error.fieldErrors.map((e) => [e.path, [e.message]])) }
    : { formErrors: [error.message] };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const principal = await requireRole(request, ["consulted_body"]);
  const formData = await readForm(request, context);
  const knex = await db();
  const detail = await getCase(knex, principal, params.id!, { clock: systemClock });
  if (!detail || detail.viewer !== "consulted_body") throw notFound(CASE_NOT_FOUND_TEXT);
  const involvementId = String(formData.get("involvementId") ?? "");
  const submission = parseStatement(formData);
  // status undefined: "add/remove condition" without JS, answered with the changed form
  if (submission.status !== "success") return json<ActionData>({ involvementId, result: submission.reply() }, { status: submission.status === "error" ? 422 : 200 });
  // the request must belong to the case of this page, not just to this body
  if (!detail.involvements.some((i) => i.id === involvementId)) {
    return json<ActionData>({ involvementId, result: submission.reply({ formErrors: [CASE_NOT_FOUND_TEXT] }) }, { status: 404 });
  }
  const given = await giveStatement(knex, principal, involvementId, submission.value);
  if (!given.ok) {
    return json<ActionData>({ involvementId, result: submission.reply(replyOptions(given.error)), stale: given.error.code === "conflict" }, { status: statusOf(given.error) });
  }
  return redirect(`/stellungnahmen/${detail.id}?abgegeben=1`);
}

// ---------------------------------------------------------------------------------------------

const dateFormat = new Intl.DateTimeFormat("de-DE", { dateStyle: "medium", timeZone: "Europe/Berlin" });
const formatInstant = (iso: string) => dateFormat.format(new Date(iso));
const metres = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 0 });

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type Involvement = LoaderData["involvements"][number];

export default function StatementPage() {
  const { csrfToken, body, case: c, involvements, application, basemapStyleUrl } = useLoaderData<typeof loader>();
  const [focus, setFocus] = useState<ReportFocus | null>(null);
  const bounds = useMemo(() => routeBounds(application.route), [application.route]);
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const justGiven = searchParams.has("abgegeben") && involvements.some((i) => i.status === "answered");
  return (
    <div className="kern-stack">
      <p className="kern-body">
        <Link className="kern-link" to="/stellungnahmen">
          Zurück zur Übersicht der Stellungnahmen
        </Link>
      </p>
      <hgroup className="kern-hgroup">
        <p className="kern-preline">
          {body.name}
          {body.topic ? ` (${body.topic})` : ""}
        </p>
        <h1 className="kern-heading-large">Stellungnahme zum Verfahren {c.fileNumber}</h1>
      </hgroup>
      {justGiven ? (
        <Alert tone="success" title="Ihre Stellungnahme wurde abgegeben.">
          <p className="kern-body">Die Straßenbaubehörde sieht sie ab sofort im Verfahren.</p>
        </Alert>
      ) : null}

      <p className="kern-body">
        {application.title} – {application.operatorName}
        {application.form.area ? `, ${application.form.area}` : ""}
      </p>
      <section aria-labelledby="trasse">
        <h2 id="trasse" className="kern-heading-medium">
          Trasse und Prüfbericht
        </h2>
        <div className="editor">
          <div className="editor__map">
            <RouteMapLazy value={application.route} report={application.report} focus={focus} fitBounds={bounds} basemapStyleUrl={basemapStyleUrl} />
          </div>
          <aside className="editor__side">
            <CheckReportPanel report={application.report} onFocus={setFocus} />
          </aside>
        </div>
        {application.attachments.length > 0 ? (
          <AttachmentList applicationId={application.id} attachments={application.attachments} />
        ) : null}
      </section>

      <section aria-labelledby="verfahren" className="page-narrow">
        <h2 id="verfahren" className="kern-heading-medium">
          Verfahren
        </h2>
        <DescriptionList
          items={[
              ["Aktenzeichen", c.fileNumber],
              ["Straßenbaubehörde", c.authorityName],
              ["Sachbearbeitung", c.clerkName],
              ["Status", CASE_STATUS_LABELS[c.status]],
              ["Eingang des Antrags", formatInstant(c.receivedAt)],
              ["Entscheidungsfrist der Behörde", c.open && c.decisionDueOn ? formatDueDate(c.decisionDueOn) : null],
              ["Entschieden am", c.decidedAt ? formatInstant(c.decidedAt) : null],
              ["Trassenlänge im Zuständigkeitsbereich", `${metres.format(c.sectionLengthM)} m`],
              ["Querungen", c.crossings > 0 ? String(c.crossings) : null],
            ]}
        />
      </section>

      {involvements.map((involvement) => (
        <InvolvementSection
          key={involvement.id}
          involvement={involvement}
          several={involvements.length > 1}
          caseId={c.id}
          caseOpen={c.open}
          csrfToken={csrfToken}
          lastResult={actionData?.involvementId === involvement.id ? actionData.result : undefined}
          stale={actionData?.involvementId === involvement.id && actionData.stale === true}
        />
      ))}
    </div>
  );
}

function InvolvementSection({
  involvement: i,
  several,
  caseId,
  caseOpen,
  csrfToken,
  lastResult,
  stale,
}: {
  involvement: Involvement;
  several: boolean;
  caseId: string;
  caseOpen: boolean;
  csrfToken: string;
  lastResult: SubmissionResult<string[]> | undefined;
  stale: boolean;
}) {
  const headingId = `anfrage-${i.id}`;
  const open = i.status === "requested" && caseOpen;
  return (
    <section aria-labelledby={headingId} className="kern-stack page-narrow">
      <h2 id={headingId} className="kern-heading-medium">
        {several ? `Anfrage vom ${formatInstant(i.requestedAt)}` : "Anfrage der Straßenbaubehörde"}
      </h2>
      <dl className="kern-description-list">
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Erbeten am</dt>
          <dd className="kern-description-list-item__value">{formatInstant(i.requestedAt)}</dd>
        </div>
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Stellungnahme bis</dt>
          <dd className="kern-description-list-item__value">
            {open ? <DeadlineBadge dueOn={i.dueOn} daysLeft={i.daysLeft} urgency={urgencyOf("in_review", i.daysLeft)} /> : formatDueDate(i.dueOn)}
          </dd>
        </div>
      </dl>
      <div className="kern-stack">
        <h3 className="kern-heading-small">Frage der Behörde</h3>
        <Paragraphs text={i.question} />
      </div>
      {i.status === "answered" && i.statement ? (
        <GivenStatement involvement={i} statement={i.statement} />
      ) : open ? (
        <StatementForm involvement={i} caseId={caseId} csrfToken={csrfToken} lastResult={lastResult} stale={stale} />
      ) : (
        <Alert tone="info" title="Keine Stellungnahme mehr möglich">
          <p className="kern-body">Über den Fall ist bereits entschieden; eine Stellungnahme ist nicht mehr möglich.</p>
        </Alert>
      )}
    </section>
  );
}

function GivenStatement({ involvement: i, statement }: { involvement: Involvement; statement: Statement }) {
  return (
    <div className="kern-stack">
      <h3 className="kern-heading-small">Ihre Stellungnahme</h3>
      <dl className="kern-description-list">
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Stellungnahme</dt>
          <dd className="kern-description-list-item__value">{STATEMENT_LABELS[statement]}</dd>
        </div>
        {i.answeredAt ? (
          <div className="kern-description-list-item">
            <dt className="kern-description-list-item__key">Abgegeben am</dt>
            <dd className="kern-description-list-item__value">{formatInstant(i.answeredAt)}</dd>
          </div>
        ) : null}
      </dl>
      {i.statementText ? (
        <div className="kern-stack">
          <h4 className="kern-title">Begründung / Anmerkungen</h4>
          <Paragraphs text={i.statementText} />
        </div>
      ) : null}
      {i.conditions.length > 0 ? (
        <div className="kern-stack">
          <h4 className="kern-title">Auflagen</h4>
          <ol className="kern-list kern-list--number">
            {i.conditions.map((condition, index) => (
              <li key={index}>
                <p className="kern-body kern-body--bold">{condition.title}</p>
                <Paragraphs text={condition.body} />
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </div>
  );
}

function StatementForm({
  involvement,
  caseId,
  csrfToken,
  lastResult,
  stale,
}: {
  involvement: Involvement;
  caseId: string;
  csrfToken: string;
  lastResult: SubmissionResult<string[]> | undefined;
  stale: boolean;
}) {
  // After a failed save the page reloads its data; the statement still rests on the request the
  // user read, so a changed request is never answered unseen.
  const submittedVersion = lastResult?.initialValue?.expectedVersion;
  const expectedVersion = typeof submittedVersion === "string" && submittedVersion !== "" ? submittedVersion : String(involvement.version);
  // conform keys list rows by the default value only: as many rows as the server answered with,
  // so rows rendered from a server reply (no JS yet) keep their identity when one is removed
  const returnedRows = lastResult?.initialValue?.conditions;
  const rows = Array.isArray(returnedRows) ? Math.max(returnedRows.length, 1) : 1;
  const [form, fields] = useForm<StatementInput, StatementValue>({
    id: `stellungnahme-${involvement.id}`,
    lastResult,
    defaultValue: { conditions: Array.from({ length: rows }, () => ({ title: "", body: "" })) },
    onValidate: ({ formData }) => parseStatement(formData),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const conditions = fields.conditions.getFieldList();
  const headingId = `${form.id}-titel`;
  const formErrors = [...(form.errors ?? []), ...(fields.expectedVersion.errors ?? [])];
  const statementErrorId = `${fields.statement.id}-error`;
  const statementError = Boolean(fields.statement.errors?.length);
  const listErrorId = `${fields.conditions.id}-error`;
  const listHintId = `${fields.conditions.id}-hint`;
  const listError = Boolean(fields.conditions.errors?.length);
  return (
    <div className="kern-stack">
      <h3 id={headingId} className="kern-heading-small">
        Stellungnahme abgeben
      </h3>
      <Form method="post" {...getFormProps(form)} aria-labelledby={headingId} className="kern-stack">
        <CsrfInput token={csrfToken} />
        <input type="hidden" name="involvementId" value={involvement.id} />
        <input type="hidden" name="expectedVersion" value={expectedVersion} />
        {formErrors.length > 0 ? (
          <Alert tone="danger" title="Stellungnahme nicht abgegeben">
            <p className="kern-body">{formErrors.join(" ")}</p>
            {stale ? (
              <p className="kern-body">
                <a className="kern-link" href={`/stellungnahmen/${caseId}`}>
                  Seite neu laden
                </a>
              </p>
            ) : null}
          </Alert>
        ) : null}

        <fieldset className="kern-fieldset" aria-describedby={statementError ? statementErrorId : undefined}>
          <legend className="kern-label">Stellungnahme</legend>
          {statementError ? (
            <p className="kern-error" id={statementErrorId}>
              <span className="kern-icon kern-icon--danger" aria-hidden="true" />
              <span className="kern-body">{fields.statement.errors?.join(" ")}</span>
            </p>
          ) : null}
          <div className="kern-fieldset__body">
            {(Object.keys(STATEMENT_LABELS) as Statement[]).map((value) => {
              const id = `${fields.statement.id}-${value}`;
              return (
                <div key={value} className="kern-form-check">
                  <input
                    className="kern-form-check__radio"
                    type="radio"
                    id={id}
                    name={fields.statement.name}
                    value={value}
                    defaultChecked={fields.statement.initialValue === value}
                    aria-invalid={statementError || undefined}
                    aria-describedby={statementError ? statementErrorId : undefined}
                  />
                  <label className="kern-label" htmlFor={id}>
                    {STATEMENT_LABELS[value]}
                  </label>
                </div>
              );
            })}
          </div>
        </fieldset>

        <TextAreaField
          field={fields.text}
          label="Begründung / Anmerkungen"
          hint="Bei Einwänden erforderlich: Bitte begründen Sie, was dem Vorhaben entgegensteht. Höchstens 10.000 Zeichen."
          rows={6}
        />

        <fieldset className="kern-fieldset" aria-describedby={[listHintId, listError ? listErrorId : null].filter(Boolean).join(" ")}>
          <legend className="kern-label">Auflagen</legend>
          <div className="kern-hint" id={listHintId}>
            Bei „Zustimmung mit Auflagen“ mindestens eine Auflage mit Titel und Text. Die Auflagen werden Teil der Zustimmung. Leer gelassene Zeilen werden
            nicht berücksichtigt; bei „Zustimmung“ ohne Auflagen lassen Sie die Felder leer.
          </div>
          {listError ? (
            <p className="kern-error" id={listErrorId}>
              <span className="kern-icon kern-icon--danger" aria-hidden="true" />
              <span className="kern-body">{fields.conditions.errors?.join(" ")}</span>
            </p>
          ) : null}
          <ol className="kern-list kern-stack">
            {conditions.map((condition, index) => {
              const row = condition.getFieldset();
              const legendId = `${condition.id}-legende`;
              return (
                <li key={condition.key ?? condition.name}>
                  <fieldset className="kern-fieldset">
                    <legend className="kern-title" id={legendId}>
                      Auflage {index + 1}
                    </legend>
                    <div className="kern-fieldset__body kern-stack">
                      <TextField field={row.title} label="Titel" required />
                      <TextAreaField field={row.body} label="Text" required rows={4} />
                      {/* one row always stays: its fields carry the list's error message (conform shows errors of submitted fields) */}
                      {conditions.length > 1 ? (
                        <div>
                          <button
                            type="submit"
                            className="kern-btn kern-btn--tertiary"
                            {...form.remove.getButtonProps({ name: fields.conditions.name, index })}
                            aria-describedby={legendId}
                          >
                            <span className="kern-label">Auflage {index + 1} entfernen</span>
                          </button>
                        </div>
                      ) : null}
                    </div>
                  </fieldset>
                </li>
              );
            })}
          </ol>
          {conditions.length < MAX_CONDITIONS ? (
            <div>
              <button
                type="submit"
                className="kern-btn kern-btn--secondary"
                {...form.insert.getButtonProps({ name: fields.conditions.name, defaultValue: { title: "", body: "" } })}
              >
                <span className="kern-label">Weitere Auflage hinzufügen</span>
              </button>
            </div>
          ) : null}
        </fieldset>

        <p className="kern-body">Nach dem Abgeben kann die Stellungnahme nicht mehr geändert werden. Die Straßenbaubehörde erhält sie sofort.</p>
        <div>
          <button type="submit" className="kern-btn kern-btn--primary">
            <span className="kern-label">Stellungnahme abgeben</span>
          </button>
        </div>
      </Form>
    </div>
  );
}

/** Blank lines separate paragraphs; single line breaks stay line breaks. */
function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {text.split(/\n{2,}/).map((paragraph, i) => (
        <p key={i} className="kern-body">
          {paragraph.split("\n").map((line, j) => (
            <span key={j}>
              {j > 0 ? <br /> : null}
              {line}
            </span>
          ))}
        </p>
      ))}
    </>
  );
}
