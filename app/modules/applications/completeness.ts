import type { CheckReport } from "~/modules/checks/report";
import {
  germanToday,
  isLineFeature,
  REDUCED_DEPTH_M,
  type ApplicationDraft,
  type AttachmentKind,
  type DraftRoute,
  type SectionProperties,
} from "./schema";

/** Something a submission still needs, at the path of the field the UI should point to. */
export interface MissingItem {
  path: string;
  message: string;
}

/** The messages of every blocking finding of a check (geometry, conflicts, method), each once. */
export function blockingFindings(report: CheckReport): string[] {
  const all = [...report.findings, ...report.conflicts, ...report.method];
  return [...new Set(all.filter((f) => f.severity === "blocking").map((f) => f.message))];
}

/** The road authorities whose consent the route needs: sections on their roads and crossings of them. */
export function responsibleAuthorities(report: CheckReport): { id: string; name: string; lengthM: number; crossings: number }[] {
  const byId = new Map<string, { id: string; name: string; lengthM: number; crossings: number }>();
  const entry = (a: { id: string; name: string }) => {
    const found = byId.get(a.id) ?? { id: a.id, name: a.name, lengthM: 0, crossings: 0 };
    byId.set(a.id, found);
    return found;
  };
  for (const s of report.sections) if (s.authority) entry(s.authority).lengthM += s.lengthM;
  for (const c of report.crossings) if (c.kind === "road" && c.authority) entry(c.authority).crossings += 1;
  return [...byId.values()].map((a) => ({ ...a, lengthM: Math.round(a.lengthM * 10) / 10 }));
}

/** Sections laid with this method have no depth, width or ducts to declare. */
const ABOVE_GROUND = "aerial";

const filled = (v: unknown) => v !== undefined && v !== null && v !== "";

/**
 * What the application still lacks before it can be submitted, in form order. Pure: the UI shows
 * it while the operator works; submission refuses while it is not empty. `report` is the check of
 * the current route (null: not checked yet); `today` is the German calendar date (YYYY-MM-DD).
 */
export function missingItems(
  draft: ApplicationDraft,
  route: DraftRoute | null,
  attachments: readonly { kind: AttachmentKind }[],
  report: CheckReport | null,
  today: string = germanToday(),
): MissingItem[] {
  const items: MissingItem[] = [];
  const need = (value: unknown, path: string, message: string) => {
    if (!filled(value)) items.push({ path, message });
  };

  need(draft.title, "title", "Bitte geben Sie den Projektnamen an.");
  need(draft.area, "area", "Bitte geben Sie das Projektgebiet an.");
  need(draft.contact?.name, "contact.name", "Bitte nennen Sie eine Ansprechperson.");
  need(draft.contact?.email, "contact.email", "Bitte geben Sie die E-Mail-Adresse der Ansprechperson an.");
  need(draft.contact?.phone, "contact.phone", "Bitte geben Sie die Telefonnummer der Ansprechperson an.");

  const office = draft.planningOffice;
  if (office && Object.values(office).some(filled)) {
    need(office.name, "planningOffice.name", "Bitte geben Sie den Namen des Planungsbüros an.");
    need(office.contactName, "planningOffice.contactName", "Bitte nennen Sie die Ansprechperson im Planungsbüro.");
    need(office.email, "planningOffice.email", "Bitte geben Sie die E-Mail-Adresse des Planungsbüros an.");
    if (!attachments.some((a) => a.kind === "power_of_attorney")) {
      items.push({ path: "attachments", message: "Ein Planungsbüro handelt für Sie: Bitte fügen Sie die Vollmacht des Netzbetreibers bei." });
    }
  }

  need(draft.rightOfWay?.reference, "rightOfWay.reference", "Bitte geben Sie das Aktenzeichen der Nutzungsberechtigung nach § 125 TKG an.");
  need(draft.rightOfWay?.date, "rightOfWay.date", "Bitte geben Sie das Datum der Nutzungsberechtigung nach § 125 TKG an.");

  const features = route?.features ?? [];
  const lines = features.flatMap((f, index) => (isLineFeature(f) ? [{ index, properties: f.properties }] : []));
  if (lines.length === 0) {
    items.push({ path: "route", message: "Bitte zeichnen Sie die Trasse ein (mindestens eine Linie)." });
  }
  lines.forEach(({ index, properties }, n) => items.push(...sectionItems(properties, `route.features[${index}].properties`, `Abschnitt ${n + 1}`)));
  let elementNo = 0;
  features.forEach((f, index) => {
    if (f.geometry.type !== "Point") return;
    elementNo += 1;
    if (!("elementType" in f.properties) || !f.properties.elementType) {
      items.push({ path: `route.features[${index}].properties.elementType`, message: `Netzelement ${elementNo}: Bitte wählen Sie die Art (Verteilerkasten, Schacht, Muffe oder Montagegrube).` });
    }
  });
  const shallow = lines.some(({ properties: p }) => p.method !== ABOVE_GROUND && p.depthM !== undefined && p.depthM < REDUCED_DEPTH_M);
  if (shallow && draft.reducedDepthDeclaration !== true) {
    items.push({
      path: "reducedDepthDeclaration",
      message: "Mindestens ein Abschnitt liegt weniger als 0,6 m tief: Bitte bestätigen Sie die Anzeige der mindertiefen Verlegung nach § 127 Abs. 7 TKG.",
    });
  }

  if (lines.length > 0) {
    if (!report) {
      items.push({ path: "route", message: "Die Trasse ist noch nicht geprüft." });
    } else {
      for (const message of blockingFindings(report)) items.push({ path: "route", message: `Unzulässig: ${message}` });
      if (responsibleAuthorities(report).length === 0) {
        items.push({ path: "route", message: "Die Trasse berührt keine öffentliche Straße: Es gibt keinen Straßenbaulastträger, der zustimmen müsste." });
      }
    }
  }

  need(draft.period?.start, "period.start", "Bitte geben Sie den geplanten Baubeginn an.");
  need(draft.period?.end, "period.end", "Bitte geben Sie das geplante Bauende an.");
  if (draft.period?.start && draft.period.start < today) {
    items.push({ path: "period.start", message: "Der Baubeginn liegt in der Vergangenheit. Bitte geben Sie einen künftigen Baubeginn an." });
  }
  need(draft.traffic?.impact, "traffic.impact", "Bitte geben Sie an, wie der Verkehr beeinträchtigt wird.");
  if (draft.traffic?.impact && draft.traffic.impact !== "none") {
    need(draft.traffic.description, "traffic.description", "Bitte beschreiben Sie die Verkehrsführung während der Bauarbeiten.");
  }
  return items;
}

function sectionItems(p: SectionProperties, base: string, label: string): MissingItem[] {
  const items: MissingItem[] = [];
  const need = (value: unknown, field: string, what: string) => {
    if (!filled(value)) items.push({ path: `${base}.${field}`, message: `${label}: Bitte geben Sie ${what} an.` });
  };
  need(p.method, "method", "das Verlegeverfahren");
  if (p.method === ABOVE_GROUND) return items;
  need(p.depthM, "depthM", "die Verlegetiefe (m)");
  need(p.widthM, "widthM", "die Grabenbreite (m)");
  need(p.ductCount, "ductCount", "die Zahl der Leerrohre");
  need(p.ductDiameterMm, "ductDiameterMm", "den Leerrohrdurchmesser (mm)");
  return items;
}
