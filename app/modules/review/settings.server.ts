import { z } from "zod";
import type { Db } from "~/db.server";
import { fail, invalid, transact } from "~/modules/applications/access.server";
import type { Result } from "~/modules/applications/errors";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Principal } from "~/modules/auth/session.server";
import { listProcedureRules, type ProcedureRule } from "~/modules/deadlines/case-clock.server";
import { FEE_MODELS, type FeeModel } from "~/modules/documents/model";
import { systemClock, type Clock } from "~/utils/clock";

/**
 * A road authority's procedure settings: the fast track (Schnellverfahren), the procedure rule its
 * new cases run under, the fee it charges for a consent and the Rechtsbehelfsbelehrung printed on
 * its consents and rejections. Only the authority's own admin changes them.
 *
 * The schema and the euro helpers use nothing server-only, so they can move to a browser-safe
 * module as they are (the page could then validate in the browser too).
 */

export interface AuthoritySettings {
  authorityName: string;
  fastTrackEnabled: boolean;
  /** the authority's own rule, or null: the portal default applies */
  procedureRuleKey: string | null;
  defaultRuleKey: string;
  rules: ProcedureRule[];
  feeModel: FeeModel;
  /** flat: the amount; per_metre: the rate per metre of route; none: 0 */
  feeCents: number;
  /** the fee's legal basis, printed with the fee */
  feeNote: string | null;
  /** null: the standard text */
  remedyNotice: string | null;
}

const FORBIDDEN = { code: "forbidden", message: "Die Verfahrenseinstellungen ändert nur die Behördenadministration einer Straßenbaubehörde." } as const;
const UNKNOWN_RULE = "Diese Verfahrensregel gibt es nicht. Bitte wählen Sie eine aus der Liste.";
// same pattern as the CHECK on procedure_rules.key
const RULE_KEY = /^[a-z0-9_]{2,40}$/;

// the database checks the same bounds (organisations, migration 0008)
export const FEE_MAX_CENTS = 100_000_000;
export const FEE_NOTE_MAX = 500;
export const REMEDY_NOTICE_MAX = 3000;

const FEE_MODEL_MISSING = "Bitte wählen Sie, ob und wie Sie eine Gebühr erheben.";
const NOT_AN_AMOUNT = "Bitte geben Sie den Betrag in Euro als Zahl an, zum Beispiel 120 oder 0,50.";
const DECIMAL_POINT = "Bitte trennen Sie die Cent mit einem Komma ab, zum Beispiel 0,50.";
const NEGATIVE_AMOUNT = "Der Betrag darf nicht negativ sein.";
const TOO_MANY_DECIMALS = "Bitte geben Sie höchstens zwei Nachkommastellen (volle Cent) an.";
const AMOUNT_TOO_HIGH = "Der Betrag darf höchstens 1.000.000,00 € sein.";
const AMOUNT_MISSING: Record<Exclude<FeeModel, "none">, string> = {
  flat: "Bitte geben Sie den Betrag der Pauschale an.",
  per_metre: "Bitte geben Sie den Betrag je Meter Trasse an.",
};
const FEE_NOTE_TOO_LONG = `Die Rechtsgrundlage darf höchstens ${FEE_NOTE_MAX} Zeichen lang sein.`;
const REMEDY_NOTICE_TOO_LONG = "Die Rechtsbehelfsbelehrung darf höchstens 3.000 Zeichen lang sein.";

// "1.250,50": digits with optional thousands dots in groups of three, then optional decimals
const GERMAN_AMOUNT = /^(\d{1,3}(?:\.\d{3})+|\d*)(?:,(\d+))?$/;

/**
 * Euros typed the German way ("120", "0,5", "1.250,00", "12 €") as whole cents; null when
 * nothing was typed. Negative amounts, more than two decimals and more than 1.000.000 € are
 * refused with a message for the field.
 */
export function parseEuroAmount(text: string): { ok: true; cents: number } | { ok: false; message: string } | null {
  const s = text
    .trim()
    .replace(/\s*(?:€|EUR|Euro)$/i, "")
    .trim();
  if (s === "") return null;
  // minus, Unicode minus, dashes
  if (/^[-\u2212\u2012-\u2014]/.test(s)) return { ok: false, message: NEGATIVE_AMOUNT };
  const m = GERMAN_AMOUNT.exec(s);
  if (!m || (m[1] === "" && m[2] === undefined)) return { ok: false, message: /^\d+\.\d{1,2}$/.test(s) ? DECIMAL_POINT : NOT_AN_AMOUNT };
  const decimals = m[2] ?? "";
  if (decimals.length > 2) return { ok: false, message: TOO_MANY_DECIMALS };
  const euros = (m[1] ?? "").replace(/\./g, "").replace(/^0+/, "");
  // more than seven digits is above the maximum anyway; checking it here keeps the arithmetic exact
  if (euros.length > 7) return { ok: false, message: AMOUNT_TOO_HIGH };
  const cents = Number(euros || "0") * 100 + Number(decimals.padEnd(2, "0"));
  if (cents > FEE_MAX_CENTS) return { ok: false, message: AMOUNT_TOO_HIGH };
  return { ok: true, cents };
}

/** Cents as the form shows them: 50 → "0,50", 125000 → "1.250,00". */
export function formatEuroAmount(cents: number): string {
  const euros = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+$)/g, ".");
  return `${euros},${String(cents % 100).padStart(2, "0")}`;
}

// control characters other than tab and line feed: a NUL would not even fit into a text column
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** An optional text: "" (or absent) is null. Idempotent, like the whole schema. */
function optionalText(max: number, tooLong: string, normalise: (v: string) => string) {
  return z
    .string({ invalid_type_error: tooLong })
    .nullish()
    .transform((v) => {
      const text = normalise(v ?? "");
      return text === "" ? null : text;
    })
    .refine((v) => v === null || v.length <= max, tooLong);
}

/**
 * The settings form. The route parses the form with it (conform), and the service parses the
 * route's result again: so every output is a valid input and parses to itself.
 */
export const AuthoritySettingsSchema = z
  .object({
    // a checkbox: "on" when ticked (conform coerces it), absent otherwise
    fastTrackEnabled: z.boolean({ invalid_type_error: "Bitte kreuzen Sie das Feld an oder lassen Sie es leer." }).default(false),
    // "" (or absent, or null) = the portal default
    procedureRule: z
      .string({ invalid_type_error: UNKNOWN_RULE })
      .trim()
      .nullish()
      .transform((v) => (v ? v : null))
      .refine((v) => v === null || RULE_KEY.test(v), UNKNOWN_RULE),
    feeModel: z.enum(FEE_MODELS, { errorMap: () => ({ message: FEE_MODEL_MISSING }) }),
    // euros as typed ("0,50", "1.250,00"); checked against the model below, ignored for "none"
    feeAmount: z.string({ invalid_type_error: NOT_AN_AMOUNT }).nullish(),
    // one line: the legal basis, printed in brackets after the fee
    feeNote: optionalText(FEE_NOTE_MAX, FEE_NOTE_TOO_LONG, (v) => v.replace(CONTROL, "").replace(/\s+/g, " ").trim()),
    // textareas send CRLF; stored texts use LF so lengths and documents agree
    remedyNotice: optionalText(REMEDY_NOTICE_MAX, REMEDY_NOTICE_TOO_LONG, (v) => v.replace(/\r\n?/g, "\n").replace(CONTROL, "").trim()),
  })
  .superRefine((v, ctx) => {
    if (v.feeModel === "none") return;
    const amount = parseEuroAmount(v.feeAmount ?? "");
    if (amount === null) ctx.addIssue({ code: "custom", path: ["feeAmount"], message: AMOUNT_MISSING[v.feeModel] });
    else if (!amount.ok) ctx.addIssue({ code: "custom", path: ["feeAmount"], message: amount.message });
  })
  .transform((v) => {
    const amount = v.feeModel === "none" ? null : parseEuroAmount(v.feeAmount ?? "");
    const feeCents = amount?.ok ? amount.cents : 0;
    // the amount back in its canonical form, so the result parses again to itself
    return { ...v, feeAmount: v.feeModel === "none" ? null : formatEuroAmount(feeCents), feeCents };
  });
export type AuthoritySettingsInput = z.input<typeof AuthoritySettingsSchema>;

/** What the organisation row stores, as the audit event records it before and after. */
interface StoredSettings {
  fastTrackEnabled: boolean;
  procedureRuleKey: string | null;
  feeModel: FeeModel;
  feeCents: number;
  feeNote: string | null;
  remedyNotice: string | null;
}

const STORED_COLUMNS = ["fast_track_enabled", "procedure_rule_key", "fee_model", "fee_cents", "fee_note", "remedy_notice"] as const;

function storedSettings(row: Record<(typeof STORED_COLUMNS)[number], unknown>): StoredSettings {
  return {
    fastTrackEnabled: Boolean(row.fast_track_enabled),
    procedureRuleKey: (row.procedure_rule_key as string | null) ?? null,
    feeModel: row.fee_model as FeeModel,
    feeCents: Number(row.fee_cents),
    feeNote: (row.fee_note as string | null) ?? null,
    remedyNotice: (row.remedy_notice as string | null) ?? null,
  };
}

/** The authority whose settings the principal administers, or null. */
function administeredAuthority(principal: Principal): string | null {
  return principal.role === "authority_admin" && principal.organisation.kind === "road_authority" ? principal.organisation.id : null;
}

async function defaultRuleKey(db: Db): Promise<string> {
  const row = await db("portal_settings").where({ key: "procedure.default_rule" }).first("value");
  // same fallback as authorityProcedure
  return typeof row?.value === "string" ? row.value : "tkg_127";
}

export async function getAuthoritySettings(db: Db, principal: Principal): Promise<Result<AuthoritySettings>> {
  const authorityId = administeredAuthority(principal);
  if (!authorityId) return { ok: false, error: FORBIDDEN };
  const org = await db("organisations").where({ id: authorityId, kind: "road_authority" }).first("name", ...STORED_COLUMNS);
  if (!org) return { ok: false, error: FORBIDDEN };
  const [defaultKey, rules] = await Promise.all([defaultRuleKey(db), listProcedureRules(db)]);
  const stored = storedSettings(org);
  return {
    ok: true,
    value: {
      authorityName: org.name,
      fastTrackEnabled: stored.fastTrackEnabled,
      procedureRuleKey: stored.procedureRuleKey,
      defaultRuleKey: defaultKey,
      rules,
      feeModel: stored.feeModel,
      feeCents: stored.feeCents,
      feeNote: stored.feeNote,
      remedyNotice: stored.remedyNotice,
    },
  };
}

/**
 * Saves the settings in one transaction, with an audit event of before and after. A new rule
 * applies to cases received from now on; running cases keep the dates they have. Fee and
 * Rechtsbehelfsbelehrung apply to documents issued from now on; issued ones never change.
 */
export async function updateAuthoritySettings(
  db: Db,
  principal: Principal,
  input: unknown,
  { clock = systemClock }: { clock?: Clock } = {},
): Promise<Result<{ changed: boolean }>> {
  return transact(db, async (trx) => {
    const authorityId = administeredAuthority(principal);
    if (!authorityId) fail(FORBIDDEN);
    const parsed = AuthoritySettingsSchema.safeParse(input);
    if (!parsed.success) fail(invalid(parsed.error.issues));
    const data = parsed.data;
    if (data.procedureRule !== null && !(await trx("procedure_rules").where({ key: data.procedureRule }).first("key"))) {
      fail(invalid([{ code: "custom", path: ["procedureRule"], message: UNKNOWN_RULE }]));
    }
    // the row lock serialises two admins saving at once: the second sees the first's values as before
    const row = await trx("organisations").where({ id: authorityId, kind: "road_authority" }).forUpdate().first(...STORED_COLUMNS);
    if (!row) fail(FORBIDDEN);
    const before = storedSettings(row);
    const after: StoredSettings = {
      fastTrackEnabled: data.fastTrackEnabled,
      procedureRuleKey: data.procedureRule,
      feeModel: data.feeModel,
      feeCents: data.feeCents,
      feeNote: data.feeNote,
      remedyNotice: data.remedyNotice,
    };
    if ((Object.keys(after) as (keyof StoredSettings)[]).every((k) => before[k] === after[k])) return { changed: false };
    const now = clock.now();
    await trx("organisations").where({ id: authorityId }).update({
      fast_track_enabled: after.fastTrackEnabled,
      procedure_rule_key: after.procedureRuleKey,
      fee_model: after.feeModel,
      fee_cents: after.feeCents,
      fee_note: after.feeNote,
      remedy_notice: after.remedyNotice,
      version: trx.raw("version + 1"),
      updated_at: now,
    });
    await recordAudit(trx, {
      actorUserId: principal.userId,
      organisationId: authorityId,
      entityType: "organisation",
      entityId: authorityId,
      action: "procedure_settings_changed",
      payload: { before, after },
      at: now,
    });
    return { changed: true };
  });
}
