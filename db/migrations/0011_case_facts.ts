import type { Knex } from "knex";
import { CASE_KREISE } from "./0010_dashboard";
import { execSql } from "./sql";

/**
 * The dashboard's fact table, so that its figures over years of cases are single scans without
 * joins or time zone arithmetic per row.
 *
 * - cases.received_on / cases.decided_on: the Berlin calendar days of received_at and decided_at,
 *   set by a BEFORE trigger on every insert and update (the time zone conversion costs about a
 *   microsecond per value; the dashboard would otherwise pay it for every case on every load).
 * - case_facts: one row per case and area it lies in — its Land (grain 'land', 2-digit AGS), Kreis
 *   ('kreis', 5) and Gemeinde ('gemeinde', 8) — with the length inside that area (summed from
 *   case_areas) and a copy of the case's figures: application, authority, status, the Berlin days
 *   of receipt and decision, the decision deadline, and the Berlin day its application was first
 *   submitted (filed_on). Partitioned by grain, so a view of Kreise reads only Kreis rows.
 *   Derived data, kept by triggers: rebuilt for a case whenever its case_areas rows change, and
 *   updated whenever one of the copied columns of the case changes. It replaces case_kreise.
 */
export async function up(knex: Knex): Promise<void> {
  await execSql(knex, `
    ALTER TABLE cases ADD COLUMN received_on date, ADD COLUMN decided_on date;
    CREATE FUNCTION cases_berlin_days() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.received_on := (NEW.received_at AT TIME ZONE 'Europe/Berlin')::date;
      NEW.decided_on := (NEW.decided_at AT TIME ZONE 'Europe/Berlin')::date;
      RETURN NEW;
    END
    $$;
    CREATE TRIGGER cases_berlin_days BEFORE INSERT OR UPDATE ON cases FOR EACH ROW EXECUTE FUNCTION cases_berlin_days();
    UPDATE cases SET received_on = (received_at AT TIME ZONE 'Europe/Berlin')::date, decided_on = (decided_at AT TIME ZONE 'Europe/Berlin')::date;
    ALTER TABLE cases ALTER COLUMN received_on SET NOT NULL;
    CREATE INDEX cases_received_on_idx ON cases (received_on);
    CREATE INDEX cases_decided_on_idx ON cases (decided_on) WHERE decided_on IS NOT NULL;

    DROP TABLE case_kreise;
    DROP FUNCTION case_kreise_refresh() CASCADE;
    DROP FUNCTION case_kreise_refresh_updated() CASCADE;

    CREATE TABLE case_facts (
      grain text NOT NULL,
      ags text NOT NULL,
      case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
      length_m double precision NOT NULL,
      application_id uuid NOT NULL,
      authority_id uuid NOT NULL,
      status text NOT NULL,
      received_on date NOT NULL,
      decided_on date,
      decision_due_on date,
      filed_on date,
      PRIMARY KEY (case_id, grain, ags),
      CHECK ((grain = 'land' AND ags ~ '^[0-9]{2}$') OR (grain = 'kreis' AND ags ~ '^[0-9]{5}$') OR (grain = 'gemeinde' AND ags ~ '^[0-9]{8}$'))
    ) PARTITION BY LIST (grain);
    CREATE TABLE case_facts_land PARTITION OF case_facts FOR VALUES IN ('land');
    CREATE TABLE case_facts_kreis PARTITION OF case_facts FOR VALUES IN ('kreis');
    CREATE TABLE case_facts_gemeinde PARTITION OF case_facts FOR VALUES IN ('gemeinde');
    CREATE INDEX case_facts_ags_idx ON case_facts (grain, ags);

    -- a case's rows from its case_areas (none if it has none) and its current figures
    CREATE FUNCTION case_facts_rebuild(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM case_facts f USING (SELECT DISTINCT unnest(ids) AS case_id) c WHERE f.case_id = c.case_id;
      INSERT INTO case_facts (grain, ags, case_id, length_m, application_id, authority_id, status, received_on, decided_on, decision_due_on, filed_on)
      SELECT g.grain, left(a.ags, g.digits), c.id, sum(a.length_m), c.application_id, c.authority_id, c.status, c.received_on, c.decided_on, c.decision_due_on,
             (SELECT (v.submitted_at AT TIME ZONE 'Europe/Berlin')::date FROM application_versions v WHERE v.application_id = c.application_id AND v.version_no = 1)
      FROM (SELECT DISTINCT unnest(ids) AS case_id) changed
      JOIN case_areas a ON a.case_id = changed.case_id
      JOIN cases c ON c.id = a.case_id
      CROSS JOIN (VALUES ('land', 2), ('kreis', 5), ('gemeinde', 8)) AS g(grain, digits)
      GROUP BY g.grain, left(a.ags, g.digits), c.id;
    END
    $$;
    CREATE FUNCTION case_facts_areas_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM case_facts_rebuild(ARRAY(SELECT DISTINCT case_id FROM changed));
      RETURN NULL;
    END
    $$;
    CREATE FUNCTION case_facts_areas_updated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM case_facts_rebuild(ARRAY(SELECT case_id FROM changed UNION SELECT case_id FROM changed_before));
      RETURN NULL;
    END
    $$;
    CREATE TRIGGER case_areas_inserted AFTER INSERT ON case_areas
      REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_facts_areas_changed();
    CREATE TRIGGER case_areas_deleted AFTER DELETE ON case_areas
      REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_facts_areas_changed();
    CREATE TRIGGER case_areas_updated AFTER UPDATE ON case_areas
      REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION case_facts_areas_updated();

    CREATE FUNCTION case_facts_follow_case() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE case_facts
      SET application_id = NEW.application_id, authority_id = NEW.authority_id, status = NEW.status,
          received_on = NEW.received_on, decided_on = NEW.decided_on, decision_due_on = NEW.decision_due_on
      WHERE case_id = NEW.id;
      RETURN NULL;
    END
    $$;
    CREATE TRIGGER cases_facts AFTER UPDATE ON cases FOR EACH ROW
      WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.received_on IS DISTINCT FROM NEW.received_on
            OR OLD.decided_on IS DISTINCT FROM NEW.decided_on OR OLD.decision_due_on IS DISTINCT FROM NEW.decision_due_on
            OR OLD.authority_id IS DISTINCT FROM NEW.authority_id OR OLD.application_id IS DISTINCT FROM NEW.application_id)
      EXECUTE FUNCTION case_facts_follow_case();

    SELECT case_facts_rebuild(ARRAY(SELECT DISTINCT case_id FROM case_areas));
  `);
}

export async function down(knex: Knex): Promise<void> {
  await execSql(knex, `
    DROP TRIGGER cases_facts ON cases;
    DROP TRIGGER case_areas_inserted ON case_areas;
    DROP TRIGGER case_areas_deleted ON case_areas;
    DROP TRIGGER case_areas_updated ON case_areas;
    DROP FUNCTION case_facts_follow_case();
    DROP FUNCTION case_facts_areas_changed();
    DROP FUNCTION case_facts_areas_updated();
    DROP FUNCTION case_facts_rebuild(uuid[]);
    DROP TABLE case_facts;
    DROP TRIGGER cases_berlin_days ON cases;
    DROP FUNCTION cases_berlin_days();
    ALTER TABLE cases DROP COLUMN received_on, DROP COLUMN decided_on;
  `);
  await execSql(knex, CASE_KREISE);
  await knex.raw(`INSERT INTO case_kreise (case_id, ags, length_m) SELECT case_id, left(ags, 5), sum(length_m) FROM case_areas GROUP BY case_id, left(ags, 5)`);
}
