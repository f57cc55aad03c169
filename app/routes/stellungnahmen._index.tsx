import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DeadlineBadge, formatDueDate } from "~/components/review/deadline";
import { db } from "~/db.server";
import { OPEN_CASE_STATUSES, type CaseStatus } from "~/modules/applications/schema";
import { forbidden, requireRole } from "~/modules/auth/guards.server";
import { listStatementRequests } from "~/modules/review/case.server";
import { STATEMENT_LABELS, urgencyOf, type Statement } from "~/modules/review/schema";

export const meta: MetaFunction = () => [{ title: "Stellungnahmen – Breitband-Portal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const principal = await requireRole(request, ["consulted_body"]);
  const requests = await listStatementRequests(await db(), principal);
  if (!requests) throw forbidden();
  return json({ bodyName: principal.organisation.name, requests });
}

/** A request can only be answered while its case is undecided. */
function answerable(status: "requested" | "answered" | "cancelled", caseStatus: CaseStatus): boolean {
  return status === "requested" && OPEN_CASE_STATUSES.includes(caseStatus);
}

function statusText(status: "requested" | "answered" | "cancelled", statement: Statement | null, caseStatus: CaseStatus): string {
  if (status === "answered" && statement) return STATEMENT_LABELS[statement];
  if (status === "requested") return answerable(status, caseStatus) ? "offen" : "nicht mehr möglich (Verfahren abgeschlossen)";
  return "zurückgenommen";
}

export default function StatementRequests() {
  const { bodyName, requests } = useLoaderData<typeof loader>();
  const open = requests.filter((r) => answerable(r.status, r.caseStatus)).length;
  return (
    <div className="kern-stack">
      <hgroup className="kern-hgroup">
        <p className="kern-preline">{bodyName}</p>
        <h1 className="kern-heading-large">Stellungnahmen</h1>
      </hgroup>
      <p className="kern-body page-narrow">
        Straßenbaubehörden bitten Sie hier um Ihre Stellungnahme zu Anträgen auf Zustimmung nach § 127 TKG. Ihre Auflagen werden Teil der Zustimmung
        (§ 127 Abs. 5 TKG). Bitte antworten Sie bis zur genannten Frist, damit die Behörde fristgerecht entscheiden kann.
      </p>
      {requests.length === 0 ? (
        <p className="kern-body">Zurzeit liegen keine Anfragen um Stellungnahme vor. Sobald eine Behörde Sie beteiligt, erscheint die Anfrage hier und Sie erhalten eine E-Mail.</p>
      ) : (
        <div className="kern-table-responsive">
          <table className="kern-table kern-table--small kern-table--striped">
            <caption className="kern-sr-only">
              {requests.length} {requests.length === 1 ? "Anfrage" : "Anfragen"}, davon {open} offen; offene zuerst, nach Frist sortiert
            </caption>
            <thead className="kern-table__header">
              <tr className="kern-table__row">
                <th scope="col" className="kern-table__cell">Aktenzeichen</th>
                <th scope="col" className="kern-table__cell">Vorhaben</th>
                <th scope="col" className="kern-table__cell">Straßenbaubehörde</th>
                <th scope="col" className="kern-table__cell">Stellungnahme bis</th>
                <th scope="col" className="kern-table__cell">Status</th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {requests.map((r) => (
                <tr key={r.involvementId} className="kern-table__row">
                  <th scope="row" className="kern-table__cell">
                    <Link className="kern-link" to={`/stellungnahmen/${r.caseId}`}>
                      {r.fileNumber}
                    </Link>
                  </th>
                  <td className="kern-table__cell">{r.title}</td>
                  <td className="kern-table__cell">{r.authorityName}</td>
                  <td className="kern-table__cell">
                    {answerable(r.status, r.caseStatus) ? (
                      // the statement deadline runs on its own, whatever the case clock does: urgency as for a running case
                      <DeadlineBadge dueOn={r.dueOn} daysLeft={r.daysLeft} urgency={urgencyOf("in_review", r.daysLeft)} />
                    ) : (
                      formatDueDate(r.dueOn)
                    )}
                  </td>
                  <td className="kern-table__cell">{statusText(r.status, r.statement, r.caseStatus)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
