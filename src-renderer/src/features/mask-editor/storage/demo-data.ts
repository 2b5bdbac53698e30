/**
 * A small synthetic dataset for the standalone demo and the component tests: images with a few
 * coloured shapes, a deliberately sloppy pseudo-mask (shifted, ragged) and a blurry cam per class.
 */
import type { MemoryImage } from './memory-backend';
import type { Rgb } from './mask-storage';

export const DEMO_CLASSES = ['background', 'aeroplane', 'bicycle', 'bird'] as const;
export const DEMO_PALETTE: readonly Rgb[] = [
  [0, 0, 0],
  [128, 0, 0],
  [0, 128, 0],
  [128, 128, 0],
];

interface Shape {
  classIndex: number;
  cx: number;
  cy: number;
  r: number;
  colour: Rgb;
}

export function makeDemoImage(id: string, width: number, height: number, seed = 1): MemoryImage {
  let s = seed >>> 0 || 1;
  const rand = (): number => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const shapes: Shape[] = [1, 2, 3].map((classIndex) => ({
    classIndex,
    cx: width * (0.2 + 0.6 * rand()),
    cy: height * (0.2 + 0.6 * rand()),
    r: Math.min(width, height) * (0.08 + 0.1 * rand()),
    colour: [60 + classIndex * 60, 200 - classIndex * 50, 90 + classIndex * 40],
  }));
  const n = width * height;
  const rgb = new Uint8Array(n * 3);
  const mask = new Uint8Array(n);
  const cams: Record<number, Float32Array> = {};
  for (const shape of shapes) cams[shape.classIndex] = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      let colour: Rgb = [40 + ((x * 80) / width) | 0, 60, 90 + ((y * 80) / height) | 0];
      for (const shape of shapes) {
        const d = Math.hypot(x + 0.5 - shape.cx, y + 0.5 - shape.cy);
        if (d <= shape.r) colour = shape.colour;
        // The pseudo-mask is shifted and ragged, as a cam-derived mask would be.
        const ragged = shape.r * (0.85 + 0.1 * Math.sin((x + y) / 3));
        if (Math.hypot(x + 0.5 - shape.cx - shape.r * 0.2, y + 0.5 - shape.cy) <= ragged) mask[i] = shape.classIndex;
        cams[shape.classIndex]![i] = Math.exp(-(d * d) / (2 * shape.r * shape.r * 0.6));
      }
      rgb.set(colour, i * 3);
    }
  }
  return { id, image: { width, height, data: rgb }, mask, cams };
}

export function makeDemoItems(count = 3, width = 320, height = 240): MemoryImage[] {
  return Array.from({ length: count }, (_, k) => makeDemoImage(`demo_${String(k + 1).padStart(3, '0')}`, width, height, k + 7));
}
