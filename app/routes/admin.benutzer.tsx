import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Alert, CsrfInput, SelectField, TextField } from "~/components/forms";
import { db } from "~/db.server";
import { requireRole } from "~/modules/auth/guards.server";
import { ROLE_LABELS, ROLES } from "~/modules/auth/roles";
import { CreateUserSchema } from "~/modules/organisations/schema";
import { createUser, listOrganisations, listUsers } from "~/modules/organisations/service.server";
import { parseSubmission } from "~/utils/form.server";

export const meta: MetaFunction = () => [{ title: "Benutzer – Breitband-Portal" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, ["platform_admin"]);
  const knex = await db();
  const [users, organisations] = await Promise.all([listUsers(knex), listOrganisations(knex)]);
  return json({
    csrfToken: context.csrfToken,
    users,
    organisations: organisations.map((o) => ({ value: o.id, label: o.name })),
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const principal = await requireRole(request, ["platform_admin"]);
  const submission = await parseSubmission(request, context, CreateUserSchema);
  if (submission.status !== "success") {
    return json({ result: submission.reply({ hideFields: ["password"] }), created: null }, { status: 422 });
  }
  const created = await createUser(
    await db(),
    { userId: principal.userId, organisationId: principal.organisation.id },
    submission.value,
  );
  if (!created.ok) {
    return json(
      {
        result: submission.reply({ fieldErrors: { [created.error.field]: [created.error.message] }, hideFields: ["password"] }),
        created: null,
      },
      { status: 422 },
    );
  }
  return json({ result: submission.reply({ resetForm: true }), created: submission.value.email });
}

export default function Users() {
  const { csrfToken, users, organisations } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateUserSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <div className="kern-stack">
      <h1 className="kern-heading-large">Benutzer</h1>
      <div className="kern-table-responsive">
        <table className="kern-table kern-table--small kern-table--striped">
          <caption className="kern-title kern-title--small">{users.length} Benutzerkonten</caption>
          <thead className="kern-table__header">
            <tr className="kern-table__row">
              <th scope="col" className="kern-table__cell">Name</th>
              <th scope="col" className="kern-table__cell">E-Mail</th>
              <th scope="col" className="kern-table__cell">Organisation und Rolle</th>
              <th scope="col" className="kern-table__cell">Status</th>
            </tr>
          </thead>
          <tbody className="kern-table__body">
            {users.map((u) => (
              <tr key={u.id} className="kern-table__row">
                <th scope="row" className="kern-table__cell">{u.name}</th>
                <td className="kern-table__cell">{u.email}</td>
                <td className="kern-table__cell">
                  {u.memberships.map((m) => `${m.organisationName} (${ROLE_LABELS[m.role]})`).join("; ") || "–"}
                </td>
                <td className="kern-table__cell">{u.isActive ? "aktiv" : "gesperrt"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section aria-labelledby="neu" className="page-narrow">
        <h2 id="neu" className="kern-heading-medium">
          Benutzer anlegen
        </h2>
        {actionData?.created ? <Alert tone="success" title={`Das Konto ${actionData.created} wurde angelegt.`} /> : null}
        <Form method="post" {...getFormProps(form)} className="kern-stack">
          <CsrfInput token={csrfToken} />
          <TextField field={fields.name} label="Name" autoComplete="off" required />
          <TextField field={fields.email} label="E-Mail-Adresse" type="email" autoComplete="off" required />
          <SelectField field={fields.organisationId} label="Organisation" options={organisations} required />
          <SelectField field={fields.role} label="Rolle" options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))} required />
          <TextField
            field={fields.password}
            label="Erstes Passwort"
            type="password"
            autoComplete="new-password"
            hint="Mindestens 10 Zeichen. Teilen Sie es der Person auf sicherem Weg mit; sie kann es nach der Anmeldung ändern."
            required
          />
          <div>
            <button type="submit" className="kern-btn kern-btn--primary">
              <span className="kern-label">Benutzer anlegen</span>
            </button>
          </div>
        </Form>
      </section>
    </div>
  );
}
