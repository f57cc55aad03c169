import { DOCUMENT_KIND_LABELS, type DocumentKind } from "~/modules/documents/model";

export interface DocumentListItem {
  id: string;
  kind: DocumentKind;
  version: number;
  issuedAt: string;
  pageCount: number;
  sizeBytes: number;
  replacedById: string | null;
  /** shown when a list spans several cases (the operator's application page) */
  context?: string;
}

const dateTime = new Intl.DateTimeFormat("de-DE", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Berlin" });
const kilobytes = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 0 });

/** Issued documents with download and verification links; a corrected one says so and stays readable. */
export function DocumentList({ documents }: { documents: readonly DocumentListItem[] }) {
  if (documents.length === 0) return <p className="kern-body">Noch keine Dokumente ausgestellt.</p>;
  return (
    <ul className="kern-list document-list">
      {documents.map((d) => (
        <li key={d.id}>
          <a href={`/dokumente/${d.id}`} target="_blank" rel="noreferrer">
            {DOCUMENT_KIND_LABELS[d.kind]}
            {d.version > 1 ? ` (berichtigte Fassung ${d.version})` : ""}
          </a>{" "}
          <span className="kern-body kern-body--small">
            {d.context ? `${d.context} · ` : ""}
            {dateTime.format(new Date(d.issuedAt))} · PDF, {d.pageCount} {d.pageCount === 1 ? "Seite" : "Seiten"}, {kilobytes.format(d.sizeBytes / 1024)} KB ·{" "}
            <a href={`/verify/${d.id}`}>Echtheit prüfen</a>
            {d.replacedById ? " · ersetzt durch eine berichtigte Fassung" : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}
