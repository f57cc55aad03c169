import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation, useSearchParams } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import { Alert, CsrfInput } from "~/components/forms";
import { DeadlineBadge, formatDueDate } from "~/components/review/deadline";
import { db } from "~/db.server";
import { CASE_STATUS_LABELS, type CaseStatus } from "~/modules/applications/schema";
import { forbidden, requireRole } from "~/modules/auth/guards.server";
import { berlinDate } from "~/modules/deadlines/calendar";
import { assignCases } from "~/modules/review/actions.server";
import type { InboxItem } from "~/modules/review/inbox.server";
import { listInbox } from "~/modules/review/inbox.server";
import { AssignSchema, INBOX_STATUSES, InboxFilterSchema, seenAssignments, type InboxFilter } from "~/modules/review/schema";
import inboxStyles from "~/styles/inbox.css";
import { errorText, statusOf } from "~/utils/application-errors.server";
import { readForm } from "~/utils/form.server";

export const meta: MetaFunction = () => [{ title: "Posteingang – Breitband-Portal" }];

export const links: LinksFunction = () => [{ rel: "stylesheet", href: inboxStyles }];

const PAGE = "/faelle";
const ASSIGN_FORM = "zuweisen";

/** Bad or unknown query values fall back to the defaults (the schema catches them). */
function readFilter(params: URLSearchParams): InboxFilter {
  const get = (key: string) => params.get(key) || undefined;
  return InboxFilterSchema.parse({ status: get("status"), gemeinde: get("gemeinde"), operator: get("operator"), clerk: get("clerk"), overdue: get("overdue"), q: get("q") });
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const principal = await requireRole(request, ["authority_clerk", "authority_admin"]);
  const filter = readFilter(new URL(request.url).searchParams);
  const inbox = await listInbox(await db(), principal, filter);
  if (!inbox) throw forbidden("Den Posteingang haben nur Mitarbeitende einer Straßenbaubehörde.");
  // the same "today" the inbox computed its days left with
  return json({ csrfToken: context.csrfToken, inbox, filter, userId: principal.userId, today: berlinDate(new Date()) });
}

interface ActionError {
  message: string;
  fieldErrors: { caseIds?: string; clerkId?: string };
  /** what was ticked, so a page without JavaScript keeps the selection */
  selected: string[];
}

const NOTHING_WRITTEN = "Es wurde nichts zugewiesen.";

/** Back to the inbox with the same filters (the form posts to the current URL) and a notice. */
function backTo(requestUrl: string, assigned: number, unassigned: boolean): string {
  const params = new URL(requestUrl).searchParams;
  for (const key of ["index", "zugewiesen", "aufgehoben"]) params.delete(key);
  params.set("zugewiesen", String(assigned));
  if (unassigned) params.set("aufgehoben", "1");
  return `${PAGE}?${params}`;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const principal = await requireRole(request, ["authority_clerk", "authority_admin"]);
  const formData = await readForm(request, context);
  const selected = formData.getAll("caseIds").map(String);
  const self = formData.get("intent") === "self";
  const clerk = formData.get("clerkId");
  const fieldErrors: ActionError["fieldErrors"] = {};
  // "" is the select's prompt; unassigning must be chosen explicitly ("none")
  if (!self && (typeof clerk !== "string" || clerk === "")) fieldErrors.clerkId = "Bitte wählen Sie, wem die Fälle zugewiesen werden sollen.";
  const parsed = AssignSchema.safeParse({ caseIds: selected, clerkId: self ? principal.userId : clerk === "none" ? "" : clerk, seen: seenAssignments(formData) });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] === "caseIds" ? "caseIds" : "clerkId";
      fieldErrors[key] ??= issue.message;
    }
  }
  if (!parsed.success || fieldErrors.clerkId || fieldErrors.caseIds) {
    const message = [fieldErrors.caseIds, fieldErrors.clerkId].filter(Boolean).join(" ");
    return json<ActionError>({ message: `${message} ${NOTHING_WRITTEN}`, fieldErrors, selected }, { status: 422 });
  }
  const result = await assignCases(await db(), principal, parsed.data);
  if (!result.ok) {
    const error = result.error;
    const message =
      error.code === "not_found"
        ? selected.length === 1
          ? "Diesen Fall gibt es nicht (mehr), oder er gehört nicht zu Ihrer Behörde."
          : "Mindestens einen der ausgewählten Fälle gibt es nicht (mehr), oder er gehört nicht zu Ihrer Behörde. Bitte laden Sie die Seite neu."
        : errorText(error);
    const clerkError = error.code === "invalid" ? error.fieldErrors.find((e) => e.path === "clerkId")?.message : undefined;
    return json<ActionError>({ message: `${message} ${NOTHING_WRITTEN}`, fieldErrors: clerkError ? { clerkId: clerkError } : {}, selected }, { status: statusOf(error) });
  }
  return redirect(backTo(request.url, result.value.assigned, parsed.data.clerkId === null));
}

const FILTER_STATUS_LABELS: Record<(typeof INBOX_STATUSES)[number], string> = {
  open: "offen (noch nicht entschieden)",
  submitted: CASE_STATUS_LABELS.submitted,
  incomplete: CASE_STATUS_LABELS.incomplete,
  in_review: CASE_STATUS_LABELS.in_review,
  decided: "entschieden (alle)",
  approved: CASE_STATUS_LABELS.approved,
  rejected: CASE_STATUS_LABELS.rejected,
  deemed_approved: CASE_STATUS_LABELS.deemed_approved,
  withdrawn: CASE_STATUS_LABELS.withdrawn,
  all: "alle",
};

const OPEN: readonly CaseStatus[] = ["submitted", "incomplete", "in_review"];
const receivedFormat = new Intl.DateTimeFormat("de-DE", { dateStyle: "medium", timeZone: "Europe/Berlin" });
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export default function InboxPage() {
  const { csrfToken, inbox, filter, userId, today } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const { items, counts, options, truncated } = inbox;
  const filtered = filter.status !== "open" || Boolean(filter.gemeinde || filter.operator || filter.clerk || filter.overdue || filter.q);
  const assigned = searchParams.get("zugewiesen");
  const assignedCount = assigned !== null && /^\d+$/.test(assigned) ? Number(assigned) : null;
  const notice =
    assignedCount === null
      ? null
      : assignedCount === 0
        ? "Die ausgewählten Fälle waren bereits so zugewiesen; nichts geändert."
        : searchParams.has("aufgehoben")
          ? `Bei ${plural(assignedCount, "Fall", "Fällen")} wurde die Zuweisung aufgehoben.`
          : `${plural(assignedCount, "Fall wurde", "Fälle wurden")} zugewiesen.`;
  return (
    <div className="kern-stack">
      <h1 className="kern-heading-large">Posteingang</h1>
      <StatusCounts counts={counts} filter={filter} />
      {notice ? <Alert tone="success" title={notice} /> : null}

      <section aria-labelledby="filter-titel">
        <h2 id="filter-titel" className="kern-sr-only">
          Fälle filtern
        </h2>
        <FilterForm filter={filter} options={options} userId={userId} />
      </section>

      <section aria-labelledby="faelle-titel" className="kern-stack">
        <h2 id="faelle-titel" className="kern-heading-medium">
          {filtered ? "Gefilterte Fälle" : "Offene Fälle"}
        </h2>
        {items.length === 0 ? (
          <p className="kern-body">
            {filtered ? "Keine Fälle passen zu diesen Filtern. " : "Keine offenen Fälle – alles bearbeitet. "}
            {filtered ? (
              <Link className="kern-link" to={PAGE}>
                Filter zurücksetzen
              </Link>
            ) : null}
          </p>
        ) : (
          <>
            <AssignForm csrfToken={csrfToken} clerks={options.clerks} userId={userId} error={actionData} />
            <CaseTable items={items} truncated={truncated} csrfToken={csrfToken} userId={userId} today={today} selected={actionData?.selected ?? []} />
          </>
        )}
      </section>
    </div>
  );
}

function StatusCounts({ counts, filter }: { counts: Record<CaseStatus | "overdue", number>; filter: InboxFilter }) {
  const onlyStatus = !filter.gemeinde && !filter.operator && !filter.clerk && !filter.q;
  const decided = counts.approved + counts.rejected + counts.deemed_approved;
  const entries: { label: string; n: number; search: string; current: boolean; overdue?: boolean }[] = [
    { label: "Eingegangen", n: counts.submitted, search: "status=submitted", current: filter.status === "submitted" && !filter.overdue },
    { label: "Nachforderung", n: counts.incomplete, search: "status=incomplete", current: filter.status === "incomplete" && !filter.overdue },
    { label: "In Prüfung", n: counts.in_review, search: "status=in_review", current: filter.status === "in_review" && !filter.overdue },
    { label: "überfällig", n: counts.overdue, search: "status=open&overdue=1", current: filter.status === "open" && filter.overdue, overdue: counts.overdue > 0 },
    { label: "entschieden", n: decided, search: "status=decided", current: filter.status === "decided" && !filter.overdue },
    { label: "davon Zustimmung fingiert", n: counts.deemed_approved, search: "status=deemed_approved", current: filter.status === "deemed_approved" && !filter.overdue },
    { label: "zurückgezogen", n: counts.withdrawn, search: "status=withdrawn", current: filter.status === "withdrawn" && !filter.overdue },
  ];
  return (
    <nav aria-label="Fälle Ihrer Behörde nach Status">
      <ul className="inbox-counts">
        {entries.map((e) => (
          <li key={e.label}>
            <Link className="kern-link" to={`${PAGE}?${e.search}`} aria-current={onlyStatus && e.current ? "page" : undefined}>
              <span className={e.overdue ? "inbox-counts__overdue" : undefined}>
                {e.label}: {e.n}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

type FilterOptions = { gemeinden: { ags: string; name: string }[]; operators: { id: string; name: string }[]; clerks: { id: string; name: string }[] };

function FilterForm({ filter, options, userId }: { filter: InboxFilter; options: FilterOptions; userId: string }) {
  const location = useLocation();
  return (
    // remounted on every navigation, so the fields show the filter of the URL (after a count link, too)
    <Form key={location.search} method="get" action={PAGE} role="search" aria-label="Fälle filtern" className="filter-bar inbox-filter">
      <SelectInput id="f-status" name="status" label="Status" defaultValue={filter.status}>
        {INBOX_STATUSES.map((s) => (
          <option key={s} value={s}>
            {FILTER_STATUS_LABELS[s]}
          </option>
        ))}
      </SelectInput>
      <SelectInput id="f-gemeinde" name="gemeinde" label="Gemeinde" defaultValue={filter.gemeinde ?? ""}>
        <option value="">alle</option>
        {options.gemeinden.map((g) => (
          <option key={g.ags} value={g.ags}>
            {g.name}
          </option>
        ))}
      </SelectInput>
      <SelectInput id="f-antragsteller" name="operator" label="Antragsteller" defaultValue={filter.operator ?? ""}>
        <option value="">alle</option>
        {options.operators.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </SelectInput>
      <SelectInput id="f-sachbearbeitung" name="clerk" label="Sachbearbeitung" defaultValue={filter.clerk ?? ""}>
        <option value="">alle</option>
        <option value="none">nicht zugewiesen</option>
        {options.clerks.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
            {c.id === userId ? " (ich)" : ""}
          </option>
        ))}
      </SelectInput>
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="f-suche">
          Suche
        </label>
        <div className="kern-hint" id="f-suche-hinweis">
          Aktenzeichen, Vorhaben oder Antragsteller
        </div>
        <input className="kern-form-input__input" id="f-suche" name="q" type="search" defaultValue={filter.q ?? ""} aria-describedby="f-suche-hinweis" maxLength={100} />
      </div>
      <div className="kern-form-check">
        <input className="kern-form-check__checkbox" type="checkbox" id="f-ueberfaellig" name="overdue" value="1" defaultChecked={filter.overdue} />
        <label className="kern-label" htmlFor="f-ueberfaellig">
          nur überfällige
        </label>
      </div>
      <div className="inbox-filter__actions">
        <button type="submit" className="kern-btn kern-btn--secondary">
          <span className="kern-label">Filtern</span>
        </button>
        <Link className="kern-link" to={PAGE}>
          Filter zurücksetzen
        </Link>
      </div>
    </Form>
  );
}

function SelectInput({ id, name, label, defaultValue, children }: { id: string; name: string; label: string; defaultValue: string; children: ReactNode }) {
  return (
    <div className="kern-form-input">
      <label className="kern-label" htmlFor={id}>
        {label}
      </label>
      <div className="kern-form-input__select-wrapper">
        <select className="kern-form-input__select" id={id} name={name} defaultValue={defaultValue}>
          {children}
        </select>
      </div>
    </div>
  );
}

/** The bulk assignment: the row checkboxes belong to this form through their `form` attribute. */
function AssignForm({ csrfToken, clerks, userId, error }: { csrfToken: string; clerks: { id: string; name: string }[]; userId: string; error: ActionError | undefined }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "assign";
  const clerkError = error?.fieldErrors.clerkId;
  return (
    <div className="kern-stack">
      {error ? (
        <Alert tone="danger" title="Nicht zugewiesen">
          <p className="kern-body">{error.message}</p>
        </Alert>
      ) : null}
      <Form method="post" id={ASSIGN_FORM} className="inbox-assign" aria-label="Ausgewählte Fälle zuweisen">
        <CsrfInput token={csrfToken} />
        <input type="hidden" name="intent" value="assign" />
        <div className={`kern-form-input${clerkError ? " kern-form-input--error" : ""}`}>
          <label className="kern-label" htmlFor="zuweisen-an">
            Zuweisen an
          </label>
          <div className="kern-hint" id="zuweisen-hinweis">
            Wählen Sie die Fälle in der Tabelle aus.
          </div>
          {clerkError ? (
            <p className="kern-error" id="zuweisen-an-error">
              <span className="kern-icon kern-icon--danger" aria-hidden="true" />
              <span className="kern-body">{clerkError}</span>
            </p>
          ) : null}
          <div className="kern-form-input__select-wrapper">
            <select
              className={`kern-form-input__select${clerkError ? " kern-form-input__select--error" : ""}`}
              id="zuweisen-an"
              name="clerkId"
              defaultValue=""
              aria-describedby={clerkError ? "zuweisen-hinweis zuweisen-an-error" : "zuweisen-hinweis"}
              aria-invalid={clerkError ? true : undefined}
            >
              <option value="">Bitte wählen</option>
              {clerks.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                  {c.id === userId ? " (ich)" : ""}
                </option>
              ))}
              <option value="none">niemand (Zuweisung aufheben)</option>
            </select>
          </div>
        </div>
        <button type="submit" className="kern-btn kern-btn--primary" disabled={busy}>
          <span className="kern-label">{busy ? "Wird zugewiesen …" : "Ausgewählte zuweisen"}</span>
        </button>
      </Form>
    </div>
  );
}

function CaseTable({
  items,
  truncated,
  csrfToken,
  userId,
  today,
  selected,
}: {
  items: InboxItem[];
  truncated: boolean;
  csrfToken: string;
  userId: string;
  today: string;
  selected: string[];
}) {
  const location = useLocation();
  return (
    <div className="kern-table-responsive">
      <table className="kern-table kern-table--small kern-table--striped inbox-table">
        <caption className="kern-body">
          {plural(items.length, "Fall", "Fälle")}, die dringendste Frist zuerst.
          {truncated ? ` Es werden nur die ersten ${items.length} Fälle angezeigt; bitte grenzen Sie die Auswahl mit den Filtern ein.` : ""}
        </caption>
        <thead className="kern-table__header">
          <tr className="kern-table__row">
            <th scope="col" className="kern-table__cell inbox-table__select">
              <SelectAll key={location.key} />
            </th>
            <th scope="col" className="kern-table__cell">
              Aktenzeichen
            </th>
            <th scope="col" className="kern-table__cell">
              Vorhaben / Antragsteller
            </th>
            <th scope="col" className="kern-table__cell">
              Gemeinde
            </th>
            <th scope="col" className="kern-table__cell">
              Status
            </th>
            <th scope="col" className="kern-table__cell">
              Frist
            </th>
            <th scope="col" className="kern-table__cell">
              Zuständig
            </th>
            <th scope="col" className="kern-table__cell">
              Offene Punkte
            </th>
            <th scope="col" className="kern-table__cell">
              Eingang
            </th>
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {items.map((c) => (
            <tr key={c.id} className={`kern-table__row${c.urgency === "overdue" ? " inbox-row--overdue" : ""}`}>
              <td className="kern-table__cell">
                <input
                  // a fresh, unticked box after each navigation (e.g. the redirect after assigning)
                  key={`${c.id}-${location.key}`}
                  className="kern-form-check__checkbox"
                  type="checkbox"
                  id={`waehle-${c.id}`}
                  name="caseIds"
                  value={c.id}
                  form={ASSIGN_FORM}
                  defaultChecked={selected.includes(c.id)}
                />
                <input type="hidden" name={`seen.${c.id}`} value={c.clerk?.id ?? ""} form={ASSIGN_FORM} />
                <label className="kern-sr-only" htmlFor={`waehle-${c.id}`}>
                  Fall {c.fileNumber} auswählen
                </label>
              </td>
              <th scope="row" className="kern-table__cell">
                <Link className="kern-link" to={`/faelle/${c.id}`}>
                  {c.fileNumber}
                </Link>
              </th>
              <td className="kern-table__cell">
                {c.title}
                <div className="kern-body--small">{c.operator.name}</div>
              </td>
              <td className="kern-table__cell">{c.gemeinden.length > 0 ? c.gemeinden.join(", ") : "–"}</td>
              <td className="kern-table__cell">{CASE_STATUS_LABELS[c.status]}</td>
              <td className="kern-table__cell">
                <DeadlineBadge dueOn={c.decisionDueOn} daysLeft={c.daysLeft} urgency={c.urgency} />
                {c.extended && c.urgency !== "closed" ? <div className="kern-body--small">einmal verlängert</div> : null}
                {/* missing items can be asked for only within the completeness period */}
                {c.status === "submitted" && c.completenessDueOn && c.completenessDueOn >= today ? (
                  <div className="kern-body--small">Nachforderung bis {formatDueDate(c.completenessDueOn)}</div>
                ) : null}
              </td>
              <td className="kern-table__cell">
                {c.clerk ? (
                  <>
                    {c.clerk.name}
                    {c.clerk.id === userId ? " (ich)" : ""}
                  </>
                ) : (
                  <>
                    <span aria-hidden="true">–</span>
                    <span className="kern-sr-only">nicht zugewiesen</span>
                    {OPEN.includes(c.status) ? <AssignToMe csrfToken={csrfToken} caseId={c.id} fileNumber={c.fileNumber} /> : null}
                  </>
                )}
              </td>
              <td className="kern-table__cell">
                <Indicators item={c} />
              </td>
              <td className="kern-table__cell">{receivedFormat.format(new Date(c.receivedAt))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AssignToMe({ csrfToken, caseId, fileNumber }: { csrfToken: string; caseId: string; fileNumber: string }) {
  return (
    <Form method="post" className="inbox-row-form">
      <CsrfInput token={csrfToken} />
      <input type="hidden" name="intent" value="self" />
      <input type="hidden" name="caseIds" value={caseId} />
      {/* offered only for unassigned cases: someone taking it meanwhile wins */}
      <input type="hidden" name={`seen.${caseId}`} value="" />
      <button type="submit" className="kern-btn kern-btn--tertiary kern-btn--x-small">
        <span className="kern-label">
          Mir zuweisen<span className="kern-sr-only">: Fall {fileNumber}</span>
        </span>
      </button>
    </Form>
  );
}

function Indicators({ item }: { item: InboxItem }) {
  if (item.pendingStatements === 0 && item.unreadMessages === 0) {
    return (
      <>
        <span aria-hidden="true">–</span>
        <span className="kern-sr-only">keine</span>
      </>
    );
  }
  return (
    <div className="inbox-indicators">
      {item.pendingStatements > 0 ? (
        <span className="kern-badge kern-badge--warning kern-badge--small">
          {item.pendingStatements === 1 ? "Stellungnahme ausstehend" : `${item.pendingStatements} Stellungnahmen ausstehend`}
        </span>
      ) : null}
      {item.unreadMessages > 0 ? (
        <span className="kern-badge kern-badge--info kern-badge--small">{plural(item.unreadMessages, "ungelesene Nachricht", "ungelesene Nachrichten")}</span>
      ) : null}
    </div>
  );
}

/** Ticks or unticks every row: needs JavaScript, so it appears only once the page is hydrated. */
function SelectAll() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <>
      <span className="kern-sr-only">Auswahl</span>
      {hydrated ? (
        <input
          className="kern-form-check__checkbox"
          type="checkbox"
          aria-label="Alle angezeigten Fälle auswählen"
          onChange={(event) => {
            const checked = event.currentTarget.checked;
            document.querySelectorAll<HTMLInputElement>(`input[form="${ASSIGN_FORM}"][name="caseIds"]`).forEach((box) => {
              box.checked = checked;
            });
          }}
        />
      ) : null}
    </>
  );
}
