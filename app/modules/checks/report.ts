import type { LayingMethod } from "./methods";

/** The route check report (shared with the browser). Lengths in metres (EPSG:25832), geometries WGS84 GeoJSON. */
export const SEVERITIES = ["blocking", "permit_required", "warning", "hint"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_LABELS: Record<Severity, string> = {
  blocking: "Unzulässig",
  permit_required: "Weitere Genehmigung nötig",
  warning: "Warnung",
  hint: "Hinweis",
};

/** GeoJSON geometry (WGS84) as it travels in JSON: points, lines, polygons and their multi forms. */
type Geometry = { type: string; coordinates: number[] | number[][] | number[][][] | number[][][][] };

export interface CheckReport {
  lengthM: number;
  rulesVersion: string;
  findings: { code: string; severity: Severity; message: string; location?: Geometry }[];
  sections: {
    featureIndex: number;
    authority: { id: string; name: string; level: string } | null;
    gemeinde: { ags: string; name: string } | null;
    roadClass: string;
    roads: { name: string | null; ref: string | null }[];
    method: LayingMethod;
    lengthM: number;
    geometry: Geometry;
  }[];
  offRoad: { featureIndex: number; lengthM: number; geometry: Geometry }[];
  conflicts: {
    layer: string;
    featureId: number;
    name: string | null;
    severity: Severity;
    distanceM: number;
    affectedLengthM: number;
    ruleId: number;
    code: string;
    message: string;
    legalBasis: string;
    geometry: Geometry;
  }[];
  crossings: {
    kind: "road" | "railway" | "watercourse";
    roadClass?: string;
    ref?: string | null;
    name?: string | null;
    authority?: { id: string; name: string; level: string } | null;
    point: Geometry;
  }[];
  clashes: {
    applicationId: string;
    title: string;
    operator: string;
    overlapLengthM: number;
    periodOverlap: { start: string; end: string } | null;
    contact: Record<string, unknown>;
  }[];
  method: { code: string; severity: Severity; message: string; legalBasis: string; sectionIndex?: number; featureIndex?: number }[];
}
