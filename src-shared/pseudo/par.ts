/**
 * PAR, pixel-adaptive refinement (AFA, CVPR'22; ToCo, CVPR'23): a training-free refinement of
 * class maps by the image's own colours. Pure TypeScript (runs in the renderer's preview too).
 *
 * Neighbours: for each pixel i, the 8 pixels at offsets (±d, 0), (0, ±d), (±d, ±d) for every
 * dilation d (default [1,2,4,8,12,24]: 48 neighbours, the pixel itself not among them); outside
 * the image a neighbour is the nearest edge pixel (replicate padding).
 *
 *   σ_i,ch   = standard deviation (unbiased) of channel ch over i's neighbours
 *   a_ij     = −mean_ch (|I_i,ch − I_j,ch| / (σ_i,ch + 1e-8) / w1)²
 *   p_j      = −(d_j / σ_pos / w1)²,  d_j = d (axis) or d·√2 (diagonal), σ_pos = std of the d_j
 *   W_ij     = softmax_j(a_ij) + w2 · softmax_j(p_j)               (each row sums to 1 + w2)
 *   repeat:  M_i ← Σ_j W_ij M_j   for every map at once (iterations, default 10)
 *
 * w1 = 0.3, w2 = 0.01. Every map is scaled by the same (1 + w2) per iteration, so the argmax over
 * maps is what matters. PAR is linear and a constant map stays constant (times (1 + w2)^iterations),
 * so refining a constant background with the cams and taking the argmax equals thresholding the
 * refined cams divided by that factor at the same threshold: `parRefineCams` does that, so the
 * cams are refined once and any threshold (the preview's slider, the sweep) applies afterwards.
 * Outputs have the maps' own size: nothing is written outside width×height.
 */

export interface ParOptions {
  dilations: readonly number[];
  iterations: number;
  w1: number;
  w2: number;
}

export const PAR_DEFAULTS: ParOptions = { dilations: [1, 2, 4, 8, 12, 24], iterations: 10, w1: 0.3, w2: 0.01 };

/** The 8 directions of one dilation ring, diagonals first and last as in AFA's kernel order. */
const DIRECTIONS: readonly [number, number][] = [
  [-1, -1],
  [0, -1],
  [1, -1],
  [-1, 0],
  [1, 0],
  [-1, 1],
  [0, 1],
  [1, 1],
];

interface Neighbours {
  count: number;
  /** Per neighbour j: the clamped column for each x, and the clamped row for each y. */
  cols: Int32Array[];
  rows: Int32Array[];
  /** Per neighbour j: its nominal distance d or d·√2. */
  distance: Float64Array;
}

function neighbours(width: number, height: number, dilations: readonly number[]): Neighbours {
  const cols: Int32Array[] = [];
  const rows: Int32Array[] = [];
  const distance: number[] = [];
  for (const d of dilations) {
    if (!Number.isInteger(d) || d < 1) throw new Error(`PAR dilations must be positive integers, got ${d}`);
    for (const [dx, dy] of DIRECTIONS) {
      cols.push(Int32Array.from({ length: width }, (_, x) => Math.min(width - 1, Math.max(0, x + dx * d))));
      rows.push(Int32Array.from({ length: height }, (_, y) => Math.min(height - 1, Math.max(0, y + dy * d))));
      distance.push(dx !== 0 && dy !== 0 ? d * Math.SQRT2 : d);
    }
  }
  return { count: distance.length, cols, rows, distance: Float64Array.from(distance) };
}

/** softmax_j(p_j) of the position term: the same for every pixel. */
function positionWeights(distance: Float64Array, w1: number): Float64Array {
  const n = distance.length;
  const mean = distance.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(distance.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
  const logits = distance.map((d) => -((d / (std + 1e-8) / w1) ** 2));
  const max = Math.max(...logits);
  const exp = logits.map((l) => Math.exp(l - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((e) => e / sum);
}

/**
 * The affinity W [width*height*N] (row i holds its N neighbour weights) and the neighbour index of
 * each entry, from an RGB guide of width×height×3 bytes (or floats).
 */
export function parAffinity(
  guide: ArrayLike<number>,
  width: number,
  height: number,
  options: ParOptions = PAR_DEFAULTS,
): { weights: Float32Array; index: Int32Array; count: number } {
  const n = width * height;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new Error(`PAR: bad size ${width}×${height}`);
  if (guide.length !== n * 3) throw new Error(`PAR: the guide image holds ${guide.length} values, expected ${width}×${height}×3`);
  const nb = neighbours(width, height, options.dilations);
  const N = nb.count;
  const pos = positionWeights(nb.distance, options.w1);
  const weights = new Float32Array(n * N);
  const index = new Int32Array(n * N);
  const values = new Float64Array(N * 3);
  const logits = new Float64Array(N);
  const w1sq = options.w1 * options.w1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const base = i * N;
      for (let j = 0; j < N; j++) {
        const k = nb.rows[j]![y]! * width + nb.cols[j]![x]!;
        index[base + j] = k;
        values[j * 3] = guide[k * 3]!;
        values[j * 3 + 1] = guide[k * 3 + 1]!;
        values[j * 3 + 2] = guide[k * 3 + 2]!;
      }
      logits.fill(0);
      for (let ch = 0; ch < 3; ch++) {
        let mean = 0;
        for (let j = 0; j < N; j++) mean += values[j * 3 + ch]!;
        mean /= N;
        let ss = 0;
        for (let j = 0; j < N; j++) ss += (values[j * 3 + ch]! - mean) ** 2;
        const std = Math.sqrt(ss / Math.max(1, N - 1)) + 1e-8;
        const centre = guide[i * 3 + ch]!;
        for (let j = 0; j < N; j++) {
          const r = Math.abs(centre - values[j * 3 + ch]!) / std;
          logits[j]! -= (r * r) / w1sq / 3;
        }
      }
      let max = -Infinity;
      for (let j = 0; j < N; j++) if (logits[j]! > max) max = logits[j]!;
      let sum = 0;
      for (let j = 0; j < N; j++) {
        const e = Math.exp(logits[j]! - max);
        logits[j] = e;
        sum += e;
      }
      for (let j = 0; j < N; j++) weights[base + j] = logits[j]! / sum + options.w2 * pos[j]!;
    }
  }
  return { weights, index, count: N };
}

/** Refine maps (each width×height, e.g. background first, then the image's classes) with PAR. */
export function parRefine(
  maps: readonly Float32Array[],
  guide: ArrayLike<number>,
  width: number,
  height: number,
  options: ParOptions = PAR_DEFAULTS,
): Float32Array[] {
  const n = width * height;
  maps.forEach((m, k) => {
    if (m.length !== n) throw new Error(`PAR: map ${k} holds ${m.length} values, expected ${width}×${height}`);
  });
  if (!Number.isInteger(options.iterations) || options.iterations < 0) throw new Error(`PAR iterations must be a non-negative integer, got ${options.iterations}`);
  const { weights, index, count } = parAffinity(guide, width, height, options);
  let current = maps.map((m) => Float32Array.from(m));
  let next = maps.map(() => new Float32Array(n));
  for (let it = 0; it < options.iterations; it++) {
    for (let c = 0; c < current.length; c++) {
      const src = current[c]!;
      const dst = next[c]!;
      for (let i = 0; i < n; i++) {
        const base = i * count;
        let acc = 0;
        for (let j = 0; j < count; j++) acc += weights[base + j]! * src[index[base + j]!]!;
        dst[i] = acc;
      }
    }
    [current, next] = [next, current];
  }
  return current;
}

/** The factor every map is multiplied by: rows of W sum to 1 + w2, once per iteration. */
export function parGain(options: ParOptions = PAR_DEFAULTS): number {
  return (1 + options.w2) ** options.iterations;
}

/**
 * Cams in [0,1] refined by PAR and divided by parGain, so they threshold exactly like raw cams:
 * pixel i is foreground at threshold t iff max_c refined_c(i) ≥ t (the constant-background rule).
 */
export function parRefineCams(cams: readonly Float32Array[], guide: ArrayLike<number>, width: number, height: number, options: ParOptions = PAR_DEFAULTS): Float32Array[] {
  const gain = parGain(options);
  return parRefine(cams, guide, width, height, options).map((m) => m.map((v) => v / gain));
}

export interface ParMaskInput {
  /** Dataset class indices (≥ 1) of the cams, e.g. the image's labels. */
  classes: readonly number[];
  /** One cam in [0,1] per class, width×height each. */
  cams: readonly Float32Array[];
  /** RGB guide, width×height×3. */
  guide: ArrayLike<number>;
  width: number;
  height: number;
  /** The background map's constant value (the pseudo-mask threshold). */
  threshold: number;
}

/**
 * A pseudo-mask refined by PAR: background = `threshold` everywhere plus one map per class, all
 * refined together, then a per-pixel argmax. Values are 0 (background) or one of `classes`: PAR
 * never adds a class. Also returns the refined maps (background first).
 */
export function parPseudoMask(input: ParMaskInput, options: ParOptions = PAR_DEFAULTS): { mask: Uint8Array; maps: Float32Array[] } {
  const { classes, cams, width, height, threshold } = input;
  if (classes.length !== cams.length) throw new Error(`PAR: ${classes.length} classes but ${cams.length} cams`);
  for (const c of classes) if (!Number.isInteger(c) || c < 1 || c > 254) throw new Error(`PAR: class index ${c} is not 1..254`);
  const n = width * height;
  const maps = parRefine([new Float32Array(n).fill(threshold), ...cams], input.guide, width, height, options);
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = maps[0]![i]!;
    for (let k = 0; k < classes.length; k++) {
      const v = maps[k + 1]![i]!;
      if (v > best) {
        best = v;
        mask[i] = classes[k]!;
      }
    }
  }
  return { mask, maps };
}
