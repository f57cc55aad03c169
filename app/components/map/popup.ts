/**
 * Popup contents for a clicked map object, in German. Built as DOM with textContent only:
 * names come from imported data and must never be parsed as HTML.
 */
import type { CheckReport } from "~/modules/checks/report";
import { SEVERITY_LABELS } from "~/modules/checks/report";
import { LAYING_METHOD_LABELS, type LayingMethod } from "~/modules/checks/methods";
import { CONFLICT_LAYER_INFO, type ConflictLayerKey } from "~/modules/layers/keys";
import { ROAD_CLASS_LABELS, type RoadClass } from "~/modules/roads/classes";
import type { ReportFocusKind } from "./types";

type Props = Record<string, unknown>;

const metres = (m: number) =>
  `${m >= 1000 ? (m / 1000).toLocaleString("de-DE", { maximumFractionDigits: 2 }) + " km" : Math.round(m).toLocaleString("de-DE") + " m"}`;
const germanDate = (iso: unknown) =>
  typeof iso === "string" && /^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso.split("-").reverse().join(".") : null;
const str = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v : null);

export interface PopupContent {
  title: string;
  lines: (string | null | false | undefined)[];
}

/** Known codes of the "kind" attribute, in German; anything else is shown as delivered. */
const KIND_LABELS: Record<string, string> = {
  water: "Wasser",
  gas: "Gas",
  power: "Strom",
  telecom: "Telekommunikation",
  sewer: "Abwasser",
  district_heating: "Fernwärme",
  bridge: "Brücke",
  tunnel: "Tunnel",
  NSG: "Naturschutzgebiet",
  FFH: "FFH-Gebiet (Natura 2000)",
};

const CROSSING_KIND: Record<string, string> = { road: "Straßenkreuzung", railway: "Bahnkreuzung", watercourse: "Gewässerkreuzung" };

export function reportItemContent(report: CheckReport, kind: ReportFocusKind, index: number): PopupContent | null {
  if (kind === "section") {
    const s = report.sections[index];
    if (!s) return null;
    const roads = s.roads.map((r) => [r.name, r.ref].filter(Boolean).join(" / ")).filter(Boolean);
    return {
      title: `Abschnitt ${index + 1}: ${s.authority?.name ?? "ohne Baulastträger"}`,
      lines: [
        `${ROAD_CLASS_LABELS[s.roadClass as RoadClass] ?? s.roadClass}, ${metres(s.lengthM)}`,
        roads.length ? `Straße: ${roads.join(", ")}` : null,
        s.gemeinde ? `Gemeinde: ${s.gemeinde.name}` : null,
        `Verfahren: ${LAYING_METHOD_LABELS[s.method as LayingMethod] ?? s.method}`,
      ],
    };
  }
  if (kind === "conflict") {
    const c = report.conflicts[index];
    if (!c) return null;
    return {
      title: `${SEVERITY_LABELS[c.severity]}: ${CONFLICT_LAYER_INFO[c.layer as ConflictLayerKey]?.name ?? c.layer}`,
      lines: [
        c.name,
        c.message,
        `Abstand ${metres(c.distanceM)}${c.affectedLengthM > 0 ? `, betroffene Länge ${metres(c.affectedLengthM)}` : ""}`,
        c.legalBasis ? `Rechtsgrundlage: ${c.legalBasis}` : null,
      ],
    };
  }
  if (kind === "crossing") {
    const c = report.crossings[index];
    if (!c) return null;
    return {
      title: CROSSING_KIND[c.kind] ?? "Kreuzung",
      lines: [
        [c.name, c.ref].filter(Boolean).join(" / ") || null,
        c.roadClass ? ROAD_CLASS_LABELS[c.roadClass as RoadClass] ?? c.roadClass : null,
        c.authority ? `Baulastträger: ${c.authority.name}` : null,
      ],
    };
  }
  const o = report.offRoad[index];
  if (!o) return null;
  return {
    title: "Außerhalb öffentlicher Straßen",
    lines: [metres(o.lengthM), "Diesem Teil der Trasse ist keine öffentliche Straße zugeordnet."],
  };
}

/** A feature from one of our vector tile layers. */
export function tileFeatureContent(sourceLayer: string, p: Props): PopupContent | null {
  if (sourceLayer === "roads") {
    const name = [str(p.name), str(p.ref)].filter(Boolean).join(" / ");
    return {
      title: name || "Straße ohne Namen",
      lines: [
        ROAD_CLASS_LABELS[p.road_class as RoadClass] ?? str(p.road_class),
        str(p.authority) ? `Baulastträger: ${str(p.authority)}` : "Baulastträger unbekannt",
        p.bridge === true && "Brücke",
        p.tunnel === true && "Tunnel",
      ],
    };
  }
  if (sourceLayer === "gemeinden") return { title: `Gemeinde ${str(p.name) ?? ""}`.trim(), lines: [str(p.ags) && `AGS ${str(p.ags)}`] };
  if (sourceLayer === "kreise") return { title: str(p.name) ?? "Kreis", lines: [str(p.ags) && `AGS ${str(p.ags)}`] };
  if (sourceLayer === "applications") {
    const from = germanDate(p.period_start);
    const to = germanDate(p.period_end);
    return {
      title: `Antrag: ${str(p.title) ?? "ohne Titel"}`,
      lines: [str(p.operator) && `Betreiber: ${str(p.operator)}`, from || to ? `Bauzeit: ${from ?? "?"} – ${to ?? "?"}` : null],
    };
  }
  const info = CONFLICT_LAYER_INFO[sourceLayer as ConflictLayerKey];
  if (info) {
    return {
      title: str(p.name) ?? info.name,
      lines: [
        info.name,
        str(p.kind) && `Art: ${KIND_LABELS[str(p.kind)!] ?? str(p.kind)}`,
        str(p.species) && `Baumart: ${str(p.species)}`,
        str(p.zone) && `Schutzzone: ${str(p.zone)}`,
        str(p.operator) && `Betreiber: ${str(p.operator)}`,
        germanDate(p.resurfaced_on) && `Erneuert am ${germanDate(p.resurfaced_on)}`,
      ],
    };
  }
  return null;
}

export function popupNode(content: PopupContent): HTMLElement {
  const root = document.createElement("div");
  root.className = "route-map-popup";
  const title = document.createElement("p");
  title.className = "route-map-popup__title";
  title.textContent = content.title;
  root.append(title);
  for (const line of content.lines) {
    if (!line) continue;
    const p = document.createElement("p");
    p.textContent = line;
    root.append(p);
  }
  return root;
}
