import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import { db } from "~/db.server";
import { saveDraft } from "~/modules/applications/service.server";
import type { DraftRoute } from "~/modules/applications/schema";
import { requireApiPrincipal } from "~/modules/auth/guards.server";
import { CSRF_HEADER, requireCsrf } from "~/modules/auth/csrf.server";
import { CHECK_LIMITS } from "~/modules/checks/schema";
import { errorText, statusOf } from "~/utils/application-errors.server";
import { problem, readJsonBody } from "~/utils/problem.server";

const BodySchema = z.object({
  expectedVersion: z.number({ required_error: "Die Version des Entwurfs fehlt." }).int().positive(),
  // the route's shape is checked by saveDraft, with the same schema as every other draft save
  route: z.unknown(),
});

/**
 * PUT /api/v1/applications/{id}/route — saves the draft route of an application (the route editor's
 * autosave). JSON body `{ expectedVersion, route }`, CSRF token in the `X-CSRF-Token` header.
 * Answers `{ version }`, or 409 when the draft changed meanwhile.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== "PUT") {
    return problem(405, "Methode nicht erlaubt", "Die Trasse wird mit PUT gespeichert.", { headers: { Allow: "PUT" } });
  }
  const principal = await requireApiPrincipal(request, ["operator"]);
  requireCsrf(context, request.headers.get(CSRF_HEADER));
  const body = BodySchema.safeParse(await readJsonBody(request, CHECK_LIMITS.maxBytes));
  if (!body.success) {
    return problem(422, "Ungültige Angaben", body.error.issues[0]!.message, {
      errors: body.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    });
  }
  const saved = await saveDraft(await db(), principal, params.id!, {
    expectedVersion: body.data.expectedVersion,
    route: (body.data.route ?? null) as DraftRoute | null,
  });
  if (!saved.ok) {
    const errors = saved.error.code === "invalid" ? saved.error.fieldErrors : undefined;
    return problem(statusOf(saved.error), saved.error.code === "conflict" ? "Bearbeitungskonflikt" : "Nicht gespeichert", errorText(saved.error), { errors });
  }
  return json(saved.value, { headers: { "Cache-Control": "no-store" } });
}

export async function loader() {
  return problem(405, "Methode nicht erlaubt", "Die Trasse wird mit PUT gespeichert.", { headers: { Allow: "PUT" } });
}
