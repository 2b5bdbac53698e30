import { describe, expect, it } from 'vitest';
import { quantise, type CamGrid } from '../pseudo/cam-grid';
import { WALK_DEFAULTS, discOffsets, normaliseTransition, transitionFromEmbedding, walk, walkScores, type AffinityEmbedding, type Transition } from './random-walk';
import { NO_AFFINITY_HEAD, REFINERS } from '../pseudo/refiners';
import { labelSet, renderPseudoMask } from '../pseudo/render';

/** An embedding whose nodes take feature `value(x, y)` in every dimension. */
function embeddingOf(width: number, height: number, dim: number, value: (x: number, y: number) => number): AffinityEmbedding {
  const data = new Float32Array(width * height * dim);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let d = 0; d < dim; d++) data[(y * width + x) * dim + d] = value(x, y);
  return { width, height, dim, data };
}

describe('disc offsets', () => {
  it('hold every (dy, dx) within the radius, self included; the half set one of each ± pair', () => {
    expect(discOffsets(5)).toHaveLength(81);
    expect(discOffsets(1)).toEqual([[-1, 0], [0, -1], [0, 0], [0, 1], [1, 0]]);
    expect(discOffsets(1, true)).toEqual([[0, 1], [1, 0]]);
    expect(discOffsets(5, true)).toHaveLength(40);
  });
});

describe('transition', () => {
  it('is a^β over the disc, each node’s incoming weights summing to 1, and 0 outside the grid', () => {
    // 3×1 nodes with features 0, 1, 1 (dim 2): a(0,1) = e^−1, a(1,2) = 1, a(0,2) = e^−1.
    const t = transitionFromEmbedding(embeddingOf(3, 1, 2, (x) => (x === 0 ? 0 : 1)), 2, 2);
    const n = 3;
    const at = (dy: number, dx: number, j: number): number => t.weights[t.offsets.findIndex(([a, b]) => a === dy && b === dx) * n + j]!;
    const e2 = Math.exp(-2);
    // node 0: self 1, +1 → e^−2, +2 → e^−2; normalised by 1 + 2e^−2
    expect(at(0, 0, 0)).toBeCloseTo(1 / (1 + 2 * e2), 6);
    expect(at(0, 1, 0)).toBeCloseTo(e2 / (1 + 2 * e2), 6);
    expect(at(0, -1, 0)).toBe(0); // outside the grid
    for (let j = 0; j < n; j++) expect(t.offsets.reduce((s, _, o) => s + t.weights[o * n + j]!, 0)).toBeCloseTo(1, 6);
  });

  it('refuses an embedding of the wrong size', () => {
    expect(() => transitionFromEmbedding({ width: 2, height: 2, dim: 3, data: new Float32Array(5) }, 1, 1)).toThrow(/expected 2×2×3/);
  });
});

describe('walk', () => {
  it('spreads a seed over its region and stops at a wall of zero affinity', () => {
    // 12×6 nodes, left half features 0, right half 50: across the wall a = e^−50 ≈ 0.
    const w = 12;
    const h = 6;
    const t = transitionFromEmbedding(embeddingOf(w, h, 4, (x) => (x < 6 ? 0 : 50)), 5, 10);
    const seed = new Float32Array(w * h);
    seed[2 * w + 1] = 1; // one node on the left
    const [x] = walk(t, [seed], 64);
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        const v = x![y * w + xx]!;
        if (xx < 6) expect(v).toBeGreaterThan(1e-3); // reached every node of its region
        else expect(v).toBeLessThan(1e-12); // nothing crossed the wall
      }
    }
    // Without the wall it does cross.
    const open = transitionFromEmbedding(embeddingOf(w, h, 4, () => 0), 5, 10);
    expect(walk(open, [seed], 64)[0]![2 * w + 10]!).toBeGreaterThan(1e-3);
  });

  it('with zero steps returns the maps, and with an identity transition leaves them unchanged', () => {
    const identity: Transition = normaliseTransition({ width: 2, height: 1, offsets: [[0, 0], [0, 1]], weights: Float32Array.from([1, 1, 0, 0]) });
    const m = Float32Array.from([0.2, 0.7]);
    expect(Array.from(walk(identity, [m], 0)[0]!)).toEqual(Array.from(m));
    expect(Array.from(walk(identity, [m], 5)[0]!)).toEqual([Math.fround(0.2), Math.fround(0.7)]);
  });

  it('scores: the background constant first, each walked map divided by its maximum', () => {
    const t = transitionFromEmbedding(embeddingOf(4, 1, 1, () => 0), 1, 10);
    const [bg, a, zero] = walkScores(t, [Float32Array.from([0, 0.5, 0, 0]), new Float32Array(4)], { ...WALK_DEFAULTS, steps: 3 }, 0.25);
    expect(Array.from(bg!)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(Math.max(...a!)).toBeCloseTo(1, 6);
    expect(Array.from(zero!)).toEqual([0, 0, 0, 0]);
  });
});

describe('the rw refiner', () => {
  function grid(width: number, height: number, classes: number[], planes: Float32Array[], embedding?: AffinityEmbedding): CamGrid {
    const n = width * height;
    const cams = new Uint8Array(classes.length * n);
    planes.forEach((p, k) => quantise(p, cams.subarray(k * n, (k + 1) * n)));
    return { width, height, imageWidth: width * 2, imageHeight: height * 2, classes, cams, guide: new Uint8Array(n * 3), embedding };
  }

  it('fills a region its cam only touches, up to the wall, at the mask’s size', () => {
    // 16×8 cam grid, walk grid 8×4 (stride 2 here); left 5 columns one region, the rest another.
    const emb = embeddingOf(8, 4, 2, (x) => (x < 5 ? 0 : 40));
    const cam = new Float32Array(16 * 8);
    for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) cam[y * 16 + x] = 1; // a blob inside the left region
    const g = grid(16, 8, [3], [cam], emb);
    const mask = renderPseudoMask(g, { threshold: 0.25, refine: 'rw', keepLargest: false, walkOptions: { ...WALK_DEFAULTS, steps: 32 } }, { width: 32, height: 16 });
    expect(mask).toHaveLength(32 * 16);
    const at = (x: number, y: number): number => mask[y * 32 + x]!;
    expect(at(1, 1)).toBe(3); // the walk filled the left region's corner, which the cam never reached
    expect(at(30, 8)).toBe(0); // beyond the wall: background
    const plain = renderPseudoMask(g, { threshold: 0.3, refine: 'none', keepLargest: false }, { width: 32, height: 16 });
    expect(plain[1 * 32 + 1]).toBe(0);
  });

  it('never adds a class the image does not have and never writes outside the mask (random cases)', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 20; trial++) {
      const w = 4 + Math.floor(rand() * 12);
      const h = 4 + Math.floor(rand() * 12);
      const classes = [1 + Math.floor(rand() * 5), 6 + Math.floor(rand() * 5)].slice(0, 1 + Math.floor(rand() * 2));
      const planes = classes.map(() => Float32Array.from({ length: w * h }, () => rand()));
      const ew = Math.max(1, Math.round(w / 4));
      const eh = Math.max(1, Math.round(h / 4));
      const emb = embeddingOf(ew, eh, 3, () => rand() * 3);
      const out = { width: 2 * w + 1, height: 2 * h - 1 };
      const mask = renderPseudoMask(grid(w, h, classes, planes, emb), { threshold: 0.3, refine: 'rw', keepLargest: false, walkOptions: { ...WALK_DEFAULTS, steps: 8 } }, out);
      expect(mask.length).toBe(out.width * out.height);
      for (const label of labelSet(mask)) expect(classes).toContain(label);
    }
  });

  it('walks once per image: the threshold only moves the background score', () => {
    const emb = embeddingOf(4, 1, 1, (x) => (x < 2 ? 0 : 50)); // a wall between nodes 1 and 2
    const g = grid(4, 1, [2], [Float32Array.from([0.6, 0.6, 0.1, 0.1])], emb); // walked: 1 on the left, 1/6 on the right
    const at = (threshold: number): number[] => Array.from(renderPseudoMask(g, { threshold, refine: 'rw', keepLargest: false, walkOptions: { ...WALK_DEFAULTS, steps: 2 } }));
    const low = at(0.05);
    expect(low.every((v) => v === 2)).toBe(true); // the walked map beats a low background everywhere
    expect(at(0.5)).toEqual([2, 2, 0, 0]);
    expect(at(0.1)).toEqual([2, 2, 2, 2]); // the same walk, a lower background
  });

  it('without an embedding says that the run needs `eader refine`', () => {
    const g = grid(2, 2, [1], [new Float32Array(4).fill(0.9)]);
    expect(() => renderPseudoMask(g, { threshold: 0.3, refine: 'rw', keepLargest: false })).toThrow(NO_AFFINITY_HEAD);
    expect(NO_AFFINITY_HEAD).toMatch(/eader refine/);
    expect(REFINERS.rw.summary).toMatch(/random walk/);
  });
});
