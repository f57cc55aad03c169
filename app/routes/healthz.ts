import { json } from "@remix-run/node";
import { database } from "~/db.server";
import packageJson from "../../package.json";

/** Liveness and readiness for load balancers and monitoring: the database answers, which engine, which version. */
export async function loader() {
  const started = Date.now();
  try {
    const { knex, engine } = await database();
    const row = await knex.raw("select postgis_lib_version() as postgis");
    return json(
      {
        status: "ok",
        version: packageJson.version,
        database: { engine, postgis: row.rows[0]?.postgis ?? null, latencyMs: Date.now() - started },
      },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (error) {
    console.error("[healthz] database check failed", error);
    return json(
      { status: "error", version: packageJson.version, database: { reachable: false } },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
}
