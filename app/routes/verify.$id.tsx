import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, MaxPartSizeExceededError, redirect, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { DescriptionList } from "~/components/description-list";
import { Alert, CsrfInput } from "~/components/forms";
import { db } from "~/db.server";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { ComparedFileSchema, DocumentIdSchema, MAX_COMPARE_BYTES } from "~/modules/documents/schema";
import { verifyDocument } from "~/modules/documents/verification.server";

/**
 * The public verification page the QR code on every page of a document leads to. It shows only
 * verification facts (issuer, date, file number, hash) — never the content or the applicant — and
 * compares a PDF someone received with the original.
 */
export const meta: MetaFunction = () => [{ title: "Echtheit eines Dokuments prüfen – Breitband-Portal" }, { name: "robots", content: "noindex" }];

const notFound = () => new Response("Ein Dokument mit dieser Nummer hat das Portal nicht ausgestellt.", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });

async function facts(rawId: string, compare?: { bytes: Uint8Array }) {
  const id = DocumentIdSchema.safeParse(rawId);
  if (!id.success) throw notFound();
  const result = await verifyDocument(await db(), id.data, compare);
  if (!result) throw notFound();
  return result;
}

export async function loader({ params, context }: LoaderFunctionArgs) {
  const id = DocumentIdSchema.safeParse(params.id);
  // a typed id in lower case or with dashes: one canonical address
  if (id.success && id.data !== params.id) throw redirect(`/verify/${id.data}`);
  return json({ csrfToken: context.csrfToken, verification: await facts(params.id!) });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_COMPARE_BYTES }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return json({ error: "Die Datei ist größer als 20 MB; Dokumente des Portals sind viel kleiner.", comparison: null }, { status: 413 });
    return json({ error: "Die Datei konnte nicht gelesen werden. Bitte wählen Sie eine PDF-Datei aus.", comparison: null }, { status: 400 });
  }
  requireCsrf(context, form.get("csrf"));
  const file = form.get("file");
  const parsed = ComparedFileSchema.safeParse(file instanceof File ? new Uint8Array(await file.arrayBuffer()) : null);
  if (!parsed.success) return json({ error: parsed.error.issues[0]!.message, comparison: null }, { status: 422 });
  const result = await facts(params.id!, { bytes: parsed.data });
  return json({ error: null, comparison: result.comparison });
}

const dateTime = new Intl.DateTimeFormat("de-DE", { dateStyle: "long", timeStyle: "short", timeZone: "Europe/Berlin" });

export default function VerifyDocument() {
  const { csrfToken, verification: v } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="kern-stack page-narrow">
      <hgroup className="kern-hgroup">
        <p className="kern-preline">Echtheitsprüfung</p>
        <h1 className="kern-heading-large">
          {v.kindLabel} {v.fileNumber}
        </h1>
      </hgroup>
      {!v.genuine ? (
        <Alert tone="danger" title="Nicht echt">
          <p className="kern-body">Die Signatur dieses Dokuments lässt sich nicht bestätigen. Verlassen Sie sich nicht auf das Dokument und wenden Sie sich an die ausstellende Behörde.</p>
        </Alert>
      ) : v.replacedBy ? (
        <Alert tone="warning" title="Echt, aber berichtigt">
          <p className="kern-body">
            Dieses Dokument wurde vom Portal ausgestellt, ist aber durch eine berichtigte Fassung vom {dateTime.format(new Date(v.replacedBy.issuedAt))} ersetzt:{" "}
            <Link to={`/verify/${v.replacedBy.documentId}`}>{v.replacedBy.documentId}</Link>
            {v.replacedBy.reason ? ` (Grund: ${v.replacedBy.reason})` : ""}.
          </p>
        </Alert>
      ) : (
        <Alert tone="success" title="Echt und gültig">
          <p className="kern-body">Dieses Dokument wurde vom Breitband-Portal für die unten genannte Behörde ausgestellt und elektronisch signiert.</p>
        </Alert>
      )}
      <DescriptionList
        items={[
          ["Dokument", v.kindLabel],
          ["Dokumentnummer", <code key="id">{v.documentId}</code>],
          ["Ausgestellt von", [v.issuer.name, v.issuer.city].filter(Boolean).join(", ")],
          ["Ausgestellt am", dateTime.format(new Date(v.issuedAt))],
          ["Aktenzeichen", v.fileNumber],
          ["Fassung", v.version > 1 ? `${v.version} (Berichtigung)` : "1 (Erstausfertigung)"],
          ["Ersetzt", v.replaces ? <Link key="prev" to={`/verify/${v.replaces.documentId}`}>{v.replaces.documentId}</Link> : null],
          ["Seiten", String(v.pageCount)],
          ["SHA-256", <code key="hash" className="hash">{v.sha256}</code>],
          ["Signatur", `${v.signature.algorithm}, Schlüssel ${v.signature.keyId}`],
        ]}
      />

      <section aria-labelledby="vergleichen" className="kern-stack">
        <h2 id="vergleichen" className="kern-heading-medium">
          Eine Datei mit dem Original vergleichen
        </h2>
        <p className="kern-body">Wählen Sie die PDF-Datei, die Ihnen vorliegt (oder ziehen Sie sie auf das Feld). Sie wird nur verglichen, nicht gespeichert.</p>
        <Form method="post" encType="multipart/form-data" className="kern-stack">
          <CsrfInput token={csrfToken} />
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="file">
              PDF-Datei
            </label>
            <input className="kern-form-input__input" type="file" id="file" name="file" accept="application/pdf" required />
          </div>
          <div>
            <button type="submit" className="kern-btn kern-btn--primary">
              <span className="kern-label">Vergleichen</span>
            </button>
          </div>
        </Form>
        {result?.error ? <Alert tone="danger" title={result.error} /> : null}
        {result?.comparison ? (
          result.comparison.matches ? (
            <Alert tone="success" title="Die Datei stimmt mit dem Original überein.">
              <p className="kern-body">Sie ist Byte für Byte das ausgestellte Dokument (SHA-256 {result.comparison.sha256}).</p>
            </Alert>
          ) : (
            <Alert tone="danger" title="Die Datei ist nicht das Original.">
              <p className="kern-body">
                Ihr Hashwert ({result.comparison.sha256}) weicht vom ausgestellten Dokument ab: Die Datei wurde verändert oder ist ein anderes Dokument. Sie ist nicht echt.
              </p>
            </Alert>
          )
        ) : null}
      </section>
      <p className="kern-body kern-body--small">
        Maschinenlesbar: <a href={`/api/v1/documents/${v.documentId}/verification`}>/api/v1/documents/{v.documentId}/verification</a>
      </p>
    </div>
  );
}
