import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { CsrfInput } from "~/components/forms";
import { DocumentIdSchema } from "~/modules/documents/schema";
import { readForm } from "~/utils/form.server";

/** For a paper copy: type the document number printed under the QR code. */
export const meta: MetaFunction = () => [{ title: "Echtheit prüfen – Breitband-Portal" }];

export async function loader({ context }: LoaderFunctionArgs) {
  return json({ csrfToken: context.csrfToken });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request, context);
  const id = DocumentIdSchema.safeParse(String(form.get("id") ?? ""));
  if (!id.success) return json({ error: id.error.issues[0]!.message }, { status: 422 });
  return redirect(`/verify/${id.data}`);
}

export default function VerifyStart() {
  const { csrfToken } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="kern-stack page-narrow">
      <h1 className="kern-heading-large">Echtheit eines Dokuments prüfen</h1>
      <p className="kern-body">
        Jede Seite eines Bescheids aus dem Breitband-Portal trägt einen QR-Code und eine Dokumentnummer. Geben Sie die Nummer ein, um zu sehen, ob das Dokument echt ist und wer es wann ausgestellt hat.
      </p>
      <Form method="post" className="kern-stack">
        <CsrfInput token={csrfToken} />
        <div className={`kern-form-input${result?.error ? " kern-form-input--error" : ""}`}>
          <label className="kern-label" htmlFor="id">
            Dokumentnummer
          </label>
          <input className="kern-form-input__input" id="id" name="id" autoComplete="off" spellCheck={false} aria-describedby={result?.error ? "id-error" : undefined} aria-invalid={result?.error ? true : undefined} />
          {result?.error ? (
            <p className="kern-error" id="id-error" role="alert">
              <span className="kern-icon kern-icon--danger kern-icon--md" aria-hidden="true" />
              <span className="kern-body">{result.error}</span>
            </p>
          ) : null}
        </div>
        <div>
          <button type="submit" className="kern-btn kern-btn--primary">
            <span className="kern-label">Prüfen</span>
          </button>
        </div>
      </Form>
    </div>
  );
}
