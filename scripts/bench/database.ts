import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "~/db.server";

/**
 * A scratch database for a benchmark: a temporary PGlite data dir, or database `name` created on
 * BENCH_DATABASE_URL / DATABASE_URL (default: the local PostgreSQL). `cleanup` closes it and,
 * unless `keep`, deletes it.
 */
export async function openScratchDatabase(engine: "postgres" | "pglite", name: string, { keep = false } = {}): Promise<{ db: Database; cleanup: () => Promise<void> }> {
  if (engine === "pglite") {
    const dir = mkdtempSync(path.join(tmpdir(), `${name}-`));
    const db = await openDatabase({ engine: "pglite", dataDir: path.join(dir, "data") });
    return {
      db,
      cleanup: async () => {
        await db.close();
        if (!keep) rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ engine: "postgres", url: url.toString() });
  return {
    db,
    cleanup: async () => {
      await db.close();
      if (!keep) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}
