/**
 * Households per AGS for the coverage observations. The Breitbandatlas gives percentages only and
 * no public table has household counts per Gemeinde, so the count comes, in this order, from:
 *
 * 1. a population table that has a household column (population_observations.households);
 * 2. admin_areas.households (the demo region has them; an admin import may bring them);
 * 3. an ESTIMATE: population / average household size of the Land (PERSONS_PER_HOUSEHOLD).
 *
 * The population row used is the latest at or before the observation's date, else the earliest
 * after it. Each observation keeps the method and its basis (which population row, which factor),
 * so a dashboard can say "geschätzt". Households with FTTB/H gigabit = households × FTTH/B ≥ 1000 %.
 */
import type { Db } from "~/db.server";
import type { HouseholdsMethod } from "./schema";

/**
 * Average persons per private household by Land — Mikrozensus 2021 (Erstergebnisse, Bevölkerung in
 * Hauptwohnsitzhaushalten), Statistische Ämter des Bundes und der Länder, "Gebiet und Bevölkerung –
 * Haushalte", https://www.statistikportal.de/de/bevoelkerung/haushalte: Hessen 2,03, Rheinland-Pfalz
 * 2,09 (2017: 2,03 and 2,08). A Land-wide average: towns have smaller households than villages,
 * so a Gemeinde's estimate can be off by several percent.
 */
export const PERSONS_PER_HOUSEHOLD = { "06": 2.03, "07": 2.09 } as const;
export const PERSONS_PER_HOUSEHOLD_SOURCE =
  "Mikrozensus 2021 (Erstergebnisse), durchschnittliche Haushaltsgröße je Land; Statistische Ämter des Bundes und der Länder, statistikportal.de/de/bevoelkerung/haushalte";

export type HouseholdsScope =
  /** the observations one coverage import wrote */
  | { coverageRunId: string }
  /** the observations of the AGS one population import wrote */
  | { populationRunId: string }
  /** the observations of these AGS (e.g. after admin_areas.households changed) */
  | { ags: string[] };

export interface HouseholdsRefresh {
  /** observations whose households were (re)computed */
  observations: number;
  byMethod: Record<HouseholdsMethod | "unknown", number>;
}

/** (Re)computes households and households with FTTB/H gigabit of the households observations in scope. */
export async function refreshHouseholds(db: Db, scope: HouseholdsScope): Promise<HouseholdsRefresh> {
  const [filter, filterBinding] =
    "coverageRunId" in scope
      ? ["o.import_run_id = ?", scope.coverageRunId]
      : "populationRunId" in scope
        ? ["o.ags IN (SELECT ags FROM population_observations WHERE import_run_id = ?)", scope.populationRunId]
        : ["o.ags = ANY(?)", scope.ags];
  const { rows } = await db.raw<{ rows: { method: HouseholdsMethod | null }[] }>(
    `WITH basis AS (
       SELECT o.id, p.id AS population_id, p.population, p.households AS table_households,
              p.as_of::text AS population_as_of, p.source AS population_source, p.import_run_id AS population_run_id,
              a.households AS area_households,
              CASE substr(o.ags, 1, 2) WHEN '06' THEN ?::float8 WHEN '07' THEN ?::float8 END AS factor
       FROM coverage_observations o
       LEFT JOIN LATERAL (
         SELECT * FROM population_observations p
         WHERE p.ags = o.ags
         ORDER BY (p.as_of > o.as_of), abs(p.as_of - o.as_of), p.id DESC
         LIMIT 1
       ) p ON true
       LEFT JOIN admin_areas a ON a.ags = o.ags
       WHERE o.audience = 'households' AND ${filter}
     ), chosen AS (
       SELECT id,
         CASE
           WHEN table_households IS NOT NULL THEN 'population_table'
           WHEN area_households IS NOT NULL THEN 'admin_areas'
           WHEN population IS NOT NULL AND factor IS NOT NULL THEN 'estimate'
         END AS method,
         CASE
           WHEN table_households IS NOT NULL THEN table_households
           WHEN area_households IS NOT NULL THEN area_households
           WHEN population IS NOT NULL AND factor IS NOT NULL THEN round(population / factor)::integer
         END AS households,
         CASE
           WHEN table_households IS NOT NULL THEN jsonb_build_object(
             'populationObservationId', population_id::text, 'asOf', population_as_of,
             'source', population_source, 'importRunId', population_run_id::text)
           WHEN area_households IS NOT NULL THEN jsonb_build_object('table', 'admin_areas')
           WHEN population IS NOT NULL AND factor IS NOT NULL THEN jsonb_build_object(
             'estimate', true, 'population', population, 'populationObservationId', population_id::text,
             'populationAsOf', population_as_of, 'populationSource', population_source,
             'importRunId', population_run_id::text, 'personsPerHousehold', factor, 'factorSource', ?::text)
         END AS basis
       FROM basis
     )
     UPDATE coverage_observations o
     SET households = c.households,
         households_method = c.method,
         households_basis = c.basis,
         households_gigabit_ftth = CASE
           WHEN c.households IS NULL OR o.gigabit_ftth_pct IS NULL THEN NULL
           ELSE round(c.households * o.gigabit_ftth_pct / 100)::integer
         END
     FROM chosen c
     WHERE o.id = c.id
     RETURNING c.method`,
    [PERSONS_PER_HOUSEHOLD["06"], PERSONS_PER_HOUSEHOLD["07"], filterBinding, PERSONS_PER_HOUSEHOLD_SOURCE],
  );
  const byMethod: HouseholdsRefresh["byMethod"] = { population_table: 0, admin_areas: 0, estimate: 0, unknown: 0 };
  for (const row of rows) byMethod[row.method ?? "unknown"] += 1;
  return { observations: rows.length, byMethod };
}
