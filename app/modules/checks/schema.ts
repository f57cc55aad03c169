import { z } from "zod";
import { LAYING_METHODS, type LayingMethod } from "./methods";
import { isoDateSchema } from "~/utils/iso-date";

/**
 * The input of a route check: a GeoJSON Feature or FeatureCollection of (Multi)LineStrings,
 * EPSG:4326 unless `srid` says otherwise, with optional method, width, depth and period — globally
 * or per feature. Everything a user can get wrong is caught here with a German message and the
 * JSON path where it happened; geometry that needs the database (service area) is checked there.
 */
export const CHECK_LIMITS = {
  maxBytes: 5 * 1024 * 1024,
  maxVertices: 20_000,
  maxFeatures: 500,
  maxLengthM: 200_000,
} as const;

/** SRIDs accepted for input: WGS84, ETRS89/UTM 32 and 33, Gauß-Krüger zones 2–4, Web Mercator. */
export const ACCEPTED_SRIDS = [4326, 4258, 25832, 25833, 31466, 31467, 31468, 3857] as const;

const method = z.enum(LAYING_METHODS, {
  errorMap: () => ({ message: `Unbekanntes Verlegeverfahren. Erlaubt: ${LAYING_METHODS.join(", ")}.` }),
});
const widthM = z
  .number({ invalid_type_error: "Die Grabenbreite muss eine Zahl in Metern sein." })
  .positive("Die Grabenbreite muss größer als 0 sein.")
  .max(5, "Die Grabenbreite darf höchstens 5 m betragen.");
const depthM = z
  .number({ invalid_type_error: "Die Verlegetiefe muss eine Zahl in Metern sein." })
  .positive("Die Verlegetiefe muss größer als 0 sein.")
  .max(10, "Die Verlegetiefe darf höchstens 10 m betragen.");
const isoDate = isoDateSchema();

const position = z
  .array(z.number({ invalid_type_error: "Koordinaten müssen Zahlen sein." }), {
    invalid_type_error: "Eine Position ist ein Array [x, y].",
  })
  .min(2, "Eine Position braucht mindestens zwei Zahlen [x, y].")
  .max(4, "Eine Position hat höchstens vier Zahlen.")
  .refine((p) => p.every(Number.isFinite), "Koordinaten müssen endliche Zahlen sein.");
const lineCoordinates = z.array(position, { invalid_type_error: "Eine Linie ist ein Array von Positionen." });

const geometry = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("LineString"), coordinates: lineCoordinates }),
    z.object({
      type: z.literal("MultiLineString"),
      coordinates: z.array(lineCoordinates, { invalid_type_error: "Eine MultiLineString ist ein Array von Linien." }),
    }),
  ],
  {
    errorMap: (issue, ctx) =>
      issue.code === z.ZodIssueCode.invalid_union_discriminator
        ? { message: "Nur LineString und MultiLineString sind als Trasse erlaubt." }
        : { message: ctx.defaultError },
  },
);

const featureProperties = z
  .object({ method: method.optional(), widthM: widthM.optional(), depthM: depthM.optional() })
  .passthrough()
  .nullish();

const feature = z.object({
  type: z.literal("Feature"),
  geometry: geometry.nullable().refine((g) => g !== null, "Das Feature hat keine Geometrie."),
  properties: featureProperties,
});

const routeInput = z.discriminatedUnion(
  "type",
  [
    feature,
    z.object({
      type: z.literal("FeatureCollection"),
      features: z
        .array(feature)
        .min(1, "Die FeatureCollection enthält keine Trasse.")
        .max(CHECK_LIMITS.maxFeatures, `Höchstens ${CHECK_LIMITS.maxFeatures} Features je Prüfung.`),
    }),
  ],
  {
    errorMap: (issue, ctx) =>
      issue.code === z.ZodIssueCode.invalid_union_discriminator || issue.code === z.ZodIssueCode.invalid_type
        ? { message: 'Erwartet wird ein GeoJSON "Feature" oder eine "FeatureCollection" mit Linien.' }
        : { message: ctx.defaultError },
  },
);

export const CheckRequestSchema = z
  .object({
    route: routeInput,
    srid: z
      .number()
      .int()
      .refine((s) => (ACCEPTED_SRIDS as readonly number[]).includes(s), {
        message: `Koordinatensystem nicht unterstützt. Erlaubt: EPSG:${ACCEPTED_SRIDS.join(", EPSG:")}.`,
      })
      .default(4326),
    method: method.optional(),
    widthM: widthM.optional(),
    depthM: depthM.optional(),
    period: z
      .object({ start: isoDate, end: isoDate })
      .refine((p) => p.end >= p.start, { message: "Das Ende des Zeitraums liegt vor dem Beginn.", path: ["end"] })
      .optional(),
  })
  .strict();
export type CheckRequest = z.infer<typeof CheckRequestSchema>;

export type Position = [number, number];

/** One drawn line part of the route, with what applies to it. */
export interface RoutePart {
  featureIndex: number;
  coordinates: Position[];
  method: LayingMethod | null;
  widthM: number | null;
  depthM: number | null;
}

export interface NormalisedRoute {
  srid: number;
  parts: RoutePart[];
  period: { start: string; end: string } | null;
}

export interface InputProblem {
  path: string;
  message: string;
}

/** Germany with a margin, in lon/lat: a plausibility check before the database sees the route. */
const GERMANY = { minLon: 5.5, maxLon: 15.5, minLat: 47.0, maxLat: 55.2 };
const UTM32 = { minX: 250_000, maxX: 950_000, minY: 5_200_000, maxY: 6_150_000 };

function pathOf(segments: (string | number)[]): string {
  return segments.reduce<string>((acc, s) => (typeof s === "number" ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), "");
}

/**
 * Validates a parsed request body; returns the route split into parts, or the problems found
 * (each with a JSON path like `route.features[2].geometry.coordinates[14]`).
 */
export function normaliseCheckRequest(body: unknown): { ok: true; route: NormalisedRoute } | { ok: false; problems: InputProblem[] } {
  const parsed = CheckRequestSchema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message })) };
  }
  const request = parsed.data;
  const features = request.route.type === "FeatureCollection" ? request.route.features : [request.route];
  const problems: InputProblem[] = [];
  const parts: RoutePart[] = [];
  let vertices = 0;
  features.forEach((f, featureIndex) => {
    const geometry = f.geometry!;
    const base = request.route.type === "FeatureCollection" ? ["route", "features", featureIndex] : ["route"];
    const lines = geometry.type === "LineString" ? [geometry.coordinates] : geometry.coordinates;
    if (lines.length === 0) problems.push({ path: pathOf([...base, "geometry", "coordinates"]), message: "Die Geometrie ist leer." });
    lines.forEach((line, lineIndex) => {
      const at = geometry.type === "LineString" ? [...base, "geometry", "coordinates"] : [...base, "geometry", "coordinates", lineIndex];
      vertices += line.length;
      const xy = line.map((p) => [p[0], p[1]] as Position);
      const distinct = new Set(xy.map((p) => `${p[0]},${p[1]}`));
      if (line.length < 2) problems.push({ path: pathOf(at), message: "Eine Linie braucht mindestens zwei Positionen." });
      else if (distinct.size < 2) problems.push({ path: pathOf(at), message: "Die Linie hat die Länge 0 (alle Positionen gleich)." });
      parts.push({
        featureIndex,
        coordinates: xy,
        method: f.properties?.method ?? request.method ?? null,
        widthM: f.properties?.widthM ?? request.widthM ?? null,
        depthM: f.properties?.depthM ?? request.depthM ?? null,
      });
    });
  });
  if (vertices > CHECK_LIMITS.maxVertices) {
    problems.push({ path: "route", message: `Die Trasse hat ${vertices} Stützpunkte; erlaubt sind höchstens ${CHECK_LIMITS.maxVertices}.` });
  }
  if (problems.length === 0) problems.push(...plausibility(parts, request.srid));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, route: { srid: request.srid, parts, period: request.period ?? null } };
}

function plausibility(parts: RoutePart[], srid: number): InputProblem[] {
  const all = parts.flatMap((p) => p.coordinates);
  if (srid === 4326 || srid === 4258) {
    const inside = (p: Position) => p[0] >= GERMANY.minLon && p[0] <= GERMANY.maxLon && p[1] >= GERMANY.minLat && p[1] <= GERMANY.maxLat;
    if (all.every(inside)) return [];
    if (all.every(([x, y]) => inside([y, x]))) {
      return [{ path: "route", message: "Die Koordinaten sind offenbar als Breite, Länge angegeben. GeoJSON verlangt die Reihenfolge Länge, Breite (RFC 7946)." }];
    }
    const i = all.findIndex((p) => !inside(p));
    return [{ path: "route", message: `Die Trasse liegt außerhalb des Portalgebiets (erste Position außerhalb: ${all[i]!.join(", ")}). Ist das Koordinatensystem richtig angegeben?` }];
  }
  if (srid === 25832) {
    const i = all.findIndex(([x, y]) => x < UTM32.minX || x > UTM32.maxX || y < UTM32.minY || y > UTM32.maxY);
    if (i >= 0) return [{ path: "route", message: `Position ${all[i]!.join(", ")} liegt nicht in Deutschland (EPSG:25832). Ist das Koordinatensystem richtig angegeben?` }];
  }
  return [];
}

