import type { Role } from "~/modules/auth/roles";

/**
 * The demo accounts, one per role, shown on the login page of a demo installation. Browser-safe:
 * the seed creates them, the UI lists them.
 */
export const DEMO_PASSWORD = "Demo-2026!";

export interface DemoAccount {
  email: string;
  name: string;
  role: Role;
  organisationSlug: string;
  description: string;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    email: "betreiber@demo.test",
    name: "Jonas Becker",
    role: "operator",
    organisationSlug: "glasfasernetz-hessen",
    description:
      "Trassenplaner der GlasfaserNetz Hessen GmbH: zeichnet Trassen, stellt Anträge, beantwortet Nachforderungen und meldet Baubeginn und Fertigstellung.",
  },
  {
    email: "gemeinde@demo.test",
    name: "Sabine Wagner",
    role: "authority_clerk",
    organisationSlug: "stadt-auenstadt",
    description:
      "Sachbearbeiterin im Tiefbauamt der Stadt Auenstadt: prüft Anträge für Gemeindestraßen und die städtischen Ortsdurchfahrten, fordert Unterlagen nach, beteiligt Fachbehörden und entscheidet.",
  },
  {
    email: "kreis@demo.test",
    name: "Thomas Schmitt",
    role: "authority_clerk",
    organisationSlug: "kreis-auenwald",
    description:
      "Sachbearbeiter beim Kreisausschuss des Landkreises Auenwald: entscheidet über Leitungsverlegungen in Kreisstraßen außerhalb der Ortsdurchfahrten großer Städte.",
  },
  {
    email: "land@demo.test",
    name: "Katharina Hoffmann",
    role: "authority_clerk",
    organisationSlug: "hessen-mobil",
    description:
      "Sachbearbeiterin bei Hessen Mobil: entscheidet über Bundes- und Landesstraßen, bei Bundesstraßen auch innerhalb der Ortsdurchfahrten.",
  },
  {
    email: "behoerdenadmin@demo.test",
    name: "Michael Schneider",
    role: "authority_admin",
    organisationSlug: "stadt-auenstadt",
    description:
      "Behördenadministrator der Stadt Auenstadt: verwaltet Sachbearbeitende, Nebenbestimmungen, Prüfregeln und den Briefkopf der Stadt.",
  },
  {
    email: "fachbehoerde@demo.test",
    name: "Dr. Anna Weber",
    role: "consulted_body",
    organisationSlug: "unb-auenwald",
    description:
      "Untere Naturschutzbehörde des Landkreises Auenwald: gibt Stellungnahmen zu Vorhaben in Schutzgebieten ab, wenn sie beteiligt wird.",
  },
  {
    email: "landesebene@demo.test",
    name: "Markus Fischer",
    role: "state_analyst",
    organisationSlug: "hmdi-hessen",
    description:
      "Referent im Digitalministerium: beobachtet Bearbeitungszeiten und Gigabitversorgung aller Behörden, liest alles, entscheidet nichts.",
  },
  {
    email: "admin@demo.test",
    name: "Laura Klein",
    role: "platform_admin",
    organisationSlug: "breitband-portal-betrieb",
    description: "Plattformadministratorin: verwaltet Organisationen, Benutzer und Geodaten-Layer des Portals.",
  },
];
