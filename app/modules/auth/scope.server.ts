import type { Knex } from "knex";
import type { Principal } from "./session.server";

/**
 * Row-level visibility, applied in SQL to every query that returns organisation-owned data:
 * operators see rows of their own organisation, road authorities rows of roads they own,
 * consulted bodies rows they were asked about, state staff and platform admins everything (read).
 * A capability names the columns that carry each kind of ownership; a role without a mapped
 * column sees nothing (deny by default).
 */
export interface ScopeColumns {
  /** column holding the operator organisation id */
  operator?: string;
  /** column holding the road authority organisation id */
  authority?: string;
  /** column holding the consulted body organisation id */
  consultedBody?: string;
}

export function applyScope<Q extends Knex.QueryBuilder>(query: Q, principal: Principal, columns: ScopeColumns): Q {
  const orgId = principal.organisation.id;
  switch (principal.role) {
    case "state_analyst":
    case "platform_admin":
      return query;
    case "operator":
      return columns.operator ? (query.where(columns.operator, orgId) as Q) : denyAll(query);
    case "authority_clerk":
    case "authority_admin":
      return columns.authority ? (query.where(columns.authority, orgId) as Q) : denyAll(query);
    case "consulted_body":
      return columns.consultedBody ? (query.where(columns.consultedBody, orgId) as Q) : denyAll(query);
  }
}

function denyAll<Q extends Knex.QueryBuilder>(query: Q): Q {
  return query.whereRaw("false") as Q;
}

/** May this principal change data of that organisation? State staff read everything but change nothing. */
export function canActFor(principal: Principal, organisationId: string): boolean {
  return principal.role !== "state_analyst" && principal.organisation.id === organisationId;
}
