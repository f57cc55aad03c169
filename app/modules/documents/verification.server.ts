import type { Db } from "~/db.server";
import { DOCUMENT_KIND_LABELS, type DocumentKind } from "./model";
import { sha256Hex, signedStatement, verifyStatement } from "./signing.server";
import { DocumentIdSchema } from "./schema";

/**
 * What the public may know about a document: whether it is genuine, who issued it and when, its
 * file number and hash — never its content or the applicant. Genuine means: the stored bytes still
 * have the signed hash, and the signature over that hash verifies with the portal's public key.
 */
export interface Verification {
  documentId: string;
  genuine: boolean;
  kind: DocumentKind;
  kindLabel: string;
  title: string;
  issuer: { name: string; city: string | null };
  issuedAt: string;
  fileNumber: string;
  version: number;
  pageCount: number;
  sha256: string;
  signature: { algorithm: "Ed25519"; keyId: string; publicKey: string; value: string; signedStatement: string };
  replaces: { documentId: string; issuedAt: string } | null;
  replacedBy: { documentId: string; issuedAt: string; reason: string | null } | null;
  /** when a file or hash was given: whether it is exactly this document */
  comparison: { sha256: string; matches: boolean } | null;
}

export async function verifyDocument(db: Db, id: string, compare?: { bytes?: Uint8Array; sha256?: string }): Promise<Verification | null> {
  if (!DocumentIdSchema.safeParse(id).success) return null;
  const row = await db("documents as d")
    .join("cases as c", "c.id", "d.case_id")
    .join("organisations as o", "o.id", "c.authority_id")
    .join("signing_keys as k", "k.id", "d.key_id")
    .leftJoin("documents as prev", "prev.id", "d.replaces_id")
    .leftJoin("documents as next", "next.replaces_id", "d.id")
    .where("d.id", id)
    .first(
      "d.id",
      "d.kind",
      "d.title",
      "d.issued_at",
      "d.file_number",
      "d.version",
      "d.page_count",
      "d.sha256",
      "d.signature",
      "d.key_id",
      "d.content",
      "o.name as issuer",
      db.raw("o.letterhead->>'city' AS issuer_city"),
      "k.public_key",
      "prev.id as prev_id",
      "prev.issued_at as prev_issued_at",
      "next.id as next_id",
      "next.issued_at as next_issued_at",
      "next.correction_reason as next_reason",
    );
  if (!row) return null;
  const issuedAt = new Date(row.issued_at).toISOString();
  const statement = signedStatement({ id: row.id, sha256: row.sha256, issuedAt, fileNumber: row.file_number });
  const genuine = sha256Hex(row.content as Uint8Array) === row.sha256 && verifyStatement(row.public_key, statement, row.signature);
  const given = compare?.bytes ? sha256Hex(compare.bytes) : compare?.sha256?.toLowerCase();
  return {
    documentId: row.id,
    genuine,
    kind: row.kind,
    kindLabel: DOCUMENT_KIND_LABELS[row.kind as DocumentKind],
    title: row.title,
    issuer: { name: row.issuer, city: row.issuer_city ?? null },
    issuedAt,
    fileNumber: row.file_number,
    version: row.version,
    pageCount: row.page_count,
    sha256: row.sha256,
    signature: { algorithm: "Ed25519", keyId: row.key_id, publicKey: row.public_key, value: row.signature, signedStatement: statement },
    replaces: row.prev_id ? { documentId: row.prev_id, issuedAt: new Date(row.prev_issued_at).toISOString() } : null,
    replacedBy: row.next_id ? { documentId: row.next_id, issuedAt: new Date(row.next_issued_at).toISOString(), reason: row.next_reason ?? null } : null,
    comparison: given ? { sha256: given, matches: genuine && given === row.sha256 } : null,
  };
}
