/**
 * Loads the demo region, organisations and accounts into the configured database
 * (DATABASE_URL, or the embedded one in DATA_DIR). Safe to run again: it only adds what is missing.
 *
 *   npx tsx scripts/seed-demo.ts
 */
import { database } from "~/db.server";
import { seedDemo } from "~/modules/demo/seed.server";

const db = await database();
try {
  const started = performance.now();
  const report = await seedDemo(db.knex);
  const took = Math.round(performance.now() - started);
  if (report.alreadySeeded) console.log(`Demo-Daten bereits vorhanden (${took} ms).`);
  else console.log(`Demo-Daten geladen in ${took} ms:`, report.inserted);
} finally {
  await db.close();
}
