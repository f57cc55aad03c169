import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { db } from "~/db.server";
import { requireUser } from "~/modules/auth/guards.server";
import { LEVEL_LABELS, ROLE_LABELS, type AuthorityLevel, type Role } from "~/modules/auth/roles";
import { ROAD_CLASS_LABELS } from "~/modules/roads/classes";
import { regionSummary, roadNetworkSummary } from "~/modules/roads/network.server";
import { listOrganisations } from "~/modules/organisations/service.server";

export const meta: MetaFunction = () => [{ title: "Start – Breitband-Portal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const principal = await requireUser(request);
  const knex = await db();
  const isAuthority = principal.role === "authority_clerk" || principal.role === "authority_admin";
  return json({
    role: principal.role,
    name: principal.name,
    organisation: principal.organisation,
    roads: isAuthority ? await roadNetworkSummary(knex, principal) : null,
    region: principal.role === "state_analyst" ? await regionSummary(knex) : null,
    organisations: principal.role === "platform_admin" ? (await listOrganisations(knex)).length : null,
  });
}

/** What each role does in the portal; shown on its home page. */
const TASKS: Record<Role, { intro: string; tasks: string[] }> = {
  operator: {
    intro: "Hier planen Sie Trassen, prüfen sie sofort gegen Straßen und Schutzgebiete und stellen Anträge auf Zustimmung nach § 127 TKG.",
    tasks: ["Trasse zeichnen oder hochladen und prüfen", "Antrag stellen und Verfahrensstand verfolgen", "Baubeginn und Fertigstellung melden"],
  },
  authority_clerk: {
    intro: "Hier bearbeiten Sie Anträge auf Zustimmung für Telekommunikationslinien in den Straßen Ihrer Behörde.",
    tasks: ["Posteingang nach Fristen sortiert", "Vollständigkeit prüfen, Unterlagen nachfordern", "Fachbehörden beteiligen, Nebenbestimmungen festlegen, entscheiden"],
  },
  authority_admin: {
    intro: "Hier verwalten Sie die Einstellungen Ihrer Behörde im Portal.",
    tasks: ["Sachbearbeitung Ihrer Behörde verwalten", "Textbausteine für Nebenbestimmungen und Hinweise pflegen", "Prüfregeln und Briefkopf einstellen"],
  },
  consulted_body: {
    intro: "Hier geben Sie Stellungnahmen zu Verfahren ab, an denen Ihre Behörde beteiligt wurde.",
    tasks: ["Beteiligungen mit Frist einsehen", "Stellungnahme abgeben: Zustimmung, mit Auflagen oder Einwand"],
  },
  state_analyst: {
    intro: "Hier verfolgen Sie den Gigabitausbau und die Bearbeitungszeiten aller Behörden – lesend, ohne in Verfahren einzugreifen.",
    tasks: ["Gigabit-Versorgung je Land, Kreis und Gemeinde", "Anträge, Entscheidungen und Zustimmungsfiktionen", "Bearbeitungsdauer je Behörde, Export als CSV und GeoJSON"],
  },
  platform_admin: {
    intro: "Hier verwalten Sie Organisationen, Benutzerkonten und Fachdaten des Portals.",
    tasks: ["Organisationen anlegen", "Benutzerkonten anlegen und Rollen zuweisen"],
  },
};

const numberFormat = new Intl.NumberFormat("de-DE");

export default function Start() {
  const data = useLoaderData<typeof loader>();
  const role = TASKS[data.role];
  return (
    <div className="kern-stack">
      <hgroup className="kern-hgroup">
        <p className="kern-preline">{ROLE_LABELS[data.role]}</p>
        <h1 className="kern-heading-large">Willkommen, {data.name}</h1>
        <p className="kern-subline">
          {data.organisation.name}
          {data.organisation.authorityLevel
            ? ` · Straßenbaulastträger (${LEVEL_LABELS[data.organisation.authorityLevel as AuthorityLevel]})`
            : ""}
        </p>
      </hgroup>
      <p className="kern-body kern-body--large">{role.intro}</p>
      <section aria-labelledby="aufgaben">
        <h2 id="aufgaben" className="kern-heading-medium">
          Ihre Aufgaben im Portal
        </h2>
        <ul className="kern-list kern-list--bullet">
          {role.tasks.map((t) => (
            <li key={t}>{t}</li>
          ))}
        </ul>
      </section>
      {data.role === "operator" ? (
        <p>
          <Link className="kern-btn kern-btn--primary" to="/antraege">
            <span className="kern-label">Zu Ihren Anträgen</span>
          </Link>
        </p>
      ) : null}
      {data.roads ? (
        <section aria-labelledby="strassen">
          <h2 id="strassen" className="kern-heading-medium">
            Straßen in Ihrer Baulast
          </h2>
          {data.roads.length === 0 ? (
            <p className="kern-body">Ihrer Behörde sind noch keine Straßen zugeordnet.</p>
          ) : (
            <table className="kern-table kern-table--small">
              <caption className="kern-title kern-title--small">Länge nach Straßenklasse</caption>
              <thead className="kern-table__header">
                <tr className="kern-table__row">
                  <th scope="col" className="kern-table__cell">Straßenklasse</th>
                  <th scope="col" className="kern-table__cell kern-table__cell--numeric">Länge (km)</th>
                  <th scope="col" className="kern-table__cell kern-table__cell--numeric">davon Ortsdurchfahrt (km)</th>
                  <th scope="col" className="kern-table__cell kern-table__cell--numeric">Abschnitte</th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {data.roads.map((r) => (
                  <tr key={r.roadClass} className="kern-table__row">
                    <th scope="row" className="kern-table__cell">{ROAD_CLASS_LABELS[r.roadClass]}</th>
                    <td className="kern-table__cell kern-table__cell--numeric">{r.lengthKm.toLocaleString("de-DE")}</td>
                    <td className="kern-table__cell kern-table__cell--numeric">{r.ortsdurchfahrtKm.toLocaleString("de-DE")}</td>
                    <td className="kern-table__cell kern-table__cell--numeric">{numberFormat.format(r.segments)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}
      {data.region ? (
        <section aria-labelledby="gebiet">
          <h2 id="gebiet" className="kern-heading-medium">
            Portalgebiet
          </h2>
          <dl className="kern-description-list">
            <div className="kern-description-list-item">
              <dt className="kern-description-list-item__key">Gemeinden</dt>
              <dd className="kern-description-list-item__value">{numberFormat.format(data.region.gemeinden)}</dd>
            </div>
            <div className="kern-description-list-item">
              <dt className="kern-description-list-item__key">Kreise</dt>
              <dd className="kern-description-list-item__value">{numberFormat.format(data.region.kreise)}</dd>
            </div>
            <div className="kern-description-list-item">
              <dt className="kern-description-list-item__key">Haushalte</dt>
              <dd className="kern-description-list-item__value">{numberFormat.format(data.region.households)}</dd>
            </div>
            <div className="kern-description-list-item">
              <dt className="kern-description-list-item__key">Straßenbaulastträger</dt>
              <dd className="kern-description-list-item__value">
                {data.region.authorities
                  .map((a) => `${a.count} ${LEVEL_LABELS[a.level as AuthorityLevel] ?? a.level}`)
                  .join(", ")}
              </dd>
            </div>
          </dl>
        </section>
      ) : null}
      {data.organisations !== null ? (
        <section aria-labelledby="verwaltung">
          <h2 id="verwaltung" className="kern-heading-medium">
            Verwaltung
          </h2>
          <p className="kern-body">
            {numberFormat.format(data.organisations)} Organisationen sind im Portal registriert.{" "}
            <Link className="kern-link" to="/admin/organisationen">
              Organisationen verwalten
            </Link>{" "}
            ·{" "}
            <Link className="kern-link" to="/admin/benutzer">
              Benutzer verwalten
            </Link>
          </p>
        </section>
      ) : null}
    </div>
  );
}
