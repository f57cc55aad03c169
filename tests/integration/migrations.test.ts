import { describe, expect, it } from "vitest";
import { migrationSource } from "#db/migrations/index";
import { migrateToLatest } from "~/db.server";
import { useTestDatabase } from "../support/db";

const db = useTestDatabase();

describe("migrations", () => {
  it("have created every table with PostGIS geometry in EPSG:25832 and GiST indexes", async () => {
    const knex = db.current.knex;
    const geometryColumns = await knex("geometry_columns")
      .where({ f_table_schema: "public" })
      .orderBy("f_table_name")
      .select("f_table_name as table", "srid", "type");
    expect(geometryColumns).toEqual([
      { table: "admin_areas", srid: 25832, type: "MULTIPOLYGON" },
      { table: "application_versions", srid: 25832, type: "MULTILINESTRING" },
      { table: "applications", srid: 25832, type: "MULTILINESTRING" },
      { table: "applications", srid: 25832, type: "MULTILINESTRING" },
      { table: "conflict_features", srid: 25832, type: "GEOMETRY" },
      { table: "roads", srid: 25832, type: "LINESTRING" },
    ]);
    // every geometry column has a GiST index
    const unindexed = await knex.raw(`
      select c.f_table_name, c.f_geometry_column from geometry_columns c
      where c.f_table_schema = 'public' and not exists (
        select 1 from pg_indexes i where i.tablename = c.f_table_name and i.indexdef ilike '%using gist%'
          and i.indexdef like '%(' || c.f_geometry_column || ')%')`);
    expect(unindexed.rows).toEqual([]);
  });

  it("keep the audit trail append-only", async () => {
    const knex = db.current.knex;
    const [row] = await knex("audit_events")
      .insert({ entity_type: "test", entity_id: "1", action: "created" })
      .returning("id");
    await expect(knex("audit_events").where({ id: row.id }).update({ action: "forged" })).rejects.toThrow(/append-only/);
    await expect(knex("audit_events").where({ id: row.id }).delete()).rejects.toThrow(/append-only/);
  });

  it("enforce domain rules in the database", async () => {
    const knex = db.current.knex;
    await expect(
      knex("organisations").insert({ slug: "ohne-ebene", kind: "road_authority", name: "Ohne Ebene" }),
    ).rejects.toThrow(/road_authority_has_level/);
    await expect(
      knex("admin_areas").insert({ level: "gemeinde", ags: "06999", name: "X", state: "HE", geom: knex.raw("ST_Multi(ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))', 25832))") }),
    ).rejects.toThrow(/ags_length_matches_level/);
  });

  it("roll back completely and apply again", async () => {
    const knex = db.current.knex;
    const all = (await migrationSource.getMigrations([])).map((m) => migrationSource.getMigrationName(m));
    await knex.migrate.rollback({ migrationSource }, true);
    const left = await knex.raw("select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name in ('users','roads','audit_events')");
    expect(left.rows[0].n).toBe(0);
    expect(await migrateToLatest(knex)).toEqual(all);
    expect(await migrateToLatest(knex)).toEqual([]);
  });
});
