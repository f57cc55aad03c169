/**
 * A realistic document input for tests, the benchmark and previews: a fictional fibre route in
 * the Landkreis Auenwald (Hessen), EPSG:25832 around E 532000 / N 5609000. Deterministic: a
 * seeded PRNG, no clock.
 */
import { STANDARD_TEXTS } from "~/modules/conditions/standard-texts";
import type { DocumentCondition, DocumentInput, DocumentKind, DocumentMap, DocumentSection, Xy } from "./model";
import { mulberry32 } from "~/utils/prng";

const CENTRE: Xy = [532000, 5609000];

const STREETS = [
  "Hauptstraße",
  "Øresundring",
  "Bahnhofstraße",
  "Lindenhainer Weg",
  "Am Auenbach",
  "Schulstraße",
  "Mühlweg",
  "Birkenallee",
  "Gartenstraße",
  "Industriestraße",
  "Ringstraße",
  "Kirchgasse",
  "Wiesenstraße",
  "Am Sportplatz",
  "Bergstraße",
  "Talstraße",
];
const CROSS_STREETS = ["Lindenweg", "Ahornstraße", "Kirchweg", "Uferstraße", "Am Markt", "Rosenweg", "Brunnengasse", "Schillerstraße"];
const GEMEINDEN = ["Auenstadt", "Lindenhain", "Birkenau"];
const ROAD_CLASSES = ["gemeindestrasse", "kreisstrasse", "gemeindestrasse", "landesstrasse", "gemeindestrasse", "bundesstrasse"] as const;
const METHODS = [
  { method: "Offene Bauweise (Graben)", depthM: 0.8, widthM: 0.4 },
  { method: "Trenching (Fräsverfahren)", depthM: 0.45, widthM: 0.15 },
  { method: "Spülbohrverfahren (HDD)", depthM: 1.2, widthM: null },
  { method: "Pflugverfahren", depthM: 0.6, widthM: 0.1 },
];

const round2 = (n: number) => Math.round(n * 100) / 100;
const at = (p: Xy, dir: number, d: number): Xy => [p[0] + Math.cos(dir) * d, p[1] + Math.sin(dir) * d];
const offset = (points: Xy[], d: number): Xy[] =>
  points.map((p, i) => {
    const a = points[Math.max(0, i - 1)]!;
    const b = points[Math.min(points.length - 1, i + 1)]!;
    const dir = Math.atan2(b[1] - a[1], b[0] - a[0]);
    return at(p, dir + Math.PI / 2, d);
  });

interface Piece {
  points: Xy[];
  lengthM: number;
  ref: string | null;
  street: string;
  roadClass: string;
}

/** Streets of 200–350 m, zig-zagging east-north-east, with a vertex every 10 m and gentle bends. */
function route(totalM: number, random: () => number): Piece[] {
  const pieces: Piece[] = [];
  let start: Xy = [0, 0];
  let done = 0;
  for (let i = 0; done < totalM - 1; i++) {
    const lengthM = Math.min(200 + random() * 150, totalM - done);
    let heading = ((20 + (i % 2 === 0 ? 1 : -1) * (40 + random() * 20)) * Math.PI) / 180;
    const bend = ((random() - 0.5) * 0.6 * Math.PI) / 180;
    const points: Xy[] = [start];
    for (let d = 10; d < lengthM + 10; d += 10) {
      heading += bend;
      points.push(at(points[points.length - 1]!, heading, Math.min(10, lengthM - (d - 10))));
    }
    const roadClass = ROAD_CLASSES[i % ROAD_CLASSES.length]!;
    const ref = roadClass === "kreisstrasse" ? `K ${112 + i}` : roadClass === "landesstrasse" ? `L ${3040 + i}` : roadClass === "bundesstrasse" ? "B 275" : null;
    pieces.push({ points, lengthM, ref, street: STREETS[i % STREETS.length]!, roadClass });
    start = points[points.length - 1]!;
    done += lengthM;
  }
  // centre the route on CENTRE, to the centimetre
  const xs = pieces.flatMap((p) => p.points.map((q) => q[0]));
  const ys = pieces.flatMap((p) => p.points.map((q) => q[1]));
  const dx = CENTRE[0] - (Math.min(...xs) + Math.max(...xs)) / 2;
  const dy = CENTRE[1] - (Math.min(...ys) + Math.max(...ys)) / 2;
  for (const piece of pieces) piece.points = piece.points.map((p) => [round2(p[0] + dx), round2(p[1] + dy)]);
  return pieces;
}

/** The point and direction at a share of the whole route. */
function pointAt(pieces: Piece[], share: number): { p: Xy; dir: number } {
  const all = pieces.flatMap((piece) => piece.points);
  const i = Math.min(all.length - 2, Math.floor(share * (all.length - 1)));
  const a = all[i]!;
  const b = all[i + 1]!;
  return { p: a, dir: Math.atan2(b[1] - a[1], b[0] - a[0]) };
}

function siteMap(pieces: Piece[], mine: (i: number) => boolean): DocumentMap {
  let number = 0;
  const sections = pieces.flatMap((piece, i) => (mine(i) ? [{ number: ++number, lines: [piece.points] }] : []));
  const roads: DocumentMap["roads"] = pieces.map((piece) => ({ roadClass: piece.roadClass, name: piece.ref ?? piece.street, lines: [offset(piece.points, 4)] }));
  pieces.forEach((piece, i) => {
    const mid = piece.points[Math.floor(piece.points.length / 2)]!;
    const next = piece.points[Math.floor(piece.points.length / 2) + 1] ?? mid;
    const across = Math.atan2(next[1] - mid[1], next[0] - mid[0]) + Math.PI / 2;
    const line: Xy[] = [];
    for (let d = -120; d <= 120; d += 20) line.push(at(mid, across, d).map(round2) as Xy);
    roads.push({ roadClass: i % 3 === 0 ? "other" : "gemeindestrasse", name: CROSS_STREETS[i % CROSS_STREETS.length]!, lines: [line] });
  });
  const motorway = pointAt(pieces, 0.5);
  roads.push({ roadClass: "autobahn", name: "A 45", lines: [[at(motorway.p, 1.9, 700), at(motorway.p, 1.9, 250), at(motorway.p, 1.9 + Math.PI, 300), at(motorway.p, 1.8 + Math.PI, 900)]] });

  const trees: Xy[] = pieces.flatMap((piece, i) => (i % 3 === 0 ? offset(piece.points, -7).slice(0, 15).filter((_, k) => k % 2 === 0) : []));
  const zones: Xy[][] = [0.4, 0.85].slice(0, pieces.length > 12 ? 2 : 1).map((share) => {
    const { p } = pointAt(pieces, share);
    const ring: Xy[] = [];
    for (let k = 0; k < 16; k++) {
      const t = (k / 16) * 2 * Math.PI;
      const [x, y] = [220 * Math.cos(t), 140 * Math.sin(t)];
      ring.push([round2(p[0] + x * Math.cos(0.5) - y * Math.sin(0.5)), round2(p[1] + x * Math.sin(0.5) + y * Math.cos(0.5))]);
    }
    return ring;
  });
  const crossing = pointAt(pieces, 0.6);
  const brook: Xy[] = [];
  for (let d = -250; d <= 250; d += 25) brook.push(at(at(crossing.p, crossing.dir + Math.PI / 2, d), crossing.dir, 15 * Math.sin(d / 40)).map(round2) as Xy);

  return {
    sections,
    otherRoute: pieces.flatMap((piece, i) => (mine(i) ? [] : [piece.points])),
    roads,
    conflicts: [
      { layer: "trees", label: "Bäume (Baumkataster)", points: trees, lines: [], rings: [] },
      { layer: "water_protection_zones", label: "Wasserschutzgebiet Zone III", points: [], lines: [], rings: zones },
      { layer: "watercourses", label: "Gewässer (Auenbach)", points: [], lines: [brook], rings: [] },
    ],
    attribution: "Straßennetz und Fachdaten: Landkreis Auenwald; Darstellung: Breitband-Portal",
  };
}

function conditions(count: number): DocumentCondition[] {
  const catalogue = STANDARD_TEXTS.filter((t) => t.kind === "condition");
  const list: DocumentCondition[] = Array.from({ length: count }, (_, i) => {
    const text = catalogue[i % catalogue.length]!;
    const round = Math.floor(i / catalogue.length);
    return {
      kind: "condition",
      title: round === 0 ? text.title : `${text.title} (Bauabschnitt ${round + 1})`,
      body: text.body,
      source: text.title.startsWith("Schutz von Bäumen") ? "Untere Naturschutzbehörde des Landkreises Auenwald" : null,
    };
  });
  const hints = STANDARD_TEXTS.filter((t) => t.kind === "hint")
    .slice(0, 2)
    .map((t): DocumentCondition => ({ kind: "hint", title: t.title, body: t.body, source: null }));
  return [...list, ...hints];
}

export function sampleDocumentInput(opts: { kind?: DocumentKind; routeKm?: number; conditions?: number } = {}): DocumentInput {
  const kind = opts.kind ?? "consent";
  const pieces = route((opts.routeKm ?? 1.2) * 1000, mulberry32(42));
  const mine = (i: number) => i % 4 !== 2;
  let number = 0;
  const sections: DocumentSection[] = pieces.flatMap((piece, i) => {
    if (!mine(i)) return [];
    const method = METHODS[i % METHODS.length]!;
    return [
      {
        number: ++number,
        roads: piece.ref ? `${piece.ref} (${piece.street})` : piece.street,
        gemeinde: GEMEINDEN[Math.floor(i / 5) % GEMEINDEN.length]!,
        lengthM: Math.round(piece.lengthM * 10) / 10,
        ...method,
        ducts: i % 2 === 0 ? "2 × 50 mm" : "1 × 40 mm, 1 × 50 mm",
        cableType: i % 3 === 0 ? "Mikrokabel 96 Fasern" : null,
      },
    ];
  });
  const authority = {
    name: "Landkreis Auenwald – Fachdienst Straßenbau und Verkehr",
    street: "Am Kreishaus 1",
    postcode: "35510",
    city: "Auenstadt",
    website: "www.landkreis-auenwald.example",
    email: "strassenbau@landkreis-auenwald.example",
    phone: "06441 407-1234",
  };
  const documentId = "K7Q2M9XD4RTPA3BW";
  const decided = kind === "consent" || kind === "rejection";

  return {
    kind,
    documentId,
    verifyUrl: `https://portal.example/verify/${documentId}`,
    issuedAt: "2026-11-21T09:30:00.000Z",
    version: 1,
    replaces: null,
    authority,
    fileNumber: "AUENWALD-TKG-2026-00042",
    applicant: {
      name: "FiberWay Deutschland GmbH",
      contactName: "Łukasz Dvořák",
      street: "Glasfaserallee 12",
      postcode: "60311",
      city: "Frankfurt am Main",
      website: "www.fiberway.example",
      email: "genehmigungen@fiberway.example",
      phone: "069 1234567-0",
    },
    planningOffice: { name: "Ingenieurbüro Lichtweg GmbH", contactName: "Sören Weiß" },
    application: {
      title: "FTTH-Ausbau Lindenhain Nord",
      area: "Lindenhain",
      operatorReference: "FW-HE-2026-117",
      receivedAt: "2026-09-14T08:12:00.000Z",
      rightOfWay: { reference: "BNetzA 125-2024-0815", date: "2024-03-01" },
      period: { start: "2027-03-01", end: "2027-06-30" },
      totalLengthM: Math.round(pieces.reduce((sum, p) => sum + p.lengthM, 0)),
      reducedDepthDeclared: kind !== "missing_items",
    },
    legalBasis:
      kind === "missing_items"
        ? []
        : [
            "§ 127 Telekommunikationsgesetz (TKG) – Zustimmung des Wegebaulastträgers",
            "§ 125 TKG – Nutzungsberechtigung an öffentlichen Verkehrswegen",
            "§ 36 Hessisches Verwaltungsverfahrensgesetz (HVwVfG) – Nebenbestimmungen",
          ],
    sections,
    conditions: kind === "consent" ? conditions(opts.conditions ?? 6) : [],
    bodies: decided
      ? [
          {
            name: "Untere Naturschutzbehörde des Landkreises Auenwald",
            statement: kind === "consent" ? "Zustimmung mit Nebenbestimmungen" : "Einwände",
            text:
              kind === "consent"
                ? "Gegen die Verlegung bestehen keine Bedenken, wenn im Wurzelbereich der Straßenbäume nach DIN 18920 gearbeitet wird (siehe die Nebenbestimmung zum Schutz von Bäumen)."
                : "Die Trasse führt im Abschnitt 1 durch den Wurzelbereich einer geschützten Lindenallee; eine Verlegung in offener Bauweise ist dort nicht zulässig.",
            answeredOn: "2026-10-20",
          },
          { name: "Straßenverkehrsbehörde der Stadt Auenstadt", statement: "Zustimmung", text: null, answeredOn: "2026-10-02" },
        ]
      : [],
    reasons:
      kind === "consent"
        ? "Die Antragstellerin ist nach § 125 TKG berechtigt, öffentliche Verkehrswege für Telekommunikationslinien unentgeltlich zu nutzen. Die Verlegung bedarf der Zustimmung des Wegebaulastträgers nach § 127 TKG. Die beantragte Verlegung ist mit den Belangen des Verkehrswegs vereinbar. Die Nebenbestimmungen sichern die Wiederherstellung der Verkehrsflächen, die Sicherheit des Verkehrs und den Schutz der Straßenbäume; sie gelten für alle Nutzungsberechtigten gleichermaßen."
        : kind === "rejection"
          ? "Die Verlegung im Abschnitt 1 ist in der beantragten offenen Bauweise nicht zulässig, weil sie den Wurzelbereich der geschützten Lindenallee dauerhaft schädigen würde. Eine Verlegung in geschlossener Bauweise oder in der gegenüberliegenden Fahrbahnseite wurde trotz Nachfrage vom 05.10.2026 nicht beantragt. Die übrigen Abschnitte sind ohne den Abschnitt 1 nicht sinnvoll nutzbar; die Zustimmung ist daher insgesamt zu versagen."
          : null,
    missingItems:
      kind === "missing_items"
        ? {
            items: [
              "Nutzungsberechtigung der Bundesnetzagentur nach § 125 TKG",
              "Vollmacht des Planungsbüros",
              "Regelquerschnitt für das Trenching im Abschnitt 2",
              "Verkehrszeichenplan für die Kreisstraße K 113",
            ],
            body: "Die Unterlagen können Sie im Portal unter „Nachreichungen“ hochladen. Bei Rückfragen erreichen Sie uns unter der oben genannten Telefonnummer.",
            answerBy: "2026-12-05",
          }
        : null,
    deemed:
      kind === "deemed_certificate"
        ? {
            decisionDueOn: "2026-12-14",
            reason: "Der Antrag war am 14.09.2026 vollständig. Über ihn wurde nicht innerhalb der Frist von drei Monaten entschieden, und die Frist wurde nicht verlängert.",
          }
        : null,
    fee:
      kind === "consent"
        ? { model: "flat", amountCents: 123450, explanation: "Die Gebühr beruht auf der Verwaltungskostensatzung des Landkreises Auenwald (Tarifstelle 4.2: Zustimmungen nach § 127 TKG). Sie wird mit Bekanntgabe dieses Bescheids fällig." }
        : kind === "rejection"
          ? { model: "none", amountCents: 0, explanation: "" }
          : null,
    remedy: decided
      ? "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch erhoben werden. Der Widerspruch ist schriftlich, in elektronischer Form nach § 3a Abs. 2 HVwVfG oder zur Niederschrift beim Landkreis Auenwald, Am Kreishaus 1, 35510 Auenstadt, einzulegen."
      : null,
    signer: { name: kind === "deemed_certificate" ? null : "Dr. Henrike Schäfer", authorityName: authority.name },
    map: kind === "missing_items" ? null : siteMap(pieces, mine),
  };
}
