/** Classes of the gigabit share on the choropleth and in its legend (upper bounds, in percent). */
export const SHARE_CLASSES = [
  { upTo: 10, colour: "#f1eef6", label: "unter 10 %" },
  { upTo: 25, colour: "#bdc9e1", label: "10 bis unter 25 %" },
  { upTo: 50, colour: "#74a9cf", label: "25 bis unter 50 %" },
  { upTo: 75, colour: "#2b8cbe", label: "50 bis unter 75 %" },
  { upTo: 100.01, colour: "#045a8d", label: "75 % und mehr" },
] as const;
export const NO_DATA_COLOUR = "#d9d9d9";

export function shareColour(share: number | null): string {
  if (share === null) return NO_DATA_COLOUR;
  return SHARE_CLASSES.find((c) => share * 100 < c.upTo)?.colour ?? SHARE_CLASSES[SHARE_CLASSES.length - 1]!.colour;
}
