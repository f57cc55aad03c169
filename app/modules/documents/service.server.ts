import { randomBytes } from "node:crypto";
import type { Knex } from "knex";
import type { Db } from "~/db.server";
import { env } from "~/env.server";
import type { ApplicationDraft } from "~/modules/applications/schema";
import type { Principal } from "~/modules/auth/session.server";
import { applyScope } from "~/modules/auth/scope.server";
import type { CheckReport } from "~/modules/checks/report";
import { LAYING_METHOD_LABELS, type LayingMethod } from "~/modules/checks/methods";
import { CONFLICT_LAYER_INFO, type ConflictLayerKey } from "~/modules/layers/keys";
import { MISSING_ITEM_CHECKLIST, STATEMENT_LABELS, type MissingItemKey, type Statement } from "~/modules/review/schema";
import { DOCUMENT_KIND_LABELS, type DocumentAddress, type DocumentInput, type DocumentKind, type DocumentMap, type FeeModel, type Xy } from "./model";
import { renderDocument } from "./render.server";
import { currentSigningKey, sha256Hex, signedStatement, signStatement } from "./signing.server";

/**
 * Issuing documents: gathers what a Bescheid says from the case (in the transaction of the event,
 * so the document and the decision it records are written together or not at all), renders it,
 * hashes and signs it, and stores it immutably.
 */

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** 80 random bits as 16 characters of Crockford base32: short enough to type, too many to guess. */
export function newDocumentId(): string {
  const bytes = randomBytes(10);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let id = "";
  for (let i = 0; i < 16; i += 1) id = CROCKFORD[Number((bits >> BigInt(5 * i)) & 31n)] + id;
  return id;
}

export interface IssueOptions {
  kind: DocumentKind;
  issuedBy: string | null;
  now: Date;
  /** the request for missing items the letter is about */
  requestId?: string;
  /** a correction: the document it replaces and why */
  replaces?: { id: string; reason: string };
  baseUrl?: string;
  signingKey?: string;
}

export interface IssuedDocument {
  id: string;
  sha256: string;
  pageCount: number;
  sizeBytes: number;
}

export async function issueDocument(trx: Knex.Transaction, caseId: string, options: IssueOptions): Promise<IssuedDocument> {
  const { BASE_URL, DOCUMENT_SIGNING_KEY } = env();
  const id = newDocumentId();
  const issuedAt = options.now.toISOString();
  const previous = options.replaces
    ? await trx("documents").where({ id: options.replaces.id, case_id: caseId }).first("id", "version", "issued_at", "kind", "case_request_id")
    : null;
  if (options.replaces && !previous) throw new Error(`document ${options.replaces.id} does not belong to case ${caseId}`);
  // a corrected Nachforderung is about the same request as the letter it replaces
  const requestId: string | undefined = options.requestId ?? previous?.case_request_id ?? undefined;
  const input = await documentInput(trx, caseId, {
    ...options,
    requestId,
    documentId: id,
    issuedAt,
    verifyUrl: `${(options.baseUrl ?? BASE_URL).replace(/\/$/, "")}/verify/${id}`,
    version: previous ? previous.version + 1 : 1,
    replaces: previous && options.replaces ? { documentId: previous.id, issuedAt: new Date(previous.issued_at).toISOString(), reason: options.replaces.reason } : null,
  });
  const { bytes, pageCount } = await renderDocument(input);
  const sha256 = sha256Hex(bytes);
  const key = await currentSigningKey(trx, options.signingKey ?? DOCUMENT_SIGNING_KEY);
  const signature = signStatement(key, signedStatement({ id, sha256, issuedAt, fileNumber: input.fileNumber }));
  await trx("documents").insert({
    id,
    case_id: caseId,
    kind: options.kind,
    version: input.version,
    replaces_id: previous?.id ?? null,
    correction_reason: options.replaces?.reason ?? null,
    case_request_id: input.missingItems ? requestId : null,
    file_number: input.fileNumber,
    title: `${DOCUMENT_KIND_LABELS[options.kind]} ${input.fileNumber}`,
    issued_at: options.now,
    issued_by: options.issuedBy,
    input: JSON.stringify(input),
    content: Buffer.from(bytes),
    size_bytes: bytes.byteLength,
    page_count: pageCount,
    sha256,
    signature,
    key_id: key.id,
  });
  return { id, sha256, pageCount, sizeBytes: bytes.byteLength };
}

// ------------------------------------------------------------------ gathering the input

export interface InputContext extends Omit<IssueOptions, "replaces"> {
  documentId: string;
  issuedAt: string;
  verifyUrl: string;
  version: number;
  replaces: DocumentInput["replaces"];
}

/** What a document of this case would say now (exported for the benchmark, which times gathering apart from rendering). */
export async function documentInput(trx: Knex.Transaction, caseId: string, ctx: InputContext): Promise<DocumentInput> {
  const c = await trx("cases as c")
    .join("applications as a", "a.id", "c.application_id")
    .join("application_versions as v", function () {
      this.on("v.application_id", "c.application_id").andOn("v.version_no", "c.application_version");
    })
    .leftJoin("procedure_rules as r", "r.key", "c.procedure_rule_key")
    .leftJoin("users as decider", "decider.id", "c.decided_by")
    .where("c.id", caseId)
    .first(
      "c.id",
      "c.application_id",
      "c.application_version",
      "c.authority_id",
      "c.file_number",
      "c.received_at",
      "c.decision_reasons",
      "c.deemed_reason",
      trx.raw("c.decision_due_on::text AS decision_due_on"),
      "a.operator_id",
      "a.title",
      "v.data",
      "v.route_features",
      "v.check_report",
      "r.legal_basis as rule_legal_basis",
      "r.key as rule_key",
      "decider.name as decider_name",
    );
  if (!c) throw new Error(`case ${caseId} not found`);
  const orgs = await trx("organisations").whereIn("id", [c.authority_id, c.operator_id]).select("id", "name", "email", "phone", "letterhead", "fee_model", "fee_cents", "fee_note", "remedy_notice");
  const authorityRow = orgs.find((o) => o.id === c.authority_id)!;
  const operatorRow = orgs.find((o) => o.id === c.operator_id)!;
  const form = ((c.data as { form?: ApplicationDraft }).form ?? {}) as ApplicationDraft;
  const report = c.check_report as CheckReport;
  const features = ((c.route_features as { features?: { properties?: Record<string, unknown> }[] }).features ?? []) as { properties?: Record<string, unknown> }[];

  const ownSections = report.sections.map((s, reportIndex) => ({ ...s, reportIndex })).filter((s) => s.authority?.id === c.authority_id);
  const sections = ownSections.map((s, i) => {
    const p = features[s.featureIndex]?.properties ?? {};
    const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
    const ductCount = num(p.ductCount);
    const ductDiameter = num(p.ductDiameterMm);
    return {
      number: i + 1,
      roads: s.roads.map((r) => [r.ref, r.name].filter(Boolean).join(" ")).filter(Boolean).join(", ") || "Straße ohne Namen",
      gemeinde: s.gemeinde?.name ?? null,
      lengthM: Math.round(s.lengthM * 10) / 10,
      method: LAYING_METHOD_LABELS[(p.method as LayingMethod | undefined) ?? s.method] ?? s.method,
      depthM: num(p.depthM),
      widthM: num(p.widthM),
      ducts: ductCount ? `${ductCount} × ${ductDiameter ?? "?"} mm` : null,
      cableType: typeof p.cableType === "string" && p.cableType ? p.cableType : null,
    };
  });
  const ownLengthM = sections.reduce((sum, s) => sum + s.lengthM, 0);

  const conditions = await trx("case_conditions as cc")
    .leftJoin("case_involvements as i", "i.id", "cc.involvement_id")
    .leftJoin("organisations as o", "o.id", "i.body_id")
    .where("cc.case_id", caseId)
    .orderBy("cc.position")
    .select("cc.kind", "cc.title", "cc.body", "o.name as body_name");
  const bodies = await trx("case_involvements as i")
    .join("organisations as o", "o.id", "i.body_id")
    .where({ "i.case_id": caseId, "i.status": "answered" })
    .orderBy("i.answered_at")
    .select("o.name", "i.statement", "i.statement_text", "i.answered_at");

  const kind = ctx.kind;
  const decided = kind === "consent" || kind === "rejection";
  const request = kind === "missing_items" && ctx.requestId
    ? await trx("case_requests as q").leftJoin("users as u", "u.id", "q.requested_by").where("q.id", ctx.requestId).first("q.items", "q.body", "u.name as requester")
    : null;
  if (kind === "missing_items" && !request) throw new Error("a request for missing items needs its request");

  const signerName = kind === "deemed_certificate" ? null : kind === "missing_items" ? (request?.requester ?? null) : (c.decider_name ?? null);
  const reducedDepthDeclared = form.reducedDepthDeclaration === true;

  return {
    kind,
    documentId: ctx.documentId,
    verifyUrl: ctx.verifyUrl,
    issuedAt: ctx.issuedAt,
    version: ctx.version,
    replaces: ctx.replaces,
    authority: address(authorityRow),
    fileNumber: c.file_number,
    applicant: { ...address(operatorRow), contactName: form.contact?.name ?? null },
    planningOffice: form.planningOffice?.name ? { name: form.planningOffice.name, contactName: form.planningOffice.contactName ?? null } : null,
    application: {
      title: form.title ?? c.title,
      area: form.area ?? null,
      operatorReference: form.reference ?? null,
      receivedAt: new Date(c.received_at).toISOString(),
      rightOfWay: form.rightOfWay?.reference ? { reference: form.rightOfWay.reference, date: form.rightOfWay.date ?? null } : null,
      period: form.period ? { start: form.period.start ?? null, end: form.period.end ?? null } : null,
      totalLengthM: Math.round(report.lengthM * 10) / 10,
      reducedDepthDeclared,
    },
    legalBasis: legalBasis(kind, { rule: c.rule_legal_basis, gia: c.rule_key === "gia_art7", bodies: bodies.length > 0, reducedDepth: reducedDepthDeclared, conditions: conditions.length > 0 }),
    sections,
    conditions: kind === "consent" ? conditions.map((x) => ({ kind: x.kind, title: x.title, body: x.body, source: x.body_name ?? null })) : [],
    bodies: decided ? bodies.map((b) => ({ name: b.name, statement: STATEMENT_LABELS[b.statement as Statement] ?? b.statement, text: b.statement_text ?? null, answeredOn: b.answered_at ? new Date(b.answered_at).toISOString().slice(0, 10) : null })) : [],
    reasons: decided ? (c.decision_reasons ?? null) : null,
    missingItems: request
      ? {
          items: ((request.items as MissingItemKey[]) ?? []).map((k) => MISSING_ITEM_CHECKLIST[k] ?? k),
          body: request.body,
          answerBy: null,
        }
      : null,
    deemed: kind === "deemed_certificate" ? { decisionDueOn: c.decision_due_on, reason: c.deemed_reason ?? "" } : null,
    fee: kind === "consent" ? fee(authorityRow.fee_model as FeeModel, authorityRow.fee_cents, authorityRow.fee_note, ownLengthM) : null,
    remedy: decided ? (authorityRow.remedy_notice ?? standardRemedy(address(authorityRow))) : null,
    signer: { name: signerName, authorityName: authorityRow.name },
    map: kind === "missing_items" ? null : await mapData(trx, c.application_id, c.application_version, c.authority_id, ownSections.map((s) => s.reportIndex)),
  };
}

function address(row: { name: string; email: string | null; phone: string | null; letterhead: unknown }): DocumentAddress {
  const l = (row.letterhead ?? {}) as Record<string, string | undefined>;
  return { name: row.name, street: l.street ?? null, postcode: l.postcode ?? null, city: l.city ?? null, website: l.website ?? null, email: row.email ?? null, phone: row.phone ?? null };
}

function legalBasis(kind: DocumentKind, f: { rule: string | null; gia: boolean; bodies: boolean; reducedDepth: boolean; conditions: boolean }): string[] {
  const list: string[] = [];
  if (kind === "consent" || kind === "rejection") {
    list.push("§ 127 Abs. 1 TKG (Zustimmung des Trägers der Wegebaulast)");
    list.push("§ 125 Abs. 1 TKG (Nutzungsberechtigung an öffentlichen Verkehrswegen)");
    if (kind === "consent" && f.conditions) list.push("§ 127 Abs. 6 TKG, § 36 VwVfG (Nebenbestimmungen)");
    if (f.bodies) list.push("§ 127 Abs. 5 TKG (Entscheidungen weiterer Behörden)");
    if (kind === "consent" && f.reducedDepth) list.push("§ 127 Abs. 7 TKG (geringere Verlegetiefe)");
  }
  if (kind === "missing_items") list.push("§ 127 Abs. 3 Satz 2 TKG (Vollständigkeit des Antrags)");
  if (kind === "deemed_certificate") list.push("§ 127 Abs. 3 TKG (Zustimmungsfiktion)", "§ 42a Abs. 3 VwVfG (Bescheinigung über den Eintritt der Fiktion)");
  if (f.rule && !list.some((l) => l.startsWith(f.rule!))) list.push(`${f.rule} (Fristen)`);
  if (f.gia) list.push("Verordnung (EU) 2024/1309 (Gigabit-Infrastrukturverordnung)");
  return list;
}

const euro = (cents: number) => `${(cents / 100).toLocaleString("de-DE", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} €`;

/** The fee of a consent by the authority's fee model; per metre: the rate times this authority's route length. */
export function fee(model: FeeModel, cents: number, note: string | null, lengthM: number): DocumentInput["fee"] {
  const basis = note ? ` (${note})` : "";
  if (model === "none") return { model, amountCents: 0, explanation: "Für diese Zustimmung wird keine Gebühr erhoben." };
  if (model === "flat") return { model, amountCents: cents, explanation: `Pauschale Verwaltungsgebühr${basis}.` };
  const metres = Math.round(lengthM);
  return { model, amountCents: Math.round(cents * metres), explanation: `${euro(cents)} je Meter Trasse in den Straßen der Behörde × ${metres.toLocaleString("de-DE")} m${basis}.` };
}

function standardRemedy(a: DocumentAddress): string {
  const where = [a.name, a.street, [a.postcode, a.city].filter(Boolean).join(" ")].filter(Boolean).join(", ");
  return (
    "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch erhoben werden. " +
    `Der Widerspruch ist bei ${where} schriftlich, zur Niederschrift oder elektronisch in einer nach § 3a Abs. 2 VwVfG zugelassenen Form einzulegen.`
  );
}

// ------------------------------------------------------------------ the annex map

type Geo = { type: string; coordinates: unknown };

function lines(g: Geo): Xy[][] {
  if (g.type === "LineString") return [g.coordinates as Xy[]];
  if (g.type === "MultiLineString" || g.type === "Polygon") return g.coordinates as Xy[][];
  if (g.type === "MultiPolygon") return (g.coordinates as Xy[][][]).flat();
  if (g.type === "GeometryCollection") return ((g as unknown as { geometries: Geo[] }).geometries ?? []).flatMap(lines);
  return [];
}

function points(g: Geo): Xy[] {
  if (g.type === "Point") return [g.coordinates as Xy];
  if (g.type === "MultiPoint") return g.coordinates as Xy[];
  return [];
}

/**
 * The map annex in EPSG:25832 from PostGIS: the route (this authority's sections numbered, the
 * rest faint), the roads within 150 m of it, and the conflicts the check found.
 */
async function mapData(trx: Knex.Transaction, applicationId: string, versionNo: number, authorityId: string, ownReportIndexes: number[]): Promise<DocumentMap> {
  const to25832 = (json: string) => `ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(${json}), 4326), 25832)`;
  const result = await trx.raw(
    `WITH v AS (SELECT route, check_report FROM application_versions WHERE application_id = ? AND version_no = ?)
     SELECT
       (SELECT json_agg(json_build_object('i', s.i - 1, 'authority', s.e->'authority'->>'id', 'g', ST_AsGeoJSON(${to25832("s.e->>'geometry'")}, 1)::json) ORDER BY s.i)
          FROM v, jsonb_array_elements(v.check_report->'sections') WITH ORDINALITY AS s(e, i)) AS sections,
       (SELECT json_agg(json_build_object('layer', k.e->>'layer', 'name', k.e->>'name', 'g', ST_AsGeoJSON(${to25832("k.e->>'geometry'")}, 1)::json) ORDER BY k.i)
          FROM v, jsonb_array_elements(v.check_report->'conflicts') WITH ORDINALITY AS k(e, i)) AS conflicts,
       (SELECT json_agg(json_build_object('roadClass', r.road_class, 'name', coalesce(r.name, r.ref), 'g', ST_AsGeoJSON(r.geom, 1)::json) ORDER BY r.id)
          FROM v, roads r WHERE ST_DWithin(r.geom, v.route, 150)) AS roads,
       (SELECT ST_AsGeoJSON(route, 1)::json FROM v) AS route`,
    [applicationId, versionNo],
  );
  const row = result.rows[0] as {
    sections: { i: number; authority: string | null; g: Geo }[] | null;
    conflicts: { layer: string; name: string | null; g: Geo }[] | null;
    roads: { roadClass: string; name: string | null; g: Geo }[] | null;
    route: Geo;
  };
  const own = new Set(ownReportIndexes);
  const sections = (row.sections ?? []).filter((s) => own.has(s.i) && s.authority === authorityId);
  const others = (row.sections ?? []).filter((s) => !own.has(s.i));
  return {
    sections: sections.map((s, n) => ({ number: n + 1, lines: lines(s.g) })),
    // the route outside this authority's sections, including pieces off any public road
    otherRoute: others.length > 0 ? others.flatMap((s) => lines(s.g)) : sections.length === 0 ? lines(row.route) : [],
    roads: (row.roads ?? []).map((r) => ({ roadClass: r.roadClass, name: r.name, lines: lines(r.g) })),
    conflicts: (row.conflicts ?? []).map((k) => ({
      layer: k.layer,
      label: [CONFLICT_LAYER_INFO[k.layer as ConflictLayerKey]?.name ?? k.layer, k.name].filter(Boolean).join(": "),
      points: points(k.g),
      lines: k.g.type.endsWith("LineString") ? lines(k.g) : [],
      rings: k.g.type.endsWith("Polygon") ? lines(k.g) : [],
    })),
    attribution: "Kartengrundlage: Straßen und Fachdaten des Breitband-Portals (OpenStreetMap-Mitwirkende, ODbL; amtliche Fachdaten der Länder); Trasse: Antrag",
  };
}

// ------------------------------------------------------------------ reading documents

export interface DocumentSummary {
  id: string;
  caseId: string;
  kind: DocumentKind;
  title: string;
  version: number;
  issuedAt: string;
  sizeBytes: number;
  pageCount: number;
  replacesId: string | null;
  replacedById: string | null;
}

/** Who may read a document: the operator of the application, the case's authority, state staff. */
function scopedDocuments(db: Db, principal: Principal) {
  const query = db("documents as d").join("cases as c", "c.id", "d.case_id").join("applications as a", "a.id", "c.application_id");
  return applyScope(query, principal, { operator: "a.operator_id", authority: "c.authority_id" });
}

/** The documents of some cases this principal may read, newest first, each with the version that replaced it (if any). */
export async function listDocuments(db: Db, principal: Principal, caseIds: string[]): Promise<DocumentSummary[]> {
  if (caseIds.length === 0) return [];
  const rows = await scopedDocuments(db, principal)
    .leftJoin("documents as n", "n.replaces_id", "d.id")
    .whereIn("d.case_id", caseIds)
    .orderBy([{ column: "d.issued_at", order: "desc" }, { column: "d.id" }])
    .select("d.id", "d.case_id", "d.kind", "d.title", "d.version", "d.issued_at", "d.size_bytes", "d.page_count", "d.replaces_id", "n.id as replaced_by_id");
  return rows.map((r) => ({
    id: r.id,
    caseId: r.case_id,
    kind: r.kind,
    title: r.title,
    version: r.version,
    issuedAt: new Date(r.issued_at).toISOString(),
    sizeBytes: r.size_bytes,
    pageCount: r.page_count,
    replacesId: r.replaces_id,
    replacedById: r.replaced_by_id,
  }));
}

/**
 * The PDF for download: for the operator of the application, the authority of the case and state
 * staff. Anyone else (and a malformed id) gets null, so a document's existence is not revealed.
 */
export async function documentForDownload(db: Db, principal: Principal, id: string): Promise<{ id: string; title: string; content: Buffer } | null> {
  if (!/^[0-9A-HJKMNP-TV-Z]{16}$/.test(id)) return null;
  const row = await scopedDocuments(db, principal).where("d.id", id).first("d.id", "d.title", "d.content");
  // pg returns bytea as a Buffer, PGlite as a Uint8Array
  return row ? { id: row.id, title: row.title, content: Buffer.from(row.content as Uint8Array) } : null;
}
