import { Form, NavLink } from "@remix-run/react";
import { ROLE_LABELS, type Role } from "~/modules/auth/roles";
import { CsrfInput } from "./forms";

interface HeaderUser {
  name: string;
  role: Role;
  organisationName: string;
}

/** Navigation per role: only pages that exist; later capabilities add their entries here. */
const NAVIGATION: Record<Role, { to: string; label: string }[]> = {
  operator: [{ to: "/antraege", label: "Anträge" }],
  authority_clerk: [{ to: "/faelle", label: "Posteingang" }],
  authority_admin: [
    { to: "/faelle", label: "Posteingang" },
    { to: "/verwaltung/auflagen", label: "Nebenbestimmungen" },
    { to: "/verwaltung/verfahren", label: "Verfahren" },
  ],
  consulted_body: [{ to: "/stellungnahmen", label: "Stellungnahmen" }],
  state_analyst: [{ to: "/statistik", label: "Dashboard" }],
  platform_admin: [
    { to: "/statistik", label: "Dashboard" },
    { to: "/admin/organisationen", label: "Organisationen" },
    { to: "/admin/benutzer", label: "Benutzer" },
  ],
};

export function SiteHeader({ user, csrfToken }: { user: HeaderUser | null; csrfToken: string }) {
  return (
    <header className="site-header">
      <div className="kern-kopfzeile">
        <div className="kern-container">
          <div className="kern-kopfzeile__content">
            <span className="kern-kopfzeile__flagge" aria-hidden="true" />
            <span className="kern-kopfzeile__label">Ein Angebot der Länder Hessen und Rheinland-Pfalz</span>
          </div>
        </div>
      </div>
      <div className="kern-container site-header__bar">
        <a href={user ? "/start" : "/"} className="site-brand">
          <span className="site-brand__mark" aria-hidden="true" />
          <span>
            <span className="site-brand__name">Breitband-Portal</span>
            <span className="site-brand__claim">Zustimmung für Telekommunikationslinien nach § 127 TKG</span>
          </span>
        </a>
        {user ? (
          <div className="site-user">
            <p className="kern-body kern-body--small">
              <span className="kern-body--bold">{user.name}</span>
              <br />
              {ROLE_LABELS[user.role]} · {user.organisationName}
            </p>
            <Form method="post" action="/abmelden">
              <CsrfInput token={csrfToken} />
              <button type="submit" className="kern-btn kern-btn--secondary kern-btn--x-small">
                <span className="kern-label">Abmelden</span>
              </button>
            </Form>
          </div>
        ) : (
          <a className="kern-btn kern-btn--primary" href="/anmelden">
            <span className="kern-label">Anmelden</span>
          </a>
        )}
      </div>
      {user ? (
        <nav aria-label="Hauptnavigation" className="site-nav">
          <ul className="kern-container site-nav__list">
            {[{ to: "/start", label: "Start" }, ...NAVIGATION[user.role], { to: "/konto/passwort", label: "Passwort ändern" }].map(
              (item) => (
                <li key={item.to}>
                  <NavLink to={item.to} className="site-nav__link" end={item.to === "/start"}>
                    {item.label}
                  </NavLink>
                </li>
              ),
            )}
          </ul>
        </nav>
      ) : null}
    </header>
  );
}

export function SiteFooter() {
  return (
    <footer className="site-footer">
      <div className="kern-container">
        <p className="kern-body kern-body--small">
          Breitband-Portal – digitale Zustimmungsverfahren für den Glasfaserausbau (§ 127 TKG, Gigabit
          Infrastructure Act). Kartendaten: siehe <a className="kern-link" href="/datenquellen">Datenquellen und Lizenzen</a> ·{" "}
          <a className="kern-link" href="/statistik/oeffentlich">Statistik</a> · <a className="kern-link" href="/verify">Echtheit eines Bescheids prüfen</a>.
        </p>
      </div>
    </footer>
  );
}
