import { parseWithZod } from "@conform-to/zod";
import type { AppLoadContext } from "@remix-run/node";
import type { z } from "zod";
import { CSRF_FIELD, requireCsrf } from "~/modules/auth/csrf.server";

/** The form data of a state-changing request, after its CSRF token was checked. */
export async function readForm(request: Request, context: AppLoadContext): Promise<FormData> {
  const formData = await request.formData();
  requireCsrf(context, formData.get(CSRF_FIELD));
  return formData;
}

/**
 * The first line of every single-form action: checks the CSRF token, then validates the form with
 * the same zod schema the browser used. Returns conform's submission: `status === "success"`
 * carries the typed value, otherwise `submission.reply()` holds field-level German messages.
 */
export async function parseSubmission<S extends z.ZodTypeAny>(request: Request, context: AppLoadContext, schema: S) {
  return parseWithZod(await readForm(request, context), { schema });
}
