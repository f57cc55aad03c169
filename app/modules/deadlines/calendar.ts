/**
 * Statutory deadline arithmetic for road authorities in Hessen and Rheinland-Pfalz
 * (§ 31 VwVfG with §§ 187–193 BGB). Pure and browser-safe: no database, no `.server`.
 *
 * Dates are calendar dates (`YYYY-MM-DD`). All arithmetic runs in UTC on date-only values so the
 * machine's timezone and DST never shift a day.
 */
import Holidays from "date-holidays";
import { z } from "zod";

/** A calendar date as `YYYY-MM-DD`. */
export type IsoDate = string;

export const STATE_CODES = ["HE", "RP"] as const;
export type StateCode = (typeof STATE_CODES)[number];
export const StateCodeSchema = z.enum(STATE_CODES);

export const PERIOD_UNITS = ["months", "weeks", "days", "working_days"] as const;
export type PeriodUnit = (typeof PERIOD_UNITS)[number];

export interface Period {
  amount: number;
  unit: PeriodUnit;
}

export const PeriodSchema = z.object({
  amount: z.number().int().min(1).max(365),
  unit: z.enum(PERIOD_UNITS),
}) satisfies z.ZodType<Period>;

export interface PeriodEnd {
  /** The last day of the period, after any shift to a working day. */
  due: IsoDate;
  /** The computed end before the shift, or null when it already was a working day. */
  shiftedFrom: IsoDate | null;
  /** German explanation of the shift, or null. */
  reason: string | null;
}

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const MONTHS_DE = [
  "Januar",
  "Februar",
  "März",
  "April",
  "Mai",
  "Juni",
  "Juli",
  "August",
  "September",
  "Oktober",
  "November",
  "Dezember",
] as const;

const WEEKDAYS_DE = ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"] as const;

interface Ymd {
  y: number;
  m: number; // 1..12
  d: number;
}

function parse(date: IsoDate): Ymd {
  const match = ISO_DATE.exec(date);
  if (match) {
    const y = Number(match[1]);
    const m = Number(match[2]);
    const d = Number(match[3]);
    if (m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)) return { y, m, d };
  }
  throw new RangeError(`Ungültiges Datum: ${date}`);
}

function daysInMonth(y: number, m: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function toMs(date: IsoDate): number {
  const { y, m, d } = parse(date);
  // setUTCFullYear avoids Date.UTC's mapping of years 0..99 to 1900..1999.
  return new Date(0).setUTCFullYear(y, m - 1, d);
}

function fromMs(ms: number): IsoDate {
  const t = new Date(ms);
  const y = String(t.getUTCFullYear()).padStart(4, "0");
  const m = String(t.getUTCMonth() + 1).padStart(2, "0");
  const d = String(t.getUTCDate()).padStart(2, "0");
  return `${y}-${m}-${d}`;
}

/** 0 = Sunday … 6 = Saturday. */
function weekday(date: IsoDate): number {
  return new Date(toMs(date)).getUTCDay();
}

function assertInteger(n: number, what: string, min: number): void {
  if (!Number.isInteger(n) || n < min) throw new RangeError(`${what} muss eine ganze Zahl ≥ ${min} sein: ${n}`);
}

// ---------------------------------------------------------------------------------------------
// Holidays

const calendars = new Map<StateCode, Holidays>();
// state → year → date → German name(s); an inbox asks for the same few years hundreds of times.
const holidayCache = new Map<StateCode, Map<number, Map<IsoDate, string>>>();

function calendar(state: StateCode): Holidays {
  let cal = calendars.get(state);
  if (!cal) {
    if (!STATE_CODES.includes(state)) throw new RangeError(`Unbekanntes Bundesland: ${String(state)}`);
    cal = new Holidays("DE", state, { languages: "de", types: ["public"] });
    calendars.set(state, cal);
  }
  return cal;
}

function holidaysOf(year: number, state: StateCode): Map<IsoDate, string> {
  let byYear = holidayCache.get(state);
  if (!byYear) {
    byYear = new Map();
    holidayCache.set(state, byYear);
  }
  let days = byYear.get(year);
  if (!days) {
    days = new Map();
    for (const h of calendar(state).getHolidays(year, "de")) {
      if (h.type !== "public") continue;
      // `date` is the local date in the country's own zone ("YYYY-MM-DD hh:mm:ss"), unlike `start`.
      const date = h.date.slice(0, 10);
      const prev = days.get(date);
      days.set(date, prev ? `${prev} / ${h.name}` : h.name);
    }
    byYear.set(year, days);
  }
  return days;
}

/** The public holidays of a state in a year, sorted by date. */
export function publicHolidays(year: number, state: StateCode): { date: IsoDate; name: string }[] {
  return [...holidaysOf(year, state)].map(([date, name]) => ({ date, name })).sort((a, b) => a.date.localeCompare(b.date));
}

/** The German name of the state's public holiday on that date, or null. */
export function holidayName(date: IsoDate, state: StateCode): string | null {
  return holidaysOf(parse(date).y, state).get(date) ?? null;
}

export function isPublicHoliday(date: IsoDate, state: StateCode): boolean {
  return holidayName(date, state) !== null;
}

/** Monday to Friday and not a public holiday of the state (Saturday is not a working day). */
export function isWorkingDay(date: IsoDate, state: StateCode): boolean {
  const wd = weekday(date);
  return wd !== 0 && wd !== 6 && !isPublicHoliday(date, state);
}

/** The date itself if it is a working day, else the next one. */
export function nextWorkingDay(date: IsoDate, state: StateCode): IsoDate {
  let d = date;
  while (!isWorkingDay(d, state)) d = addDays(d, 1);
  return d;
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

/** `date` plus `n` calendar days (n may be negative). */
export function addDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`Tage müssen ganzzahlig sein: ${n}`);
  return fromMs(toMs(date) + n * DAY_MS);
}

/** `date` plus `n` months, clamped to the month's last day (§ 188 Abs. 3 BGB). */
export function addMonths(date: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`Monate müssen ganzzahlig sein: ${n}`);
  const { y, m, d } = parse(date);
  const index = y * 12 + (m - 1) + n;
  const ty = Math.floor(index / 12);
  const tm = index - ty * 12 + 1;
  const td = Math.min(d, daysInMonth(ty, tm));
  return `${String(ty).padStart(4, "0")}-${String(tm).padStart(2, "0")}-${String(td).padStart(2, "0")}`;
}

/** The `n`-th working day after `date`; `date` itself is not counted (§ 187 Abs. 1 BGB). */
export function addWorkingDays(date: IsoDate, n: number, state: StateCode): IsoDate {
  assertInteger(n, "Arbeitstage", 0);
  parse(date);
  let d = date;
  for (let left = n; left > 0; ) {
    d = addDays(d, 1);
    if (isWorkingDay(d, state)) left -= 1;
  }
  return d;
}

/** Signed whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((toMs(to) - toMs(from)) / DAY_MS);
}

/** Days until `due` counted from `today`: 0 on the last day, negative once it has passed. */
export function daysLeft(due: IsoDate, today: IsoDate): number {
  return daysBetween(today, due);
}

/**
 * The end of a period triggered by an event on `start` (§ 31 Abs. 1 VwVfG, §§ 187 Abs. 1,
 * 188 Abs. 2 and 3 BGB), moved to the next working day when it falls on a Saturday, Sunday or
 * public holiday of the state (§ 31 Abs. 3 VwVfG, § 193 BGB).
 */
export function periodEnd(start: IsoDate, period: Period, state: StateCode): PeriodEnd {
  assertInteger(period.amount, "Fristdauer", 1);
  let end: IsoDate;
  switch (period.unit) {
    case "months":
      end = addMonths(start, period.amount);
      break;
    case "weeks":
      end = addDays(start, 7 * period.amount);
      break;
    case "days":
      end = addDays(start, period.amount);
      break;
    case "working_days":
      end = addWorkingDays(start, period.amount, state);
      break;
    default: {
      const unit: never = period.unit;
      throw new RangeError(`Unbekannte Frist-Einheit: ${String(unit)}`);
    }
  }
  return shiftToWorkingDay(end, state);
}

/**
 * The end after extending a running period by `period`.
 * Adds to the current, possibly already shifted due date: § 190 BGB counts from the end of the previous period.
 */
export function extendDue(due: IsoDate, period: Period, state: StateCode): PeriodEnd {
  return periodEnd(due, period, state);
}

function shiftToWorkingDay(end: IsoDate, state: StateCode): PeriodEnd {
  const due = nextWorkingDay(end, state);
  if (due === end) return { due, shiftedFrom: null, reason: null };
  const holiday = holidayName(end, state);
  const what = holiday ?? `einen ${WEEKDAYS_DE[weekday(end)]}`;
  return {
    due,
    shiftedFrom: end,
    reason: `Fristende fiel auf ${what} (${formatGermanDate(end)}); verschoben auf den nächsten Werktag.`,
  };
}

// ---------------------------------------------------------------------------------------------
// Formatting and time zones

let berlinFormat: Intl.DateTimeFormat | undefined;

/** The calendar date of an instant in Europe/Berlin, whatever the machine's zone. */
export function berlinDate(instant: Date): IsoDate {
  berlinFormat ??= new Intl.DateTimeFormat("en-CA", {
    timeZone: "Europe/Berlin",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  });
  const parts = berlinFormat.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year").padStart(4, "0")}-${part("month")}-${part("day")}`;
}

/** "6. April 2026". */
export function formatGermanDate(date: IsoDate): string {
  const { y, m, d } = parse(date);
  return `${d}. ${MONTHS_DE[m - 1]} ${y}`;
}
