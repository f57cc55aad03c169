import type { Knex } from "knex";
import type { z } from "zod";
import type { Db } from "~/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Principal } from "~/modules/auth/session.server";
import {
  CreateTemplateSchema,
  STALE_TEMPLATE_MESSAGE,
  UpdateTemplateSchema,
  type ConditionError,
  type ConditionKind,
  type ConditionResult,
  type ConditionTemplate,
  type CreateTemplateInput,
  type MoveDirection,
  type UpdateTemplateInput,
} from "./schema";
import { STANDARD_TEXTS } from "./standard-texts";

// ---------------------------------------------------------------------------------------------
// Errors and transactions
// ---------------------------------------------------------------------------------------------

/** Thrown inside a transaction to roll it back and answer with a typed error. */
class Abort extends Error {
  constructor(readonly error: ConditionError) {
    super(error.message);
  }
}

function fail(error: ConditionError): never {
  throw new Abort(error);
}

async function transact<T>(db: Db, work: (trx: Knex.Transaction) => Promise<T>): Promise<ConditionResult<T>> {
  try {
    return { ok: true, value: await db.transaction(work) };
  } catch (error) {
    if (error instanceof Abort) return { ok: false, error: error.error };
    throw error;
  }
}

const NOT_FOUND = { code: "not_found", message: "Diesen Text gibt es nicht, oder er gehört nicht zum Katalog Ihrer Behörde." } as const;
const FORBIDDEN = { code: "forbidden", message: "Nebenbestimmungen und Hinweise verwaltet die Behördenadministration Ihrer Behörde." } as const;

function invalid(issues: readonly z.ZodIssue[]): ConditionError {
  return {
    code: "invalid",
    message: "Bitte prüfen Sie die markierten Angaben.",
    fieldErrors: issues.map((i) => ({ path: i.path.join("."), message: i.message })),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The authority whose catalogue the principal administers, or null when they administer none. */
function administeredAuthority(principal: Principal): string | null {
  return principal.role === "authority_admin" && principal.organisation.kind === "road_authority" ? principal.organisation.id : null;
}

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

interface TemplateRow {
  id: string;
  authority_id: string;
  kind: ConditionKind;
  title: string;
  body: string;
  standard: boolean;
  active: boolean;
  position: number;
  version: number;
  updated_at: Date | string;
}

const COLUMNS = ["id", "authority_id", "kind", "title", "body", "standard", "active", "position", "version", "updated_at"];

function toTemplate(row: TemplateRow): ConditionTemplate {
  return {
    id: row.id,
    authorityId: row.authority_id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    standard: row.standard,
    active: row.active,
    position: row.position,
    version: row.version,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** Catalogue order: conditions before hints, each by position (ties by title, then id, so it is stable). */
function catalogue(db: Db, authorityId: string) {
  return db("condition_templates")
    .where({ authority_id: authorityId })
    .orderBy([{ column: "kind" }, { column: "position" }, { column: "title" }, { column: "id" }])
    .select<TemplateRow[]>(COLUMNS);
}

/**
 * Serialises changes to one authority's catalogue (positions are computed from the others).
 * NO KEY UPDATE: does not block inserts that merely reference the organisation (cases, users).
 */
async function lockCatalogue(trx: Knex.Transaction, authorityId: string): Promise<void> {
  await trx("organisations").where({ id: authorityId }).forNoKeyUpdate().first("id");
}

/** The template, locked, when it belongs to the admin's authority; otherwise not_found. */
async function lockTemplate(trx: Knex.Transaction, authorityId: string, id: string): Promise<TemplateRow> {
  if (!UUID.test(id)) fail(NOT_FOUND);
  const row = await trx("condition_templates").where({ id, authority_id: authorityId }).forUpdate().first<TemplateRow | undefined>(COLUMNS);
  if (!row) fail(NOT_FOUND);
  return row;
}

async function audit(trx: Db, principal: Principal, templateId: string, action: string, payload: Record<string, unknown>) {
  await recordAudit(trx, {
    actorUserId: principal.userId,
    organisationId: principal.organisation.id,
    entityType: "condition_template",
    entityId: templateId,
    action,
    payload,
  });
}

// ---------------------------------------------------------------------------------------------
// Standard texts
// ---------------------------------------------------------------------------------------------

/**
 * Gives every road authority without any template (or only the given one) the standard texts.
 * Idempotent, also when two processes call it at once: an authority that has templates — even
 * one it wrote itself after deleting all others — is left alone. Writes no audit event: like the
 * demo seed, this is a default of the system, not a user's act.
 */
export async function ensureStandardConditions(db: Db, authorityId?: string): Promise<{ authorities: number; inserted: number }> {
  if (authorityId !== undefined && !UUID.test(authorityId)) return { authorities: 0, inserted: 0 };
  return db.transaction(async (trx) => {
    const withoutTemplates = (q: Knex.QueryBuilder) => {
      q.where("o.kind", "road_authority").whereNotExists(trx("condition_templates as t").whereRaw("t.authority_id = o.id").select(trx.raw("1")));
      if (authorityId !== undefined) q.where("o.id", authorityId);
      return q;
    };
    const candidates = await withoutTemplates(trx("organisations as o")).orderBy("o.id").pluck<string[]>("o.id");
    if (candidates.length === 0) return { authorities: 0, inserted: 0 };
    // lock, then look again in a fresh statement: a concurrent call may have filled some meanwhile
    await trx("organisations").whereIn("id", candidates).orderBy("id").forNoKeyUpdate().select("id");
    const ids = await withoutTemplates(trx("organisations as o").whereIn("o.id", candidates)).orderBy("o.id").pluck<string[]>("o.id");
    let inserted = 0;
    // one statement per authority keeps the bind parameters far below PostgreSQL's limit
    for (const id of ids) {
      await trx("condition_templates").insert(
        STANDARD_TEXTS.map((t, i) => ({ authority_id: id, kind: t.kind, title: t.title, body: t.body, standard: t.standard, position: i + 1 })),
      );
      inserted += STANDARD_TEXTS.length;
    }
    return { authorities: ids.length, inserted };
  });
}

// ---------------------------------------------------------------------------------------------
// The admin's catalogue
// ---------------------------------------------------------------------------------------------

/** The catalogue of the admin's authority, in order; inactive texts only on request. */
export async function listTemplates(
  db: Db,
  principal: Principal,
  options: { includeInactive?: boolean } = {},
): Promise<ConditionResult<ConditionTemplate[]>> {
  const authorityId = administeredAuthority(principal);
  if (!authorityId) return { ok: false, error: FORBIDDEN };
  const query = catalogue(db, authorityId);
  if (!options.includeInactive) query.where({ active: true });
  return { ok: true, value: (await query).map(toTemplate) };
}

/** Adds a text at the end of the admin's catalogue. */
export async function createTemplate(db: Db, principal: Principal, input: CreateTemplateInput): Promise<ConditionResult<ConditionTemplate>> {
  const authorityId = administeredAuthority(principal);
  if (!authorityId) return { ok: false, error: FORBIDDEN };
  const parsed = CreateTemplateSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalid(parsed.error.issues) };
  const value = parsed.data;
  return transact(db, async (trx) => {
    await lockCatalogue(trx, authorityId);
    const last = await trx("condition_templates").where({ authority_id: authorityId }).max<{ max: number | null }>("position as max").first();
    const [row] = await trx("condition_templates")
      .insert({ authority_id: authorityId, kind: value.kind, title: value.title, body: value.body, standard: value.standard, position: (last?.max ?? 0) + 1 })
      .returning(COLUMNS);
    const created = toTemplate(row as TemplateRow);
    await audit(trx, principal, created.id, "created", { kind: value.kind, title: value.title, body: value.body, standard: value.standard, position: created.position });
    return created;
  });
}

/**
 * Changes kind, title, text and standard flag. Optimistic locking: `expectedVersion` is the version
 * the admin's page showed; if a colleague saved in between, the result is a conflict and nothing is
 * written. Saving unchanged values writes nothing either.
 */
export async function updateTemplate(db: Db, principal: Principal, input: UpdateTemplateInput): Promise<ConditionResult<ConditionTemplate>> {
  const authorityId = administeredAuthority(principal);
  if (!authorityId) return { ok: false, error: FORBIDDEN };
  const parsed = UpdateTemplateSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalid(parsed.error.issues) };
  const { id, expectedVersion, ...next } = parsed.data;
  return transact(db, async (trx) => {
    const row = await lockTemplate(trx, authorityId, id);
    if (row.version !== expectedVersion) fail({ code: "conflict", message: STALE_TEMPLATE_MESSAGE, currentVersion: row.version });
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const field of ["kind", "title", "body", "standard"] as const) {
      if (row[field] !== next[field]) changes[field] = { from: row[field], to: next[field] };
    }
    if (Object.keys(changes).length === 0) return toTemplate(row);
    const [updated] = await trx("condition_templates")
      .where({ id })
      .update({ ...next, version: row.version + 1, updated_at: trx.fn.now() })
      .returning(COLUMNS);
    await audit(trx, principal, id, "updated", { version: (updated as TemplateRow).version, changes });
    return toTemplate(updated as TemplateRow);
  });
}

/**
 * Deactivates a text (clerks are no longer offered it; decisions that used it keep their copy) or
 * activates it again. A single-column change that cannot overwrite an edit, so it needs no version.
 */
export async function setTemplateActive(db: Db, principal: Principal, id: string, active: boolean): Promise<ConditionResult<ConditionTemplate>> {
  const authorityId = administeredAuthority(principal);
  if (!authorityId) return { ok: false, error: FORBIDDEN };
  return transact(db, async (trx) => {
    const row = await lockTemplate(trx, authorityId, id);
    if (row.active === active) return toTemplate(row);
    const [updated] = await trx("condition_templates").where({ id }).update({ active, updated_at: trx.fn.now() }).returning(COLUMNS);
    await audit(trx, principal, id, active ? "activated" : "deactivated", { title: row.title });
    return toTemplate(updated as TemplateRow);
  });
}

/**
 * Moves a text one place up or down among the texts of its kind (conditions and hints are numbered
 * separately in the consent). At the top or bottom nothing changes. Positions of the whole
 * catalogue are renumbered 1..n, so ties left by older data disappear.
 */
export async function moveTemplate(db: Db, principal: Principal, id: string, direction: MoveDirection): Promise<ConditionResult<ConditionTemplate>> {
  const authorityId = administeredAuthority(principal);
  if (!authorityId) return { ok: false, error: FORBIDDEN };
  if (direction !== "up" && direction !== "down") return { ok: false, error: invalid([{ code: "custom", path: ["direction"], message: "Bitte wählen Sie nach oben oder nach unten." }]) };
  return transact(db, async (trx) => {
    await lockCatalogue(trx, authorityId);
    const row = await lockTemplate(trx, authorityId, id);
    const rows = await trx("condition_templates")
      .where({ authority_id: authorityId })
      .orderBy([{ column: "position" }, { column: "title" }, { column: "id" }])
      .select<TemplateRow[]>(COLUMNS);
    const from = rows.findIndex((r) => r.id === id);
    const step = direction === "up" ? -1 : 1;
    let to = from + step;
    while (to >= 0 && to < rows.length && rows[to]!.kind !== row.kind) to += step;
    if (to < 0 || to >= rows.length) return toTemplate(row);
    [rows[from], rows[to]] = [rows[to]!, rows[from]!];
    let moved = row;
    for (const [index, r] of rows.entries()) {
      const position = index + 1;
      if (r.position === position) continue;
      await trx("condition_templates").where({ id: r.id }).update({ position });
      if (r.id === id) moved = { ...r, position };
    }
    await audit(trx, principal, id, "moved", { direction, from: row.position, to: moved.position, swappedWith: rows[from]!.id });
    return toTemplate(moved);
  });
}

// ---------------------------------------------------------------------------------------------
// For the clerk's decision
// ---------------------------------------------------------------------------------------------

/**
 * The active texts of an authority in catalogue order (conditions, then hints). Read-only and
 * without its own authorisation: callers check that the principal may decide for the authority.
 */
export async function templatesForCase(db: Db, authorityId: string): Promise<ConditionTemplate[]> {
  if (!UUID.test(authorityId)) return [];
  return (await catalogue(db, authorityId).where({ active: true })).map(toTemplate);
}
