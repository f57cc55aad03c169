/**
 * CSV for Excel as German offices use it: UTF-8 with a byte order mark (so umlauts survive),
 * semicolons between fields and decimal commas, every text field quoted where needed.
 */
export interface CsvColumn<T> {
  label: string;
  value: (row: T) => string | number | null;
}

const decimal = new Intl.NumberFormat("de-DE", { useGrouping: false, maximumFractionDigits: 4 });

function cell(value: string | number | null): string {
  if (value === null) return "";
  const text = typeof value === "number" ? decimal.format(value) : value;
  return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  const lines = [columns.map((c) => cell(c.label)).join(";"), ...rows.map((r) => columns.map((c) => cell(c.value(r))).join(";"))];
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
