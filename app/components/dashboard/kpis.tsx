import type { DashboardKpis, Kpi } from "~/modules/dashboard/model";

type Unit = "share" | "count" | "days" | "km";

const formats: Record<Unit, Intl.NumberFormat> = {
  share: new Intl.NumberFormat("de-DE", { style: "percent", maximumFractionDigits: 1, minimumFractionDigits: 1 }),
  count: new Intl.NumberFormat("de-DE"),
  days: new Intl.NumberFormat("de-DE", { maximumFractionDigits: 1 }),
  km: new Intl.NumberFormat("de-DE", { maximumFractionDigits: 1 }),
};
const points = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 1, signDisplay: "always" });
const signed = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 1, signDisplay: "always" });

export function formatValue(value: number | null, unit: Unit): string {
  if (value === null) return "–";
  return `${formats[unit].format(value)}${unit === "days" ? " Tage" : unit === "km" ? " km" : ""}`;
}

/** "+2,3 Prozentpunkte", "+12 %", "−4 Tage": the change in the unit a reader expects. */
function change(kpi: Kpi, unit: Unit): string | null {
  if (kpi.value === null || kpi.previous === null) return null;
  if (unit === "share") return `${points.format((kpi.value - kpi.previous) * 100)} Prozentpunkte`;
  if (unit === "days") return `${signed.format(kpi.value - kpi.previous)} Tage`;
  if (kpi.previous === 0) return kpi.value === 0 ? "unverändert" : null;
  return `${signed.format(((kpi.value - kpi.previous) / kpi.previous) * 100)} %`;
}

const CARDS: { key: keyof DashboardKpis; label: string; unit: Unit; better: "up" | "down" }[] = [
  { key: "gigabitShare", label: "Haushalte mit Gigabit (FTTB/H)", unit: "share", better: "up" },
  { key: "applicationsFiled", label: "Anträge eingereicht", unit: "count", better: "up" },
  { key: "casesDecided", label: "Fälle entschieden", unit: "count", better: "up" },
  { key: "casesDeemed", label: "Zustimmungsfiktionen", unit: "count", better: "down" },
  { key: "medianProcessingDays", label: "Bearbeitungsdauer (Median)", unit: "days", better: "down" },
  { key: "p90ProcessingDays", label: "Bearbeitungsdauer (90. Perzentil)", unit: "days", better: "down" },
  { key: "decidedWithinDeadlineShare", label: "fristgerecht entschieden", unit: "share", better: "up" },
  { key: "kmConsented", label: "Trasse zugestimmt", unit: "km", better: "up" },
];

/** The key figures of the range, each with its change against the previous range of the same length. */
export function KpiCards({ kpis, previousLabel }: { kpis: DashboardKpis; previousLabel: string }) {
  return (
    <ul className="kpi-grid" aria-label="Kennzahlen">
      {CARDS.map((c) => {
        const kpi = kpis[c.key];
        const delta = change(kpi, c.unit);
        const direction = kpi.value === null || kpi.previous === null || kpi.value === kpi.previous ? "flat" : kpi.value > kpi.previous ? "up" : "down";
        const tone = direction === "flat" ? "neutral" : direction === c.better ? "good" : "bad";
        return (
          <li key={c.key} className="kpi" data-kpi={c.key}>
            <span className="kpi__label">{c.label}</span>
            <span className="kpi__value">{formatValue(kpi.value, c.unit)}</span>
            <span className={`kpi__change kpi__change--${tone}`}>
              {delta ? `${direction === "up" ? "▲" : direction === "down" ? "▼" : "■"} ${delta}` : "kein Vergleich"}
              <span className="kern-sr-only"> gegenüber {previousLabel}</span>
            </span>
            <span className="kpi__previous">Vorzeitraum: {formatValue(kpi.previous, c.unit)}</span>
          </li>
        );
      })}
    </ul>
  );
}
