import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Form, Link } from "@remix-run/react";
import { Alert, CsrfInput, SelectField, TextAreaField, TextField } from "~/components/forms";
import { ELEMENT_TYPE_LABELS, ELEMENT_TYPES } from "~/components/map/route-map";
import type { MissingItem } from "~/modules/applications/completeness";
import {
  ApplicationDraftSchema,
  ATTACHMENT_KIND_LABELS,
  ATTACHMENT_KINDS,
  ATTACHMENT_LIMITS,
  REDUCED_DEPTH_M,
  TRAFFIC_IMPACT_LABELS,
  TRAFFIC_IMPACTS,
  type ApplicationDraft,
} from "~/modules/applications/schema";
import { LAYING_METHOD_LABELS, LAYING_METHODS } from "~/modules/checks/methods";

export const STEPS = [
  { key: "trasse", label: "1 Trasse" },
  { key: "angaben", label: "2 Angaben" },
  { key: "abschnitte", label: "3 Abschnitte" },
  { key: "unterlagen", label: "4 Unterlagen" },
  { key: "einreichen", label: "5 Prüfen und einreichen" },
] as const;
export type StepKey = (typeof STEPS)[number]["key"];

/** Which step a field path of a missing item belongs to, so the list can link there. */
export function stepOf(path: string): StepKey {
  if (path.startsWith("route.features") || path === "reducedDepthDeclaration") return "abschnitte";
  if (path === "route") return "trasse";
  if (path === "attachments") return "unterlagen";
  return "angaben";
}

export function StepNav({ id, current }: { id: string; current: StepKey }) {
  return (
    <nav aria-label="Schritte des Antrags">
      <ol className="steps">
        {STEPS.map((s) => (
          <li key={s.key}>
            <Link to={`/antraege/${id}/bearbeiten?schritt=${s.key}`} aria-current={s.key === current ? "step" : undefined}>
              {s.label}
            </Link>
          </li>
        ))}
      </ol>
    </nav>
  );
}

/** Step 2: the form, validated with the same schema on both sides; saved as a draft. */
export function DetailsStep({
  draft,
  version,
  csrfToken,
  lastResult,
}: {
  draft: ApplicationDraft;
  version: number;
  csrfToken: string;
  lastResult: SubmissionResult<string[]> | undefined;
}) {
  const [form, fields] = useForm({
    lastResult,
    defaultValue: draft,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ApplicationDraftSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const contact = fields.contact.getFieldset();
  const office = fields.planningOffice.getFieldset();
  const rightOfWay = fields.rightOfWay.getFieldset();
  const period = fields.period.getFieldset();
  const traffic = fields.traffic.getFieldset();
  return (
    <Form method="post" {...getFormProps(form)} className="kern-stack page-narrow">
      <CsrfInput token={csrfToken} />
      <input type="hidden" name="intent" value="save-draft" />
      <input type="hidden" name="expectedVersion" value={version} />
      {form.errors?.length ? <Alert tone="danger" title="Nicht gespeichert">{<p className="kern-body">{form.errors.join(" ")}</p>}</Alert> : null}
      <fieldset className="kern-fieldset">
        <legend className="kern-title">Vorhaben</legend>
        <div className="kern-fieldset__body kern-stack">
          <TextField field={fields.title} label="Projektname" required />
          <TextField field={fields.area} label="Projektgebiet" hint="Ort, Ortsteil oder Ausbaugebiet" required />
          <TextField field={fields.reference} label="Eigenes Zeichen" hint="Ihre interne Projektnummer" />
        </div>
      </fieldset>
      <fieldset className="kern-fieldset">
        <legend className="kern-title">Ansprechperson des Antragstellers</legend>
        <div className="kern-fieldset__body kern-stack">
          <TextField field={contact.name} label="Name" autoComplete="name" required />
          <TextField field={contact.email} label="E-Mail-Adresse" type="email" autoComplete="email" required />
          <TextField field={contact.phone} label="Telefon" type="tel" autoComplete="tel" required />
        </div>
      </fieldset>
      <fieldset className="kern-fieldset">
        <legend className="kern-title">Planungsbüro (falls es für Sie handelt)</legend>
        <div className="kern-fieldset__body kern-stack">
          <p className="kern-hint">Handelt ein Planungsbüro für Sie, ist die Vollmacht unter „Unterlagen“ beizufügen.</p>
          <TextField field={office.name} label="Name des Planungsbüros" />
          <TextField field={office.contactName} label="Ansprechperson" />
          <TextField field={office.email} label="E-Mail-Adresse" type="email" />
          <TextField field={office.phone} label="Telefon" type="tel" />
        </div>
      </fieldset>
      <fieldset className="kern-fieldset">
        <legend className="kern-title">Nutzungsberechtigung nach § 125 TKG</legend>
        <div className="kern-fieldset__body kern-stack">
          <TextField field={rightOfWay.reference} label="Aktenzeichen der Bundesnetzagentur" required />
          <TextField field={rightOfWay.date} label="Datum" type="date" required />
        </div>
      </fieldset>
      <fieldset className="kern-fieldset">
        <legend className="kern-title">Bauzeit und Verkehr</legend>
        <div className="kern-fieldset__body kern-stack">
          <TextField field={period.start} label="Geplanter Baubeginn" type="date" required />
          <TextField field={period.end} label="Geplantes Bauende" type="date" required />
          <SelectField
            field={traffic.impact}
            label="Verkehrsbeeinträchtigung"
            options={TRAFFIC_IMPACTS.map((t) => ({ value: t, label: TRAFFIC_IMPACT_LABELS[t] }))}
            required
          />
          <TextAreaField field={traffic.description} label="Verkehrsführung während der Bauarbeiten" hint="Nur nötig, wenn der Verkehr beeinträchtigt wird." />
        </div>
      </fieldset>
      <TextAreaField field={fields.remarks} label="Bemerkungen" />
      <div>
        <button type="submit" className="kern-btn kern-btn--primary">
          <span className="kern-label">Speichern</span>
        </button>
      </div>
    </Form>
  );
}

interface SectionRow {
  index: number;
  lengthLabel: string;
  properties: Record<string, unknown>;
}
interface ElementRow {
  index: number;
  properties: Record<string, unknown>;
}

/**
 * Step 3: per section what is laid and how; per network element its kind. One row per drawn line,
 * in drawing order; field names carry the feature index (features[3].depthM).
 */
export function SectionsStep({
  sections,
  elements,
  reducedDepthDeclaration,
  version,
  csrfToken,
  errors,
}: {
  sections: SectionRow[];
  elements: ElementRow[];
  reducedDepthDeclaration: boolean;
  version: number;
  csrfToken: string;
  errors: Record<string, string[]>;
}) {
  if (sections.length === 0) {
    return (
      <p className="kern-body">
        Noch keine Trasse gezeichnet. <Link to="?schritt=trasse">Zur Trasse</Link>
      </p>
    );
  }
  const err = (path: string) => errors[path]?.join(" ");
  const numberInput = (row: SectionRow, name: string, label: string, step: string) => {
    const path = `features[${row.index}].${name}`;
    const message = err(path);
    return (
      <td className="kern-table__cell">
        <label className="kern-sr-only" htmlFor={path}>
          Abschnitt {row.index + 1}: {label}
        </label>
        <input
          className={`kern-form-input__input${message ? " kern-form-input__input--error" : ""}`}
          id={path}
          name={path}
          type="number"
          inputMode="decimal"
          step={step}
          min="0"
          defaultValue={row.properties[name] as number | undefined}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? `${path}-error` : undefined}
        />
        {message ? (
          <p className="kern-error" id={`${path}-error`}>
            {message}
          </p>
        ) : null}
      </td>
    );
  };
  return (
    <>
    <Form method="post" className="kern-stack">
      <CsrfInput token={csrfToken} />
      <input type="hidden" name="intent" value="save-sections" />
      <input type="hidden" name="expectedVersion" value={version} />
      {errors[""] ? <Alert tone="danger" title="Nicht gespeichert">{<p className="kern-body">{errors[""].join(" ")}</p>}</Alert> : null}
      <div className="kern-table-responsive">
        <table className="kern-table kern-table--small">
          <caption className="kern-title kern-title--small">Trassenabschnitte</caption>
          <thead className="kern-table__header">
            <tr className="kern-table__row">
              <th scope="col" className="kern-table__cell">Abschnitt</th>
              <th scope="col" className="kern-table__cell">Verlegeverfahren</th>
              <th scope="col" className="kern-table__cell">Tiefe (m)</th>
              <th scope="col" className="kern-table__cell">Grabenbreite (m)</th>
              <th scope="col" className="kern-table__cell">Leerrohre (Anzahl)</th>
              <th scope="col" className="kern-table__cell">Durchmesser (mm)</th>
              <th scope="col" className="kern-table__cell">Kabeltyp</th>
            </tr>
          </thead>
          <tbody className="kern-table__body">
            {sections.map((row, n) => {
              const methodPath = `features[${row.index}].method`;
              return (
                <tr key={row.index} className="kern-table__row">
                  <th scope="row" className="kern-table__cell">
                    {n + 1} <span className="kern-body--small">({row.lengthLabel})</span>
                  </th>
                  <td className="kern-table__cell">
                    <label className="kern-sr-only" htmlFor={methodPath}>
                      Abschnitt {n + 1}: Verlegeverfahren
                    </label>
                    <select className="kern-form-input__select" id={methodPath} name={methodPath} defaultValue={(row.properties.method as string) ?? ""}>
                      <option value="">Bitte wählen</option>
                      {LAYING_METHODS.map((m) => (
                        <option key={m} value={m}>
                          {LAYING_METHOD_LABELS[m]}
                        </option>
                      ))}
                    </select>
                    {err(methodPath) ? <p className="kern-error">{err(methodPath)}</p> : null}
                  </td>
                  {numberInput(row, "depthM", "Tiefe (m)", "0.01")}
                  {numberInput(row, "widthM", "Grabenbreite (m)", "0.01")}
                  {numberInput(row, "ductCount", "Leerrohre", "1")}
                  {numberInput(row, "ductDiameterMm", "Durchmesser (mm)", "1")}
                  <td className="kern-table__cell">
                    <label className="kern-sr-only" htmlFor={`features[${row.index}].cableType`}>
                      Abschnitt {n + 1}: Kabeltyp
                    </label>
                    <input
                      className="kern-form-input__input"
                      id={`features[${row.index}].cableType`}
                      name={`features[${row.index}].cableType`}
                      defaultValue={(row.properties.cableType as string) ?? ""}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {elements.length > 0 ? (
        <div className="kern-table-responsive">
          <table className="kern-table kern-table--small">
            <caption className="kern-title kern-title--small">Netzelemente</caption>
            <thead className="kern-table__header">
              <tr className="kern-table__row">
                <th scope="col" className="kern-table__cell">Element</th>
                <th scope="col" className="kern-table__cell">Art</th>
                <th scope="col" className="kern-table__cell">Bezeichnung</th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {elements.map((row, n) => (
                <tr key={row.index} className="kern-table__row">
                  <th scope="row" className="kern-table__cell">{n + 1}</th>
                  <td className="kern-table__cell">
                    <label className="kern-sr-only" htmlFor={`features[${row.index}].elementType`}>
                      Netzelement {n + 1}: Art
                    </label>
                    <select
                      className="kern-form-input__select"
                      id={`features[${row.index}].elementType`}
                      name={`features[${row.index}].elementType`}
                      defaultValue={(row.properties.elementType as string) ?? ""}
                    >
                      <option value="">Bitte wählen</option>
                      {ELEMENT_TYPES.map((t) => (
                        <option key={t} value={t}>
                          {ELEMENT_TYPE_LABELS[t]}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="kern-table__cell">
                    <label className="kern-sr-only" htmlFor={`features[${row.index}].label`}>
                      Netzelement {n + 1}: Bezeichnung
                    </label>
                    <input
                      className="kern-form-input__input"
                      id={`features[${row.index}].label`}
                      name={`features[${row.index}].label`}
                      defaultValue={(row.properties.label as string) ?? ""}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="kern-form-check">
        <input
          className="kern-form-check__checkbox"
          type="checkbox"
          id="reducedDepthDeclaration"
          name="reducedDepthDeclaration"
          defaultChecked={reducedDepthDeclaration}
        />
        <label className="kern-label" htmlFor="reducedDepthDeclaration">
          Anzeige nach § 127 Abs. 7 TKG: Abschnitte mit einer Verlegetiefe unter {String(REDUCED_DEPTH_M).replace(".", ",")} m werden in geringerer
          Verlegetiefe (mindertief) verlegt.
        </label>
      </div>
      {err("reducedDepthDeclaration") ? <p className="kern-error">{err("reducedDepthDeclaration")}</p> : null}
      <div>
        <button type="submit" className="kern-btn kern-btn--primary">
          <span className="kern-label">Abschnitte speichern</span>
        </button>
      </div>
    </Form>
    <Form method="post" className="inline-form">
      <CsrfInput token={csrfToken} />
      <input type="hidden" name="intent" value="split-section" />
      <input type="hidden" name="expectedVersion" value={version} />
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="split-index">
          Abschnitt teilen (z. B. für ein anderes Verlegeverfahren)
        </label>
        <div className="kern-form-input__select-wrapper">
          <select className="kern-form-input__select" id="split-index" name="featureIndex">
            {sections.map((row, n) => (
              <option key={row.index} value={row.index}>
                Abschnitt {n + 1} ({row.lengthLabel})
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className={`kern-form-input${err("atMetres") ? " kern-form-input--error" : ""}`}>
        <label className="kern-label" htmlFor="split-at">
          bei Meter (ab Anfang des Abschnitts)
        </label>
        {err("atMetres") ? <p className="kern-error">{err("atMetres")}</p> : null}
        <input className="kern-form-input__input" id="split-at" name="atMetres" type="number" min="1" step="0.1" required />
      </div>
      <button type="submit" className="kern-btn kern-btn--secondary">
        <span className="kern-label">Teilen</span>
      </button>
    </Form>
    </>
  );
}

const bytes = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 1 });

export function AttachmentsStep({
  applicationId,
  attachments,
  csrfToken,
  error,
}: {
  applicationId: string;
  attachments: { id: string; kind: keyof typeof ATTACHMENT_KIND_LABELS; fileName: string; sizeBytes: number }[];
  csrfToken: string;
  error: string | null;
}) {
  return (
    <div className="kern-stack page-narrow">
      {attachments.length > 0 ? (
        <ul className="kern-list">
          {attachments.map((a) => (
            <li key={a.id}>
              <a className="kern-link" href={`/antraege/${applicationId}/anlagen/${a.id}`}>
                {a.fileName}
              </a>{" "}
              ({ATTACHMENT_KIND_LABELS[a.kind]}, {bytes.format(a.sizeBytes / 1024 / 1024)} MB)
              <Form method="post" className="inline">
                <CsrfInput token={csrfToken} />
                <input type="hidden" name="intent" value="remove-attachment" />
                <input type="hidden" name="attachmentId" value={a.id} />
                <button type="submit" className="kern-btn kern-btn--tertiary kern-btn--x-small">
                  <span className="kern-label">Entfernen</span>
                </button>
              </Form>
            </li>
          ))}
        </ul>
      ) : (
        <p className="kern-body">Noch keine Unterlagen beigefügt.</p>
      )}
      <Form method="post" encType="multipart/form-data" className="kern-stack">
        <CsrfInput token={csrfToken} />
        <input type="hidden" name="intent" value="upload-attachment" />
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="kind">
            Art der Unterlage
          </label>
          <div className="kern-form-input__select-wrapper">
            <select className="kern-form-input__select" id="kind" name="kind" defaultValue="plan">
              {ATTACHMENT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {ATTACHMENT_KIND_LABELS[k]}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className={`kern-form-input${error ? " kern-form-input--error" : ""}`}>
          <label className="kern-label" htmlFor="file">
            Datei (PDF, PNG oder JPEG, höchstens {ATTACHMENT_LIMITS.maxFileBytes / 1024 / 1024} MB)
          </label>
          {error ? (
            <p className="kern-error" id="file-error" role="alert">
              {error}
            </p>
          ) : null}
          <input className="kern-form-input__input" id="file" name="file" type="file" accept=".pdf,.png,.jpg,.jpeg" aria-describedby={error ? "file-error" : undefined} />
        </div>
        <div>
          <button type="submit" className="kern-btn kern-btn--secondary">
            <span className="kern-label">Hochladen</span>
          </button>
        </div>
      </Form>
    </div>
  );
}

export function MissingList({ applicationId, missing }: { applicationId: string; missing: MissingItem[] }) {
  return (
    <ul className="kern-list kern-list--bullet">
      {missing.map((m, i) => (
        <li key={`${m.path}-${i}`}>
          {m.message}{" "}
          <Link className="kern-link" to={`/antraege/${applicationId}/bearbeiten?schritt=${stepOf(m.path)}`}>
            ändern
          </Link>
        </li>
      ))}
    </ul>
  );
}
