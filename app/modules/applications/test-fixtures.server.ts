import { crc32 } from "node:zlib";
import type { Knex } from "knex";
import type { Principal } from "~/modules/auth/session.server";
import type { Clock } from "~/utils/clock";
import { germanToday, type ApplicationDraft, type DraftRoute, type SectionProperties } from "./schema";
import { createDraft, saveDraft, submitApplication, type SubmissionResult } from "./service.server";

/** Test support: principals of existing users, routes along demo roads, complete forms and sample files. */
export async function principalFor(knex: Knex, email: string): Promise<Principal> {
  const row = await knex("users as u")
    .join("memberships as m", "m.user_id", "u.id")
    .join("organisations as o", "o.id", "m.organisation_id")
    .where("u.email", email)
    .first("u.id", "u.email", "u.name", "m.role", "o.id as org_id", "o.name as org_name", "o.kind", "o.authority_level", "o.state", "o.ags");
  if (!row) throw new Error(`no user ${email}`);
  return {
    sessionId: "test-session",
    userId: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    organisation: { id: row.org_id, name: row.org_name, kind: row.kind, authorityLevel: row.authority_level, state: row.state, ags: row.ags },
  };
}

export async function organisationId(knex: Knex, slug: string): Promise<string> {
  return (await knex("organisations").where({ slug }).first("id")).id;
}

const SECTION: SectionProperties = { method: "open_trench", depthM: 0.8, widthM: 0.4, ductCount: 2, ductDiameterMm: 50, cableType: "Mikrokabel 96 Fasern" };

/**
 * A route of line sections, each following consecutive demo road segments (by external id), in
 * WGS84 as the map sends it, plus optional network elements at section ends.
 */
export async function routeAlong(
  knex: Knex,
  sections: { roads: string[]; properties?: Partial<SectionProperties> }[],
  elements: { at: "start" | "end"; section: number; elementType: string }[] = [],
): Promise<DraftRoute> {
  const lines: [number, number][][] = [];
  for (const section of sections) {
    const { rows } = await knex.raw(
      `SELECT ST_AsGeoJSON(ST_Transform(ST_LineMerge(ST_Collect(geom)), 4326), 8)::json AS g
       FROM roads WHERE source = 'demo' AND external_id = ANY(?)`,
      [section.roads],
    );
    const geometry = rows[0].g as { type: string; coordinates: [number, number][] };
    if (geometry.type !== "LineString") throw new Error(`roads ${section.roads.join(", ")} do not form one line`);
    lines.push(geometry.coordinates);
  }
  return {
    type: "FeatureCollection",
    features: [
      ...lines.map((coordinates, i) => ({
        type: "Feature" as const,
        geometry: { type: "LineString" as const, coordinates },
        properties: { ...SECTION, ...sections[i]!.properties },
      })),
      ...elements.map((e) => {
        const line = lines[e.section]!;
        return {
          type: "Feature" as const,
          geometry: { type: "Point" as const, coordinates: e.at === "start" ? line[0]! : line[line.length - 1]! },
          properties: { elementType: e.elementType as "verteilerkasten" },
        };
      }),
    ],
  };
}

/** K 142 from west of its junction with the B 275 to Lindenhain (Kreis, crossing of the Bundesstraße), then the Pfarrgasse (Gemeinde). */
export const KREIS_TO_GEMEINDE = [
  { roads: Array.from({ length: 12 }, (_, i) => `k142-0${34 + i}`) },
  { roads: ["lindenhain-str-06-012", "lindenhain-str-06-013"] },
];

function daysFromToday(days: number): string {
  const d = new Date(`${germanToday()}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function completeDraft(overrides: Partial<ApplicationDraft> = {}): ApplicationDraft {
  return {
    title: "FTTH-Ausbau Lindenhain Nord",
    area: "Lindenhain, Ortslage Nord und K 142",
    reference: "GNH-2026-117",
    contact: { name: "Jonas Becker", email: "jonas.becker@glasfasernetz-hessen.example", phone: "+49 611 123456" },
    rightOfWay: { reference: "BNetzA 125-2024-0815", date: "2024-03-01" },
    period: { start: daysFromToday(30), end: daysFromToday(90) },
    traffic: { impact: "lane_narrowing", description: "Einengung der Fahrbahn auf einer Länge von höchstens 50 m, Ampelregelung." },
    ...overrides,
  };
}

/** The value of a successful result; a failed one throws with its error, which fails the test. */
export function ok<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

/**
 * An application drafted, completed (completeDraft with `draft` over it) and submitted by
 * `operator` along `route`, submitted at the clock's time: its id and the cases it opened.
 */
export async function submittedApplication(
  knex: Knex,
  operator: Principal,
  { title, route, draft = {}, clock }: { title: string; route: DraftRoute; draft?: Partial<ApplicationDraft>; clock?: Clock },
): Promise<{ id: string; cases: SubmissionResult["cases"] }> {
  const { id } = ok(await createDraft(knex, operator, { title }));
  const saved = ok(await saveDraft(knex, operator, id, { expectedVersion: 1, draft: completeDraft({ title, ...draft }), route }));
  const submitted = ok(await submitApplication(knex, operator, id, { expectedVersion: saved.version }, { clock }));
  return { id, cases: submitted.cases };
}

/** A small, well-formed one-page PDF (cross-reference offsets computed). */
export function samplePdf(text = "Vollmacht"): Uint8Array {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${`BT /F1 24 Tf 72 760 Td (${text}) Tj ET`.length} >>\nstream\nBT /F1 24 Tf 72 760 Td (${text}) Tj ET\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let pdf = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(pdf);
}

/** A ZIP archive with one stored file: what a renamed ".pdf" may really be. */
export function sampleZip(name = "plan.txt", content = "kein PDF"): Uint8Array {
  const data = Buffer.from(content);
  const fileName = Buffer.from(name);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  const centralOffset = local.length + fileName.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return new Uint8Array(Buffer.concat([local, fileName, data, central, fileName, end]));
}
