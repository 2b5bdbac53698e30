/** Axis-aligned pixel rectangles, half-open: [x0, x1) × [y0, y1). An empty rect has x1 <= x0 or y1 <= y0. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface Point {
  x: number;
  y: number;
}

export const EMPTY_RECT: Readonly<Rect> = Object.freeze({ x0: 0, y0: 0, x1: 0, y1: 0 });

export function isEmptyRect(r: Rect): boolean {
  return r.x1 <= r.x0 || r.y1 <= r.y0;
}

export function rectArea(r: Rect): number {
  return isEmptyRect(r) ? 0 : (r.x1 - r.x0) * (r.y1 - r.y0);
}

export function unionRect(a: Rect, b: Rect): Rect {
  if (isEmptyRect(a)) return { ...b };
  if (isEmptyRect(b)) return { ...a };
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

export function intersectRect(a: Rect, b: Rect): Rect {
  const r = { x0: Math.max(a.x0, b.x0), y0: Math.max(a.y0, b.y0), x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1) };
  return isEmptyRect(r) ? { ...EMPTY_RECT } : r;
}

/** Clamps to the image [0, width) × [0, height), rounding outwards to whole pixels. */
export function clampRect(r: Rect, width: number, height: number): Rect {
  return intersectRect(
    { x0: Math.floor(r.x0), y0: Math.floor(r.y0), x1: Math.ceil(r.x1), y1: Math.ceil(r.y1) },
    { x0: 0, y0: 0, x1: width, y1: height },
  );
}
