import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { formatValue } from "~/components/dashboard/kpis";
import { SortableTable, type Column } from "~/components/dashboard/sortable-table";
import { DescriptionList } from "~/components/description-list";
import { formatDueDate } from "~/components/review/deadline";
import { db } from "~/db.server";
import { requireRole } from "~/modules/auth/guards.server";
import { listAreaCases, type AreaCase } from "~/modules/dashboard/areas.server";
import { loadDashboard } from "~/modules/dashboard/service.server";
import { errorText } from "~/utils/application-errors.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.area.name ?? "Gemeinde"} – Dashboard – Breitband-Portal` }];

const notFound = (message: string, status = 404) => new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/** The last step of the drill-down: one Gemeinde's figures and its cases. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const principal = await requireRole(request, ["state_analyst", "platform_admin"]);
  const ags = params.ags!;
  if (!/^\d{8}$/.test(ags)) throw notFound("Eine Gemeinde hat einen 8-stelligen Amtlichen Gemeindeschlüssel.");
  const search = new URL(request.url).searchParams;
  const knex = await db();
  const result = await loadDashboard(knex, principal, { from: search.get("from") ?? undefined, to: search.get("to") ?? undefined, level: "gemeinde", area: ags.slice(0, 5) });
  if (!result.ok) throw notFound(errorText(result.error), result.error.code === "invalid" ? 400 : 403);
  const area = result.value.areas.find((a) => a.ags === ags);
  if (!area) throw notFound("Diese Gemeinde gibt es im Portal nicht.");
  return json({ dashboard: result.value, area, cases: await listAreaCases(knex, ags, result.value.filter) });
}

export default function GemeindePage() {
  const { dashboard, area, cases } = useLoaderData<typeof loader>();
  const { filter } = dashboard;
  const base = new URLSearchParams({ from: filter.from, to: filter.to });
  const columns = useMemo<Column<AreaCase>[]>(
    () => [
      { key: "file", label: "Aktenzeichen", sortValue: (r) => r.fileNumber, render: (r) => <Link to={`/faelle/${r.id}`}>{r.fileNumber}</Link> },
      { key: "authority", label: "Behörde", sortValue: (r) => r.authorityName },
      { key: "status", label: "Status", sortValue: (r) => r.statusLabel },
      { key: "received", label: "Eingang", sortValue: (r) => r.receivedOn, render: (r) => formatDueDate(r.receivedOn) },
      { key: "decided", label: "Entschieden", sortValue: (r) => r.decidedOn, render: (r) => (r.decidedOn ? formatDueDate(r.decidedOn) : "–") },
      { key: "days", label: "Tage", numeric: true, sortValue: (r) => r.processingDays },
      { key: "length", label: "Länge hier (m)", numeric: true, sortValue: (r) => r.lengthInAreaM },
    ],
    [],
  );
  return (
    <div className="kern-stack dashboard">
      <hgroup className="kern-hgroup">
        <p className="kern-preline">Gemeinde {area.ags}</p>
        <h1 className="kern-heading-large">{area.name}</h1>
        <p className="kern-subline">
          {formatDueDate(filter.from)} – {formatDueDate(filter.to)}
        </p>
      </hgroup>
      <nav aria-label="Gebiet" className="breadcrumb">
        <ol>
          <li>
            <Link to={`/statistik?${base}&level=kreis`}>Hessen und Rheinland-Pfalz</Link>
          </li>
          {dashboard.path.map((p) => (
            <li key={p.ags}>
              <Link to={`/statistik?${base}&area=${p.ags}&level=${p.level === "land" ? "kreis" : "gemeinde"}`}>{p.name}</Link>
            </li>
          ))}
          <li>
            <span aria-current="page">{area.name}</span>
          </li>
        </ol>
      </nav>
      <DescriptionList
        items={[
          ["Haushalte mit Gigabit (FTTB/H)", area.gigabitShare === null ? "keine Daten" : `${formatValue(area.gigabitShare, "share")} (${formatValue(area.gigabitHouseholds, "count")} von ${formatValue(area.households, "count")}, Stand ${area.coverageAsOf ? formatDueDate(area.coverageAsOf) : "–"})`],
          ["Anträge eingereicht", String(area.applicationsFiled)],
          ["Fälle entschieden", String(area.casesDecided)],
          ["Zustimmungsfiktionen", String(area.casesDeemed)],
          ["Fälle offen (davon überfällig)", `${area.casesOpen} (${area.casesOverdue})`],
          ["Bearbeitungsdauer (Median)", formatValue(area.medianProcessingDays, "days")],
          ["Trasse zugestimmt", formatValue(area.kmConsented, "km")],
        ]}
      />
      <section aria-labelledby="faelle" className="kern-stack">
        <h2 id="faelle" className="kern-heading-medium">
          Fälle mit Trasse in {area.name}
        </h2>
        {cases.length === 0 ? (
          <p className="kern-body">Keine Fälle im Zeitraum.</p>
        ) : (
          <SortableTable caption={`${cases.length} Fälle`} columns={columns} rows={cases} rowKey={(r) => r.id} initialSort={{ key: "received", direction: "descending" }} />
        )}
        <p className="kern-body">
          Export: <a href={`/statistik/export?${base}&level=gemeinde&area=${area.ags.slice(0, 5)}&table=cases&ags=${area.ags}`}>CSV</a>
        </p>
      </section>
    </div>
  );
}
