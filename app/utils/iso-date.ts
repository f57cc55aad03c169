import { z } from "zod";

/** Whether "JJJJ-MM-TT" is a day of the calendar (not 2026-02-30). */
function isCalendarDay(day: string): boolean {
  const parsed = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(day);
}

/**
 * A calendar day as "JJJJ-MM-TT", the value of a date input. One message per problem: the format
 * for anything else ("gestern"), `invalid` for a day that does not exist.
 */
export function isoDateSchema({
  format = "Datum im Format JJJJ-MM-TT angeben.",
  invalid = "Kein gültiges Datum.",
  required = format,
}: { format?: string; invalid?: string; required?: string } = {}) {
  return z.string({ invalid_type_error: format, required_error: required }).superRefine((day, ctx) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: format });
    else if (!isCalendarDay(day)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: invalid });
  });
}
