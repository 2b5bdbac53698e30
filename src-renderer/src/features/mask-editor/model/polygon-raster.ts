/**
 * Even-odd scanline fill of a polygon: a pixel is inside when its centre is. Each row samples at
 * y + 0.5, collects edge crossings (half-open in y, so shared vertices count once), sorts them and
 * fills between pairs.
 */
import type { Point, Rect } from './rect';

export function polygonBounds(points: readonly Point[]): Rect {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  return { x0: Math.floor(x0), y0: Math.floor(y0), x1: Math.ceil(x1), y1: Math.ceil(y1) };
}

/** Calls `span(y, x0, x1)` for every run of inside pixels [x0, x1) within `clip`. */
export function forEachPolygonSpan(points: readonly Point[], clip: Rect, span: (y: number, x0: number, x1: number) => void): void {
  const n = points.length;
  if (n < 3) return;
  const xs: number[] = [];
  for (let y = clip.y0; y < clip.y1; y++) {
    const yc = y + 0.5;
    xs.length = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const pi = points[i]!;
      const pj = points[j]!;
      if (pi.y <= yc !== pj.y <= yc) xs.push(pi.x + ((yc - pi.y) * (pj.x - pi.x)) / (pj.y - pi.y));
    }
    xs.sort((p, q) => p - q);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      // Pixels whose centre x + 0.5 lies in [xs[k], xs[k+1]).
      const from = Math.max(clip.x0, Math.ceil(xs[k]! - 0.5));
      const to = Math.min(clip.x1, Math.ceil(xs[k + 1]! - 0.5));
      if (to > from) span(y, from, to);
    }
  }
}
