import { z } from "zod";

/** A document id as printed under the QR code; lower case and the look-alikes I, L, O are read as Crockford base32 does. */
export const DocumentIdSchema = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase().replace(/[IL]/g, "1").replace(/O/g, "0").replace(/[-\s]/g, ""))
  .pipe(z.string().regex(/^[0-9A-HJKMNP-TV-Z]{16}$/, "Eine Dokumentnummer hat 16 Zeichen (Ziffern und Buchstaben)."));

export const VerificationQuerySchema = z.object({
  sha256: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{64}$/, "sha256 muss ein SHA-256-Hashwert sein (64 Hexadezimalzeichen).")
    .optional(),
});

export const MAX_COMPARE_BYTES = 20 * 1024 * 1024;

/** A PDF dropped on the verification page: checked by its content (the %PDF- header), not its name. */
export const ComparedFileSchema = z
  .instanceof(Uint8Array, { message: "Bitte wählen Sie eine PDF-Datei aus." })
  .refine((b) => b.byteLength > 0, "Die Datei ist leer.")
  .refine((b) => b.byteLength <= MAX_COMPARE_BYTES, "Die Datei ist größer als 20 MB; Dokumente des Portals sind viel kleiner.")
  .refine((b) => Buffer.from(b.subarray(0, 5)).toString("latin1") === "%PDF-", "Das ist keine PDF-Datei.");

/**
 * A correction (Berichtigung, § 42 VwVfG: obvious errors such as typos): the clerk says why and
 * may fix the wording of the reasons and of each condition; conditions cannot be added or removed.
 */
export const CorrectionSchema = z.object({
  expectedVersion: z.coerce.number({ invalid_type_error: "Die Fallversion fehlt." }).int().positive("Die Fallversion fehlt."),
  documentId: DocumentIdSchema,
  reason: z.string({ required_error: "Bitte geben Sie den Grund der Berichtigung an." }).trim().min(5, "Bitte geben Sie den Grund der Berichtigung an (mindestens 5 Zeichen).").max(2000, "Höchstens 2000 Zeichen."),
  reasons: z.string().trim().max(10000, "Höchstens 10000 Zeichen.").optional(),
  conditions: z
    .array(
      z.object({
        title: z.string().trim().min(1, "Der Titel darf nicht leer sein.").max(200, "Höchstens 200 Zeichen."),
        body: z.string().trim().min(1, "Der Text darf nicht leer sein.").max(5000, "Höchstens 5000 Zeichen."),
      }),
    )
    .max(200)
    .optional(),
});
export type CorrectionInput = z.infer<typeof CorrectionSchema>;
