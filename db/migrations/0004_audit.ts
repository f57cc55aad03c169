import type { Knex } from "knex";
import { execSql } from "./sql";

/** The audit trail: append-only, enforced by the database rather than by convention. */
export async function up(knex: Knex): Promise<void> {
  await execSql(knex, `
    CREATE TABLE audit_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
      organisation_id uuid REFERENCES organisations(id) ON DELETE SET NULL,
      entity_type text NOT NULL,
      entity_id text NOT NULL,
      action text NOT NULL,
      payload jsonb NOT NULL DEFAULT '{}'::jsonb
    );
    CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, at);
    CREATE INDEX audit_events_actor_idx ON audit_events (actor_user_id, at);

    CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- ON DELETE SET NULL of a referenced user or organisation must still work.
      IF TG_OP = 'UPDATE'
         AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.entity_type = OLD.entity_type
         AND NEW.entity_id = OLD.entity_id AND NEW.action = OLD.action AND NEW.payload = OLD.payload
         AND (NEW.actor_user_id IS NULL OR NEW.actor_user_id = OLD.actor_user_id)
         AND (NEW.organisation_id IS NULL OR NEW.organisation_id = OLD.organisation_id) THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'audit_events is append-only';
    END $$;
    CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DROP TABLE IF EXISTS audit_events CASCADE");
  await knex.raw("DROP FUNCTION IF EXISTS audit_events_append_only()");
}
