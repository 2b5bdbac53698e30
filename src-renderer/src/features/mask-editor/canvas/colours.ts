/**
 * Pixel colouring for the canvas layers, as pure functions over typed arrays: the class mask in
 * palette colours (background transparent, void light grey), only inside a dirty rectangle, and the
 * cam as a heatmap whose alpha follows the activation.
 */
import type { Rect } from '../model/rect';
import type { Rgb } from '../storage/mask-storage';

export const VOID_RGB: Rgb = [224, 224, 192];
const little = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function pack(r: number, g: number, b: number, a: number): number {
  return little ? ((a << 24) | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
}

/** 256 packed RGBA words, one per class index, for writing through a Uint32Array view. */
export function paletteLut(palette: readonly Rgb[]): Uint32Array {
  const lut = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = i === 255 ? VOID_RGB : (palette[i] ?? [255, 0, 255]);
    lut[i] = pack(r, g, b, i === 0 ? 0 : 255);
  }
  return lut;
}

/** Recolours `rect` of `rgba` (one packed word per pixel, same width as the mask) from `mask`. */
export function colourMaskRect(mask: Uint8Array, width: number, rect: Rect, lut: Uint32Array, rgba: Uint32Array): void {
  for (let y = rect.y0; y < rect.y1; y++) {
    for (let i = y * width + rect.x0, end = y * width + rect.x1; i < end; i++) rgba[i] = lut[mask[i]!]!;
  }
}

/** A "jet"-like ramp with alpha rising with the value: low activations stay see-through. */
export function heatmapLut(): Uint32Array {
  const lut = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    const t = i / 255;
    const r = Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - 3))));
    const g = Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - 2))));
    const b = Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - 1))));
    lut[i] = pack(r, g, b, Math.round(255 * Math.min(1, t * 1.4)));
  }
  return lut;
}

export function colourCam(cam: Float32Array, lut: Uint32Array, rgba: Uint32Array): void {
  for (let i = 0; i < cam.length; i++) {
    const v = cam[i]!;
    rgba[i] = lut[v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255)]!;
  }
}
