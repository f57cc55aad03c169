import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import type { Db } from "~/db.server";

/**
 * The portal's Ed25519 signing key. Configured (DOCUMENT_SIGNING_KEY: PKCS#8 PEM, or its DER in
 * base64) in production; otherwise generated on first start and kept in the database, so the
 * embedded portal needs no setup. Every key used is recorded with its public half, so a document
 * verifies for as long as it exists, also after a key change.
 */

export interface SigningKey {
  id: string;
  privateKey: KeyObject;
}

/** Parses a configured key; throws a message naming the problem (the env check at boot shows it). */
export function parseSigningKey(text: string): KeyObject {
  const trimmed = text.trim();
  const key = trimmed.startsWith("-----BEGIN")
    ? createPrivateKey(trimmed.replace(/\\n/g, "\n"))
    : createPrivateKey({ key: Buffer.from(trimmed, "base64"), format: "der", type: "pkcs8" });
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`must be an Ed25519 private key, not ${key.asymmetricKeyType ?? "unknown"}`);
  return key;
}

function publicPem(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
}

/** Key id: the first 16 hex digits of the SHA-256 of the public key (DER). */
function keyId(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("hex").slice(0, 16);
}

/** The key documents are signed with now: the configured one, else the portal's own (made on first use). */
export async function currentSigningKey(db: Db, configured: string | undefined): Promise<SigningKey> {
  if (configured) {
    const privateKey = parseSigningKey(configured);
    const pem = publicPem(privateKey);
    const id = keyId(pem);
    await db("signing_keys").insert({ id, public_key: pem, private_key: null, source: "configured" }).onConflict("id").ignore();
    return { id, privateKey };
  }
  let row = await db("signing_keys").where({ source: "generated" }).first("id", "private_key");
  if (!row) {
    const { privateKey } = generateKeyPairSync("ed25519");
    const pem = publicPem(privateKey);
    // a concurrent first start may have won: then its key is the one
    await db.raw("INSERT INTO signing_keys (id, public_key, private_key, source) VALUES (?, ?, ?, 'generated') ON CONFLICT (source) WHERE source = 'generated' DO NOTHING", [
      keyId(pem),
      pem,
      privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    ]);
    row = await db("signing_keys").where({ source: "generated" }).first("id", "private_key");
  }
  return { id: row.id, privateKey: createPrivateKey(row.private_key) };
}

/**
 * What is signed: the hash bound to the document's id, issue time and file number, so a valid
 * signature cannot be moved to another document.
 */
export function signedStatement(doc: { id: string; sha256: string; issuedAt: string; fileNumber: string }): string {
  return ["breitband-portal document v1", doc.id, doc.sha256, doc.issuedAt, doc.fileNumber].join("\n");
}

export function signStatement(key: SigningKey, statement: string): string {
  return sign(null, Buffer.from(statement, "utf8"), key.privateKey).toString("base64");
}

export function verifyStatement(publicKeyPem: string, statement: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(statement, "utf8"), createPublicKey(publicKeyPem), Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
