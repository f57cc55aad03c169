import { getFormProps, useForm } from "@conform-to/react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Alert, CsrfInput, TextAreaField, TextField } from "~/components/forms";
import { db } from "~/db.server";
import { forbidden, requireRole } from "~/modules/auth/guards.server";
import type { Period } from "~/modules/deadlines/calendar";
import type { ProcedureRule } from "~/modules/deadlines/case-clock.server";
import { FEE_MODELS, type FeeModel } from "~/modules/documents/model";
import { AuthoritySettingsSchema, formatEuroAmount, getAuthoritySettings, updateAuthoritySettings } from "~/modules/review/settings.server";
import { statusOf } from "~/utils/application-errors.server";
import { parseSubmission } from "~/utils/form.server";

export const meta: MetaFunction = () => [{ title: "Verfahrenseinstellungen – Breitband-Portal" }];

const PAGE = "/verwaltung/verfahren";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const principal = await requireRole(request, ["authority_admin"]);
  const settings = await getAuthoritySettings(await db(), principal);
  if (!settings.ok) throw forbidden(settings.error.message);
  const { feeModel, feeCents } = settings.value;
  // the amount as the form shows it ("0,50"); without a fee the field starts empty
  return json({ csrfToken: context.csrfToken, settings: settings.value, feeAmount: feeModel === "none" ? "" : formatEuroAmount(feeCents) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const principal = await requireRole(request, ["authority_admin"]);
  const submission = await parseSubmission(request, context, AuthoritySettingsSchema);
  if (submission.status !== "success") return json(submission.reply(), { status: 422 });
  const result = await updateAuthoritySettings(await db(), principal, submission.value);
  if (!result.ok) {
    const error = result.error;
    const reply =
      error.code === "invalid" ? submission.reply({ fieldErrors: Object.fromEntries(error.fieldErrors.map((e) => [e.path, [e.message]])) }) : submission.reply({ formErrors: [error.message] });
    return json(reply, { status: statusOf(error) });
  }
  // PRG: a reload does not submit again
  return redirect(`${PAGE}?${result.value.changed ? "gespeichert" : "unveraendert"}=1`);
}

const UNIT_WORDS: Record<Period["unit"], [one: string, many: string]> = {
  months: ["Monat", "Monate"],
  weeks: ["Woche", "Wochen"],
  days: ["Tag", "Tage"],
  working_days: ["Arbeitstag", "Arbeitstage"],
};

const FEE_MODEL_LABELS: Record<FeeModel, string> = {
  none: "keine Gebühr",
  flat: "Pauschale",
  per_metre: "je Meter Trasse",
};

const FEE_MODEL_HINTS: Record<FeeModel, string> = {
  none: "Die Zustimmung ist gebührenfrei; der Bescheid sagt das.",
  flat: "Ein fester Betrag je Zustimmung, gleich wie lang die Trasse ist.",
  per_metre: "Ein Betrag je Meter Trasse in Ihren Straßen; der Bescheid rechnet ihn mit der Länge der Trasse aus.",
};

/** "1 Monat", "20 Arbeitstage". */
function periodText({ amount, unit }: Period): string {
  const [one, many] = UNIT_WORDS[unit];
  return `${amount} ${amount === 1 ? one : many}`;
}

/** The rule's periods in one line, as the law states them. */
function rulePeriodsText(rule: ProcedureRule): string {
  const extension = rule.maxExtensions === 0 ? "keine Verlängerung" : `Verlängerung ${rule.maxExtensions}× um ${periodText(rule.extensionPeriod)}`;
  return [
    `Vollständigkeitsprüfung ${periodText(rule.completenessPeriod)}`,
    `Entscheidung ${periodText(rule.decisionPeriod)}`,
    extension,
    `Zustimmungsfiktion: ${rule.deemedApproval ? "ja" : "nein"}`,
  ].join(", ");
}

export default function ProcedureSettings() {
  const { settings } = useLoaderData<typeof loader>();
  // a new form once saved values come back: it shows them as stored ("0,5" becomes "0,50")
  const key = JSON.stringify([settings.fastTrackEnabled, settings.procedureRuleKey, settings.feeModel, settings.feeCents, settings.feeNote, settings.remedyNotice]);
  return <SettingsForm key={key} />;
}

function SettingsForm() {
  const { csrfToken, settings, feeAmount } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useForm({
    id: "verfahren",
    lastResult,
    defaultValue: {
      fastTrackEnabled: settings.fastTrackEnabled ? "on" : undefined,
      procedureRule: settings.procedureRuleKey ?? "",
      feeModel: settings.feeModel,
      feeAmount,
      feeNote: settings.feeNote ?? "",
      remedyNotice: settings.remedyNotice ?? "",
    },
  });
  const defaultRule = settings.rules.find((r) => r.key === settings.defaultRuleKey);
  const current = settings.rules.find((r) => r.key === (settings.procedureRuleKey ?? settings.defaultRuleKey));
  const fastTrackError = fields.fastTrackEnabled.errors?.join(" ");
  const ruleError = fields.procedureRule.errors?.join(" ");
  const feeModelError = fields.feeModel.errors?.join(" ");
  const amountError = fields.feeAmount.errors?.join(" ");
  const anyFieldError = [fields.fastTrackEnabled, fields.procedureRule, fields.feeModel, fields.feeAmount, fields.feeNote, fields.remedyNotice].some((f) => f.errors?.length);
  return (
    <div className="kern-stack">
      <hgroup className="kern-hgroup">
        <p className="kern-preline">{settings.authorityName}</p>
        <h1 className="kern-heading-large">Verfahrenseinstellungen</h1>
      </hgroup>
      {searchParams.has("gespeichert") ? <Alert tone="success" title="Die Verfahrenseinstellungen wurden gespeichert." /> : null}
      {searchParams.has("unveraendert") ? <Alert tone="info" title="Es gab nichts zu speichern: die Einstellungen waren schon so." /> : null}
      {form.errors?.length ? (
        <Alert tone="danger" title="Nicht gespeichert">
          <p className="kern-body">{form.errors.join(" ")}</p>
        </Alert>
      ) : null}
      {anyFieldError ? (
        <Alert tone="danger" title="Nicht gespeichert">
          <p className="kern-body">Bitte prüfen Sie die markierten Angaben.</p>
        </Alert>
      ) : null}

      <Form method="post" {...getFormProps(form)} className="kern-stack page-narrow">
        <CsrfInput token={csrfToken} />

        <fieldset className={`kern-fieldset${fastTrackError ? " kern-fieldset--error" : ""}`}>
          <legend className="kern-label kern-label--large">Schnellverfahren</legend>
          <div className="kern-fieldset__body kern-stack">
            <p className="kern-body" id="schnellverfahren-hinweis">
              Im Schnellverfahren stimmt die Sachbearbeitung einem Antrag mit einem Klick zu, und zwar mit den Standardtexten Ihrer Nebenbestimmungen
              und Hinweise. Das geht nur, wenn die automatische Prüfung der Trasse nichts Ernsteres als einen Hinweis zeigt und keine Fachbehörde
              beteiligt ist. Alle anderen Anträge prüft die Sachbearbeitung wie bisher einzeln.
            </p>
            {fastTrackError ? (
              <p className="kern-error" id={`${fields.fastTrackEnabled.id}-error`}>
                <span className="kern-icon kern-icon--danger" aria-hidden="true" />
                <span className="kern-body">{fastTrackError}</span>
              </p>
            ) : null}
            <div className="kern-form-check">
              <input
                className={`kern-form-check__checkbox${fastTrackError ? " kern-form-check__checkbox--error" : ""}`}
                type="checkbox"
                id={fields.fastTrackEnabled.id}
                name={fields.fastTrackEnabled.name}
                defaultChecked={fields.fastTrackEnabled.initialValue === "on"}
                aria-describedby={["schnellverfahren-hinweis", fastTrackError ? `${fields.fastTrackEnabled.id}-error` : null].filter(Boolean).join(" ")}
                aria-invalid={fastTrackError ? true : undefined}
              />
              <label className="kern-label" htmlFor={fields.fastTrackEnabled.id}>
                Schnellverfahren für konfliktfreie Anträge anbieten
              </label>
            </div>
          </div>
        </fieldset>

        <fieldset className={`kern-fieldset${ruleError ? " kern-fieldset--error" : ""}`}>
          <legend className="kern-label kern-label--large">Verfahrensregel</legend>
          <div className="kern-fieldset__body kern-stack">
            <p className="kern-body">
              Die Verfahrensregel bestimmt die Fristen Ihrer Fälle: wie lange Sie Unterlagen nachfordern können, bis wann Sie entscheiden müssen, ob
              und wie oft Sie die Frist verlängern dürfen und ob die Zustimmung nach Fristablauf als erteilt gilt.
              {current ? ` Derzeit gilt für Ihre Behörde: ${current.name}${settings.procedureRuleKey === null ? " (Vorgabe des Portals)" : ""}.` : null}
            </p>
            <div className={`kern-form-input${ruleError ? " kern-form-input--error" : ""}`}>
              <label className="kern-label" htmlFor={fields.procedureRule.id}>
                Verfahrensregel für neue Fälle
              </label>
              <div className="kern-hint" id="regel-hinweis">
                Eine geänderte Regel gilt für Anträge, die nach dem Speichern eingehen. Laufende Fälle behalten die Fristen, die sie haben.
              </div>
              {ruleError ? (
                <p className="kern-error" id={`${fields.procedureRule.id}-error`}>
                  <span className="kern-icon kern-icon--danger" aria-hidden="true" />
                  <span className="kern-body">{ruleError}</span>
                </p>
              ) : null}
              <div className="kern-form-input__select-wrapper">
                <select
                  className={`kern-form-input__select${ruleError ? " kern-form-input__select--error" : ""}`}
                  id={fields.procedureRule.id}
                  name={fields.procedureRule.name}
                  defaultValue={(fields.procedureRule.initialValue as string | undefined) ?? ""}
                  aria-describedby={["regel-hinweis", "regeln", ruleError ? `${fields.procedureRule.id}-error` : null].filter(Boolean).join(" ")}
                  aria-invalid={ruleError ? true : undefined}
                >
                  <option value="">Vorgabe des Portals{defaultRule ? `: ${defaultRule.name}` : ""}</option>
                  {settings.rules.map((r) => (
                    <option key={r.key} value={r.key}>
                      {r.name} ({r.legalBasis})
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <dl className="kern-description-list" id="regeln">
              {settings.rules.map((r) => (
                <div key={r.key} className="kern-description-list-item">
                  <dt className="kern-description-list-item__key">
                    {r.name}
                    {r.key === settings.defaultRuleKey ? " (Vorgabe des Portals)" : ""}
                  </dt>
                  <dd className="kern-description-list-item__value">
                    {r.legalBasis}: {rulePeriodsText(r)}.
                  </dd>
                </div>
              ))}
            </dl>
          </div>
        </fieldset>

        <fieldset className={`kern-fieldset${feeModelError || amountError || fields.feeNote.errors?.length ? " kern-fieldset--error" : ""}`}>
          <legend className="kern-label kern-label--large">Gebühr</legend>
          <div className="kern-fieldset__body kern-stack">
            <p className="kern-body">
              Die Gebühr steht auf den Zustimmungsbescheiden, die Ihre Behörde nach dem Speichern erteilt. Bereits erteilte Bescheide bleiben, wie sie
              sind.
            </p>
            <fieldset className="kern-fieldset" aria-describedby={feeModelError ? `${fields.feeModel.id}-error` : undefined}>
              <legend className="kern-label">Gebührenmodell</legend>
              {feeModelError ? (
                <p className="kern-error" id={`${fields.feeModel.id}-error`}>
                  <span className="kern-icon kern-icon--danger" aria-hidden="true" />
                  <span className="kern-body">{feeModelError}</span>
                </p>
              ) : null}
              <div className="kern-fieldset__body">
                {FEE_MODELS.map((model) => {
                  const id = `${fields.feeModel.id}-${model}`;
                  return (
                    <div key={model} className="kern-form-check">
                      <input
                        className={`kern-form-check__radio${feeModelError ? " kern-form-check__radio--error" : ""}`}
                        type="radio"
                        id={id}
                        name={fields.feeModel.name}
                        value={model}
                        defaultChecked={fields.feeModel.initialValue === model}
                        aria-describedby={`${id}-hint`}
                        aria-invalid={feeModelError ? true : undefined}
                      />
                      <label className="kern-label" htmlFor={id}>
                        {FEE_MODEL_LABELS[model]}
                      </label>
                      {/* the check is a two-column grid: the hint goes under the label */}
                      <div className="kern-hint" id={`${id}-hint`} style={{ gridColumn: 2 }}>
                        {FEE_MODEL_HINTS[model]}
                      </div>
                    </div>
                  );
                })}
              </div>
            </fieldset>
            <div className={`kern-form-input${amountError ? " kern-form-input--error" : ""}`}>
              <label className="kern-label" htmlFor={fields.feeAmount.id}>
                Betrag in Euro
              </label>
              <div className="kern-hint" id={`${fields.feeAmount.id}-hint`}>
                Bei einer Pauschale der Betrag je Zustimmung, bei „je Meter Trasse“ der Betrag je Meter, zum Beispiel 120,00 oder 0,50. Bei „keine Gebühr“
                bleibt das Feld unbeachtet.
              </div>
              {amountError ? (
                <p className="kern-error" id={`${fields.feeAmount.id}-error`}>
                  <span className="kern-icon kern-icon--danger" aria-hidden="true" />
                  <span className="kern-body">{amountError}</span>
                </p>
              ) : null}
              <input
                className={`kern-form-input__input${amountError ? " kern-form-input__input--error" : ""}`}
                type="text"
                inputMode="decimal"
                autoComplete="off"
                id={fields.feeAmount.id}
                name={fields.feeAmount.name}
                defaultValue={(fields.feeAmount.initialValue as string | undefined) ?? ""}
                aria-describedby={[`${fields.feeAmount.id}-hint`, amountError ? `${fields.feeAmount.id}-error` : null].filter(Boolean).join(" ")}
                aria-invalid={amountError ? true : undefined}
              />
            </div>
            <TextField
              field={fields.feeNote}
              label="Rechtsgrundlage der Gebühr"
              hint="Steht in Klammern hinter der Gebühr, zum Beispiel „Verwaltungskostensatzung des Landkreises, Tarifstelle 4.2“. Höchstens 500 Zeichen."
            />
          </div>
        </fieldset>

        <fieldset className={`kern-fieldset${fields.remedyNotice.errors?.length ? " kern-fieldset--error" : ""}`}>
          <legend className="kern-label kern-label--large">Rechtsbehelfsbelehrung</legend>
          <div className="kern-fieldset__body kern-stack">
            <TextAreaField
              field={fields.remedyNotice}
              label="Rechtsbehelfsbelehrung für Zustimmungs- und Ablehnungsbescheide"
              rows={8}
              hint={
                "Lassen Sie das Feld leer, steht auf den Bescheiden die Standardbelehrung des Portals: Widerspruch innerhalb eines Monats nach Bekanntgabe " +
                "bei Ihrer Behörde, mit deren Anschrift. Gibt es in Ihrem Land kein Widerspruchsverfahren, tragen Sie hier bitte Ihre eigene Belehrung ein. " +
                "Höchstens 3.000 Zeichen; gilt für Bescheide, die nach dem Speichern erteilt werden."
              }
            />
          </div>
        </fieldset>

        <div>
          <button type="submit" className="kern-btn kern-btn--primary">
            <span className="kern-label">Speichern</span>
          </button>
        </div>
      </Form>
    </div>
  );
}
