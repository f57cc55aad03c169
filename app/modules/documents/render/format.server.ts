/** German formatting of dates, amounts and lengths for the documents. */

const berlinDay = new Intl.DateTimeFormat("de-DE", { timeZone: "Europe/Berlin", day: "2-digit", month: "2-digit", year: "numeric" });
const euroNumber = new Intl.NumberFormat("de-DE", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const wholeNumber = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 0 });
const twoDecimals = new Intl.NumberFormat("de-DE", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "21.11.2026" from a calendar date (`YYYY-MM-DD`, taken as is) or an instant (its day in Europe/Berlin). */
export function germanDate(value: string): string {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (date) return `${date[3]}.${date[2]}.${date[1]}`;
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? value : berlinDay.format(instant);
}

/** "1.234,50 €" (no-break space before the sign, so it never stands alone on a line). */
export function euro(cents: number): string {
  return `${euroNumber.format(cents / 100)}\u00a0€`;
}

/** "1.234" */
export function whole(n: number): string {
  return wholeNumber.format(n);
}

/** "0,80" */
export function decimal2(n: number): string {
  return twoDecimals.format(n);
}
