import type { MonthRow, ProcessingBucket } from "~/modules/dashboard/model";
import { ChartLazy } from "./lazy";

/** A date field of the dashboard's range filter, with its German error under it. */
export function DateField({ name, label, value, error }: { name: string; label: string; value: string | undefined; error?: string }) {
  return (
    <div className={`kern-form-input${error ? " kern-form-input--error" : ""}`}>
      <label className="kern-label" htmlFor={`filter-${name}`}>
        {label}
      </label>
      <input className="kern-form-input__input" type="date" id={`filter-${name}`} name={name} defaultValue={value} aria-invalid={error ? true : undefined} aria-describedby={error ? `filter-${name}-error` : undefined} />
      {error ? (
        <p className="kern-error" id={`filter-${name}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Applications filed, cases decided and deemed approvals per month, as bars. */
export function MonthsChart({ months }: { months: readonly MonthRow[] }) {
  return (
    <ChartLazy
      kind="bar"
      labels={months.map((m) => m.month)}
      series={[
        { label: "eingereicht", values: months.map((m) => m.applicationsFiled), colour: "#74a9cf" },
        { label: "entschieden", values: months.map((m) => m.casesDecided), colour: "#045a8d" },
        { label: "Fiktion", values: months.map((m) => m.casesDeemed), colour: "#d95f0e" },
      ]}
      summary="Balkendiagramm: eingereichte Anträge, Entscheidungen und Zustimmungsfiktionen je Monat"
    />
  );
}

/** "0–30 Tage", …, "über 120 Tage" */
export function bucketLabel(b: ProcessingBucket): string {
  return b.toDays === null ? `über ${b.fromDays - 1} Tage` : `${b.fromDays}–${b.toDays} Tage`;
}
