import type { ConditionKind } from "./schema";

/**
 * The catalogue a road authority starts with: Nebenbestimmungen and Hinweise for a consent under
 * § 127 TKG. Each authority gets its own copy and adapts it on its admin page.
 *
 * Written to stay lawful: conditions are the same for every operator (non-discriminatory) and keep
 * to the authority's own concerns — how the line is built, the rules of the art, traffic safety,
 * documentation of the position. Norms are cited only where the citation is certain; technical
 * rules are named without edition where the edition changes ("in der jeweils geltenden Fassung").
 *
 * `standard` texts go into every consent and into fast-track approvals of conflict-free routes;
 * the others are picked by the clerk when the case needs them (trees, reduced depth, trenching).
 */
export interface StandardText {
  key: string;
  kind: ConditionKind;
  title: string;
  body: string;
  standard: boolean;
}

export const STANDARD_TEXTS: readonly StandardText[] = [
  // --- Nebenbestimmungen --------------------------------------------------------------------
  {
    key: "works_notice",
    kind: "condition",
    standard: true,
    title: "Anzeige von Baubeginn und Fertigstellung",
    body: [
      "Der Beginn der Arbeiten ist dem Wegebaulastträger mindestens fünf Werktage vorher anzuzeigen, über das Breitband-Portal oder in Textform. In der Anzeige sind die ausführende Firma und eine während der Bauzeit erreichbare verantwortliche Bauleitung (Name und Telefonnummer) zu benennen.",
      "Die Fertigstellung der Arbeiten einschließlich der Wiederherstellung der in Anspruch genommenen Verkehrsflächen ist binnen zwei Wochen nach ihrem Abschluss anzuzeigen.",
    ].join("\n\n"),
  },
  {
    key: "reinstatement",
    kind: "condition",
    standard: true,
    title: "Wiederherstellung der Verkehrsflächen",
    body: [
      "Aufgebrochene oder sonst in Anspruch genommene Verkehrsflächen sind nach den allgemein anerkannten Regeln der Technik in einen dem vorherigen gleichwertigen Zustand zu versetzen. Maßgeblich sind insbesondere die ZTV A-StB 12 (Aufgrabungen in Verkehrsflächen), die ZTV E-StB (Erdarbeiten im Straßenbau) und die ZTV Asphalt-StB, bei Pflasterdecken und Plattenbelägen die ZTV Pflaster-StB, jeweils in der geltenden Fassung.",
      "Der Oberbau ist in Bauweise, Baustoffen und Schichtdicken entsprechend dem vorhandenen Aufbau herzustellen. Die Verdichtung ist nach diesen Regelwerken zu prüfen; die Prüfergebnisse sind dem Wegebaulastträger auf Verlangen vorzulegen.",
      "Die wiederhergestellten Flächen werden nach Abschluss der Arbeiten gemeinsam mit dem Wegebaulastträger abgenommen. Mängel, die sich innerhalb von fünf Jahren nach der Abnahme zeigen (zum Beispiel Setzungen, Risse oder offene Nähte), hat der Nutzungsberechtigte auf eigene Kosten zu beseitigen.",
    ].join("\n\n"),
  },
  {
    key: "traffic_safety",
    kind: "condition",
    standard: true,
    title: "Verkehrssicherung und verkehrsrechtliche Anordnung",
    body: [
      "Mit Arbeiten, die sich auf den Straßenverkehr auswirken, darf erst begonnen werden, wenn die verkehrsrechtliche Anordnung der zuständigen Straßenverkehrsbehörde nach § 45 Abs. 6 StVO vorliegt. Sie ist rechtzeitig unter Vorlage eines Verkehrszeichenplans zu beantragen; diese Zustimmung ersetzt sie nicht.",
      "Die Arbeitsstelle ist nach der Anordnung und den Richtlinien für die verkehrsrechtliche Sicherung von Arbeitsstellen an Straßen (RSA 21) abzusperren und zu kennzeichnen. Die Verkehrssicherungspflicht für die Arbeitsstelle trägt der Nutzungsberechtigte bis zur Abnahme der wiederhergestellten Flächen.",
      "Zugänge und Zufahrten zu den anliegenden Grundstücken, Rettungswege und Hydranten sind freizuhalten. Für den Fußverkehr ist ein sicherer, möglichst barrierefreier Weg aufrechtzuerhalten.",
    ].join("\n\n"),
  },
  {
    key: "as_built_documentation",
    kind: "condition",
    standard: true,
    title: "Dokumentation der Lage (Bestandspläne)",
    body: [
      "Die Lage der Telekommunikationslinie ist während der Bauausführung einzumessen und nach geografischen Koordinaten zu dokumentieren (georeferenziert im amtlichen Lagebezugssystem ETRS89/UTM).",
      "Dem Wegebaulastträger sind binnen drei Monaten nach der Fertigstellung Bestandspläne in digitaler Form kostenfrei zu übergeben, zum Beispiel mit der Fertigstellungsmeldung im Breitband-Portal oder als GeoJSON, GeoPackage, Shapefile oder DXF mit einer PDF-Fassung. Die Bestandspläne enthalten die Trasse, die Verlegetiefe, das Verlegeverfahren, die Querungen sowie Schächte, Muffen und Verteilerkästen.",
    ].join("\n\n"),
  },
  {
    key: "existing_utilities",
    kind: "condition",
    standard: true,
    title: "Schutz vorhandener Leitungen und Anlagen",
    body: [
      "Vor Beginn der Arbeiten sind bei allen in Betracht kommenden Leitungsbetreibern aktuelle Leitungsauskünfte einzuholen, auch über Anlagen des Wegebaulastträgers (zum Beispiel Straßenbeleuchtung, Lichtsignalanlagen und Straßenentwässerung). Die Schutzanweisungen der Betreiber sind einzuhalten; wo die Lage vorhandener Leitungen nicht sicher bekannt ist, ist sie durch Suchschachtungen in Handarbeit festzustellen.",
      "Beschädigungen sind dem Betreiber der Anlage und dem Wegebaulastträger unverzüglich zu melden. Vermessungs- und Grenzpunkte sind zu schützen; sind sie gefährdet, ist vorher die zuständige Vermessungsstelle zu verständigen.",
    ].join("\n\n"),
  },
  {
    key: "tree_protection",
    kind: "condition",
    standard: false,
    title: "Schutz von Bäumen und Vegetationsflächen",
    body: [
      "Bäume, Pflanzenbestände und Vegetationsflächen sind während der Arbeiten nach DIN 18920 und RAS-LP 4 zu schützen.",
      "Im Wurzelbereich von Bäumen (Bodenfläche unter der Krone zuzüglich 1,50 m nach allen Seiten, bei säulenförmigen Bäumen zuzüglich 5,00 m) sind Aufgrabungen nur in Handschachtung oder in grabenloser Bauweise zulässig. Der Wurzelbereich darf nicht befahren werden; Fahrzeuge, Geräte, Baustoffe und Aushub dürfen dort nicht abgestellt oder gelagert werden.",
      "Freigelegte Wurzeln sind vor Beschädigung, Austrocknung und Frost zu schützen; unvermeidbare Wurzelschnitte sind glatt auszuführen. Stämme im Arbeitsbereich sind gegen Anfahren zu schützen. Schäden an Bäumen sind dem Wegebaulastträger unverzüglich anzuzeigen. Eine örtliche Baumschutzsatzung bleibt unberührt.",
    ].join("\n\n"),
  },
  {
    key: "laying_depth",
    kind: "condition",
    standard: false,
    title: "Verlegetiefe und mindertiefe Verlegung (§ 127 Abs. 7 TKG)",
    body: [
      "Die Telekommunikationslinie ist in der im Antrag angegebenen Verlegetiefe herzustellen; notwendige Abweichungen sind dem Wegebaulastträger vor ihrer Ausführung mitzuteilen. Eine geringere als die nach den anerkannten Regeln der Technik vorgesehene Verlegetiefe (mindertiefe Verlegung, zum Beispiel im Micro- oder Minitrenching) ist nur zulässig, soweit sie im Antrag nach § 127 Abs. 7 TKG mitgeteilt wurde.",
      "Bei mindertiefer Verlegung trägt der Nutzungsberechtigte die Kosten, die durch eine mögliche wesentliche Beeinträchtigung des Schutzniveaus entstehen, sowie einen etwaigen höheren Erhaltungsaufwand des Wegebaulastträgers, insbesondere Mehrkosten späterer Bau- und Unterhaltungsarbeiten an der Straße, die auf die geringere Verlegetiefe zurückgehen. Er haftet für Schäden, die aus der geringeren Verlegetiefe entstehen.",
    ].join("\n\n"),
  },
  {
    key: "trenching_din_18220",
    kind: "condition",
    standard: false,
    title: "Trenching-, Fräs- und Pflugverfahren nach DIN 18220",
    body: [
      "Trenching-, Fräs- und Pflugverfahren sind nach DIN 18220 auszuführen.",
      "Vor Baubeginn ist der Aufbau der Verkehrsfläche im Bereich der Trasse zu erkunden (zum Beispiel durch Bohrkerne oder anhand vorhandener Bestandsunterlagen) und das Ergebnis dem Wegebaulastträger vorzulegen. Das Verfahren ist nur dort anzuwenden, wo der Aufbau dafür geeignet ist; im Bereich von Brücken und anderen Ingenieurbauwerken ist es nicht zulässig.",
      "Lage und Tiefe des Schlitzes sind so zu wählen, dass Bord- und Rinnensteine, Entwässerungseinrichtungen und vorhandene Leitungen nicht beeinträchtigt werden; die Rollspuren des Fahrverkehrs sind nach Möglichkeit zu meiden. Der Schlitz ist unmittelbar nach dem Einbringen der Leerrohre oder Kabel mit einem geeigneten Verfüllbaustoff zu verfüllen und dauerhaft dicht zu verschließen.",
    ].join("\n\n"),
  },

  // --- Hinweise -----------------------------------------------------------------------------
  {
    key: "other_permits",
    kind: "hint",
    standard: true,
    title: "Andere Genehmigungen und Rechte Dritter",
    body: "Diese Zustimmung des Wegebaulastträgers ersetzt keine nach anderen Vorschriften erforderlichen Genehmigungen, Erlaubnisse oder Anordnungen, soweit diese nicht zusammen mit ihr erteilt werden — insbesondere nicht die verkehrsrechtliche Anordnung nach § 45 Abs. 6 StVO und Genehmigungen nach Wasser-, Naturschutz- oder Denkmalschutzrecht. Rechte Dritter bleiben unberührt; für die Inanspruchnahme privater Grundstücke ist die Zustimmung der Eigentümer erforderlich.",
  },
  {
    key: "required_changes",
    kind: "hint",
    standard: true,
    title: "Gebotene Änderung und Kosten (§ 130 TKG)",
    body: "Ergibt sich nach der Errichtung, dass die Telekommunikationslinie den Widmungszweck der Straße nicht nur vorübergehend beschränkt, die zu ihrer Unterhaltung erforderlichen Arbeiten verhindert oder einer vom Unterhaltungspflichtigen beabsichtigten Änderung der Straße entgegensteht, ist sie, soweit erforderlich, abzuändern oder zu beseitigen (§ 130 Abs. 1 TKG). Wird die Straße eingezogen, erlischt die Befugnis zu ihrer Benutzung (§ 130 Abs. 2 TKG). In diesen Fällen hat der Nutzungsberechtigte die gebotenen Maßnahmen an der Telekommunikationslinie auf seine Kosten zu bewirken (§ 130 Abs. 3 TKG).",
  },
  {
    key: "condition_survey",
    kind: "hint",
    standard: true,
    title: "Beweissicherung vor Baubeginn",
    body: "Es wird empfohlen, den Zustand der in Anspruch genommenen Verkehrsflächen, Nebenanlagen und Bäume vor Baubeginn gemeinsam mit dem Wegebaulastträger festzuhalten, zum Beispiel durch datierte Fotos. Ohne eine solche Beweissicherung lässt sich später kaum nachweisen, dass Schäden bereits vor den Arbeiten vorhanden waren.",
  },
];
