/** Road classes as stored in roads.road_class, with their German names (shared with the browser). */
export const ROAD_CLASSES = [
  "autobahn",
  "bundesstrasse",
  "landesstrasse",
  "kreisstrasse",
  "gemeindestrasse",
  "other",
] as const;
export type RoadClass = (typeof ROAD_CLASSES)[number];

export const ROAD_CLASS_LABELS: Record<RoadClass, string> = {
  autobahn: "Autobahn",
  bundesstrasse: "Bundesstraße",
  landesstrasse: "Landesstraße",
  kreisstrasse: "Kreisstraße",
  gemeindestrasse: "Gemeindestraße",
  other: "Sonstige Wege",
};
