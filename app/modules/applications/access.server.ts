import type { Knex } from "knex";
import type { z } from "zod";
import type { Db } from "~/db.server";
import type { Principal } from "~/modules/auth/session.server";
import { applyScope } from "~/modules/auth/scope.server";
import type { MissingItem } from "./completeness";
import type { ApplicationError, Result } from "./errors";
import { OPEN_CASE_STATUSES, pathOf, type ApplicationStatus } from "./schema";

/** Thrown inside a transaction to roll it back and answer with a typed error. */
class Abort extends Error {
  constructor(readonly error: ApplicationError) {
    super(error.message);
  }
}

export function fail(error: ApplicationError): never {
  throw new Abort(error);
}

/** Runs work in one transaction; a `fail` inside rolls everything back and becomes the result. */
export async function transact<T>(db: Db, work: (trx: Knex.Transaction) => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await db.transaction(work) };
  } catch (error) {
    if (error instanceof Abort) return { ok: false, error: error.error };
    throw error;
  }
}

const NOT_FOUND = { code: "not_found", message: "Diesen Antrag gibt es nicht, oder Sie haben keinen Zugriff darauf." } as const;
const READ_ONLY = { code: "forbidden", message: "Sie können diesen Antrag einsehen, aber nicht ändern." } as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(id: string): boolean {
  return UUID.test(id);
}

export function invalid(issues: readonly z.ZodIssue[], prefixToDrop?: string): ApplicationError {
  const fieldErrors: MissingItem[] = issues.map((i) => {
    const segments = prefixToDrop && i.path[0] === prefixToDrop ? i.path.slice(1) : i.path;
    return { path: pathOf(segments), message: i.message };
  });
  return { code: "invalid", message: "Bitte prüfen Sie die markierten Angaben.", fieldErrors };
}

/**
 * Applications the principal may read, as `a`: operators their organisation's, road authorities
 * those with a case for them, consulted bodies those they were asked about, state staff and
 * platform admins all (the project's applyScope rule).
 */
export function readableApplications(db: Db, principal: Principal): Knex.QueryBuilder {
  const query = db("applications as a").leftJoin("cases as own_case", function () {
    this.on("own_case.application_id", "a.id").andOn("own_case.authority_id", db.raw("?", [principal.organisation.id]));
  });
  if (principal.role === "consulted_body") {
    query.leftJoin(
      db.raw(
        `(SELECT DISTINCT ac.application_id, i.body_id FROM case_involvements i JOIN cases ac ON ac.id = i.case_id
          WHERE i.body_id = ? AND i.status <> 'cancelled') AS asked`,
        [principal.organisation.id],
      ),
      "asked.application_id",
      "a.id",
    );
  }
  return applyScope(query, principal, { operator: "a.operator_id", authority: "own_case.authority_id", consultedBody: "asked.body_id" });
}

export async function canRead(db: Db, principal: Principal, applicationId: string): Promise<boolean> {
  return Boolean(await readableApplications(db, principal).where("a.id", applicationId).first("a.id"));
}

export interface ApplicationRow {
  id: string;
  operator_id: string;
  title: string;
  status: "draft" | "submitted" | "withdrawn" | "completed";
  draft: Record<string, unknown>;
  draft_route: unknown;
  version: number;
  current_version: number;
  works_started_on: string | null;
}

/**
 * The application, locked for this transaction, when the principal is an operator of its
 * organisation. Anyone else fails: not_found, or forbidden when they may at least read it.
 */
export async function lockOwnApplication(trx: Knex.Transaction, principal: Principal, id: string): Promise<ApplicationRow> {
  if (!isUuid(id)) fail(NOT_FOUND);
  const row = await trx("applications")
    .where({ id })
    .forUpdate()
    .first<ApplicationRow | undefined>("id", "operator_id", "title", "status", "draft", "draft_route", "version", "current_version", trx.raw("works_started_on::text"));
  if (!row) fail(NOT_FOUND);
  if (principal.role === "operator" && row.operator_id === principal.organisation.id) return row;
  fail((await canRead(trx, principal, id)) ? READ_ONLY : NOT_FOUND);
}

export function checkVersion(row: { version: number }, expectedVersion: number): void {
  if (row.version !== expectedVersion) {
    fail({
      code: "conflict",
      message: "Der Antrag wurde inzwischen an anderer Stelle geändert (z. B. in einem anderen Fenster). Bitte laden Sie ihn neu; Ihre letzte Änderung wurde nicht gespeichert.",
      currentVersion: row.version,
    });
  }
}

/**
 * A draft may be edited; a submitted application too while an authority still has an open case
 * (the edits become an amendment). Withdrawn, completed or fully decided applications are closed.
 */
export async function assertEditable(trx: Knex.Transaction, app: ApplicationRow): Promise<void> {
  if (app.status === "draft") return;
  if (app.status === "submitted") {
    if (await hasOpenCase(trx, app.id)) return;
    fail({ code: "wrong_state", message: "Über diesen Antrag ist bereits entschieden; er kann nicht mehr geändert werden. Stellen Sie bitte einen neuen Antrag." });
  }
  fail(closedError(app.status));
}

async function hasOpenCase(trx: Knex.Transaction, applicationId: string): Promise<boolean> {
  return Boolean(await trx("cases").where({ application_id: applicationId }).whereIn("status", OPEN_CASE_STATUSES).first("id"));
}

export function closedError(status: ApplicationStatus) {
  return {
    code: "wrong_state" as const,
    message:
      status === "withdrawn"
        ? "Ein zurückgezogener Antrag kann nicht mehr geändert werden."
        : status === "completed"
          ? "Ein fertiggestellter Antrag kann nicht mehr geändert werden."
          : "Der Antrag ist in diesem Zustand nicht änderbar.",
  };
}
