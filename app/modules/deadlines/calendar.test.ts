import { describe, expect, it } from "vitest";
import {
  addDays,
  addMonths,
  addWorkingDays,
  berlinDate,
  daysBetween,
  daysLeft,
  extendDue,
  formatGermanDate,
  holidayName,
  isPublicHoliday,
  isWorkingDay,
  nextWorkingDay,
  periodEnd,
  PeriodSchema,
  publicHolidays,
  type StateCode,
} from "./calendar";

const BOTH: StateCode[] = ["HE", "RP"];

describe("public holidays", () => {
  it.each(BOTH)("Karfreitag, Ostermontag and Fronleichnam 2026 are public holidays in %s", (state) => {
    expect(holidayName("2026-04-03", state)).toBe("Karfreitag");
    expect(holidayName("2026-04-06", state)).toBe("Ostermontag");
    expect(holidayName("2026-06-04", state)).toBe("Fronleichnam");
    expect(isPublicHoliday("2026-04-06", state)).toBe(true);
    expect(isWorkingDay("2026-04-06", state)).toBe(false);
  });

  it.each(BOTH)("Reformationstag 2026 is not a public holiday in %s", (state) => {
    expect(isPublicHoliday("2026-10-31", state)).toBe(false);
    expect(holidayName("2026-10-31", state)).toBeNull();
  });

  it("Reformationstag 2017 was a one-off public holiday everywhere", () => {
    expect(isPublicHoliday("2017-10-31", "HE")).toBe(true);
    expect(isPublicHoliday("2017-10-31", "RP")).toBe(true);
  });

  it("Allerheiligen is a public holiday in RP but not in HE", () => {
    expect(holidayName("2026-11-01", "RP")).toBe("Allerheiligen");
    expect(isPublicHoliday("2026-11-01", "HE")).toBe(false);
    expect(isWorkingDay("2027-11-01", "RP")).toBe(false);
    expect(isWorkingDay("2027-11-01", "HE")).toBe(true);
  });

  it("counts only public holidays, not bank holidays or observances", () => {
    expect(isPublicHoliday("2026-12-24", "HE")).toBe(false); // Heiligabend (bank)
    expect(isPublicHoliday("2026-04-02", "HE")).toBe(false); // Gründonnerstag (observance)
    expect(isWorkingDay("2026-12-24", "HE")).toBe(true);
  });

  it("lists the public holidays of a year in date order", () => {
    const he = publicHolidays(2026, "HE");
    expect(he.map((h) => h.date)).toEqual([...he.map((h) => h.date)].sort());
    expect(he).toContainEqual({ date: "2026-06-04", name: "Fronleichnam" });
    expect(he).toHaveLength(10);
    expect(publicHolidays(2026, "RP")).toHaveLength(11);
  });

  it("treats weekends as non-working days", () => {
    expect(isWorkingDay("2026-04-04", "HE")).toBe(false); // Saturday
    expect(isWorkingDay("2026-04-05", "HE")).toBe(false); // Sunday
    expect(isWorkingDay("2026-04-07", "HE")).toBe(true); // Tuesday
  });

  it("nextWorkingDay keeps a working day and skips weekends and holidays", () => {
    expect(nextWorkingDay("2026-04-07", "HE")).toBe("2026-04-07");
    expect(nextWorkingDay("2026-04-03", "HE")).toBe("2026-04-07");
    expect(nextWorkingDay("2026-10-31", "RP")).toBe("2026-11-02");
  });
});

describe("date arithmetic", () => {
  it("adds calendar days across DST switches, month and year ends", () => {
    expect(addDays("2026-03-28", 2)).toBe("2026-03-30");
    expect(addDays("2026-10-24", 2)).toBe("2026-10-26");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });

  it("clamps month arithmetic to the month's last day", () => {
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonths("2028-01-31", 1)).toBe("2028-02-29");
    expect(addMonths("2026-11-30", 3)).toBe("2027-02-28");
    expect(addMonths("2026-01-06", 3)).toBe("2026-04-06");
  });

  it("counts signed whole days", () => {
    expect(daysBetween("2026-03-28", "2026-03-30")).toBe(2);
    expect(daysBetween("2026-03-30", "2026-03-28")).toBe(-2);
    expect(daysBetween("2026-12-31", "2027-01-01")).toBe(1);
    expect(daysBetween("2028-01-01", "2029-01-01")).toBe(366);
  });

  it("daysLeft is 0 on the due date and negative after it", () => {
    expect(daysLeft("2026-04-07", "2026-04-01")).toBe(6);
    expect(daysLeft("2026-04-07", "2026-04-07")).toBe(0);
    expect(daysLeft("2026-04-07", "2026-04-08")).toBe(-1);
  });

  it("counts 20 working days across Easter 2026", () => {
    // Start Mon 2026-03-30 is not counted (§ 187 Abs. 1 BGB).
    // Mar 31 (1), Apr 1 (2), Apr 2 (3); Apr 3 Karfreitag, Apr 4/5 weekend, Apr 6 Ostermontag skipped;
    // Apr 7–10 (4–7); Apr 13–17 (8–12); Apr 20–24 (13–17); Apr 27 (18), 28 (19), 29 (20).
    for (const state of BOTH) expect(addWorkingDays("2026-03-30", 20, state)).toBe("2026-04-29");
  });

  it("counts Heiligabend as a working day across the year end", () => {
    // Dec 24 (1); Dec 25 holiday, 26/27 weekend; Dec 28 (2), Dec 29 (3).
    expect(addWorkingDays("2026-12-23", 3, "HE")).toBe("2026-12-29");
  });

  it("gives different working-day results in HE and RP across Allerheiligen 2027 (a Monday)", () => {
    // From Fri 2027-10-29: HE counts Nov 1–5; RP skips Nov 1 and counts Nov 2–5 and Nov 8.
    expect(addWorkingDays("2027-10-29", 5, "HE")).toBe("2027-11-05");
    expect(addWorkingDays("2027-10-29", 5, "RP")).toBe("2027-11-08");
    expect(addWorkingDays("2027-10-29", 1, "HE")).toBe("2027-11-01");
    expect(addWorkingDays("2027-10-29", 1, "RP")).toBe("2027-11-02");
  });

  it("returns the start itself for zero working days and rejects negative counts", () => {
    expect(addWorkingDays("2026-04-04", 0, "HE")).toBe("2026-04-04");
    expect(() => addWorkingDays("2026-04-04", -1, "HE")).toThrow(RangeError);
  });

  it("rejects malformed or impossible dates", () => {
    expect(() => addDays("2026-02-30", 1)).toThrow(RangeError);
    expect(() => addDays("2026-4-6", 1)).toThrow(RangeError);
    expect(() => isWorkingDay("06.04.2026", "HE")).toThrow(RangeError);
  });
});

describe("periodEnd", () => {
  it("moves a 3-month period ending on Ostermontag to the Tuesday", () => {
    expect(periodEnd("2026-01-06", { amount: 3, unit: "months" }, "HE")).toEqual({
      due: "2026-04-07",
      shiftedFrom: "2026-04-06",
      reason: "Fristende fiel auf Ostermontag (6. April 2026); verschoben auf den nächsten Werktag.",
    });
  });

  it.each(BOTH)("moves a 1-month period ending on Fronleichnam to the Friday in %s", (state) => {
    const end = periodEnd("2026-05-04", { amount: 1, unit: "months" }, state);
    expect(end.due).toBe("2026-06-05");
    expect(end.shiftedFrom).toBe("2026-06-04");
    expect(end.reason).toContain("Fronleichnam (4. Juni 2026)");
  });

  it("moves past Karfreitag, the weekend and Ostermontag in one go", () => {
    const end = periodEnd("2026-03-03", { amount: 1, unit: "months" }, "RP");
    expect(end).toMatchObject({ due: "2026-04-07", shiftedFrom: "2026-04-03" });
    expect(end.reason).toContain("Karfreitag");
  });

  it("moves a period ending on a Saturday to the Monday", () => {
    expect(periodEnd("2026-01-07", { amount: 1, unit: "months" }, "HE")).toEqual({
      due: "2026-02-09",
      shiftedFrom: "2026-02-07",
      reason: "Fristende fiel auf einen Samstag (7. Februar 2026); verschoben auf den nächsten Werktag.",
    });
  });

  it("clamps month ends before shifting (§ 188 Abs. 3 BGB)", () => {
    // 2026-02-28 is a Saturday.
    expect(periodEnd("2026-01-31", { amount: 1, unit: "months" }, "HE")).toMatchObject({
      due: "2026-03-02",
      shiftedFrom: "2026-02-28",
    });
    expect(periodEnd("2028-01-31", { amount: 1, unit: "months" }, "HE")).toEqual({
      due: "2028-02-29",
      shiftedFrom: null,
      reason: null,
    });
  });

  it("ends a week period on the same weekday and a day period n days later", () => {
    expect(periodEnd("2026-01-07", { amount: 2, unit: "weeks" }, "HE").due).toBe("2026-01-21");
    // Sun 2026-03-15 + 2 weeks = Sun 2026-03-29 → Monday.
    expect(periodEnd("2026-03-15", { amount: 2, unit: "weeks" }, "HE")).toMatchObject({
      due: "2026-03-30",
      shiftedFrom: "2026-03-29",
    });
    // 2026-03-25 + 10 days = Sat 2026-04-04; Sunday and Ostermontag follow.
    const days = periodEnd("2026-03-25", { amount: 10, unit: "days" }, "HE");
    expect(days).toMatchObject({ due: "2026-04-07", shiftedFrom: "2026-04-04" });
    expect(days.reason).toContain("einen Samstag (4. April 2026)");
  });

  it("counts working-day periods without a further shift", () => {
    expect(periodEnd("2026-03-30", { amount: 20, unit: "working_days" }, "HE")).toEqual({
      due: "2026-04-29",
      shiftedFrom: null,
      reason: null,
    });
  });

  it("names Allerheiligen in RP but the Sunday in HE", () => {
    const rp = periodEnd("2026-10-01", { amount: 1, unit: "months" }, "RP");
    const he = periodEnd("2026-10-01", { amount: 1, unit: "months" }, "HE");
    expect(rp.due).toBe("2026-11-02");
    expect(he.due).toBe("2026-11-02");
    expect(rp.reason).toContain("Allerheiligen (1. November 2026)");
    expect(he.reason).toContain("einen Sonntag (1. November 2026)");
  });

  it("rejects non-positive or fractional amounts", () => {
    expect(() => periodEnd("2026-01-06", { amount: 0, unit: "months" }, "HE")).toThrow(RangeError);
    expect(() => periodEnd("2026-01-06", { amount: 1.5, unit: "days" }, "HE")).toThrow(RangeError);
  });
});

describe("extendDue", () => {
  it("adds the extension to the current (shifted) due date", () => {
    // Original end Ostermontag 2026-04-06 → due 2026-04-07; + 1 month = 2026-05-07.
    expect(extendDue("2026-04-07", { amount: 1, unit: "months" }, "HE")).toEqual({
      due: "2026-05-07",
      shiftedFrom: null,
      reason: null,
    });
  });

  it("shifts an extended end that falls on a holiday", () => {
    expect(extendDue("2026-04-14", { amount: 1, unit: "months" }, "RP")).toMatchObject({
      due: "2026-05-15",
      shiftedFrom: "2026-05-14",
    });
  });
});

describe("PeriodSchema", () => {
  it("accepts whole amounts from 1 to 365 with a known unit", () => {
    expect(PeriodSchema.parse({ amount: 3, unit: "months" })).toEqual({ amount: 3, unit: "months" });
    expect(PeriodSchema.safeParse({ amount: 365, unit: "working_days" }).success).toBe(true);
  });

  it("rejects out-of-range, fractional amounts and unknown units", () => {
    expect(PeriodSchema.safeParse({ amount: 0, unit: "days" }).success).toBe(false);
    expect(PeriodSchema.safeParse({ amount: 366, unit: "days" }).success).toBe(false);
    expect(PeriodSchema.safeParse({ amount: 1.5, unit: "days" }).success).toBe(false);
    expect(PeriodSchema.safeParse({ amount: 1, unit: "years" }).success).toBe(false);
  });
});

describe("berlinDate", () => {
  it("uses Berlin's date across the spring DST switch", () => {
    expect(berlinDate(new Date("2026-03-28T23:30:00Z"))).toBe("2026-03-29"); // 00:30 CET
    expect(berlinDate(new Date("2026-03-29T21:59:00Z"))).toBe("2026-03-29"); // 23:59 CEST
    expect(berlinDate(new Date("2026-03-29T22:30:00Z"))).toBe("2026-03-30"); // 00:30 CEST
  });

  it("uses summer time in July and winter time after the autumn switch", () => {
    expect(berlinDate(new Date("2026-07-15T21:59:00Z"))).toBe("2026-07-15"); // 23:59 CEST
    expect(berlinDate(new Date("2026-07-15T22:15:00Z"))).toBe("2026-07-16"); // 00:15 CEST
    expect(berlinDate(new Date("2026-10-25T22:30:00Z"))).toBe("2026-10-25"); // 23:30 CET
  });
});

describe("formatGermanDate", () => {
  it("writes day, German month name and year", () => {
    expect(formatGermanDate("2026-04-06")).toBe("6. April 2026");
    expect(formatGermanDate("2026-03-01")).toBe("1. März 2026");
    expect(formatGermanDate("2027-12-31")).toBe("31. Dezember 2027");
  });
});

describe("machine timezone", () => {
  it("does not depend on the process timezone", () => {
    const saved = process.env.TZ;
    try {
      // Years not cached by other tests, so the holiday table is built under the odd zone.
      const cases = [
        { tz: "Pacific/Kiritimati", ostermontag: "2031-04-14", thursday: "2031-04-10", after: "2031-04-15" },
        { tz: "America/Adak", ostermontag: "2032-03-29", thursday: "2032-03-25", after: "2032-03-30" },
      ];
      for (const c of cases) {
        process.env.TZ = c.tz;
        expect(isPublicHoliday(c.ostermontag, "HE")).toBe(true);
        expect(addWorkingDays(c.thursday, 1, "HE")).toBe(c.after);
        expect(addDays("2026-03-28", 1)).toBe("2026-03-29");
        expect(berlinDate(new Date("2026-03-28T23:30:00Z"))).toBe("2026-03-29");
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});
