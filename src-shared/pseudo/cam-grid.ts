/**
 * Cached cams as the main side stores them and the renderer receives them: one uint8 plane per
 * class at a "grid" size (the image size, capped at a longest side), value v meaning cam v/255.
 * Pure TypeScript, shared by the main side (masks, metrics, queue) and the renderer (previews), so
 * both turn the same bytes into the same masks.
 */
import type { AffinityEmbedding } from '../affinity/random-walk';

/**
 * The longest side of the grid the app caches cams at, and `eader infer`'s default: masks are
 * rendered from the grid up to the image size, so both write the same masks.
 */
export const DEFAULT_GRID_SIDE = 256;

/**
 * Quantised cams of one image — or, from a segmenter run, its predicted probabilities: then
 * `background` holds the background's plane and the rule is the network's own argmax (render.ts).
 */
export interface CamGrid {
  /** Grid size (the cams' resolution); the image's own size is imageWidth × imageHeight. */
  width: number;
  height: number;
  imageWidth: number;
  imageHeight: number;
  /** Dataset class indices (≥ 1), one plane each, in plane order. */
  classes: number[];
  /** classes.length planes of width×height bytes, row-major. */
  cams: Uint8Array;
  /** The image at grid size, RGB (width×height×3): the refinement's guide and the preview. */
  guide: Uint8Array;
  /**
   * A segmenter's prediction: the background probability at grid size (width×height bytes, v/255);
   * the class planes are then the classes' probabilities. Absent (or null) for cams.
   */
  background?: Uint8Array | null;
  /** The affinity head's embedding at the walk's grid (the `rw` refiner's input), when the run has a head. */
  embedding?: AffinityEmbedding | null;
}

/** The background plane of a prediction grid as floats, or null for cams. */
export function dequantiseBackground(grid: CamGrid): Float32Array | null {
  if (!grid.background) return null;
  const n = grid.width * grid.height;
  if (grid.background.length !== n) throw new Error(`background plane holds ${grid.background.length} bytes, expected ${grid.width}×${grid.height}`);
  return Float32Array.from(grid.background, (v) => v / 255);
}

/** The grid size of an image: its own size, scaled down so the longest side is at most maxSide. */
export function gridSize(imageWidth: number, imageHeight: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(imageWidth, imageHeight));
  return { width: Math.max(1, Math.round(imageWidth * scale)), height: Math.max(1, Math.round(imageHeight * scale)) };
}

/** A cam in [0,1] → bytes (round to nearest of 255 steps). */
export function quantise(cam: Float32Array, out = new Uint8Array(cam.length)): Uint8Array {
  for (let i = 0; i < cam.length; i++) {
    const v = cam[i]!;
    out[i] = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
  }
  return out;
}

/** The planes of a grid as floats in [0,1]. */
export function dequantise(grid: CamGrid): Float32Array[] {
  const n = grid.width * grid.height;
  if (grid.cams.length !== grid.classes.length * n) throw new Error(`cam grid holds ${grid.cams.length} bytes, expected ${grid.classes.length}×${grid.width}×${grid.height}`);
  return grid.classes.map((_, k) => {
    const plane = new Float32Array(n);
    const src = grid.cams.subarray(k * n, (k + 1) * n);
    for (let i = 0; i < n; i++) plane[i] = src[i]! / 255;
    return plane;
  });
}

/** Interpolation taps of a half-pixel-centre bilinear resize (PyTorch align_corners=False). */
function taps(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; w1: Float32Array } {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w1 = new Float32Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = Math.max(0, (o + 0.5) * scale - 0.5);
    const lo = Math.min(inSize - 1, Math.floor(src));
    i0[o] = lo;
    i1[o] = Math.min(inSize - 1, lo + 1);
    w1[o] = src - lo;
  }
  return { i0, i1, w1 };
}

/** Bilinear resize of float planes (each w×h) to W×H; returns the input planes when sizes match. */
export function resizePlanes(planes: readonly Float32Array[], w: number, h: number, W: number, H: number): Float32Array[] {
  if (w === W && h === H) return [...planes];
  const tx = taps(w, W);
  const ty = taps(h, H);
  return planes.map((plane) => {
    const out = new Float32Array(W * H);
    for (let y = 0; y < H; y++) {
      const r0 = ty.i0[y]! * w;
      const r1 = ty.i1[y]! * w;
      const wy = ty.w1[y]!;
      for (let x = 0; x < W; x++) {
        const a = tx.i0[x]!;
        const b = tx.i1[x]!;
        const wx = tx.w1[x]!;
        const top = plane[r0 + a]! * (1 - wx) + plane[r0 + b]! * wx;
        const bottom = plane[r1 + a]! * (1 - wx) + plane[r1 + b]! * wx;
        out[y * W + x] = top * (1 - wy) + bottom * wy;
      }
    }
    return out;
  });
}

/** Bilinear resize of an RGB image (w×h×3 bytes) to W×H. */
export function resizeRgb(rgb: Uint8Array, w: number, h: number, W: number, H: number): Uint8Array {
  if (w === W && h === H) return rgb.slice();
  const channels = [0, 1, 2].map((c) => {
    const plane = new Float32Array(w * h);
    for (let i = 0; i < w * h; i++) plane[i] = rgb[i * 3 + c]!;
    return plane;
  });
  const resized = resizePlanes(channels, w, h, W, H);
  const out = new Uint8Array(W * H * 3);
  resized.forEach((plane, c) => {
    for (let i = 0; i < W * H; i++) out[i * 3 + c] = Math.round(plane[i]!);
  });
  return out;
}
