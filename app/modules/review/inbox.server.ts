import type { Knex } from "knex";
import type { Db } from "~/db.server";
import type { CaseStatus } from "~/modules/applications/schema";
import type { Principal } from "~/modules/auth/session.server";
import { berlinDate, daysBetween } from "~/modules/deadlines/calendar";
import { systemClock, type Clock } from "~/utils/clock";
import { isAuthorityStaff } from "./access.server";
import { urgencyOf, type InboxFilter, type Urgency } from "./schema";

export interface InboxItem {
  id: string;
  applicationId: string;
  fileNumber: string;
  title: string;
  operator: { id: string; name: string };
  status: CaseStatus;
  receivedAt: string;
  completenessDueOn: string | null;
  decisionDueOn: string | null;
  daysLeft: number | null;
  urgency: Urgency;
  extended: boolean;
  clerk: { id: string; name: string } | null;
  gemeinden: string[];
  sectionLengthM: number;
  pendingStatements: number;
  unreadMessages: number;
}

export interface Inbox {
  items: InboxItem[];
  /** per status, over all the authority's cases (not only the filtered ones) */
  counts: Record<CaseStatus, number> & { overdue: number };
  truncated: boolean;
  options: {
    gemeinden: { ags: string; name: string }[];
    operators: { id: string; name: string }[];
    clerks: { id: string; name: string }[];
  };
}

const LIMIT = 1000;
const OPEN = ["submitted", "incomplete", "in_review"];
const DECIDED = ["approved", "rejected", "deemed_approved"];

/** The sections of this case's authority in the submitted version's check report, as a set-returning SQL fragment. */
const OWN_SECTIONS = `FROM application_versions v, jsonb_array_elements(v.check_report->'sections') s
  WHERE v.application_id = c.application_id AND v.version_no = c.application_version AND s->'authority'->>'id' = c.authority_id::text`;

/**
 * The authority's inbox, most urgent deadline first. Only clerks and admins of a road authority
 * have one; the query is scoped to their organisation's cases on the server.
 */
export async function listInbox(db: Db, principal: Principal, filter: InboxFilter, { clock = systemClock }: { clock?: Clock } = {}): Promise<Inbox | null> {
  if (!isAuthorityStaff(principal)) return null;
  const authorityId = principal.organisation.id;
  const today = berlinDate(clock.now());
  const query = db("cases as c")
    .join("applications as a", "a.id", "c.application_id")
    .join("organisations as op", "op.id", "a.operator_id")
    .leftJoin("users as u", "u.id", "c.assigned_clerk_id")
    .where("c.authority_id", authorityId);
  applyFilter(query, filter, today);
  const rows = await query
    .orderByRaw("CASE WHEN c.status IN ('submitted','in_review') THEN 0 WHEN c.status = 'incomplete' THEN 1 ELSE 2 END, c.decision_due_on ASC NULLS LAST, c.received_at ASC, c.id")
    .limit(LIMIT + 1)
    .select(
      "c.id",
      "c.application_id",
      "c.file_number",
      "c.status",
      "c.received_at",
      db.raw("c.completeness_due_on::text AS completeness_due_on"),
      db.raw("c.decision_due_on::text AS decision_due_on"),
      "c.extension_count",
      "c.section_length_m",
      "a.title",
      "op.id as operator_id",
      "op.name as operator_name",
      "u.id as clerk_id",
      "u.name as clerk_name",
      db.raw(`(SELECT coalesce(jsonb_agg(DISTINCT s->'gemeinde'->>'name'), '[]'::jsonb) ${OWN_SECTIONS} AND s->'gemeinde' IS NOT NULL AND jsonb_typeof(s->'gemeinde') = 'object') AS gemeinden`),
      db.raw("(SELECT count(*)::int FROM case_involvements i WHERE i.case_id = c.id AND i.status = 'requested') AS pending_statements"),
      db.raw("(SELECT count(*)::int FROM case_messages m WHERE m.case_id = c.id AND m.read_at IS NULL AND m.author_organisation_id <> c.authority_id) AS unread"),
    );
  const items: InboxItem[] = rows.slice(0, LIMIT).map((r) => {
    const daysLeft = r.decision_due_on ? daysBetween(today, r.decision_due_on) : null;
    return {
      id: r.id,
      applicationId: r.application_id,
      fileNumber: r.file_number,
      title: r.title,
      operator: { id: r.operator_id, name: r.operator_name },
      status: r.status,
      receivedAt: new Date(r.received_at).toISOString(),
      completenessDueOn: r.completeness_due_on,
      decisionDueOn: r.decision_due_on,
      daysLeft,
      urgency: urgencyOf(r.status, daysLeft),
      extended: r.extension_count > 0,
      clerk: r.clerk_id ? { id: r.clerk_id, name: r.clerk_name } : null,
      gemeinden: (r.gemeinden as string[]).filter(Boolean).sort((x, y) => x.localeCompare(y, "de")),
      sectionLengthM: Number(r.section_length_m),
      pendingStatements: r.pending_statements,
      unreadMessages: r.unread,
    };
  });
  return { items, counts: await statusCounts(db, authorityId, today), truncated: rows.length > LIMIT, options: await filterOptions(db, authorityId) };
}

function applyFilter(query: Knex.QueryBuilder, filter: InboxFilter, today: string): void {
  if (filter.status === "open") query.whereIn("c.status", OPEN);
  else if (filter.status === "decided") query.whereIn("c.status", DECIDED);
  else if (filter.status !== "all") query.where("c.status", filter.status);
  if (filter.overdue) query.whereIn("c.status", ["submitted", "in_review"]).where("c.decision_due_on", "<", today);
  if (filter.operator) query.where("a.operator_id", filter.operator);
  if (filter.clerk === "none") query.whereNull("c.assigned_clerk_id");
  else if (filter.clerk) query.where("c.assigned_clerk_id", filter.clerk);
  if (filter.gemeinde) query.whereRaw(`EXISTS (SELECT 1 ${OWN_SECTIONS} AND s->'gemeinde'->>'ags' = ?)`, [filter.gemeinde]);
  const q = filter.q?.trim();
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, "\\$&")}%`;
    query.where((w) => w.whereILike("c.file_number", like).orWhereILike("a.title", like).orWhereILike("op.name", like));
  }
}

async function statusCounts(db: Db, authorityId: string, today: string): Promise<Inbox["counts"]> {
  const rows = await db("cases").where({ authority_id: authorityId }).groupBy("status").select("status", db.raw("count(*)::int AS n"));
  const counts = { submitted: 0, incomplete: 0, in_review: 0, approved: 0, rejected: 0, deemed_approved: 0, withdrawn: 0, overdue: 0 };
  for (const r of rows) counts[r.status as CaseStatus] = r.n;
  const overdue = await db("cases").where({ authority_id: authorityId }).whereIn("status", ["submitted", "in_review"]).where("decision_due_on", "<", today).first(db.raw("count(*)::int AS n"));
  counts.overdue = overdue?.n ?? 0;
  return counts;
}

async function filterOptions(db: Db, authorityId: string): Promise<Inbox["options"]> {
  const [gemeinden, operators, clerks] = await Promise.all([
    db
      .select(db.raw("DISTINCT s->'gemeinde'->>'ags' AS ags"), db.raw("s->'gemeinde'->>'name' AS name"))
      .fromRaw("cases c, application_versions v, jsonb_array_elements(v.check_report->'sections') s")
      .whereRaw("c.authority_id = ? AND v.application_id = c.application_id AND v.version_no = c.application_version AND s->'authority'->>'id' = c.authority_id::text AND jsonb_typeof(s->'gemeinde') = 'object'", [authorityId]),
    db("cases as c").join("applications as a", "a.id", "c.application_id").join("organisations as o", "o.id", "a.operator_id").where("c.authority_id", authorityId).distinct("o.id", "o.name"),
    db("memberships as m").join("users as u", "u.id", "m.user_id").where({ "m.organisation_id": authorityId, "u.is_active": true }).whereIn("m.role", ["authority_clerk", "authority_admin"]).select("u.id", "u.name"),
  ]);
  const byName = <T extends { name: string }>(list: T[]) => list.sort((x, y) => x.name.localeCompare(y.name, "de"));
  return {
    gemeinden: byName(gemeinden.map((g: { ags: string; name: string }) => ({ ags: g.ags, name: g.name }))),
    operators: byName(operators.map((o: { id: string; name: string }) => ({ id: o.id, name: o.name }))),
    clerks: byName(clerks.map((c: { id: string; name: string }) => ({ id: c.id, name: c.name }))),
  };
}
