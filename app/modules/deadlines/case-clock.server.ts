import type { Knex } from "knex";
import type { Db } from "~/db.server";
import { berlinDate, extendDue, periodEnd, PeriodSchema, StateCodeSchema, type IsoDate, type Period, type StateCode } from "./calendar";

/** A procedure rule set (table procedure_rules): the periods of § 127 TKG, the GIA, or what the law says next. */
export interface ProcedureRule {
  key: string;
  name: string;
  legalBasis: string;
  completenessPeriod: Period;
  decisionPeriod: Period;
  extensionPeriod: Period;
  maxExtensions: number;
  /** Zustimmungsfiktion: the consent is deemed granted when the decision period ends unanswered */
  deemedApproval: boolean;
  reminderDays: number[];
}

interface RuleRow {
  key: string;
  name: string;
  legal_basis: string;
  completeness_period: unknown;
  decision_period: unknown;
  extension_period: unknown;
  max_extensions: number;
  deemed_approval: boolean;
  reminder_days: unknown;
}

function toRule(row: RuleRow): ProcedureRule {
  return {
    key: row.key,
    name: row.name,
    legalBasis: row.legal_basis,
    completenessPeriod: PeriodSchema.parse(row.completeness_period),
    decisionPeriod: PeriodSchema.parse(row.decision_period),
    extensionPeriod: PeriodSchema.parse(row.extension_period),
    maxExtensions: row.max_extensions,
    deemedApproval: row.deemed_approval,
    reminderDays: (row.reminder_days as number[]).map(Number).sort((a, b) => b - a),
  };
}

/** The rule an authority works under (its own setting, else the portal default) and its Land, for holidays. */
export async function authorityProcedure(db: Db, authorityId: string): Promise<{ rule: ProcedureRule; state: StateCode }> {
  const org = await db("organisations").where({ id: authorityId }).first("procedure_rule_key", "state");
  const fallback = await db("portal_settings").where({ key: "procedure.default_rule" }).first("value");
  const key: string = org?.procedure_rule_key ?? (fallback?.value as string | undefined) ?? "tkg_127";
  return { rule: await procedureRule(db, key), state: StateCodeSchema.parse(org?.state ?? "HE") };
}

export async function procedureRule(db: Db, key: string): Promise<ProcedureRule> {
  const row = await db("procedure_rules").where({ key }).first<RuleRow | undefined>();
  if (!row) throw new Error(`procedure rule ${key} missing`);
  return toRule(row);
}

export async function listProcedureRules(db: Db): Promise<ProcedureRule[]> {
  return (await db("procedure_rules").orderBy("key").select<RuleRow[]>()).map(toRule);
}

export interface ClockDates {
  completenessDueOn: IsoDate;
  decisionDueOn: IsoDate;
  /** why a due date moved past a weekend or holiday, in German, or null */
  shiftReason: string | null;
}

/** The dates a clock started at `at` runs to: both periods count from the day of receipt (§ 187 Abs. 1 BGB). */
export function clockDates(rule: ProcedureRule, state: StateCode, at: Date): ClockDates {
  const start = berlinDate(at);
  const completeness = periodEnd(start, rule.completenessPeriod, state);
  const decision = periodEnd(start, rule.decisionPeriod, state);
  return { completenessDueOn: completeness.due, decisionDueOn: decision.due, shiftReason: decision.reason };
}

/**
 * (Re)starts a case's clock at `at`: on receipt, and when an amendment answers a request for
 * missing items (the complete application restarts the period). Writes the case's procedure rule
 * and dates; the caller's transaction audits the change.
 */
export async function startCaseClock(trx: Knex.Transaction, caseId: string, authorityId: string, at: Date): Promise<ClockDates & { rule: string }> {
  const { rule, state } = await authorityProcedure(trx, authorityId);
  const dates = clockDates(rule, state, at);
  await trx("cases").where({ id: caseId }).update({
    procedure_rule_key: rule.key,
    clock_started_at: at,
    clock_stopped_at: null,
    completeness_due_on: dates.completenessDueOn,
    decision_due_on: dates.decisionDueOn,
    completeness_confirmed_at: null,
    extension_count: 0,
    extension_reason: null,
  });
  return { ...dates, rule: rule.key };
}

/** The decision due date after one extension by the rule's extension period. */
export function extendedDueDate(rule: ProcedureRule, state: StateCode, due: IsoDate): { due: IsoDate; reason: string | null } {
  const end = extendDue(due, rule.extensionPeriod, state);
  return { due: end.due, reason: end.reason };
}
