/**
 * Cached cams → a pseudo-mask (class indices, 0 = background), the one function `eader infer`, the
 * renderer's previews, the metrics, the review queue and "accept into project" all use. A
 * segmenter's prediction grid (one with a `background` plane) takes the network's own argmax over
 * background and its classes instead of steps 1–2 (no threshold; only a refiner of predictions,
 * PAR, refines its planes first); steps 3–4 apply alike, the ignore band to its best probability,
 * background included. For cams:
 *   1. refinement, a named stage (refiners.ts): `none` leaves the cams as they are;
 *   2. the DESIGN §1 rule on the (refined) cams — below the threshold → 0, background a constant
 *      1e-5, per-pixel argmax — or the argmax of a refiner's label scores; scores are resized
 *      bilinearly to the output size first (the image's own size for saved masks);
 *   3. optionally, per class, only its largest 4-connected component is kept;
 *   4. optionally an ignore band: 255 (void) where the best raw cam lies in [low, high), the
 *      pixels too uncertain to train a segmenter on (IRN's fg/bg confidence gap).
 */
import { VOID_LABEL } from '../domain/dataset';
import { dequantise, dequantiseBackground, resizePlanes, type CamGrid } from './cam-grid';
import type { RefineOptions } from './refine';
import type { WalkOptions } from '../affinity/random-walk';
import { REFINERS, type Refined, type RefinerName } from './refiners';

export const BACKGROUND_SCORE = 1e-5;

/** Pixels whose best cam is at least `low` and below `high` become 255 (0 ≤ low < high ≤ 1). */
export interface IgnoreBand {
  low: number;
  high: number;
}

export interface RenderSettings {
  threshold: number;
  refine: RefinerName;
  keepLargest: boolean;
  ignoreBand?: IgnoreBand | null;
  /** Knobs of the bilateral refiner (default DEFAULT_REFINE). */
  refineOptions?: RefineOptions;
  /** Knobs of the random walk (default WALK_DEFAULTS). */
  walkOptions?: WalkOptions;
}

/** The DESIGN §1 rule over float cams; labels[k] is cam k's dataset class index. */
export function ruleMask(cams: readonly Float32Array[], labels: readonly number[], n: number, threshold: number): Uint8Array {
  const mask = new Uint8Array(n);
  const best = new Float32Array(n).fill(BACKGROUND_SCORE);
  cams.forEach((cam, k) => {
    const label = labels[k]!;
    for (let i = 0; i < n; i++) {
      const raw = cam[i]!;
      const score = raw < threshold ? 0 : raw;
      if (score > best[i]!) {
        best[i] = score;
        mask[i] = label;
      }
    }
  });
  return mask;
}

/** Argmax over label planes (plane 0 = background, plane k+1 = labels[k]); ties go to the lower plane. */
export function argmaxMask(planes: readonly Float32Array[], labels: readonly number[], n: number): Uint8Array {
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = planes[0]![i]!;
    let label = 0;
    for (let l = 1; l < planes.length; l++) {
      const v = planes[l]![i]!;
      if (v > best) {
        best = v;
        label = labels[l - 1]!;
      }
    }
    mask[i] = label;
  }
  return mask;
}

/** Per class, keep only its largest 4-connected component; the rest becomes background. */
export function keepLargestComponents(mask: Uint8Array, width: number, height: number): Uint8Array {
  if (mask.length !== width * height) throw new Error(`mask holds ${mask.length} pixels, expected ${width}×${height}`);
  const out = mask.slice();
  const component = new Int32Array(mask.length).fill(-1);
  const stack = new Int32Array(mask.length);
  const sizes: number[] = [];
  const labelOf: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    const label = mask[start]!;
    if (label === 0 || label === 255 || component[start] !== -1) continue;
    const id = sizes.length;
    let top = 0;
    let size = 0;
    stack[top++] = start;
    component[start] = id;
    while (top > 0) {
      const p = stack[--top]!;
      size++;
      const x = p % width;
      const neighbours = [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, p >= width ? p - width : -1, p + width < mask.length ? p + width : -1];
      for (const q of neighbours) {
        if (q < 0 || component[q] !== -1 || mask[q] !== label) continue;
        component[q] = id;
        stack[top++] = q;
      }
    }
    sizes.push(size);
    labelOf.push(label);
  }
  const largest = new Map<number, number>(); // label → component id
  sizes.forEach((size, id) => {
    const label = labelOf[id]!;
    const current = largest.get(label);
    if (current === undefined || size > sizes[current]!) largest.set(label, id);
  });
  for (let i = 0; i < out.length; i++) {
    const id = component[i]!;
    if (id >= 0 && largest.get(labelOf[id]!) !== id) out[i] = 0;
  }
  return out;
}

/** Labels (other than background) present in a mask. */
export function labelSet(mask: Uint8Array): Set<number> {
  const seen = new Set<number>();
  for (const v of mask) if (v !== 0) seen.add(v);
  return seen;
}

/** 255 wherever the best of `cams` (each n values) lies in [band.low, band.high). In place. */
export function applyIgnoreBand(mask: Uint8Array, cams: readonly Float32Array[], band: IgnoreBand): Uint8Array {
  if (!(band.low >= 0 && band.low < band.high && band.high <= 1)) throw new Error(`ignore band must have 0 ≤ low < high ≤ 1, got [${band.low}, ${band.high})`);
  for (let i = 0; i < mask.length; i++) {
    let best = 0;
    for (const cam of cams) if (cam[i]! > best) best = cam[i]!;
    if (best >= band.low && best < band.high) mask[i] = VOID_LABEL;
  }
  return mask;
}

/** The last threshold-free refinement (PAR): the sweep and the preview's slider ask for the same grid at many thresholds. */
let lastRefined: { grid: CamGrid; refine: RefinerName; refined: Refined } | null = null;
/** The same for a prediction grid's refined planes (no refiner of predictions depends on the threshold). */
let lastPrediction: { grid: CamGrid; refine: RefinerName; planes: Float32Array[] } | null = null;

function refineGrid(grid: CamGrid, cams: Float32Array[], settings: RenderSettings): Refined {
  const refiner = REFINERS[settings.refine];
  if (refiner.thresholdFree && lastRefined?.grid === grid && lastRefined.refine === settings.refine) return lastRefined.refined;
  const { width: w, height: h } = grid;
  const refined = refiner.refine({ cams, classes: grid.classes, guide: grid.guide, width: w, height: h, threshold: settings.threshold, bilateral: settings.refineOptions, embedding: grid.embedding, walk: settings.walkOptions }, (c) =>
    ruleMask(c, grid.classes, w * h, settings.threshold),
  );
  // 'none' returns the grid's own planes (nothing to save); the others are kept for the next threshold.
  if (refiner.thresholdFree && refined.kind === 'cams' && refined.cams !== cams) lastRefined = { grid, refine: settings.refine, refined };
  return refined;
}

/** A prediction grid's planes [bg, classes…] refined by the refiner that refines predictions (PAR), at the grid's size; the same planes for the others. */
function refinePrediction(grid: CamGrid, planes: Float32Array[], refine: RefinerName): Float32Array[] {
  const refiner = REFINERS[refine];
  if (!refiner.refinePrediction) return planes;
  if (lastPrediction?.grid === grid && lastPrediction.refine === refine) return lastPrediction.planes;
  if (grid.guide.length !== grid.width * grid.height * 3) throw new Error(`the ${refine} refiner needs the guide image (${grid.width}×${grid.height}×3 bytes), got ${grid.guide.length} bytes`);
  const refined = refiner.refinePrediction(planes, grid.guide, grid.width, grid.height);
  lastPrediction = { grid, refine, planes: refined };
  return refined;
}

/** The pseudo-mask of a cam grid at `size` (default the grid's own size). */
export function renderPseudoMask(grid: CamGrid, settings: RenderSettings, size: { width: number; height: number } = grid): Uint8Array {
  const n = size.width * size.height;
  if (grid.classes.length === 0) return new Uint8Array(n); // background-only: certain, never ignored
  const { width: w, height: h } = grid;
  const cams = dequantise(grid); // K × [h*w]
  const toSize = (planes: readonly Float32Array[]): Float32Array[] => resizePlanes(planes, w, h, size.width, size.height);
  const background = dequantiseBackground(grid);
  if (background) {
    const planes = toSize(refinePrediction(grid, [background, ...cams], settings.refine)); // [bg, classes…] at the output size
    let mask = argmaxMask(planes, grid.classes, n);
    if (settings.keepLargest) mask = keepLargestComponents(mask, size.width, size.height);
    if (settings.ignoreBand) applyIgnoreBand(mask, planes, settings.ignoreBand);
    return mask;
  }
  if (REFINERS[settings.refine].needsGuide && grid.guide.length !== w * h * 3) {
    throw new Error(`the ${settings.refine} refiner needs the guide image (${w}×${h}×3 bytes), got ${grid.guide.length} bytes`);
  }
  const refined = refineGrid(grid, cams, settings);
  const resizedCams = refined.kind === 'cams' && refined.cams === cams ? toSize(cams) : null;
  let mask =
    refined.kind === 'cams'
      ? ruleMask(resizedCams ?? toSize(refined.cams), grid.classes, n, settings.threshold)
      : argmaxMask(resizePlanes(refined.planes, refined.size?.width ?? w, refined.size?.height ?? h, size.width, size.height), grid.classes, n);
  if (settings.keepLargest) mask = keepLargestComponents(mask, size.width, size.height);
  if (settings.ignoreBand) applyIgnoreBand(mask, resizedCams ?? toSize(cams), settings.ignoreBand);
  return mask;
}
