import type { CheckReport, Severity } from "~/modules/checks/report";

/** What changed between two versions of an application, for the clerk after an amendment (browser-safe). */
export interface FieldChange {
  path: string;
  before: string | null;
  after: string | null;
}

/** Leaf values of a JSON object by dotted path ("contact.email", "period.start"). */
function flatten(value: unknown, prefix = "", out = new Map<string, string>()): Map<string, string> {
  if (value === null || value === undefined) return out;
  if (Array.isArray(value)) {
    value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else if (typeof value === "object") {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, String(value));
  }
  return out;
}

export function diffFields(before: unknown, after: unknown): FieldChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths.filter((p) => a.get(p) !== b.get(p)).map((p) => ({ path: p, before: a.get(p) ?? null, after: b.get(p) ?? null }));
}

export interface ReportComparison {
  lengthM: { before: number; after: number };
  /** findings per severity (conflicts, method and geometry findings) */
  bySeverity: { severity: Severity; before: number; after: number }[];
  /** conflicts that appeared since (e.g. a newly designated protection zone) */
  added: CheckReport["conflicts"];
  /** conflicts that are gone (e.g. a tree felled) */
  removed: CheckReport["conflicts"];
}

const conflictKey = (c: CheckReport["conflicts"][number]) => `${c.layer}/${c.featureId}/${c.code}`;

/** The check at submission against the check on today's layers. */
export function compareReports(before: CheckReport, after: CheckReport): ReportComparison {
  const severities: Severity[] = ["blocking", "permit_required", "warning", "hint"];
  const count = (r: CheckReport, s: Severity) => [...r.conflicts, ...r.method, ...r.findings].filter((f) => f.severity === s).length;
  const beforeKeys = new Set(before.conflicts.map(conflictKey));
  const afterKeys = new Set(after.conflicts.map(conflictKey));
  return {
    lengthM: { before: before.lengthM, after: after.lengthM },
    bySeverity: severities.map((s) => ({ severity: s, before: count(before, s), after: count(after, s) })),
    added: after.conflicts.filter((c) => !beforeKeys.has(conflictKey(c))),
    removed: before.conflicts.filter((c) => !afterKeys.has(conflictKey(c))),
  };
}
