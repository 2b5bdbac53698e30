/**
 * The affinity random walk (IRN, CVPR'19) over an image's pixel embedding, pure TypeScript so the
 * main side and the renderer run the same code (the `rw` refiner, refiners.ts). The embedding is
 * the affinity head's output at the walk's grid (stride 4 of the network input; the cam job stores
 * it in the cam record, src-main/engine/affinity). Never a dense N×N matrix: the transition is
 * one weight per node and offset of the disc of radius r (81 offsets at r = 5, self included).
 *
 *   a_ij = exp(−mean_d |f_i,d − f_j,d|)               affinity (PSA's form, 1 for identical features)
 *   T_ij = a_ij^β / Σ_k a_kj^β                         column-normalised (a is symmetric)
 *   x_j ← Σ_i x_i T_ij                                 t steps, each a sum over shifted neighbours
 *
 * Then each class map is divided by its maximum, the background is a constant score (IRN: 0.25;
 * the `rw` refiner uses the rule's threshold, so the threshold slider and the sweep move it), and
 * the argmax (after resizing to the mask's size) is the label. Only the image's own classes have
 * a plane, so the walk never adds a class; the planes have the walk grid's size and the renderer
 * resizes them to the mask's, so nothing is written outside it.
 */

/** The walk's knobs; the defaults are IRN's (the bench reports what they do here). */
export interface WalkOptions {
  /** Radius of the neighbourhood disc, in walk-grid nodes. */
  radius: number;
  /** Exponent β of the affinities (sharpens them: weak links fade). */
  beta: number;
  /** Steps t of the walk (IRN: 256; the PyTorch prototype found 16–32 as good on small images). */
  steps: number;
}

export const WALK_DEFAULTS: WalkOptions = { radius: 5, beta: 10, steps: 256 };

/** IRN's background score (sem_seg_bg_thres) against the max-normalised walked maps. */
export const IRN_BACKGROUND = 0.25;

/** The affinity head's output for one image: `dim` floats per node, [height,width,dim] row-major. */
export interface AffinityEmbedding {
  width: number;
  height: number;
  dim: number;
  data: Float32Array;
}

/** Offsets (dy, dx) with dy² + dx² ≤ r²; `half` keeps one of each ± pair (dy > 0, or dy = 0 and dx > 0). */
export function discOffsets(radius: number, half = false): [number, number][] {
  const out: [number, number][] = [];
  const r = Math.floor(radius);
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      if (dx * dx + dy * dy > radius * radius) continue;
      if (half && (dy < 0 || (dy === 0 && dx <= 0))) continue;
      out.push([dy, dx]);
    }
  }
  return out;
}

/** A sparse transition: weights[o·N + j] = T from node j + offsets[o] to node j (0 outside the grid). */
export interface Transition {
  width: number;
  height: number;
  offsets: [number, number][];
  weights: Float32Array;
}

/** Affinities a_ij^β of every node and disc offset, column-normalised (see the file's header). */
export function transitionFromEmbedding(embedding: AffinityEmbedding, radius: number, beta: number): Transition {
  const { width: w, height: h, dim, data } = embedding;
  const n = w * h;
  if (data.length !== n * dim) throw new Error(`affinity embedding holds ${data.length} values, expected ${w}×${h}×${dim}`);
  const offsets = discOffsets(radius);
  const weights = new Float32Array(offsets.length * n);
  offsets.forEach(([dy, dx], o) => {
    for (let y = Math.max(0, -dy); y < Math.min(h, h - dy); y++) {
      for (let x = Math.max(0, -dx); x < Math.min(w, w - dx); x++) {
        const j = y * w + x;
        const i = j + dy * w + dx;
        let l1 = 0;
        for (let d = 0; d < dim; d++) l1 += Math.abs(data[j * dim + d]! - data[i * dim + d]!);
        weights[o * n + j] = Math.exp(-beta * (l1 / Math.max(1, dim))); // (e^{−mean|Δf|})^β
      }
    }
  });
  return normaliseTransition({ width: w, height: h, offsets, weights });
}

/** Divide each node's incoming weights by their sum (the column sum of A^β); in place. */
export function normaliseTransition(t: Transition): Transition {
  const n = t.width * t.height;
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let o = 0; o < t.offsets.length; o++) sum += t.weights[o * n + j]!;
    if (sum <= 1e-12) continue;
    for (let o = 0; o < t.offsets.length; o++) t.weights[o * n + j] = t.weights[o * n + j]! / sum;
  }
  return t;
}

/** `steps` walk steps of each map (each width×height) through `t`: x_j ← Σ_o T[o,j] · x[j + offset_o]. */
export function walk(t: Transition, maps: readonly Float32Array[], steps: number): Float32Array[] {
  const { width: w, height: h, offsets, weights } = t;
  const n = w * h;
  return maps.map((map) => {
    if (map.length !== n) throw new Error(`walk map holds ${map.length} values, expected ${w}×${h}`);
    let x = Float32Array.from(map);
    let next = new Float32Array(n);
    for (let s = 0; s < steps; s++) {
      next.fill(0);
      offsets.forEach(([dy, dx], o) => {
        const base = o * n;
        const shift = dy * w + dx;
        for (let y = Math.max(0, -dy); y < Math.min(h, h - dy); y++) {
          const row = y * w;
          for (let xx = Math.max(0, -dx); xx < Math.min(w, w - dx); xx++) {
            const j = row + xx;
            next[j] = next[j]! + weights[base + j]! * x[j + shift]!;
          }
        }
      });
      [x, next] = [next, x];
    }
    return x;
  });
}

/** The walked maps, each divided by its maximum (a map that is zero everywhere stays zero). */
export function walkedMaps(t: Transition, maps: readonly Float32Array[], steps: number): Float32Array[] {
  const walked = walk(t, maps, steps);
  for (const m of walked) {
    let max = 0;
    for (const v of m) if (v > max) max = v;
    if (max > 0) for (let i = 0; i < m.length; i++) m[i] = m[i]! / max;
  }
  return walked;
}

/** Label scores at the walk grid: plane 0 the background constant, plane k+1 walked map k (walkedMaps). `maps` are at the grid size. */
export function walkScores(t: Transition, maps: readonly Float32Array[], options: WalkOptions = WALK_DEFAULTS, background = IRN_BACKGROUND): Float32Array[] {
  return [new Float32Array(t.width * t.height).fill(background), ...walkedMaps(t, maps, options.steps)];
}
