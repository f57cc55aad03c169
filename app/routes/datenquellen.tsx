import type { MetaFunction } from "@remix-run/node";

export const meta: MetaFunction = () => [{ title: "Datenquellen und Lizenzen – Breitband-Portal" }];

export default function DataSources() {
  return (
    <div className="kern-stack page-narrow">
      <h1 className="kern-heading-large">Datenquellen und Lizenzen</h1>
      <p className="kern-body">
        Die Demo-Region „Landkreis Auenwald“ ist frei erfunden und wird vom Portal selbst erzeugt.
        Importierte Fachdaten tragen ihre Quelle und Lizenz; sie werden hier und in den Exporten genannt.
      </p>
      <ul className="kern-list kern-list--bullet">
        <li>Verwaltungsgrenzen: © GeoBasis-DE / BKG (dl-de/by-2-0), Daten verändert</li>
        <li>Einwohnerzahlen: © Statistisches Bundesamt (Destatis), dl-de/by-2-0</li>
        <li>Straßen und Fachobjekte aus OpenStreetMap: © OpenStreetMap-Mitwirkende, ODbL 1.0</li>
        <li>Breitbandverfügbarkeit: Breitbandatlas | Gigabit-Grundbuch (https://gigabitgrundbuch.bund.de)</li>
      </ul>
    </div>
  );
}
