import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isoDateSchema } from "./iso-date";

const messages = (schema: z.ZodTypeAny, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.message);
};

describe("isoDateSchema", () => {
  const day = isoDateSchema();

  it("accepts days of the calendar, leap days included", () => {
    expect(messages(day, "2026-02-28")).toEqual([]);
    expect(messages(day, "2028-02-29")).toEqual([]);
  });

  it("gives one message per problem: the format for a non-date, another for a day that does not exist", () => {
    expect(messages(day, "gestern")).toEqual(["Datum im Format JJJJ-MM-TT angeben."]);
    expect(messages(day, "21.11.2026")).toEqual(["Datum im Format JJJJ-MM-TT angeben."]);
    expect(messages(day, "2026-02-29")).toEqual(["Kein gültiges Datum."]);
    expect(messages(day, "2026-13-01")).toEqual(["Kein gültiges Datum."]);
    expect(messages(day, 20261121)).toEqual(["Datum im Format JJJJ-MM-TT angeben."]);
  });

  it("takes the messages of a form", () => {
    const due = z.object({ dueOn: isoDateSchema({ required: "Bitte geben Sie ein Datum an.", format: "Bitte im Format TT.MM.JJJJ.", invalid: "Dieses Datum gibt es nicht." }) });
    expect(messages(due, {})).toEqual(["Bitte geben Sie ein Datum an."]);
    expect(messages(due, { dueOn: "bald" })).toEqual(["Bitte im Format TT.MM.JJJJ."]);
    expect(messages(due, { dueOn: "2026-04-31" })).toEqual(["Dieses Datum gibt es nicht."]);
  });
});
