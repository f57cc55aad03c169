import { sizeLabel } from "./args";

/**
 * The synthetic street grid: n × n nodes 100 m apart, every node connected to its east and north
 * neighbour by one road segment, so there are 2·n·(n−1) segments. Placed in EPSG:25832 inside
 * Hessen with its south-west corner at E 450000 N 5500000 (1 M segments: 70.7 km × 70.7 km).
 */
export interface Grid {
  size: number;
  label: string;
  /** nodes per side */
  n: number;
  /** 2·n·(n−1) */
  segments: number;
  spacing: number;
  originE: number;
  originN: number;
  /** (n − 1) · spacing */
  extent: number;
  /** index of the grid line through the middle */
  centre: number;
  /** the one Bundesstraße: the horizontal line through the middle */
  bundesstrasseRow: number;
  /** the one Autobahn: a vertical line a little east of the middle */
  autobahnColumn: number;
  /** the land polygon reaches this far beyond the grid */
  landMargin: number;
  /** Gemeinde tiles: 5 km squares starting here (off the 100 m node lines, so no road lies on a boundary) */
  tileOriginE: number;
  tileOriginN: number;
  tileSize: number;
  /** tiles per side */
  tiles: number;
  /** Kreis AGS; Gemeinde AGS = kreisAgs + 3-digit tile number */
  kreisAgs: string;
}

export const BOUNDS = { minE: 430_000, maxE: 590_000, minN: 5_480_000, maxN: 5_720_000 } as const;

export function makeGrid(size: number): Grid {
  const n = Math.max(10, Math.round((1 + Math.sqrt(1 + 2 * size)) / 2));
  const spacing = 100;
  const originE = 450_000;
  const originN = 5_500_000;
  const extent = (n - 1) * spacing;
  const centre = Math.floor((n - 1) / 2);
  const landMargin = 1_000;
  const tileSize = 5_000;
  const tileOriginE = originE - landMargin - 25;
  const tileOriginN = originN - landMargin - 25;
  const tiles = Math.ceil((extent + 2 * landMargin + 50) / tileSize);
  if (originE + extent + landMargin > BOUNDS.maxE || originN + extent + landMargin > BOUNDS.maxN) {
    throw new Error(`grid of ${size} segments does not fit into the benchmark area`);
  }
  if (tiles * tiles > 999) throw new Error(`too many Gemeinde tiles (${tiles * tiles}) for 3-digit keys`);
  return {
    size,
    label: sizeLabel(size),
    n,
    segments: 2 * n * (n - 1),
    spacing,
    originE,
    originN,
    extent,
    centre,
    bundesstrasseRow: centre,
    autobahnColumn: centre + 7,
    landMargin,
    tileOriginE,
    tileOriginN,
    tileSize,
    tiles,
    kreisAgs: "06999",
  };
}

/** World coordinates (EPSG:25832) of grid node (i, j). */
export function nodeXY(grid: Grid, i: number, j: number): [number, number] {
  return [grid.originE + i * grid.spacing, grid.originN + j * grid.spacing];
}
