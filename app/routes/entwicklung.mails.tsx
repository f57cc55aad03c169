import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { requireUser, notFound } from "~/modules/auth/guards.server";
import { listOutbox, type OutboxStatus } from "~/modules/mail/outbox.server";

export const meta: MetaFunction = () => [{ title: "E-Mails (Entwicklung) – Breitband-Portal" }];

/**
 * In the embedded or demo installation no e-mail leaves the machine: this page shows what the
 * portal would have sent. In a production installation (real database, no demo data) it does not exist.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  if (env().DB_ENGINE !== "pglite" && !env().DEMO_DATA) throw notFound();
  await requireUser(request);
  return json({ mails: await listOutbox(await db(), { limit: 200 }) });
}

const STATUS_LABELS: Record<OutboxStatus, string> = {
  pending: "wartet auf Versand",
  sent: "versendet",
  failed: "Versand fehlgeschlagen",
  kept: "nicht versendet (kein SMTP-Server)",
};

const dateTime = new Intl.DateTimeFormat("de-DE", { dateStyle: "medium", timeStyle: "medium", timeZone: "Europe/Berlin" });

export default function DevMails() {
  const { mails } = useLoaderData<typeof loader>();
  return (
    <div className="kern-stack">
      <hgroup className="kern-hgroup">
        <p className="kern-preline">Entwicklung</p>
        <h1 className="kern-heading-large">E-Mails der Demo-Installation</h1>
      </hgroup>
      <p className="kern-body">
        Ohne SMTP-Server versendet die Installation keine E-Mails; hier steht, was sie versendet hat oder versendet hätte ({mails.length}).
      </p>
      {mails.map((m) => (
        <article key={m.id} className="kern-card">
          <div className="kern-card__container">
            <header className="kern-card__header">
              <h2 className="kern-title">{m.subject}</h2>
              <p className="kern-body kern-body--small">
                An {m.to} · {dateTime.format(new Date(m.createdAt))} · {STATUS_LABELS[m.status]}
              </p>
            </header>
            <div className="kern-card__body">
              <pre className="mail-body">{m.body}</pre>
            </div>
          </div>
        </article>
      ))}
    </div>
  );
}
