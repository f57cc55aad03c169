import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { db } from "~/db.server";
import { requireRole } from "~/modules/auth/guards.server";
import { areaShapes, listAreaCases } from "~/modules/dashboard/areas.server";
import { toCsv } from "~/modules/dashboard/csv";
import { AREA_COLUMNS, AUTHORITY_COLUMNS, CASE_COLUMNS, COVERAGE_COLUMNS, MONTH_COLUMNS, PROCESSING_COLUMNS } from "~/modules/dashboard/exports";
import { loadDashboard } from "~/modules/dashboard/service.server";
import { errorText, statusOf } from "~/utils/application-errors.server";

/**
 * Exports of the dashboard's tables and map: CSV (UTF-8 with BOM, for Excel) and, for areas,
 * GeoJSON with the outlines. The same filter as the page; state staff only.
 */
const ExportSchema = z
  .object({
    table: z.enum(["areas", "authorities", "months", "processing", "coverage", "cases"], {
      errorMap: () => ({ message: "Tabelle: areas, authorities, months, processing, coverage oder cases." }),
    }),
    format: z.enum(["csv", "geojson"], { errorMap: () => ({ message: "Format: csv oder geojson." }) }).default("csv"),
    ags: z.string().regex(/^\d{8}$/, "Gemeinde: 8-stelliger AGS.").optional(),
  })
  .refine((q) => q.format === "csv" || q.table === "areas", { message: "GeoJSON gibt es für Gebiete (table=areas).", path: ["format"] })
  .refine((q) => q.table !== "cases" || q.ags, { message: "Für die Fälle einer Gemeinde bitte ags angeben.", path: ["ags"] });

const badRequest = (message: string) => new Response(message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });

export async function loader({ request }: LoaderFunctionArgs) {
  const principal = await requireRole(request, ["state_analyst", "platform_admin"]);
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const { table, format, ags, ...filterInput } = params;
  const query = ExportSchema.safeParse({ table, format, ags });
  if (!query.success) return badRequest(query.error.issues.map((i) => i.message).join(" "));
  const knex = await db();
  const result = await loadDashboard(knex, principal, filterInput);
  if (!result.ok) return new Response(errorText(result.error), { status: statusOf(result.error), headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const dashboard = result.value;
  const { from, to, level } = dashboard.filter;
  const name = `breitband-${query.data.table}${query.data.ags ? `-${query.data.ags}` : ""}-${from}_${to}`;

  if (query.data.format === "geojson") {
    const shapes = await areaShapes(knex, level, dashboard.filter.area);
    const features = dashboard.areas.map((a) => ({ type: "Feature" as const, geometry: shapes.get(a.ags) ?? null, properties: a }));
    return new Response(JSON.stringify({ type: "FeatureCollection", features }), {
      headers: { "Content-Type": "application/geo+json; charset=utf-8", "Content-Disposition": `attachment; filename="${name}-${level}.geojson"`, "Cache-Control": "private, no-store" },
    });
  }
  const tables = {
    areas: () => toCsv(AREA_COLUMNS, dashboard.areas),
    authorities: () => toCsv(AUTHORITY_COLUMNS, dashboard.authorities),
    months: () => toCsv(MONTH_COLUMNS, dashboard.months),
    processing: () => toCsv(PROCESSING_COLUMNS, dashboard.processing),
    coverage: () => toCsv(COVERAGE_COLUMNS, dashboard.coverage),
    cases: async () => toCsv(CASE_COLUMNS, await listAreaCases(knex, query.data.ags!, dashboard.filter)),
  };
  const csv = await tables[query.data.table]();
  return new Response(csv, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}.csv"`, "Cache-Control": "private, no-store" },
  });
}
