import type { Db } from "~/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { hashPassword, timingSafeDummyHash, verifyPassword } from "./password.server";
import { createSession, destroyUserSessions, type SessionPolicy } from "./session.server";

export const THROTTLE = { maxFailures: 5, windowMinutes: 15 } as const;

export type LoginResult =
  | { ok: true; token: string; expiresAt: Date; userId: string }
  | { ok: false; reason: "invalid_credentials" | "throttled" | "no_membership" };

/**
 * Checks e-mail and password and opens a session. After THROTTLE.maxFailures failed attempts for
 * the same account from the same address within the window, further attempts are refused without
 * looking at the password, until the window has passed.
 */
export async function login(
  db: Db,
  input: { email: string; password: string; ip: string; userAgent: string | null; now: Date },
  policy: SessionPolicy,
): Promise<LoginResult> {
  const email = input.email.trim().toLowerCase();
  if (await isThrottled(db, email, input.ip, input.now)) {
    await recordAttempt(db, email, input.ip, false, input.now);
    return { ok: false, reason: "throttled" };
  }
  const user = await db("users").where({ email }).first("id", "password_hash", "is_active");
  const passwordOk = await verifyPassword(user?.password_hash ?? (await timingSafeDummyHash()), input.password);
  if (!user || !passwordOk || !user.is_active) {
    await recordAttempt(db, email, input.ip, false, input.now);
    return { ok: false, reason: "invalid_credentials" };
  }
  // A user acts for one organisation per session; with several memberships the first by name is chosen.
  const membership = await db("memberships as m")
    .join("organisations as o", "o.id", "m.organisation_id")
    .where({ "m.user_id": user.id, "o.is_active": true })
    .orderBy("o.name")
    .first("m.organisation_id");
  if (!membership) {
    await recordAttempt(db, email, input.ip, false, input.now);
    return { ok: false, reason: "no_membership" };
  }
  return db.transaction(async (trx) => {
    await recordAttempt(trx, email, input.ip, true, input.now);
    const session = await createSession(
      trx,
      { userId: user.id, organisationId: membership.organisation_id, ip: input.ip, userAgent: input.userAgent, now: input.now },
      policy,
    );
    await recordAudit(trx, {
      actorUserId: user.id,
      organisationId: membership.organisation_id,
      entityType: "user",
      entityId: user.id,
      action: "login",
      payload: { ip: input.ip },
      at: input.now,
    });
    return { ok: true as const, ...session, userId: user.id };
  });
}

async function isThrottled(db: Db, email: string, ip: string, now: Date): Promise<boolean> {
  const windowStart = new Date(now.getTime() - THROTTLE.windowMinutes * 60_000);
  // Failures count only since the last successful login of this account from this address.
  const row = await db("login_attempts")
    .where({ email, ip, succeeded: false })
    .where("at", ">", windowStart)
    .whereRaw(
      "at > coalesce((select max(at) from login_attempts s where s.email = ? and s.ip = ? and s.succeeded), '-infinity')",
      [email, ip],
    )
    .first(db.raw("count(*)::int as n"));
  return (row?.n ?? 0) >= THROTTLE.maxFailures;
}

async function recordAttempt(db: Db, email: string, ip: string, succeeded: boolean, now: Date): Promise<void> {
  await db("login_attempts").insert({ email: email.slice(0, 254), ip, succeeded, at: now });
}

export type ChangePasswordResult = { ok: true } | { ok: false; field: "currentPassword"; message: string };

/** Changes the password and ends every other session of the user. */
export async function changePassword(
  db: Db,
  input: { userId: string; organisationId: string; sessionId: string; currentPassword: string; newPassword: string; now: Date },
): Promise<ChangePasswordResult> {
  const user = await db("users").where({ id: input.userId }).first("password_hash");
  if (!user || !(await verifyPassword(user.password_hash, input.currentPassword))) {
    return { ok: false, field: "currentPassword", message: "Das bisherige Passwort ist nicht korrekt." };
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction(async (trx) => {
    await trx("users")
      .where({ id: input.userId })
      .update({
        password_hash: passwordHash,
        password_changed_at: input.now,
        updated_at: input.now,
        version: trx.raw("version + 1"),
      });
    await destroyUserSessions(trx, input.userId, input.sessionId);
    await recordAudit(trx, {
      actorUserId: input.userId,
      organisationId: input.organisationId,
      entityType: "user",
      entityId: input.userId,
      action: "password_changed",
      at: input.now,
    });
  });
  return { ok: true };
}
