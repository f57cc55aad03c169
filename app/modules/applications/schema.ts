import { z } from "zod";
import { LAYING_METHODS } from "~/modules/checks/methods";
import { isoDateSchema } from "~/utils/iso-date";

/**
 * The application form and the drawn route, shared by the browser (conform) and the server.
 * Drafts are saved as the operator works, so every field is optional here, but whatever is present
 * must be valid; what a submission additionally needs is decided by `missingItems` (completeness.ts).
 */
export const TRAFFIC_IMPACTS = ["none", "lane_narrowing", "half_closure", "full_closure"] as const;
export type TrafficImpact = (typeof TRAFFIC_IMPACTS)[number];
export const TRAFFIC_IMPACT_LABELS: Record<TrafficImpact, string> = {
  none: "Keine Verkehrsbeeinträchtigung",
  lane_narrowing: "Fahrbahneinengung",
  half_closure: "Halbseitige Sperrung",
  full_closure: "Vollsperrung",
};

export const NETWORK_ELEMENT_TYPES = ["verteilerkasten", "schacht", "muffe", "montagegrube"] as const;
export type NetworkElementType = (typeof NETWORK_ELEMENT_TYPES)[number];
export const NETWORK_ELEMENT_LABELS: Record<NetworkElementType, string> = {
  verteilerkasten: "Verteilerkasten",
  schacht: "Schacht",
  muffe: "Muffe",
  montagegrube: "Montagegrube",
};

export const ATTACHMENT_KINDS = ["power_of_attorney", "plan", "traffic_plan", "photo", "other"] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];
export const ATTACHMENT_KIND_LABELS: Record<AttachmentKind, string> = {
  power_of_attorney: "Vollmacht",
  plan: "Plan",
  traffic_plan: "Verkehrszeichenplan",
  photo: "Foto",
  other: "Sonstiges",
};

export const APPLICATION_STATUSES = ["draft", "submitted", "withdrawn", "completed"] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];
export const APPLICATION_STATUS_LABELS: Record<ApplicationStatus, string> = {
  draft: "Entwurf",
  submitted: "Eingereicht",
  withdrawn: "Zurückgezogen",
  completed: "Fertiggestellt",
};

export const CASE_STATUSES = ["submitted", "incomplete", "in_review", "approved", "rejected", "deemed_approved", "withdrawn"] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CASE_STATUS_LABELS: Record<CaseStatus, string> = {
  submitted: "Eingegangen",
  incomplete: "Unterlagen nachgefordert",
  in_review: "In Prüfung",
  approved: "Zugestimmt",
  rejected: "Abgelehnt",
  deemed_approved: "Zustimmung fingiert",
  withdrawn: "Zurückgezogen",
};
/** Cases an authority has not decided yet: an amendment or a withdrawal reaches them. */
export const OPEN_CASE_STATUSES: readonly CaseStatus[] = ["submitted", "incomplete", "in_review"];

export const ATTACHMENT_LIMITS = {
  maxFileBytes: 20 * 1024 * 1024,
  maxApplicationBytes: 100 * 1024 * 1024,
  mediaTypes: ["application/pdf", "image/png", "image/jpeg"] as const,
} as const;

/** Below this depth (m) laying is a declaration under § 127 Abs. 7 TKG. */
export const REDUCED_DEPTH_M = 0.6;

export const ROUTE_LIMITS = { maxFeatures: 500, maxVertices: 20_000 } as const;

// Form inputs send "" for an empty field: that means "not filled in", not "invalid".
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const text = (max: number, label: string, min = 1) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ invalid_type_error: `${label}: Bitte Text eingeben.` })
      .trim()
      .min(min, `${label}: mindestens ${min} Zeichen.`)
      .max(max, `${label}: höchstens ${max} Zeichen.`)
      .optional(),
  );
const email = (label: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ invalid_type_error: `${label}: Bitte eine E-Mail-Adresse eingeben.` })
      .trim()
      .toLowerCase()
      .max(254, `${label}: Die E-Mail-Adresse ist zu lang.`)
      .email(`${label}: Bitte eine gültige E-Mail-Adresse eingeben.`)
      .optional(),
  );
const phone = (label: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ invalid_type_error: `${label}: Bitte eine Telefonnummer eingeben.` })
      .trim()
      .regex(/^\+?[0-9][0-9 ()/-]{4,30}$/, `${label}: Bitte eine gültige Telefonnummer eingeben (Ziffern, Leerzeichen, + ( ) / -).`)
      .optional(),
  );

export const isoDate = isoDateSchema();
const optionalDate = z.preprocess(blankToUndefined, isoDate.optional());

const number = (label: string, unit: string, min: number, max: number, { int = false, exclusiveMin = false } = {}) => {
  let n = z.number({ invalid_type_error: `${label} muss eine Zahl${unit ? ` in ${unit}` : ""} sein.` });
  if (int) n = n.int(`${label} muss eine ganze Zahl sein.`);
  n = exclusiveMin ? n.gt(min, `${label} muss größer als ${min} sein.`) : n.min(min, `${label} muss mindestens ${min} sein.`);
  return n.max(max, `${label} darf höchstens ${String(max).replace(".", ",")}${unit ? ` ${unit}` : ""} betragen.`).optional();
};

export const ApplicationDraftSchema = z.object({
  title: text(200, "Projektname", 3),
  area: text(200, "Projektgebiet", 2),
  /** the operator's own reference (internal project number) */
  reference: text(100, "Eigenes Aktenzeichen"),
  contact: z
    .object({
      name: text(200, "Name der Ansprechperson", 2),
      email: email("E-Mail der Ansprechperson"),
      phone: phone("Telefon der Ansprechperson"),
    })
    .optional(),
  /** a planning office acting for the operator; needs a power of attorney */
  planningOffice: z
    .object({
      name: text(200, "Name des Planungsbüros", 2),
      contactName: text(200, "Ansprechperson im Planungsbüro", 2),
      email: email("E-Mail des Planungsbüros"),
      phone: phone("Telefon des Planungsbüros"),
    })
    .optional(),
  /** Nutzungsberechtigung nach § 125 TKG */
  rightOfWay: z.object({ reference: text(100, "Aktenzeichen der Nutzungsberechtigung"), date: optionalDate }).optional(),
  /** the declaration of § 127 Abs. 7 TKG for sections laid less than 0.6 m deep */
  reducedDepthDeclaration: z.boolean({ invalid_type_error: "Bitte die Anzeige ankreuzen oder leer lassen." }).optional(),
  period: z
    .object({ start: optionalDate, end: optionalDate })
    .refine((p) => !p.start || !p.end || p.end >= p.start, { message: "Das Bauende liegt vor dem Baubeginn.", path: ["end"] })
    .optional(),
  traffic: z
    .object({
      impact: z.enum(TRAFFIC_IMPACTS, { errorMap: () => ({ message: "Bitte wählen Sie die Verkehrsbeeinträchtigung aus der Liste." }) }).optional(),
      description: text(2000, "Beschreibung der Verkehrsführung"),
    })
    .optional(),
  remarks: text(5000, "Bemerkungen"),
});
export type ApplicationDraft = z.infer<typeof ApplicationDraftSchema>;

const position = z
  .array(z.number({ invalid_type_error: "Koordinaten müssen Zahlen sein." }), { invalid_type_error: "Eine Position ist ein Array [Länge, Breite]." })
  .min(2, "Eine Position braucht Länge und Breite.")
  .max(3, "Eine Position hat höchstens drei Zahlen.")
  .refine((p) => Math.abs(p[0]!) <= 180 && Math.abs(p[1]!) <= 90, "Koordinaten in WGS84 (Länge, Breite) angeben.")
  // heights are not used; the database stores the route in 2D
  .transform((p): [number, number] => [p[0]!, p[1]!]);

/** Germany with a margin: the portal serves Hessen and Rheinland-Pfalz; anything far outside is a mistake. */
const GERMANY = { minLon: 5.5, maxLon: 15.5, minLat: 47.0, maxLat: 55.2 };
const inGermany = ([lon, lat]: [number, number]) => lon >= GERMANY.minLon && lon <= GERMANY.maxLon && lat >= GERMANY.minLat && lat <= GERMANY.maxLat;
function outsideGermany(positions: [number, number][], ctx: z.RefinementCtx): void {
  if (positions.every(inGermany)) return;
  const swapped = positions.every(([lon, lat]) => inGermany([lat, lon]));
  ctx.addIssue({
    code: "custom",
    message: swapped
      ? "Die Koordinaten sind offenbar als Breite, Länge angegeben. GeoJSON verlangt die Reihenfolge Länge, Breite (RFC 7946)."
      : "Die Trasse liegt außerhalb Deutschlands. Erwartet werden WGS84-Koordinaten (Länge, Breite).",
  });
}

const line = z
  .array(position, { invalid_type_error: "Eine Linie ist ein Array von Positionen." })
  .min(2, "Eine Linie braucht mindestens zwei Positionen.")
  .superRefine(outsideGermany);

/** What is declared per route section (one line feature). */
export const SectionPropertiesSchema = z.object({
  method: z.enum(LAYING_METHODS, { errorMap: () => ({ message: "Bitte wählen Sie ein Verlegeverfahren aus der Liste." }) }).optional(),
  depthM: number("Die Verlegetiefe", "m", 0, 10, { exclusiveMin: true }),
  widthM: number("Die Grabenbreite", "m", 0, 5, { exclusiveMin: true }),
  ductCount: number("Die Zahl der Leerrohre", "", 1, 200, { int: true }),
  ductDiameterMm: number("Der Leerrohrdurchmesser", "mm", 5, 500),
  cableType: text(200, "Kabeltyp"),
});
export type SectionProperties = z.infer<typeof SectionPropertiesSchema>;

export const ElementPropertiesSchema = z.object({
  elementType: z.enum(NETWORK_ELEMENT_TYPES, { errorMap: () => ({ message: "Bitte wählen Sie die Art des Netzelements." }) }).optional(),
  label: text(200, "Bezeichnung"),
});

const lineFeature = z.object({
  type: z.literal("Feature"),
  geometry: z.discriminatedUnion(
    "type",
    [
      z.object({ type: z.literal("LineString"), coordinates: line }),
      z.object({ type: z.literal("MultiLineString"), coordinates: z.array(line).min(1, "Die Geometrie ist leer.") }),
    ],
    { errorMap: () => ({ message: "Erlaubt sind Linien (Trassenabschnitte) und Punkte (Netzelemente)." }) },
  ),
  properties: z.preprocess((v) => v ?? {}, SectionPropertiesSchema),
});
const pointFeature = z.object({
  type: z.literal("Feature"),
  geometry: z.object({ type: z.literal("Point"), coordinates: position.superRefine((p, ctx) => outsideGermany([p], ctx)) }),
  properties: z.preprocess((v) => v ?? {}, ElementPropertiesSchema),
});
type LineFeatureOutput = z.output<typeof lineFeature>;
type PointFeatureOutput = z.output<typeof pointFeature>;

/**
 * A line (route section) or a point (network element), told apart by the geometry type, so that an
 * invalid depth is reported at its own path instead of as "matches neither".
 */
const routeFeature = z.unknown().transform((value, ctx): LineFeatureOutput | PointFeatureOutput => {
  const geometryType = (value as { geometry?: { type?: unknown } } | null)?.geometry?.type;
  const parsed = (geometryType === "Point" ? pointFeature : lineFeature).safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue(issue);
  return z.NEVER;
});

export const DraftRouteSchema = z
  .object({
    type: z.literal("FeatureCollection", { errorMap: () => ({ message: 'Die Trasse muss eine GeoJSON "FeatureCollection" sein.' }) }),
    features: z
      .array(routeFeature, { invalid_type_error: "features muss ein Array sein." })
      .max(ROUTE_LIMITS.maxFeatures, `Höchstens ${ROUTE_LIMITS.maxFeatures} Elemente je Trasse.`),
  })
  .superRefine((route, ctx) => {
    // runs on partly invalid input too, so counts whatever positions there are
    const vertices = route.features.reduce((n, f) => n + countPositions((f as { geometry?: { coordinates?: unknown } } | undefined)?.geometry?.coordinates), 0);
    if (vertices > ROUTE_LIMITS.maxVertices) {
      ctx.addIssue({ code: "custom", path: ["features"], message: `Die Trasse hat ${vertices} Stützpunkte; erlaubt sind höchstens ${ROUTE_LIMITS.maxVertices}.` });
    }
  });
function countPositions(coordinates: unknown): number {
  if (!Array.isArray(coordinates)) return 0;
  return typeof coordinates[0] === "number" ? 1 : coordinates.reduce((n: number, c) => n + countPositions(c), 0);
}

export type DraftRoute = z.infer<typeof DraftRouteSchema>;
export type RouteFeature = DraftRoute["features"][number];
export type LineFeature = LineFeatureOutput;

export function isLineFeature(f: RouteFeature): f is LineFeature {
  return f.geometry.type !== "Point";
}

/** The as-built route reported on completion: lines only. */
export const AsBuiltRouteSchema = z.object({
  type: z.literal("FeatureCollection", { errorMap: () => ({ message: 'Die Bestandstrasse muss eine GeoJSON "FeatureCollection" sein.' }) }),
  features: z.array(lineFeature).min(1, "Die Bestandstrasse enthält keine Linie.").max(ROUTE_LIMITS.maxFeatures),
});

export const SaveDraftSchema = z.object({
  expectedVersion: z.number().int().min(1),
  /** omitted: unchanged */
  draft: ApplicationDraftSchema.optional(),
  /** omitted: unchanged; null: no route */
  route: DraftRouteSchema.nullable().optional(),
});
export type SaveDraftInput = z.input<typeof SaveDraftSchema>;

export const CreateDraftSchema = z.object({
  title: z
    .string({ required_error: "Bitte geben Sie einen Projektnamen ein." })
    .trim()
    .min(3, "Der Projektname muss mindestens 3 Zeichen lang sein.")
    .max(200, "Der Projektname darf höchstens 200 Zeichen lang sein."),
});

export const AmendSchema = z.object({
  expectedVersion: z.number().int().min(1),
  reason: z
    .string({ required_error: "Bitte beschreiben Sie, was Sie geändert oder ergänzt haben." })
    .trim()
    .min(5, "Bitte beschreiben Sie, was Sie geändert oder ergänzt haben (mindestens 5 Zeichen).")
    .max(5000, "Die Begründung darf höchstens 5000 Zeichen lang sein."),
});

export const WorksStartedSchema = z.object({ expectedVersion: z.number().int().min(1), date: isoDate });

export const CompletionSchema = z.object({
  expectedVersion: z.number().int().min(1),
  date: isoDate,
  homesPassed: z
    .number({ invalid_type_error: "Die Zahl der erschlossenen Haushalte muss eine Zahl sein.", required_error: "Bitte geben Sie die Zahl der erschlossenen Haushalte an." })
    .int("Die Zahl der erschlossenen Haushalte muss eine ganze Zahl sein.")
    .min(0, "Die Zahl der erschlossenen Haushalte darf nicht negativ sein.")
    .max(1_000_000, "Die Zahl der erschlossenen Haushalte ist unplausibel hoch."),
  asBuilt: z.union([z.literal("as_planned"), AsBuiltRouteSchema], {
    errorMap: () => ({ message: 'Bestandstrasse: "as_planned" oder eine FeatureCollection mit Linien angeben.' }),
  }),
});
export type CompletionInput = z.input<typeof CompletionSchema>;

export const MessageSchema = z
  .string({ required_error: "Bitte geben Sie eine Nachricht ein." })
  .trim()
  .min(1, "Bitte geben Sie eine Nachricht ein.")
  .max(10_000, "Die Nachricht darf höchstens 10.000 Zeichen lang sein.");

/** A field path like `contact.email` or `route.features[2].properties.depthM`. */
export function pathOf(segments: readonly (string | number)[]): string {
  return segments.reduce<string>((acc, s) => (typeof s === "number" ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), "");
}

/** The calendar date in Germany (deadlines and "not in the past" are German dates). */
export function germanToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin" }).format(now);
}
