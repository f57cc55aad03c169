/**
 * RouteMapLazy: renders the browser-only RouteMap (./route-map.client.tsx) after hydration, with
 * a German placeholder on the server and while MapLibre loads. MapLibre and terra-draw are
 * separate chunks, fetched only by pages that show a map.
 *
 * Pages using it add the map's stylesheets:  export const links = () => [...mapLinks];
 */
import maplibreCss from "maplibre-gl/dist/maplibre-gl.css";
import { lazy, Suspense } from "react";
import { useHydrated } from "../hydrated";
import routeMapCss from "./route-map.css";
import type { RouteMapProps } from "./types";

export type { ElementType, ReportFocusKind, RouteMapProps } from "./types";
export { ELEMENT_TYPES, ELEMENT_TYPE_LABELS } from "./types";

export const mapLinks = [
  { rel: "stylesheet", href: maplibreCss },
  { rel: "stylesheet", href: routeMapCss },
];

const RouteMap = lazy(() => import("./route-map.client").then((m) => ({ default: m.RouteMap })));

function Placeholder({ className }: { className?: string }) {
  return (
    <div className={`route-map route-map--placeholder${className ? ` ${className}` : ""}`}>
      <p className="route-map__overlay" role="status">
        Karte wird geladen …
      </p>
    </div>
  );
}

export function RouteMapLazy(props: RouteMapProps) {
  const hydrated = useHydrated();
  if (!hydrated) return <Placeholder className={props.className} />;
  return (
    <Suspense fallback={<Placeholder className={props.className} />}>
      <RouteMap {...props} />
    </Suspense>
  );
}
