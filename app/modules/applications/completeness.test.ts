import { describe, expect, it } from "vitest";
import type { CheckReport } from "~/modules/checks/report";
import { blockingFindings, missingItems, responsibleAuthorities } from "./completeness";
import { ApplicationDraftSchema, DraftRouteSchema, germanToday, type ApplicationDraft, type DraftRoute } from "./schema";

const TODAY = "2026-03-02";
const kreis = { id: "k", name: "Kreis Auenwald", level: "kreis" };
const land = { id: "l", name: "Hessen Mobil", level: "land" };

function report(extra: Partial<CheckReport> = {}): CheckReport {
  return {
    lengthM: 700,
    rulesVersion: "x",
    findings: [],
    sections: [
      { featureIndex: 0, authority: kreis, gemeinde: null, roadClass: "kreisstrasse", roads: [], method: "open_trench", lengthM: 400.04, geometry: { type: "LineString", coordinates: [] } },
      { featureIndex: 0, authority: kreis, gemeinde: null, roadClass: "kreisstrasse", roads: [], method: "open_trench", lengthM: 300.03, geometry: { type: "LineString", coordinates: [] } },
    ],
    offRoad: [],
    conflicts: [],
    crossings: [{ kind: "road", roadClass: "bundesstrasse", ref: "B 275", authority: land, point: { type: "Point", coordinates: [] } }, { kind: "watercourse", name: "Auenbach", point: { type: "Point", coordinates: [] } }],
    clashes: [],
    method: [],
    ...extra,
  };
}

const line = (properties: Record<string, unknown>) => ({ type: "Feature", geometry: { type: "LineString", coordinates: [[9.1, 50.4], [9.2, 50.41]] }, properties });
const route = (...features: unknown[]): DraftRoute => DraftRouteSchema.parse({ type: "FeatureCollection", features });

const complete: ApplicationDraft = {
  title: "FTTH Lindenhain",
  area: "Lindenhain",
  contact: { name: "Jonas Becker", email: "jb@example.org", phone: "+49 611 123456" },
  rightOfWay: { reference: "BNetzA 125-1", date: "2024-03-01" },
  period: { start: "2026-04-01", end: "2026-06-30" },
  traffic: { impact: "none" },
};
const section = { method: "open_trench", depthM: 0.8, widthM: 0.4, ductCount: 2, ductDiameterMm: 50 };

describe("draft schema", () => {
  it("accepts a partial form, treats empty inputs as not filled in and reports bad values at their path", () => {
    expect(ApplicationDraftSchema.parse({ title: "  Glasfaser Nord ", contact: { email: "" } })).toEqual({ title: "Glasfaser Nord", contact: {} });
    const result = ApplicationDraftSchema.safeParse({
      contact: { email: "kein-at-zeichen" },
      period: { start: "2026-05-01", end: "2026-04-01" },
      traffic: { impact: "total" },
      rightOfWay: { date: "2026-02-30" },
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["contact.email", "E-Mail der Ansprechperson: Bitte eine gültige E-Mail-Adresse eingeben."],
      ["rightOfWay.date", "Kein gültiges Datum."],
      ["period.end", "Das Bauende liegt vor dem Baubeginn."],
      ["traffic.impact", "Bitte wählen Sie die Verkehrsbeeinträchtigung aus der Liste."],
    ]);
  });

  it("validates route sections and network elements by their geometry, at the feature's path", () => {
    const result = DraftRouteSchema.safeParse({
      type: "FeatureCollection",
      features: [
        line({ method: "open_trench", depthM: -0.2 }),
        { type: "Feature", geometry: { type: "Point", coordinates: [9.1, 50.4] }, properties: { elementType: "mast" } },
        { type: "Feature", geometry: { type: "Polygon", coordinates: [] }, properties: {} },
      ],
    });
    expect(result.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["features.0.properties.depthM", "Die Verlegetiefe muss größer als 0 sein."],
      ["features.1.properties.elementType", "Bitte wählen Sie die Art des Netzelements."],
      ["features.2.geometry.type", "Erlaubt sind Linien (Trassenabschnitte) und Punkte (Netzelemente)."],
    ]);
  });

  it("refuses positions outside Germany, recognising latitude and longitude given the wrong way round", () => {
    const messages = (coordinates: number[][]) => DraftRouteSchema.safeParse({ type: "FeatureCollection", features: [line({}), { type: "Feature", geometry: { type: "LineString", coordinates }, properties: {} }] }).error?.issues.map((i) => [i.path.join("."), i.message]);
    expect(messages([[2.35, 48.85], [2.36, 48.86]])).toEqual([["features.1.geometry.coordinates", "Die Trasse liegt außerhalb Deutschlands. Erwartet werden WGS84-Koordinaten (Länge, Breite)."]]);
    expect(messages([[50.4, 9.1], [50.41, 9.2]])).toEqual([["features.1.geometry.coordinates", expect.stringContaining("Reihenfolge Länge, Breite (RFC 7946)")]]);
  });

  it("drops heights and keeps the route 2D", () => {
    const parsed = route({ type: "Feature", geometry: { type: "LineString", coordinates: [[9.1, 50.4, 210], [9.2, 50.41, 215]] }, properties: null });
    expect(parsed.features[0]!.geometry.coordinates).toEqual([[9.1, 50.4], [9.2, 50.41]]);
  });
});

describe("missing items", () => {
  it("lists everything an empty draft lacks, in form order, with field paths", () => {
    expect(missingItems({}, null, [], null, TODAY).map((i) => i.path)).toEqual([
      "title",
      "area",
      "contact.name",
      "contact.email",
      "contact.phone",
      "rightOfWay.reference",
      "rightOfWay.date",
      "route",
      "period.start",
      "period.end",
      "traffic.impact",
    ]);
  });

  it("is empty for a complete application with a checked, unobjectionable route", () => {
    expect(missingItems(complete, route(line(section)), [], report(), TODAY)).toEqual([]);
  });

  it("asks per section for method, depth, width and ducts, but nothing of that for an aerial line", () => {
    const items = missingItems(complete, route(line(section), { type: "Feature", geometry: { type: "Point", coordinates: [9.1, 50.4] }, properties: {} }, line({ method: "hdd" }), line({ method: "aerial" })), [], report(), TODAY);
    expect(items).toEqual([
      { path: "route.features[2].properties.depthM", message: "Abschnitt 2: Bitte geben Sie die Verlegetiefe (m) an." },
      { path: "route.features[2].properties.widthM", message: "Abschnitt 2: Bitte geben Sie die Grabenbreite (m) an." },
      { path: "route.features[2].properties.ductCount", message: "Abschnitt 2: Bitte geben Sie die Zahl der Leerrohre an." },
      { path: "route.features[2].properties.ductDiameterMm", message: "Abschnitt 2: Bitte geben Sie den Leerrohrdurchmesser (mm) an." },
      { path: "route.features[1].properties.elementType", message: "Netzelement 1: Bitte wählen Sie die Art (Verteilerkasten, Schacht, Muffe oder Montagegrube)." },
    ]);
  });

  it("requires the § 127 Abs. 7 declaration only when a section lies less than 0.6 m deep", () => {
    const shallow = route(line({ ...section, depthM: 0.4 }));
    expect(missingItems(complete, shallow, [], report(), TODAY).map((i) => i.path)).toEqual(["reducedDepthDeclaration"]);
    expect(missingItems({ ...complete, reducedDepthDeclaration: true }, shallow, [], report(), TODAY)).toEqual([]);
  });

  it("requires name, contact and a power of attorney when a planning office acts for the operator", () => {
    const draft = { ...complete, planningOffice: { name: "Ingenieurbüro Kabel & Co." } };
    expect(missingItems(draft, route(line(section)), [], report(), TODAY).map((i) => i.path)).toEqual(["planningOffice.contactName", "planningOffice.email", "attachments"]);
    const office = { ...complete, planningOffice: { name: "Ingenieurbüro Kabel & Co.", contactName: "Eva Kabel", email: "eva@kabel.example" } };
    expect(missingItems(office, route(line(section)), [{ kind: "power_of_attorney" }], report(), TODAY)).toEqual([]);
  });

  it("refuses a start of works in the past and a traffic impact without description", () => {
    const draft = { ...complete, period: { start: "2026-03-01", end: "2026-06-30" }, traffic: { impact: "full_closure" as const } };
    expect(missingItems(draft, route(line(section)), [], report(), TODAY).map((i) => i.path)).toEqual(["period.start", "traffic.description"]);
    expect(missingItems({ ...complete, period: { start: TODAY, end: TODAY } }, route(line(section)), [], report(), TODAY)).toEqual([]);
  });

  it("needs the route checked, free of blocking findings, and on some authority's road", () => {
    const r = route(line(section));
    expect(missingItems(complete, r, [], null, TODAY)).toEqual([{ path: "route", message: "Die Trasse ist noch nicht geprüft." }]);
    const blocked = report({ conflicts: [{ layer: "trees", featureId: 1, name: null, severity: "blocking", distanceM: 1, affectedLengthM: 2, ruleId: 1, code: "trees.trunk", message: "Zu nah am Baum.", legalBasis: "", geometry: { type: "Point", coordinates: [] } }] });
    expect(missingItems(complete, r, [], blocked, TODAY)).toEqual([{ path: "route", message: "Unzulässig: Zu nah am Baum." }]);
    expect(missingItems(complete, r, [], report({ sections: [], crossings: [] }), TODAY).map((i) => i.message)).toEqual([
      "Die Trasse berührt keine öffentliche Straße: Es gibt keinen Straßenbaulastträger, der zustimmen müsste.",
    ]);
  });
});

describe("check report helpers", () => {
  it("collects blocking messages from every part of the report, each once", () => {
    const r = report({
      findings: [{ code: "self_overlap", severity: "blocking", message: "Überlagert sich." }],
      method: [
        { code: "method.trenching_bridge", severity: "blocking", message: "Kein Trenching auf Brücken.", legalBasis: "" },
        { code: "method.trenching_bridge", severity: "blocking", message: "Kein Trenching auf Brücken.", legalBasis: "" },
        { code: "method.reduced_depth", severity: "hint", message: "Mindertiefe.", legalBasis: "" },
      ],
    });
    expect(blockingFindings(r)).toEqual(["Überlagert sich.", "Kein Trenching auf Brücken."]);
  });

  it("names every authority with a section or a road crossing, summing section lengths", () => {
    expect(responsibleAuthorities(report())).toEqual([
      { id: "k", name: "Kreis Auenwald", lengthM: 700.1, crossings: 0 },
      { id: "l", name: "Hessen Mobil", lengthM: 0, crossings: 1 },
    ]);
  });

  it("takes today's date in Germany, not UTC", () => {
    expect(germanToday(new Date("2026-03-01T23:30:00Z"))).toBe("2026-03-02");
  });
});
