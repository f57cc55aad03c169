import { createCookie, redirect } from "@remix-run/node";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { problem } from "~/utils/problem.server";
import { ROLE_LABELS, type Role } from "./roles";
import { resolveSession, type Principal, type SessionPolicy } from "./session.server";

let cookie: ReturnType<typeof createCookie> | undefined;

/** The session cookie carries only the random token; everything else lives in the sessions table. */
export function sessionCookie() {
  const config = env();
  cookie ??= createCookie("__bp_session", {
    httpOnly: true,
    sameSite: "lax",
    secure: config.BASE_URL.startsWith("https://"),
    path: "/",
    secrets: [config.SESSION_SECRET],
    maxAge: config.SESSION_ABSOLUTE_HOURS * 3600,
  });
  return cookie;
}

export function sessionPolicy(): SessionPolicy {
  const config = env();
  return { idleMinutes: config.SESSION_IDLE_MINUTES, absoluteHours: config.SESSION_ABSOLUTE_HOURS };
}

export async function readSessionToken(request: Request): Promise<string | null> {
  const value: unknown = await sessionCookie().parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 ? value : null;
}

/** The signed-in principal, or null. */
export async function getPrincipal(request: Request): Promise<Principal | null> {
  const token = await readSessionToken(request);
  if (!token) return null;
  return resolveSession(await db(), token, new Date(), sessionPolicy());
}

/** Pages: redirects to the login page (and back afterwards) when nobody is signed in. */
export async function requireUser(request: Request): Promise<Principal> {
  const principal = await getPrincipal(request);
  if (principal) return principal;
  const url = new URL(request.url);
  const params = new URLSearchParams({ redirectTo: `${url.pathname}${url.search}` });
  throw redirect(`/anmelden?${params}`, {
    headers: { "Set-Cookie": await sessionCookie().serialize("", { maxAge: 0 }) },
  });
}

/** Pages: 403 with a German explanation when the signed-in user lacks every one of the roles. */
export async function requireRole(request: Request, roles: readonly Role[]): Promise<Principal> {
  const principal = await requireUser(request);
  if (roles.includes(principal.role)) return principal;
  throw forbidden(`Diese Seite ist der Rolle ${roles.map((r) => `„${ROLE_LABELS[r]}“`).join(" oder ")} vorbehalten.`);
}

/**
 * API handlers: the signed-in principal with one of the roles, or an RFC 9457 problem (401/403).
 * State-changing API calls are protected against CSRF by requiring a JSON content type (which a
 * foreign page cannot send without a CORS preflight) and by the server's Origin check.
 */
export async function requireApiPrincipal(request: Request, roles: readonly Role[]): Promise<Principal> {
  const principal = await getPrincipal(request);
  if (!principal) throw problem(401, "Nicht angemeldet", "Bitte melden Sie sich an.");
  if (!roles.includes(principal.role)) {
    throw problem(403, "Keine Berechtigung", `Diese Funktion steht nur folgenden Rollen zur Verfügung: ${roles.map((r) => ROLE_LABELS[r]).join(", ")}.`);
  }
  return principal;
}

export function forbidden(message = "Sie haben keine Berechtigung für diese Seite."): Response {
  return new Response(JSON.stringify({ message }), {
    status: 403,
    headers: { "Content-Type": "application/json; charset=utf-8" },
  });
}

export function notFound(message = "Die Seite wurde nicht gefunden."): Response {
  return new Response(JSON.stringify({ message }), {
    status: 404,
    headers: { "Content-Type": "application/json; charset=utf-8" },
  });
}
