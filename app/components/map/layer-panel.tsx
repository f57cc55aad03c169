import { useId } from "react";
import { SEVERITIES, SEVERITY_LABELS } from "~/modules/checks/report";
import { SEVERITY_COLOURS, NO_AUTHORITY_COLOUR } from "./report-overlay";
import { ROAD_LEGEND, type LayerToggle } from "./style";
import { ELEMENT_TYPES, ELEMENT_TYPE_LABELS } from "./types";
import { ELEMENT_COLOURS } from "./route-layers";

export type Swatch = LayerToggle["swatch"];

export function SwatchIcon({ swatch, casing }: { swatch: Swatch; casing?: string }) {
  const style =
    swatch.kind === "point"
      ? {
          background: swatch.colour,
          borderRadius: "50%",
          width: "0.75rem",
          height: "0.75rem",
          border: "1px solid #fff",
          boxShadow: "0 0 0 1px #888",
        }
      : swatch.kind === "fill"
      ? { background: `${swatch.colour}33`, border: `2px solid ${swatch.colour}` }
      : swatch.kind === "dashed"
      ? { borderTop: `3px dashed ${swatch.colour}`, height: 0, marginTop: "0.5rem" }
      : { background: swatch.colour, height: "0.3rem", marginTop: "0.35rem", boxShadow: casing ? `0 0 0 1px ${casing}` : undefined };
  return <span className={`route-map__swatch route-map__swatch--${swatch.kind}`} style={style} aria-hidden="true" />;
}

interface LayerPanelProps {
  toggles: LayerToggle[];
  visible: Record<string, boolean>;
  onToggle: (id: string, visible: boolean) => void;
  /** authorities of the current report with their colours */
  authorities: { id: string; name: string; colour: string }[];
  hasReport: boolean;
  hasOffRoad: boolean;
  showElements: boolean;
}

/** Layer switcher and legend in one: every checkbox shows how its layer looks. */
export function LayerPanel({ toggles, visible, onToggle, authorities, hasReport, hasOffRoad, showElements }: LayerPanelProps) {
  const id = useId();
  const row = (key: string, label: string, swatch: Swatch | null, extra?: React.ReactNode) => (
    <li key={key} className="route-map__layer">
      <div className="kern-form-check">
        <input
          className="kern-form-check__checkbox"
          type="checkbox"
          id={`${id}-${key}`}
          checked={visible[key] ?? false}
          onChange={(e) => onToggle(key, e.target.checked)}
        />
        <label className="kern-label kern-label--small" htmlFor={`${id}-${key}`}>
          {swatch ? <SwatchIcon swatch={swatch} /> : null}
          {label}
        </label>
      </div>
      {extra}
    </li>
  );
  const base = toggles.filter((t) => t.group === "base");
  const conflicts = toggles.filter((t) => t.group === "conflicts");
  return (
    <div className="route-map__layers">
      {hasReport ? (
        <fieldset className="kern-fieldset route-map__fieldset">
          <legend className="kern-label">Prüfergebnis</legend>
          <ul className="kern-fieldset__body route-map__layer-list">
            {row(
              "report",
              "Prüfergebnis anzeigen",
              null,
              <ul className="route-map__legend" aria-label="Legende Prüfergebnis">
                {authorities.map((a) => (
                  <li key={a.id}>
                    <SwatchIcon swatch={{ colour: a.colour, kind: "line" }} /> {a.name}
                  </li>
                ))}
                {hasOffRoad ? (
                  <li>
                    <SwatchIcon swatch={{ colour: NO_AUTHORITY_COLOUR, kind: "dashed" }} /> Außerhalb öffentlicher Straßen
                  </li>
                ) : null}
                {SEVERITIES.map((s) => (
                  <li key={s}>
                    <SwatchIcon swatch={{ colour: SEVERITY_COLOURS[s], kind: "point" }} /> Konflikt: {SEVERITY_LABELS[s]}
                  </li>
                ))}
                <li>
                  <span className="route-map__swatch route-map__swatch--crossing" aria-hidden="true" /> Kreuzung
                </li>
              </ul>
            )}
          </ul>
        </fieldset>
      ) : null}
      {showElements ? (
        <div className="route-map__fieldset">
          <p className="kern-label">Netzelemente</p>
          <ul className="route-map__legend" aria-label="Legende Netzelemente">
            {ELEMENT_TYPES.map((t) => (
              <li key={t}>
                <span
                  className="route-map__swatch route-map__swatch--element"
                  style={{ background: ELEMENT_COLOURS[t] }}
                  aria-hidden="true"
                />{" "}
                {ELEMENT_TYPE_LABELS[t]}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <fieldset className="kern-fieldset route-map__fieldset">
        <legend className="kern-label">Grundlagen</legend>
        <ul className="kern-fieldset__body route-map__layer-list">
          {base.map((t) =>
            row(
              t.id,
              t.label,
              t.id === "roads" ? null : t.swatch,
              t.id === "roads" ? (
                <ul className="route-map__legend" aria-label="Legende Straßenklassen">
                  {ROAD_LEGEND.map((r) => (
                    <li key={r.roadClass}>
                      <SwatchIcon swatch={{ colour: r.fill, kind: "line" }} casing={r.casing} /> {r.label}
                    </li>
                  ))}
                  <li>
                    <SwatchIcon swatch={{ colour: "#222222", kind: "dashed" }} /> Brücke
                  </li>
                </ul>
              ) : null
            )
          )}
        </ul>
      </fieldset>
      <fieldset className="kern-fieldset route-map__fieldset">
        <legend className="kern-label">Konfliktebenen</legend>
        <ul className="kern-fieldset__body route-map__layer-list">{conflicts.map((t) => row(t.id, t.label, t.swatch))}</ul>
        <p className="route-map__hint">Bäume erscheinen ab Zoomstufe 15, Leitungen ab 13.</p>
      </fieldset>
    </div>
  );
}
