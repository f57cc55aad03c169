/** Where the map of an empty route starts: the demo Kreis town (the browser tests draw relative to it). */
export const EMPTY_VIEW = { center: [9.4582, 50.6419] as [number, number], zoom: 15 };
