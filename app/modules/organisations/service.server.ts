import type { Db } from "~/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { hashPassword } from "~/modules/auth/password.server";
import { ROLES_BY_KIND, type OrganisationKind, type Role } from "~/modules/auth/roles";
import { ensureStandardConditions } from "~/modules/conditions/service.server";
import { systemClock, type Clock } from "~/utils/clock";
import type { CreateOrganisationInput, CreateUserInput } from "./schema";

export interface OrganisationSummary {
  id: string;
  slug: string;
  name: string;
  kind: OrganisationKind;
  authorityLevel: string | null;
  state: string | null;
  ags: string | null;
  members: number;
}

export async function listOrganisations(db: Db): Promise<OrganisationSummary[]> {
  const rows = await db("organisations as o")
    .leftJoin("memberships as m", "m.organisation_id", "o.id")
    .groupBy("o.id")
    .orderBy([{ column: "o.kind" }, { column: "o.name" }])
    .select("o.id", "o.slug", "o.name", "o.kind", "o.authority_level", "o.state", "o.ags", db.raw("count(m.user_id)::int as members"));
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    name: r.name,
    kind: r.kind,
    authorityLevel: r.authority_level,
    state: r.state,
    ags: r.ags,
    members: r.members,
  }));
}

/** Who acts: a signed-in user, or nobody (CLI and system jobs). */
export interface Actor {
  userId: string | null;
  organisationId: string | null;
}

/** A field-level error the form can show next to the field. */
export type FieldError = { field: string; message: string };
export type Created = { ok: true; id: string } | { ok: false; error: FieldError };

export async function createOrganisation(
  db: Db,
  actor: Actor,
  input: CreateOrganisationInput,
): Promise<Created> {
  return db.transaction(async (trx) => {
    const [row] = await trx("organisations")
      .insert({
        slug: input.slug,
        kind: input.kind,
        name: input.name,
        authority_level: input.kind === "road_authority" ? input.authorityLevel : null,
        state: input.state ?? null,
        ags: input.ags ?? null,
        email: input.email ?? null,
        phone: input.phone ?? null,
      })
      .onConflict("slug")
      .ignore()
      .returning("id");
    if (!row) return { ok: false as const, error: { field: "slug", message: "Dieses Kürzel ist bereits vergeben." } };
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: actor.organisationId,
      entityType: "organisation",
      entityId: row.id,
      action: "created",
      payload: { ...input },
    });
    if (input.kind === "road_authority") await ensureStandardConditions(trx, row.id);
    return { ok: true as const, id: row.id as string };
  });
}

export interface UserSummary {
  id: string;
  email: string;
  name: string;
  isActive: boolean;
  memberships: { organisationName: string; role: Role }[];
}

export async function listUsers(db: Db): Promise<UserSummary[]> {
  const rows = await db("users as u")
    .leftJoin("memberships as m", "m.user_id", "u.id")
    .leftJoin("organisations as o", "o.id", "m.organisation_id")
    .orderBy([{ column: "u.email" }, { column: "o.name" }])
    .select("u.id", "u.email", "u.name", "u.is_active", "o.name as organisation_name", "m.role");
  const users = new Map<string, UserSummary>();
  for (const r of rows) {
    const user: UserSummary = users.get(r.id) ?? { id: r.id, email: r.email, name: r.name, isActive: r.is_active, memberships: [] };
    if (r.role) user.memberships.push({ organisationName: r.organisation_name, role: r.role });
    users.set(r.id, user);
  }
  return [...users.values()];
}

/** Creates a user with one membership; the role must fit the organisation's kind. */
export async function createUser(
  db: Db,
  actor: Actor,
  input: CreateUserInput,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<Created> {
  const organisation = await db("organisations").where({ id: input.organisationId }).first("id", "kind");
  if (!organisation) return { ok: false, error: { field: "organisationId", message: "Diese Organisation gibt es nicht." } };
  if (!ROLES_BY_KIND[organisation.kind as OrganisationKind].includes(input.role)) {
    return { ok: false, error: { field: "role", message: "Diese Rolle passt nicht zur Art der Organisation." } };
  }
  const passwordHash = await hashPassword(input.password);
  const now = clock.now();
  return db.transaction(async (trx) => {
    const [user] = await trx("users")
      .insert({ email: input.email, name: input.name, password_hash: passwordHash, created_at: now })
      .onConflict("email")
      .ignore()
      .returning("id");
    if (!user) return { ok: false as const, error: { field: "email", message: "Zu dieser E-Mail-Adresse gibt es bereits ein Konto." } };
    await trx("memberships").insert({ user_id: user.id, organisation_id: input.organisationId, role: input.role, created_at: now });
    await recordAudit(trx, {
      actorUserId: actor.userId,
      organisationId: actor.organisationId,
      entityType: "user",
      entityId: user.id,
      action: "created",
      payload: { email: input.email, name: input.name, organisationId: input.organisationId, role: input.role },
      at: now,
    });
    return { ok: true as const, id: user.id as string };
  });
}
