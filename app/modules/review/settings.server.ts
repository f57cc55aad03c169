import { z } from "zod";
import type { Db } from "~/db.server";
import { fail, invalid, transact } from "~/modules/applications/access.server";
import type { Result } from "~/modules/applications/errors";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Principal } from "~/modules/auth/session.server";
import { listProcedureRules, type ProcedureRule } from "~/modules/deadlines/case-clock.server";
import { systemClock, type Clock } from "~/utils/clock";

/**
 * A road authority's procedure settings: the fast track (Schnellverfahren) and the procedure rule
 * its new cases run under. Only the authority's own admin changes them.
 */

export interface AuthoritySettings {
  authorityName: string;
  fastTrackEnabled: boolean;
  /** the authority's own rule, or null: the portal default applies */
  procedureRuleKey: string | null;
  defaultRuleKey: string;
  rules: ProcedureRule[];
}

const FORBIDDEN = { code: "forbidden", message: "Die Verfahrenseinstellungen ändert nur die Behördenadministration einer Straßenbaubehörde." } as const;
const UNKNOWN_RULE = "Diese Verfahrensregel gibt es nicht. Bitte wählen Sie eine aus der Liste.";
// same pattern as the CHECK on procedure_rules.key
const RULE_KEY = /^[a-z0-9_]{2,40}$/;

export const AuthoritySettingsSchema = z.object({
  // a checkbox: "on" when ticked (conform coerces it), absent otherwise
  fastTrackEnabled: z.boolean({ invalid_type_error: "Bitte kreuzen Sie das Feld an oder lassen Sie es leer." }).default(false),
  // "" (or absent) = the portal default
  procedureRule: z
    .string({ invalid_type_error: UNKNOWN_RULE })
    .trim()
    .optional()
    .transform((v) => (v ? v : null))
    .refine((v) => v === null || RULE_KEY.test(v), UNKNOWN_RULE),
});
export type AuthoritySettingsInput = z.input<typeof AuthoritySettingsSchema>;

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
  const org = await db("organisations").where({ id: authorityId, kind: "road_authority" }).first("name", "fast_track_enabled", "procedure_rule_key");
  if (!org) return { ok: false, error: FORBIDDEN };
  const [defaultKey, rules] = await Promise.all([defaultRuleKey(db), listProcedureRules(db)]);
  return {
    ok: true,
    value: {
      authorityName: org.name,
      fastTrackEnabled: Boolean(org.fast_track_enabled),
      procedureRuleKey: org.procedure_rule_key ?? null,
      defaultRuleKey: defaultKey,
      rules,
    },
  };
}

/**
 * Saves the settings in one transaction, with an audit event of before and after. A new rule
 * applies to cases received from now on; running cases keep the dates they have.
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
    const row = await trx("organisations").where({ id: authorityId, kind: "road_authority" }).forUpdate().first("fast_track_enabled", "procedure_rule_key");
    if (!row) fail(FORBIDDEN);
    const before = { fastTrackEnabled: Boolean(row.fast_track_enabled), procedureRuleKey: (row.procedure_rule_key as string | null) ?? null };
    const after = { fastTrackEnabled: data.fastTrackEnabled, procedureRuleKey: data.procedureRule };
    if (before.fastTrackEnabled === after.fastTrackEnabled && before.procedureRuleKey === after.procedureRuleKey) return { changed: false };
    const now = clock.now();
    await trx("organisations")
      .where({ id: authorityId })
      .update({ fast_track_enabled: after.fastTrackEnabled, procedure_rule_key: after.procedureRuleKey, version: trx.raw("version + 1"), updated_at: now });
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
