/**
 * Render one demo sample: a textured background (optionally with clutter strokes) with 1–3
 * rotated shapes, the RGB pixels (2×2 supersampled edges, light sensor noise), and the class mask
 * with a thin void band on every object outline, as in VOC's SegmentationClass. A DemoSpec sets
 * the image and shape sizes; CLASSIC_SPEC is the committed resources/demo set's.
 */
import { createRng, itemSeed, type Rng } from './rng';
import { SHAPE_CLASSES, type ShapeClass, insideShape } from './shapes';
import { backgroundTexture, fillTexture, withStrokes, type Texture } from './textures';

export interface DemoSpec {
  /** Width and height are drawn independently from [minSide, maxSide]. */
  minSide: number;
  maxSide: number;
  /** Smallest shape radius in px; the largest as a fraction of the shorter side (one shape / several). */
  minRadius: number;
  maxRadiusOne: number;
  maxRadiusMany: number;
  /** Visible pixels every shape keeps at least (and ≥ 60% of its own area). */
  minVisible: number;
  /** Up to this many clutter strokes on the background (0: none). */
  clutter: number;
}

/** The committed 300-image set (resources/demo): 96–128 px, no clutter. */
export const CLASSIC_SPEC: DemoSpec = { minSide: 96, maxSide: 128, minRadius: 13, maxRadiusOne: 0.36, maxRadiusMany: 0.27, minVisible: 60, clutter: 0 };

export const VOID = 255;

export interface DemoObject {
  shape: ShapeClass;
  /** Class index: position in SHAPE_CLASSES + 1 (0 is background). */
  classIndex: number;
  cx: number;
  cy: number;
  radius: number;
  angle: number;
  /** cos and sin of −angle, cached for the point tests. */
  cos: number;
  sin: number;
  fill: Texture;
  /** Visible extent, 0-based inclusive pixel coordinates (filled in after rendering). */
  box: { xmin: number; ymin: number; xmax: number; ymax: number };
  truncated: boolean;
}

export interface DemoSample {
  width: number;
  height: number;
  /** H*W*3 RGB. */
  rgb: Uint8Array;
  /** H*W class indices, 255 on object outlines. */
  mask: Uint8Array;
  objects: DemoObject[];
}

const SUBSAMPLES: readonly [number, number][] = [
  [0.25, 0.25],
  [0.75, 0.25],
  [0.25, 0.75],
  [0.75, 0.75],
];

function topObjectAt(objects: readonly DemoObject[], x: number, y: number): number {
  for (let k = objects.length - 1; k >= 0; k--) {
    const o = objects[k]!;
    const dx = (x - o.cx) / o.radius;
    const dy = (y - o.cy) / o.radius;
    if (insideShape(o.shape, dx * o.cos - dy * o.sin, dx * o.sin + dy * o.cos)) return k;
  }
  return -1;
}

function placeObjects(rng: Rng, width: number, height: number, background: [number, number, number], spec: DemoSpec): DemoObject[] {
  const count = rng.pick([1, 1, 1, 2, 2, 2, 3, 3]);
  const allowOverlap = rng.next() < 0.25;
  const objects: DemoObject[] = [];
  for (let tries = 0; objects.length < count && tries < 60; tries++) {
    const radius = rng.float(spec.minRadius, Math.min(width, height) * (count === 1 ? spec.maxRadiusOne : spec.maxRadiusMany));
    const margin = radius * 0.75;
    const cx = rng.float(margin, width - margin);
    const cy = rng.float(margin, height - margin);
    const shape = rng.pick(SHAPE_CLASSES);
    const angle = rng.float(0, Math.PI * 2);
    const fill = fillTexture(rng, background, Math.max(width, height));
    const minGap = allowOverlap ? 0.65 : 1.05;
    if (objects.some((o) => Math.hypot(o.cx - cx, o.cy - cy) < minGap * (o.radius + radius))) continue;
    const classIndex = SHAPE_CLASSES.indexOf(shape) + 1;
    const [cos, sin] = [Math.cos(-angle), Math.sin(-angle)];
    objects.push({ shape, classIndex, cx, cy, radius, angle, cos, sin, fill, box: { xmin: 0, ymin: 0, xmax: 0, ymax: 0 }, truncated: false });
  }
  return objects;
}

/** Object id per pixel (at the pixel centre), -1 for background. */
function objectMap(objects: readonly DemoObject[], width: number, height: number): Int8Array {
  const ids = new Int8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) ids[y * width + x] = topObjectAt(objects, x + 0.5, y + 0.5);
  }
  return ids;
}

/** Every object must stay well visible (≥ 60% of its own area and ≥ minVisible px) after occlusion. */
function visibleEnough(objects: readonly DemoObject[], ids: Int8Array, width: number, minVisible: number): boolean {
  const height = ids.length / width;
  return objects.every((o, k) => {
    let visible = 0;
    for (let i = 0; i < ids.length; i++) if (ids[i] === k) visible++;
    // The shape's own area: only pixels within its radius can be inside it.
    let own = 0;
    const [x0, x1] = [Math.max(0, Math.floor(o.cx - o.radius - 1)), Math.min(width - 1, Math.ceil(o.cx + o.radius + 1))];
    const [y0, y1] = [Math.max(0, Math.floor(o.cy - o.radius - 1)), Math.min(height - 1, Math.ceil(o.cy + o.radius + 1))];
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) if (topObjectAt([o], x + 0.5, y + 0.5) === 0) own++;
    return visible >= minVisible && visible >= 0.6 * own;
  });
}

export function renderDemoSample(seed: number, index: number, spec: DemoSpec = CLASSIC_SPEC): DemoSample {
  const rng = createRng(itemSeed(seed, index));
  const width = rng.int(spec.minSide, spec.maxSide);
  const height = rng.int(spec.minSide, spec.maxSide);
  const { texture: plain, mean } = backgroundTexture(rng, Math.max(width, height));
  let objects = placeObjects(rng, width, height, mean, spec);
  let ids = objectMap(objects, width, height);
  for (let attempt = 0; attempt < 20 && (objects.length === 0 || !visibleEnough(objects, ids, width, spec.minVisible)); attempt++) {
    objects = placeObjects(rng, width, height, mean, spec);
    ids = objectMap(objects, width, height);
  }
  if (objects.length === 0) throw new Error(`demo sample ${index}: could not place any object`);

  const rgb = new Uint8Array(width * height * 3);
  const noise = rng.float(3, 10);
  // Clutter draws its numbers after the classic ones, so CLASSIC_SPEC renders what it always did.
  const background = spec.clutter > 0 ? withStrokes(plain, rng, width, height, spec.clutter) : plain;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sum = [0, 0, 0];
      for (const [sx, sy] of SUBSAMPLES) {
        const k = topObjectAt(objects, x + sx, y + sy);
        const colour = k < 0 ? background(x + sx, y + sy) : objects[k]!.fill(x + sx, y + sy);
        sum[0]! += colour[0];
        sum[1]! += colour[1];
        sum[2]! += colour[2];
      }
      for (let c = 0; c < 3; c++) {
        const value = sum[c]! / SUBSAMPLES.length + (rng.next() - 0.5) * 2 * noise;
        rgb[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(value)));
      }
    }
  }

  const mask = new Uint8Array(width * height);
  for (const o of objects) o.box = { xmin: width, ymin: height, xmax: -1, ymax: -1 };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const k = ids[i]!;
      const neighbours = [x > 0 ? ids[i - 1] : k, x < width - 1 ? ids[i + 1] : k, y > 0 ? ids[i - width] : k, y < height - 1 ? ids[i + width] : k];
      mask[i] = neighbours.some((n) => n !== k) ? VOID : k < 0 ? 0 : objects[k]!.classIndex;
      if (k >= 0) {
        const box = objects[k]!.box;
        box.xmin = Math.min(box.xmin, x);
        box.ymin = Math.min(box.ymin, y);
        box.xmax = Math.max(box.xmax, x);
        box.ymax = Math.max(box.ymax, y);
      }
    }
  }
  for (const o of objects) o.truncated = o.box.xmin === 0 || o.box.ymin === 0 || o.box.xmax === width - 1 || o.box.ymax === height - 1;
  return { width, height, rgb, mask, objects };
}
