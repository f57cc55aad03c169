import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { postgis } from "@electric-sql/pglite-postgis";
import knexFactory, { type Knex } from "knex";
import ClientPgLite from "knex-pglite";
import { migrationSource } from "#db/migrations/index";
import { env } from "~/env.server";

/** A knex instance or an open transaction: domain functions accept either, so callers compose them in one transaction. */
export type Db = Knex | Knex.Transaction;
export type DbEngine = "postgres" | "pglite";

export interface Database {
  knex: Knex;
  engine: DbEngine;
  /** The embedded instance (PGlite only), for dumping and loading data dirs. */
  pglite?: PGlite;
  close(): Promise<void>;
}

export type OpenOptions =
  | { engine: "postgres"; url: string }
  /** dataDir: a folder kept between starts; loadDataDir: an in-memory copy of a dumped template (tests). */
  | { engine: "pglite"; dataDir?: string; loadDataDir?: Blob | File };

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.engine === "postgres") {
    const knex = knexFactory({
      client: "pg",
      connection: options.url,
      pool: {
        min: 0,
        max: 10,
        // JIT compiles large spatial queries for seconds to save milliseconds (the route check: 3.4 s vs 50 ms).
        afterCreate: (conn: { query(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) =>
          conn.query("SET jit = off", (err) => done(err, conn)),
      },
    });
    return { knex, engine: "postgres", close: () => knex.destroy() };
  }
  let dataDir: string | undefined;
  let releaseLock = () => {};
  if (options.dataDir) {
    dataDir = path.resolve(options.dataDir);
    // PGlite creates only the last folder of its path.
    mkdirSync(path.dirname(dataDir), { recursive: true });
    releaseLock = lockDataDir(dataDir);
  }
  // The options-object form: `new PGlite(dir, opts)` drops opts when dir is undefined.
  const pglite = new PGlite({ dataDir, loadDataDir: options.loadDataDir, extensions: { postgis } });
  await pglite.waitReady;
  const knex = knexFactory({
    client: ClientPgLite,
    dialect: "postgres",
    connection: () => ({ pglite }) as never,
  });
  return {
    knex,
    engine: "pglite",
    pglite,
    close: async () => {
      await knex.destroy();
      if (!pglite.closed) await pglite.close();
      releaseLock();
    },
  };
}

class DataDirInUseError extends Error {}

/**
 * PGlite has no server: two processes opening one data folder would corrupt it. A lock file with
 * the owner's pid keeps a second process (a CLI while the portal runs) out; a stale lock is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lockFile = `${dataDir}.lock`;
  try {
    writeFileSync(lockFile, String(process.pid), { flag: "wx" });
  } catch {
    const owner = Number(readFileSync(lockFile, "utf8"));
    if (owner && owner !== process.pid && isAlive(owner)) {
      throw new DataDirInUseError(
        `The embedded database ${dataDir} is in use by process ${owner}. Stop that process (e.g. the running portal) or use DATABASE_URL.`,
      );
    }
    writeFileSync(lockFile, String(process.pid));
  }
  return () => rmSync(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function migrateToLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}

const globalForDb = globalThis as typeof globalThis & { __bpDatabase?: Promise<Database> };

/** The process-wide database, opened from the environment and migrated on first use. */
export function database(): Promise<Database> {
  globalForDb.__bpDatabase ??= (async () => {
    const config = env();
    const database =
      config.DB_ENGINE === "postgres" && config.DATABASE_URL
        ? await openDatabase({ engine: "postgres", url: config.DATABASE_URL })
        : await openDatabase({ engine: "pglite", dataDir: path.join(config.DATA_DIR, "pglite") });
    await migrateToLatest(database.knex);
    return database;
  })();
  return globalForDb.__bpDatabase;
}

/** Shorthand for loaders and actions. */
export async function db(): Promise<Knex> {
  return (await database()).knex;
}
