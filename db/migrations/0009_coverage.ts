import type { Knex } from "knex";
import { execSql } from "./sql";

/**
 * Broadband coverage per Gemeinde (AGS) over time, for the state dashboard:
 *
 * - coverage_import_runs: every import of a statistics file (Breitbandatlas coverage, Destatis
 *   population), with the file's name and SHA-256, who imported it and the rows it rejected.
 * - coverage_observations: the share of households (or businesses) per technology group and speed
 *   class, as the file gave it, per AGS and date; households and households with FTTB/H gigabit
 *   as integers, and how the household count was obtained.
 * - population_observations: population (and households, where a table has them) per AGS and date.
 * - coverage_events: homes passed by completed works (an operator's completion notice), attributed
 *   to the Gemeinden the as-built route runs through.
 *
 * AGS are not foreign keys to admin_areas: the statistics cover all of Hessen and Rheinland-Pfalz,
 * admin_areas may hold only a few Kreise.
 */
export async function up(knex: Knex): Promise<void> {
  await execSql(knex, `
    CREATE TABLE coverage_import_runs (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('breitbandatlas','destatis-population')),
      -- the dataset key the rows are stored under (part of the observations' natural key)
      source text NOT NULL CHECK (source ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
      dataset text NOT NULL,
      attribution text NOT NULL,
      audience text CHECK (audience IN ('households','businesses')),
      file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
      as_of date NOT NULL,
      -- imported: committed (rejected rows aside). already_imported: the same file was the latest
      -- import for this dataset and date, nothing written. failed: the database refused, rolled back
      status text NOT NULL CHECK (status IN ('imported','already_imported','failed')),
      rows_total integer NOT NULL DEFAULT 0 CHECK (rows_total >= 0),
      rows_loaded integer NOT NULL DEFAULT 0 CHECK (rows_loaded >= 0),
      rows_inserted integer NOT NULL DEFAULT 0 CHECK (rows_inserted >= 0),
      rows_updated integer NOT NULL DEFAULT 0 CHECK (rows_updated >= 0),
      rows_rejected integer NOT NULL DEFAULT 0 CHECK (rows_rejected >= 0),
      -- [{ line, column, value, message }] (column and value where one cell is wrong), the first 1,000
      errors jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(errors) = 'array'),
      failure text,
      duplicate_of bigint REFERENCES coverage_import_runs(id) ON DELETE RESTRICT,
      imported_by text NOT NULL CHECK (length(imported_by) BETWEEN 1 AND 200),
      started_at timestamptz NOT NULL,
      imported_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT coverage_runs_audience_for_coverage CHECK ((kind = 'breitbandatlas') = (audience IS NOT NULL)),
      CONSTRAINT coverage_runs_rows_add_up CHECK (rows_loaded + rows_rejected <= rows_total AND rows_inserted + rows_updated = rows_loaded),
      CONSTRAINT coverage_runs_failure_explained CHECK ((status = 'failed') = (failure IS NOT NULL)),
      CONSTRAINT coverage_runs_duplicate_points_back CHECK ((status = 'already_imported') = (duplicate_of IS NOT NULL))
    );
    CREATE INDEX coverage_import_runs_dataset_idx ON coverage_import_runs (kind, source, as_of, id);

    CREATE TABLE coverage_observations (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      -- 8 digits Gemeinde, 5 Kreis, 2 Land (aggregate rows of a file)
      ags text NOT NULL CHECK (ags ~ '^([0-9]{2}|[0-9]{5}|[0-9]{8})$'),
      as_of date NOT NULL,
      audience text NOT NULL CHECK (audience IN ('households','businesses')),
      source text NOT NULL,
      import_run_id bigint NOT NULL REFERENCES coverage_import_runs(id) ON DELETE RESTRICT,
      source_line integer NOT NULL CHECK (source_line >= 2),
      -- every percentage as the file gave it: { "<technology group>": { "<Mbit/s>": pct | null } }
      percentages jsonb NOT NULL CHECK (jsonb_typeof(percentages) = 'object'),
      -- FTTH/B ≥ 1000 Mbit/s and all technologies ≥ 1000 Mbit/s, in percent
      gigabit_ftth_pct numeric CHECK (gigabit_ftth_pct BETWEEN 0 AND 100),
      gigabit_any_pct numeric CHECK (gigabit_any_pct BETWEEN 0 AND 100),
      households integer CHECK (households >= 0),
      households_gigabit_ftth integer CHECK (households_gigabit_ftth BETWEEN 0 AND households),
      -- how households were obtained (details in households_basis): population_table = the household
      -- column of a population table, admin_areas = admin_areas.households, estimate = population /
      -- average household size of the Land
      households_method text CHECK (households_method IN ('population_table','admin_areas','estimate')),
      households_basis jsonb,
      CONSTRAINT coverage_observations_key UNIQUE (ags, as_of, audience, source),
      CONSTRAINT coverage_observations_households_only CHECK (audience = 'households' OR households IS NULL),
      CONSTRAINT coverage_observations_households_explained CHECK ((households IS NULL) = (households_method IS NULL))
    );
    CREATE INDEX coverage_observations_series_idx ON coverage_observations (ags, audience, as_of);
    CREATE INDEX coverage_observations_run_idx ON coverage_observations (import_run_id);

    CREATE TABLE population_observations (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      ags text NOT NULL CHECK (ags ~ '^([0-9]{2}|[0-9]{5}|[0-9]{8})$'),
      as_of date NOT NULL,
      source text NOT NULL,
      import_run_id bigint NOT NULL REFERENCES coverage_import_runs(id) ON DELETE RESTRICT,
      source_line integer NOT NULL CHECK (source_line >= 2),
      name text CHECK (length(name) <= 200),
      population integer NOT NULL CHECK (population >= 0),
      households integer CHECK (households >= 0),
      CONSTRAINT population_observations_key UNIQUE (ags, as_of, source)
    );
    CREATE INDEX population_observations_run_idx ON population_observations (import_run_id);

    CREATE TABLE coverage_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      kind text NOT NULL DEFAULT 'completion' CHECK (kind IN ('completion')),
      application_id uuid NOT NULL REFERENCES applications(id) ON DELETE RESTRICT,
      -- the Gemeinde, or NULL when the route lies in no Gemeinde of admin_areas (homes kept, not counted)
      ags text CHECK (ags ~ '^[0-9]{8}$'),
      occurred_on date NOT NULL,
      -- this Gemeinde's part of the homes the operator reported for the whole route
      homes_passed integer NOT NULL CHECK (homes_passed >= 0),
      homes_passed_reported integer NOT NULL CHECK (homes_passed_reported >= homes_passed),
      allocation text NOT NULL CHECK (allocation IN ('route_length','unlocated')),
      route_length_m double precision NOT NULL CHECK (route_length_m >= 0),
      route_share double precision NOT NULL CHECK (route_share > 0 AND route_share <= 1),
      recorded_by uuid REFERENCES users(id) ON DELETE SET NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT coverage_events_located CHECK ((allocation = 'unlocated') = (ags IS NULL)),
      CONSTRAINT coverage_events_once_per_gemeinde UNIQUE (application_id, ags)
    );
    CREATE UNIQUE INDEX coverage_events_one_unlocated ON coverage_events (application_id) WHERE ags IS NULL;
    CREATE INDEX coverage_events_ags_idx ON coverage_events (ags, occurred_on);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DROP TABLE IF EXISTS coverage_events, population_observations, coverage_observations, coverage_import_runs CASCADE");
}
