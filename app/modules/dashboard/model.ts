import { z } from "zod";
import { isoDate } from "~/modules/applications/schema";

/**
 * The state dashboard's data: gigabit coverage and permit performance per Land, Kreis and
 * Gemeinde and per road authority, for a date range compared with the range just before it.
 * Shared by the analyst's dashboard, its CSV/GeoJSON exports, the public statistics page and the
 * benchmark.
 */

export const AREA_LEVELS = ["land", "kreis", "gemeinde"] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

/**
 * The query string of the dashboard and its exports. `from`/`to` are inclusive calendar days
 * (Europe/Berlin); `level` is what the map and the area table show; `area` drills into a Land
 * (2-digit AGS) or Kreis (5-digit AGS): its Kreise or Gemeinden are listed.
 */
export const DashboardFilterSchema = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
    level: z.enum(["kreis", "gemeinde"], { errorMap: () => ({ message: "Ebene: Kreis oder Gemeinde." }) }).default("kreis"),
    area: z
      .string()
      .regex(/^(\d{2}|\d{5})$/, "Gebiet: ein Land (2 Ziffern) oder ein Kreis (5 Ziffern) als AGS.")
      .optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: "Das Ende des Zeitraums liegt vor seinem Anfang.", path: ["to"] });
export type DashboardFilterInput = z.input<typeof DashboardFilterSchema>;

/** A filter with its defaults applied: the last 12 full months up to today when no range is given. */
export interface DashboardFilter {
  from: string;
  to: string;
  level: "kreis" | "gemeinde";
  area: string | null;
}

/** A figure for the range and for the range of the same length just before it (null: no data). */
export interface Kpi {
  value: number | null;
  previous: number | null;
}

export interface DashboardKpis {
  /** share (0–1) of households with FTTB/H ≥ 1 Gbit/s at the end of the range, in the area */
  gigabitShare: Kpi;
  /** applications first submitted in the range */
  applicationsFiled: Kpi;
  /** cases approved or rejected in the range */
  casesDecided: Kpi;
  /** cases deemed approved (Zustimmungsfiktion) in the range */
  casesDeemed: Kpi;
  /** calendar days from receipt to decision (decided and deemed cases of the range) */
  medianProcessingDays: Kpi;
  p90ProcessingDays: Kpi;
  /** share (0–1) of decided cases decided on or before their deadline; deemed cases count as missed */
  decidedWithinDeadlineShare: Kpi;
  /** km of route in cases approved or deemed approved in the range */
  kmConsented: Kpi;
}

export interface AreaRow {
  ags: string;
  name: string;
  level: AreaLevel;
  parentAgs: string | null;
  households: number | null;
  gigabitHouseholds: number | null;
  gigabitShare: number | null;
  /** date of the coverage figure (latest import at or before `to`, plus completion notices) */
  coverageAsOf: string | null;
  applicationsFiled: number;
  casesDecided: number;
  casesDeemed: number;
  casesOpen: number;
  casesOverdue: number;
  medianProcessingDays: number | null;
  kmConsented: number;
}

export interface AuthorityRow {
  id: string;
  name: string;
  level: string;
  state: string | null;
  casesOpen: number;
  casesOverdue: number;
  casesDecided: number;
  casesDeemed: number;
  medianProcessingDays: number | null;
  p90ProcessingDays: number | null;
  decidedWithinDeadlineShare: number | null;
}

export interface MonthRow {
  /** "2026-03" */
  month: string;
  applicationsFiled: number;
  casesDecided: number;
  casesDeemed: number;
}

export interface ProcessingBucket {
  /** inclusive lower bound in days; the last bucket has toDays null (open-ended) */
  fromDays: number;
  toDays: number | null;
  cases: number;
}

export interface CoveragePoint {
  asOf: string;
  households: number;
  gigabitHouseholds: number;
  share: number;
}

export interface Dashboard {
  filter: DashboardFilter;
  previous: { from: string; to: string };
  /** the area drilled into, with its parents, for the breadcrumb (Land → Kreis) */
  path: { ags: string; name: string; level: AreaLevel }[];
  kpis: DashboardKpis;
  /** the Kreise (level kreis) or Gemeinden (level gemeinde) inside `area` (or everywhere) */
  areas: AreaRow[];
  /** road authorities with cases in the area */
  authorities: AuthorityRow[];
  months: MonthRow[];
  processing: ProcessingBucket[];
  /** coverage of the whole area over time (one point per import date and month with completions) */
  coverage: CoveragePoint[];
}
