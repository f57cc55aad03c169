import type { Knex } from "knex";
import * as m0001 from "./0001_postgis";
import * as m0002 from "./0002_accounts";
import * as m0003 from "./0003_geodata";
import * as m0004 from "./0004_audit";
import * as m0005 from "./0005_checks";
import * as m0006 from "./0006_applications";
import * as m0007 from "./0007_review";
import * as m0008 from "./0008_documents";
import * as m0009 from "./0009_coverage";
import * as m0010 from "./0010_dashboard";
import * as m0011 from "./0011_case_facts";

interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Migrations are listed here, not discovered on disk, so the bundled server, the CLIs and the
 * tests run exactly the same code on PGlite and PostgreSQL. Append new ones; never reorder.
 */
const migrations: Migration[] = [
  { name: "0001_postgis", ...m0001 },
  { name: "0002_accounts", ...m0002 },
  { name: "0003_geodata", ...m0003 },
  { name: "0004_audit", ...m0004 },
  { name: "0005_checks", ...m0005 },
  { name: "0006_applications", ...m0006 },
  { name: "0007_review", ...m0007 },
  { name: "0008_documents", ...m0008 },
  { name: "0009_coverage", ...m0009 },
  { name: "0010_dashboard", ...m0010 },
  { name: "0011_case_facts", ...m0011 },
];

export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: async () => migrations,
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
};
