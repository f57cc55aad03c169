/**
 * The stable keys of the conflict layers: used by imports, check rules, tiles and the API
 * (and enforced by a CHECK constraint on conflict_layers.key).
 */
export const CONFLICT_LAYER_KEYS = [
  "trees",
  "railways",
  "watercourses",
  "water_protection_zones",
  "nature_reserves",
  "heritage",
  "resurfaced_roads",
  "utilities",
  "structures",
] as const;
export type ConflictLayerKey = (typeof CONFLICT_LAYER_KEYS)[number];

/** German name and description of each layer, for the map legend and layers created by imports. */
export const CONFLICT_LAYER_INFO: Record<ConflictLayerKey, { name: string; description: string }> = {
  trees: {
    name: "Bäume",
    description: "Einzelbäume und Baumreihen (Baumkataster). Im Wurzelbereich sind Grabungen zu vermeiden; Schutz nach DIN 18920.",
  },
  railways: {
    name: "Bahnstrecken",
    description: "Eisenbahnstrecken. Kreuzungen nur in geschlossener Bauweise und mit Kreuzungsvertrag des Eisenbahninfrastrukturunternehmens.",
  },
  watercourses: {
    name: "Gewässer",
    description: "Fließgewässer mit Gewässerordnung. Kreuzungen bedürfen einer wasserrechtlichen Genehmigung.",
  },
  water_protection_zones: {
    name: "Wasserschutzgebiete",
    description: "Trinkwasserschutzgebiete mit Schutzzonen I bis III. In Zone I sind Bauarbeiten unzulässig, in Zone II und III genehmigungspflichtig.",
  },
  nature_reserves: {
    name: "Naturschutz- und Natura-2000-Gebiete",
    description: "Naturschutzgebiete und FFH-Gebiete. Eingriffe bedürfen der Befreiung bzw. einer Verträglichkeitsprüfung durch die Naturschutzbehörde.",
  },
  heritage: {
    name: "Denkmäler",
    description: "Bau- und Bodendenkmäler. Erdarbeiten in ihrem Bereich bedürfen einer denkmalschutzrechtlichen Genehmigung.",
  },
  resurfaced_roads: {
    name: "Neu hergestellte Fahrbahnen",
    description: "Fahrbahnen mit kürzlich erneuerter Deckschicht. Während der Aufbruchsperre nur ausnahmsweise offene Bauweise.",
  },
  utilities: {
    name: "Leitungen Dritter",
    description: "Vorhandene Gas-, Wasser-, Strom- und Telekommunikationsleitungen. Leitungsauskunft einholen und Abstände einhalten.",
  },
  structures: {
    name: "Brücken und Tunnel",
    description: "Ingenieurbauwerke. Keine offene Bauweise; Verlegung nur in vorhandenen Kabelkanälen nach Abstimmung mit dem Baulastträger.",
  },
};
