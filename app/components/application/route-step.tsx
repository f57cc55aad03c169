import { useBeforeUnload, useBlocker } from "@remix-run/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { CheckReportPanel, type ReportFocus } from "~/components/check-report";
import { Alert } from "~/components/forms";
import { RouteMapLazy } from "~/components/map/route-map";
import { bboxOf } from "~/components/map/report-overlay";
import { emptyRoute, routeLines } from "~/components/map/route-value";
import type { CheckReport } from "~/modules/checks/report";
import { routeSender, SerialSaver, type SaveStatus } from "./autosave";
import { parseCoordinates } from "./coordinates";
import { EMPTY_VIEW } from "./view";

type Route = GeoJSON.FeatureCollection;

/**
 * Step 1: the route — drawn on the map, uploaded as a file, or typed as coordinates (the keyboard
 * path). Every change is checked at once (POST /api/v1/checks) and saved to the draft shortly after.
 */
export function RouteStep({
  applicationId,
  initialRoute,
  initialVersion,
  csrfToken,
  basemapStyleUrl,
}: {
  applicationId: string;
  initialRoute: Route | null;
  initialVersion: number;
  csrfToken: string;
  basemapStyleUrl: string | null;
}) {
  const [route, setRoute] = useState<Route>(initialRoute ?? emptyRoute());
  const [report, setReport] = useState<CheckReport | null>(null);
  const [checkState, setCheckState] = useState<{ busy: boolean; message: string | null; checkedMs: number | null }>({
    busy: false,
    message: null,
    checkedMs: null,
  });
  const [focus, setFocus] = useState<ReportFocus | null>(null);
  const [fitBounds, setFitBounds] = useState<[number, number, number, number] | null>(() => (initialRoute ? routeBounds(initialRoute) : null));
  const [loaded, setLoaded] = useState(false);
  const latestCheck = useRef(0);
  const [saveStatus, setSaveStatus] = useState<SaveStatus>({ state: "idle" });
  // created once: it carries the draft version from save to save
  const [saver] = useState(() => new SerialSaver<Route>(routeSender(applicationId, csrfToken), initialVersion, setSaveStatus));
  const saveTimer = useRef<ReturnType<typeof setTimeout>>();
  const checkTimer = useRef<ReturnType<typeof setTimeout>>();

  const check = useCallback(async (value: Route) => {
    const lines = routeLines(value);
    const n = ++latestCheck.current;
    if (lines.features.length === 0) {
      setReport(null);
      setCheckState({ busy: false, message: null, checkedMs: null });
      return;
    }
    setCheckState((s) => ({ ...s, busy: true }));
    const started = performance.now();
    try {
      const res = await fetch("/api/v1/checks", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ route: lines }),
      });
      const body = await res.json();
      if (n !== latestCheck.current) return; // a newer edit is on its way
      if (!res.ok) {
        setReport(null);
        setCheckState({ busy: false, message: body.detail ?? "Die Trasse konnte nicht geprüft werden.", checkedMs: null });
        return;
      }
      setReport(body as CheckReport);
      setCheckState({ busy: false, message: null, checkedMs: Math.round(performance.now() - started) });
    } catch {
      if (n === latestCheck.current) setCheckState({ busy: false, message: "Keine Verbindung zum Server: Die Prüfung wird beim nächsten Bearbeiten wiederholt.", checkedMs: null });
    }
  }, []);

  const pendingSave = useRef<Route | null>(null);
  const flush = useCallback(() => {
    clearTimeout(saveTimer.current);
    const value = pendingSave.current;
    pendingSave.current = null;
    return value ? saver.save(value) : saver.settled();
  }, [saver]);

  const change = useCallback(
    (value: Route, { immediate = false } = {}) => {
      setRoute(value);
      setFocus(null);
      clearTimeout(checkTimer.current);
      clearTimeout(saveTimer.current);
      pendingSave.current = value;
      checkTimer.current = setTimeout(() => void check(value), immediate ? 0 : 300);
      saveTimer.current = setTimeout(() => void flush(), immediate ? 0 : 1200);
    },
    [check, flush],
  );

  // Leaving the step (another step, another page) waits until the route is saved, so the next
  // page shows it. A failed save keeps the operator here with the message; a second try leaves.
  const unsaved = () => pendingSave.current !== null || saver.busy;
  const blocker = useBlocker(unsaved);
  useEffect(() => {
    if (blocker.state !== "blocked") return;
    void flush().then(() => (saver.failed ? blocker.reset() : blocker.proceed()));
  }, [blocker, flush, saver]);
  useBeforeUnload((event) => {
    if (unsaved()) event.preventDefault();
  });
  useEffect(
    () => () => {
      clearTimeout(checkTimer.current);
      void flush();
    },
    [flush],
  );

  // check the stored route once when the page opens
  useEffect(() => {
    if (initialRoute) void check(initialRoute);
  }, [initialRoute, check]);

  const downloadHref = useMemo(
    () => (typeof window === "undefined" ? undefined : URL.createObjectURL(new Blob([JSON.stringify(route, null, 2)], { type: "application/geo+json" }))),
    [route],
  );

  const adopt = (value: Route) => {
    change(value, { immediate: true });
    setFitBounds(routeBounds(value));
  };

  return (
    <div className="kern-stack">
      <div className="editor">
        <div className="editor__map" data-map-loaded={loaded ? "true" : undefined}>
          <RouteMapLazy
            value={route}
            onChange={change}
            editable
            report={report}
            focus={focus}
            fitBounds={fitBounds}
            basemapStyleUrl={basemapStyleUrl}
            initialView={initialRoute && routeBounds(initialRoute) ? undefined : EMPTY_VIEW}
            onLoad={() => setLoaded(true)}
          />
        </div>
        <aside className="editor__side" aria-labelledby="pruefung">
          <h2 id="pruefung" className="kern-heading-medium">
            Prüfergebnis
          </h2>
          <p className="save-state kern-body kern-body--small" role="status">
            {checkState.busy ? "Trasse wird geprüft …" : checkState.checkedMs !== null ? `Geprüft in ${checkState.checkedMs} ms. ` : ""}
            {saveStatus.state === "saving" ? "Wird gespeichert …" : saveStatus.state === "saved" ? "Entwurf gespeichert." : ""}
          </p>
          {saveStatus.state === "failed" ? <Alert tone="danger" title="Nicht gespeichert">{<p className="kern-body">{saveStatus.message}</p>}</Alert> : null}
          {checkState.message ? <Alert tone="warning" title="Prüfung nicht möglich">{<p className="kern-body">{checkState.message}</p>}</Alert> : null}
          {report ? (
            <CheckReportPanel report={report} onFocus={setFocus} />
          ) : (
            <p className="kern-body">Zeichnen Sie die Trasse in die Karte, laden Sie eine Datei hoch oder geben Sie Koordinaten ein.</p>
          )}
        </aside>
      </div>
      <div className="card-grid">
        <RouteUpload csrfToken={csrfToken} onRoute={adopt} />
        <CoordinateEntry csrfToken={csrfToken} onRoute={adopt} />
      </div>
      {route.features.length > 0 && downloadHref ? (
        <p>
          <a className="kern-link" href={downloadHref} download="trasse.geojson">
            Trasse als GeoJSON herunterladen
          </a>
        </p>
      ) : null}
    </div>
  );
}

/** The bounds of a route, to fit the map to it. */
export function routeBounds(route: Route): [number, number, number, number] | null {
  return bboxOf({ type: "GeometryCollection", geometries: route.features.flatMap((f) => (f.geometry ? [f.geometry] : [])) });
}

async function uploadRoute(file: File, srid: string, csrfToken: string): Promise<{ route?: Route; message?: string }> {
  const form = new FormData();
  form.set("file", file);
  form.set("srid", srid);
  form.set("csrf", csrfToken);
  const res = await fetch("/api/v1/route-files", { method: "POST", body: form });
  const body = await res.json().catch(() => ({}));
  return res.ok ? { route: body.route as Route } : { message: body.detail ?? "Die Datei konnte nicht übernommen werden." };
}

function RouteUpload({ csrfToken, onRoute }: { csrfToken: string; onRoute: (route: Route) => void }) {
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="kern-card"
      onSubmit={async (event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        const file = data.get("file");
        if (!(file instanceof File) || file.size === 0) {
          setMessage("Bitte wählen Sie eine Datei aus.");
          return;
        }
        setBusy(true);
        const result = await uploadRoute(file, String(data.get("srid") ?? ""), csrfToken);
        setBusy(false);
        setMessage(result.message ?? null);
        if (result.route) onRoute(result.route);
      }}
    >
      <div className="kern-card__container kern-stack">
        <h3 className="kern-heading-small">Trasse aus Datei</h3>
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="route-file">
            GeoJSON, gezipptes Shapefile oder GeoPackage
          </label>
          <div className="kern-hint" id="route-file-hint">
            Höchstens 5 MB. Linien werden Trassenabschnitte, Punkte Netzelemente. Die vorhandene Trasse wird ersetzt.
          </div>
          <input className="kern-form-input__input" id="route-file" name="file" type="file" accept=".geojson,.json,.zip,.gpkg" aria-describedby="route-file-hint" />
        </div>
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="route-srid">
            Koordinatensystem (falls die Datei es nicht angibt)
          </label>
          <div className="kern-form-input__select-wrapper">
            <select className="kern-form-input__select" id="route-srid" name="srid" defaultValue="">
              <option value="">aus der Datei</option>
              <option value="4326">WGS84 (EPSG:4326)</option>
              <option value="25832">ETRS89 / UTM 32N (EPSG:25832)</option>
              <option value="31467">Gauß-Krüger Zone 3 (EPSG:31467)</option>
            </select>
          </div>
        </div>
        {message ? <p className="kern-error" role="alert">{message}</p> : null}
        <div>
          <button type="submit" className="kern-btn kern-btn--secondary" disabled={busy}>
            <span className="kern-label">{busy ? "Wird gelesen …" : "Datei übernehmen"}</span>
          </button>
        </div>
      </div>
    </form>
  );
}

/**
 * The keyboard path: one position per line ("Länge Breite" or "Ostwert Nordwert"), an empty line
 * starts a new section. UTM coordinates are converted by the server, like an uploaded file.
 */
function CoordinateEntry({ csrfToken, onRoute }: { csrfToken: string; onRoute: (route: Route) => void }) {
  const [message, setMessage] = useState<string | null>(null);
  return (
    <form
      className="kern-card"
      onSubmit={async (event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        const srid = String(data.get("srid"));
        const parsed = parseCoordinates(String(data.get("coordinates") ?? ""));
        if (!parsed.ok) {
          setMessage(parsed.message);
          return;
        }
        const collection: Route = {
          type: "FeatureCollection",
          features: parsed.lines.map((coordinates) => ({ type: "Feature", properties: {}, geometry: { type: "LineString", coordinates } })),
        };
        const file = new File([JSON.stringify(collection)], "koordinaten.geojson", { type: "application/geo+json" });
        const result = await uploadRoute(file, srid, csrfToken);
        setMessage(result.message ?? null);
        if (result.route) onRoute(result.route);
      }}
    >
      <div className="kern-card__container kern-stack">
        <h3 className="kern-heading-small">Trasse als Koordinaten</h3>
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="coord-srid">
            Koordinatensystem
          </label>
          <div className="kern-form-input__select-wrapper">
            <select className="kern-form-input__select" id="coord-srid" name="srid" defaultValue="4326">
              <option value="4326">WGS84: Länge Breite, z. B. 9.4582 50.6419</option>
              <option value="25832">UTM 32N: Ostwert Nordwert, z. B. 531240 5610355</option>
            </select>
          </div>
        </div>
        <div className="kern-form-input">
          <label className="kern-label" htmlFor="coordinates">
            Stützpunkte, einer je Zeile
          </label>
          <div className="kern-hint" id="coordinates-hint">
            Zahlen durch Leerzeichen oder Semikolon trennen. Eine leere Zeile beginnt einen neuen Abschnitt.
          </div>
          <textarea className="kern-form-input__input" id="coordinates" name="coordinates" rows={6} aria-describedby="coordinates-hint" />
        </div>
        {message ? <p className="kern-error" role="alert">{message}</p> : null}
        <div>
          <button type="submit" className="kern-btn kern-btn--secondary">
            <span className="kern-label">Koordinaten übernehmen</span>
          </button>
        </div>
      </div>
    </form>
  );
}
