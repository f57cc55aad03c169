import { LEVEL_LABELS, type AuthorityLevel } from "~/modules/auth/roles";
import { responsibleAuthorities } from "~/modules/applications/completeness";
import { LAYING_METHOD_LABELS } from "~/modules/checks/methods";
import { SEVERITY_LABELS, type CheckReport, type Severity } from "~/modules/checks/report";
import { CONFLICT_LAYER_INFO, type ConflictLayerKey } from "~/modules/layers/keys";
import { ROAD_CLASS_LABELS, type RoadClass } from "~/modules/roads/classes";

export type ReportFocus = { kind: "section" | "conflict" | "crossing" | "offRoad"; index: number };

const metres = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 0 });
const BADGE: Record<Severity, string> = { blocking: "danger", permit_required: "warning", warning: "warning", hint: "info" };

function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`kern-badge kern-badge--${BADGE[severity]} kern-badge--small`}>{SEVERITY_LABELS[severity]}</span>;
}

/**
 * The route check as a list: who must consent, what lies in the way, what is crossed. The
 * accessible, non-map form of the result; "Auf der Karte zeigen" focuses the map on an item.
 */
export function CheckReportPanel({ report, onFocus }: { report: CheckReport; onFocus?: (focus: ReportFocus) => void }) {
  const authorities = responsibleAuthorities(report);
  const blocking = [...report.findings, ...report.conflicts, ...report.method].filter((f) => f.severity === "blocking");
  const show = (focus: ReportFocus) =>
    onFocus ? (
      <button type="button" className="kern-btn kern-btn--tertiary kern-btn--x-small" onClick={() => onFocus(focus)}>
        <span className="kern-label">Auf der Karte zeigen</span>
      </button>
    ) : null;
  return (
    <div className="check-report kern-stack" aria-live="polite">
      <p className="kern-body">
        Länge der Trasse: <strong>{metres.format(report.lengthM)} m</strong>
        {blocking.length > 0 ? (
          <>
            {" · "}
            <strong className="text-danger">
              {blocking.length} {blocking.length === 1 ? "unzulässiger Punkt" : "unzulässige Punkte"} – so kann der Antrag nicht gestellt werden.
            </strong>
          </>
        ) : null}
      </p>
      {report.findings.length > 0 ? (
        <ul className="kern-list">
          {report.findings.map((f, i) => (
            <li key={`${f.code}-${i}`}>
              <SeverityBadge severity={f.severity} /> {f.message}
            </li>
          ))}
        </ul>
      ) : null}

      <section aria-labelledby="report-authorities">
        <h3 id="report-authorities" className="kern-heading-small">
          Zuständige Straßenbaulastträger
        </h3>
        {authorities.length === 0 ? (
          <p className="kern-body">Die Trasse liegt in keiner öffentlichen Straße.</p>
        ) : (
          <table className="kern-table kern-table--small">
            <thead className="kern-table__header">
              <tr className="kern-table__row">
                <th scope="col" className="kern-table__cell">Behörde</th>
                <th scope="col" className="kern-table__cell kern-table__cell--numeric">Länge (m)</th>
                <th scope="col" className="kern-table__cell kern-table__cell--numeric">Querungen</th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {authorities.map((a) => (
                <tr key={a.id} className="kern-table__row">
                  <th scope="row" className="kern-table__cell">{a.name}</th>
                  <td className="kern-table__cell kern-table__cell--numeric">{metres.format(a.lengthM)}</td>
                  <td className="kern-table__cell kern-table__cell--numeric">{a.crossings}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {report.sections.length > 0 ? (
        <section aria-labelledby="report-methods">
          <h3 id="report-methods" className="kern-heading-small">
            Länge je Verlegeverfahren
          </h3>
          <ul className="kern-list">
            {Object.entries(
              report.sections.reduce<Record<string, number>>((sum, s) => ({ ...sum, [s.method]: (sum[s.method] ?? 0) + s.lengthM }), {}),
            ).map(([method, length]) => (
              <li key={method}>
                {LAYING_METHOD_LABELS[method as keyof typeof LAYING_METHOD_LABELS]}: {metres.format(length)} m
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="report-sections">
        <h3 id="report-sections" className="kern-heading-small">
          Abschnitte ({report.sections.length})
        </h3>
        <ol className="kern-list kern-list--number report-list">
          {report.sections.map((s, i) => (
            <li key={i}>
              {s.roads.map((r) => [r.ref, r.name].filter(Boolean).join(" ")).join(", ") || ROAD_CLASS_LABELS[s.roadClass as RoadClass]}
              {" – "}
              {ROAD_CLASS_LABELS[s.roadClass as RoadClass]}, {metres.format(s.lengthM)} m, {LAYING_METHOD_LABELS[s.method]}
              <br />
              <span className="kern-body--small">
                {s.authority ? `${s.authority.name} (${LEVEL_LABELS[s.authority.level as AuthorityLevel] ?? s.authority.level})` : "ohne Straßenbaulastträger"}
                {s.gemeinde ? ` · Gemeinde ${s.gemeinde.name}` : ""}
              </span>{" "}
              {show({ kind: "section", index: i })}
            </li>
          ))}
        </ol>
        {report.offRoad.length > 0 ? (
          <p className="kern-body">
            Außerhalb öffentlicher Straßen: {report.offRoad.map((o) => `${metres.format(o.lengthM)} m`).join(", ")} (Privatgrund oder Wirtschaftswege:
            Zustimmung der Eigentümer erforderlich).
          </p>
        ) : null}
      </section>

      <section aria-labelledby="report-conflicts">
        <h3 id="report-conflicts" className="kern-heading-small">
          Konflikte ({report.conflicts.length})
        </h3>
        {report.conflicts.length === 0 ? (
          <p className="kern-body">Keine Konflikte mit Schutzgütern oder Leitungen gefunden.</p>
        ) : (
          <ul className="kern-list report-list">
            {report.conflicts.map((c, i) => (
              <li key={`${c.featureId}-${c.code}`}>
                <SeverityBadge severity={c.severity} /> <strong>{CONFLICT_LAYER_INFO[c.layer as ConflictLayerKey]?.name ?? c.layer}</strong>
                {c.name ? ` „${c.name}“` : ""} – {c.distanceM === 0 ? "berührt die Trasse" : `${String(c.distanceM).replace(".", ",")} m entfernt`}
                {c.affectedLengthM > 1 ? `, auf ${metres.format(c.affectedLengthM)} m betroffen` : ""}
                <br />
                <span className="kern-body--small">
                  {c.message} <em>Rechtsgrundlage: {c.legalBasis}</em>
                </span>{" "}
                {show({ kind: "conflict", index: i })}
              </li>
            ))}
          </ul>
        )}
      </section>

      {report.method.length > 0 ? (
        <section aria-labelledby="report-method">
          <h3 id="report-method" className="kern-heading-small">
            Bauweise
          </h3>
          <ul className="kern-list report-list">
            {report.method.map((m, i) => (
              <li key={`${m.code}-${i}`}>
                <SeverityBadge severity={m.severity} /> {m.message}
                {m.sectionIndex !== undefined ? ` (Abschnitt ${m.sectionIndex + 1})` : ""} <em>Rechtsgrundlage: {m.legalBasis}</em>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="report-crossings">
        <h3 id="report-crossings" className="kern-heading-small">
          Querungen ({report.crossings.length})
        </h3>
        {report.crossings.length === 0 ? (
          <p className="kern-body">Keine Querungen.</p>
        ) : (
          <ul className="kern-list report-list">
            {report.crossings.map((c, i) => (
              <li key={i}>
                {c.kind === "road"
                  ? `${ROAD_CLASS_LABELS[c.roadClass as RoadClass] ?? "Straße"} ${[c.ref, c.name].filter(Boolean).join(" ")}`
                  : c.kind === "railway"
                    ? `Bahnstrecke ${c.name ?? ""}`
                    : `Gewässer ${c.name ?? ""}`}
                {c.authority ? ` – Zustimmung: ${c.authority.name}` : ""} {show({ kind: "crossing", index: i })}
              </li>
            ))}
          </ul>
        )}
      </section>

      {report.clashes.length > 0 ? (
        <section aria-labelledby="report-clashes">
          <h3 id="report-clashes" className="kern-heading-small">
            Andere Vorhaben in der Nähe ({report.clashes.length})
          </h3>
          <p className="kern-body kern-body--small">
            Mitverlegung und Koordinierung von Bauarbeiten (Art. 5 Gigabit Infrastructure Act): Bitte nehmen Sie Kontakt auf.
          </p>
          <ul className="kern-list report-list">
            {report.clashes.map((c) => (
              <li key={c.applicationId}>
                „{c.title}“ von {c.operator}, auf {metres.format(c.overlapLengthM)} m in der Nähe
                {c.periodOverlap ? `, zeitgleich ${c.periodOverlap.start} bis ${c.periodOverlap.end}` : ""}
                {typeof c.contact.email === "string" ? ` – Kontakt: ${String(c.contact.name ?? "")} ${c.contact.email}` : ""}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
