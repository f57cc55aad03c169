import type { Knex } from "knex";
import { execSql } from "./sql";

/**
 * Organisations, users, their roles and sessions.
 * A user may belong to several organisations (e.g. a planning office acting for two operators);
 * each membership carries exactly one role.
 */
export async function up(knex: Knex): Promise<void> {
  await execSql(knex, `
    CREATE TABLE organisations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
      kind text NOT NULL CHECK (kind IN ('operator','road_authority','consulted_body','state','platform')),
      name text NOT NULL CHECK (length(btrim(name)) BETWEEN 2 AND 200),
      -- road authorities: which level of Wegebaulastträger, which Land, and the AGS/ARS of the area they serve
      authority_level text CHECK (authority_level IN ('gemeinde','kreis','land','bund')),
      state text CHECK (state IN ('HE','RP')),
      ags text CHECK (ags ~ '^[0-9]{2,12}$'),
      email text,
      phone text,
      -- letterhead printed on documents: street, postcode, city, website, logo reference …
      letterhead jsonb NOT NULL DEFAULT '{}'::jsonb,
      is_active boolean NOT NULL DEFAULT true,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT road_authority_has_level CHECK (
        kind <> 'road_authority' OR (authority_level IS NOT NULL AND state IS NOT NULL)
      ),
      CONSTRAINT only_authorities_have_level CHECK (kind = 'road_authority' OR authority_level IS NULL)
    );
    CREATE INDEX organisations_kind_idx ON organisations (kind);

    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL CHECK (email = lower(email) AND email ~ '^[^@\\s]+@[^@\\s]+$'),
      name text NOT NULL CHECK (length(btrim(name)) BETWEEN 2 AND 200),
      password_hash text NOT NULL,
      is_active boolean NOT NULL DEFAULT true,
      password_changed_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX users_email_key ON users (email);

    CREATE TABLE memberships (
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE RESTRICT,
      role text NOT NULL CHECK (role IN (
        'operator','authority_clerk','authority_admin','consulted_body','state_analyst','platform_admin'
      )),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, organisation_id)
    );
    CREATE INDEX memberships_organisation_idx ON memberships (organisation_id);

    -- Server-side sessions: the cookie carries a random token, the table its SHA-256,
    -- so a leaked database row cannot be replayed and logout really ends a session.
    CREATE TABLE sessions (
      id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      organisation_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
      ip text,
      user_agent text,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX sessions_user_idx ON sessions (user_id);
    CREATE INDEX sessions_expires_idx ON sessions (expires_at);

    CREATE TABLE login_attempts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email text NOT NULL,
      ip text NOT NULL,
      succeeded boolean NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX login_attempts_lookup_idx ON login_attempts (email, ip, at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    "DROP TABLE IF EXISTS login_attempts, sessions, memberships, users, organisations CASCADE",
  );
}
