import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { db } from "~/db.server";
import { DocumentIdSchema, VerificationQuerySchema } from "~/modules/documents/schema";
import { verifyDocument } from "~/modules/documents/verification.server";
import { problem } from "~/utils/problem.server";

/**
 * GET /api/v1/documents/{id}/verification[?sha256=…] — public: whether a document is genuine, who
 * issued it and when, its file number, hash and signature; with `sha256`, whether a copy matches.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = DocumentIdSchema.safeParse(params.id);
  const query = VerificationQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!id.success || !query.success) {
    const errors = [
      ...(id.success ? [] : id.error.issues.map((i) => ({ path: "id", message: i.message }))),
      ...(query.success ? [] : query.error.issues.map((i) => ({ path: i.path.join(".") || "query", message: i.message }))),
    ];
    return problem(422, "Ungültige Anfrage", errors.map((e) => e.message).join(" "), { errors });
  }
  const result = await verifyDocument(await db(), id.data, { sha256: query.data.sha256 });
  if (!result) return problem(404, "Dokument nicht gefunden", "Ein Dokument mit dieser Nummer hat das Portal nicht ausgestellt.");
  return json(result, { headers: { "Cache-Control": "no-store", "Access-Control-Allow-Origin": "*" } });
}
