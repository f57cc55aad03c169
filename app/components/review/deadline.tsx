import type { Urgency } from "~/modules/review/schema";

const TONE: Record<Urgency, string | null> = {
  overdue: "danger",
  critical: "danger",
  soon: "warning",
  ok: "success",
  stopped: "info",
  closed: null,
};

const dateFormat = new Intl.DateTimeFormat("de-DE", { dateStyle: "medium", timeZone: "UTC" });

/** "12.04.2026" for an ISO date (a calendar date, so no time zone shift). */
export function formatDueDate(isoDate: string): string {
  return dateFormat.format(new Date(`${isoDate}T00:00:00Z`));
}

/** What the deadline means today, in words: colour is never the only signal (WCAG 1.4.1). */
export function deadlineText(urgency: Urgency, daysLeft: number | null): string {
  if (urgency === "stopped") return "Frist angehalten";
  if (urgency === "closed" || daysLeft === null) return "–";
  if (daysLeft < 0) return `überfällig seit ${-daysLeft} ${daysLeft === -1 ? "Tag" : "Tagen"}`;
  if (daysLeft === 0) return "endet heute";
  return `noch ${daysLeft} ${daysLeft === 1 ? "Tag" : "Tage"}`;
}

/** The decision deadline of a case as a coloured badge with its date. */
export function DeadlineBadge({ dueOn, daysLeft, urgency }: { dueOn: string | null; daysLeft: number | null; urgency: Urgency }) {
  const tone = TONE[urgency];
  return (
    <span className="deadline">
      {tone ? <span className={`kern-badge kern-badge--${tone} kern-badge--small`}>{deadlineText(urgency, daysLeft)}</span> : "–"}
      {dueOn && urgency !== "closed" ? <span className="kern-body--small"> bis {formatDueDate(dueOn)}</span> : null}
    </span>
  );
}
