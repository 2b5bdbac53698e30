/**
 * 4-connected scanline flood fill over the mask: the region of pixels with the seed's class,
 * optionally also limited to image colours within `tolerance` (max per-channel difference) of the
 * seed's colour. The region is collected as row spans first, so the caller learns its bounds
 * before writing (the history records only that rectangle).
 */
import type { RgbImage } from '@shared/domain/dataset';
import type { Rect } from './rect';

export interface FloodRegion {
  /** Triples (y, x0, x1) of half-open runs. */
  spans: Int32Array;
  count: number;
  bounds: Rect;
}

export function floodRegion(mask: Uint8Array, width: number, height: number, sx: number, sy: number, colour?: { image: RgbImage; tolerance: number }): FloodRegion {
  const seedValue = mask[sy * width + sx]!;
  const rgb = colour?.image.data;
  const tol = colour?.tolerance ?? 0;
  const s3 = (sy * width + sx) * 3;
  const r0 = rgb?.[s3] ?? 0;
  const g0 = rgb?.[s3 + 1] ?? 0;
  const b0 = rgb?.[s3 + 2] ?? 0;
  const visited = new Uint8Array(width * height);
  const match = (i: number): boolean => {
    if (visited[i] || mask[i] !== seedValue) return false;
    if (!rgb) return true;
    const j = i * 3;
    return Math.abs(rgb[j]! - r0) <= tol && Math.abs(rgb[j + 1]! - g0) <= tol && Math.abs(rgb[j + 2]! - b0) <= tol;
  };

  let spans = new Int32Array(3 * 1024);
  let count = 0;
  let stack = new Int32Array(2 * 1024);
  let top = 0;
  const push = (x: number, y: number): void => {
    if (top + 2 > stack.length) {
      const grown = new Int32Array(stack.length * 2);
      grown.set(stack);
      stack = grown;
    }
    stack[top++] = x;
    stack[top++] = y;
  };
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;

  push(sx, sy);
  while (top > 0) {
    const y = stack[--top]!;
    const x = stack[--top]!;
    const row = y * width;
    if (!match(row + x)) continue;
    let xl = x;
    while (xl > 0 && match(row + xl - 1)) xl--;
    let xr = x + 1;
    while (xr < width && match(row + xr)) xr++;
    visited.fill(1, row + xl, row + xr);
    if (count * 3 + 3 > spans.length) {
      const grown = new Int32Array(spans.length * 2);
      grown.set(spans);
      spans = grown;
    }
    spans[count * 3] = y;
    spans[count * 3 + 1] = xl;
    spans[count * 3 + 2] = xr;
    count++;
    if (xl < minX) minX = xl;
    if (xr - 1 > maxX) maxX = xr - 1;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
    for (const ny of [y - 1, y + 1]) {
      if (ny < 0 || ny >= height) continue;
      const nrow = ny * width;
      let inRun = false;
      for (let nx = xl; nx < xr; nx++) {
        const ok = match(nrow + nx);
        if (ok && !inRun) push(nx, ny);
        inRun = ok;
      }
    }
  }
  return { spans, count, bounds: maxX < 0 ? { x0: 0, y0: 0, x1: 0, y1: 0 } : { x0: minX, y0: minY, x1: maxX + 1, y1: maxY + 1 } };
}
