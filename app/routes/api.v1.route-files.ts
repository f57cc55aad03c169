import type { ActionFunctionArgs } from "@remix-run/node";
import {
  json,
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { z } from "zod";
import { db } from "~/db.server";
import { requireApiPrincipal } from "~/modules/auth/guards.server";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { CHECK_LIMITS, ACCEPTED_SRIDS } from "~/modules/checks/schema";
import { readRouteFile } from "~/modules/layers/route-file.server";
import { problem } from "~/utils/problem.server";

const FieldsSchema = z.object({
  srid: z
    .union([z.literal("").transform(() => undefined), z.coerce.number().int().refine((s) => (ACCEPTED_SRIDS as readonly number[]).includes(s), "Koordinatensystem nicht unterstützt.")])
    .optional(),
});

/** POST /api/v1/route-files (multipart: file, optional srid, csrf) — a route file as WGS84 GeoJSON. */
export async function action({ request, context }: ActionFunctionArgs) {
  await requireApiPrincipal(request, ["operator"]);
  if (!(request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) {
    return problem(415, "Falscher Inhaltstyp", "Bitte die Datei als multipart/form-data senden.");
  }
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: CHECK_LIMITS.maxBytes }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) {
      return problem(413, "Datei zu groß", `Die Datei darf höchstens ${CHECK_LIMITS.maxBytes / 1024 / 1024} MB groß sein.`);
    }
    return problem(400, "Ungültige Anfrage", "Die hochgeladenen Daten konnten nicht gelesen werden.");
  }
  requireCsrf(context, form.get("csrf"));
  const file = form.get("file");
  const fields = FieldsSchema.safeParse({ srid: form.get("srid") ?? undefined });
  if (!(file instanceof File) || file.size === 0) {
    return problem(422, "Keine Datei", "Bitte wählen Sie eine Datei aus.", { errors: [{ path: "file", message: "Bitte wählen Sie eine Datei aus." }] });
  }
  if (!fields.success) {
    return problem(422, "Ungültige Angaben", fields.error.issues[0]!.message, { errors: fields.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) });
  }
  const result = await readRouteFile(await db(), { fileName: file.name, bytes: new Uint8Array(await file.arrayBuffer()), srid: fields.data.srid });
  if (!result.ok) return problem(422, "Datei kann nicht übernommen werden", result.message, { errors: [{ path: "file", message: result.message }] });
  return json(result, { headers: { "Cache-Control": "no-store" } });
}

export async function loader() {
  return problem(405, "Methode nicht erlaubt", "Dateien werden mit POST hochgeladen.", { headers: { Allow: "POST" } });
}
