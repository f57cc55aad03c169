import type { Knex } from "knex";

export async function up(knex: Knex): Promise<void> {
  await knex.raw("CREATE EXTENSION IF NOT EXISTS postgis");
}

export async function down(): Promise<void> {
  // PostGIS stays: other schemas of the database may depend on it.
}
