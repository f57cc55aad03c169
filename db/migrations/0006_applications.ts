import type { Knex } from "knex";
import { execSql } from "./sql";

/**
 * Applications as operators file them, and the cases they become: one case per responsible
 * authority, each with its own file number (Aktenzeichen) and clock. An application keeps every
 * submitted version; the row itself holds the working draft.
 */
export async function up(knex: Knex): Promise<void> {
  await execSql(knex, `
    ALTER TABLE organisations ADD COLUMN file_number_prefix text
      CHECK (file_number_prefix ~ '^[A-Z0-9][A-Z0-9.-]{0,15}$');

    ALTER TABLE applications
      ADD COLUMN created_by uuid REFERENCES users(id) ON DELETE SET NULL,
      ADD COLUMN reference text CHECK (length(reference) <= 100),
      -- the form as the operator fills it in (validated by the application schema on every save)
      ADD COLUMN draft jsonb NOT NULL DEFAULT '{}'::jsonb,
      -- the drawn route: GeoJSON FeatureCollection (WGS84) of lines with per-section properties
      -- and points for network elements (Verteilerkasten, Schacht, Muffe, Montagegrube)
      ADD COLUMN draft_route jsonb,
      ADD COLUMN current_version integer NOT NULL DEFAULT 0,
      ADD COLUMN withdrawn_at timestamptz,
      ADD COLUMN works_started_on date,
      ADD COLUMN works_completed_on date,
      ADD COLUMN homes_passed integer CHECK (homes_passed >= 0),
      ADD COLUMN as_built_route geometry(MultiLineString, 25832);

    CREATE TABLE application_versions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      application_id uuid NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
      version_no integer NOT NULL CHECK (version_no >= 1),
      submitted_at timestamptz NOT NULL,
      submitted_by uuid REFERENCES users(id) ON DELETE SET NULL,
      reason text,
      data jsonb NOT NULL,
      route_features jsonb NOT NULL,
      route geometry(MultiLineString, 25832) NOT NULL,
      check_report jsonb NOT NULL,
      UNIQUE (application_id, version_no)
    );
    CREATE INDEX application_versions_route_idx ON application_versions USING gist (route);
    CREATE INDEX applications_as_built_idx ON applications USING gist (as_built_route);

    CREATE TABLE cases (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      application_id uuid NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
      authority_id uuid NOT NULL REFERENCES organisations(id) ON DELETE RESTRICT,
      file_number text NOT NULL,
      status text NOT NULL CHECK (status IN (
        'submitted','incomplete','in_review','approved','rejected','deemed_approved','withdrawn'
      )),
      application_version integer NOT NULL,
      received_at timestamptz NOT NULL,
      -- this authority's part of the route
      section_length_m double precision NOT NULL DEFAULT 0,
      crossings integer NOT NULL DEFAULT 0,
      assigned_clerk_id uuid REFERENCES users(id) ON DELETE SET NULL,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (application_id, authority_id),
      UNIQUE (authority_id, file_number)
    );
    CREATE INDEX cases_authority_status_idx ON cases (authority_id, status);

    -- per authority and year; incremented under a row lock inside the submission transaction
    CREATE TABLE file_number_counters (
      authority_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
      year integer NOT NULL,
      last_value integer NOT NULL DEFAULT 0,
      PRIMARY KEY (authority_id, year)
    );

    CREATE TABLE attachments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      application_id uuid NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('power_of_attorney','plan','traffic_plan','photo','other')),
      file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
      media_type text NOT NULL CHECK (media_type IN ('application/pdf','image/png','image/jpeg')),
      size_bytes integer NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 20971520),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      content bytea NOT NULL,
      uploaded_by uuid REFERENCES users(id) ON DELETE SET NULL,
      uploaded_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX attachments_application_idx ON attachments (application_id);

    CREATE TABLE case_messages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
      author_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
      author_organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE RESTRICT,
      body text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 10000),
      created_at timestamptz NOT NULL DEFAULT now(),
      read_at timestamptz
    );
    CREATE INDEX case_messages_case_idx ON case_messages (case_id, created_at);

    -- e-mails leave through this table: written in the transaction of the event, sent by a job;
    -- dedupe_key makes enqueueing idempotent
    CREATE TABLE outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      dedupe_key text NOT NULL UNIQUE,
      to_address text NOT NULL,
      subject text NOT NULL,
      body_text text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz
    );
    CREATE INDEX outbox_pending_idx ON outbox (status, next_attempt_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DROP TABLE IF EXISTS outbox, case_messages, attachments, file_number_counters, cases, application_versions CASCADE");
  await knex.raw(`ALTER TABLE applications
    DROP COLUMN created_by, DROP COLUMN reference, DROP COLUMN draft, DROP COLUMN draft_route,
    DROP COLUMN current_version, DROP COLUMN withdrawn_at, DROP COLUMN works_started_on,
    DROP COLUMN works_completed_on, DROP COLUMN homes_passed, DROP COLUMN as_built_route`);
  await knex.raw("ALTER TABLE organisations DROP COLUMN file_number_prefix");
}
