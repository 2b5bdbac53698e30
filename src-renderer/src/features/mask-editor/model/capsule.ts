/**
 * Rasterises a round brush swept from a to b (a "capsule"): every pixel whose centre lies within
 * r of the segment. Sweeping the whole segment between two pointer events is what keeps a fast
 * stroke free of gaps. Brush centres are snapped so that the footprint of diameter d is d pixels
 * wide: odd diameters centre on a pixel centre, even ones on a pixel corner.
 */
import type { Point, Rect } from './rect';

export function snapBrushCentre(p: Point, size: number): Point {
  const odd = Math.round(size) % 2 === 1;
  return odd ? { x: Math.floor(p.x) + 0.5, y: Math.floor(p.y) + 0.5 } : { x: Math.round(p.x), y: Math.round(p.y) };
}

export function capsuleBounds(a: Point, b: Point, r: number): Rect {
  return {
    x0: Math.floor(Math.min(a.x, b.x) - r),
    y0: Math.floor(Math.min(a.y, b.y) - r),
    x1: Math.ceil(Math.max(a.x, b.x) + r),
    y1: Math.ceil(Math.max(a.y, b.y) + r),
  };
}

/**
 * Calls `span(y, x0, x1)` for each row's run of covered pixels [x0, x1) inside `clip`
 * (a capsule is convex, so each row holds at most one run).
 */
export function forEachCapsuleSpan(a: Point, b: Point, r: number, clip: Rect, span: (y: number, x0: number, x1: number) => void): void {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const r2 = r * r + 1e-9;
  const inside = (x: number, y: number): boolean => {
    const px = x + 0.5 - a.x;
    const py = y + 0.5 - a.y;
    let t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const ex = px - t * dx;
    const ey = py - t * dy;
    return ex * ex + ey * ey <= r2;
  };
  for (let y = clip.y0; y < clip.y1; y++) {
    let x = clip.x0;
    while (x < clip.x1 && !inside(x, y)) x++;
    if (x === clip.x1) continue;
    const start = x;
    // Scan back from the right end: cheaper than walking through the run pixel by pixel.
    let end = clip.x1 - 1;
    while (end > start && !inside(end, y)) end--;
    span(y, start, end + 1);
  }
}
