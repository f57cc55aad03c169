import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { getAttachment } from "~/modules/applications/attachments.server";
import { requireUser } from "~/modules/auth/guards.server";
import { applicationNotFound } from "~/utils/application-errors.server";

/** Downloads an attachment: the operator of the application, its authorities and state staff only. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const principal = await requireUser(request);
  const attachment = await getAttachment(await db(), principal, params.attachmentId!);
  if (!attachment || attachment.applicationId !== params.id) throw applicationNotFound();
  return new Response(Buffer.from(attachment.content), {
    headers: {
      "Content-Type": attachment.mediaType,
      "Content-Length": String(attachment.content.byteLength),
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(attachment.fileName)}`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
      ETag: `"${attachment.sha256}"`,
    },
  });
}
