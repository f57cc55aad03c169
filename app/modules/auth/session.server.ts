import { createHash, randomBytes } from "node:crypto";
import type { Db } from "~/db.server";
import type { AuthorityLevel, OrganisationKind, Role, StateCode } from "./roles";

export interface SessionPolicy {
  idleMinutes: number;
  absoluteHours: number;
}

/** Who is acting: the user, the organisation they act for in this session, and their role there. */
export interface Principal {
  sessionId: string;
  userId: string;
  email: string;
  name: string;
  role: Role;
  organisation: {
    id: string;
    name: string;
    kind: OrganisationKind;
    authorityLevel: AuthorityLevel | null;
    state: StateCode | null;
    ags: string | null;
  };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function createSession(
  db: Db,
  input: { userId: string; organisationId: string; ip: string; userAgent: string | null; now: Date },
  policy: SessionPolicy,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(input.now.getTime() + policy.absoluteHours * 3600_000);
  await db("sessions").insert({
    id: hashToken(token),
    user_id: input.userId,
    organisation_id: input.organisationId,
    ip: input.ip,
    user_agent: input.userAgent?.slice(0, 500) ?? null,
    created_at: input.now,
    last_seen_at: input.now,
    expires_at: expiresAt,
  });
  return { token, expiresAt };
}

// last_seen_at is written at most once a minute, so reading pages does not write on every request.
const TOUCH_INTERVAL_MS = 60_000;

/**
 * The principal of a session token, or null when the session is unknown, past its absolute
 * expiry, idle for too long, or its user or organisation was deactivated. Ended sessions are deleted.
 */
export async function resolveSession(
  db: Db,
  token: string,
  now: Date,
  policy: SessionPolicy,
): Promise<Principal | null> {
  const id = hashToken(token);
  const row = await db("sessions as s")
    .join("users as u", "u.id", "s.user_id")
    .join("memberships as m", function () {
      this.on("m.user_id", "=", "s.user_id").andOn("m.organisation_id", "=", "s.organisation_id");
    })
    .join("organisations as o", "o.id", "s.organisation_id")
    .where("s.id", id)
    .first(
      "s.id as session_id",
      "s.last_seen_at",
      "s.expires_at",
      "u.id as user_id",
      "u.email",
      "u.name",
      "u.is_active as user_active",
      "m.role",
      "o.id as org_id",
      "o.name as org_name",
      "o.kind",
      "o.authority_level",
      "o.state",
      "o.ags",
      "o.is_active as org_active",
    );
  if (!row) return null;
  const idleLimit = new Date(row.last_seen_at).getTime() + policy.idleMinutes * 60_000;
  const expired = now.getTime() >= new Date(row.expires_at).getTime() || now.getTime() >= idleLimit;
  if (expired || !row.user_active || !row.org_active) {
    await db("sessions").where({ id }).delete();
    return null;
  }
  if (now.getTime() - new Date(row.last_seen_at).getTime() > TOUCH_INTERVAL_MS) {
    await db("sessions").where({ id }).update({ last_seen_at: now });
  }
  return {
    sessionId: row.session_id,
    userId: row.user_id,
    email: row.email,
    name: row.name,
    role: row.role,
    organisation: {
      id: row.org_id,
      name: row.org_name,
      kind: row.kind,
      authorityLevel: row.authority_level,
      state: row.state,
      ags: row.ags,
    },
  };
}

export async function destroySession(db: Db, token: string): Promise<void> {
  await db("sessions").where({ id: hashToken(token) }).delete();
}

export async function destroyUserSessions(db: Db, userId: string, exceptSessionId?: string): Promise<void> {
  const q = db("sessions").where({ user_id: userId });
  if (exceptSessionId) q.whereNot({ id: exceptSessionId });
  await q.delete();
}
