import type { GeoJSONSource, Map as MapLibreMap, MapLayerMouseEvent, Popup } from "maplibre-gl";
import type * as MapLibre from "maplibre-gl";
import { useEffect, useRef, useState } from "react";
import { plainStyle } from "~/components/map/style";
import type { AreaRow } from "~/modules/dashboard/model";
import { shareColour } from "./choropleth-classes";

export interface ChoroplethProps {
  /** GeoJSON of the areas (the dashboard's export), with AreaRow properties */
  dataUrl: string;
  /** clicking an area drills into it */
  onSelect: (area: AreaRow) => void;
}

const percent = new Intl.NumberFormat("de-DE", { style: "percent", maximumFractionDigits: 1 });
const count = new Intl.NumberFormat("de-DE");

function tooltip(a: AreaRow): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  const share = a.gigabitShare === null ? "keine Daten" : `${percent.format(a.gigabitShare)} (${count.format(a.gigabitHouseholds ?? 0)} von ${count.format(a.households ?? 0)} Haushalten)`;
  return `<strong>${esc(a.name)}</strong><br>Gigabit (FTTB/H): ${share}<br>Anträge: ${count.format(a.applicationsFiled)} · entschieden: ${count.format(a.casesDecided)} · offen: ${count.format(a.casesOpen)}`;
}

/**
 * The choropleth of the gigabit share per Kreis or Gemeinde (MapLibre, no basemap needed). Colours
 * are set per feature from the same classes as the legend; hovering shows a tooltip, a click drills in.
 */
export function Choropleth({ dataUrl, onSelect }: ChoroplethProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const libRef = useRef<typeof MapLibre | null>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const [status, setStatus] = useState<"loading" | "ready" | "error">("loading");

  useEffect(() => {
    let cancelled = false;
    let map: MapLibreMap | null = null;
    let popup: Popup | null = null;
    (async () => {
      const maplibre = await import("maplibre-gl");
      if (cancelled || !container.current) return;
      libRef.current = maplibre;
      maplibre.setWorkerUrl(`/vendor/maplibre-gl-worker.mjs?v=${maplibre.getVersion()}`);
      map = new maplibre.Map({ container: container.current, style: plainStyle(), center: [8.6, 50.2], zoom: 6, attributionControl: false, dragRotate: false });
      mapRef.current = map;
      map.addControl(new maplibre.NavigationControl({ showCompass: false }), "top-right");
      map.addControl(new maplibre.AttributionControl({ compact: false, customAttribution: "© GeoBasis-DE / BKG (dl-de/by-2-0) · Breitbandatlas | Gigabit-Grundbuch" }), "bottom-right");
      popup = new maplibre.Popup({ closeButton: false, closeOnClick: false, maxWidth: "320px" });
      map.once("load", () => {
        if (!map) return;
        map.addSource("areas", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
        map.addLayer({ id: "areas-fill", type: "fill", source: "areas", paint: { "fill-color": ["get", "colour"], "fill-opacity": 0.85 } });
        map.addLayer({ id: "areas-line", type: "line", source: "areas", paint: { "line-color": "#ffffff", "line-width": 0.8 } });
        map.addLayer({ id: "areas-hover", type: "line", source: "areas", paint: { "line-color": "#131525", "line-width": 2 }, filter: ["==", ["get", "ags"], ""] });
        map.on("mousemove", "areas-fill", (e: MapLayerMouseEvent) => {
          const f = e.features?.[0];
          if (!f || !map) return;
          map.getCanvas().style.cursor = "pointer";
          map.setFilter("areas-hover", ["==", ["get", "ags"], f.properties.ags]);
          popup!.setLngLat(e.lngLat).setHTML(tooltip(JSON.parse(f.properties.row as string) as AreaRow)).addTo(map);
        });
        map.on("mouseleave", "areas-fill", () => {
          if (!map) return;
          map.getCanvas().style.cursor = "";
          map.setFilter("areas-hover", ["==", ["get", "ags"], ""]);
          popup!.remove();
        });
        map.on("click", "areas-fill", (e: MapLayerMouseEvent) => {
          const f = e.features?.[0];
          if (f) onSelectRef.current(JSON.parse(f.properties.row as string) as AreaRow);
        });
        setStatus("ready");
      });
    })().catch((error: unknown) => {
      console.error("[karte]", error);
      if (!cancelled) setStatus("error");
    });
    return () => {
      cancelled = true;
      popup?.remove();
      map?.remove();
      mapRef.current = null;
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (status !== "ready" || !map) return;
    let cancelled = false;
    fetch(dataUrl, { headers: { Accept: "application/geo+json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((fc: GeoJSON.FeatureCollection<GeoJSON.Geometry, AreaRow>) => {
        if (cancelled) return;
        // MapLibre flattens nested properties: the row travels as JSON, the colour precomputed
        const features = fc.features
          .filter((f) => f.geometry)
          .map((f) => ({ ...f, properties: { ags: f.properties.ags, colour: shareColour(f.properties.gigabitShare), row: JSON.stringify(f.properties) } }));
        (map.getSource("areas") as GeoJSONSource).setData({ type: "FeatureCollection", features });
        const bounds = new libRef.current!.LngLatBounds();
        const extend = (c: unknown): void => {
          if (Array.isArray(c) && typeof c[0] === "number") bounds.extend(c as [number, number]);
          else if (Array.isArray(c)) c.forEach(extend);
        };
        for (const f of features) extend((f.geometry as { coordinates?: unknown }).coordinates);
        if (!bounds.isEmpty()) map.fitBounds(bounds, { padding: 20, duration: 0 });
        map.getContainer().dataset.areas = String(features.length);
      })
      .catch((error: unknown) => console.error("[karte]", error));
    return () => {
      cancelled = true;
    };
  }, [status, dataUrl]);

  return (
    <div className="choropleth">
      <div ref={container} className="choropleth__canvas" data-map-status={status} />
      {status === "loading" ? <p className="route-map__overlay" role="status">Karte wird geladen …</p> : null}
      {status === "error" ? <p className="route-map__overlay" role="alert">Die Karte konnte nicht geladen werden. Die Tabelle unten enthält dieselben Zahlen.</p> : null}
    </div>
  );
}
