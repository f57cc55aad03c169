import type { Db } from "~/db.server";

export interface AuditEntry {
  actorUserId: string | null;
  organisationId: string | null;
  entityType: string;
  entityId: string;
  action: string;
  payload?: Record<string, unknown>;
  at?: Date;
}

/** Appends to the audit trail; call it inside the transaction of the change it records. */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db("audit_events").insert({
    actor_user_id: entry.actorUserId,
    organisation_id: entry.organisationId,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    action: entry.action,
    payload: JSON.stringify(entry.payload ?? {}),
    ...(entry.at ? { at: entry.at } : {}),
  });
}

export interface AuditEvent {
  id: number;
  at: Date;
  actorUserId: string | null;
  organisationId: string | null;
  entityType: string;
  entityId: string;
  action: string;
  payload: Record<string, unknown>;
}

export async function auditTrail(db: Db, entityType: string, entityId: string): Promise<AuditEvent[]> {
  const rows = await db("audit_events")
    .select(
      db.raw("id::int as id"),
      "at",
      "actor_user_id",
      "organisation_id",
      "entity_type",
      "entity_id",
      "action",
      "payload",
    )
    .where({ entity_type: entityType, entity_id: entityId })
    .orderBy("id");
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actorUserId: r.actor_user_id,
    organisationId: r.organisation_id,
    entityType: r.entity_type,
    entityId: r.entity_id,
    action: r.action,
    payload: r.payload,
  }));
}
