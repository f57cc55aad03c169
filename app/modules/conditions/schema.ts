import { z } from "zod";

/**
 * The road authority's catalogue of Nebenbestimmungen and Hinweise. Browser-safe: the admin page
 * validates its forms with these schemas, and the service validates the same input again.
 */
export const CONDITION_KINDS = ["condition", "hint"] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];

export const CONDITION_KIND_LABELS: Record<ConditionKind, string> = {
  condition: "Nebenbestimmung",
  hint: "Hinweis",
};

export const CONDITION_KIND_PLURALS: Record<ConditionKind, string> = {
  condition: "Nebenbestimmungen",
  hint: "Hinweise",
};

// the database checks the same bounds (condition_templates)
export const TITLE_MAX = 200;
export const BODY_MAX = 5000;

const TITLE_MISSING = "Bitte geben Sie einen Titel ein.";
const BODY_MISSING = "Bitte geben Sie den Text ein.";

const kind = z.enum(CONDITION_KINDS, {
  errorMap: () => ({ message: "Bitte wählen Sie, ob es eine Nebenbestimmung oder ein Hinweis ist." }),
});

const title = z
  .string({ required_error: TITLE_MISSING, invalid_type_error: TITLE_MISSING })
  // a title is one line: pasted line breaks would break the numbered list in the consent
  .transform((v) => v.replace(/\s+/g, " ").trim())
  .pipe(z.string().min(1, TITLE_MISSING).max(TITLE_MAX, `Der Titel darf höchstens ${TITLE_MAX} Zeichen lang sein.`));

const body = z
  .string({ required_error: BODY_MISSING, invalid_type_error: BODY_MISSING })
  // textareas send CRLF; stored texts use LF so lengths and documents agree
  .transform((v) => v.replace(/\r\n?/g, "\n").trim())
  .pipe(z.string().min(1, BODY_MISSING).max(BODY_MAX, "Der Text darf höchstens 5.000 Zeichen lang sein."));

export const CreateTemplateSchema = z.object({
  kind,
  title,
  body,
  // a checkbox: "on" when ticked, absent otherwise
  standard: z.boolean({ invalid_type_error: "Bitte kreuzen Sie das Feld an oder lassen Sie es leer." }).default(false),
});
export type CreateTemplateInput = z.input<typeof CreateTemplateSchema>;

export const UpdateTemplateSchema = CreateTemplateSchema.extend({
  id: z.string({ required_error: "Der Text ist nicht angegeben." }),
  // the version the admin's page showed: optimistic locking against a colleague's edit
  expectedVersion: z
    .number({ required_error: "Die Version fehlt. Bitte laden Sie die Seite neu.", invalid_type_error: "Die Version fehlt. Bitte laden Sie die Seite neu." })
    .int()
    .min(1, "Die Version fehlt. Bitte laden Sie die Seite neu."),
});
export type UpdateTemplateInput = z.input<typeof UpdateTemplateSchema>;

export const MOVE_DIRECTIONS = ["up", "down"] as const;
export type MoveDirection = (typeof MOVE_DIRECTIONS)[number];

/** One text of the catalogue as pages and the clerk's decision see it. */
export interface ConditionTemplate {
  id: string;
  authorityId: string;
  kind: ConditionKind;
  title: string;
  body: string;
  /** goes into every consent, and into fast-track approvals */
  standard: boolean;
  /** inactive texts stay in the catalogue but are not offered to clerks */
  active: boolean;
  position: number;
  /** counts edits of kind, title, body and standard (not of order or activation) */
  version: number;
  updatedAt: string;
}

/**
 * Why a catalogue change did not happen, with a German message; nothing was written. Same shape
 * as the application errors, so pages map them to HTTP statuses the same way.
 */
export type ConditionError =
  /** unknown id, or a text of another authority: the same answer, so existence does not leak */
  | { code: "not_found"; message: string }
  /** not the authority's admin */
  | { code: "forbidden"; message: string }
  /** someone saved in between; currentVersion is what the page should reload */
  | { code: "conflict"; message: string; currentVersion: number }
  /** bad values, each at its field */
  | { code: "invalid"; message: string; fieldErrors: { path: string; message: string }[] };

export type ConditionResult<T> = { ok: true; value: T } | { ok: false; error: ConditionError };

export const STALE_TEMPLATE_MESSAGE = "Der Text wurde inzwischen von jemand anderem geändert. Bitte laden Sie die Seite neu.";
