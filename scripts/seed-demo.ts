/**
 * Loads the demo region, organisations and accounts, then two years of demo history (applications,
 * decisions, coverage figures), into the configured database (DATABASE_URL, or the embedded one in
 * DATA_DIR). Safe to run again: it only adds what is missing; the history is loaded once.
 *
 *   npx tsx scripts/seed-demo.ts
 */
import { database } from "~/db.server";
import { seedDemoHistory } from "~/modules/demo/history.server";
import { seedDemo } from "~/modules/demo/seed.server";

const db = await database();
try {
  const started = performance.now();
  const report = await seedDemo(db.knex);
  const took = Math.round(performance.now() - started);
  if (report.alreadySeeded) console.log(`Demo-Daten bereits vorhanden (${took} ms).`);
  else console.log(`Demo-Daten geladen in ${took} ms:`, report.inserted);
  const history = await seedDemoHistory(db.knex, { now: new Date() });
  if (history.alreadySeeded) console.log("Demo-Historie bereits vorhanden.");
  else console.log(`Demo-Historie geladen in ${Math.round(history.durationMs)} ms: ${history.applications} Anträge, ${history.cases} Verfahren, ${history.documents} Dokumente.`);
} finally {
  await db.close();
}
