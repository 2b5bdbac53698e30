/**
 * Image-aware refinement of pseudo-masks: a few mean-field iterations of a dense-CRF-style model
 * (Krähenbühl & Koltun 2011) whose pairwise term is a bilateral kernel over a sparse window
 * (offsets −6..6 in steps of 3: 24 neighbours spread over 13×13 px) instead of a permutohedral lattice.
 *
 *   unary     u_0 = threshold (background), u_c = cam_c (each label kept), −∞ for labels not kept
 *   Q         = softmax(τ·u)
 *   repeat:   m_l(i) = Σ_j k(i,j) Q_l(j) / Σ_j k(i,j),  k = exp(−|p_i−p_j|²/2σ_xy² − |I_i−I_j|²/2σ_rgb²)
 *             Q_l(i) ∝ exp(τ·u_l(i) + w·m_l(i))          (Potts compatibility)
 *
 * The background unary equals the threshold, so with w = 0 the argmax of Q is the plain pseudo-mask
 * rule. Labels outside `keep` get probability 0, so refinement never adds a class to an image.
 */

export interface RefineOptions {
  iterations: number;
  /** Softmax temperature on the unaries. */
  tau: number;
  /** Weight of the pairwise (smoothness) message. */
  weight: number;
  sigmaXy: number;
  sigmaRgb: number;
}

export const DEFAULT_REFINE: RefineOptions = { iterations: 5, tau: 10, weight: 4, sigmaXy: 3, sigmaRgb: 20 };

const OFFSETS: readonly [number, number][] = (() => {
  const list: [number, number][] = [];
  for (let dy = -6; dy <= 6; dy += 3) for (let dx = -6; dx <= 6; dx += 3) if (dx !== 0 || dy !== 0) list.push([dx, dy]);
  return list;
})();

/**
 * Refined label probabilities Q, one plane per label: index 0 background, index k+1 the k-th cam.
 * `keep[k]` says whether cam k's class may appear (e.g. it is present in the unrefined mask).
 */
export function meanFieldRefine(
  cams: readonly Float32Array[],
  guide: Uint8Array,
  width: number,
  height: number,
  threshold: number,
  keep: readonly boolean[],
  options: RefineOptions = DEFAULT_REFINE,
): Float32Array[] {
  const n = width * height;
  if (guide.length !== n * 3) throw new Error(`guide image holds ${guide.length} bytes, expected ${width}×${height}×3`);
  const unary: (Float32Array | null)[] = [new Float32Array(n).fill(threshold * options.tau), ...cams.map((cam, k) => (keep[k] ? cam.map((v) => v * options.tau) : null))];
  // Kernel weights per pixel and offset (0 outside the image), and each pixel's normaliser.
  const kernel = new Float32Array(n * OFFSETS.length);
  const norm = new Float32Array(n);
  const sxy = 2 * options.sigmaXy * options.sigmaXy;
  const srgb = 2 * options.sigmaRgb * options.sigmaRgb;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      let sum = 0;
      for (let o = 0; o < OFFSETS.length; o++) {
        const [dx, dy] = OFFSETS[o]!;
        const xx = x + dx;
        const yy = y + dy;
        if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
        const j = yy * width + xx;
        const dr = guide[i * 3]! - guide[j * 3]!;
        const dg = guide[i * 3 + 1]! - guide[j * 3 + 1]!;
        const db = guide[i * 3 + 2]! - guide[j * 3 + 2]!;
        const k = Math.exp(-(dx * dx + dy * dy) / sxy - (dr * dr + dg * dg + db * db) / srgb);
        kernel[i * OFFSETS.length + o] = k;
        sum += k;
      }
      norm[i] = sum > 0 ? 1 / sum : 0;
    }
  }
  const deltas = Int32Array.from(OFFSETS, ([dx, dy]) => dy * width + dx);
  const kept = unary.map((u) => u !== null);
  let q = softmax(unary, null, 0, n);
  for (let it = 0; it < options.iterations; it++) {
    q = softmax(unary, messages(q, kept, kernel, norm, deltas, n), options.weight, n);
  }
  return q;
}

/** Normalised bilateral messages of every kept label in one pass over the kernel. */
function messages(q: readonly Float32Array[], kept: readonly boolean[], kernel: Float32Array, norm: Float32Array, deltas: Int32Array, n: number): (Float32Array | null)[] {
  const planes = q.filter((_, l) => kept[l]);
  const outs = planes.map(() => new Float32Array(n));
  const L = planes.length;
  const K = deltas.length;
  const sums = new Float64Array(L);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    const base = i * K;
    for (let o = 0; o < K; o++) {
      const k = kernel[base + o]!;
      if (k === 0) continue;
      const j = i + deltas[o]!;
      for (let l = 0; l < L; l++) sums[l]! += k * planes[l]![j]!;
    }
    const s = norm[i]!;
    for (let l = 0; l < L; l++) outs[l]![i] = sums[l]! * s;
  }
  let next = 0;
  return q.map((_, l) => (kept[l] ? outs[next++]! : null));
}

function softmax(unary: readonly (Float32Array | null)[], messages: readonly (Float32Array | null)[] | null, weight: number, n: number): Float32Array[] {
  const out = unary.map(() => new Float32Array(n));
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let l = 0; l < unary.length; l++) {
      const u = unary[l];
      if (!u) continue;
      const v = u[i]! + weight * (messages?.[l]?.[i] ?? 0);
      out[l]![i] = v;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let l = 0; l < unary.length; l++) {
      if (!unary[l]) continue;
      const e = Math.exp(out[l]![i]! - max);
      out[l]![i] = e;
      sum += e;
    }
    for (let l = 0; l < unary.length; l++) if (unary[l]) out[l]![i]! /= sum;
  }
  return out;
}
