import type { Knex } from "knex";
import { execSql } from "./sql";

/**
 * The state dashboard: which Gemeinden a case belongs to, and the indexes its figures are read by.
 *
 * - case_areas: a case's part of the route per Gemeinde (8-digit AGS), from the check report of
 *   the application version the case is on — the sections of the case's road authority, summed
 *   per Gemeinde, and with 0 m the Gemeinden of the road crossings it consents to. Kreis (first 5
 *   digits) and Land (first 2) follow from the AGS. Written when a case is opened or moved to a new
 *   version (dashboard/case-areas.server.ts), backfilled here for existing cases. Sections outside
 *   every known Gemeinde belong to no area.
 * - case_kreise: the same per Kreis (5-digit AGS, the Gemeinden's lengths summed), kept in step
 *   with case_areas by statement-level triggers (whoever writes case_areas). Derived data, but it
 *   lets the Kreis rows join one row per case and Kreis instead of grouping every case_areas row on
 *   every dashboard load (a case in two Gemeinden of one Kreis counts once in the Kreis).
 * - indexes for the range queries: receipt and decision time of cases, first submissions.
 *
 * AGS is not a foreign key to admin_areas: like the coverage statistics, cases may lie in
 * Gemeinden an installation has no geometry for.
 */
/** case_kreise and the triggers that keep it (replaced by case_facts in 0011, whose down restores it). */
export const CASE_KREISE = `
    CREATE TABLE case_kreise (
      case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
      ags text NOT NULL CHECK (ags ~ '^[0-9]{5}$'),
      length_m double precision NOT NULL CHECK (length_m >= 0),
      PRIMARY KEY (case_id, ags)
    );
    CREATE INDEX case_kreise_ags_idx ON case_kreise (ags, case_id);

    -- the Kreise of every case whose Gemeinden changed are recomputed from case_areas
    CREATE FUNCTION case_kreise_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM case_kreise k USING (SELECT DISTINCT case_id FROM changed) c WHERE k.case_id = c.case_id;
      INSERT INTO case_kreise (case_id, ags, length_m)
      SELECT a.case_id, left(a.ags, 5), sum(a.length_m)
      FROM case_areas a JOIN (SELECT DISTINCT case_id FROM changed) c ON c.case_id = a.case_id
      GROUP BY a.case_id, left(a.ags, 5);
      RETURN NULL;
    END
    $$;
    CREATE FUNCTION case_kreise_refresh_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM case_kreise k USING (SELECT case_id FROM changed UNION SELECT case_id FROM changed_before) c WHERE k.case_id = c.case_id;
      INSERT INTO case_kreise (case_id, ags, length_m)
      SELECT a.case_id, left(a.ags, 5), sum(a.length_m)
      FROM case_areas a JOIN (SELECT case_id FROM changed UNION SELECT case_id FROM changed_before) c ON c.case_id = a.case_id
      GROUP BY a.case_id, left(a.ags, 5);
      RETURN NULL;
    END
    $$;
    CREATE TRIGGER case_areas_inserted AFTER INSERT ON case_areas
      REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_kreise_refresh();
    CREATE TRIGGER case_areas_deleted AFTER DELETE ON case_areas
      REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_kreise_refresh();
    CREATE TRIGGER case_areas_updated AFTER UPDATE ON case_areas
      REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_kreise_refresh_updated();
`;

export async function up(knex: Knex): Promise<void> {
  await execSql(knex, `
    CREATE TABLE case_areas (
      case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
      ags text NOT NULL CHECK (ags ~ '^[0-9]{8}$'),
      length_m double precision NOT NULL CHECK (length_m >= 0),
      PRIMARY KEY (case_id, ags)
    );
    CREATE INDEX case_areas_ags_idx ON case_areas (ags, case_id);
  `);
  await execSql(knex, CASE_KREISE);
  await execSql(knex, `
    CREATE INDEX cases_received_at_idx ON cases (received_at);
    CREATE INDEX cases_decided_at_idx ON cases (decided_at) WHERE decided_at IS NOT NULL;
    CREATE INDEX cases_open_idx ON cases (received_at) WHERE status IN ('submitted','incomplete','in_review');
    -- applications filed in a range: their first submission
    CREATE INDEX application_versions_first_idx ON application_versions (submitted_at, application_id) WHERE version_no = 1;

    -- existing cases: the sections of their authority in the version they are on (the trigger fills case_kreise)
    INSERT INTO case_areas (case_id, ags, length_m)
    SELECT c.id, s.value->'gemeinde'->>'ags', sum(coalesce((s.value->>'lengthM')::double precision, 0))
    FROM cases c
    JOIN application_versions v ON v.application_id = c.application_id AND v.version_no = c.application_version
    CROSS JOIN LATERAL jsonb_array_elements(
      CASE WHEN jsonb_typeof(v.check_report->'sections') = 'array' THEN v.check_report->'sections' ELSE '[]'::jsonb END
    ) AS s(value)
    WHERE s.value->'authority'->>'id' = c.authority_id::text
      AND (s.value->'gemeinde'->>'ags') ~ '^[0-9]{8}$'
    GROUP BY c.id, s.value->'gemeinde'->>'ags';

    -- and the Gemeinden of the road crossings of their authority (0 m)
    INSERT INTO case_areas (case_id, ags, length_m)
    SELECT DISTINCT c.id, g.ags, 0::double precision
    FROM cases c
    JOIN application_versions v ON v.application_id = c.application_id AND v.version_no = c.application_version
    CROSS JOIN LATERAL jsonb_array_elements(
      CASE WHEN jsonb_typeof(v.check_report->'crossings') = 'array' THEN v.check_report->'crossings' ELSE '[]'::jsonb END
    ) AS x(value)
    JOIN admin_areas g ON g.level = 'gemeinde'
      AND ST_Intersects(g.geom, ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON((x.value->'point')::text), 4326), 25832))
    WHERE x.value->>'kind' = 'road' AND x.value->'authority'->>'id' = c.authority_id::text AND jsonb_typeof(x.value->'point') = 'object'
    ON CONFLICT (case_id, ags) DO NOTHING;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DROP INDEX IF EXISTS application_versions_first_idx");
  await knex.raw("DROP INDEX IF EXISTS cases_open_idx");
  await knex.raw("DROP INDEX IF EXISTS cases_decided_at_idx");
  await knex.raw("DROP INDEX IF EXISTS cases_received_at_idx");
  await knex.raw("DROP TABLE IF EXISTS case_kreise, case_areas");
  await knex.raw("DROP FUNCTION IF EXISTS case_kreise_refresh(), case_kreise_refresh_updated()");
}
