import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";

/**
 * CSRF protection by signed double submit: the server sets a random, HMAC-signed token in an
 * httpOnly cookie (scripts/serve.ts) and renders the same token into every form; a state-changing
 * request must send it back. The signature stops a token planted by a sibling subdomain.
 */
export const CSRF_COOKIE = "__bp_csrf";
export const CSRF_FIELD = "csrf";
export const CSRF_HEADER = "x-csrf-token";

export function issueCsrfToken(secret: string): string {
  const nonce = randomBytes(24).toString("base64url");
  return `${nonce}.${sign(nonce, secret)}`;
}

export function isValidCsrfToken(token: string | undefined | null, secret: string): token is string {
  if (!token) return false;
  const [nonce, signature, ...rest] = token.split(".");
  if (!nonce || !signature || rest.length > 0) return false;
  return safeEqual(signature, sign(nonce, secret));
}

function sign(nonce: string, secret: string): string {
  return createHmac("sha256", secret).update(`csrf:${nonce}`).digest("base64url");
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export function csrfRejected(): Response {
  return new Response(
    JSON.stringify({
      message:
        "Die Anfrage wurde aus Sicherheitsgründen abgelehnt (fehlendes oder ungültiges Formular-Token). Bitte laden Sie die Seite neu und versuchen Sie es erneut.",
    }),
    { status: 403, headers: { "Content-Type": "application/json; charset=utf-8" } },
  );
}

/** Every action calls this (through parseSubmission) before it changes anything. */
export function requireCsrf(context: AppLoadContext, submitted: FormDataEntryValue | string | null): void {
  if (typeof submitted !== "string" || !safeEqual(submitted, context.csrfToken)) throw csrfRejected();
}
