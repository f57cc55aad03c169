import { describe, expect, it } from "vitest";
import { CsvSyntaxError, detectDelimiter, parseCsv } from "./csv";
import { allocateByLength } from "./events.server";
import { formatRowError, headerKind, parseStatisticsFile } from "./parse";
import { AgsSchema, audienceFromFileName, CoverageImportArgsSchema, PercentCellSchema } from "./schema";

const bytes = (text: string) => new TextEncoder().encode(text);
const HEADER = "AGS,alle Technologien ≥ 1000 Mbit/s,FTTH/B ≥ 400 Mbit/s,FTTH/B ≥ 1000 Mbit/s";

describe("CSV reader (RFC 4180)", () => {
  it("reads quoted fields with delimiters, doubled quotes and line breaks, and keeps each record's line", () => {
    const text = '\uFEFFags,name,population\r\n06411000,"Darmstadt, Wissenschaftsstadt",159878\r\n\r\n07312000,"Kaisers""lautern\r\nStadt",100030\r\n07111000,Koblenz,113844';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ["ags", "name", "population"] },
      { line: 2, fields: ["06411000", "Darmstadt, Wissenschaftsstadt", "159878"] },
      { line: 4, fields: ["07312000", 'Kaisers"lautern\nStadt', "100030"] },
      { line: 6, fields: ["07111000", "Koblenz", "113844"] },
    ]);
  });

  it("skips lines of empty fields, keeps empty quoted fields, and refuses an unterminated quote", () => {
    expect(parseCsv('a;b\n;;\n"";x\n', ";")).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 3, fields: ["", "x"] },
    ]);
    expect(() => parseCsv('a,b\n1,"2\n3,4\n')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a,b\n1,"2\n3,4\n')).toThrow(expect.objectContaining({ line: 2, message: "Das Anführungszeichen wird bis zum Dateiende nicht geschlossen." }));
  });

  it("finds the delimiter in the header", () => {
    expect(detectDelimiter("AGS;FTTH/B ≥ 1000 Mbit/s;x\n1,2")).toBe(";");
    expect(detectDelimiter('"a;b",c,d')).toBe(",");
    expect(detectDelimiter("ags\tpopulation")).toBe("\t");
    expect(detectDelimiter("ags")).toBe(",");
  });
});

describe("cells and keys", () => {
  it("takes percentages with a decimal point or comma; a missing value is null", () => {
    expect(["5.27", "5,27", " 100 ", "0", "3 %", "", "-", "k. A.", "n.v."].map((v) => PercentCellSchema.parse(v))).toEqual([5.27, 5.27, 100, 0, 3, null, null, null, null]);
    expect(PercentCellSchema.safeParse("120").error?.issues[0]?.message).toBe("120 liegt nicht zwischen 0 und 100 %.");
    expect(PercentCellSchema.safeParse("-1").error?.issues[0]?.message).toBe("-1 liegt nicht zwischen 0 und 100 %.");
    expect(PercentCellSchema.safeParse("viel").error?.issues[0]?.message).toBe("„viel“ ist keine Prozentzahl.");
  });

  it("accepts AGS of Gemeinden, Kreise and the Land in Hessen and Rheinland-Pfalz", () => {
    expect(["07312000", "06411", "06", " 06438002 "].map((v) => AgsSchema.parse(v))).toEqual(["07312000", "06411", "06", "06438002"]);
    const message = (v: string) => AgsSchema.safeParse(v).error?.issues[0]?.message;
    expect(message("7312000")).toBe("Der AGS „7312000“ hat 7 Stellen – fehlt die führende Null?");
    expect(message("08111000")).toBe("Der AGS „08111000“ liegt nicht in Hessen (06) oder Rheinland-Pfalz (07).");
    expect(message("0731200X")).toBe("Der AGS „0731200X“ ist keine Ziffernfolge.");
    expect(message("073120001")).toBe("Der AGS „073120001“ muss 8 Stellen (Gemeinde), 5 (Kreis) oder 2 (Land) haben.");
    expect(message("")).toBe("Der AGS fehlt.");
  });

  it("tells the audience from the file name", () => {
    expect(audienceFromFileName("breitbandatlas_2021-06_gemeinden_privathaushalte_he_rp.csv")).toBe("households");
    expect(audienceFromFileName("breitbandatlas_2021-06_gemeinden_gewerbe_he_rp.csv")).toBe("businesses");
    expect(audienceFromFileName("export.csv")).toBeNull();
  });

  it("checks the CLI arguments with German messages", () => {
    const issues = (args: Record<string, unknown>) => {
      const result = CoverageImportArgsSchema.safeParse(args);
      return result.success ? [] : result.error.issues.map((i) => i.message);
    };
    expect(issues({ file: "a.csv", "as-of": "2021-06-30" })).toEqual([]);
    expect(issues({ file: "a.csv", "as-of": "2021-02-30" })).toEqual(["Den Stichtag gibt es im Kalender nicht."]);
    expect(issues({ file: "a.csv", "as-of": "2021-13-45" })).toEqual(["Den Stichtag gibt es im Kalender nicht."]);
    expect(issues({ file: "a.csv", "as-of": "30.06.2021" })).toEqual(["Der Stichtag muss die Form JJJJ-MM-TT haben, z. B. 2021-06-30."]);
    expect(issues({ file: "a.csv" })).toEqual(["Bitte den Stichtag angeben (--as-of JJJJ-MM-TT)."]);
    expect(issues({ file: "a.csv", "as-of": "2999-01-01" })).toEqual(["Der Stichtag liegt in der Zukunft."]);
    expect(issues({ "as-of": "2021-06-30", kind: "zensus" })).toEqual(["Bitte die Datei angeben (--file).", "Unbekannte Art der Datei. Möglich sind: breitbandatlas, destatis-population."]);
    expect(issues({ file: "a.csv", "as-of": "2021-06-30", kind: "destatis-population", audience: "households" })).toEqual([
      "--audience gilt nur für Breitbandatlas-Dateien, nicht für Bevölkerungstabellen.",
    ]);
  });
});

describe("statistics files", () => {
  it("reads a Breitbandatlas table: percentages by group and class, the gigabit columns, line numbers of bad rows", () => {
    const file = [
      HEADER,
      "07312000,89.89,5.27,5.27", // line 2
      "0731200,1,2,3", // line 3: bad AGS
      "06411000,74.65,2.99,120", // line 4: > 100
      "06412000,94.63,3.73", // line 5: a column missing
      "06413000,-,,", // line 6: nothing at all
      "06414000;1;2;3", // line 7: wrong delimiter → one column
      '"06438002","56,93","0,94","0,94"', // line 8: decimal commas, quoted
      "07312000,1,1,1", // line 9: AGS again
    ].join("\r\n");
    const parsed = parseStatisticsFile(bytes(file));
    if (!parsed.ok || parsed.kind !== "breitbandatlas") throw new Error("not parsed");
    expect(parsed.rows).toEqual([
      {
        line: 2,
        ags: "07312000",
        percentages: { "alle Technologien": { "1000": 89.89 }, "FTTH/B": { "400": 5.27, "1000": 5.27 } },
        gigabitFtthPct: 5.27,
        gigabitAnyPct: 89.89,
      },
      {
        line: 8,
        ags: "06438002",
        percentages: { "alle Technologien": { "1000": 56.93 }, "FTTH/B": { "400": 0.94, "1000": 0.94 } },
        gigabitFtthPct: 0.94,
        gigabitAnyPct: 56.93,
      },
    ]);
    expect({ total: parsed.rowsTotal, rejected: parsed.rowsRejected }).toEqual({ total: 8, rejected: 6 });
    expect(parsed.errors.map(formatRowError)).toEqual([
      "Zeile 3, Spalte „AGS“: Der AGS „0731200“ hat 7 Stellen – fehlt die führende Null?",
      "Zeile 4, Spalte „FTTH/B ≥ 1000 Mbit/s“: 120 liegt nicht zwischen 0 und 100 %.",
      "Zeile 5: Es fehlen Spalten: 3 statt 4 Werte.",
      "Zeile 6: Die Zeile für AGS 06413000 enthält keinen einzigen Prozentwert.",
      "Zeile 7: Es fehlen Spalten: 1 statt 4 Werte.",
      "Zeile 9, Spalte „AGS“: Der AGS 07312000 steht schon in Zeile 2.",
    ]);
    expect(parsed.errors[1]).toMatchObject({ line: 4, column: "FTTH/B ≥ 1000 Mbit/s", value: "120" });
  });

  it("reads semicolon files with decimal commas, Windows-1252 and '>=' headers, and lists columns it does not use", () => {
    const text = "Gemeinde;AGS;FTTH/B >= 1000 Mbit/s;Bemerkung\nKaiserslautern;07312000;5,27;geprüft\n";
    const latin1 = Uint8Array.from(text, (c) => c.charCodeAt(0)); // "ü" as one byte: not UTF-8
    const parsed = parseStatisticsFile(latin1);
    if (!parsed.ok || parsed.kind !== "breitbandatlas") throw new Error("not parsed");
    expect(parsed).toMatchObject({ encoding: "windows-1252", delimiter: ";", ignoredColumns: ["Gemeinde", "Bemerkung"] });
    expect(parsed.rows).toEqual([{ line: 2, ags: "07312000", percentages: { "FTTH/B": { "1000": 5.27 } }, gigabitFtthPct: 5.27, gigabitAnyPct: null }]);
  });

  it("reads a population table; population is required, households optional", () => {
    const file = 'ags,name,population,households\n06411000,"Darmstadt, Wissenschaftsstadt",159878,\n07312000,Kaiserslautern,"100.030",51000\n06412000,Frankfurt,,\n06413000,Offenbach,1.5,\n';
    const parsed = parseStatisticsFile(bytes(file));
    if (!parsed.ok || parsed.kind !== "destatis-population") throw new Error("not parsed");
    expect(parsed.rows).toEqual([
      { line: 2, ags: "06411000", name: "Darmstadt, Wissenschaftsstadt", population: 159878, households: null },
      { line: 3, ags: "07312000", name: "Kaiserslautern", population: 100030, households: 51000 },
    ]);
    expect(parsed.errors.map(formatRowError)).toEqual([
      "Zeile 4, Spalte „population“: Die Einwohnerzahl fehlt.",
      "Zeile 5, Spalte „population“: Die Einwohnerzahl „1.5“ ist keine ganze Zahl ≥ 0.",
    ]);
  });

  it("refuses a file it cannot read as a whole, with the line to look at", () => {
    const error = (text: string, kind?: "breitbandatlas" | "destatis-population") => {
      const parsed = parseStatisticsFile(bytes(text), kind ? { kind } : {});
      return parsed.ok ? null : parsed.errors.map(formatRowError);
    };
    expect(error("")).toEqual(["Zeile 1: Die Datei ist leer."]);
    expect(error("id,value\n1,2\n")?.[0]).toMatch(/^Zeile 1: Das Format der Datei ist nicht erkannt\./);
    expect(error(`${HEADER}\n`)).toEqual(["Zeile 1: Die Datei enthält nur die Kopfzeile, keine Datenzeilen."]);
    expect(error("AGS,DSL ≥ 100 Mbit/s\n07312000,90\n")).toEqual(["Zeile 1: Die Spalte „FTTH/B ≥ 1000 Mbit/s“ fehlt: ohne sie ist der Gigabit-Anteil nicht bestimmbar."]);
    expect(error("ags,population\n06411000,1\n", "breitbandatlas")?.[0]).toMatch(/das ist keine Breitbandatlas-Tabelle/);
    expect(error(`${HEADER},FTTH/B ≥ 1000 Mbit/s\n`)?.[0]).toBe("Zeile 1: Die Spalte „ftth/b ≥ 1000 mbit/s“ kommt in der Kopfzeile doppelt vor.");
    expect(error(`${HEADER}\n07312000,1,2,3\n06411000,"4,5\n`)).toEqual(["Zeile 3: Das Anführungszeichen wird bis zum Dateiende nicht geschlossen."]);
  });

  it("tells the kind from the first line alone", () => {
    expect(headerKind(bytes(`${HEADER}\r\n07312000,1,2,3`))).toBe("breitbandatlas");
    expect(headerKind(bytes("ags,ars,name,population\n"))).toBe("destatis-population");
    expect(headerKind(bytes("x,y\n"))).toBeNull();
  });
});

describe("homes passed split by route length", () => {
  it("adds up to the homes reported, by largest remainder", () => {
    expect(allocateByLength(100, [{ ags: "06999001", lengthM: 300 }, { ags: "06999004", lengthM: 100 }])).toEqual([
      { ags: "06999001", lengthM: 300, share: 0.75, homes: 75 },
      { ags: "06999004", lengthM: 100, share: 0.25, homes: 25 },
    ]);
    const three = allocateByLength(10, [{ ags: "06999003", lengthM: 1 }, { ags: "06999001", lengthM: 1 }, { ags: "06999002", lengthM: 1 }]);
    expect(three.map((a) => a.homes)).toEqual([4, 3, 3]);
    const odd = allocateByLength(7, [{ ags: "06999001", lengthM: 1000 }, { ags: "06999002", lengthM: 10 }, { ags: "06999003", lengthM: 0 }]);
    expect(odd.map((a) => [a.ags, a.homes])).toEqual([["06999001", 7], ["06999002", 0]]);
    expect(allocateByLength(5, [])).toEqual([]);
  });
});
