import type { CsvColumn } from "./csv";
import type { AreaRow, AuthorityRow, CoveragePoint, MonthRow, ProcessingBucket } from "./model";
import type { AreaCase } from "./areas.server";

/** The columns of the dashboard's CSV exports, in German as the tables show them. Shares are in percent. */

const percent = (share: number | null) => (share === null ? null : Math.round(share * 10000) / 100);

export const AREA_LEVEL_LABELS = { land: "Land", kreis: "Kreis", gemeinde: "Gemeinde" } as const;

export const AREA_COLUMNS: CsvColumn<AreaRow>[] = [
  { label: "AGS", value: (r) => r.ags },
  { label: "Name", value: (r) => r.name },
  { label: "Ebene", value: (r) => AREA_LEVEL_LABELS[r.level] },
  { label: "Haushalte", value: (r) => r.households },
  { label: "Haushalte mit Gigabit (FTTB/H)", value: (r) => r.gigabitHouseholds },
  { label: "Gigabit-Anteil (%)", value: (r) => percent(r.gigabitShare) },
  { label: "Stand Versorgung", value: (r) => r.coverageAsOf },
  { label: "Anträge eingereicht", value: (r) => r.applicationsFiled },
  { label: "Fälle entschieden", value: (r) => r.casesDecided },
  { label: "Zustimmungsfiktionen", value: (r) => r.casesDeemed },
  { label: "Fälle offen", value: (r) => r.casesOpen },
  { label: "davon überfällig", value: (r) => r.casesOverdue },
  { label: "Bearbeitungsdauer Median (Tage)", value: (r) => r.medianProcessingDays },
  { label: "Trasse zugestimmt (km)", value: (r) => Math.round(r.kmConsented * 100) / 100 },
];

export const AUTHORITY_COLUMNS: CsvColumn<AuthorityRow>[] = [
  { label: "Behörde", value: (r) => r.name },
  { label: "Ebene", value: (r) => r.level },
  { label: "Land", value: (r) => r.state },
  { label: "Fälle offen", value: (r) => r.casesOpen },
  { label: "davon überfällig", value: (r) => r.casesOverdue },
  { label: "Fälle entschieden", value: (r) => r.casesDecided },
  { label: "Zustimmungsfiktionen", value: (r) => r.casesDeemed },
  { label: "Bearbeitungsdauer Median (Tage)", value: (r) => r.medianProcessingDays },
  { label: "Bearbeitungsdauer 90. Perzentil (Tage)", value: (r) => r.p90ProcessingDays },
  { label: "fristgerecht entschieden (%)", value: (r) => percent(r.decidedWithinDeadlineShare) },
];

export const MONTH_COLUMNS: CsvColumn<MonthRow>[] = [
  { label: "Monat", value: (r) => r.month },
  { label: "Anträge eingereicht", value: (r) => r.applicationsFiled },
  { label: "Fälle entschieden", value: (r) => r.casesDecided },
  { label: "Zustimmungsfiktionen", value: (r) => r.casesDeemed },
];

export const CASE_COLUMNS: CsvColumn<AreaCase>[] = [
  { label: "Aktenzeichen", value: (r) => r.fileNumber },
  { label: "Behörde", value: (r) => r.authorityName },
  { label: "Status", value: (r) => r.statusLabel },
  { label: "Eingang", value: (r) => r.receivedOn },
  { label: "Entschieden", value: (r) => r.decidedOn },
  { label: "Frist", value: (r) => r.decisionDueOn },
  { label: "Bearbeitungsdauer (Tage)", value: (r) => r.processingDays },
  { label: "Länge in der Gemeinde (m)", value: (r) => r.lengthInAreaM },
];

export const PROCESSING_COLUMNS: CsvColumn<ProcessingBucket>[] = [
  { label: "Bearbeitungsdauer von (Tage)", value: (r) => r.fromDays },
  { label: "bis (Tage)", value: (r) => r.toDays },
  { label: "Fälle", value: (r) => r.cases },
];

export const COVERAGE_COLUMNS: CsvColumn<CoveragePoint>[] = [
  { label: "Stand", value: (r) => r.asOf },
  { label: "Haushalte", value: (r) => r.households },
  { label: "Haushalte mit Gigabit (FTTB/H)", value: (r) => r.gigabitHouseholds },
  { label: "Gigabit-Anteil (%)", value: (r) => percent(r.share) },
];
