import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { db } from "~/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { getPrincipal, readSessionToken, sessionCookie } from "~/modules/auth/guards.server";
import { destroySession } from "~/modules/auth/session.server";

export async function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(context, formData.get("csrf"));
  const token = await readSessionToken(request);
  const principal = await getPrincipal(request);
  if (token) {
    const knex = await db();
    await knex.transaction(async (trx) => {
      await destroySession(trx, token);
      if (principal) {
        await recordAudit(trx, {
          actorUserId: principal.userId,
          organisationId: principal.organisation.id,
          entityType: "user",
          entityId: principal.userId,
          action: "logout",
        });
      }
    });
  }
  return redirect("/anmelden?abgemeldet=1", {
    headers: { "Set-Cookie": await sessionCookie().serialize("", { maxAge: 0 }) },
  });
}
