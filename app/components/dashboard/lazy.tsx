import { lazy, Suspense } from "react";
import { useHydrated } from "../hydrated";
import type { ChartProps } from "./charts.client";
import type { ChoroplethProps } from "./choropleth.client";

/** The dashboard's browser-only parts (MapLibre, Chart.js), loaded after hydration as separate chunks. */
const ChoroplethClient = lazy(() => import("./choropleth.client").then((m) => ({ default: m.Choropleth })));
const ChartClient = lazy(() => import("./charts.client").then((m) => ({ default: m.DashboardChart })));

const placeholder = (text: string) => (
  <p className="kern-body dashboard-placeholder" role="status">
    {text}
  </p>
);

export function ChoroplethLazy(props: ChoroplethProps) {
  if (!useHydrated()) return placeholder("Karte wird geladen …");
  return (
    <Suspense fallback={placeholder("Karte wird geladen …")}>
      <ChoroplethClient {...props} />
    </Suspense>
  );
}

export function ChartLazy(props: ChartProps) {
  if (!useHydrated()) return placeholder("Diagramm wird geladen …");
  return (
    <Suspense fallback={placeholder("Diagramm wird geladen …")}>
      <ChartClient {...props} />
    </Suspense>
  );
}
