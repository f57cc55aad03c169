import { ATTACHMENT_KIND_LABELS, type AttachmentKind } from "~/modules/applications/schema";

/** The documents of an application, each a download link with its kind. */
export function AttachmentList({ applicationId, attachments }: { applicationId: string; attachments: { id: string; kind: AttachmentKind; fileName: string }[] }) {
  return (
    <ul className="kern-list">
      {attachments.map((a) => (
        <li key={a.id}>
          <a className="kern-link" href={`/antraege/${applicationId}/anlagen/${a.id}`}>
            {a.fileName}
          </a>{" "}
          ({ATTACHMENT_KIND_LABELS[a.kind]})
        </li>
      ))}
    </ul>
  );
}
