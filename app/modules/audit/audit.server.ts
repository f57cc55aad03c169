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
