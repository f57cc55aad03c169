import { isRouteErrorResponse, useRouteError } from "@remix-run/react";

const TEXTS: Record<number, { title: string; text: string }> = {
  400: { title: "Ungültige Anfrage", text: "Die Anfrage konnte nicht verarbeitet werden." },
  401: { title: "Anmeldung erforderlich", text: "Bitte melden Sie sich an, um diese Seite zu sehen." },
  403: { title: "Keine Berechtigung", text: "Sie haben keine Berechtigung für diese Seite." },
  404: {
    title: "Seite nicht gefunden",
    text: "Die aufgerufene Seite gibt es nicht oder nicht mehr. Bitte prüfen Sie die Adresse.",
  },
  405: { title: "Nicht erlaubt", text: "Diese Aktion ist hier nicht möglich." },
  409: { title: "Konflikt", text: "Der Datensatz wurde inzwischen geändert. Bitte laden Sie die Seite neu." },
  413: { title: "Zu groß", text: "Die gesendeten Daten sind zu groß." },
  429: { title: "Zu viele Anfragen", text: "Bitte warten Sie einen Moment und versuchen Sie es erneut." },
};

/**
 * The one error page of the portal (root ErrorBoundary). Thrown Responses carry a German message
 * in `{ message }`; unexpected errors show a neutral text — details stay in the server log.
 */
export function ErrorPage() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const fallback = TEXTS[status] ?? {
    title: "Technischer Fehler",
    text: "Es ist ein unerwarteter Fehler aufgetreten. Bitte versuchen Sie es später erneut. Ihre Eingaben wurden nicht gespeichert.",
  };
  const message =
    isRouteErrorResponse(error) && error.data && typeof error.data === "object" && "message" in error.data
      ? String((error.data as { message: unknown }).message)
      : fallback.text;
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="kern-preline">Fehler {status}</p>
      <h1 id="error-title" className="kern-heading-large">
        {fallback.title}
      </h1>
      <p className="kern-body kern-body--large">{message}</p>
      <p className="kern-body">
        <a className="kern-link" href="/">
          Zur Startseite
        </a>
        {status === 401 || status === 403 ? (
          <>
            {" · "}
            <a className="kern-link" href="/anmelden">
              Mit einem anderen Konto anmelden
            </a>
          </>
        ) : null}
      </p>
    </section>
  );
}
