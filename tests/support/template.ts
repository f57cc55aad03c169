import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { migrateToLatest, openDatabase, type Database } from "~/db.server";
import { seedDemo } from "~/modules/demo/seed.server";

/**
 * Test databases: one migrated, demo-seeded template is built per run; every test file gets a
 * fresh copy of it (PGlite: the dumped data dir loaded in memory; PostgreSQL: CREATE DATABASE …
 * TEMPLATE). Which engine is decided by DATABASE_URL, exactly like the app.
 */
export type TemplateRef = { engine: "pglite"; file: string } | { engine: "postgres"; url: string };

export function adminUrl(url: string, database = "postgres"): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
}

export async function buildTemplate(): Promise<{ ref: TemplateRef; dispose(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = uniqueDatabaseName("bp_tmpl");
    const admin = await openDatabase({ engine: "postgres", url: adminUrl(url) });
    await admin.knex.raw(`CREATE DATABASE ${name}`);
    const tmpl = await openDatabase({ engine: "postgres", url: adminUrl(url, name) });
    await prepare(tmpl);
    await tmpl.close();
    return {
      ref: { engine: "postgres", url: adminUrl(url, name) },
      dispose: async () => {
        await admin.knex.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.close();
      },
    };
  }
  const database = await openDatabase({ engine: "pglite" });
  await prepare(database);
  const dump = await dumpPglite(database);
  await database.close();
  const dir = path.resolve(".cache/test");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `template-${process.pid}.tar.gz`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  return { ref: { engine: "pglite", file }, dispose: async () => {} };
}

async function prepare(database: Database): Promise<void> {
  await migrateToLatest(database.knex);
  await seedDemo(database.knex);
}

async function dumpPglite(database: Database): Promise<Blob> {
  if (!database.pglite) throw new Error("not a PGlite database");
  return database.pglite.dumpDataDir("gzip");
}
