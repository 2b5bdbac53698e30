/**
 * Render one held-out sample: 1–3 Fashion-MNIST items (random scale, place, mirror; some
 * overlap) on a procedural texture (the demo's textures), at size×size pixels.
 *
 * An item's grey level g (0..255) gives its opacity a = clamp((g − 20) / 60, 0, 1) and shades its
 * fill colour by (0.45 + 0.55·g/255), so the item's own internal pattern stays visible. Items are
 * composited in order (later on top). The class mask takes, per pixel, the topmost item with
 * a ≥ 0.5 there (the item's own pixels, thresholded); pixels whose deciding opacity is mixed
 * (0.25 ≤ a < 0.75 for the item on top) are void (255): the anti-aliased rim, about one pixel
 * wide, where the true label is a blend — the same role as VOC's boundary band.
 */
import { createRng, itemSeed, type Rng } from '../../src-main/datasets/demo/rng';
import { backgroundTexture, fillTexture, type Texture } from '../../src-main/datasets/demo/textures';
import type { GeneratedSample } from '../../src-main/datasets/demo/voc-writer';
import { FMNIST_CLASSES, type FmnistItems } from './fmnist';

export const VOID = 255;

export interface HeldoutItem {
  /** Index into the items file. */
  item: number;
  /** Class index 1..10 (Fashion-MNIST label + 1). */
  classIndex: number;
  /** Top-left corner and side of the item's square box, in pixels. */
  x: number;
  y: number;
  side: number;
  mirror: boolean;
  fill: Texture;
}

const opacity = (g: number): number => Math.min(1, Math.max(0, (g - 20) / 60));

/** Bilinear grey level of item `it` at image point (px, py) (pixel centres at +0.5), 0 outside. */
function greyAt(items: FmnistItems, it: HeldoutItem, px: number, py: number): number {
  const { rows, cols } = items;
  let u = ((px - it.x) / it.side) * cols - 0.5;
  const v = ((py - it.y) / it.side) * rows - 0.5;
  if (it.mirror) u = cols - 1 - u;
  if (u < -1 || v < -1 || u > cols || v > rows) return 0;
  const x0 = Math.floor(u);
  const y0 = Math.floor(v);
  const fx = u - x0;
  const fy = v - y0;
  const base = it.item * rows * cols;
  const at = (x: number, y: number): number => (x < 0 || y < 0 || x >= cols || y >= rows ? 0 : items.pixels[base + y * cols + x]!);
  const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
  const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}

function placeItems(rng: Rng, items: FmnistItems, size: number, background: [number, number, number]): HeldoutItem[] {
  const count = rng.pick([1, 1, 2, 2, 2, 3, 3]);
  const out: HeldoutItem[] = [];
  for (let tries = 0; out.length < count && tries < 60; tries++) {
    const side = Math.round(size * rng.float(count === 1 ? 0.45 : 0.36, count === 1 ? 0.8 : 0.62));
    const x = rng.int(-Math.round(side * 0.08), size - side + Math.round(side * 0.08));
    const y = rng.int(-Math.round(side * 0.08), size - side + Math.round(side * 0.08));
    // Some overlap is allowed: box centres keep at least 45% of the mean side apart.
    if (out.some((o) => Math.hypot(o.x + o.side / 2 - (x + side / 2), o.y + o.side / 2 - (y + side / 2)) < 0.45 * (o.side + side))) continue;
    const item = rng.int(0, items.count - 1);
    out.push({ item, classIndex: items.labels[item]! + 1, x, y, side, mirror: rng.next() < 0.5, fill: fillTexture(rng, background, size) });
  }
  return out;
}

/** Opacity of each item at each pixel centre: [items][size*size]. */
function opacities(items: FmnistItems, placed: readonly HeldoutItem[], size: number): Float32Array[] {
  return placed.map((it) => {
    const a = new Float32Array(size * size);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) a[y * size + x] = opacity(greyAt(items, it, x + 0.5, y + 0.5));
    return a;
  });
}

/** Per pixel: the topmost item with a ≥ 0.5 (-1: background) and whether the pixel is mixed. */
function labelItems(alpha: readonly Float32Array[], n: number): { owner: Int8Array; mixed: Uint8Array } {
  const owner = new Int8Array(n).fill(-1);
  const mixed = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = alpha.length - 1; k >= 0; k--) {
      const a = alpha[k]![i]!;
      if (a >= 0.25 && a < 0.75) mixed[i] = 1;
      if (a >= 0.5) {
        owner[i] = k;
        break;
      }
      if (a >= 0.25) break;
    }
  }
  return { owner, mixed };
}

/** Every item must stay visible: ≥ 55% of its own pixels and ≥ 25 pixels. */
function visibleEnough(alpha: readonly Float32Array[], owner: Int8Array): boolean {
  return alpha.every((a, k) => {
    let own = 0;
    let visible = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i]! >= 0.5) own++;
      if (owner[i] === k) visible++;
    }
    return visible >= 25 && visible >= 0.55 * own;
  });
}

export function renderHeldoutSample(items: FmnistItems, seed: number, index: number, size: number): GeneratedSample {
  const rng = createRng(itemSeed(seed, index));
  const { texture: background, mean } = backgroundTexture(rng, size);
  let placed: HeldoutItem[] = [];
  let alpha: Float32Array[] = [];
  let labelled = labelItems([], size * size);
  for (let attempt = 0; attempt < 20; attempt++) {
    placed = placeItems(rng, items, size, mean);
    alpha = opacities(items, placed, size);
    labelled = labelItems(alpha, size * size);
    if (placed.length > 0 && visibleEnough(alpha, labelled.owner)) break;
    placed = [];
  }
  if (placed.length === 0) throw new Error(`held-out sample ${index}: could not place a visible item`);

  const n = size * size;
  const rgb = new Uint8Array(n * 3);
  const noise = rng.float(3, 9);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      let colour: number[] = [...background(x + 0.5, y + 0.5)];
      placed.forEach((it, k) => {
        const a = alpha[k]![i]!;
        if (a <= 0) return;
        const shade = 0.45 + (0.55 * greyAt(items, it, x + 0.5, y + 0.5)) / 255;
        const fill = it.fill(x + 0.5, y + 0.5);
        colour = colour.map((c, ch) => c * (1 - a) + fill[ch]! * shade * a);
      });
      for (let ch = 0; ch < 3; ch++) rgb[i * 3 + ch] = Math.max(0, Math.min(255, Math.round(colour[ch]! + (rng.next() - 0.5) * 2 * noise)));
    }
  }

  const mask = new Uint8Array(n);
  const boxes = placed.map(() => ({ xmin: size, ymin: size, xmax: -1, ymax: -1 }));
  for (let i = 0; i < n; i++) {
    const k = labelled.owner[i]!;
    mask[i] = labelled.mixed[i] ? VOID : k < 0 ? 0 : placed[k]!.classIndex;
    if (k >= 0) {
      const box = boxes[k]!;
      const x = i % size;
      const y = Math.floor(i / size);
      box.xmin = Math.min(box.xmin, x);
      box.ymin = Math.min(box.ymin, y);
      box.xmax = Math.max(box.xmax, x);
      box.ymax = Math.max(box.ymax, y);
    }
  }
  const objects = placed.map((it, k) => {
    const box = boxes[k]!;
    return {
      name: FMNIST_CLASSES[it.classIndex - 1]!,
      box,
      truncated: box.xmin === 0 || box.ymin === 0 || box.xmax === size - 1 || box.ymax === size - 1,
    };
  });
  return { width: size, height: size, rgb, mask, objects };
}
