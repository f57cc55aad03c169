import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Alert, CsrfInput, TextField } from "~/components/forms";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { getPrincipal, sessionCookie, sessionPolicy } from "~/modules/auth/guards.server";
import { login, THROTTLE } from "~/modules/auth/login.server";
import { ROLE_LABELS } from "~/modules/auth/roles";
import { LoginSchema } from "~/modules/auth/schema";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~/modules/demo/accounts";
import { parseSubmission } from "~/utils/form.server";

export const meta: MetaFunction = () => [{ title: "Anmelden – Breitband-Portal" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getPrincipal(request)) throw redirect("/start");
  return json({ csrfToken: context.csrfToken, demoAccounts: env().DEMO_DATA ? DEMO_ACCOUNTS : [] });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = await parseSubmission(request, context, LoginSchema);
  if (submission.status !== "success") {
    return json(submission.reply({ hideFields: ["password"] }), { status: 422 });
  }
  const { email, password, redirectTo } = submission.value;
  const result = await login(
    await db(),
    { email, password, ip: context.clientIp, userAgent: request.headers.get("User-Agent"), now: new Date() },
    sessionPolicy(),
  );
  if (!result.ok) {
    const [status, message] =
      result.reason === "throttled"
        ? ([429, `Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie ${THROTTLE.windowMinutes} Minuten und versuchen Sie es dann erneut.`] as const)
        : result.reason === "no_membership"
          ? ([403, "Ihr Konto ist keiner aktiven Organisation zugeordnet. Bitte wenden Sie sich an den Plattformbetrieb."] as const)
          : ([401, "E-Mail-Adresse oder Passwort ist nicht korrekt."] as const);
    return json(submission.reply({ formErrors: [message], hideFields: ["password"] }), { status });
  }
  return redirect(redirectTo ?? "/start", {
    headers: { "Set-Cookie": await sessionCookie().serialize(result.token, { expires: result.expiresAt }) },
  });
}

export default function Login() {
  const { csrfToken, demoAccounts } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LoginSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <div className="page-narrow">
      <h1 className="kern-heading-large">Anmelden</h1>
      <p className="kern-body">
        Melden Sie sich mit der E-Mail-Adresse und dem Passwort Ihres Kontos an. Konten vergibt der
        Plattformbetrieb für Ihre Organisation.
      </p>
      {searchParams.get("abgemeldet") && !form.errors?.length ? (
        <Alert tone="success" title="Sie wurden abgemeldet." />
      ) : null}
      {form.errors?.length ? (
        <Alert tone="danger" title="Anmeldung fehlgeschlagen">
          <p className="kern-body">{form.errors.join(" ")}</p>
        </Alert>
      ) : null}
      <Form method="post" {...getFormProps(form)} className="kern-stack">
        <CsrfInput token={csrfToken} />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <TextField field={fields.email} label="E-Mail-Adresse" type="email" autoComplete="username" required autoFocus />
        <TextField field={fields.password} label="Passwort" type="password" autoComplete="current-password" required />
        <div>
          <button type="submit" className="kern-btn kern-btn--primary">
            <span className="kern-label">Anmelden</span>
          </button>
        </div>
      </Form>
      {demoAccounts.length > 0 ? (
        <section aria-labelledby="demo-title" className="demo-accounts">
          <h2 id="demo-title" className="kern-heading-small">
            Demo-Konten
          </h2>
          <p className="kern-body kern-body--small">
            Diese Installation enthält Demodaten. Alle Demo-Konten haben das Passwort <code>{DEMO_PASSWORD}</code>.
          </p>
          <div className="kern-table-responsive">
            <table className="kern-table kern-table--small">
              <thead className="kern-table__header">
                <tr className="kern-table__row">
                  <th scope="col" className="kern-table__cell">E-Mail</th>
                  <th scope="col" className="kern-table__cell">Rolle</th>
                  <th scope="col" className="kern-table__cell">Aufgabe</th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {demoAccounts.map((a) => (
                  <tr key={a.email} className="kern-table__row">
                    <td className="kern-table__cell">
                      <code>{a.email}</code>
                    </td>
                    <td className="kern-table__cell">{ROLE_LABELS[a.role]}</td>
                    <td className="kern-table__cell">{a.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </div>
  );
}
