import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { toCsv } from "~/modules/dashboard/csv";
import { AREA_COLUMNS } from "~/modules/dashboard/exports";
import { publicStatistics } from "~/modules/dashboard/service.server";
import { errorText } from "~/utils/application-errors.server";

/** The public Kreis table as CSV (UTF-8 with BOM for Excel); aggregates only. */
export async function loader({ request }: LoaderFunctionArgs) {
  const result = await publicStatistics(await db(), Object.fromEntries(new URL(request.url).searchParams));
  if (!result.ok) return new Response(errorText(result.error), { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const { from, to } = result.value.filter;
  return new Response(toCsv(AREA_COLUMNS, result.value.areas), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="breitband-statistik-kreise-${from}_${to}.csv"`, "Cache-Control": "public, max-age=300" },
  });
}
