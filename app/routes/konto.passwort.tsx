import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Alert, CsrfInput, TextField } from "~/components/forms";
import { db } from "~/db.server";
import { requireUser } from "~/modules/auth/guards.server";
import { changePassword } from "~/modules/auth/login.server";
import { ChangePasswordSchema } from "~/modules/auth/schema";
import { parseSubmission } from "~/utils/form.server";

export const meta: MetaFunction = () => [{ title: "Passwort ändern – Breitband-Portal" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request);
  return json({ csrfToken: context.csrfToken });
}

const SECRET_FIELDS = ["currentPassword", "newPassword", "confirmPassword"];

export async function action({ request, context }: ActionFunctionArgs) {
  const principal = await requireUser(request);
  const submission = await parseSubmission(request, context, ChangePasswordSchema);
  if (submission.status !== "success") {
    return json({ result: submission.reply({ hideFields: SECRET_FIELDS }), changed: false }, { status: 422 });
  }
  const outcome = await changePassword(await db(), {
    userId: principal.userId,
    organisationId: principal.organisation.id,
    sessionId: principal.sessionId,
    currentPassword: submission.value.currentPassword,
    newPassword: submission.value.newPassword,
    now: new Date(),
  });
  if (!outcome.ok) {
    return json(
      { result: submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] }, hideFields: SECRET_FIELDS }), changed: false },
      { status: 422 },
    );
  }
  return json({ result: submission.reply({ resetForm: true }), changed: true });
}

export default function ChangePassword() {
  const { csrfToken } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ChangePasswordSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <div className="page-narrow kern-stack">
      <h1 className="kern-heading-large">Passwort ändern</h1>
      {actionData?.changed ? (
        <Alert tone="success" title="Ihr Passwort wurde geändert.">
          <p className="kern-body">Alle anderen Sitzungen Ihres Kontos wurden beendet.</p>
        </Alert>
      ) : null}
      <Form method="post" {...getFormProps(form)} className="kern-stack">
        <CsrfInput token={csrfToken} />
        <TextField field={fields.currentPassword} label="Bisheriges Passwort" type="password" autoComplete="current-password" required />
        <TextField
          field={fields.newPassword}
          label="Neues Passwort"
          type="password"
          autoComplete="new-password"
          hint="Mindestens 10 Zeichen, mit Buchstaben und mindestens einer Ziffer oder einem Sonderzeichen."
          required
        />
        <TextField field={fields.confirmPassword} label="Neues Passwort wiederholen" type="password" autoComplete="new-password" required />
        <div>
          <button type="submit" className="kern-btn kern-btn--primary">
            <span className="kern-label">Passwort ändern</span>
          </button>
        </div>
      </Form>
    </div>
  );
}
