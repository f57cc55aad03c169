/**
 * The data behind the state dashboard (Landesebene) and the public statistics page: gigabit
 * coverage and permit performance per Land, Kreis and Gemeinde and per road authority, for a date
 * range compared with the range of the same length just before it.
 *
 * Definitions (all dates are Europe/Berlin calendar days; a range is [from, to], both inclusive):
 *
 * - Area of a case: the Gemeinden its sections lie in, and (0 m) those of the road crossings it
 *   consents to (case_areas, see case-areas.server.ts; case_facts holds the same per Land, Kreis
 *   and Gemeinde, with the case's figures copied, see migration 0011). A
 *   case spanning two Gemeinden counts in both, but once in their Kreis; km use only the length
 *   inside the area. Kreis = first 5 digits of the Gemeinde AGS, Land = first 2. Figures "in an
 *   area" = cases with at least one case_areas row in it, each case once. With no area chosen,
 *   "everywhere" = every case of the portal (also one outside the known Gemeinden; km: the case's
 *   whole section_length_m). Withdrawn cases count nowhere, except that their application was filed.
 * - applicationsFiled: distinct applications with a case in the area whose FIRST submission
 *   (application_versions.version_no = 1) was in the range.
 * - casesDecided: cases approved or rejected with decided_at in the range; casesDeemed: cases deemed
 *   approved (Zustimmungsfiktion) with decided_at (when the deadline job ran) in the range.
 * - casesOpen: cases open at the end of `to`: received on or before `to` and either still open
 *   (submitted, incomplete, in review) or decided/deemed after `to`. casesOverdue: those of them
 *   whose decision deadline (decision_due_on, as now on record) is before `to`. The database keeps
 *   no status history, so a case withdrawn after `to` or stopped for missing items at `to` is read
 *   with its current state.
 * - processing days: calendar days from the Berlin date of receipt (received_at; for a reopened
 *   case its reopening) to the Berlin date of the decision, over the decided and deemed cases of
 *   the range; median and 90th percentile by percentile_cont (interpolated, may be fractional).
 * - processing buckets: 0–30, 31–60, 61–90, 91–120 and 121+ days; fromDays and toDays inclusive.
 * - decidedWithinDeadlineShare: cases approved/rejected on or before their decision_due_on
 *   (Berlin date of decided_at ≤ decision_due_on; no deadline on record counts as in time), divided
 *   by all decided + deemed cases of the range — a deemed approval is a missed deadline. Null
 *   without any.
 * - kmConsented: length inside the area of cases approved or deemed approved in the range, in km.
 * - coverage of a Gemeinde at a date D (as in coverage/series.server.ts, but set-based for all
 *   Gemeinden at once): its latest households observation at or before D (several datasets on one
 *   date: the one imported last) plus the homes of completion notices dated after that
 *   observation's date and up to D, capped at its households. Kreis, Land and "everywhere" = sums
 *   over their Gemeinden (8-digit AGS of the statistics, by AGS prefix) whose observation has both
 *   households and gigabit households; share = gigabit / households (null without households).
 *   coverageAsOf = the latest of the observation date and the dates of the notices added.
 *   gigabitShare KPI = the area's share at `to`; previous = at the end of the previous range.
 * - coverage series: the area's share at every observation date and at the end of every month with
 *   completion notices (the last one capped at `to`), in the 5 years up to `to`.
 * - months: every calendar month overlapping the range, also those without any figure; a month is
 *   counted only with the days inside the range.
 * - authorities: road authorities with a case in the area that is open at `to` or was decided or
 *   deemed approved in the range, with the same figures for those cases; sorted by name.
 * - filter defaults: no range = the 12 full calendar months before today; only `from` = up to today
 *   (or `from` itself when that is later); only `to` = the 12 months ending on `to`. Empty fields
 *   count as not given. A range may span at most 10 years. An area must be known in admin_areas.
 *   Drilling into a Kreis lists its Gemeinden (level gemeinde), whatever level was asked. The
 *   previous range has the same number of days and ends the day before `from`.
 *
 * Performance: 7 set-based statements run at once (PostgreSQL: one connection each; PGlite: in
 * turn). The case figures are single scans without joins or time zone conversions: of `cases`
 * (whose Berlin days of receipt and decision are kept by trigger) for everywhere, else of one grain
 * of case_facts. The big ones run with work_mem raised for their transaction. Processing-day
 * percentiles of the KPIs are computed exactly from a histogram in JavaScript; those per area and
 * authority by percentile_cont in SQL.
 */
import type { Knex } from "knex";
import type { Db } from "~/db.server";
import { invalid } from "~/modules/applications/access.server";
import type { ApplicationError, Result } from "~/modules/applications/errors";
import type { Principal } from "~/modules/auth/session.server";
import { addDays, addMonths, berlinDate, daysBetween } from "~/modules/deadlines/calendar";
import { systemClock, type Clock } from "~/utils/clock";
import {
  DashboardFilterSchema,
  type AreaLevel,
  type AreaRow,
  type AuthorityRow,
  type CoveragePoint,
  type Dashboard,
  type DashboardFilter,
  type DashboardKpis,
  type Kpi,
  type MonthRow,
  type ProcessingBucket,
} from "./model";

const DASHBOARD_ROLES: readonly Principal["role"][] = ["state_analyst", "platform_admin"];
const FORBIDDEN: ApplicationError = {
  code: "forbidden",
  message: "Das Dashboard steht nur der Landesebene und dem Plattformbetrieb zur Verfügung.",
};

/** Inclusive bounds of the processing-day buckets; the last one is open-ended. */
export const PROCESSING_BUCKETS: readonly { fromDays: number; toDays: number | null }[] = [
  { fromDays: 0, toDays: 30 },
  { fromDays: 31, toDays: 60 },
  { fromDays: 61, toDays: 90 },
  { fromDays: 91, toDays: 120 },
  { fromDays: 121, toDays: null },
];

const MAX_RANGE_YEARS = 10;
const COVERAGE_SERIES_YEARS = 5;
const DECIDED = "('approved','rejected')";
const CLOSED = "('approved','rejected','deemed_approved')";
const OPEN = "('submitted','incomplete','in_review')";
const CONSENTED = "('approved','deemed_approved')";
const IN_TIME = `(status IN ${DECIDED} AND (decision_due_on IS NULL OR decided_on <= decision_due_on))`;
/** Closed (decided or deemed) in the range — bindings: its first and last day. */
const CLOSED_IN = `(status IN ${CLOSED} AND decided_on BETWEEN ?::date AND ?::date)`;
/** Open at the end of the range — bindings: its last day, twice. */
const OPEN_AT = `(received_on <= ?::date AND (status IN ${OPEN} OR (status IN ${CLOSED} AND decided_on > ?::date)))`;
/** Counts over flagged() rows, and their median processing days — binding: the range's last day. */
const CASE_COUNTS = `count(*) FILTER (WHERE closed AND status IN ${DECIDED})::int AS decided,
              count(*) FILTER (WHERE closed AND status = 'deemed_approved')::int AS deemed,
              count(*) FILTER (WHERE open)::int AS open,
              count(*) FILTER (WHERE open AND decision_due_on < ?::date)::int AS overdue,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median`;

/**
 * The rows of a case source that were closed in the range or are open at its end (with `filed`:
 * or whose application was first submitted in the range), with the flags closed, open (filed) and
 * the processing days of the closed ones. Bindings: flaggedBindings, then the source's.
 */
function flagged(source: string, filed: boolean): string {
  const filedFlag = filed ? ", filed_on BETWEEN ?::date AND ?::date AS filed" : "";
  return `SELECT c.*, CASE WHEN closed THEN decided_on - received_on END AS days
          FROM (SELECT c.*, ${CLOSED_IN} AS closed, ${OPEN_AT} AS open${filedFlag} FROM ${source} c OFFSET 0) c
          WHERE closed OR open${filed ? " OR filed" : ""}`;
}

function flaggedBindings(s: Scope, filed: boolean): string[] {
  return [s.from, s.to, s.to, s.to, ...(filed ? [s.from, s.to] : [])];
}

/**
 * The analyst's dashboard for a filter (the query string: from, to, level, area). State staff and
 * platform admins only; the same for everyone who may see it (no row-level scope: they read all).
 */
export async function loadDashboard(db: Db, principal: Principal, input: unknown, { clock = systemClock }: { clock?: Clock } = {}): Promise<Result<Dashboard>> {
  if (!DASHBOARD_ROLES.includes(principal.role)) return { ok: false, error: FORBIDDEN };
  const resolved = await resolveFilter(db, input, clock, "dashboard");
  if (!resolved.ok) return resolved;
  const { filter, path } = resolved.value;
  const { authorities, ...figures } = await figuresOf(db, scope(filter), { authorities: true });
  return { ok: true, value: { filter, path, ...figures, authorities } };
}

/**
 * The public statistics page: the dashboard's KPIs, its Kreis rows, month rows, processing buckets
 * and coverage series — aggregates only. No road authority rows and nothing personal: no
 * operator or authority names, no file numbers, no application titles (only names of areas).
 */
export interface PublicStatistics {
  /** the range and the area (a Land, a Kreis or null for everywhere); always Kreis rows */
  filter: { from: string; to: string; area: string | null };
  previous: { from: string; to: string };
  path: Dashboard["path"];
  kpis: DashboardKpis;
  /** the Kreise inside the area (a Kreis area: that Kreis) */
  areas: AreaRow[];
  months: MonthRow[];
  processing: ProcessingBucket[];
  coverage: CoveragePoint[];
}

/** Public statistics for a filter (from, to, area; the level is always Kreis). No login needed. */
export async function publicStatistics(db: Db, input: unknown, { clock = systemClock }: { clock?: Clock } = {}): Promise<Result<PublicStatistics>> {
  const resolved = await resolveFilter(db, input, clock, "public");
  if (!resolved.ok) return resolved;
  const { filter, path } = resolved.value;
  const { previous, kpis: figures, areas: rows, months: monthRows, processing, coverage } = await figuresOf(db, scope(filter), { authorities: false });
  return {
    ok: true,
    value: { filter: { from: filter.from, to: filter.to, area: filter.area }, previous, path, kpis: figures, areas: rows, months: monthRows, processing, coverage },
  };
}

/**
 * All figures of a filter from independent, set-based queries run at once: on PostgreSQL each on
 * its own connection, on PGlite (one connection) one after the other.
 */
async function figuresOf(
  db: Db,
  s: Scope,
  options: { authorities: boolean },
): Promise<Pick<Dashboard, "previous" | "kpis" | "areas" | "months" | "processing" | "coverage" | "authorities">> {
  const [cases, authorities, filed, areaRows, areaCases, coverageNow, coveragePrevious, coverage] = await Promise.all([
    caseFigures(db, s),
    options.authorities ? authorityFigures(db, s) : [],
    filedFigures(db, s),
    listAreas(db, s),
    areaCaseFigures(db, s),
    coverageAt(db, s, s.to),
    coverageAt(db, s, s.previous.to),
    coverageSeries(db, s),
  ]);
  return {
    previous: s.previous,
    kpis: kpis(cases, filed, coverageNow, coveragePrevious),
    areas: areas(areaRows, areaCases, coverageNow),
    months: months(s, cases, filed),
    processing: cases.current.buckets,
    coverage,
    authorities,
  };
}

// ---------------------------------------------------------------------------------------------
// Filter
// ---------------------------------------------------------------------------------------------

async function resolveFilter(
  db: Db,
  input: unknown,
  clock: Clock,
  purpose: "dashboard" | "public",
): Promise<Result<{ filter: DashboardFilter; path: Dashboard["path"] }>> {
  const parsed = DashboardFilterSchema.safeParse(filterInput(input));
  if (!parsed.success) return { ok: false, error: invalid(parsed.error.issues) };
  const { from, to } = defaultRange(parsed.data.from, parsed.data.to, berlinDate(clock.now()));
  if (to > addDays(addMonths(from, 12 * MAX_RANGE_YEARS), -1)) {
    return { ok: false, error: fieldError("from", `Der Zeitraum darf höchstens ${MAX_RANGE_YEARS} Jahre umfassen.`) };
  }
  const area = parsed.data.area ?? null;
  const level = purpose === "public" ? "kreis" : area?.length === 5 ? "gemeinde" : parsed.data.level;
  const path = area ? await areaPath(db, area) : [];
  if (area && path.at(-1)?.ags !== area) return { ok: false, error: fieldError("area", "Dieses Gebiet ist nicht bekannt.") };
  return { ok: true, value: { filter: { from, to, level, area }, path } };
}

/** The query string as an object; empty fields (an unfilled form input) count as not given. */
function filterInput(input: unknown): unknown {
  const entries = input instanceof URLSearchParams ? Object.fromEntries(input) : input ?? {};
  if (typeof entries !== "object" || entries === null || Array.isArray(entries)) return entries;
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== "" && v !== null && v !== undefined));
}

function fieldError(path: string, message: string): ApplicationError {
  return { code: "invalid", message: "Bitte prüfen Sie die markierten Angaben.", fieldErrors: [{ path, message }] };
}

function firstOfMonth(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

/** The range asked for, with the defaults described at the top of this file. */
export function defaultRange(from: string | undefined, to: string | undefined, today: string): { from: string; to: string } {
  if (from && to) return { from, to };
  if (from) return { from, to: today < from ? from : today };
  if (to) return { from: addDays(addMonths(to, -12), 1), to };
  const thisMonth = firstOfMonth(today);
  return { from: addMonths(thisMonth, -12), to: addDays(thisMonth, -1) };
}

/** The area and its parents, Land first (only those admin_areas knows). */
async function areaPath(db: Db, area: string): Promise<Dashboard["path"]> {
  const candidates = [area.slice(0, 2), ...(area.length > 2 ? [area.slice(0, 5)] : [])];
  const rows: { ags: string; name: string; level: AreaLevel }[] = await db("admin_areas").whereIn("ags", candidates).orderBy(db.raw("length(ags)")).select("ags", "name", "level");
  return rows.map((r) => ({ ags: r.ags, name: r.name, level: r.level }));
}

// ---------------------------------------------------------------------------------------------
// Scope
// ---------------------------------------------------------------------------------------------

/** Everything the queries need: AGS bounds of the area, group key length, and the instants of the ranges. */
interface Scope {
  filter: DashboardFilter;
  from: string;
  to: string;
  previous: { from: string; to: string };
  /** the area's Gemeinde AGS lie between lo and hi (8 digits) */
  lo: string;
  hi: string;
  /** length of the AGS the rows are grouped by: 5 Kreis, 8 Gemeinde */
  groupLength: 5 | 8;
  /** Berlin midnight at the start of `from`, the day after `to`, and the start of the previous range */
  fromAt: string;
  toEndAt: string;
  previousFromAt: string;
}

/** The case_facts grain of an AGS length (migration 0011). */
function grainOf(agsLength: number): "land" | "kreis" | "gemeinde" {
  return agsLength === 2 ? "land" : agsLength === 5 ? "kreis" : "gemeinde";
}

/**
 * The cases of the filter's area, one row each, with the columns the figures need and the length
 * counted: with no area every case (its whole length), else its case_facts row for the area (the
 * length inside it).
 */
function casesOf(s: Scope): { sql: string; bindings: string[] } {
  const columns = "application_id, authority_id, status, received_on, decided_on, decision_due_on";
  return s.filter.area
    ? { sql: `(SELECT ${columns}, length_m FROM case_facts WHERE grain = ? AND ags = ?)`, bindings: [grainOf(s.filter.area.length), s.filter.area] }
    : { sql: `(SELECT ${columns}, section_length_m AS length_m FROM cases)`, bindings: [] };
}

function scope(filter: DashboardFilter): Scope {
  const days = daysBetween(filter.from, filter.to) + 1;
  const previous = { from: addDays(filter.from, -days), to: addDays(filter.from, -1) };
  const prefix = filter.area ?? "";
  // PostgreSQL reads "2026-01-01 00:00:00 Europe/Berlin" as that wall-clock time in Berlin
  const midnight = (date: string) => `${date} 00:00:00 Europe/Berlin`;
  return {
    filter,
    from: filter.from,
    to: filter.to,
    previous,
    lo: prefix.padEnd(8, "0"),
    hi: prefix.padEnd(8, "9"),
    groupLength: filter.level === "kreis" ? 5 : 8,
    fromAt: midnight(filter.from),
    toEndAt: midnight(addDays(filter.to, 1)),
    previousFromAt: midnight(previous.from),
  };
}

// ---------------------------------------------------------------------------------------------
// Case figures
// ---------------------------------------------------------------------------------------------

/**
 * Runs one of the big aggregations in its own transaction with more work_mem: with PostgreSQL's
 * default of 4 MB the sorts and hash tables over ~100,000 cases spill to disk (about a third
 * slower). SET LOCAL ends with that transaction. Inside a caller's transaction the query runs as
 * it is (savepoints of concurrent queries on one connection would interleave).
 */
async function rowsOf<T>(db: Db, sql: string, bindings: readonly Knex.RawBinding[]): Promise<T[]> {
  if ("isTransaction" in db && db.isTransaction) return ((await db.raw(sql, bindings)) as { rows: T[] }).rows;
  return db.transaction(async (trx) => {
    await trx.raw("SET LOCAL work_mem = '32MB'");
    const result: { rows: T[] } = await trx.raw(sql, bindings);
    return result.rows;
  });
}

interface ClosedFigures {
  decided: number;
  deemed: number;
  median: number | null;
  p90: number | null;
  inTime: number;
  lengthM: number;
  buckets: ProcessingBucket[];
}

interface CaseFigures {
  current: ClosedFigures;
  previous: ClosedFigures;
  /** decided and deemed per month of the range ("2026-03") */
  months: Map<string, { decided: number; deemed: number }>;
}

/** A row of the closed-cases aggregation: per month (by_month) or per processing days (the histogram). */
interface ClosedRow {
  period: 1 | 2;
  by_month: boolean;
  month: string | null;
  deemed: boolean;
  days: number | null;
  in_time: boolean | null;
  n: number;
  length_m: number;
}

/**
 * The KPIs' case figures and the months, from the cases closed (decided or deemed) in the range
 * (period 1) or the one before (period 2). With no area: every case of the portal (km: the case's
 * whole length); with an area: the cases with a part in it, each once (km: the length inside it).
 * Processing days come back as a histogram (they are whole numbers), from which the percentiles
 * and buckets are computed exactly in JavaScript instead of sorting every case in SQL.
 */
async function caseFigures(db: Db, s: Scope): Promise<CaseFigures> {
  const cases = casesOf(s);
  const rows = await rowsOf<ClosedRow>(
    db,
    `SELECT period, grouping(month_start) = 0 AS by_month, to_char(month_start, 'YYYY-MM') AS month, deemed, days, in_time,
            count(*)::int AS n, coalesce(sum(length_m) FILTER (WHERE consented), 0)::float8 AS length_m
     FROM (
       SELECT CASE WHEN decided_on >= ?::date THEN 1 ELSE 2 END AS period,
              status = 'deemed_approved' AS deemed, status IN ${CONSENTED} AS consented,
              decided_on - received_on AS days, ${IN_TIME} AS in_time, date_trunc('month', decided_on::timestamp) AS month_start, length_m
       FROM ${cases.sql} c
       WHERE status IN ${CLOSED} AND decided_on BETWEEN ?::date AND ?::date
     ) closed
     GROUP BY GROUPING SETS ((period, month_start, deemed), (period, deemed, days, in_time))`,
    [s.from, ...cases.bindings, s.previous.from, s.to],
  );
  const histograms = { 1: new Map<number, number>(), 2: new Map<number, number>() };
  const totals = { 1: { decided: 0, deemed: 0, inTime: 0, lengthM: 0 }, 2: { decided: 0, deemed: 0, inTime: 0, lengthM: 0 } };
  const months = new Map<string, { decided: number; deemed: number }>();
  for (const r of rows) {
    const kind = r.deemed ? "deemed" : "decided";
    if (r.by_month) {
      totals[r.period][kind] += r.n;
      totals[r.period].lengthM += Number(r.length_m);
      if (r.period === 1 && r.month) {
        const month = months.get(r.month) ?? { decided: 0, deemed: 0 };
        month[kind] += r.n;
        months.set(r.month, month);
      }
    } else if (r.days !== null) {
      histograms[r.period].set(r.days, (histograms[r.period].get(r.days) ?? 0) + r.n);
      if (r.in_time) totals[r.period].inTime += r.n;
    }
  }
  const figures = (period: 1 | 2): ClosedFigures => ({
    ...totals[period],
    median: percentileCont(histograms[period], 0.5),
    p90: percentileCont(histograms[period], 0.9),
    buckets: PROCESSING_BUCKETS.map((b) => ({
      ...b,
      cases: [...histograms[period]].reduce((sum, [days, n]) => (days >= b.fromDays && (b.toDays === null || days <= b.toDays) ? sum + n : sum), 0),
    })),
  });
  return { current: figures(1), previous: figures(2), months };
}

interface AuthorityDbRow {
  id: string;
  name: string;
  level: string | null;
  state: string | null;
  decided: number;
  deemed: number;
  open: number;
  overdue: number;
  median: number | null;
  p90: number | null;
  in_time: number;
}

/**
 * Road authorities with cases in the area that were closed in the range or are open at its end,
 * with the figures of those cases (with no area: all their cases).
 */
async function authorityFigures(db: Db, s: Scope): Promise<AuthorityRow[]> {
  const cases = casesOf(s);
  const rows = await rowsOf<AuthorityDbRow>(
    db,
    `WITH figures AS (
       SELECT authority_id, ${CASE_COUNTS},
              percentile_cont(0.9) WITHIN GROUP (ORDER BY days) AS p90,
              count(*) FILTER (WHERE closed AND ${IN_TIME})::int AS in_time
       FROM (${flagged(cases.sql, false)}) c
       GROUP BY authority_id
     )
     SELECT o.id, o.name, o.authority_level AS level, o.state, f.decided, f.deemed, f.open, f.overdue, f.median, f.p90, f.in_time
     FROM figures f JOIN organisations o ON o.id = f.authority_id`,
    [s.to, ...flaggedBindings(s, false), ...cases.bindings],
  );
  return rows
    .map((r) => ({
      id: r.id,
      name: r.name,
      level: r.level ?? "",
      state: r.state,
      casesOpen: r.open,
      casesOverdue: r.overdue,
      casesDecided: r.decided,
      casesDeemed: r.deemed,
      medianProcessingDays: r.median,
      p90ProcessingDays: r.p90,
      decidedWithinDeadlineShare: share(r.in_time, r.decided + r.deemed),
    }))
    .sort((a, b) => a.name.localeCompare(b.name, "de") || a.id.localeCompare(b.id));
}

/**
 * PostgreSQL's percentile_cont over a histogram of whole numbers (value → count): the value at
 * position p·(n−1) of the sorted values, interpolated linearly between its neighbours.
 */
export function percentileCont(histogram: ReadonlyMap<number, number>, p: number): number | null {
  const values = [...histogram].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = values.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const position = p * (total - 1);
  const at = (index: number): number => {
    let seen = 0;
    for (const [value, n] of values) {
      seen += n;
      if (index < seen) return value;
    }
    return values[values.length - 1]![0];
  };
  const lower = at(Math.floor(position));
  const upper = at(Math.ceil(position));
  return lower + (position - Math.floor(position)) * (upper - lower);
}

interface FiledFigures {
  current: number;
  previous: number;
  months: Map<string, number>;
}

/**
 * Applications first submitted (application_versions version 1) in the range and the one before,
 * per month: with no area all of them, else those with a case in the area.
 */
async function filedFigures(db: Db, s: Scope): Promise<FiledFigures> {
  // with an area: the Berlin day of first submission is on the case_facts rows of its cases
  const { rows } = await db.raw<{ rows: { current: boolean; month: string; n: number }[] }>(
    s.filter.area
      ? `SELECT current, to_char(month_start, 'YYYY-MM') AS month, count(DISTINCT application_id)::int AS n
         FROM (
           SELECT filed_on >= ?::date AS current, date_trunc('month', filed_on::timestamp) AS month_start, application_id
           FROM case_facts
           WHERE grain = ? AND ags = ? AND filed_on BETWEEN ?::date AND ?::date
         ) filed
         GROUP BY current, month_start`
      : // the month of each submission by its place among the Berlin month starts, not a time zone conversion per row
        `WITH months AS (
           SELECT array_agg((to_char(m, 'YYYY-MM-DD') || ' 00:00:00 Europe/Berlin')::timestamptz ORDER BY m) AS starts
           FROM generate_series(date_trunc('month', ?::date), ?::date, interval '1 month') AS m
         )
         SELECT current, to_char(months.starts[bucket] AT TIME ZONE 'Europe/Berlin', 'YYYY-MM') AS month, n
         FROM (
           SELECT v.submitted_at >= ?::timestamptz AS current, width_bucket(v.submitted_at, months.starts) AS bucket, count(*)::int AS n
           FROM application_versions v, months
           WHERE v.version_no = 1 AND v.submitted_at >= ?::timestamptz AND v.submitted_at < ?::timestamptz
           GROUP BY 1, 2
         ) filed, months`,
    s.filter.area
      ? [s.from, grainOf(s.filter.area.length), s.filter.area, s.previous.from, s.to]
      : [s.previous.from, s.to, s.fromAt, s.previousFromAt, s.toEndAt],
  );
  const result: FiledFigures = { current: 0, previous: 0, months: new Map() };
  for (const r of rows) {
    result[r.current ? "current" : "previous"] += r.n;
    if (r.current) result.months.set(r.month, r.n);
  }
  return result;
}

/** The admin areas of the filter's level inside its area. */
async function listAreas(db: Db, s: Scope): Promise<{ ags: string; name: string; level: AreaLevel; parent_ags: string | null }[]> {
  const query = db("admin_areas").where("level", s.filter.level).orderBy("ags").select("ags", "name", "level", "parent_ags");
  if (s.filter.area) query.whereRaw("left(ags, ?::int) = ?", [s.filter.area.length, s.filter.area]);
  return query;
}

interface AreaCaseRow {
  area: string;
  decided: number;
  deemed: number;
  open: number;
  overdue: number;
  median: number | null;
  length_m: number;
  /** applications first submitted in the range with a case here, each once */
  filed: number;
}

/**
 * The case figures of each area row (Kreis or Gemeinde) for the range, from the case_facts rows of
 * that grain: each case once per area, with its length inside it.
 */
async function areaCaseFigures(db: Db, s: Scope): Promise<Map<string, AreaCaseRow>> {
  const [lo, hi] = [s.lo.slice(0, s.groupLength), s.hi.slice(0, s.groupLength)];
  const rows = await rowsOf<AreaCaseRow>(
    db,
    `SELECT ags AS area, ${CASE_COUNTS},
            coalesce(sum(length_m) FILTER (WHERE closed AND status IN ${CONSENTED}), 0)::float8 AS length_m,
            count(DISTINCT application_id) FILTER (WHERE filed)::int AS filed
     FROM (${flagged("(SELECT * FROM case_facts WHERE grain = ? AND ags BETWEEN ? AND ?)", true)}) c
     GROUP BY ags`,
    [s.to, ...flaggedBindings(s, true), grainOf(s.groupLength), lo, hi],
  );
  return new Map(rows.map((r) => [r.area, r]));
}

// ---------------------------------------------------------------------------------------------
// Coverage
// ---------------------------------------------------------------------------------------------

interface CoverageGroup {
  households: number;
  gigabitHouseholds: number;
  asOf: string | null;
}

/**
 * Coverage at a date per area row (AGS prefix of the group length), from every Gemeinde of the
 * statistics inside the area: the latest observation at or before the date, plus completion homes
 * after it, capped at its households. One statement for all Gemeinden (DISTINCT ON).
 */
async function coverageAt(db: Db, s: Scope, date: string): Promise<Map<string, CoverageGroup>> {
  const { rows } = await db.raw<{ rows: { area: string; households: number; gigabit: number; as_of: string | null }[] }>(
    `WITH latest AS (
       SELECT DISTINCT ON (o.ags) o.ags, o.as_of, o.households, o.households_gigabit_ftth AS gigabit
       FROM coverage_observations o
       WHERE o.audience = 'households' AND length(o.ags) = 8 AND o.ags BETWEEN ? AND ? AND o.as_of <= ?::date
       ORDER BY o.ags, o.as_of DESC, o.import_run_id DESC
     ), gemeinden AS (
       SELECT l.ags, l.households,
              least(l.gigabit + coalesce(sum(e.homes_passed), 0), l.households) AS gigabit,
              greatest(l.as_of, max(e.occurred_on)) AS as_of
       FROM latest l
       LEFT JOIN coverage_events e ON e.ags = l.ags AND e.occurred_on > l.as_of AND e.occurred_on <= ?::date
       WHERE l.households IS NOT NULL AND l.gigabit IS NOT NULL
       GROUP BY l.ags, l.households, l.gigabit, l.as_of
     )
     SELECT left(ags, ?::int) AS area, sum(households)::float8 AS households, sum(gigabit)::float8 AS gigabit, max(as_of)::text AS as_of
     FROM gemeinden
     GROUP BY 1`,
    [s.lo, s.hi, date, date, s.groupLength],
  );
  return new Map(rows.map((r) => [r.area, { households: Number(r.households), gigabitHouseholds: Number(r.gigabit), asOf: r.as_of }]));
}

/**
 * The area's coverage over time. Every Gemeinde's value is a step function (a new observation, or
 * a day with completion homes); the area total is the running sum of the changes of all its
 * Gemeinden, read off at each observation date and each month end with completions.
 */
async function coverageSeries(db: Db, s: Scope): Promise<CoveragePoint[]> {
  const since = addMonths(s.to, -12 * COVERAGE_SERIES_YEARS);
  const { rows } = await db.raw<{ rows: { at: string; households: number; gigabit: number }[] }>(
    `WITH observations AS (
       SELECT DISTINCT ON (o.ags, o.as_of) o.ags, o.as_of, o.households AS hh, o.households_gigabit_ftth AS gigabit
       FROM coverage_observations o
       WHERE o.audience = 'households' AND length(o.ags) = 8 AND o.ags BETWEEN ? AND ? AND o.as_of <= ?::date
       ORDER BY o.ags, o.as_of, o.import_run_id DESC
     ), spans AS (
       SELECT ags, as_of, hh, gigabit, lead(as_of) OVER (PARTITION BY ags ORDER BY as_of) AS until
       FROM observations
     ), completion_days AS (
       -- homes per Gemeinde and day, added to the observation whose span the day lies in
       SELECT s.ags, s.as_of, e.occurred_on, sum(e.homes_passed) AS homes
       FROM spans s
       JOIN coverage_events e ON e.ags = s.ags AND e.occurred_on > s.as_of AND (s.until IS NULL OR e.occurred_on < s.until) AND e.occurred_on <= ?::date
       GROUP BY s.ags, s.as_of, e.occurred_on
     ), states AS (
       SELECT ags, as_of AS on_date, hh, gigabit, 0::bigint AS homes, true AS observed FROM spans
       UNION ALL
       SELECT d.ags, d.occurred_on, s.hh, s.gigabit, sum(d.homes) OVER (PARTITION BY d.ags, d.as_of ORDER BY d.occurred_on), false
       FROM completion_days d JOIN spans s ON s.ags = d.ags AND s.as_of = d.as_of
     ), valued AS (
       SELECT ags, on_date, observed,
              CASE WHEN hh IS NULL OR gigabit IS NULL THEN 0 ELSE hh END AS hh,
              CASE WHEN hh IS NULL OR gigabit IS NULL THEN 0 ELSE least(gigabit + homes, hh) END AS gigabit
       FROM states
     ), changes AS (
       SELECT on_date, observed,
              hh - coalesce(lag(hh) OVER w, 0) AS d_hh,
              gigabit - coalesce(lag(gigabit) OVER w, 0) AS d_gigabit
       FROM valued
       WINDOW w AS (PARTITION BY ags ORDER BY on_date)
     ), totals AS (
       SELECT on_date, bool_or(observed) AS observed, bool_or(NOT observed) AS completed,
              sum(sum(d_hh)) OVER (ORDER BY on_date) AS hh,
              sum(sum(d_gigabit)) OVER (ORDER BY on_date) AS gigabit
       FROM changes
       GROUP BY on_date
     ), points AS (
       SELECT on_date AS at FROM totals WHERE observed AND on_date >= ?::date
       UNION
       SELECT least((date_trunc('month', on_date) + interval '1 month - 1 day')::date, ?::date) FROM totals WHERE completed AND on_date >= ?::date
     )
     SELECT p.at::text AS at, t.hh::float8 AS households, t.gigabit::float8 AS gigabit
     FROM points p
     CROSS JOIN LATERAL (SELECT hh, gigabit FROM totals WHERE totals.on_date <= p.at ORDER BY totals.on_date DESC LIMIT 1) t
     ORDER BY p.at`,
    [s.lo, s.hi, s.to, s.to, since, s.to, since],
  );
  return rows
    .map((r) => ({ asOf: r.at, households: Number(r.households), gigabitHouseholds: Number(r.gigabit) }))
    .filter((p) => p.households > 0)
    .map((p) => ({ ...p, share: p.gigabitHouseholds / p.households }));
}

// ---------------------------------------------------------------------------------------------
// Assembly
// ---------------------------------------------------------------------------------------------

function num(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}

function share(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** Metres to kilometres, to the decimetre (the check report's precision). */
function km(lengthM: number): number {
  return Math.round(lengthM * 10) / 10_000;
}

function coverageShare(groups: Map<string, CoverageGroup>): number | null {
  let households = 0;
  let gigabit = 0;
  for (const g of groups.values()) {
    households += g.households;
    gigabit += g.gigabitHouseholds;
  }
  return share(gigabit, households);
}

function kpis(
  cases: CaseFigures,
  filed: FiledFigures,
  coverageNow: Map<string, CoverageGroup>,
  coveragePrevious: Map<string, CoverageGroup>,
): DashboardKpis {
  const kpi = (value: number | null, previous: number | null): Kpi => ({ value, previous });
  const { current: c, previous: p } = cases;
  return {
    gigabitShare: kpi(coverageShare(coverageNow), coverageShare(coveragePrevious)),
    applicationsFiled: kpi(filed.current, filed.previous),
    casesDecided: kpi(c.decided, p.decided),
    casesDeemed: kpi(c.deemed, p.deemed),
    medianProcessingDays: kpi(c.median, p.median),
    p90ProcessingDays: kpi(c.p90, p.p90),
    decidedWithinDeadlineShare: kpi(share(c.inTime, c.decided + c.deemed), share(p.inTime, p.decided + p.deemed)),
    kmConsented: kpi(km(c.lengthM), km(p.lengthM)),
  };
}

function areas(
  rows: Awaited<ReturnType<typeof listAreas>>,
  cases: Map<string, AreaCaseRow>,
  coverage: Map<string, CoverageGroup>,
): AreaRow[] {
  return rows.map((a) => {
    const c = cases.get(a.ags);
    const cov = coverage.get(a.ags);
    return {
      ags: a.ags,
      name: a.name,
      level: a.level,
      parentAgs: a.parent_ags,
      households: cov?.households ?? null,
      gigabitHouseholds: cov?.gigabitHouseholds ?? null,
      gigabitShare: cov ? share(cov.gigabitHouseholds, cov.households) : null,
      coverageAsOf: cov?.asOf ?? null,
      applicationsFiled: c?.filed ?? 0,
      casesDecided: c?.decided ?? 0,
      casesDeemed: c?.deemed ?? 0,
      casesOpen: c?.open ?? 0,
      casesOverdue: c?.overdue ?? 0,
      medianProcessingDays: num(c?.median ?? null),
      kmConsented: km(Number(c?.length_m ?? 0)),
    };
  });
}

/** Every calendar month overlapping the range, oldest first, zeros included. */
function months(s: Scope, cases: CaseFigures, filed: FiledFigures): MonthRow[] {
  const result: MonthRow[] = [];
  for (let m = firstOfMonth(s.from); m <= s.to; m = addMonths(m, 1)) {
    const month = m.slice(0, 7);
    const closed = cases.months.get(month);
    result.push({ month, applicationsFiled: filed.months.get(month) ?? 0, casesDecided: closed?.decided ?? 0, casesDeemed: closed?.deemed ?? 0 });
  }
  return result;
}
