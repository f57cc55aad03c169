/**
 * Batch route check for planning offices: prints the same JSON report as POST /api/v1/checks.
 *
 *   npm run check -- --file route.geojson [--srid 25832] [--method hdd] [--depth 0.4] [--from 2027-03-01 --to 2027-06-30]
 *
 * Exit codes: 0 checked, 1 the route has blocking findings, 2 bad arguments or input.
 */
import { readFileSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { database } from "~/db.server";
import { checkRequest } from "~/modules/checks/engine.server";
import { LAYING_METHODS } from "~/modules/checks/methods";
import { CHECK_LIMITS } from "~/modules/checks/schema";

const ArgsSchema = z.object({
  file: z.string({ required_error: "--file fehlt: Pfad zur GeoJSON-Datei der Trasse." }).min(1),
  srid: z.coerce.number({ invalid_type_error: "--srid muss eine EPSG-Nummer sein." }).int().optional(),
  method: z.enum(LAYING_METHODS, { errorMap: () => ({ message: `--method: eines von ${LAYING_METHODS.join(", ")}` }) }).optional(),
  depth: z.coerce.number({ invalid_type_error: "--depth muss eine Zahl in Metern sein." }).optional(),
  from: z.string().optional(),
  to: z.string().optional(),
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      file: { type: "string" },
      srid: { type: "string" },
      method: { type: "string" },
      depth: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
    },
    strict: true,
  }));
} catch (error) {
  fail(`Ungültige Argumente: ${(error as Error).message}`);
}
const parsed = ArgsSchema.safeParse(values);
if (!parsed.success) fail(parsed.error.issues.map((i) => i.message).join("\n"));
const args = parsed.data;

let route: unknown;
try {
  if (statSync(args.file).size > CHECK_LIMITS.maxBytes) fail(`Die Datei ist größer als ${CHECK_LIMITS.maxBytes / 1024 / 1024} MB.`);
  route = JSON.parse(readFileSync(args.file, "utf8"));
} catch (error) {
  fail(`Datei ${args.file} kann nicht gelesen werden: ${(error as Error).message}`);
}

const db = await database();
try {
  const outcome = await checkRequest(db.knex, {
    route,
    ...(args.srid ? { srid: args.srid } : {}),
    ...(args.method ? { method: args.method } : {}),
    ...(args.depth !== undefined ? { depthM: args.depth } : {}),
    ...(args.from || args.to ? { period: { start: args.from, end: args.to } } : {}),
  });
  if (!outcome.ok) {
    console.error(outcome.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
    process.exitCode = 2;
  } else {
    console.log(JSON.stringify(outcome.report, null, 2));
    const blocking = [...outcome.report.findings, ...outcome.report.conflicts, ...outcome.report.method].some((f) => f.severity === "blocking");
    process.exitCode = blocking ? 1 : 0;
  }
} finally {
  await db.close();
}
