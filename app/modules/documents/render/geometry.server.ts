/** Plane geometry for the map: boxes, clipping to the map frame, walking along lines. */

export type Pt = [number, number];

export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function boxOf(points: Iterable<Pt>): Box | null {
  let box: Box | null = null;
  for (const p of points) box = box ? extend(box, p) : { minX: p[0], minY: p[1], maxX: p[0], maxY: p[1] };
  return box;
}

export function extend(box: Box, p: Pt): Box {
  return { minX: Math.min(box.minX, p[0]), minY: Math.min(box.minY, p[1]), maxX: Math.max(box.maxX, p[0]), maxY: Math.max(box.maxY, p[1]) };
}

export function union(a: Box, b: Box): Box {
  return { minX: Math.min(a.minX, b.minX), minY: Math.min(a.minY, b.minY), maxX: Math.max(a.maxX, b.maxX), maxY: Math.max(a.maxY, b.maxY) };
}

export function intersects(a: Box, b: Box): boolean {
  return a.minX <= b.maxX && b.minX <= a.maxX && a.minY <= b.maxY && b.minY <= a.maxY;
}

export function contains(box: Box, p: Pt): boolean {
  return p[0] >= box.minX && p[0] <= box.maxX && p[1] >= box.minY && p[1] <= box.maxY;
}

/** Liang–Barsky: the parameter range [t0, t1] of segment a→b inside the box, or null. */
function clipSegment(a: Pt, b: Pt, box: Box): [number, number] | null {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const p = [-dx, dx, -dy, dy];
  const q = [a[0] - box.minX, box.maxX - a[0], a[1] - box.minY, box.maxY - a[1]];
  let t0 = 0;
  let t1 = 1;
  for (let i = 0; i < 4; i++) {
    const pi = p[i]!;
    const qi = q[i]!;
    if (pi === 0) {
      if (qi < 0) return null;
      continue;
    }
    const r = qi / pi;
    if (pi < 0) {
      if (r > t1) return null;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return null;
      if (r < t1) t1 = r;
    }
  }
  return [t0, t1];
}

const lerp = (a: Pt, b: Pt, t: number): Pt => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];

/** The pieces of a polyline inside the box. */
export function clipPolyline(points: Pt[], box: Box): Pt[][] {
  const runs: Pt[][] = [];
  let run: Pt[] | null = null;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const t = clipSegment(a, b, box);
    if (!t) {
      run = null;
      continue;
    }
    if (!run || t[0] > 0) {
      run = [lerp(a, b, t[0])];
      runs.push(run);
    }
    run.push(t[1] < 1 ? lerp(a, b, t[1]) : b);
    if (t[1] < 1) run = null;
  }
  return runs;
}

/** Sutherland–Hodgman: a polygon ring cut to the box (for fills; the outline is clipped as a line). */
export function clipRing(points: Pt[], box: Box): Pt[] {
  const edges: [(p: Pt) => boolean, (a: Pt, b: Pt) => Pt][] = [
    [(p) => p[0] >= box.minX, (a, b) => lerp(a, b, (box.minX - a[0]) / (b[0] - a[0]))],
    [(p) => p[0] <= box.maxX, (a, b) => lerp(a, b, (box.maxX - a[0]) / (b[0] - a[0]))],
    [(p) => p[1] >= box.minY, (a, b) => lerp(a, b, (box.minY - a[1]) / (b[1] - a[1]))],
    [(p) => p[1] <= box.maxY, (a, b) => lerp(a, b, (box.maxY - a[1]) / (b[1] - a[1]))],
  ];
  let ring = points;
  for (const [inside, cross] of edges) {
    const out: Pt[] = [];
    for (let i = 0; i < ring.length; i++) {
      const current = ring[i]!;
      const previous = ring[(i + ring.length - 1) % ring.length]!;
      if (inside(current)) {
        if (!inside(previous)) out.push(cross(previous, current));
        out.push(current);
      } else if (inside(previous)) {
        out.push(cross(previous, current));
      }
    }
    ring = out;
    if (ring.length === 0) break;
  }
  return ring;
}

/** Douglas–Peucker: drops vertices closer than `tolerance` to the simplified line. */
export function simplify(points: Pt[], tolerance: number): Pt[] {
  if (points.length < 3) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length > 0) {
    const [first, last] = stack.pop()!;
    const [ax, ay] = points[first]!;
    const [bx, by] = points[last]!;
    const dx = bx - ax;
    const dy = by - ay;
    const len = Math.hypot(dx, dy);
    let worst = 0;
    let index = -1;
    for (let i = first + 1; i < last; i++) {
      const [px, py] = points[i]!;
      const d = len === 0 ? Math.hypot(px - ax, py - ay) : Math.abs(dy * px - dx * py + bx * ay - by * ax) / len;
      if (d > worst) {
        worst = d;
        index = i;
      }
    }
    if (worst > tolerance) {
      keep[index] = 1;
      stack.push([first, index], [index, last]);
    }
  }
  return points.filter((_, i) => keep[i] === 1);
}

export function length(points: Pt[]): number {
  let sum = 0;
  for (let i = 1; i < points.length; i++) sum += Math.hypot(points[i]![0] - points[i - 1]![0], points[i]![1] - points[i - 1]![1]);
  return sum;
}

/** The point at `distance` along a polyline and the unit direction of the segment there. */
export function along(points: Pt[], distance: number): { at: Pt; dir: Pt } {
  let rest = distance;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const d = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (d === 0) continue;
    if (rest <= d || i === points.length - 1) {
      return { at: lerp(a, b, Math.min(1, rest / d)), dir: [(b[0] - a[0]) / d, (b[1] - a[1]) / d] };
    }
    rest -= d;
  }
  return { at: points[0] ?? [0, 0], dir: [1, 0] };
}
