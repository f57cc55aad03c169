import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { formatValue, KpiCards } from "~/components/dashboard/kpis";
import { DateField, MonthsChart } from "~/components/dashboard/parts";
import { SortableTable, type Column } from "~/components/dashboard/sortable-table";
import { Alert } from "~/components/forms";
import { formatDueDate } from "~/components/review/deadline";
import { db } from "~/db.server";
import type { AreaRow } from "~/modules/dashboard/model";
import { publicStatistics } from "~/modules/dashboard/service.server";
import { errorText } from "~/utils/application-errors.server";

export const meta: MetaFunction = () => [
  { title: "Statistik: Gigabit-Ausbau und Genehmigungen – Breitband-Portal" },
  { name: "description", content: "Gigabit-Versorgung und Bearbeitungszeiten der Zustimmungsverfahren nach § 127 TKG in Hessen und Rheinland-Pfalz" },
];

/** Public statistics: aggregates per Kreis and month, no names of people, operators or authorities. */
export async function loader({ request }: LoaderFunctionArgs) {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const result = await publicStatistics(await db(), params);
  if (!result.ok) return json({ stats: null, params, message: errorText(result.error) }, { status: 400 });
  return json({ stats: result.value, params, message: null }, { headers: { "Cache-Control": "public, max-age=300" } });
}

const count = new Intl.NumberFormat("de-DE");

export default function PublicStatistics() {
  const { stats, params, message } = useLoaderData<typeof loader>();
  const columns = useMemo<Column<AreaRow>[]>(
    () => [
      { key: "name", label: "Kreis", sortValue: (r) => r.name },
      { key: "share", label: "Gigabit-Anteil", numeric: true, sortValue: (r) => r.gigabitShare, render: (r) => formatValue(r.gigabitShare, "share") },
      { key: "filed", label: "Anträge", numeric: true, sortValue: (r) => r.applicationsFiled },
      { key: "decided", label: "entschieden", numeric: true, sortValue: (r) => r.casesDecided },
      { key: "deemed", label: "Fiktionen", numeric: true, sortValue: (r) => r.casesDeemed },
      { key: "median", label: "Median Tage", numeric: true, sortValue: (r) => r.medianProcessingDays, render: (r) => formatValue(r.medianProcessingDays, "days") },
      { key: "km", label: "km zugestimmt", numeric: true, sortValue: (r) => r.kmConsented, render: (r) => formatValue(r.kmConsented, "km") },
    ],
    [],
  );
  const form = (
    <Form method="get" className="filter-bar" aria-label="Zeitraum">
      <DateField name="from" label="Von" value={stats?.filter.from ?? params.from} />
      <DateField name="to" label="Bis" value={stats?.filter.to ?? params.to} />
      <button type="submit" className="kern-btn kern-btn--primary">
        <span className="kern-label">Anzeigen</span>
      </button>
    </Form>
  );
  if (!stats) {
    return (
      <div className="kern-stack">
        <h1 className="kern-heading-large">Statistik</h1>
        {form}
        <Alert tone="danger" title="Die Auswahl ist ungültig.">
          <p className="kern-body">{message}</p>
        </Alert>
      </div>
    );
  }
  const previousLabel = `${formatDueDate(stats.previous.from)} – ${formatDueDate(stats.previous.to)}`;
  const exportQuery = new URLSearchParams({ from: stats.filter.from, to: stats.filter.to, ...(stats.filter.area ? { area: stats.filter.area } : {}) });
  return (
    <div className="kern-stack dashboard">
      <hgroup className="kern-hgroup">
        <p className="kern-preline">Statistik</p>
        <h1 className="kern-heading-large">Gigabit-Ausbau und Genehmigungen in Hessen und Rheinland-Pfalz</h1>
        <p className="kern-subline">
          {formatDueDate(stats.filter.from)} – {formatDueDate(stats.filter.to)}, verglichen mit {previousLabel}
        </p>
      </hgroup>
      <p className="kern-body">
        Zusammengefasste Zahlen aus den Zustimmungsverfahren nach § 127 TKG im Portal und der Breitbandversorgung der Haushalte (Breitbandatlas | Gigabit-Grundbuch, ergänzt um Fertigstellungsmeldungen). Keine
        personenbezogenen Daten.
      </p>
      {form}
      <KpiCards kpis={stats.kpis} previousLabel={previousLabel} />
      <section aria-labelledby="kreise" className="kern-stack">
        <h2 id="kreise" className="kern-heading-medium">
          Nach Kreisen
        </h2>
        <SortableTable caption="Kennzahlen nach Kreisen" columns={columns} rows={stats.areas} rowKey={(r) => r.ags} />
        <p className="kern-body">
          Export: <a href={`/statistik/oeffentlich/export?${exportQuery}`}>CSV</a>
        </p>
      </section>
      <section aria-labelledby="monate" className="kern-stack">
        <h2 id="monate" className="kern-heading-medium">
          Anträge und Entscheidungen je Monat
        </h2>
        <MonthsChart months={stats.months} />
        <p className="kern-body kern-body--small">
          Im Zeitraum: {count.format(stats.months.reduce((s, m) => s + m.applicationsFiled, 0))} Anträge, {count.format(stats.months.reduce((s, m) => s + m.casesDecided, 0))} Entscheidungen.
        </p>
      </section>
    </div>
  );
}
