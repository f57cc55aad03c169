import type { Knex } from "knex";
import { execSql } from "./sql";

/**
 * Review of cases by road authorities: procedure rules (deadlines as data), the clock on each case,
 * requests for missing items, consulted bodies, the conditions catalogue, decisions, and the
 * durable job queue that enforces deadlines and sends e-mail.
 */
export async function up(knex: Knex): Promise<void> {
  await execSql(knex, `
    -- Deadlines are law, and law changes: each rule set is a row. A period is {"amount": n,
    -- "unit": "months" | "weeks" | "days" | "working_days"}.
    CREATE TABLE procedure_rules (
      key text PRIMARY KEY CHECK (key ~ '^[a-z0-9_]{2,40}$'),
      name text NOT NULL,
      legal_basis text NOT NULL,
      completeness_period jsonb NOT NULL,
      decision_period jsonb NOT NULL,
      extension_period jsonb NOT NULL,
      max_extensions integer NOT NULL CHECK (max_extensions BETWEEN 0 AND 5),
      -- Zustimmungsfiktion: consent is deemed granted when the decision period ends unanswered
      deemed_approval boolean NOT NULL,
      reminder_days jsonb NOT NULL DEFAULT '[14, 3]'::jsonb,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    ALTER TABLE organisations
      ADD COLUMN procedure_rule_key text REFERENCES procedure_rules(key),
      ADD COLUMN fast_track_enabled boolean NOT NULL DEFAULT false,
      ADD COLUMN consulted_topic text CHECK (consulted_topic IN ('nature','water','heritage','traffic','other'));

    ALTER TABLE cases
      ADD COLUMN procedure_rule_key text REFERENCES procedure_rules(key),
      -- the decision period runs from here: receipt, or the amendment that completed the application
      ADD COLUMN clock_started_at timestamptz,
      ADD COLUMN completeness_due_on date,
      ADD COLUMN decision_due_on date,
      ADD COLUMN clock_stopped_at timestamptz,
      ADD COLUMN completeness_confirmed_at timestamptz,
      ADD COLUMN extension_count integer NOT NULL DEFAULT 0,
      ADD COLUMN extension_reason text,
      ADD COLUMN decided_at timestamptz,
      ADD COLUMN decided_by uuid REFERENCES users(id) ON DELETE SET NULL,
      ADD COLUMN decision_reasons text,
      ADD COLUMN deemed_reason text;
    CREATE INDEX cases_open_deadline_idx ON cases (decision_due_on) WHERE status IN ('submitted','in_review');

    -- Nachforderung: what the authority asked for; answered by the operator's amendment
    CREATE TABLE case_requests (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
      items jsonb NOT NULL DEFAULT '[]'::jsonb,
      body text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 10000),
      requested_by uuid REFERENCES users(id) ON DELETE SET NULL,
      requested_at timestamptz NOT NULL,
      answered_at timestamptz,
      answered_version integer
    );
    CREATE INDEX case_requests_case_idx ON case_requests (case_id, requested_at);

    -- consulted bodies (Fachbehörden): their statement is decided together with the consent (§ 127 Abs. 5 TKG)
    CREATE TABLE case_involvements (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
      body_id uuid NOT NULL REFERENCES organisations(id) ON DELETE RESTRICT,
      question text NOT NULL CHECK (length(btrim(question)) BETWEEN 1 AND 5000),
      due_on date NOT NULL,
      requested_by uuid REFERENCES users(id) ON DELETE SET NULL,
      requested_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested','answered','cancelled')),
      statement text CHECK (statement IN ('agree','agree_with_conditions','object')),
      statement_text text,
      conditions jsonb NOT NULL DEFAULT '[]'::jsonb,
      answered_by uuid REFERENCES users(id) ON DELETE SET NULL,
      answered_at timestamptz,
      version integer NOT NULL DEFAULT 1,
      UNIQUE (case_id, body_id)
    );
    CREATE INDEX case_involvements_body_idx ON case_involvements (body_id, status);

    -- the authority's catalogue of Nebenbestimmungen (conditions attached to the consent) and Hinweise (hints)
    CREATE TABLE condition_templates (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      authority_id uuid NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('condition','hint')),
      title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
      body text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 5000),
      -- standard texts go into every consent, and into fast-track approvals
      standard boolean NOT NULL DEFAULT false,
      active boolean NOT NULL DEFAULT true,
      position integer NOT NULL DEFAULT 0,
      version integer NOT NULL DEFAULT 1,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX condition_templates_authority_idx ON condition_templates (authority_id, position);

    -- the conditions and hints of one case's decision, as the clerk edited them
    CREATE TABLE case_conditions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('condition','hint')),
      title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
      body text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 5000),
      source text NOT NULL CHECK (source IN ('catalogue','custom','consulted_body')),
      template_id uuid REFERENCES condition_templates(id) ON DELETE SET NULL,
      involvement_id uuid REFERENCES case_involvements(id) ON DELETE SET NULL,
      position integer NOT NULL
    );
    CREATE INDEX case_conditions_case_idx ON case_conditions (case_id, position);

    -- Background work: written in the transaction of the event, run by the job runner, retried
    -- with backoff. dedupe_key makes enqueueing idempotent.
    CREATE TABLE jobs (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      kind text NOT NULL,
      payload jsonb NOT NULL DEFAULT '{}'::jsonb,
      dedupe_key text UNIQUE,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','running','done','failed')),
      run_at timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      max_attempts integer NOT NULL DEFAULT 8 CHECK (max_attempts >= 1),
      locked_by text,
      locked_until timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    );
    CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE status IN ('pending','running');

    -- one job runner at a time across app processes: whoever holds the unexpired lease
    CREATE TABLE job_leases (
      name text PRIMARY KEY,
      holder text NOT NULL,
      expires_at timestamptz NOT NULL
    );

    -- kept: no SMTP server configured (embedded demo); the mail stays readable on the dev page
    ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
    ALTER TABLE outbox ADD CONSTRAINT outbox_status_check CHECK (status IN ('pending','sent','failed','kept'));
  `);

  await knex("procedure_rules").insert([
    {
      key: "tkg_127",
      name: "Zustimmung nach § 127 TKG",
      legal_basis: "§ 127 Abs. 3 TKG",
      completeness_period: JSON.stringify({ amount: 1, unit: "months" }),
      decision_period: JSON.stringify({ amount: 3, unit: "months" }),
      extension_period: JSON.stringify({ amount: 1, unit: "months" }),
      max_extensions: 1,
      deemed_approval: true,
    },
    {
      key: "gia_art7",
      name: "Genehmigung nach der Gigabit-Infrastrukturverordnung",
      legal_basis: "Art. 7 Abs. 3 und 4 Verordnung (EU) 2024/1309",
      completeness_period: JSON.stringify({ amount: 20, unit: "working_days" }),
      decision_period: JSON.stringify({ amount: 4, unit: "months" }),
      extension_period: JSON.stringify({ amount: 1, unit: "months" }),
      max_extensions: 1,
      deemed_approval: true,
    },
  ]);
  await knex("portal_settings").insert({
    key: "procedure.default_rule",
    value: JSON.stringify("tkg_127"),
    description: "Verfahrensregel für Behörden ohne eigene Einstellung (Schlüssel aus procedure_rules)",
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex("portal_settings").where({ key: "procedure.default_rule" }).delete();
  await knex.raw("UPDATE outbox SET status = 'pending' WHERE status = 'kept'");
  await knex.raw("ALTER TABLE outbox DROP CONSTRAINT outbox_status_check");
  await knex.raw("ALTER TABLE outbox ADD CONSTRAINT outbox_status_check CHECK (status IN ('pending','sent','failed'))");
  await knex.raw("DROP TABLE IF EXISTS job_leases, jobs, case_conditions, condition_templates, case_involvements, case_requests CASCADE");
  await knex.raw(`ALTER TABLE cases
    DROP COLUMN procedure_rule_key, DROP COLUMN clock_started_at, DROP COLUMN completeness_due_on,
    DROP COLUMN decision_due_on, DROP COLUMN clock_stopped_at, DROP COLUMN completeness_confirmed_at,
    DROP COLUMN extension_count, DROP COLUMN extension_reason, DROP COLUMN decided_at,
    DROP COLUMN decided_by, DROP COLUMN decision_reasons, DROP COLUMN deemed_reason`);
  await knex.raw("ALTER TABLE organisations DROP COLUMN procedure_rule_key, DROP COLUMN fast_track_enabled, DROP COLUMN consulted_topic");
  await knex.raw("DROP TABLE IF EXISTS procedure_rules");
}
