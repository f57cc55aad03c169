import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigate } from "@remix-run/react";
import maplibreCss from "maplibre-gl/dist/maplibre-gl.css";
import { useCallback, useMemo } from "react";
import { NO_DATA_COLOUR, SHARE_CLASSES } from "~/components/dashboard/choropleth-classes";
import { formatValue, KpiCards } from "~/components/dashboard/kpis";
import { ChartLazy, ChoroplethLazy } from "~/components/dashboard/lazy";
import { bucketLabel, DateField, MonthsChart } from "~/components/dashboard/parts";
import { SortableTable, type Column } from "~/components/dashboard/sortable-table";
import { Alert } from "~/components/forms";
import { db } from "~/db.server";
import { requireRole } from "~/modules/auth/guards.server";
import type { AreaRow, AuthorityRow, Dashboard } from "~/modules/dashboard/model";
import { loadDashboard } from "~/modules/dashboard/service.server";
import { formatDueDate as formatGermanDate } from "~/components/review/deadline";
import { errorText } from "~/utils/application-errors.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: maplibreCss }];
export const meta: MetaFunction = () => [{ title: "Dashboard Gigabit-Ausbau – Breitband-Portal" }];

/** The state analyst's dashboard: coverage and permit performance, read-only, for a date range. */
export async function loader({ request }: LoaderFunctionArgs) {
  const principal = await requireRole(request, ["state_analyst", "platform_admin"]);
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const result = await loadDashboard(await db(), principal, params);
  if (!result.ok) {
    const fieldErrors = result.error.code === "invalid" ? Object.fromEntries(result.error.fieldErrors.map((e) => [e.path, e.message])) : {};
    return json({ dashboard: null, params, message: errorText(result.error), fieldErrors }, { status: result.error.code === "invalid" ? 400 : 403 });
  }
  return json({ dashboard: result.value, params, message: null, fieldErrors: {} as Record<string, string> });
}

const count = new Intl.NumberFormat("de-DE");

function query(filter: Dashboard["filter"], changes: Record<string, string | null> = {}): string {
  const params = new URLSearchParams({ from: filter.from, to: filter.to, level: filter.level, ...(filter.area ? { area: filter.area } : {}) });
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) params.delete(k);
    else params.set(k, v);
  }
  return params.toString();
}

export default function DashboardPage() {
  const { dashboard, params, message, fieldErrors } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const filter = dashboard?.filter;
  const drill = useCallback(
    (area: AreaRow) => {
      if (!filter) return;
      if (area.level === "gemeinde") navigate(`/statistik/gemeinde/${area.ags}?${query(filter, { area: null, level: null })}`);
      else navigate(`/statistik?${query(filter, { area: area.ags, level: area.level === "land" ? "kreis" : "gemeinde" })}`);
    },
    [filter, navigate],
  );
  const areaColumns = useMemo<Column<AreaRow>[]>(
    () => [
      {
        key: "name",
        label: dashboard?.filter.level === "gemeinde" ? "Gemeinde" : "Kreis",
        sortValue: (r) => r.name,
        render: (r) =>
          filter ? (
            <Link to={r.level === "gemeinde" ? `/statistik/gemeinde/${r.ags}?${query(filter, { area: null, level: null })}` : `/statistik?${query(filter, { area: r.ags, level: "gemeinde" })}`}>{r.name}</Link>
          ) : (
            r.name
          ),
      },
      { key: "share", label: "Gigabit-Anteil", numeric: true, sortValue: (r) => r.gigabitShare, render: (r) => formatValue(r.gigabitShare, "share") },
      { key: "households", label: "Haushalte", numeric: true, sortValue: (r) => r.households, render: (r) => (r.households === null ? "–" : count.format(r.households)) },
      { key: "filed", label: "Anträge", numeric: true, sortValue: (r) => r.applicationsFiled },
      { key: "decided", label: "entschieden", numeric: true, sortValue: (r) => r.casesDecided },
      { key: "deemed", label: "Fiktionen", numeric: true, sortValue: (r) => r.casesDeemed },
      { key: "open", label: "offen", numeric: true, sortValue: (r) => r.casesOpen },
      { key: "overdue", label: "überfällig", numeric: true, sortValue: (r) => r.casesOverdue },
      { key: "median", label: "Median Tage", numeric: true, sortValue: (r) => r.medianProcessingDays, render: (r) => formatValue(r.medianProcessingDays, "days") },
      { key: "km", label: "km zugestimmt", numeric: true, sortValue: (r) => r.kmConsented, render: (r) => formatValue(r.kmConsented, "km") },
    ],
    [dashboard?.filter.level, filter],
  );
  const authorityColumns = useMemo<Column<AuthorityRow>[]>(
    () => [
      { key: "name", label: "Behörde", sortValue: (r) => r.name },
      { key: "open", label: "offen", numeric: true, sortValue: (r) => r.casesOpen },
      { key: "overdue", label: "überfällig", numeric: true, sortValue: (r) => r.casesOverdue },
      { key: "decided", label: "entschieden", numeric: true, sortValue: (r) => r.casesDecided },
      { key: "median", label: "Median Tage", numeric: true, sortValue: (r) => r.medianProcessingDays, render: (r) => formatValue(r.medianProcessingDays, "days") },
      { key: "p90", label: "90. Perzentil", numeric: true, sortValue: (r) => r.p90ProcessingDays, render: (r) => formatValue(r.p90ProcessingDays, "days") },
      { key: "deemed", label: "Fiktionen", numeric: true, sortValue: (r) => r.casesDeemed },
      { key: "within", label: "fristgerecht", numeric: true, sortValue: (r) => r.decidedWithinDeadlineShare, render: (r) => formatValue(r.decidedWithinDeadlineShare, "share") },
    ],
    [],
  );

  const form = (
    <Form method="get" className="filter-bar" aria-label="Zeitraum und Ebene">
      {params.area ? <input type="hidden" name="area" value={params.area} /> : null}
      <DateField name="from" label="Von" value={filter?.from ?? params.from} error={fieldErrors.from} />
      <DateField name="to" label="Bis" value={filter?.to ?? params.to} error={fieldErrors.to} />
      <fieldset className="kern-fieldset">
        <legend className="kern-label">Karte und Tabelle nach</legend>
        <div className="kern-fieldset__body kern-fieldset__body--horizontal">
          {(["kreis", "gemeinde"] as const).map((level) => (
            <div key={level} className="kern-form-check">
              <input className="kern-form-check__radio" type="radio" id={`level-${level}`} name="level" value={level} defaultChecked={(filter?.level ?? params.level ?? "kreis") === level} />
              <label className="kern-label" htmlFor={`level-${level}`}>
                {level === "kreis" ? "Kreisen" : "Gemeinden"}
              </label>
            </div>
          ))}
        </div>
      </fieldset>
      <button type="submit" className="kern-btn kern-btn--primary">
        <span className="kern-label">Anwenden</span>
      </button>
    </Form>
  );

  if (!dashboard || !filter) {
    return (
      <div className="kern-stack">
        <h1 className="kern-heading-large">Gigabit-Ausbau und Genehmigungen</h1>
        {form}
        <Alert tone="danger" title="Die Auswahl ist ungültig.">
          <p className="kern-body">{message}</p>
        </Alert>
      </div>
    );
  }
  const range = `${formatGermanDate(filter.from)} – ${formatGermanDate(filter.to)}`;
  const previousLabel = `${formatGermanDate(dashboard.previous.from)} – ${formatGermanDate(dashboard.previous.to)}`;
  const exportUrl = (table: string, format = "csv", extra: Record<string, string> = {}) => `/statistik/export?${query(filter)}&${new URLSearchParams({ table, format, ...extra })}`;
  const levelLabel = filter.level === "gemeinde" ? "Gemeinden" : "Kreisen";

  return (
    <div className="kern-stack dashboard">
      <hgroup className="kern-hgroup">
        <p className="kern-preline">Landesebene · nur Einsicht</p>
        <h1 className="kern-heading-large">Gigabit-Ausbau und Genehmigungen</h1>
        <p className="kern-subline">
          {range}, verglichen mit {previousLabel}
        </p>
      </hgroup>
      {form}
      <nav aria-label="Gebiet" className="breadcrumb">
        <ol>
          <li>
            {dashboard.path.length === 0 ? <span aria-current="page">Hessen und Rheinland-Pfalz</span> : <Link to={`/statistik?${query(filter, { area: null, level: "kreis" })}`}>Hessen und Rheinland-Pfalz</Link>}
          </li>
          {dashboard.path.map((p, i) => (
            <li key={p.ags}>
              {i === dashboard.path.length - 1 ? <span aria-current="page">{p.name}</span> : <Link to={`/statistik?${query(filter, { area: p.ags, level: p.level === "land" ? "kreis" : "gemeinde" })}`}>{p.name}</Link>}
            </li>
          ))}
        </ol>
      </nav>

      <KpiCards kpis={dashboard.kpis} previousLabel={previousLabel} />

      <section aria-labelledby="karte" className="kern-stack">
        <h2 id="karte" className="kern-heading-medium">
          Gigabit-Versorgung nach {levelLabel}
        </h2>
        <div className="dashboard-map">
          <ChoroplethLazy dataUrl={exportUrl("areas", "geojson")} onSelect={drill} />
          <div className="dashboard-legend" aria-label="Legende">
            <p className="kern-label">Haushalte mit FTTB/H ≥ 1 Gbit/s</p>
            <ul>
              {SHARE_CLASSES.map((c) => (
                <li key={c.label}>
                  <span className="swatch" style={{ background: c.colour }} aria-hidden="true" /> {c.label}
                </li>
              ))}
              <li>
                <span className="swatch" style={{ background: NO_DATA_COLOUR }} aria-hidden="true" /> keine Daten
              </li>
            </ul>
            <p className="kern-body kern-body--small">Klick auf ein Gebiet: eine Ebene tiefer. Quelle: Breitbandatlas | Gigabit-Grundbuch, Fertigstellungsmeldungen im Portal.</p>
          </div>
        </div>
        <SortableTable caption={`Kennzahlen nach ${levelLabel}`} columns={areaColumns} rows={dashboard.areas} rowKey={(r) => r.ags} initialSort={{ key: "name", direction: "ascending" }} />
        <p className="kern-body">
          Export: <a href={exportUrl("areas")}>CSV</a> · <a href={exportUrl("areas", "geojson")}>GeoJSON</a>
        </p>
      </section>

      <section aria-labelledby="verlauf" className="kern-stack">
        <h2 id="verlauf" className="kern-heading-medium">
          Verlauf
        </h2>
        <div className="dashboard-charts">
          <figure className="dashboard-figure">
            <figcaption className="kern-title">Gigabit-Anteil der Haushalte</figcaption>
            <ChartLazy kind="line" labels={dashboard.coverage.map((p) => formatGermanDate(p.asOf))} series={[{ label: "Anteil", values: dashboard.coverage.map((p) => p.share), colour: "#2b8cbe" }]} percent summary="Liniendiagramm: Anteil der Haushalte mit Gigabit über die Zeit" />
            <DataTable caption="Gigabit-Anteil" header={["Stand", "Haushalte", "mit Gigabit", "Anteil"]} rows={dashboard.coverage.map((p) => [formatGermanDate(p.asOf), count.format(p.households), count.format(p.gigabitHouseholds), formatValue(p.share, "share")])} />
            <p className="kern-body kern-body--small">
              Export: <a href={exportUrl("coverage")}>CSV</a>
            </p>
          </figure>
          <figure className="dashboard-figure">
            <figcaption className="kern-title">Anträge und Entscheidungen je Monat</figcaption>
            <MonthsChart months={dashboard.months} />
            <DataTable caption="Je Monat" header={["Monat", "eingereicht", "entschieden", "Fiktionen"]} rows={dashboard.months.map((m) => [m.month, count.format(m.applicationsFiled), count.format(m.casesDecided), count.format(m.casesDeemed)])} />
            <p className="kern-body kern-body--small">
              Export: <a href={exportUrl("months")}>CSV</a>
            </p>
          </figure>
          <figure className="dashboard-figure">
            <figcaption className="kern-title">Verteilung der Bearbeitungsdauer</figcaption>
            <ChartLazy
              kind="bar"
              labels={dashboard.processing.map(bucketLabel)}
              series={[{ label: "Fälle", values: dashboard.processing.map((b) => b.cases), colour: "#2b8cbe" }]}
              summary="Balkendiagramm: Zahl der entschiedenen Fälle nach Bearbeitungsdauer"
            />
            <DataTable caption="Bearbeitungsdauer" header={["Dauer", "Fälle"]} rows={dashboard.processing.map((b) => [bucketLabel(b), count.format(b.cases)])} />
            <p className="kern-body kern-body--small">
              Export: <a href={exportUrl("processing")}>CSV</a>
            </p>
          </figure>
        </div>
      </section>

      <section aria-labelledby="behoerden" className="kern-stack">
        <h2 id="behoerden" className="kern-heading-medium">
          Straßenbaubehörden
        </h2>
        <SortableTable caption="Kennzahlen je Behörde" columns={authorityColumns} rows={dashboard.authorities} rowKey={(r) => r.id} initialSort={{ key: "overdue", direction: "descending" }} />
        <p className="kern-body">
          Export: <a href={exportUrl("authorities")}>CSV</a>
        </p>
      </section>
    </div>
  );
}

/** The numbers behind a chart, as a table (for screen readers and for reading exact values). */
function DataTable({ caption, header, rows }: { caption: string; header: string[]; rows: string[][] }) {
  return (
    <details className="chart-data">
      <summary className="kern-body">Daten als Tabelle</summary>
      <table className="kern-table kern-table--small">
        <caption className="kern-sr-only">{caption}</caption>
        <thead className="kern-table__header">
          <tr className="kern-table__row">
            {header.map((h, i) => (
              <th key={h} scope="col" className={`kern-table__cell${i > 0 ? " kern-table__cell--numeric" : ""}`}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {rows.map((r) => (
            <tr key={r[0]} className="kern-table__row">
              {r.map((c, i) =>
                i === 0 ? (
                  <th key={i} scope="row" className="kern-table__cell">
                    {c}
                  </th>
                ) : (
                  <td key={i} className="kern-table__cell kern-table__cell--numeric">
                    {c}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
