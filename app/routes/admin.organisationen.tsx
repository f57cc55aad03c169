import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Alert, CsrfInput, SelectField, TextField } from "~/components/forms";
import { db } from "~/db.server";
import { requireRole } from "~/modules/auth/guards.server";
import { AUTHORITY_LEVELS, KIND_LABELS, LEVEL_LABELS, ORGANISATION_KINDS, STATES } from "~/modules/auth/roles";
import { CreateOrganisationSchema } from "~/modules/organisations/schema";
import { createOrganisation, listOrganisations } from "~/modules/organisations/service.server";
import { parseSubmission } from "~/utils/form.server";

export const meta: MetaFunction = () => [{ title: "Organisationen – Breitband-Portal" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, ["platform_admin"]);
  return json({ csrfToken: context.csrfToken, organisations: await listOrganisations(await db()) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const principal = await requireRole(request, ["platform_admin"]);
  const submission = await parseSubmission(request, context, CreateOrganisationSchema);
  if (submission.status !== "success") return json({ result: submission.reply(), created: null }, { status: 422 });
  const created = await createOrganisation(
    await db(),
    { userId: principal.userId, organisationId: principal.organisation.id },
    submission.value,
  );
  if (!created.ok) {
    return json(
      { result: submission.reply({ fieldErrors: { [created.error.field]: [created.error.message] } }), created: null },
      { status: 422 },
    );
  }
  return json({ result: submission.reply({ resetForm: true }), created: submission.value.name });
}

export default function Organisations() {
  const { csrfToken, organisations } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateOrganisationSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <div className="kern-stack">
      <h1 className="kern-heading-large">Organisationen</h1>
      <div className="kern-table-responsive">
        <table className="kern-table kern-table--small kern-table--striped">
          <caption className="kern-title kern-title--small">{organisations.length} Organisationen</caption>
          <thead className="kern-table__header">
            <tr className="kern-table__row">
              <th scope="col" className="kern-table__cell">Name</th>
              <th scope="col" className="kern-table__cell">Art</th>
              <th scope="col" className="kern-table__cell">Ebene</th>
              <th scope="col" className="kern-table__cell">Land</th>
              <th scope="col" className="kern-table__cell">AGS/ARS</th>
              <th scope="col" className="kern-table__cell kern-table__cell--numeric">Mitglieder</th>
            </tr>
          </thead>
          <tbody className="kern-table__body">
            {organisations.map((o) => (
              <tr key={o.id} className="kern-table__row">
                <th scope="row" className="kern-table__cell">
                  {o.name}
                  <br />
                  <span className="kern-body kern-body--small kern-body--muted">{o.slug}</span>
                </th>
                <td className="kern-table__cell">{KIND_LABELS[o.kind]}</td>
                <td className="kern-table__cell">{o.authorityLevel ? LEVEL_LABELS[o.authorityLevel as keyof typeof LEVEL_LABELS] : "–"}</td>
                <td className="kern-table__cell">{o.state ?? "–"}</td>
                <td className="kern-table__cell">{o.ags ?? "–"}</td>
                <td className="kern-table__cell kern-table__cell--numeric">{o.members}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section aria-labelledby="neu" className="page-narrow">
        <h2 id="neu" className="kern-heading-medium">
          Organisation anlegen
        </h2>
        {actionData?.created ? (
          <Alert tone="success" title={`„${actionData.created}“ wurde angelegt.`} />
        ) : null}
        <Form method="post" {...getFormProps(form)} className="kern-stack">
          <CsrfInput token={csrfToken} />
          <TextField field={fields.name} label="Name" required />
          <TextField field={fields.slug} label="Kürzel" hint="Eindeutig, z. B. stadt-musterstadt" required />
          <SelectField field={fields.kind} label="Art" required options={ORGANISATION_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))} />
          <SelectField
            field={fields.authorityLevel}
            label="Ebene des Straßenbaulastträgers"
            hint="Nur für Straßenbaulastträger"
            options={AUTHORITY_LEVELS.map((l) => ({ value: l, label: LEVEL_LABELS[l] }))}
          />
          <SelectField
            field={fields.state}
            label="Land"
            options={STATES.map((s) => ({ value: s, label: s === "HE" ? "Hessen" : "Rheinland-Pfalz" }))}
          />
          <TextField field={fields.ags} label="Amtlicher Gemeinde- oder Regionalschlüssel des Zuständigkeitsgebiets" />
          <TextField field={fields.email} label="E-Mail-Adresse" type="email" />
          <TextField field={fields.phone} label="Telefon" type="tel" />
          <div>
            <button type="submit" className="kern-btn kern-btn--primary">
              <span className="kern-label">Organisation anlegen</span>
            </button>
          </div>
        </Form>
      </section>
    </div>
  );
}
