import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { CsrfInput, TextField } from "~/components/forms";
import { db } from "~/db.server";
import { requireRole } from "~/modules/auth/guards.server";
import { APPLICATION_STATUSES, APPLICATION_STATUS_LABELS, CASE_STATUS_LABELS, CreateDraftSchema } from "~/modules/applications/schema";
import { createDraft, listApplications } from "~/modules/applications/service.server";
import { parseSubmission } from "~/utils/form.server";
import { DeadlineBadge } from "~/components/review/deadline";
import { berlinDate, daysBetween } from "~/modules/deadlines/calendar";
import { urgencyOf } from "~/modules/review/schema";

export const meta: MetaFunction = () => [{ title: "Meine Anträge – Breitband-Portal" }];

const FilterSchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  status: z.enum(APPLICATION_STATUSES).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const principal = await requireRole(request, ["operator"]);
  const url = new URL(request.url);
  const filter = FilterSchema.parse({ q: url.searchParams.get("q") || undefined, status: url.searchParams.get("status") || undefined });
  const applications = await listApplications(await db(), principal, filter);
  return json({ csrfToken: context.csrfToken, applications, filter, today: berlinDate(new Date()) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const principal = await requireRole(request, ["operator"]);
  const submission = await parseSubmission(request, context, CreateDraftSchema);
  if (submission.status !== "success") return json(submission.reply(), { status: 422 });
  const created = await createDraft(await db(), principal, submission.value);
  if (!created.ok) return json(submission.reply({ formErrors: [created.error.message] }), { status: 422 });
  return redirect(`/antraege/${created.value.id}/bearbeiten`);
}

const dateFormat = new Intl.DateTimeFormat("de-DE", { dateStyle: "medium", timeZone: "Europe/Berlin" });

export default function Applications() {
  const { csrfToken, applications, filter, today } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateDraftSchema }),
    shouldValidate: "onBlur",
  });
  return (
    <div className="kern-stack">
      <h1 className="kern-heading-large">Meine Anträge</h1>
      <section aria-labelledby="neu" className="page-narrow">
        <h2 id="neu" className="kern-heading-medium">
          Neuen Antrag anlegen
        </h2>
        <Form method="post" {...getFormProps(form)} className="inline-form">
          <CsrfInput token={csrfToken} />
          <TextField field={fields.title} label="Projektname" hint="z. B. „FTTH Auenstadt Nord, Bauabschnitt 2“" required />
          <button type="submit" className="kern-btn kern-btn--primary">
            <span className="kern-label">Antrag anlegen</span>
          </button>
        </Form>
        {form.errors ? <p className="kern-error">{form.errors.join(" ")}</p> : null}
      </section>

      <section aria-labelledby="liste">
        <h2 id="liste" className="kern-heading-medium">
          Anträge Ihrer Organisation
        </h2>
        <Form method="get" className="filter-bar" role="search">
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="q">
              Suche (Projekt, eigenes Zeichen, Aktenzeichen)
            </label>
            <input className="kern-form-input__input" id="q" name="q" type="search" defaultValue={filter.q ?? ""} />
          </div>
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="status">
              Status
            </label>
            <div className="kern-form-input__select-wrapper">
              <select className="kern-form-input__select" id="status" name="status" defaultValue={filter.status ?? ""}>
                <option value="">alle</option>
                {APPLICATION_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {APPLICATION_STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <button type="submit" className="kern-btn kern-btn--secondary">
            <span className="kern-label">Filtern</span>
          </button>
        </Form>
        {applications.length === 0 ? (
          <p className="kern-body">Keine Anträge gefunden.</p>
        ) : (
          <div className="kern-table-responsive">
            <table className="kern-table kern-table--small kern-table--striped">
              <caption className="kern-sr-only">{applications.length} Anträge</caption>
              <thead className="kern-table__header">
                <tr className="kern-table__row">
                  <th scope="col" className="kern-table__cell">Projekt</th>
                  <th scope="col" className="kern-table__cell">Status</th>
                  <th scope="col" className="kern-table__cell">Verfahren je Behörde, Entscheidungsfrist</th>
                  <th scope="col" className="kern-table__cell">Bauzeit</th>
                  <th scope="col" className="kern-table__cell kern-table__cell--numeric">Ungelesen</th>
                  <th scope="col" className="kern-table__cell">Geändert</th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {applications.map((a) => (
                  <tr key={a.id} className="kern-table__row">
                    <th scope="row" className="kern-table__cell">
                      <Link className="kern-link" to={a.status === "draft" ? `/antraege/${a.id}/bearbeiten` : `/antraege/${a.id}`}>
                        {a.title}
                      </Link>
                      {a.reference ? <div className="kern-body--small">{a.reference}</div> : null}
                    </th>
                    <td className="kern-table__cell">{APPLICATION_STATUS_LABELS[a.status]}</td>
                    <td className="kern-table__cell">
                      {a.cases.length === 0 ? (
                        "–"
                      ) : (
                        <ul className="kern-list kern-list--small">
                          {a.cases.map((c) => (
                            <li key={c.id}>
                              {c.authority.name}: {CASE_STATUS_LABELS[c.status]} <span className="kern-body--small">({c.fileNumber})</span>
                              {c.decisionDueOn ? (
                                <>
                                  {" "}
                                  <DeadlineBadge dueOn={c.decisionDueOn} daysLeft={daysBetween(today, c.decisionDueOn)} urgency={urgencyOf(c.status, daysBetween(today, c.decisionDueOn))} />
                                </>
                              ) : null}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td className="kern-table__cell">
                      {a.periodStart && a.periodEnd
                        ? `${dateFormat.format(new Date(a.periodStart))} – ${dateFormat.format(new Date(a.periodEnd))}`
                        : "–"}
                    </td>
                    <td className="kern-table__cell kern-table__cell--numeric">{a.unreadMessages || ""}</td>
                    <td className="kern-table__cell">{dateFormat.format(new Date(a.updatedAt))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
