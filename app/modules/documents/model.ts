/**
 * What goes into an issued document (Bescheid). The service gathers it from the case in the
 * transaction of the event; the renderer turns it into PDF bytes and nothing else — the same input
 * gives the same bytes, so a document can always be re-rendered and compared with its hash.
 */

export const DOCUMENT_KINDS = ["consent", "rejection", "missing_items", "deemed_certificate"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DOCUMENT_KIND_LABELS: Record<DocumentKind, string> = {
  consent: "Zustimmungsbescheid",
  rejection: "Ablehnungsbescheid",
  missing_items: "Nachforderung von Unterlagen",
  deemed_certificate: "Bescheinigung über den Eintritt der Zustimmungsfiktion",
};

export const FEE_MODELS = ["none", "flat", "per_metre"] as const;
export type FeeModel = (typeof FEE_MODELS)[number];

/** A position in EPSG:25832 (metres east, north). */
export type Xy = [number, number];

export interface DocumentAddress {
  name: string;
  street: string | null;
  postcode: string | null;
  city: string | null;
  website: string | null;
  email: string | null;
  phone: string | null;
}

export interface DocumentSection {
  /** 1-based, the number the map labels the section with */
  number: number;
  roads: string;
  gemeinde: string | null;
  lengthM: number;
  /** German label of the laying method */
  method: string;
  depthM: number | null;
  widthM: number | null;
  /** e.g. "2 × 50 mm" or null */
  ducts: string | null;
  cableType: string | null;
}

export interface DocumentCondition {
  kind: "condition" | "hint";
  title: string;
  body: string;
  /** e.g. "Untere Naturschutzbehörde" when a consulted body set it */
  source: string | null;
}

export interface DocumentBodyDecision {
  name: string;
  /** "Zustimmung", "Zustimmung mit Nebenbestimmungen", "Einwände" */
  statement: string;
  text: string | null;
  answeredOn: string | null;
}

export interface DocumentMap {
  /** this authority's sections, numbered like the section table */
  sections: { number: number; lines: Xy[][] }[];
  /** the rest of the route (other authorities' roads), drawn faint */
  otherRoute: Xy[][];
  /** road centre lines around the route, for orientation */
  roads: { roadClass: string; name: string | null; lines: Xy[][] }[];
  /** conflicts the check found: points (trees), lines or polygon rings */
  conflicts: { layer: string; label: string; points: Xy[]; lines: Xy[][]; rings: Xy[][] }[];
  attribution: string;
}

export interface DocumentInput {
  kind: DocumentKind;
  /** the public id, printed on every page and encoded in the QR code */
  documentId: string;
  /** absolute URL of the verification page, e.g. https://portal.example/verify/K7Q2M9XD4RTPA3BW */
  verifyUrl: string;
  /** ISO instant; printed as the date of the document (Europe/Berlin) and used as PDF creation date */
  issuedAt: string;
  /** 1 for the original; a correction carries the next number and what it replaces */
  version: number;
  replaces: { documentId: string; issuedAt: string; reason: string } | null;
  authority: DocumentAddress;
  fileNumber: string;
  applicant: DocumentAddress & { contactName: string | null };
  /** acting for the applicant (with power of attorney), if any */
  planningOffice: { name: string; contactName: string | null } | null;
  application: {
    title: string;
    area: string | null;
    operatorReference: string | null;
    receivedAt: string;
    /** Nutzungsberechtigung nach § 125 TKG */
    rightOfWay: { reference: string; date: string | null } | null;
    period: { start: string | null; end: string | null } | null;
    totalLengthM: number;
    reducedDepthDeclared: boolean;
  };
  /** the legal bases the decision rests on, one per line */
  legalBasis: string[];
  sections: DocumentSection[];
  conditions: DocumentCondition[];
  bodies: DocumentBodyDecision[];
  /** rejection: the reasons; consent: reasons given (e.g. approving against an objection) */
  reasons: string | null;
  missingItems: { items: string[]; body: string; answerBy: string | null } | null;
  deemed: { decisionDueOn: string; reason: string } | null;
  fee: { model: FeeModel; amountCents: number; explanation: string } | null;
  /** the Rechtsbehelfsbelehrung (notice of legal remedy) */
  remedy: string | null;
  signer: { name: string | null; authorityName: string };
  map: DocumentMap | null;
}
