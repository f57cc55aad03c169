import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Alert, CsrfInput, SelectField, TextAreaField, TextField, type FieldMeta } from "~/components/forms";
import { db } from "~/db.server";
import { forbidden, requireRole } from "~/modules/auth/guards.server";
import {
  BODY_MAX,
  CONDITION_KIND_LABELS,
  CONDITION_KIND_PLURALS,
  CONDITION_KINDS,
  CreateTemplateSchema,
  UpdateTemplateSchema,
  type ConditionError,
  type ConditionKind,
  type ConditionTemplate,
} from "~/modules/conditions/schema";
import { createTemplate, listTemplates, moveTemplate, setTemplateActive, updateTemplate } from "~/modules/conditions/service.server";
import { statusOf } from "~/utils/application-errors.server";
import { readForm } from "~/utils/form.server";

export const meta: MetaFunction = () => [{ title: "Nebenbestimmungen und Hinweise – Breitband-Portal" }];

const PAGE = "/verwaltung/auflagen";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const principal = await requireRole(request, ["authority_admin"]);
  const templates = await listTemplates(await db(), principal, { includeInactive: true });
  if (!templates.ok) throw forbidden(templates.error.message);
  return json({ csrfToken: context.csrfToken, authorityName: principal.organisation.name, templates: templates.value });
}

type ActionData =
  | { intent: "create"; result: SubmissionResult<string[]> }
  | { intent: "update"; id: string; result: SubmissionResult<string[]> }
  | { intent: "item"; id: string; message: string };

/** A service error as conform's reply: field messages at their fields, anything else above the form. */
function replyOptions(error: ConditionError) {
  return error.code === "invalid"
    ? { fieldErrors: Object.fromEntries(error.fieldErrors.map((e) => [e.path, [e.message]])) }
    : { formErrors: [error.message] };
}

/** After a change: back to the page (PRG), to the text that changed, with a notice. */
const done = (notice: string, id: string) => redirect(`${PAGE}?${notice}=${id}#vorlage-${id}`);

export async function action({ request, context }: ActionFunctionArgs) {
  const principal = await requireRole(request, ["authority_admin"]);
  const formData = await readForm(request, context);
  const knex = await db();
  const intent = String(formData.get("intent") ?? "");
  const id = String(formData.get("id") ?? "");
  switch (intent) {
    case "create": {
      const submission = parseWithZod(formData, { schema: CreateTemplateSchema });
      if (submission.status !== "success") return json<ActionData>({ intent, result: submission.reply() }, { status: 422 });
      const created = await createTemplate(knex, principal, submission.value);
      if (!created.ok) return json<ActionData>({ intent, result: submission.reply(replyOptions(created.error)) }, { status: statusOf(created.error) });
      return done("angelegt", created.value.id);
    }
    case "update": {
      const submission = parseWithZod(formData, { schema: UpdateTemplateSchema });
      if (submission.status !== "success") return json<ActionData>({ intent, id, result: submission.reply() }, { status: 422 });
      const updated = await updateTemplate(knex, principal, submission.value);
      if (!updated.ok) return json<ActionData>({ intent, id, result: submission.reply(replyOptions(updated.error)) }, { status: statusOf(updated.error) });
      return done("gespeichert", id);
    }
    case "deactivate":
    case "activate": {
      const result = await setTemplateActive(knex, principal, id, intent === "activate");
      if (!result.ok) return json<ActionData>({ intent: "item", id, message: result.error.message }, { status: statusOf(result.error) });
      return done(intent === "activate" ? "aktiviert" : "deaktiviert", id);
    }
    case "move-up":
    case "move-down": {
      const result = await moveTemplate(knex, principal, id, intent === "move-up" ? "up" : "down");
      if (!result.ok) return json<ActionData>({ intent: "item", id, message: result.error.message }, { status: statusOf(result.error) });
      return done("verschoben", id);
    }
    default:
      return json<ActionData>({ intent: "item", id, message: "Unbekannte Aktion." }, { status: 400 });
  }
}

const NOTICES: Record<string, (title: string) => string> = {
  angelegt: (t) => `„${t}“ wurde angelegt.`,
  gespeichert: (t) => `„${t}“ wurde gespeichert.`,
  deaktiviert: (t) => `„${t}“ wurde deaktiviert und wird nicht mehr zur Auswahl angeboten.`,
  aktiviert: (t) => `„${t}“ ist wieder aktiv.`,
  verschoben: (t) => `„${t}“ wurde verschoben.`,
};

export default function ConditionCatalogue() {
  const { csrfToken, authorityName, templates } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const noticeKey = Object.keys(NOTICES).find((k) => searchParams.has(k));
  const noticeTemplate = noticeKey ? templates.find((t) => t.id === searchParams.get(noticeKey)) : undefined;
  const failedItem = actionData?.intent === "item" ? actionData : null;
  const failedUpdate = actionData?.intent === "update" && actionData.result.error?.[""] ? actionData : null;
  return (
    <div className="kern-stack">
      <hgroup className="kern-hgroup">
        <p className="kern-preline">{authorityName}</p>
        <h1 className="kern-heading-large">Nebenbestimmungen und Hinweise</h1>
      </hgroup>
      <div className="page-narrow kern-stack">
        <p className="kern-body">
          Textbausteine für Ihre Zustimmungen nach § 127 TKG. Die Sachbearbeitung wählt aktive Texte im Verfahren aus und kann sie dort anpassen.
          Standardtexte werden in jede Zustimmung übernommen, auch in beschleunigte Zustimmungen konfliktfreier Trassen.
        </p>
        <p className="kern-body">
          Nebenbestimmungen müssen für alle Antragsteller gleich gelten (diskriminierungsfrei) und sich auf die Belange des Wegebaulastträgers
          beschränken: die Art und Weise der Verlegung, die Regeln der Technik, die Verkehrssicherung und die Dokumentation der Lage. Deaktivierte Texte
          bleiben erhalten, werden aber nicht mehr angeboten; bereits erteilte Zustimmungen behalten ihren Wortlaut.
        </p>
      </div>
      {noticeKey && noticeTemplate ? <Alert tone="success" title={NOTICES[noticeKey]!(noticeTemplate.title)} /> : null}
      {failedItem ? (
        <Alert tone="danger" title="Nicht ausgeführt">
          <p className="kern-body">{failedItem.message}</p>
        </Alert>
      ) : null}
      {failedUpdate ? (
        <Alert tone="danger" title="Nicht gespeichert">
          <p className="kern-body">{failedUpdate.result.error?.[""]?.join(" ")}</p>
        </Alert>
      ) : null}

      {CONDITION_KINDS.map((kind) => (
        <KindSection
          key={kind}
          kind={kind}
          templates={templates.filter((t) => t.kind === kind)}
          csrfToken={csrfToken}
          updateResult={actionData?.intent === "update" ? actionData : null}
        />
      ))}

      <section aria-labelledby="neu" className="page-narrow">
        <h2 id="neu" className="kern-heading-medium">
          Text hinzufügen
        </h2>
        <TemplateForm
          // a fresh form after each successful addition
          key={searchParams.get("angelegt") ?? "neu"}
          csrfToken={csrfToken}
          lastResult={actionData?.intent === "create" ? actionData.result : undefined}
        />
      </section>
    </div>
  );
}

function KindSection({
  kind,
  templates,
  csrfToken,
  updateResult,
}: {
  kind: ConditionKind;
  templates: ConditionTemplate[];
  csrfToken: string;
  updateResult: { id: string; result: SubmissionResult<string[]> } | null;
}) {
  const headingId = `art-${kind}`;
  const active = templates.filter((t) => t.active).length;
  return (
    <section aria-labelledby={headingId} className="kern-stack">
      <h2 id={headingId} className="kern-heading-medium">
        {CONDITION_KIND_PLURALS[kind]}
      </h2>
      <p className="kern-body kern-body--muted">
        {templates.length === 0
          ? `Noch keine ${CONDITION_KIND_PLURALS[kind]}.`
          : `${active} aktiv${templates.length > active ? `, ${templates.length - active} deaktiviert` : ""}. Die Reihenfolge gilt auch in der Zustimmung.`}
      </p>
      {templates.length > 0 ? (
        <ol className="kern-list kern-stack" aria-labelledby={headingId}>
          {templates.map((t, index) => (
            <TemplateItem
              key={t.id}
              template={t}
              first={index === 0}
              last={index === templates.length - 1}
              csrfToken={csrfToken}
              lastResult={updateResult?.id === t.id ? updateResult.result : undefined}
            />
          ))}
        </ol>
      ) : null}
    </section>
  );
}

function TemplateItem({
  template: t,
  first,
  last,
  csrfToken,
  lastResult,
}: {
  template: ConditionTemplate;
  first: boolean;
  last: boolean;
  csrfToken: string;
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  const titleId = `vorlage-${t.id}-titel`;
  return (
    <li id={`vorlage-${t.id}`} className="kern-card kern-card--hug" aria-labelledby={titleId}>
      <div className="kern-card__container">
        <header className="kern-card__header kern-stack">
          <h3 id={titleId} className="kern-heading-small">
            {t.title}
          </h3>
          {t.standard || !t.active ? (
            <p className="kern-body">
              {t.standard ? <span className="kern-badge kern-badge--info kern-badge--small">Standardtext</span> : null}{" "}
              {t.active ? null : <span className="kern-badge kern-badge--warning kern-badge--small">Deaktiviert</span>}
            </p>
          ) : null}
        </header>
        <div className="kern-card__body">
          <Paragraphs text={t.body} />
        </div>
        <div className="kern-card__footer">
          <ItemButton csrfToken={csrfToken} id={t.id} intent="move-up" disabled={first} label="Nach oben" describedBy={titleId} />
          <ItemButton csrfToken={csrfToken} id={t.id} intent="move-down" disabled={last} label="Nach unten" describedBy={titleId} />
          {t.active ? (
            <ItemButton csrfToken={csrfToken} id={t.id} intent="deactivate" label="Deaktivieren" describedBy={titleId} />
          ) : (
            <ItemButton csrfToken={csrfToken} id={t.id} intent="activate" label="Wieder aktivieren" describedBy={titleId} />
          )}
        </div>
        {/* after a save the version changes: the details close and the form starts from the saved text */}
        <details key={t.version} className="kern-accordion" open={lastResult ? true : undefined} style={{ alignSelf: "stretch" }}>
          <summary className="kern-accordion__header">
            <span className="kern-title">
              Bearbeiten<span className="kern-sr-only">: {t.title}</span>
            </span>
          </summary>
          <div className="kern-accordion__body">
            <TemplateForm template={t} csrfToken={csrfToken} lastResult={lastResult} describedBy={titleId} />
          </div>
        </details>
      </div>
    </li>
  );
}

function ItemButton({
  csrfToken,
  id,
  intent,
  label,
  describedBy,
  disabled,
}: {
  csrfToken: string;
  id: string;
  intent: string;
  label: string;
  /** the text's title: which text the button acts on, for screen readers */
  describedBy: string;
  disabled?: boolean;
}) {
  return (
    <Form method="post">
      <CsrfInput token={csrfToken} />
      <input type="hidden" name="id" value={id} />
      <button type="submit" name="intent" value={intent} className="kern-btn kern-btn--secondary" disabled={disabled} aria-describedby={describedBy}>
        <span className="kern-label">{label}</span>
      </button>
    </Form>
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

/** Adds a text, or edits one (with its version, so a colleague's save in between is not overwritten). */
function TemplateForm({
  template,
  csrfToken,
  lastResult,
  describedBy,
}: {
  template?: ConditionTemplate;
  csrfToken: string;
  lastResult: SubmissionResult<string[]> | undefined;
  describedBy?: string;
}) {
  const schema = template ? UpdateTemplateSchema : CreateTemplateSchema;
  // After a failed save the page reloads its data; the edit still rests on the version it started
  // from, so a colleague's newer text is never overwritten unseen.
  const submittedVersion = lastResult?.initialValue?.expectedVersion;
  const expectedVersion = typeof submittedVersion === "string" && submittedVersion !== "" ? submittedVersion : String(template?.version ?? "");
  const [form, fields] = useForm({
    id: template ? `vorlage-${template.id}-bearbeiten` : "vorlage-neu",
    lastResult,
    defaultValue: template
      ? { kind: template.kind, title: template.title, body: template.body, standard: template.standard ? "on" : undefined }
      : { kind: "condition" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <Form method="post" {...getFormProps(form)} className="kern-stack">
      <CsrfInput token={csrfToken} />
      <input type="hidden" name="intent" value={template ? "update" : "create"} />
      {template ? (
        <>
          <input type="hidden" name="id" value={template.id} />
          <input type="hidden" name="expectedVersion" value={expectedVersion} />
        </>
      ) : null}
      {form.errors?.length ? (
        <p className="kern-error" id={`${form.id}-error`}>
          <span className="kern-icon kern-icon--danger" aria-hidden="true" />
          <span className="kern-body">{form.errors.join(" ")}</span>
        </p>
      ) : null}
      <SelectField
        field={fields.kind}
        label="Art"
        required
        options={CONDITION_KINDS.map((k) => ({ value: k, label: CONDITION_KIND_LABELS[k] }))}
        hint="Nebenbestimmungen sind verbindlich; Hinweise informieren nur."
      />
      <TextField field={fields.title} label="Titel" hint="Eine Zeile, höchstens 200 Zeichen." required />
      <TextAreaField field={fields.body} label="Text" hint={`Höchstens ${BODY_MAX.toLocaleString("de-DE")} Zeichen. Eine Leerzeile beginnt einen neuen Absatz.`} required rows={8} />
      <StandardField field={fields.standard} />
      <div>
        <button type="submit" className="kern-btn kern-btn--primary" aria-describedby={describedBy}>
          <span className="kern-label">{template ? "Änderungen speichern" : "Text hinzufügen"}</span>
        </button>
      </div>
    </Form>
  );
}

function StandardField({ field }: { field: FieldMeta }) {
  const hintId = `${field.id}-hint`;
  const errorId = `${field.id}-error`;
  const hasError = Boolean(field.errors?.length);
  return (
    <div>
      <div className="kern-form-check">
        <input
          className="kern-form-check__checkbox"
          type="checkbox"
          id={field.id}
          name={field.name}
          defaultChecked={field.initialValue === "on" || field.initialValue === true}
          aria-describedby={[hintId, hasError ? errorId : null].filter(Boolean).join(" ")}
          aria-invalid={hasError || undefined}
        />
        <label className="kern-label" htmlFor={field.id}>
          Standardtext
        </label>
      </div>
      <div className="kern-hint" id={hintId}>
        Wird in jede Zustimmung übernommen, auch in beschleunigte Zustimmungen.
      </div>
      {hasError ? (
        <p className="kern-error" id={errorId}>
          <span className="kern-body">{field.errors?.join(" ")}</span>
        </p>
      ) : null}
    </div>
  );
}
