import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "~/db.server";

describe.skipIf(Boolean(process.env.DATABASE_URL))("embedded database folder", () => {
  it("keeps data between opens and refuses a second process while one has it open", async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "bp-embedded-")), "pglite");
    const first = await openDatabase({ engine: "pglite", dataDir });
    await first.knex.raw("create table kept (v int)");
    await first.knex.raw("insert into kept values (42)");

    // Another process (here: a child node) must not open the same folder.
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", "-e", `import("./app/db.server.ts").then(m => m.openDatabase({ engine: "pglite", dataDir: ${JSON.stringify(dataDir)} })).then(() => process.exit(0), e => { console.error(e.message); process.exit(3); })`],
      { encoding: "utf8", cwd: path.resolve(import.meta.dirname, "../..") },
    );
    expect(child.status).toBe(3);
    expect(child.stderr).toContain("is in use by process");
    await first.close();

    const again = await openDatabase({ engine: "pglite", dataDir });
    expect((await again.knex.raw("select v from kept")).rows).toEqual([{ v: 42 }]);
    await again.close();
  });
});
