/**
 * 4-connected scanline flood fill, in place: fills the region of pixels that hold the seed's class
 * (and, optionally, whose image colour is within `tolerance` — max per-channel difference — of the
 * seed's) with `value`. Each run is announced with touchSpan before it is written, so the history
 * records its before-bytes; filled pixels no longer hold the seed's class, which makes them
 * "visited" without a separate bitmap.
 */
import type { RgbImage } from '@shared/domain/dataset';
import type { MaskLayer } from './mask-layer';

export interface FloodColour {
  image: RgbImage;
  tolerance: number;
}

/** Returns the number of pixels filled (0 when the seed already holds `value`). */
export function floodFill(layer: MaskLayer, sx: number, sy: number, value: number, colour?: FloodColour): number {
  const { width, height, data } = layer;
  const seed = sy * width + sx;
  const seedValue = data[seed]!;
  if (seedValue === value) return 0;
  const rgb = colour?.image.data;
  const tol = colour?.tolerance ?? 0;
  const r0 = rgb?.[seed * 3] ?? 0;
  const g0 = rgb?.[seed * 3 + 1] ?? 0;
  const b0 = rgb?.[seed * 3 + 2] ?? 0;
  const open = rgb
    ? (i: number): boolean => {
        if (data[i] !== seedValue) return false;
        const dr = rgb[i * 3]! - r0;
        const dg = rgb[i * 3 + 1]! - g0;
        const db = rgb[i * 3 + 2]! - b0;
        return dr <= tol && dr >= -tol && dg <= tol && dg >= -tol && db <= tol && db >= -tol;
      }
    : null;

  let stack = new Int32Array(2048);
  let top = 0;
  let filled = 0;
  stack[top++] = sx;
  stack[top++] = sy;
  while (top > 0) {
    const y = stack[--top]!;
    const x = stack[--top]!;
    const row = y * width;
    if (open ? !open(row + x) : data[row + x] !== seedValue) continue;
    let xl = x;
    let xr = x + 1;
    if (open) {
      while (xl > 0 && open(row + xl - 1)) xl--;
      while (xr < width && open(row + xr)) xr++;
    } else {
      while (xl > 0 && data[row + xl - 1] === seedValue) xl--;
      while (xr < width && data[row + xr] === seedValue) xr++;
    }
    layer.touchSpan(y, xl, xr);
    data.fill(value, row + xl, row + xr);
    filled += xr - xl;
    // Seed one point per run of open pixels in the rows above and below.
    for (let ny = y - 1; ny <= y + 1; ny += 2) {
      if (ny < 0 || ny >= height) continue;
      const nrow = ny * width;
      let nx = xl;
      while (nx < xr) {
        if (open) while (nx < xr && !open(nrow + nx)) nx++;
        else while (nx < xr && data[nrow + nx] !== seedValue) nx++;
        if (nx >= xr) break;
        if (top + 2 > stack.length) {
          const grown = new Int32Array(stack.length * 2);
          grown.set(stack);
          stack = grown;
        }
        stack[top++] = nx;
        stack[top++] = ny;
        if (open) while (nx < xr && open(nrow + nx)) nx++;
        else while (nx < xr && data[nrow + nx] === seedValue) nx++;
      }
    }
  }
  return filled;
}
