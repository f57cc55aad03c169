import type { ActionFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { requireApiPrincipal } from "~/modules/auth/guards.server";
import { checkRequestAsJson } from "~/modules/checks/engine.server";
import { CHECK_LIMITS } from "~/modules/checks/schema";
import { problem, readJsonBody } from "~/utils/problem.server";

/** POST /api/v1/checks — checks a route; nothing is stored. */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") {
    return problem(405, "Methode nicht erlaubt", "Routen werden mit POST geprüft.", { headers: { Allow: "POST" } });
  }
  await requireApiPrincipal(request, ["operator", "authority_clerk", "authority_admin"]);
  const body = await readJsonBody(request, CHECK_LIMITS.maxBytes);
  const outcome = await checkRequestAsJson(await db(), body);
  if (!outcome.ok) {
    return problem(422, "Trasse kann nicht geprüft werden", outcome.problems.map((p) => p.message).join(" "), {
      errors: outcome.problems,
    });
  }
  return new Response(outcome.json, {
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}

export async function loader() {
  return problem(405, "Methode nicht erlaubt", "Routen werden mit POST geprüft.", { headers: { Allow: "POST" } });
}
