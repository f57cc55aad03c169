import type { MissingItem } from "./completeness";

/**
 * Why an operation on an application did not happen, with a German message for the user. Whatever
 * the code, nothing was written. Browser-safe, so actions can pass it to the form as it is.
 */
export type ApplicationError =
  /** unknown id, or one the principal may not see: the same answer, so existence does not leak */
  | { code: "not_found"; message: string }
  /** visible, but the principal may not change it (state staff, authorities) */
  | { code: "forbidden"; message: string }
  /** someone saved in between: reload; currentVersion is what to send after merging */
  | { code: "conflict"; message: string; currentVersion: number }
  /** bad values, each at its field path */
  | { code: "invalid"; message: string; fieldErrors: MissingItem[] }
  /** the application lacks what a submission needs */
  | { code: "incomplete"; message: string; missing: MissingItem[] }
  /** the route check has blocking findings */
  | { code: "blocked"; message: string; findings: string[] }
  /** not possible in the application's or case's current state */
  | { code: "wrong_state"; message: string };

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApplicationError };
