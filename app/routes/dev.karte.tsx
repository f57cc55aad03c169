import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useCallback, useRef, useState } from "react";
import { mapLinks, RouteMapLazy, type ReportFocusKind } from "~/components/map/route-map";
import { emptyRoute, routeLines } from "~/components/map/route-value";
import { env } from "~/env.server";
import { requireUser } from "~/modules/auth/guards.server";
import { SEVERITY_LABELS, type CheckReport } from "~/modules/checks/report";

/**
 * /dev/karte — the developer's test bench for the map: an empty editable route, checked on every
 * change with POST /api/v1/checks, the report drawn on the map and the value shown as JSON.
 * Signed-in users only; not linked from the navigation.
 */
export const links: LinksFunction = () => [...mapLinks];
export const meta: MetaFunction = () => [{ title: "Kartentest – Breitband-Portal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return json({ basemapStyleUrl: env().BASEMAP_STYLE_URL ?? null });
}

/** Around Auenstadt, the demo Kreis town. */
const INITIAL_VIEW = { center: [9.4582, 50.6419] as [number, number], zoom: 16 };

export default function DevMap() {
  const { basemapStyleUrl } = useLoaderData<typeof loader>();
  const [value, setValue] = useState<GeoJSON.FeatureCollection>(emptyRoute);
  const [report, setReport] = useState<CheckReport | null>(null);
  const [checkMessage, setCheckMessage] = useState("Noch keine Trasse gezeichnet.");
  const [loaded, setLoaded] = useState(false);
  const [focus, setFocus] = useState<{ kind: ReportFocusKind; index: number } | null>(null);
  const [editable, setEditable] = useState(true);
  const latest = useRef(0);

  const check = useCallback(async (route: GeoJSON.FeatureCollection) => {
    // the check takes lines only; network elements (points) stay on the map
    const lines = routeLines(route);
    const n = ++latest.current;
    if (lines.features.length === 0) {
      setReport(null);
      setCheckMessage("Noch keine Trasse gezeichnet.");
      return;
    }
    setCheckMessage("Trasse wird geprüft …");
    try {
      const res = await fetch("/api/v1/checks", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ route: lines }),
      });
      const body = (await res.json()) as CheckReport & { detail?: string };
      if (n !== latest.current) return; // a newer edit is being checked
      if (!res.ok) {
        setReport(null);
        setCheckMessage(`Prüfung nicht möglich: ${body.detail ?? res.status}`);
        return;
      }
      setReport(body);
      setFocus(null);
      setCheckMessage(`Geprüft: ${Math.round(body.lengthM)} m.`);
    } catch {
      if (n === latest.current) setCheckMessage("Prüfung fehlgeschlagen (Netzwerkfehler).");
    }
  }, []);

  const onChange = useCallback(
    (next: GeoJSON.FeatureCollection) => {
      setValue(next);
      void check(next);
    },
    [check]
  );

  return (
    <div className="kern-stack">
      <hgroup className="kern-hgroup">
        <p className="kern-preline">Entwicklung</p>
        <h1 className="kern-heading-large">Kartentest</h1>
      </hgroup>
      <label className="route-map__inline-check">
        <input type="checkbox" checked={editable} onChange={(e) => setEditable(e.target.checked)} /> Bearbeiten erlauben
      </label>
      <div data-map-loaded={loaded ? "true" : "false"}>
        <RouteMapLazy
          basemapStyleUrl={basemapStyleUrl}
          value={value}
          onChange={onChange}
          editable={editable}
          report={report}
          focus={focus}
          initialView={INITIAL_VIEW}
          onLoad={() => setLoaded(true)}
        />
      </div>
      <section aria-labelledby="pruefung" className="kern-stack">
        <h2 id="pruefung" className="kern-heading-medium">
          Prüfergebnis
        </h2>
        <p className="kern-body" aria-live="polite" data-testid="check-status">
          {checkMessage}
        </p>
        {report ? (
          <>
            <p className="kern-body" data-testid="report-sections">
              Abschnitte: {report.sections.length}
            </p>
            <ul className="kern-list">
              {report.sections.map((s, i) => (
                <li key={`s${i}`}>
                  <button
                    type="button"
                    className="kern-btn kern-btn--tertiary kern-btn--x-small"
                    onClick={() => setFocus({ kind: "section", index: i })}
                  >
                    <span className="kern-label">
                      Abschnitt {i + 1}: {s.authority?.name ?? "ohne Baulastträger"}, {Math.round(s.lengthM)} m
                    </span>
                  </button>
                </li>
              ))}
              {report.conflicts.map((c, i) => (
                <li key={`c${i}`}>
                  <button
                    type="button"
                    className="kern-btn kern-btn--tertiary kern-btn--x-small"
                    onClick={() => setFocus({ kind: "conflict", index: i })}
                  >
                    <span className="kern-label">
                      {SEVERITY_LABELS[c.severity]}: {c.message}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <h2 className="kern-heading-small">Trasse als GeoJSON</h2>
        <pre data-testid="route-json" className="dev-json">
          {JSON.stringify(value, null, 2)}
        </pre>
      </section>
    </div>
  );
}
