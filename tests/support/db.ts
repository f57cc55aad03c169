import { readFileSync } from "node:fs";
import { afterAll, beforeAll, inject } from "vitest";
import { openDatabase, type Database } from "~/db.server";
import { adminUrl, uniqueDatabaseName } from "./template";

/** A fresh copy of the migrated, demo-seeded template, private to the calling test file. */
export async function createTestDatabase(): Promise<Database> {
  const ref = inject("dbTemplate");
  if (ref.engine === "pglite") {
    const dump = new Blob([readFileSync(ref.file)]);
    return openDatabase({ engine: "pglite", loadDataDir: dump });
  }
  const name = uniqueDatabaseName("bp_test");
  const templateName = new URL(ref.url).pathname.slice(1);
  const admin = await openDatabase({ engine: "postgres", url: adminUrl(ref.url) });
  await admin.knex.raw(`CREATE DATABASE ${name} TEMPLATE ${templateName}`);
  const database = await openDatabase({ engine: "postgres", url: adminUrl(ref.url, name) });
  return {
    ...database,
    close: async () => {
      await database.close();
      await admin.knex.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    },
  };
}

/** Opens a test database before the file's tests and closes it after them. */
export function useTestDatabase(): { readonly current: Database } {
  const holder: { current?: Database } = {};
  beforeAll(async () => {
    holder.current = await createTestDatabase();
  });
  afterAll(async () => {
    await holder.current?.close();
  });
  return {
    get current() {
      if (!holder.current) throw new Error("test database not open yet");
      return holder.current;
    },
  };
}
