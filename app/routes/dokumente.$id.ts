import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { requireUser } from "~/modules/auth/guards.server";
import { documentForDownload } from "~/modules/documents/service.server";

/** Downloads an issued document: the operator of the application, the case's authority and state staff only; anyone else gets 404. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const principal = await requireUser(request);
  const doc = await documentForDownload(await db(), principal, params.id!);
  if (!doc) {
    throw new Response("Dieses Dokument gibt es nicht, oder Sie haben keinen Zugriff darauf.", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const fileName = `${doc.title.replace(/[^\p{L}\p{N} ._-]/gu, "_")}.pdf`;
  return new Response(new Uint8Array(doc.content), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Length": String(doc.content.byteLength),
      "Content-Disposition": `inline; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      // immutable content: the id never points at other bytes
      "Cache-Control": "private, max-age=31536000, immutable",
      "X-Content-Type-Options": "nosniff",
      ETag: `"${doc.id}"`,
    },
  });
}
