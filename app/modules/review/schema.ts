import { z } from "zod";
import type { CaseStatus } from "~/modules/applications/schema";
import { isoDateSchema } from "~/utils/iso-date";

/**
 * Inputs of the review of a case by a road authority (browser-safe: the case page validates its
 * forms with the same schemas). Every action carries the case version the clerk's page showed,
 * so two clerks acting at once never overwrite each other.
 */

/** What a request for missing items can tick, besides free text. */
export const MISSING_ITEM_CHECKLIST = {
  route_plan: "Lageplan der Trasse in ausreichendem Maßstab",
  cross_sections: "Regelquerschnitte / Angaben zur Verlegetiefe",
  traffic_plan: "Verkehrszeichenplan bzw. Angaben zur Verkehrsführung",
  power_of_attorney: "Vollmacht des Planungsbüros",
  right_of_way: "Nachweis der Nutzungsberechtigung nach § 125 TKG",
  tree_protection: "Angaben zum Baumschutz (DIN 18920)",
  method_details: "Angaben zum Verlegeverfahren",
  period: "Bauzeitenplan",
} as const;
export type MissingItemKey = keyof typeof MISSING_ITEM_CHECKLIST;

export const CONSULTED_TOPIC_LABELS = {
  nature: "Naturschutz",
  water: "Wasserrecht",
  heritage: "Denkmalschutz",
  traffic: "Straßenverkehrsbehörde",
  other: "Sonstige Fachbehörde",
} as const;

export const STATEMENT_LABELS = {
  agree: "Zustimmung",
  agree_with_conditions: "Zustimmung mit Auflagen",
  object: "Einwände",
} as const;
export type Statement = keyof typeof STATEMENT_LABELS;

export const CONDITION_KIND_LABELS = { condition: "Nebenbestimmung", hint: "Hinweis" } as const;

const version = z.coerce.number({ invalid_type_error: "Die Fallversion fehlt." }).int().positive("Die Fallversion fehlt.");
const text = (max: number, required: string) => z.string({ required_error: required }).trim().min(1, required).max(max, `Höchstens ${max} Zeichen.`);
const isoDate = isoDateSchema({ required: "Bitte geben Sie ein Datum an.", format: "Bitte geben Sie ein Datum an (TT.MM.JJJJ).", invalid: "Dieses Datum gibt es nicht." });
const checkboxList = <T extends string>(values: readonly [T, ...T[]]) =>
  z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.enum(values)));

export const ConfirmCompletenessSchema = z.object({ expectedVersion: version });

export const RequestMissingItemsSchema = z
  .object({
    expectedVersion: version,
    items: checkboxList(Object.keys(MISSING_ITEM_CHECKLIST) as [MissingItemKey, ...MissingItemKey[]]),
    body: z.string().trim().max(5000, "Höchstens 5000 Zeichen.").optional().default(""),
  })
  .refine((v) => v.items.length > 0 || v.body.length > 0, { path: ["body"], message: "Bitte beschreiben Sie, was fehlt, oder kreuzen Sie mindestens einen Punkt an." });

export const InvolveBodySchema = z.object({
  expectedVersion: version,
  bodyId: z.string({ required_error: "Bitte wählen Sie eine Fachbehörde." }).uuid("Bitte wählen Sie eine Fachbehörde."),
  question: text(5000, "Bitte schreiben Sie, wozu die Stellungnahme erbeten wird."),
  dueOn: isoDate,
});

export const ConditionInputSchema = z.object({
  kind: z.enum(["condition", "hint"], { errorMap: () => ({ message: "Nebenbestimmung oder Hinweis?" }) }),
  title: text(200, "Bitte geben Sie einen Titel ein."),
  body: text(5000, "Bitte geben Sie den Text ein."),
});
export type ConditionInput = z.infer<typeof ConditionInputSchema>;

export const StatementSchema = z
  .object({
    expectedVersion: version,
    statement: z.enum(["agree", "agree_with_conditions", "object"], { errorMap: () => ({ message: "Bitte wählen Sie Ihre Stellungnahme." }) }),
    text: z.string().trim().max(10000, "Höchstens 10000 Zeichen.").optional().default(""),
    conditions: z.array(ConditionInputSchema.omit({ kind: true })).max(30).default([]),
  })
  .refine((v) => v.statement !== "agree_with_conditions" || v.conditions.length > 0, { path: ["conditions"], message: "Bitte nennen Sie mindestens eine Auflage." })
  .refine((v) => v.statement !== "object" || v.text.length > 0, { path: ["text"], message: "Bitte begründen Sie Ihre Einwände." });

export const ExtendDeadlineSchema = z.object({
  expectedVersion: version,
  reason: text(2000, "Bitte begründen Sie die Verlängerung."),
});

/** A condition of the decision: from the catalogue, written by the clerk, or from a consulted body. */
export const DecisionConditionSchema = ConditionInputSchema.extend({
  source: z.enum(["catalogue", "custom", "consulted_body"]).default("custom"),
  templateId: z.string().uuid().nullish(),
  involvementId: z.string().uuid().nullish(),
});
export type DecisionCondition = z.infer<typeof DecisionConditionSchema>;

export const DecideSchema = z
  .object({
    expectedVersion: version,
    decision: z.enum(["approve", "reject"], { errorMap: () => ({ message: "Bitte wählen Sie: zustimmen oder ablehnen." }) }),
    reasons: z.string().trim().max(20000, "Höchstens 20000 Zeichen.").optional().default(""),
    conditions: z.array(DecisionConditionSchema).max(60, "Höchstens 60 Nebenbestimmungen und Hinweise.").default([]),
  })
  .refine((v) => v.decision !== "reject" || v.reasons.length > 0, { path: ["reasons"], message: "Eine Ablehnung muss begründet werden." });
export type DecideInput = z.input<typeof DecideSchema>;

export const AssignSchema = z.object({
  caseIds: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().uuid()).min(1, "Bitte wählen Sie mindestens einen Fall.").max(500)),
  clerkId: z.union([z.literal("").transform(() => null), z.string().uuid("Bitte wählen Sie eine Person.")]).nullable(),
  /** per case, who was assigned when the page was loaded ("" = nobody): a colleague's assignment made meanwhile is not overwritten */
  seen: z.record(z.string(), z.string()).optional(),
});

/** The `seen.<caseId>` fields of an assignment form. */
export function seenAssignments(form: FormData): Record<string, string> {
  const seen: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (key.startsWith("seen.")) seen[key.slice(5)] = String(value);
  return seen;
}

export const INBOX_STATUSES = ["open", "submitted", "incomplete", "in_review", "decided", "approved", "rejected", "deemed_approved", "withdrawn", "all"] as const;
export const InboxFilterSchema = z.object({
  status: z.enum(INBOX_STATUSES).catch("open"),
  gemeinde: z.string().regex(/^\d{8}$/).optional().catch(undefined),
  operator: z.string().uuid().optional().catch(undefined),
  clerk: z.union([z.literal("none"), z.string().uuid()]).optional().catch(undefined),
  overdue: z.preprocess((v) => v === "1" || v === "on" || v === true, z.boolean()).catch(false),
  q: z.string().trim().max(100).optional().catch(undefined),
});
export type InboxFilter = z.infer<typeof InboxFilterSchema>;

/** How urgent a case is, for the colour in the inbox. */
export type Urgency = "overdue" | "critical" | "soon" | "ok" | "stopped" | "closed";

export function urgencyOf(status: CaseStatus, daysLeft: number | null): Urgency {
  if (!["submitted", "in_review", "incomplete"].includes(status)) return "closed";
  if (status === "incomplete" || daysLeft === null) return "stopped";
  if (daysLeft < 0) return "overdue";
  if (daysLeft <= 3) return "critical";
  if (daysLeft <= 14) return "soon";
  return "ok";
}
