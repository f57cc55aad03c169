/** Laying methods (Verlegeverfahren) with their German names; shared by forms, check and documents. */
export const LAYING_METHODS = [
  "open_trench",
  "trenching_nano",
  "trenching_micro",
  "trenching_mini",
  "trenching_macro",
  "hdd",
  "plough",
  "earth_rocket",
  "aerial",
] as const;
export type LayingMethod = (typeof LAYING_METHODS)[number];

export const LAYING_METHOD_LABELS: Record<LayingMethod, string> = {
  open_trench: "Offene Bauweise",
  trenching_nano: "Nanotrenching",
  trenching_micro: "Microtrenching",
  trenching_mini: "Minitrenching",
  trenching_macro: "Macrotrenching",
  hdd: "Spülbohrung (HDD)",
  plough: "Pflugverfahren",
  earth_rocket: "Erdrakete",
  aerial: "Oberirdische Verlegung",
};

/** Without a declared method the check assumes offene Bauweise, the common and strictest case. */
export const DEFAULT_METHOD: LayingMethod = "open_trench";
