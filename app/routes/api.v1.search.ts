import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { db } from "~/db.server";
import { getPrincipal } from "~/modules/auth/guards.server";
import { SearchQuerySchema } from "~/modules/search/schema";
import { search } from "~/modules/search/search.server";
import { problem } from "~/utils/problem.server";

/** GET /api/v1/search?q=… — Gemeinden and streets for the map's search box (signed-in users). */
export async function loader({ request }: LoaderFunctionArgs) {
  const principal = await getPrincipal(request);
  if (!principal) return problem(401, "Nicht angemeldet", "Bitte melden Sie sich an.");
  const url = new URL(request.url);
  const parsed = SearchQuerySchema.safeParse({ q: url.searchParams.get("q") ?? undefined });
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ path: i.path.join(".") || "q", message: i.message }));
    return problem(422, "Ungültige Suche", errors.map((e) => e.message).join(" "), { errors });
  }
  const results = await search(await db(), parsed.data.q);
  return json({ query: parsed.data.q, results }, { headers: { "Cache-Control": "private, max-age=60" } });
}
