import { createHash } from "node:crypto";
import { fileTypeFromBuffer } from "file-type";
import type { Db } from "~/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Principal } from "~/modules/auth/session.server";
import { systemClock, type Clock } from "~/utils/clock";
import { assertEditable, canRead, fail, isUuid, lockOwnApplication, transact } from "./access.server";
import type { ApplicationError, Result } from "./errors";
import { ATTACHMENT_KINDS, ATTACHMENT_LIMITS, type AttachmentKind } from "./schema";

export interface AttachmentMeta {
  id: string;
  applicationId: string;
  kind: AttachmentKind;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
}

const MEDIA_TYPES: readonly string[] = ATTACHMENT_LIMITS.mediaTypes;
const MB = 1024 * 1024;

const refuse = (path: string, message: string): ApplicationError => ({ code: "invalid", message, fieldErrors: [{ path, message }] });

/**
 * Attaches a file to an application the operator may still change. The type is decided by the
 * content, not the name: only PDF, PNG and JPEG are accepted, so a renamed ZIP or program is
 * refused whatever it is called.
 */
export async function addAttachment(
  db: Db,
  principal: Principal,
  applicationId: string,
  input: { kind: string; fileName: string; bytes: Uint8Array },
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<Result<AttachmentMeta>> {
  const fileName = input.fileName.split(/[\\/]/).pop()!.trim();
  if (!(ATTACHMENT_KINDS as readonly string[]).includes(input.kind)) return { ok: false, error: refuse("kind", "Bitte wählen Sie die Art der Anlage aus der Liste.") };
  if (fileName.length < 1 || fileName.length > 255) return { ok: false, error: refuse("file", "Der Dateiname muss 1 bis 255 Zeichen lang sein.") };
  if (input.bytes.byteLength === 0) return { ok: false, error: refuse("file", `Die Datei „${fileName}“ ist leer.`) };
  if (input.bytes.byteLength > ATTACHMENT_LIMITS.maxFileBytes) {
    return { ok: false, error: refuse("file", `Die Datei „${fileName}“ ist ${(input.bytes.byteLength / MB).toFixed(1).replace(".", ",")} MB groß; erlaubt sind höchstens ${ATTACHMENT_LIMITS.maxFileBytes / MB} MB je Datei.`) };
  }
  const detected = await fileTypeFromBuffer(input.bytes);
  if (!detected || !MEDIA_TYPES.includes(detected.mime)) {
    const what = detected ? ` (erkannt wurde: ${detected.ext.toUpperCase()})` : "";
    return { ok: false, error: refuse("file", `Die Datei „${fileName}“ ist kein PDF-, PNG- oder JPEG-Dokument${what}. Bitte laden Sie Pläne und Vollmachten als PDF, Fotos als PNG oder JPEG hoch.`) };
  }
  const sha256 = createHash("sha256").update(input.bytes).digest("hex");
  return transact(db, async (trx) => {
    const app = await lockOwnApplication(trx, principal, applicationId);
    await assertEditable(trx, app);
    const now = clock.now();
    const { total } = await trx("attachments").where({ application_id: app.id }).first(trx.raw("coalesce(sum(size_bytes), 0)::bigint AS total"));
    if (Number(total) + input.bytes.byteLength > ATTACHMENT_LIMITS.maxApplicationBytes) {
      fail(refuse("file", `Alle Anlagen eines Antrags zusammen dürfen höchstens ${ATTACHMENT_LIMITS.maxApplicationBytes / MB} MB groß sein.`));
    }
    const [row] = await trx("attachments")
      .insert({
        application_id: app.id,
        kind: input.kind,
        file_name: fileName,
        media_type: detected.mime,
        size_bytes: input.bytes.byteLength,
        sha256,
        content: Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength),
        uploaded_by: principal.userId,
        uploaded_at: now,
      })
      .returning("id");
    await recordAudit(trx, {
      actorUserId: principal.userId,
      organisationId: principal.organisation.id,
      entityType: "application",
      entityId: app.id,
      action: "attachment_added",
      payload: { attachmentId: row.id, kind: input.kind, fileName, sizeBytes: input.bytes.byteLength, sha256 },
      at: now,
    });
    return { id: row.id as string, applicationId: app.id, kind: input.kind as AttachmentKind, fileName, mediaType: detected.mime, sizeBytes: input.bytes.byteLength, sha256 };
  });
}

/** Removes an attachment that no submitted version contains (what was submitted is kept). */
export async function removeAttachment(db: Db, principal: Principal, attachmentId: string): Promise<Result<{ id: string }>> {
  if (!isUuid(attachmentId)) return { ok: false, error: ATTACHMENT_NOT_FOUND };
  const found = await db("attachments").where({ id: attachmentId }).first("application_id", "file_name");
  if (!found) return { ok: false, error: ATTACHMENT_NOT_FOUND };
  return transact(db, async (trx) => {
    const app = await lockOwnApplication(trx, principal, found.application_id);
    await assertEditable(trx, app);
    const submitted = await submittedIn(trx, app.id, attachmentId);
    if (submitted) fail({ code: "wrong_state", message: `Die Anlage gehört zur eingereichten Version ${submitted.version_no} und bleibt erhalten.` });
    await trx("attachments").where({ id: attachmentId }).delete();
    await recordAudit(trx, {
      actorUserId: principal.userId,
      organisationId: principal.organisation.id,
      entityType: "application",
      entityId: app.id,
      action: "attachment_removed",
      payload: { attachmentId, fileName: found.file_name },
    });
    return { id: attachmentId };
  });
}

const ATTACHMENT_NOT_FOUND = { code: "not_found", message: "Diese Anlage gibt es nicht, oder Sie haben keinen Zugriff darauf." } as const;

/**
 * An attachment with its content, for whoever may read the application, or null. Authorities see
 * only attachments of submitted versions, not what the operator is still preparing.
 */
export async function getAttachment(db: Db, principal: Principal, attachmentId: string): Promise<(AttachmentMeta & { content: Uint8Array }) | null> {
  if (!isUuid(attachmentId)) return null;
  const row = await db("attachments").where({ id: attachmentId }).first("id", "application_id", "kind", "file_name", "media_type", "size_bytes", "sha256", "content");
  if (!row || !(await canRead(db, principal, row.application_id))) return null;
  const ownerOrState =
    principal.role === "state_analyst" ||
    principal.role === "platform_admin" ||
    (principal.role === "operator" && Boolean(await db("applications").where({ id: row.application_id, operator_id: principal.organisation.id }).first("id")));
  if (!ownerOrState) {
    if (!(await submittedIn(db, row.application_id, attachmentId))) return null;
  }
  return {
    id: row.id,
    applicationId: row.application_id,
    kind: row.kind,
    fileName: row.file_name,
    mediaType: row.media_type,
    sizeBytes: row.size_bytes,
    sha256: row.sha256,
    content: new Uint8Array(row.content),
  };
}

/** The first submitted version that contains the attachment, if any. */
async function submittedIn(db: Db, applicationId: string, attachmentId: string): Promise<{ version_no: number } | undefined> {
  return db("application_versions")
    .where({ application_id: applicationId })
    .whereRaw("data->'attachments' @> jsonb_build_array(jsonb_build_object('id', ?::text))", [attachmentId])
    .orderBy("version_no")
    .first("version_no");
}
