import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getPrincipal } from "~/modules/auth/guards.server";

export const meta: MetaFunction = () => [
  { title: "Breitband-Portal – Zustimmung für den Glasfaserausbau" },
  {
    name: "description",
    content:
      "Netzbetreiber beantragen die Zustimmung zur Verlegung von Glasfaser in öffentlichen Straßen (§ 127 TKG), Straßenbaulastträger entscheiden digital.",
  },
];

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getPrincipal(request)) throw redirect("/start");
  return null;
}

const AUDIENCES = [
  {
    title: "Netzbetreiber und Planungsbüros",
    text: "Trasse auf der Karte zeichnen oder hochladen, sofort sehen, wessen Straße betroffen ist und was im Weg liegt – Bäume, Wasserschutzgebiete, Bahnquerungen, frisch sanierte Fahrbahnen. Ein Antrag, der vollständig ist, bevor er abgeschickt wird.",
  },
  {
    title: "Straßenbaulastträger",
    text: "Gemeinden, Kreise, Landesstraßenbauverwaltung und Autobahn GmbH bearbeiten Anträge für ihre Straßen im Portal: Fristen im Blick, Fachbehörden beteiligen, Nebenbestimmungen aus dem eigenen Katalog, digitaler Bescheid mit Prüfcode.",
  },
  {
    title: "Fachbehörden",
    text: "Naturschutz-, Wasser-, Denkmal- und Verkehrsbehörden geben ihre Stellungnahme direkt im Verfahren ab; sie fließt in die Zustimmung ein (§ 127 Abs. 5 TKG).",
  },
  {
    title: "Landesebene",
    text: "Gigabit-Versorgung der Haushalte und Bearbeitungszeiten aller Behörden auf einen Blick, als Karte, Diagramm und Export.",
  },
];

export default function Landing() {
  return (
    <div className="kern-stack">
      <hgroup className="kern-hgroup landing-hero">
        <h1 className="kern-heading-display">Glasfaser schneller genehmigt</h1>
        <p className="kern-subline kern-subline--large">
          Das Breitband-Portal ersetzt Papier, E-Mail und monatelange Rückfragen durch eine Karte, eine
          sofortige Prüfung und die digitale Zustimmung nach § 127 Telekommunikationsgesetz.
        </p>
      </hgroup>
      <p>
        <a className="kern-btn kern-btn--primary" href="/anmelden">
          <span className="kern-label">Anmelden</span>
        </a>
      </p>
      <section aria-labelledby="fuer-wen">
        <h2 id="fuer-wen" className="kern-heading-medium">
          Für wen ist das Portal?
        </h2>
        <div className="card-grid">
          {AUDIENCES.map((a) => (
            <article key={a.title} className="kern-card">
              <div className="kern-card__container">
                <header className="kern-card__header">
                  <h3 className="kern-title">{a.title}</h3>
                </header>
                <div className="kern-card__body">
                  <p className="kern-body">{a.text}</p>
                </div>
              </div>
            </article>
          ))}
        </div>
      </section>
      <section aria-labelledby="verfahren">
        <h2 id="verfahren" className="kern-heading-medium">
          So läuft das Verfahren
        </h2>
        <ol className="kern-list kern-list--number">
          <li>Trasse zeichnen, hochladen oder als Koordinaten eingeben.</li>
          <li>Sofortige Prüfung: zuständige Straßenbaulastträger, Konflikte, Querungen, Bauweise.</li>
          <li>Antrag stellen: je zuständiger Behörde ein Verfahren mit eigener Frist.</li>
          <li>
            Prüfung durch die Behörde. Nach drei Monaten ab vollständigem Antrag gilt die Zustimmung als
            erteilt (Zustimmungsfiktion, § 127 Abs. 3 TKG).
          </li>
          <li>Digitaler Bescheid mit Prüfcode, Baubeginn und Fertigstellung melden.</li>
        </ol>
      </section>
    </div>
  );
}
