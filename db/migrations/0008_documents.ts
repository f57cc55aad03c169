import type { Knex } from "knex";
import { execSql } from "./sql";

/**
 * Issued documents (Bescheide): consent, rejection, request for missing items, deemed-approval
 * certificate. Each is a PDF stored with its SHA-256 and an Ed25519 signature over a statement
 * that binds the hash to the document id, issue time and file number. Documents are never changed
 * (a trigger refuses it); a correction is a new row that points to the one it replaces.
 */
export async function up(knex: Knex): Promise<void> {
  await execSql(knex, `
    -- what an authority charges for a consent: nothing, a flat amount, or an amount per metre of
    -- route in its roads (fee_cents is then the rate per metre); fee_note names the fee's legal basis
    ALTER TABLE organisations
      ADD COLUMN fee_model text NOT NULL DEFAULT 'none' CHECK (fee_model IN ('none','flat','per_metre')),
      ADD COLUMN fee_cents integer NOT NULL DEFAULT 0 CHECK (fee_cents BETWEEN 0 AND 100000000),
      ADD COLUMN fee_note text CHECK (length(fee_note) <= 500),
      -- the Rechtsbehelfsbelehrung printed on consents and rejections; NULL: the standard text
      ADD COLUMN remedy_notice text CHECK (length(remedy_notice) <= 3000);

    -- The portal's signing keys. A configured key (DOCUMENT_SIGNING_KEY) is recorded by its public
    -- half only; a key the portal generated itself keeps its private half here. Old keys stay, so
    -- documents signed before a key change still verify.
    CREATE TABLE signing_keys (
      id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{16}$'),
      algorithm text NOT NULL DEFAULT 'Ed25519' CHECK (algorithm = 'Ed25519'),
      public_key text NOT NULL,
      private_key text,
      source text NOT NULL CHECK (source IN ('configured','generated')),
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT generated_keys_keep_private_half CHECK ((source = 'generated') = (private_key IS NOT NULL))
    );
    -- at most one generated key: two processes starting at once cannot each make their own
    CREATE UNIQUE INDEX signing_keys_one_generated ON signing_keys (source) WHERE source = 'generated';

    CREATE TABLE documents (
      -- the public id in the verification link: 16 characters of Crockford base32 (80 random bits)
      id text PRIMARY KEY CHECK (id ~ '^[0-9A-HJKMNP-TV-Z]{16}$'),
      case_id uuid NOT NULL REFERENCES cases(id) ON DELETE RESTRICT,
      kind text NOT NULL CHECK (kind IN ('consent','rejection','missing_items','deemed_certificate')),
      version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
      replaces_id text UNIQUE REFERENCES documents(id) ON DELETE RESTRICT,
      correction_reason text CHECK (length(correction_reason) <= 2000),
      case_request_id uuid REFERENCES case_requests(id) ON DELETE RESTRICT,
      file_number text NOT NULL,
      title text NOT NULL,
      issued_at timestamptz NOT NULL,
      issued_by uuid REFERENCES users(id) ON DELETE SET NULL,
      -- the renderer's input: rendering it again gives the same bytes
      input jsonb NOT NULL,
      content bytea NOT NULL,
      size_bytes integer NOT NULL CHECK (size_bytes > 0),
      page_count integer NOT NULL CHECK (page_count > 0),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      signature text NOT NULL,
      key_id text NOT NULL REFERENCES signing_keys(id) ON DELETE RESTRICT,
      CONSTRAINT corrections_say_why CHECK ((replaces_id IS NULL) = (correction_reason IS NULL))
    );
    CREATE INDEX documents_case_idx ON documents (case_id, issued_at);

    CREATE FUNCTION documents_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'documents are immutable: issue a correction instead' USING ERRCODE = 'restrict_violation';
    END
    $$;
    CREATE TRIGGER documents_immutable BEFORE UPDATE OR DELETE ON documents
      FOR EACH ROW EXECUTE FUNCTION documents_are_immutable();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw("DROP TABLE IF EXISTS documents, signing_keys CASCADE");
  await knex.raw("DROP FUNCTION IF EXISTS documents_are_immutable()");
  await knex.raw("ALTER TABLE organisations DROP COLUMN fee_model, DROP COLUMN fee_cents, DROP COLUMN fee_note, DROP COLUMN remedy_notice");
}
