/**
 * RouteMap: the portal's map with the route editor. Browser only — render it through
 * `RouteMapLazy` (./route-map.tsx), never import this module from server code.
 *
 * Setup a page needs:
 * - CSS: spread `mapLinks` from ./route-map into the route's `links` export (MapLibre's stylesheet,
 *   bundled by the Remix compiler straight from node_modules, and this component's own).
 * - MapLibre 6 loads its web worker from /vendor/maplibre-gl-worker.mjs, copied there by
 *   scripts/copy-vendor.ts (prebuild). Without it the map never fires "load".
 * - Tiles come from `${tileBaseUrl}/tiles/<layer>/{z}/{x}/{y}.mvt` (absolute: the worker resolves
 *   them) and need a session; the search box calls /api/v1/search.
 *
 * Editing (editable): terra-draw modes linestring (route), point (network element), select
 * (move, insert and delete vertices — right click on a vertex — and delete features); new
 * vertices snap to rendered roads within SNAP_PX and to the route's own lines. Undo/redo keep
 * whole FeatureCollections. onChange fires after every finished edit with the new value.
 */
import type * as MapLibre from "maplibre-gl";
import type { GeoJSONSource, Map as MapLibreMap, MapMouseEvent, Popup } from "maplibre-gl";
import type { GeoJSONStoreFeatures, SnappableContext, TerraDraw, TerraDrawMouseEvent } from "terra-draw";
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from "react";
import { LAYING_METHODS, LAYING_METHOD_LABELS, type LayingMethod } from "~/modules/checks/methods";
import type { SearchResult } from "~/modules/search/types";
import { LayerPanel } from "./layer-panel";
import { popupNode, reportItemContent, tileFeatureContent } from "./popup";
import {
  REPORT_CLICK_LAYERS,
  REPORT_SOURCES,
  authorityColours,
  bboxOf,
  focusGeometry,
  reportLayers,
  reportToGeoJSON,
} from "./report-overlay";
import { ELEMENT_COLOURS, ELEMENT_OUTLINE, ROUTE_COLOUR, ROUTE_SOURCE, routeLayers } from "./route-layers";
import {
  COORDINATE_PRECISION,
  EditHistory,
  LINE_MODE,
  POINT_MODE,
  fromDrawSnapshot,
  isElementType,
  isRouteFeature,
  linesOf,
  newLineProperties,
  roundPosition,
  snapToLines,
  toDrawFeatures,
} from "./route-value";
import { SearchBox } from "./search-box";
import { ATTRIBUTION, ROAD_LAYER_IDS, labelLayers, layerToggles, orderedTileLayers, plainStyle, tileSources } from "./style";
import { ELEMENT_TYPES, ELEMENT_TYPE_LABELS, type ElementType, type RouteMapProps } from "./types";

type MapLibreModule = typeof MapLibre;
type Tool = "static" | "linestring" | "point" | "select";
type Selection = { id: string; kind: "line" | "point"; properties: Record<string, unknown> } | null;

const TOGGLES = layerToggles();
const DEFAULT_VIEW = { center: [9.46, 50.64] as [number, number], zoom: 12 };
const SNAP_PX = 10;
const EMPTY: GeoJSON.FeatureCollection = { type: "FeatureCollection", features: [] };

const TOOL_LABELS: Record<Tool, string> = {
  static: "Ansehen",
  linestring: "Trasse zeichnen",
  point: "Netzelement setzen",
  select: "Bearbeiten",
};

const TOOL_HINTS: Record<Tool, string> = {
  static: "Klicken Sie auf ein Objekt der Karte, um Angaben dazu zu sehen.",
  linestring:
    "Setzen Sie mit Klicks Punkte entlang der Straße; sie rasten an Straßen ein. Doppelklick, Enter oder „Linie abschließen“ beendet die Linie, Esc bricht ab.",
  point: "Wählen Sie die Art und klicken Sie auf die Stelle des Netzelements. Esc bricht ab.",
  select:
    "Klicken Sie eine Linie oder ein Netzelement an. Stützpunkte lassen sich ziehen, Zwischenpunkte ziehen fügt Stützpunkte ein, Rechtsklick auf einen Stützpunkt löscht ihn, Entf löscht das ausgewählte Objekt.",
};

/** MapLibre's own control texts in German (screen readers read them). */
const MAP_LOCALE = {
  "AttributionControl.ToggleAttribution": "Quellenangaben ein- oder ausblenden",
  "Map.Title": "Karte",
  "Marker.Title": "Markierung",
  "NavigationControl.ResetBearing": "Nach Norden ausrichten",
  "NavigationControl.ZoomIn": "Vergrößern",
  "NavigationControl.ZoomOut": "Verkleinern",
  "Popup.Close": "Schließen",
  "CooperativeGesturesHandler.WindowsHelpText": "Strg + Mausrad zum Zoomen",
  "CooperativeGesturesHandler.MacHelpText": "⌘ + Mausrad zum Zoomen",
  "CooperativeGesturesHandler.MobileHelpText": "Mit zwei Fingern verschieben",
};

/** Loads the basemap style document to learn whether it brings glyphs (labels); null when unreachable. */
async function probeBasemap(url: string): Promise<{ glyphs: boolean } | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const style = (await res.json()) as { glyphs?: unknown };
    return { glyphs: typeof style.glyphs === "string" };
  } catch (error) {
    console.warn(`[karte] Basiskarte ${url} nicht erreichbar, Karte ohne Basiskarte`, error);
    return null;
  }
}

function setData(map: MapLibreMap, source: string, data: GeoJSON.FeatureCollection) {
  (map.getSource(source) as GeoJSONSource | undefined)?.setData(data);
}

export function RouteMap(props: RouteMapProps) {
  const { value, editable = false, report = null, focus = null, fitBounds = null, className, highlightAuthorityId = null } = props;
  const propsRef = useRef(props);
  propsRef.current = props;

  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const libRef = useRef<MapLibreModule | null>(null);
  const drawRef = useRef<TerraDraw | null>(null);
  const popupRef = useRef<Popup | null>(null);
  const historyRef = useRef<EditHistory | null>(null);
  historyRef.current ??= new EditHistory(value);
  /** true while the store is reloaded from a value: those changes are not edits */
  const suppressRef = useRef(false);

  const [status, setStatus] = useState<"loading" | "ready" | "error">("loading");
  const [errorText, setErrorText] = useState("");
  const [visible, setVisible] = useState<Record<string, boolean>>(() => ({
    report: true,
    ...Object.fromEntries(TOGGLES.map((t) => [t.id, t.defaultVisible])),
  }));
  const [drawReady, setDrawReady] = useState(false);
  const [tool, setTool] = useState<Tool>("static");
  const toolRef = useRef<Tool>("static");
  toolRef.current = tool;
  const [drawing, setDrawing] = useState(false);
  const [elementType, setElementType] = useState<ElementType>("verteilerkasten");
  const elementTypeRef = useRef(elementType);
  elementTypeRef.current = elementType;
  const [selection, setSelection] = useState<Selection>(null);
  const selectionRef = useRef<Selection>(null);
  selectionRef.current = selection;
  const [snapOn, setSnapOn] = useState(true);
  const snapOnRef = useRef(snapOn);
  snapOnRef.current = snapOn;
  const [historyState, setHistoryState] = useState({ canUndo: false, canRedo: false });
  const [announcement, setAnnouncement] = useState("");

  const syncHistoryState = useCallback(() => {
    const h = historyRef.current!;
    setHistoryState({ canUndo: h.canUndo, canRedo: h.canRedo });
  }, []);

  // ------------------------------------------------------------------ the map, created once
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    let cancelled = false;
    let map: MapLibreMap | null = null;
    (async () => {
      const maplibre = await import("maplibre-gl");
      if (cancelled) return;
      libRef.current = maplibre;
      // Versioned: the file name has no hash, an upgrade must not meet a cached old worker.
      maplibre.setWorkerUrl(`/vendor/maplibre-gl-worker.mjs?v=${maplibre.getVersion()}`);
      const { basemapStyleUrl, initialView = DEFAULT_VIEW } = propsRef.current;
      const basemap = basemapStyleUrl ? await probeBasemap(basemapStyleUrl) : null;
      if (cancelled) return;
      const tileBaseUrl = propsRef.current.tileBaseUrl ?? window.location.origin;
      map = new maplibre.Map({
        container,
        style: basemap && basemapStyleUrl ? basemapStyleUrl : plainStyle(),
        center: initialView.center,
        zoom: initialView.zoom,
        maxZoom: 20,
        attributionControl: false,
        locale: MAP_LOCALE,
        // a plan is read north-up; rotation only confuses drawing
        dragRotate: false,
        pitchWithRotate: false,
        touchPitch: false,
      });
      mapRef.current = map;
      map.touchZoomRotate.disableRotation();
      map.addControl(new maplibre.NavigationControl({ showCompass: false }), "top-right");
      map.addControl(new maplibre.ScaleControl({ unit: "metric", maxWidth: 120 }), "bottom-left");
      map.addControl(new maplibre.AttributionControl({ compact: false, customAttribution: ATTRIBUTION }), "bottom-right");
      map.on("error", (event) => console.warn("[karte]", event.error?.message ?? event));
      map.once("load", () => {
        if (cancelled || !map) return;
        for (const [id, source] of Object.entries(tileSources(tileBaseUrl))) map.addSource(id, source);
        for (const layer of orderedTileLayers(TOGGLES)) map.addLayer(layer);
        if (basemap?.glyphs) for (const layer of labelLayers()) map.addLayer(layer);
        for (const id of Object.values(REPORT_SOURCES)) map.addSource(id, { type: "geojson", data: EMPTY });
        for (const layer of reportLayers()) map.addLayer(layer);
        map.addSource(ROUTE_SOURCE, { type: "geojson", data: EMPTY });
        for (const layer of routeLayers()) map.addLayer(layer);
        map.on("click", (event) => showInfo(event));
        setStatus("ready");
        propsRef.current.onLoad?.();
      });
    })().catch((error: unknown) => {
      if (cancelled) return;
      console.error("[karte]", error);
      setErrorText(
        /webgl/i.test(String((error as Error)?.message ?? error))
          ? "Die Karte kann in diesem Browser nicht angezeigt werden (WebGL ist nicht verfügbar)."
          : "Die Karte konnte nicht geladen werden."
      );
      setStatus("error");
    });
    return () => {
      cancelled = true;
      popupRef.current?.remove();
      map?.remove();
      mapRef.current = null;
    };
    // created once (props are read through propsRef); later changes are applied by the effects below
  }, []);

  // ------------------------------------------------------------------ info popups
  function showInfo(event: MapMouseEvent) {
    const map = mapRef.current;
    const maplibre = libRef.current;
    if (!map || !maplibre || toolRef.current !== "static") return;
    const r = 4;
    const box: [[number, number], [number, number]] = [
      [event.point.x - r, event.point.y - r],
      [event.point.x + r, event.point.y + r],
    ];
    const candidates = map.queryRenderedFeatures(box).filter((f) => !f.layer.id.startsWith("td-"));
    let content = null;
    const currentReport = propsRef.current.report;
    const reportHit = currentReport ? candidates.find((f) => f.layer.id in REPORT_CLICK_LAYERS) : undefined;
    if (currentReport && reportHit) {
      content = reportItemContent(currentReport, REPORT_CLICK_LAYERS[reportHit.layer.id]!, Number(reportHit.properties.index));
    }
    if (!content) {
      // points, then applications, roads, other lines, areas, and Gemeinden last
      const rank = (f: (typeof candidates)[number]) => {
        if (f.layer.type === "circle") return 0;
        if (f.sourceLayer === "applications") return 1;
        if (f.sourceLayer === "roads") return 2;
        if (f.sourceLayer === "gemeinden" || f.sourceLayer === "kreise") return 5;
        return f.layer.type === "line" ? 3 : 4;
      };
      const hit = candidates.filter((f) => f.sourceLayer).sort((a, b) => rank(a) - rank(b))[0];
      if (hit?.sourceLayer) content = tileFeatureContent(hit.sourceLayer, hit.properties);
    }
    popupRef.current?.remove();
    if (!content) return;
    popupRef.current = new maplibre.Popup({ maxWidth: "22rem", closeButton: true, closeOnClick: true })
      .setLngLat(event.lngLat)
      .setDOMContent(popupNode(content))
      .addTo(map);
  }

  // ------------------------------------------------------------------ layer visibility
  useEffect(() => {
    const map = mapRef.current;
    if (status !== "ready" || !map) return;
    const show = (id: string, on: boolean) => {
      if (map.getLayer(id)) map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
    };
    for (const t of TOGGLES) for (const l of t.layers) show(l.id, visible[t.id] ?? false);
    show("gemeinden-label", visible.gemeinden ?? false);
    show("roads-label", visible.roads ?? false);
    for (const l of reportLayers()) if (!l.id.startsWith("report-focus")) show(l.id, visible.report ?? true);
  }, [status, visible]);

  // ------------------------------------------------------------------ report overlay and focus
  useEffect(() => {
    const map = mapRef.current;
    if (status !== "ready" || !map) return;
    const data = reportToGeoJSON(report, highlightAuthorityId);
    setData(map, REPORT_SOURCES.sections, data.sections);
    setData(map, REPORT_SOURCES.offRoad, data.offRoad);
    setData(map, REPORT_SOURCES.conflicts, data.conflicts);
    setData(map, REPORT_SOURCES.crossings, data.crossings);
  }, [status, report, highlightAuthorityId]);

  const focusKey = focus ? `${focus.kind}:${focus.index}` : "";
  useEffect(() => {
    const map = mapRef.current;
    if (status !== "ready" || !map) return;
    const geometry = focusGeometry(report, focus);
    setData(
      map,
      REPORT_SOURCES.focus,
      geometry ? { type: "FeatureCollection", features: [{ type: "Feature", geometry, properties: {} }] } : EMPTY
    );
    // the highlight follows new reports; the camera moves only when the focus itself changes
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status, report, focusKey]);

  useEffect(() => {
    const map = mapRef.current;
    if (status !== "ready" || !map || !focus) return;
    const box = bboxOf(focusGeometry(propsRef.current.report, focus));
    if (!box) return;
    if (box[0] === box[2] && box[1] === box[3]) map.easeTo({ center: [box[0], box[1]], zoom: Math.max(map.getZoom(), 17) });
    else map.fitBounds(box, { padding: 60, maxZoom: 18 });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status, focusKey]);

  const fitKey = fitBounds ? fitBounds.join(",") : "";
  useEffect(() => {
    const map = mapRef.current;
    if (status !== "ready" || !map || !fitBounds) return;
    map.fitBounds(fitBounds, { padding: 40, maxZoom: 17 });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status, fitKey]);

  // ------------------------------------------------------------------ the value
  const loadIntoDraw = useCallback((fc: GeoJSON.FeatureCollection) => {
    const draw = drawRef.current;
    if (!draw) return;
    suppressRef.current = true;
    try {
      draw.clear();
      const features = toDrawFeatures(fc, () => String(draw.getFeatureId()));
      const results = draw.addFeatures(features as unknown as GeoJSONStoreFeatures[]);
      for (const r of results) if (!r.valid) console.warn(`[karte] Objekt ${String(r.id)} nicht übernommen: ${r.reason ?? ""}`);
    } finally {
      suppressRef.current = false;
    }
    setSelection(null);
    setDrawing(false);
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (status !== "ready" || !map) return;
    setData(map, ROUTE_SOURCE, editable ? EMPTY : value);
    const history = historyRef.current!;
    if (!history.isCurrent(value)) {
      // changed by the page (upload, form): part of the history like an edit on the map
      history.commit(value);
      loadIntoDraw(value);
      syncHistoryState();
    }
  }, [status, value, editable, loadIntoDraw, syncHistoryState]);

  const commitFromDraw = useCallback(() => {
    const draw = drawRef.current;
    if (!draw) return;
    const next = fromDrawSnapshot(draw.getSnapshot());
    if (historyRef.current!.commit(next)) {
      syncHistoryState();
      propsRef.current.onChange?.(next);
    }
  }, [syncHistoryState]);

  // ------------------------------------------------------------------ terra-draw
  useEffect(() => {
    const map = mapRef.current;
    if (status !== "ready" || !map || !editable) return;
    let cancelled = false;
    let draw: TerraDraw | null = null;

    /** Snaps a new or dragged vertex to the route's own lines first, else to rendered roads. */
    const snap = (event: TerraDrawMouseEvent, context: SnappableContext): [number, number] | undefined => {
      if (!snapOnRef.current || !mapRef.current) return undefined;
      const m = mapRef.current;
      const p = { x: event.containerX, y: event.containerY };
      const project = (c: [number, number]) => m.project(c);
      const exclude = new Set([context.currentId, selectionRef.current?.id].filter(Boolean));
      const own = (drawRef.current?.getSnapshot() ?? [])
        .filter((f) => isRouteFeature(f) && f.geometry.type === "LineString" && !exclude.has(f.id as string))
        .map((f) => (f.geometry as GeoJSON.LineString).coordinates);
      let hit = snapToLines(p, own, project, SNAP_PX);
      if (!hit) {
        const layers = ROAD_LAYER_IDS.filter((id) => m.getLayer(id));
        const rendered = layers.length
          ? m.queryRenderedFeatures(
              [
                [p.x - SNAP_PX, p.y - SNAP_PX],
                [p.x + SNAP_PX, p.y + SNAP_PX],
              ],
              { layers }
            )
          : [];
        hit = snapToLines(
          p,
          rendered.flatMap((f) => linesOf(f.geometry)),
          project,
          SNAP_PX
        );
      }
      if (!hit) return undefined;
      const ll = m.unproject([hit.point.x, hit.point.y]);
      return roundPosition([ll.lng, ll.lat]);
    };

    (async () => {
      const [td, { TerraDrawMapLibreGLAdapter }] = await Promise.all([import("terra-draw"), import("terra-draw-maplibre-gl-adapter")]);
      if (cancelled) return;
      const snapping = { toCustom: snap };
      draw = new td.TerraDraw({
        adapter: new TerraDrawMapLibreGLAdapter({ map, coordinatePrecision: COORDINATE_PRECISION }),
        // no createdAt/updatedAt: they would make every state look changed
        tracked: false,
        modes: [
          new td.TerraDrawLineStringMode({
            snapping,
            // the default 40 px closes the line whenever two clicks are near each other
            pointerDistance: 12,
            keyEvents: { cancel: null, finish: "Enter" },
            styles: {
              lineStringColor: ROUTE_COLOUR,
              lineStringWidth: 4,
              closingPointColor: "#ffffff",
              closingPointOutlineColor: ROUTE_COLOUR,
              snappingPointColor: "#ffd400",
            },
          }),
          new td.TerraDrawPointMode({
            styles: {
              pointColor: (f) => (isElementType(f.properties.elementType) ? ELEMENT_COLOURS[f.properties.elementType] : "#333333"),
              pointWidth: 7,
              pointOutlineColor: ELEMENT_OUTLINE,
              pointOutlineWidth: 2.5,
            },
          }),
          new td.TerraDrawSelectMode({
            pointerDistance: 12,
            keyEvents: { deselect: null, delete: null, rotate: null, scale: null },
            flags: {
              [LINE_MODE]: {
                feature: { draggable: false, coordinates: { midpoints: true, draggable: true, deletable: true, snappable: snapping } },
              },
              [POINT_MODE]: { feature: { draggable: true } },
            },
            styles: {
              selectedLineStringColor: "#e85d04",
              selectionPointColor: "#ffffff",
              selectionPointOutlineColor: "#e85d04",
              midPointColor: "#e85d04",
            },
          }),
        ],
      });
      draw.start();
      drawRef.current = draw;
      loadIntoDraw(historyRef.current!.current);

      draw.on("finish", (id, context) => {
        if (suppressRef.current || !draw) return;
        if (context.action === "draw" && context.mode === LINE_MODE) draw.updateFeatureProperties(id, newLineProperties());
        if (context.action === "draw" && context.mode === POINT_MODE)
          draw.updateFeatureProperties(id, { elementType: elementTypeRef.current });
        setDrawing(false);
        commitFromDraw();
        const sel = selectionRef.current;
        if (sel && sel.id === id) setSelection({ ...sel, properties: draw.getSnapshotFeature(id)?.properties ?? {} });
        if (context.action === "draw") setAnnouncement(context.mode === LINE_MODE ? "Linie abgeschlossen." : "Netzelement gesetzt.");
      });
      draw.on("change", (ids, type) => {
        if (suppressRef.current || !draw) return;
        setDrawing(draw.getModeState() === "drawing");
        if (type === "delete") {
          // a route feature deleted (not a guidance point): that is an edit
          const known = new Set(historyRef.current!.current.features.map((f) => f.id));
          if (ids.some((id) => known.has(id))) queueMicrotask(commitFromDraw);
        }
      });
      draw.on("select", (id) => {
        const feature = draw?.getSnapshotFeature(id);
        if (!feature || !isRouteFeature(feature)) return;
        setSelection({ id: String(id), kind: feature.geometry.type === "Point" ? "point" : "line", properties: feature.properties });
      });
      draw.on("deselect", () => setSelection(null));
      setDrawReady(true);
    })().catch((error: unknown) => console.error("[karte] Zeichenwerkzeug nicht verfügbar", error));

    return () => {
      cancelled = true;
      try {
        if (draw?.enabled) draw.stop();
      } catch {
        // the map was removed first (unmount): nothing left to clean up
      }
      drawRef.current = null;
      setDrawReady(false);
      setTool("static");
      setSelection(null);
      setDrawing(false);
    };
  }, [status, editable, loadIntoDraw, commitFromDraw]);

  // ------------------------------------------------------------------ editor actions
  const chooseTool = useCallback((next: Tool) => {
    const draw = drawRef.current;
    if (!draw) return;
    popupRef.current?.remove();
    draw.setMode(next);
    setTool(next);
    setDrawing(false);
    setSelection(null);
  }, []);

  const cancelDrawing = useCallback(() => {
    const draw = drawRef.current;
    if (!draw) return;
    const mode = draw.getMode();
    if (mode === LINE_MODE || mode === POINT_MODE) {
      draw.setMode(mode); // restarting the mode drops the unfinished line
      setDrawing(false);
      setAnnouncement("Zeichnen abgebrochen.");
    } else if (mode === "select" && selectionRef.current) {
      draw.deselectFeature(selectionRef.current.id);
      setSelection(null);
    }
    popupRef.current?.remove();
  }, []);

  const finishLine = useCallback(() => {
    // terra-draw finishes a line on Enter, listened to on the map canvas
    mapRef.current?.getCanvas().dispatchEvent(new KeyboardEvent("keyup", { key: "Enter" }));
  }, []);

  const deleteSelected = useCallback(() => {
    const draw = drawRef.current;
    const sel = selectionRef.current;
    if (!draw || !sel) return;
    draw.removeFeatures([sel.id]);
    setSelection(null);
    commitFromDraw();
    setAnnouncement(sel.kind === "line" ? "Linie gelöscht." : "Netzelement gelöscht.");
  }, [commitFromDraw]);

  const applyHistory = useCallback(
    (direction: "undo" | "redo") => {
      const h = historyRef.current!;
      const fc = direction === "undo" ? h.undo() : h.redo();
      if (!fc) return;
      loadIntoDraw(fc);
      syncHistoryState();
      propsRef.current.onChange?.(fc);
      setAnnouncement(direction === "undo" ? "Rückgängig gemacht." : "Wiederhergestellt.");
    },
    [loadIntoDraw, syncHistoryState]
  );

  const setSelectedProperty = useCallback(
    (key: "method" | "elementType", next: string) => {
      const draw = drawRef.current;
      const sel = selectionRef.current;
      if (!draw || !sel) return;
      draw.updateFeatureProperties(sel.id, { [key]: next });
      setSelection({ ...sel, properties: { ...sel.properties, [key]: next } });
      commitFromDraw();
    },
    [commitFromDraw]
  );

  function onKeyDown(event: ReactKeyboardEvent<HTMLDivElement>) {
    const target = event.target as HTMLElement;
    if (["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName)) return;
    if (event.key === "Escape") {
      cancelDrawing();
    } else if (event.key === "Delete" && editable) {
      if (selectionRef.current) {
        event.preventDefault();
        deleteSelected();
      }
    } else if ((event.ctrlKey || event.metaKey) && editable && event.key.toLowerCase() === "z") {
      event.preventDefault();
      applyHistory(event.shiftKey ? "redo" : "undo");
    } else if ((event.ctrlKey || event.metaKey) && editable && event.key.toLowerCase() === "y") {
      event.preventDefault();
      applyHistory("redo");
    }
  }

  const pickSearchResult = useCallback((result: SearchResult) => {
    mapRef.current?.fitBounds(result.bbox, { padding: 40, maxZoom: result.kind === "street" ? 17 : 14 });
  }, []);

  const authorities = useMemo(() => [...authorityColours(report).entries()].map(([id, a]) => ({ id, ...a })), [report]);
  const hasPoints = value.features.some((f) => f.geometry?.type === "Point");

  const pressed = (t: Tool) => (tool === t ? "kern-btn--primary" : "kern-btn--secondary");

  return (
    <div className={`route-map${className ? ` ${className}` : ""}`} onKeyDown={onKeyDown}>
      {editable ? (
        <div className="route-map__tools">
          <div className="route-map__toolbar" role="toolbar" aria-label="Werkzeuge der Trassenzeichnung">
            {(["static", "linestring", "point", "select"] as const).map((t) => (
              <button
                key={t}
                type="button"
                className={`kern-btn kern-btn--x-small ${pressed(t)}`}
                aria-pressed={tool === t}
                disabled={!drawReady}
                onClick={() => chooseTool(t)}
              >
                <span className="kern-label">{TOOL_LABELS[t]}</span>
              </button>
            ))}
            <span className="route-map__toolbar-sep" aria-hidden="true" />
            <button
              type="button"
              className="kern-btn kern-btn--x-small kern-btn--secondary"
              disabled={!drawing || tool !== "linestring"}
              onClick={finishLine}
            >
              <span className="kern-label">Linie abschließen</span>
            </button>
            <button type="button" className="kern-btn kern-btn--x-small kern-btn--secondary" disabled={!selection} onClick={deleteSelected}>
              <span className="kern-label">Löschen</span>
            </button>
            <button
              type="button"
              className="kern-btn kern-btn--x-small kern-btn--tertiary"
              disabled={!historyState.canUndo}
              onClick={() => applyHistory("undo")}
            >
              <span className="kern-label">Rückgängig</span>
            </button>
            <button
              type="button"
              className="kern-btn kern-btn--x-small kern-btn--tertiary"
              disabled={!historyState.canRedo}
              onClick={() => applyHistory("redo")}
            >
              <span className="kern-label">Wiederholen</span>
            </button>
          </div>
          {/* always rendered (fixed height), so the map does not jump when a tool or selection changes */}
          <div className="route-map__options">
            <label className="route-map__inline-check">
              <input type="checkbox" checked={snapOn} onChange={(e) => setSnapOn(e.target.checked)} /> An Straßen einrasten
            </label>
            {tool === "point" || selection?.kind === "point" ? (
              <label className="route-map__inline-field">
                <span className="kern-label kern-label--small">Art des Netzelements</span>
                <span className="kern-form-input__select-wrapper">
                  <select
                    className="kern-form-input__select"
                    value={
                      selection?.kind === "point" && isElementType(selection.properties.elementType)
                        ? selection.properties.elementType
                        : elementType
                    }
                    onChange={(e) => {
                      const next = e.target.value as ElementType;
                      if (selection?.kind === "point") setSelectedProperty("elementType", next);
                      else setElementType(next);
                    }}
                  >
                    {ELEMENT_TYPES.map((t) => (
                      <option key={t} value={t}>
                        {ELEMENT_TYPE_LABELS[t]}
                      </option>
                    ))}
                  </select>
                </span>
              </label>
            ) : null}
            {selection?.kind === "line" ? (
              <label className="route-map__inline-field">
                <span className="kern-label kern-label--small">Verlegeverfahren der ausgewählten Linie</span>
                <span className="kern-form-input__select-wrapper">
                  <select
                    className="kern-form-input__select"
                    value={typeof selection.properties.method === "string" ? selection.properties.method : ""}
                    onChange={(e) => setSelectedProperty("method", e.target.value)}
                  >
                    {typeof selection.properties.method === "string" ? null : <option value="">– nicht angegeben –</option>}
                    {LAYING_METHODS.map((m: LayingMethod) => (
                      <option key={m} value={m}>
                        {LAYING_METHOD_LABELS[m]}
                      </option>
                    ))}
                  </select>
                </span>
              </label>
            ) : null}
          </div>
        </div>
      ) : null}
      <div className="route-map__main">
        <div className="route-map__frame">
          <div ref={containerRef} className="route-map__canvas" data-map-status={status} />
          {status === "loading" ? (
            <p className="route-map__overlay" role="status">
              Karte wird geladen …
            </p>
          ) : null}
          {status === "error" ? (
            <div className="route-map__overlay kern-alert kern-alert--danger" role="alert">
              <div className="kern-alert__header">
                <span className="kern-icon kern-icon--danger" aria-hidden="true" />
                <span className="kern-title">{errorText}</span>
              </div>
              <div className="kern-alert__body">
                <p className="kern-body">Sie können die Trasse auch als Datei hochladen oder Koordinaten eingeben.</p>
              </div>
            </div>
          ) : null}
        </div>
        {editable ? <p className="route-map__hint">{TOOL_HINTS[tool]}</p> : null}
        <p className="route-map__sr-only" aria-live="polite">
          {announcement}
        </p>
      </div>
      <aside className="route-map__panel" aria-label="Kartenebenen und Legende">
        <SearchBox onPick={pickSearchResult} />
        <LayerPanel
          toggles={TOGGLES}
          visible={visible}
          onToggle={(id, on) => setVisible((v) => ({ ...v, [id]: on }))}
          authorities={authorities}
          hasReport={Boolean(report)}
          hasOffRoad={Boolean(report?.offRoad.length)}
          showElements={editable || hasPoints}
        />
      </aside>
    </div>
  );
}
