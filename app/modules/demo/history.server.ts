/**
 * A believable history for the demo portal: two years of applications by the two demo operators in
 * the Landkreis Auenwald, reviewed and decided by the demo authorities, some built and completed,
 * plus three Breitbandatlas-style coverage imports — so the state dashboard, the inboxes and the
 * public pages have something to show.
 *
 * Everything is replayed through the real domain functions (drafts, submission with the route
 * check, review actions, the deadline sweep, works notices, the coverage import) on a ManualClock
 * that walks through the two years in time order: file numbers, deadlines, documents, review audit
 * events, mails and coverage events are what the portal would have produced at those dates.
 * Every call gets that clock, so rows and audit events carry their historical times. Mails of the
 * past are kept in the outbox, never sent.
 *
 * Deterministic: routes, outcomes and offsets come from a seeded PRNG; only the dates depend on
 * `now`. Idempotent: the portal_settings key `demo.history` is claimed first; a second run (or a
 * second process) finds it and writes nothing.
 *
 * Not part of the base demo seed (seed.server.ts): the test database template stays without it.
 */
import { randomBytes } from "node:crypto";
import type { Knex } from "knex";
import { addAttachment } from "~/modules/applications/attachments.server";
import type { Result } from "~/modules/applications/errors";
import {
  APPLICATION_STATUSES,
  CASE_STATUSES,
  type ApplicationDraft,
  type ApplicationStatus,
  type AttachmentKind,
  type CaseStatus,
  type DraftRoute,
  type SectionProperties,
} from "~/modules/applications/schema";
import {
  amendApplication,
  createDraft,
  reportCompletion,
  reportWorksStarted,
  saveDraft,
  submitApplication,
  withdrawApplication,
} from "~/modules/applications/service.server";
import type { Principal } from "~/modules/auth/session.server";
import type { CheckReport } from "~/modules/checks/report";
import type { LayingMethod } from "~/modules/checks/methods";
import { templatesForCase } from "~/modules/conditions/service.server";
import type { ConditionTemplate } from "~/modules/conditions/schema";
import { importCoverageCsv } from "~/modules/coverage/import.server";
import { addDays, berlinDate, daysBetween, isWorkingDay, type IsoDate } from "~/modules/deadlines/calendar";
import { MAIL_SEND_JOB } from "~/modules/mail/outbox.server";
import { createUser } from "~/modules/organisations/service.server";
import { confirmCompleteness, decideCase, extendDeadline, giveStatement, involveBody, requestMissingItems } from "~/modules/review/actions.server";
import { sweepDeadlines } from "~/modules/review/deadlines.server";
import type { DecisionCondition, MissingItemKey } from "~/modules/review/schema";
import { ManualClock, type Clock } from "~/utils/clock";
import { mulberry32, shuffled, type Rng } from "~/utils/prng";
import { DEMO_SOURCE } from "./region";
import { PDFDocument, StandardFonts } from "pdf-lib";

/** portal_settings key that marks the history as seeded (or being seeded). */
export const HISTORY_MARKER_KEY = "demo.history";

const DAY_MS = 86_400_000;
/** how far back the history reaches */
const HISTORY_DAYS = 730;
/** the PRNG seed: the same routes and outcomes on every installation */
const SEED = 0x41_75_65_6e; // "Auen"

/** What the database holds after the seed (all applications and cases, not only the history's). */
export interface DemoHistoryReport {
  /** the marker was there: nothing was written */
  alreadySeeded: boolean;
  /** first and last submission (Berlin dates) */
  from: string | null;
  to: string | null;
  applications: number;
  applicationsByStatus: Record<ApplicationStatus, number>;
  cases: number;
  casesByStatus: Record<CaseStatus, number>;
  /** cases per road authority (organisation slug) */
  casesByAuthority: Record<string, number>;
  /** open cases past their decision deadline at `now` (the running deadline job deems them approved) */
  overdueCases: number;
  documents: number;
  completions: number;
  coverageImports: number;
  durationMs: number;
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/**
 * Seeds the history ending at `now` into a database that has the base demo (seedDemo). Takes
 * 10–20 s on the embedded database (the route check of every submission, a PDF per decision).
 */
export async function seedDemoHistory(knex: Knex, { now }: { now: Date }): Promise<DemoHistoryReport> {
  const started = performance.now();
  const today = berlinDate(now);
  if (await knex("portal_settings").where({ key: HISTORY_MARKER_KEY }).first("key")) {
    return { ...(await summarise(knex, today)), alreadySeeded: true, durationMs: performance.now() - started };
  }
  const ctx = await prepare(knex, now);
  // claimed first: a second process starting at the same time finds the key and leaves it alone
  const claimed = await knex("portal_settings")
    .insert({
      key: HISTORY_MARKER_KEY,
      value: JSON.stringify({ status: "running", now: now.toISOString(), startedAt: new Date().toISOString() }),
      description: "Demo-Historie (Anträge, Verfahren, Versorgungsdaten) wurde eingespielt; nicht ändern.",
    })
    .onConflict("key")
    .ignore()
    .returning("key");
  if (claimed.length === 0) return { ...(await summarise(knex, today)), alreadySeeded: true, durationMs: performance.now() - started };

  const firstOutbox = await maxId(knex, "outbox");
  const firstJob = await maxId(knex, "jobs");
  try {
    const clock = new ManualClock(new Date(now.getTime() - (HISTORY_DAYS + 120) * DAY_MS));
    await replay(ctx, clock);
  } catch (error) {
    // what was written stays (documents and audit events cannot be taken back); the marker says so
    await knex("portal_settings")
      .where({ key: HISTORY_MARKER_KEY })
      .update({ value: JSON.stringify({ status: "failed", now: now.toISOString(), error: String(error).slice(0, 2000) }), updated_at: knex.fn.now() });
    throw error;
  }
  // the notices of the past were "sent" back then: they stay readable in the outbox and never go out
  await knex("outbox").where("id", ">", firstOutbox).where({ status: "pending" }).update({ status: "kept" });
  await knex("jobs").where("id", ">", firstJob).where({ kind: MAIL_SEND_JOB, status: "pending" }).update({ status: "done", finished_at: knex.fn.now() });

  const summary = await summarise(knex, today);
  await knex("portal_settings")
    .where({ key: HISTORY_MARKER_KEY })
    .update({ value: JSON.stringify({ status: "done", now: now.toISOString(), ...summary }), updated_at: knex.fn.now() });
  return { ...summary, alreadySeeded: false, durationMs: performance.now() - started };
}

async function maxId(knex: Knex, table: string): Promise<number> {
  const row = await knex(table).max<{ max: string | number | null }>("id as max").first();
  return Number(row?.max ?? 0);
}

// ---------------------------------------------------------------------------------------------
// Context: organisations, people, roads
// ---------------------------------------------------------------------------------------------

interface Segment {
  externalId: string;
  key: string;
  no: number;
  name: string | null;
  ref: string | null;
  roadClass: string;
  ortsdurchfahrt: boolean;
  surface: string | null;
  authority: string;
  level: string;
  ags: string;
  lengthM: number;
  digBlocked: boolean;
  start: [number, number];
  end: [number, number];
}

interface Context {
  knex: Knex;
  now: Date;
  today: IsoDate;
  orgs: Map<string, { id: string; name: string; slug: string; level: string | null }>;
  gemeinden: Map<string, string>;
  segments: Segment[];
}

async function prepare(knex: Knex, now: Date): Promise<Context> {
  const orgRows: { id: string; name: string; slug: string; authority_level: string | null }[] = await knex("organisations").select("id", "name", "slug", "authority_level");
  const orgs = new Map(orgRows.map((o) => [o.slug, { id: o.id, name: o.name, slug: o.slug, level: o.authority_level }]));
  for (const slug of ["glasfasernetz-hessen", "fiberway-deutschland", "unb-auenwald", "kreis-auenwald", "hessen-mobil", "stadt-auenstadt"]) {
    if (!orgs.has(slug)) throw new Error(`seedDemoHistory: demo organisation ${slug} missing — run seedDemo first`);
  }
  const gemeinden = new Map(
    (await knex("admin_areas").where({ level: "gemeinde", source: DEMO_SOURCE }).orderBy("ags").select<{ ags: string; name: string }[]>("ags", "name")).map((g) => [g.ags, g.name]),
  );
  return { knex, now, today: berlinDate(now), orgs, gemeinden, segments: [] };
}

/** Demo road segments with what route planning needs: authority, Gemeinde, ends, and whether digging is out. */
async function loadSegments(knex: Knex): Promise<Segment[]> {
  const { rows } = await knex.raw<{ rows: Record<string, unknown>[] }>(
    `SELECT r.external_id, r.name, r.ref, r.road_class, r.ortsdurchfahrt, r.surface, o.slug, o.authority_level,
            g.ags, ST_Length(r.geom) AS length_m,
            ST_X(ST_StartPoint(r.geom)) AS sx, ST_Y(ST_StartPoint(r.geom)) AS sy,
            ST_X(ST_EndPoint(r.geom)) AS ex, ST_Y(ST_EndPoint(r.geom)) AS ey,
            EXISTS (SELECT 1 FROM conflict_features f
                    WHERE f.layer_key IN ('trees', 'structures', 'railways') AND ST_DWithin(f.geom, r.geom, 3)) AS dig_blocked
     FROM roads r
     JOIN organisations o ON o.id = r.authority_id AND o.kind = 'road_authority' AND o.authority_level IN ('gemeinde', 'kreis', 'land')
     JOIN admin_areas g ON g.level = 'gemeinde' AND ST_Contains(g.geom, ST_LineInterpolatePoint(r.geom, 0.5))
     WHERE r.source = ? AND NOT r.bridge AND NOT r.tunnel
       AND r.external_id ~ '-[0-9]{3}$'
       AND NOT EXISTS (SELECT 1 FROM conflict_features z
                       WHERE z.layer_key = 'water_protection_zones' AND z.attributes->>'zone' = 'I' AND ST_DWithin(z.geom, r.geom, 20))`,
    [DEMO_SOURCE],
  );
  const segments = rows.map((r): Segment => {
    const externalId = String(r.external_id);
    const match = /^(.*)-(\d{3})$/.exec(externalId)!;
    return {
      externalId,
      key: match[1]!,
      no: Number(match[2]),
      name: (r.name as string | null) ?? null,
      ref: (r.ref as string | null) ?? null,
      roadClass: String(r.road_class),
      ortsdurchfahrt: Boolean(r.ortsdurchfahrt),
      surface: (r.surface as string | null) ?? null,
      authority: String(r.slug),
      level: String(r.authority_level),
      ags: String(r.ags),
      lengthM: Number(r.length_m),
      digBlocked: Boolean(r.dig_blocked),
      start: [Number(r.sx), Number(r.sy)],
      end: [Number(r.ex), Number(r.ey)],
    };
  });
  // by road and number, independent of the database's collation: the same plan on every engine
  return segments.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.no - b.no));
}

/** Maximal runs of consecutive segments of one road, one authority and one Gemeinde that join end to start. */
function roadRuns(segments: Segment[]): Segment[][] {
  const runs: Segment[][] = [];
  let run: Segment[] = [];
  for (const s of segments) {
    const last = run.at(-1);
    const joins =
      last !== undefined &&
      last.key === s.key &&
      last.no + 1 === s.no &&
      last.authority === s.authority &&
      last.ags === s.ags &&
      Math.hypot(last.end[0] - s.start[0], last.end[1] - s.start[1]) < 0.5;
    if (!joins && run.length > 0) {
      runs.push(run);
      run = [];
    }
    run.push(s);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

interface Principals {
  operators: { gnh: Principal; fiberway: Principal };
  consultedBody: Principal;
  clerks: Map<string, Principal>;
}

async function principalFor(knex: Knex, email: string): Promise<Principal> {
  const row = await knex("users as u")
    .join("memberships as m", "m.user_id", "u.id")
    .join("organisations as o", "o.id", "m.organisation_id")
    .where("u.email", email)
    .first("u.id", "u.email", "u.name", "m.role", "o.id as org_id", "o.name as org_name", "o.kind", "o.authority_level", "o.state", "o.ags");
  if (!row) throw new Error(`seedDemoHistory: user ${email} missing — run seedDemo first`);
  return {
    sessionId: "demo-history",
    userId: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    organisation: { id: row.org_id, name: row.org_name, kind: row.kind, authorityLevel: row.authority_level, state: row.state, ags: row.ags },
  };
}

/**
 * People the base demo has no account for: FiberWay's planner and a clerk for each road authority
 * without one. They get a random password (no demo login); an admin can set one.
 */
const EXTRA_PEOPLE: Record<string, { email: string; name: string; role: "operator" | "authority_clerk" }> = {
  "fiberway-deutschland": { email: "fiberway@demo.test", name: "Miriam Krüger", role: "operator" },
  "gemeinde-erlengrund": { email: "tiefbau.erlengrund@demo.test", name: "Peter Lang", role: "authority_clerk" },
  "gemeinde-hohenwarte": { email: "tiefbau.hohenwarte@demo.test", name: "Claudia Neumann", role: "authority_clerk" },
  "gemeinde-lindenhain": { email: "tiefbau.lindenhain@demo.test", name: "Stefan Braun", role: "authority_clerk" },
  "gemeinde-wiesental": { email: "tiefbau.wiesental@demo.test", name: "Monika Hartmann", role: "authority_clerk" },
  "autobahn-gmbh-west": { email: "leitungen.autobahn@demo.test", name: "Frank Zimmermann", role: "authority_clerk" },
};

async function personOf(ctx: Context, clock: Clock, slug: string, roles: string[]): Promise<Principal> {
  const org = ctx.orgs.get(slug)!;
  const existing = await ctx.knex("memberships as m")
    .join("users as u", "u.id", "m.user_id")
    .where({ "m.organisation_id": org.id, "u.is_active": true })
    .whereIn("m.role", roles)
    .orderBy([{ column: "m.role" }, { column: "u.email" }])
    .first("u.email");
  if (existing) return principalFor(ctx.knex, existing.email);
  const person = EXTRA_PEOPLE[slug] ?? { email: `sachbearbeitung.${slug}@demo.test`, name: `Sachbearbeitung ${org.name}`.slice(0, 200), role: "authority_clerk" as const };
  const created = await createUser(ctx.knex, { userId: null, organisationId: null }, {
    name: person.name,
    email: person.email,
    organisationId: org.id,
    role: person.role,
    password: randomBytes(18).toString("base64url"),
  }, { clock });
  if (!created.ok) throw new Error(`seedDemoHistory: user for ${slug}: ${created.error.message}`);
  return principalFor(ctx.knex, person.email);
}

// ---------------------------------------------------------------------------------------------
// Planning (pure, deterministic)
// ---------------------------------------------------------------------------------------------

const SCENARIOS = {
  approve: 17,
  approve_body: 3,
  missing_items: 4,
  extension: 2,
  reject: 4,
  deemed: 5,
  withdrawn: 2,
  open_submitted: 3,
  open_in_review: 2,
  open_body_overdue: 1,
  open_incomplete: 2,
  open_overdue: 2,
  open_due_soon: 1,
} as const;
type Scenario = keyof typeof SCENARIOS;

/** Days after `today` within which a scenario's submission must lie: [earliest, latest] (negative: in the past). */
function submissionWindow(s: Scenario): [number, number] {
  switch (s) {
    case "open_submitted":
      return [-12, -2];
    case "open_in_review":
      return [-70, -18];
    case "open_body_overdue":
      return [-50, -42];
    case "open_incomplete":
      return [-60, -28];
    case "open_overdue":
      // received a little over three months ago: the decision deadline passed a few days ago
      return [-101, -98];
    case "open_due_soon":
      // the deadline ends in the coming days: red in the clerk's inbox
      return [-87, -85];
    case "deemed":
    case "extension":
      return [-HISTORY_DAYS, -130];
    case "missing_items":
      return [-HISTORY_DAYS, -115];
    case "withdrawn":
      return [-HISTORY_DAYS, -50];
    default:
      return [-HISTORY_DAYS, -92];
  }
}

interface SectionPlan {
  segments: Segment[];
  properties: SectionProperties;
}

interface AppPlan {
  seed: number;
  scenario: Scenario;
  operator: "gnh" | "fiberway";
  submitDay: IsoDate;
  gemeinde: { ags: string; name: string };
  sections: SectionPlan[];
  elements: { at: "start" | "end"; section: number; elementType: "verteilerkasten" | "muffe" | "schacht" }[];
  title: string;
  area: string;
  reference: string;
  /** works start and completion, if the application is approved early enough */
  works: boolean;
  completes: boolean;
}

const GEMEINDE_WEIGHTS: Record<string, number> = { "06999001": 0.34, "06999002": 0.13, "06999003": 0.14, "06999004": 0.23, "06999005": 0.16 };

function pickWeighted<T>(rng: Rng, items: readonly T[], weight: (t: T) => number): T {
  const total = items.reduce((n, t) => n + weight(t), 0);
  let x = rng() * total;
  for (const t of items) {
    x -= weight(t);
    if (x < 0) return t;
  }
  return items[items.length - 1]!;
}

const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));

function planApplications(ctx: Context): AppPlan[] {
  const rng = mulberry32(SEED);
  const runs = roadRuns(ctx.segments);
  const used = new Set<string>();
  const scenarios = shuffled(
    rng,
    (Object.entries(SCENARIOS) as [Scenario, number][]).flatMap(([s, n]) => Array.from({ length: n }, () => s)),
  );

  // where roads meet: a route that passes a junction with another authority's road needs that
  // authority's consent too (a crossing); most demo routes avoid that, a few do not
  const point = (p: [number, number]) => `${Math.round(p[0] * 10)},${Math.round(p[1] * 10)}`;
  const authoritiesAt = new Map<string, Set<string>>();
  for (const s of ctx.segments) {
    for (const p of [s.start, s.end]) authoritiesAt.set(point(p), (authoritiesAt.get(point(p)) ?? new Set()).add(s.authority));
  }
  const meetsOthers = (window: Segment[]) =>
    window.some((s) => [s.start, s.end].some((p) => [...(authoritiesAt.get(point(p)) ?? [])].some((a) => a !== s.authority)));

  /**
   * A window of 2+ consecutive unused segments in the Gemeinde, of the wanted authority level,
   * within the length range; one that meets no other authority's road unless `crossing` allows it.
   */
  const pickWindow = (ags: string, levels: string[], minM: number, maxM: number, crossing = true): Segment[] | null => {
    let candidates: Segment[][] = [];
    for (const run of runs) {
      if (run[0]!.ags !== ags || !levels.includes(run[0]!.level)) continue;
      for (let i = 0; i < run.length; i++) {
        let length = 0;
        for (let j = i; j < run.length; j++) {
          if (used.has(run[j]!.externalId)) break;
          length += run[j]!.lengthM;
          if (length > maxM) break;
          if (j > i && length >= minM) candidates.push(run.slice(i, j + 1));
        }
      }
    }
    if (!crossing) {
      const apart = candidates.filter((w) => !meetsOthers(w));
      if (apart.length > 0) candidates = apart;
    }
    if (candidates.length === 0) return null;
    const window = candidates[Math.floor(rng() * candidates.length)]!;
    // a street segment belongs to one application of the demo only
    for (const s of window) used.add(s.externalId);
    return window;
  };

  const plans: AppPlan[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    const ags = pickWeighted(rng, [...ctx.gemeinden.keys()], (a) => GEMEINDE_WEIGHTS[a] ?? 0.1);
    const roll = rng();
    const mainLevels = roll < 0.56 ? ["gemeinde"] : roll < 0.76 ? ["kreis"] : ["land"];
    const crossing = rng() < 0.25;
    const main =
      pickWindow(ags, mainLevels, mainLevels[0] === "gemeinde" ? 250 : 600, mainLevels[0] === "gemeinde" ? 1400 : 2800, crossing) ??
      pickWindow(ags, ["gemeinde", "kreis", "land"], 200, 2800);
    if (!main) continue;
    const windows = [main];
    // one in five also runs along a road of another authority in the same Gemeinde: two cases
    if (rng() < 0.22) {
      const otherLevels = main[0]!.level === "gemeinde" ? ["kreis", "land"] : ["gemeinde"];
      const second = pickWindow(ags, otherLevels, 200, 1200, false);
      if (second) windows.push(second);
    }
    const operator = rng() < 0.62 ? "gnh" : "fiberway";
    const [earliest, latest] = submissionWindow(scenario);
    // spread evenly (a golden-ratio sequence rather than clumps of random dates), with a little
    // more activity in the second year, as the rollout gathers pace
    const spread = (index * 0.618_034 + 0.31 + rng() * 0.04) % 1;
    const offset = Math.round(earliest + (latest - earliest) * Math.pow(spread, 0.85));
    const sections = windows.map((segments) => ({ segments, properties: sectionProperties(rng, segments) }));
    const elements: AppPlan["elements"] = [];
    if (rng() < 0.6) elements.push({ at: "start", section: 0, elementType: "verteilerkasten" });
    if (rng() < 0.35) elements.push({ at: "end", section: 0, elementType: rng() < 0.5 ? "muffe" : "schacht" });
    const gemeinde = { ags, name: ctx.gemeinden.get(ags)! };
    const approving = ["approve", "approve_body", "missing_items", "extension", "deemed"].includes(scenario);
    const works = approving && rng() < 0.55;
    plans.push({
      seed: (SEED ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0,
      scenario,
      operator,
      submitDay: addDays(ctx.today, offset),
      gemeinde,
      sections,
      elements,
      ...describe(main, gemeinde.name, operator, rng),
      reference: "",
      works,
      completes: works && rng() < 0.6,
    });
  }
  plans.sort((a, b) => a.submitDay.localeCompare(b.submitDay) || a.seed - b.seed);
  // a second project on the same road is the next Bauabschnitt
  const titles = new Map<string, number>();
  for (const plan of plans) {
    const n = (titles.get(plan.title) ?? 0) + 1;
    titles.set(plan.title, n);
    if (n > 1) plan.title = `${plan.title}, ${n}. Bauabschnitt`;
  }
  // the operators' own project numbers, per year in submission order
  const counters = new Map<string, number>();
  for (const plan of plans) {
    const year = plan.submitDay.slice(0, 4);
    const key = `${plan.operator}-${year}`;
    const n = (counters.get(key) ?? (plan.operator === "gnh" ? 100 : 40)) + int(rng, 1, 4);
    counters.set(key, n);
    plan.reference = plan.operator === "gnh" ? `GNH-${year}-${n}` : `FW-HE-${year.slice(2)}-${String(n).padStart(4, "0")}`;
  }
  return plans;
}

function sectionProperties(rng: Rng, segments: Segment[]): SectionProperties {
  const blocked = segments.some((s) => s.digBlocked);
  const asphalt = segments.every((s) => s.surface === "asphalt");
  const rural = segments.every((s) => s.level !== "gemeinde" && !s.ortsdurchfahrt);
  const roll = rng();
  const method: LayingMethod = blocked
    ? "hdd"
    : roll < 0.45
      ? "open_trench"
      : roll < 0.68 && asphalt
        ? "trenching_micro"
        : roll < 0.82 && rural
          ? "plough"
          : roll < 0.95
            ? "hdd"
            : "open_trench";
  const ducts = int(rng, 1, 4);
  const base = { ductCount: ducts, ductDiameterMm: ducts > 2 ? 40 : 50, cableType: pickWeighted(rng, ["Mikrokabel 96 Fasern", "Mikrokabel 144 Fasern", "Mikrokabel 288 Fasern"], () => 1) };
  switch (method) {
    case "trenching_micro":
      return { method, depthM: 0.45, widthM: 0.12, ...base };
    case "plough":
      return { method, depthM: 0.7, widthM: 0.15, ...base };
    case "hdd":
      return { method, depthM: 1.2, widthM: 0.2, ...base };
    default:
      return { method, depthM: 0.8, widthM: 0.4, ...base };
  }
}

function roadLabel(s: Segment): string {
  if (s.level === "gemeinde" && !s.ref) return s.name ?? "Gemeindestraße";
  return s.ref ? (s.name ? `${s.ref} (${s.name})` : s.ref) : (s.name ?? "Straße");
}

function describe(main: Segment[], gemeinde: string, operator: "gnh" | "fiberway", rng: Rng): { title: string; area: string } {
  const first = main[0]!;
  const road = roadLabel(first);
  if (first.level === "gemeinde" && !first.ref) {
    const title = operator === "gnh" ? `FTTH-Ausbau ${gemeinde}, ${road}` : `Glasfaser-Hausanschlüsse ${gemeinde} – ${road}`;
    return { title, area: `Ortsnetz ${gemeinde}, Cluster ${int(rng, 1, 9)}` };
  }
  const kind = pickWeighted(rng, ["Glasfaser-Zubringer", "Backbone-Trasse", "Hauptkabeltrasse"], () => 1);
  const where = first.ortsdurchfahrt ? `Ortsdurchfahrt ${gemeinde}` : `außerorts bei ${gemeinde}`;
  return { title: `${kind} ${first.ref ?? road} bei ${gemeinde}`, area: `${road}, ${where}` };
}

// ---------------------------------------------------------------------------------------------
// The replay
// ---------------------------------------------------------------------------------------------

interface CaseState {
  id: string;
  authorityId: string;
  authoritySlug: string;
  primary: boolean;
  outcome: "approved" | "rejected" | "deemed" | null;
}

interface AppState {
  plan: AppPlan;
  rng: Rng;
  submittedAt: Date;
  operator: Principal;
  id: string;
  cases: CaseState[];
  report: CheckReport | null;
  worksScheduled: boolean;
}

/** A queue of timed steps, run in time order; steps may schedule later steps. */
class Timeline {
  private steps: { at: number; seq: number; run: () => Promise<void> }[] = [];
  private seq = 0;
  private current = 0;
  constructor(private readonly end: number) {}

  /** Schedules a step; one at or after the end of the history is left out (it has not happened yet). */
  add(at: Date, run: () => Promise<void>): boolean {
    const t = Math.max(at.getTime(), this.current + 60_000);
    if (t >= this.end) return false;
    this.steps.push({ at: t, seq: this.seq++, run });
    return true;
  }

  async run(clock: ManualClock): Promise<void> {
    while (this.steps.length > 0) {
      let best = 0;
      for (let i = 1; i < this.steps.length; i++) {
        const s = this.steps[i]!;
        const b = this.steps[best]!;
        if (s.at < b.at || (s.at === b.at && s.seq < b.seq)) best = i;
      }
      const [step] = this.steps.splice(best, 1);
      this.current = step!.at;
      clock.set(new Date(step!.at));
      await step!.run();
    }
  }
}

/** A working day at or after `day` (Hessen), at office hours (07:00–15:00 UTC). */
function officeTime(day: IsoDate, rng: Rng): Date {
  let d = day;
  while (!isWorkingDay(d, "HE")) d = addDays(d, 1);
  const minutes = 7 * 60 + Math.floor(rng() * 8 * 60);
  return new Date(Date.parse(`${d}T00:00:00Z`) + minutes * 60_000);
}

function must<T>(result: Result<T>, what: string): T {
  if (!result.ok) throw new Error(`seedDemoHistory: ${what}: ${JSON.stringify(result.error)}`);
  return result.value;
}

async function replay(ctx: Context, clock: ManualClock): Promise<void> {
  const { knex } = ctx;
  ctx.segments = await loadSegments(knex);
  const plans = planApplications(ctx);
  const timeline = new Timeline(ctx.now.getTime() - 60 * 60_000);

  // the people: created before the first application
  const principals: Principals = {
    operators: { gnh: await principalFor(knex, "betreiber@demo.test"), fiberway: await personOf(ctx, clock, "fiberway-deutschland", ["operator"]) },
    consultedBody: await principalFor(knex, "fachbehoerde@demo.test"),
    clerks: new Map(),
  };
  const clerkOf = async (slug: string) => {
    let clerk = principals.clerks.get(slug);
    if (!clerk) {
      clerk = await personOf(ctx, clock, slug, ["authority_clerk", "authority_admin"]);
      principals.clerks.set(slug, clerk);
    }
    return clerk;
  };
  for (const slug of ["stadt-auenstadt", "gemeinde-erlengrund", "gemeinde-hohenwarte", "gemeinde-lindenhain", "gemeinde-wiesental", "kreis-auenwald", "hessen-mobil"]) {
    if (ctx.orgs.has(slug)) await clerkOf(slug);
  }

  const templates = new Map<string, ConditionTemplate[]>();
  const catalogue = async (authorityId: string) => {
    let list = templates.get(authorityId);
    if (!list) {
      list = await templatesForCase(knex, authorityId);
      templates.set(authorityId, list);
    }
    return list;
  };
  const unb = ctx.orgs.get("unb-auenwald")!;

  const caseVersion = async (id: string) => (await knex("cases").where({ id }).first("version")).version as number;
  const appVersion = async (id: string) => (await knex("applications").where({ id }).first("version")).version as number;

  // ---- operator steps ----

  const draftFor = (app: AppState): ApplicationDraft => {
    const { plan } = app;
    const firstDay = addDays(plan.submitDay, int(app.rng, 35, 70));
    const contact =
      plan.operator === "gnh"
        ? { name: "Jonas Becker", email: "jonas.becker@glasfasernetz-hessen.example", phone: "+49 641 9876540" }
        : { name: "Miriam Krüger", email: "m.krueger@fiberway.example", phone: "+49 561 4471230" };
    const rural = plan.sections.every((s) => s.segments[0]!.level !== "gemeinde");
    const impact = rural ? "lane_narrowing" : pickWeighted(app.rng, ["lane_narrowing", "half_closure", "none"] as const, (i) => (i === "none" ? 0.2 : 1));
    return {
      title: plan.title,
      area: plan.area,
      reference: plan.reference,
      contact,
      ...(plan.operator === "fiberway"
        ? { planningOffice: { name: "Ingenieurbüro Netzplan Nordhessen GmbH", contactName: "Tobias Wendt", email: "t.wendt@netzplan-nordhessen.example", phone: "+49 561 7700120" } }
        : {}),
      rightOfWay: plan.operator === "gnh" ? { reference: "BNetzA 125-2019-0431", date: "2019-05-14" } : { reference: "BNetzA 125-2021-1177", date: "2021-09-02" },
      reducedDepthDeclaration: plan.sections.some((s) => (s.properties.depthM ?? 1) < 0.6) ? true : undefined,
      period: { start: firstDay, end: addDays(firstDay, int(app.rng, 4, 12) * 7) },
      traffic: {
        impact,
        description:
          impact === "none"
            ? undefined
            : impact === "half_closure"
              ? "Halbseitige Sperrung abschnittsweise je höchstens 80 m, Verkehrsregelung durch Lichtsignalanlage; Zufahrten bleiben erhalten."
              : "Einengung der Fahrbahn auf einer Länge von höchstens 50 m je Bauabschnitt, Gehweg bleibt mit Notweg passierbar.",
      },
      remarks: plan.sections.some((s) => s.properties.method === "hdd") ? "Querungen und Baumstandorte werden im Spülbohrverfahren unterfahren." : undefined,
    };
  };

  const routeFor = async (plan: AppPlan, methodOverride?: Partial<SectionProperties>): Promise<DraftRoute> => {
    const lines: [number, number][][][] = [];
    for (const section of plan.sections) {
      const { rows } = await knex.raw<{ rows: { g: { type: string; coordinates: unknown } }[] }>(
        `SELECT ST_AsGeoJSON(ST_Transform(ST_LineMerge(ST_Collect(geom ORDER BY external_id)), 4326), 8)::json AS g
         FROM roads WHERE source = ? AND external_id = ANY(?)`,
        [DEMO_SOURCE, section.segments.map((s) => s.externalId)],
      );
      const g = rows[0]!.g;
      lines.push(g.type === "LineString" ? [g.coordinates as [number, number][]] : (g.coordinates as [number, number][][]));
    }
    return {
      type: "FeatureCollection",
      features: [
        ...lines.map((parts, i) => ({
          type: "Feature" as const,
          geometry: parts.length === 1 ? { type: "LineString" as const, coordinates: parts[0]! } : { type: "MultiLineString" as const, coordinates: parts },
          properties: { ...plan.sections[i]!.properties, ...methodOverride },
        })),
        ...plan.elements.map((e) => {
          const parts = lines[e.section]!;
          const point = e.at === "start" ? parts[0]![0]! : parts.at(-1)!.at(-1)!;
          return { type: "Feature" as const, geometry: { type: "Point" as const, coordinates: point }, properties: { elementType: e.elementType } };
        }),
      ],
    };
  };

  const submit = async (app: AppState) => {
    const { plan, operator } = app;
    let result = await submitApplication(knex, operator, app.id, { expectedVersion: await appVersion(app.id) }, { clock });
    if (!result.ok && result.error.code === "blocked") {
      // the check found a tree or structure in the way: the planner switches to a trenchless method
      must(
        await saveDraft(knex, operator, app.id, { expectedVersion: await appVersion(app.id), route: await routeFor(plan, { method: "hdd", depthM: 1.2, widthM: 0.2 }) }, { clock }),
        `${plan.title}: route`,
      );
      result = await submitApplication(knex, operator, app.id, { expectedVersion: await appVersion(app.id) }, { clock });
    }
    const submitted = must(result, `${plan.title}: submission`);
    const check = await knex("application_versions").where({ application_id: app.id, version_no: submitted.version }).first("check_report");
    app.report = check?.check_report as CheckReport;
    const mainAuthority = plan.sections[0]!.segments[0]!.authority;
    const rows: { id: string; authority_id: string; slug: string }[] = await knex("cases as c")
      .join("organisations as o", "o.id", "c.authority_id")
      .where("c.application_id", app.id)
      .select("c.id", "c.authority_id", "o.slug");
    rows.sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
    const primary = rows.find((r) => r.slug === mainAuthority) ?? rows[0]!;
    app.cases = rows.map((r) => ({ id: r.id, authorityId: r.authority_id, authoritySlug: r.slug, primary: r === primary, outcome: null }));
    for (const c of app.cases) await scheduleCase(app, c);
  };

  // ---- clerk steps ----

  /**
   * A case's course: each step a number of days after the one before (at office hours on a working
   * day), so the steps keep their order whatever weekends and holidays move.
   */
  const course = (app: AppState) => {
    let t = app.submittedAt;
    return (days: number): Date => {
      const next = officeTime(addDays(berlinDate(t), days), app.rng);
      t = next.getTime() > t.getTime() ? next : new Date(t.getTime() + 45 * 60_000);
      return t;
    };
  };

  const confirm = (app: AppState, c: CaseState, at: Date) =>
    timeline.add(at, async () => {
      const clerk = await clerkOf(c.authoritySlug);
      must(await confirmCompleteness(knex, clerk, c.id, { expectedVersion: await caseVersion(c.id) }, { clock }), `${app.plan.title}: completeness`);
    });

  const conditionsFor = async (app: AppState, c: CaseState): Promise<DecisionCondition[]> => {
    const list = await catalogue(c.authorityId);
    const layers = new Set((app.report?.conflicts ?? []).map((x) => x.layer));
    const methods = new Set(app.plan.sections.map((s) => s.properties.method));
    const shallow = app.plan.sections.some((s) => (s.properties.depthM ?? 1) < 0.6);
    const fits = (t: ConditionTemplate) =>
      t.standard ||
      (t.title.includes("Bäume") && layers.has("trees")) ||
      (t.title.includes("Verlegetiefe") && shallow) ||
      (t.title.includes("Trenching") && [...methods].some((m) => m?.startsWith("trenching") || m === "plough"));
    const chosen: DecisionCondition[] = list.filter(fits).map((t) => ({ kind: t.kind, title: t.title, body: t.body, source: "catalogue", templateId: t.id, involvementId: null }));
    if (app.rng() < 0.3) {
      chosen.push({
        kind: "condition",
        title: "Abstimmung mit laufenden Straßenbaumaßnahmen",
        body: "Die Arbeiten sind mindestens zwei Wochen vor Beginn mit dem Straßenbauamt abzustimmen; in den Sommerferien sind Arbeiten im Bereich der Schulwege nicht zulässig.",
        source: "custom",
        templateId: null,
        involvementId: null,
      });
    }
    return chosen;
  };

  const decide = (app: AppState, c: CaseState, at: Date, decision: "approve" | "reject") =>
    timeline.add(at, async () => {
      const clerk = await clerkOf(c.authoritySlug);
      const input =
        decision === "approve"
          ? { expectedVersion: await caseVersion(c.id), decision, conditions: await conditionsFor(app, c) }
          : { expectedVersion: await caseVersion(c.id), decision, reasons: rejectionReason(app) };
      must(await decideCase(knex, clerk, c.id, input, { clock }), `${app.plan.title}: decision`);
      c.outcome = decision === "approve" ? "approved" : "rejected";
      afterDecision(app);
    });

  const requestItems = (app: AppState, c: CaseState, at: Date, amendAt: Date | null) => {
    const pick = pickWeighted(app.rng, MISSING_REQUESTS, () => 1);
    timeline.add(at, async () => {
      const clerk = await clerkOf(c.authoritySlug);
      must(await requestMissingItems(knex, clerk, c.id, { expectedVersion: await caseVersion(c.id), items: pick.items, body: pick.body }, { clock }), `${app.plan.title}: missing items`);
    });
    if (amendAt === null) return;
    timeline.add(amendAt, async () => {
      const { operator } = app;
      must(await addAttachment(knex, operator, app.id, { kind: pick.attachment.kind, fileName: pick.attachment.fileName, bytes: await demoPdf(pick.attachment.title, app.plan) }, { clock }), `${app.plan.title}: attachment`);
      must(await amendApplication(knex, operator, app.id, { expectedVersion: await appVersion(app.id), reason: pick.amendment }, { clock }), `${app.plan.title}: amendment`);
    });
  };

  const involve = (app: AppState, c: CaseState, at: Date, answerAt: Date | null) => {
    const dueOn = addDays(berlinDate(at), answerAt === null ? 14 : 21);
    timeline.add(at, async () => {
      const clerk = await clerkOf(c.authoritySlug);
      must(
        await involveBody(knex, clerk, c.id, { expectedVersion: await caseVersion(c.id), bodyId: unb.id, question: bodyQuestion(app), dueOn }, { clock }),
        `${app.plan.title}: consulted body`,
      );
    });
    if (answerAt === null) return;
    timeline.add(answerAt, async () => {
      const inv = await knex("case_involvements").where({ case_id: c.id, body_id: unb.id }).first("id", "version");
      const statement = app.rng() < 0.7 ? "agree_with_conditions" : "agree";
      must(
        await giveStatement(
          knex,
          principals.consultedBody,
          inv.id,
          {
            expectedVersion: inv.version,
            statement,
            text: "Aus naturschutzfachlicher Sicht bestehen keine Bedenken, wenn die folgenden Auflagen eingehalten werden.",
            conditions: statement === "agree" ? [] : BODY_CONDITIONS.slice(0, int(app.rng, 1, BODY_CONDITIONS.length)),
          },
          { clock },
        ),
        `${app.plan.title}: statement`,
      );
    });
  };

  const extend = (app: AppState, c: CaseState, at: Date) =>
    timeline.add(at, async () => {
      const clerk = await clerkOf(c.authoritySlug);
      must(
        await extendDeadline(
          knex,
          clerk,
          c.id,
          { expectedVersion: await caseVersion(c.id), reason: "Die Querung erfordert eine Abstimmung mit dem Träger der parallel geplanten Kanalsanierung; die Prüfung der Verkehrsführung dauert an." },
          { clock },
        ),
        `${app.plan.title}: extension`,
      );
    });

  const plannedDeemed = new Set<string>();
  const deemedSweep = async (app: AppState, c: CaseState) => {
    plannedDeemed.add(c.id);
    const due = (await knex("cases").where({ id: c.id }).first(knex.raw("decision_due_on::text AS due"))).due as string;
    // the deadline job's first run after the period ended (it runs every few minutes)
    timeline.add(new Date(Date.parse(`${addDays(due, 1)}T00:20:00Z`)), async () => {
      await knex.transaction((trx) => sweepDeadlines(trx, clock));
      const deemedNow: string[] = await knex("cases").where({ status: "deemed_approved", decided_at: clock.now() }).pluck("id");
      const unplanned = deemedNow.filter((id) => !plannedDeemed.has(id));
      if (!deemedNow.includes(c.id) || unplanned.length > 0) {
        throw new Error(`seedDemoHistory: ${app.plan.title}: the sweep at ${clock.now().toISOString()} deemed ${deemedNow.length} cases (${unplanned.length} unplanned)`);
      }
      c.outcome = "deemed";
      afterDecision(app);
    });
  };

  /** The clerk's course of one case (and the operator's answers to it), in days after the step before. */
  const scheduleCase = async (app: AppState, c: CaseState) => {
    const r = app.rng;
    const next = course(app);
    const scenario: Scenario = c.primary ? app.plan.scenario : app.plan.scenario === "withdrawn" ? "open_in_review" : "approve";
    switch (scenario) {
      case "approve":
        if (r() < 0.75) confirm(app, c, next(int(r, 1, 8)));
        decide(app, c, next(5 + Math.floor(60 * Math.pow(r(), 1.7))), "approve");
        break;
      case "approve_body": {
        confirm(app, c, next(int(r, 2, 5)));
        const involved = next(int(r, 1, 5));
        const answered = next(int(r, 6, 16));
        involve(app, c, involved, answered);
        decide(app, c, next(int(r, 2, 10)), "approve");
        break;
      }
      case "missing_items": {
        // within the completeness period of one month; the amendment restarts the clock
        const requested = next(int(r, 4, 20));
        requestItems(app, c, requested, next(int(r, 8, 32)));
        confirm(app, c, next(int(r, 2, 5)));
        decide(app, c, next(int(r, 8, 40)), "approve");
        break;
      }
      case "extension": {
        // extended a little before the three months are up, decided in the fourth month
        const confirmed = int(r, 3, 9);
        confirm(app, c, next(confirmed));
        extend(app, c, next(int(r, 74, 79) - confirmed));
        decide(app, c, next(int(r, 16, 24)), "approve");
        break;
      }
      case "reject":
        confirm(app, c, next(int(r, 2, 9)));
        decide(app, c, next(int(r, 15, 60)), "reject");
        break;
      case "deemed":
        if (r() < 0.5) confirm(app, c, next(int(r, 3, 18)));
        await deemedSweep(app, c);
        break;
      case "withdrawn": {
        if (r() < 0.5) confirm(app, c, next(int(r, 2, 6)));
        timeline.add(next(int(r, 10, 30)), async () => {
          must(await withdrawApplication(knex, app.operator, app.id, { expectedVersion: await appVersion(app.id) }, { clock }), `${app.plan.title}: withdrawal`);
        });
        break;
      }
      case "open_in_review":
      case "open_overdue":
      case "open_due_soon":
        confirm(app, c, next(int(r, 2, 7)));
        break;
      case "open_body_overdue":
        confirm(app, c, next(3));
        involve(app, c, next(int(r, 3, 6)), null);
        break;
      case "open_incomplete":
        requestItems(app, c, next(int(r, 5, 20)), null);
        break;
      case "open_submitted":
        break;
    }
  };

  /** Once every case is decided without a rejection, the operator builds (if planned and time allows). */
  const afterDecision = (app: AppState) => {
    if (app.worksScheduled || !app.plan.works) return;
    if (!app.cases.every((c) => c.outcome !== null) || app.cases.some((c) => c.outcome === "rejected")) return;
    app.worksScheduled = true;
    const decidedOn = berlinDate(clock.now());
    const startDay = addDays(decidedOn, int(app.rng, 8, 35));
    const started = timeline.add(officeTime(startDay, app.rng), async () => {
      must(
        await reportWorksStarted(knex, app.operator, app.id, { expectedVersion: await appVersion(app.id), date: berlinDate(clock.now()) }, { clock }),
        `${app.plan.title}: works started`,
      );
    });
    if (!started || !app.plan.completes) return;
    timeline.add(officeTime(addDays(startDay, int(app.rng, 18, 65)), app.rng), async () => {
      must(
        await reportCompletion(
          knex,
          app.operator,
          app.id,
          { expectedVersion: await appVersion(app.id), date: berlinDate(clock.now()), homesPassed: homesPassed(app), asBuilt: "as_planned" },
          { clock },
        ),
        `${app.plan.title}: completion`,
      );
    });
  };

  // ---- the applications ----

  for (const plan of plans) {
    const rng = mulberry32(plan.seed);
    // submitted on a working day before the end of the history (a holiday may push it back)
    let submittedAt = officeTime(plan.submitDay, rng);
    for (let back = 1; submittedAt.getTime() >= ctx.now.getTime() - 2 * 3_600_000; back++) submittedAt = officeTime(addDays(plan.submitDay, -back), rng);
    const app: AppState = { plan, rng, submittedAt, operator: principals.operators[plan.operator], id: "", cases: [], report: null, worksScheduled: false };
    // the planner drafts a few days before submitting
    const draftedAt = new Date(submittedAt.getTime() - int(rng, 1, 6) * DAY_MS - int(rng, 1, 5) * 3_600_000);
    timeline.add(draftedAt, async () => {
      const created = must(await createDraft(knex, app.operator, { title: plan.title }, { clock }), `${plan.title}: draft`);
      app.id = created.id;
      must(await saveDraft(knex, app.operator, app.id, { expectedVersion: created.version, draft: draftFor(app), route: await routeFor(plan) }, { clock }), `${plan.title}: form`);
      if (plan.operator === "fiberway") {
        must(
          await addAttachment(knex, app.operator, app.id, { kind: "power_of_attorney", fileName: "Vollmacht_Netzplan_Nordhessen.pdf", bytes: await demoPdf("Vollmacht", plan) }, { clock }),
          `${plan.title}: power of attorney`,
        );
      }
    });
    timeline.add(submittedAt, () => submit(app));
  }

  // ---- coverage statistics, imported when they were published ----

  for (const [i, asOf] of coverageDates(ctx.today).entries()) {
    const importedAt = new Date(Math.min(Date.parse(`${addDays(asOf, 80)}T09:00:00Z`), ctx.now.getTime() - 2 * 3_600_000));
    timeline.add(importedAt, async () => {
      const summary = await importCoverageCsv(
        knex,
        {
          text: coverageCsv(ctx, i),
          fileName: `demo-auenwald_breitbandatlas_privathaushalte_${asOf}.csv`,
          asOf,
          audience: "households",
          actor: "Demo-Daten (seedDemoHistory)",
        },
        { clock },
      );
      if (summary.status !== "imported" || summary.rowsRejected > 0) throw new Error(`seedDemoHistory: coverage ${asOf}: ${JSON.stringify(summary.errors)}`);
      // the figures are invented: the run must not pass for the Bundesnetzagentur's data
      await knex("coverage_import_runs").where({ id: summary.runId }).update({ dataset: DEMO_DATASET.name, attribution: DEMO_DATASET.attribution });
    });
  }

  await timeline.run(clock);
}

// ---------------------------------------------------------------------------------------------
// Texts and numbers
// ---------------------------------------------------------------------------------------------

const MISSING_REQUESTS: readonly {
  items: MissingItemKey[];
  body: string;
  attachment: { kind: AttachmentKind; fileName: string; title: string };
  amendment: string;
}[] = [
  {
    items: ["traffic_plan"],
    body: "Für die halbseitige Sperrung fehlt ein Verkehrszeichenplan nach RSA 21. Bitte reichen Sie ihn nach.",
    attachment: { kind: "traffic_plan", fileName: "Verkehrszeichenplan_RSA21.pdf", title: "Verkehrszeichenplan" },
    amendment: "Verkehrszeichenplan nach RSA 21 nachgereicht.",
  },
  {
    items: ["cross_sections"],
    body: "Bitte ergänzen Sie Regelquerschnitte mit Lage der Leerrohre im Gehweg und in der Fahrbahn.",
    attachment: { kind: "plan", fileName: "Regelquerschnitte.pdf", title: "Regelquerschnitte" },
    amendment: "Regelquerschnitte mit Lage der Leerrohre ergänzt.",
  },
  {
    items: ["tree_protection"],
    body: "Im Bereich des Straßenbaumbestands fehlen Angaben zum Baumschutz nach DIN 18920.",
    attachment: { kind: "other", fileName: "Baumschutzkonzept_DIN18920.pdf", title: "Baumschutzkonzept" },
    amendment: "Baumschutzkonzept nach DIN 18920 beigefügt; Wurzelbereiche werden unterbohrt.",
  },
];

const BODY_CONDITIONS = [
  {
    title: "Baumschutz im Wurzelbereich",
    body: "Im Wurzelbereich von Straßenbäumen ist ausschließlich in Handschachtung zu arbeiten; Wurzeln ab 2 cm Durchmesser dürfen nicht durchtrennt werden (DIN 18920, RAS-LP 4).",
  },
  {
    title: "Gehölzschnitt nur außerhalb der Brutzeit",
    body: "Ein Rückschnitt von Gehölzen ist nur vom 1. Oktober bis 28. Februar zulässig (§ 39 Abs. 5 BNatSchG).",
  },
];

function bodyQuestion(app: AppState): string {
  const layers = new Set((app.report?.conflicts ?? []).map((c) => c.layer));
  const what = layers.has("nature_reserves")
    ? "Die Trasse berührt ein Schutzgebiet."
    : layers.has("trees")
      ? "Die Trasse verläuft im Wurzelbereich von Straßenbäumen."
      : "Die Trasse verläuft am Rand von Gehölz- und Grünflächen.";
  return `${what} Wir bitten um Ihre naturschutzfachliche Stellungnahme.`;
}

function rejectionReason(app: AppState): string {
  const layers = new Set((app.report?.conflicts ?? []).map((c) => c.layer));
  if (layers.has("resurfaced_roads")) {
    return "Die Fahrbahn im beantragten Abschnitt wurde erst vor kurzem grundhaft erneuert; ein Aufbruch ist während der Aufbruchsperre nicht zulässig. Eine Verlegung im Gehweg bzw. im Bankett ist möglich; bitte stellen Sie hierfür einen neuen Antrag.";
  }
  if (layers.has("trees")) {
    return "Die Trasse verläuft im Wurzelbereich des geschützten Straßenbaumbestands. Eine Verlegung in offener Bauweise würde die Bäume erheblich schädigen; eine grabenlose Verlegung außerhalb der Wurzelbereiche wurde trotz Hinweis nicht beantragt.";
  }
  return "Für den beantragten Abschnitt ist im kommenden Jahr der grundhafte Ausbau der Straße einschließlich Kanalerneuerung beschlossen. Die Leitungsverlegung ist mit dieser Maßnahme zu koordinieren (Mitverlegung nach § 77i TKG a. F. / § 143 TKG); eine gesonderte Verlegung vorab wird abgelehnt.";
}

/** Homes passed: by route length, denser along town streets than along country roads. */
function homesPassed(app: AppState): number {
  let homes = 0;
  for (const s of app.plan.sections) {
    const lengthKm = s.segments.reduce((n, x) => n + x.lengthM, 0) / 1000;
    const town = s.segments[0]!.level === "gemeinde" || s.segments[0]!.ortsdurchfahrt;
    homes += lengthKm * (town ? 90 + app.rng() * 90 : 6 + app.rng() * 18);
  }
  return Math.max(6, Math.round(homes));
}

/** A small one-page PDF standing in for a plan or a letter of the operator. */
async function demoPdf(title: string, plan: AppPlan): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  // Helvetica speaks WinAnsi: umlauts and ß print, anything else is replaced
  const winAnsi = (text: string) => text.replace(/[^\x20-\x7e\xa0-\xff–€„“]/g, "?");
  [title, plan.title, `${plan.reference} – Demo-Dokument`].forEach((line, i) => page.drawText(winAnsi(line), { x: 72, y: 760 - i * 28, size: i === 0 ? 20 : 12, font }));
  return doc.save();
}

// ---------------------------------------------------------------------------------------------
// Coverage
// ---------------------------------------------------------------------------------------------

export const DEMO_DATASET = {
  name: "Demo-Daten: erfundene Versorgungsanteile im Format des Breitbandatlas (fiktiver Landkreis Auenwald)",
  attribution: "Fiktive Demo-Daten des Breitband-Portals – keine amtliche Statistik",
} as const;

/**
 * The three dates of the coverage series: the latest mid-year or year-end date at least 45 days
 * before `today` (statistics are published with a delay), and the same date one and two years earlier.
 */
export function coverageDates(today: IsoDate): [IsoDate, IsoDate, IsoDate] {
  const year = Number(today.slice(0, 4));
  const candidates = [`${year}-12-31`, `${year}-06-30`, `${year - 1}-12-31`, `${year - 1}-06-30`];
  const latest = candidates.find((d) => daysBetween(d, today) >= 45)!;
  const minus = (n: number) => `${Number(latest.slice(0, 4)) - n}${latest.slice(4)}`;
  return [minus(2), minus(1), latest];
}

/**
 * Invented but plausible shares of households per Gemeinde at the three dates: FTTB/H gigabit
 * rising from about 8 % to 31 % in the Kreis (the town first, the villages catching up), cable
 * gigabit in the larger places, VDSL almost everywhere.
 */
const COVERAGE: Record<string, { ftth: [number, number, number]; catv: number; vdsl100: number }> = {
  "06999001": { ftth: [8.9, 19.8, 32.1], catv: 61.5, vdsl100: 78.2 }, // Auenstadt
  "06999002": { ftth: [1.7, 9.4, 24.6], catv: 0, vdsl100: 52.4 }, // Erlengrund
  "06999003": { ftth: [4.1, 13.6, 26.8], catv: 8.3, vdsl100: 61.0 }, // Hohenwarte
  "06999004": { ftth: [10.8, 22.3, 35.9], catv: 34.7, vdsl100: 71.5 }, // Lindenhain
  "06999005": { ftth: [5.6, 17.2, 28.3], catv: 12.1, vdsl100: 66.8 }, // Wiesental
};

function coverageCsv(ctx: Context, index: number): string {
  const header = ["AGS", "alle Technologien ≥ 100 Mbit/s", "alle Technologien ≥ 1000 Mbit/s", "DSL ≥ 100 Mbit/s", "CATV ≥ 1000 Mbit/s", "FTTH/B ≥ 1000 Mbit/s"];
  const rows = [...ctx.gemeinden.keys()].map((ags) => {
    const c = COVERAGE[ags] ?? { ftth: [6, 15, 27] as [number, number, number], catv: 10, vdsl100: 60 };
    const ftth = c.ftth[index]!;
    const catv = Math.min(100, c.catv + index * 1.5);
    const anyGigabit = ftth + catv * (1 - ftth / 100);
    const any100 = Math.min(99.6, Math.max(anyGigabit, c.vdsl100 + index * 3.1) + 6.4);
    const f = (n: number) => n.toFixed(2);
    return [ags, f(any100), f(anyGigabit), f(c.vdsl100 + index * 3.1), f(catv), f(ftth)].join(",");
  });
  return `${header.join(",")}\n${rows.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

async function summarise(knex: Knex, today: IsoDate): Promise<Omit<DemoHistoryReport, "alreadySeeded" | "durationMs">> {
  const count = (rows: { key: string; n: number | string }[]) => Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
  const applicationsByStatus = {
    ...(Object.fromEntries(APPLICATION_STATUSES.map((s) => [s, 0])) as Record<ApplicationStatus, number>),
    ...count(await knex("applications").groupBy("status").select("status as key", knex.raw("count(*) AS n"))),
  };
  const casesByStatus = {
    ...(Object.fromEntries(CASE_STATUSES.map((s) => [s, 0])) as Record<CaseStatus, number>),
    ...count(await knex("cases").groupBy("status").select("status as key", knex.raw("count(*) AS n"))),
  };
  const casesByAuthority = count(
    await knex("cases as c").join("organisations as o", "o.id", "c.authority_id").groupBy("o.slug").orderBy("o.slug").select("o.slug as key", knex.raw("count(*) AS n")),
  );
  const range = await knex("applications").whereNotNull("submitted_at").first(knex.raw("min(submitted_at) AS first"), knex.raw("max(submitted_at) AS last"));
  const overdue = await knex("cases").whereIn("status", ["submitted", "in_review"]).where("decision_due_on", "<", today).first(knex.raw("count(*)::int AS n"));
  const one = async (table: string) => Number((await knex(table).first(knex.raw("count(*)::int AS n"))).n);
  return {
    from: range?.first ? berlinDate(new Date(range.first)) : null,
    to: range?.last ? berlinDate(new Date(range.last)) : null,
    applications: Object.values(applicationsByStatus).reduce((a, b) => a + b, 0),
    applicationsByStatus,
    cases: Object.values(casesByStatus).reduce((a, b) => a + b, 0),
    casesByStatus,
    casesByAuthority,
    overdueCases: Number(overdue?.n ?? 0),
    documents: await one("documents"),
    completions: Number((await knex("applications").where({ status: "completed" }).first(knex.raw("count(*)::int AS n"))).n),
    coverageImports: Number((await knex("coverage_import_runs").where({ status: "imported" }).first(knex.raw("count(*)::int AS n"))).n),
  };
}
