import { describe, expect, it } from 'vitest';
import { gridSize, quantise, resizePlanes, type CamGrid } from './cam-grid';
import { REFINER_NAMES, REFINERS } from './refiners';
import { applyIgnoreBand, keepLargestComponents, labelSet, renderPseudoMask, ruleMask } from './render';

function grid(width: number, height: number, classes: number[], planes: number[][], guide?: Uint8Array): CamGrid {
  const cams = new Uint8Array(classes.length * width * height);
  planes.forEach((p, k) => quantise(Float32Array.from(p), cams.subarray(k * width * height, (k + 1) * width * height)));
  return { width, height, imageWidth: width, imageHeight: height, classes, cams, guide: guide ?? new Uint8Array(width * height * 3).fill(128) };
}

describe('pseudo-mask rule', () => {
  it('zeroes cams below the threshold, lets background win there, and takes the argmax elsewhere', () => {
    const a = Float32Array.from([0.1, 0.5, 0.9, 0.3]);
    const b = Float32Array.from([0.2, 0.6, 0.2, 0.29]);
    expect(Array.from(ruleMask([a, b], [2, 5], 4, 0.3))).toEqual([0, 5, 2, 2]);
  });

  it('thresholds, lets background win below it and takes the argmax above (the CLI’s former engine rule, now this one)', () => {
    const a = Float32Array.from([0.9, 0.2, 0.5, 0.0]);
    const b = Float32Array.from([0.4, 0.29, 0.6, 0.31]);
    expect(Array.from(ruleMask([a, b], [1, 5], 4, 0.3))).toEqual([1, 0, 5, 5]);
    expect(Array.from(ruleMask([a, b], [1, 5], 4, 0.55))).toEqual([1, 0, 5, 0]);
    expect(Array.from(ruleMask([], [], 3, 0.3))).toEqual([0, 0, 0]);
  });

  it('renders a grid at its own size and resized to the image size', () => {
    const g = grid(2, 1, [1], [[1, 0]]);
    expect(Array.from(renderPseudoMask(g, { threshold: 0.5, refine: 'none', keepLargest: false }))).toEqual([1, 0]);
    // 4 px wide: bilinear (half-pixel centres) gives 1, 0.75, 0.25, 0 → threshold 0.5 keeps two.
    expect(Array.from(renderPseudoMask(g, { threshold: 0.5, refine: 'none', keepLargest: false }, { width: 4, height: 1 }))).toEqual([1, 1, 0, 0]);
  });

  it('gives an image without classes an all-background mask', () => {
    expect(Array.from(renderPseudoMask(grid(3, 1, [], []), { threshold: 0.3, refine: 'bilateral', keepLargest: true }))).toEqual([0, 0, 0]);
  });
});

describe('keepLargestComponents', () => {
  it('keeps each class’s largest 4-connected blob and clears the rest', () => {
    // prettier-ignore
    const mask = Uint8Array.from([
      1, 1, 0, 1,
      1, 0, 0, 0,
      0, 2, 0, 2,
      0, 2, 0, 255,
    ]);
    expect(Array.from(keepLargestComponents(mask, 4, 4))).toEqual([1, 1, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 2, 0, 255]);
  });
});

describe('refinement', () => {
  it('never adds a class: refined labels ⊆ unrefined labels, on random cams and images', () => {
    let seed = 1;
    const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let trial = 0; trial < 20; trial++) {
      const w = 12;
      const h = 9;
      const classes = [1, 3, 4].slice(0, 1 + (trial % 3));
      const planes = classes.map(() => Array.from({ length: w * h }, () => rand() ** 2));
      const guide = Uint8Array.from({ length: w * h * 3 }, () => Math.floor(rand() * 256));
      const g = grid(w, h, classes, planes, guide);
      const threshold = 0.2 + 0.5 * rand();
      const before = labelSet(renderPseudoMask(g, { threshold, refine: 'none', keepLargest: false }));
      const after = labelSet(renderPseudoMask(g, { threshold, refine: 'bilateral', keepLargest: false }));
      for (const label of after) expect(before.has(label)).toBe(true);
    }
  });

  it('with a zero pairwise weight equals the plain rule', () => {
    const g = grid(3, 2, [2, 3], [[0.9, 0.1, 0.5, 0.2, 0.6, 0.95], [0.1, 0.8, 0.6, 0.1, 0.7, 0.2]]);
    const plain = renderPseudoMask(g, { threshold: 0.3, refine: 'none', keepLargest: false });
    const refined = renderPseudoMask(g, { threshold: 0.3, refine: 'bilateral', keepLargest: false, refineOptions: { iterations: 3, tau: 10, weight: 0, sigmaXy: 3, sigmaRgb: 20 } });
    expect(Array.from(refined)).toEqual(Array.from(plain));
  });

  it('smooths an isolated pixel into its surroundings on a flat image', () => {
    const w = 7;
    const cam = Array.from({ length: w * w }, (_, i) => (i === 24 ? 0.2 : 0.6)); // centre pixel just below threshold
    const g = grid(w, w, [1], [cam]);
    expect(renderPseudoMask(g, { threshold: 0.3, refine: 'none', keepLargest: false })[24]).toBe(0);
    expect(renderPseudoMask(g, { threshold: 0.3, refine: 'bilateral', keepLargest: false })[24]).toBe(1);
  });
});

describe('PAR as a refiner', () => {
  let seed = 7;
  const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);

  it('never adds a class: its labels ⊆ the image’s classes and ⊆ the unrefined labels, and it writes exactly the mask’s pixels', () => {
    for (let trial = 0; trial < 12; trial++) {
      const w = 10 + (trial % 4);
      const h = 7 + (trial % 3);
      const classes = [2, 5, 9].slice(0, 1 + (trial % 3));
      // Some cams stay below the threshold everywhere: that class must not appear after PAR either.
      const planes = classes.map((_, k) => Array.from({ length: w * h }, () => (k === 1 ? 0.25 * rand() : rand() ** 2)));
      const guide = Uint8Array.from({ length: w * h * 3 }, () => Math.floor(rand() * 256));
      const g = grid(w, h, classes, planes, guide);
      const threshold = 0.3 + 0.3 * rand();
      const size = { width: 2 * w + 1, height: 2 * h - 1 }; // the image is larger than the grid
      const before = labelSet(renderPseudoMask(g, { threshold, refine: 'none', keepLargest: false }, size));
      const mask = renderPseudoMask(g, { threshold, refine: 'par', keepLargest: false }, size);
      expect(mask.length).toBe(size.width * size.height);
      for (const label of labelSet(mask)) {
        expect(classes).toContain(label);
        expect(before.has(label)).toBe(true);
      }
      expect(renderPseudoMask(g, { threshold, refine: 'par', keepLargest: false }).length).toBe(w * h);
    }
  });

  it('moves a blurred boundary onto the image’s edge', () => {
    // 16×4: the image is dark on x < 8 and bright on x ≥ 8; the cam ramps from 1 at x = 0 to 0 at x = 15,
    // so the plain rule at 0.3 cuts at x ≈ 10.5, past the edge. PAR pulls the cut back to the edge.
    const w = 16;
    const h = 4;
    const cam = Array.from({ length: w * h }, (_, i) => 1 - (i % w) / (w - 1));
    const guide = Uint8Array.from({ length: w * h * 3 }, (_, i) => (Math.floor(i / 3) % w < 8 ? 20 : 230));
    const g = grid(w, h, [3], [cam], guide);
    const row = (m: Uint8Array): number[] => Array.from(m.subarray(w, 2 * w));
    const plain = row(renderPseudoMask(g, { threshold: 0.3, refine: 'none', keepLargest: false }));
    const par = row(renderPseudoMask(g, { threshold: 0.3, refine: 'par', keepLargest: false }));
    expect(plain.lastIndexOf(3)).toBeGreaterThan(8);
    expect(par.lastIndexOf(3)).toBe(7);
    expect(par.slice(0, 8)).toEqual(new Array(8).fill(3));
  });

  it('is computed once per image for every threshold, and never reused for another image', () => {
    const make = () => grid(9, 6, [1, 4], [0, 1].map(() => Array.from({ length: 54 }, () => rand())), Uint8Array.from({ length: 162 }, () => Math.floor(rand() * 256)));
    const a = make();
    const b = { ...make(), width: 9, height: 6 };
    const fresh = (g: CamGrid, threshold: number) => renderPseudoMask({ ...g }, { threshold, refine: 'par', keepLargest: false }); // a copy: never cached
    for (const threshold of [0.2, 0.4, 0.6]) {
      expect(Array.from(renderPseudoMask(a, { threshold, refine: 'par', keepLargest: false }))).toEqual(Array.from(fresh(a, threshold)));
      expect(Array.from(renderPseudoMask(b, { threshold, refine: 'par', keepLargest: false }))).toEqual(Array.from(fresh(b, threshold)));
    }
  });
});

describe('cam grid helpers', () => {
  it('caps the grid at the longest side and keeps small images as they are', () => {
    expect(gridSize(500, 375, 256)).toEqual({ width: 256, height: 192 });
    expect(gridSize(120, 96, 256)).toEqual({ width: 120, height: 96 });
  });

  it('resizes to the same size as a copy and quantises to 255 steps', () => {
    const p = Float32Array.from([0, 0.5, 1, 0.25]);
    expect(Array.from(resizePlanes([p], 2, 2, 2, 2)[0]!)).toEqual(Array.from(p));
    expect(Array.from(quantise(Float32Array.from([-1, 0.5, 2, 0.002])))).toEqual([0, 128, 255, 1]);
  });
});

describe('refiners', () => {
  it('are a registry: every name has a refiner of that name, and `none` is the plain rule', () => {
    expect(REFINER_NAMES).toEqual(['none', 'bilateral', 'par', 'rw']);
    for (const name of REFINER_NAMES) expect(REFINERS[name].name).toBe(name);
    const g = grid(3, 2, [2, 3], [[0.9, 0.1, 0.5, 0.2, 0.6, 0.95], [0.1, 0.8, 0.6, 0.1, 0.7, 0.2]]);
    const n = 6;
    const cams = [0, 1].map((k) => Float32Array.from(g.cams.subarray(k * n, (k + 1) * n), (v) => v / 255));
    expect(Array.from(renderPseudoMask(g, { threshold: 0.3, refine: 'none', keepLargest: false }))).toEqual(Array.from(ruleMask(cams, [2, 3], n, 0.3)));
  });
});

describe('ignore band', () => {
  it('marks 255 where the best cam lies in [low, high), after refinement and keep-largest', () => {
    // best cams 0.02, 0.1, 0.3, 0.5, 0.8 → band [0.05, 0.5): px1 and px2 become 255
    const g = grid(5, 1, [1, 2], [[0.02, 0.1, 0.3, 0.5, 0.1], [0, 0.05, 0.1, 0.2, 0.8]]);
    const plain = renderPseudoMask(g, { threshold: 0.3, refine: 'none', keepLargest: false });
    expect(Array.from(plain)).toEqual([0, 0, 1, 1, 2]);
    const banded = renderPseudoMask(g, { threshold: 0.3, refine: 'none', keepLargest: false, ignoreBand: { low: 0.05, high: 0.5 } });
    expect(Array.from(banded)).toEqual([0, 255, 255, 1, 2]);
    // with refinement, the band still follows the raw cams
    const refined = renderPseudoMask(g, { threshold: 0.3, refine: 'bilateral', keepLargest: true, ignoreBand: { low: 0.05, high: 0.5 } });
    expect([refined[1], refined[2]]).toEqual([255, 255]);
    // an image without classes stays background (nothing is uncertain there)
    expect(Array.from(renderPseudoMask(grid(2, 1, [], []), { threshold: 0.3, refine: 'none', keepLargest: false, ignoreBand: { low: 0, high: 0.5 } }))).toEqual([0, 0]);
  });

  it('refuses a band that is empty or outside [0,1]', () => {
    expect(() => applyIgnoreBand(new Uint8Array(1), [new Float32Array(1)], { low: 0.5, high: 0.5 })).toThrow(/0 ≤ low < high ≤ 1/);
    expect(() => applyIgnoreBand(new Uint8Array(1), [new Float32Array(1)], { low: -0.1, high: 0.5 })).toThrow(/ignore band/);
  });
});

describe('a segmenter prediction grid (with a background plane)', () => {
  const prediction = (bg: number[], classes: number[], planes: number[][]): CamGrid => ({ ...grid(bg.length, 1, classes, planes), background: quantise(Float32Array.from(bg)) });

  it('takes the network’s argmax over background and its classes, whatever the threshold and the refiners of cams', () => {
    // pixel 0: background wins although class 3 is above any threshold; pixel 1: class 3; pixel 2: class 5
    const g = prediction([0.5, 0.1, 0.2], [3, 5], [[0.45, 0.8, 0.1], [0.05, 0.1, 0.7]]);
    const camOnly = REFINER_NAMES.filter((name) => !REFINERS[name].refinePrediction);
    expect(camOnly).toEqual(['none', 'bilateral', 'rw']);
    for (const threshold of [0.05, 0.5, 0.95]) {
      for (const refine of camOnly) expect(Array.from(renderPseudoMask(g, { threshold, refine, keepLargest: false })), `${threshold} ${refine}`).toEqual([0, 3, 5]);
    }
    // the ignore band judges the best probability, background included: pixel 0's best is 0.5
    expect(Array.from(renderPseudoMask(g, { threshold: 0.3, refine: 'none', keepLargest: false, ignoreBand: { low: 0.4, high: 0.6 } }))).toEqual([255, 3, 5]);
    // resized to the image size like cams: bilinearly, then the argmax
    expect(Array.from(renderPseudoMask(g, { threshold: 0.3, refine: 'none', keepLargest: false }, { width: 6, height: 1 }))).toHaveLength(6);
  });

  it('par refines the probabilities along the image: a blurred boundary snaps to the colour edge, whatever the threshold', () => {
    // 12×4: dark left half (x < 6), bright right half; the network's class-2 probability leaks two columns past the edge
    const W = 12;
    const H = 4;
    const guide = new Uint8Array(W * H * 3).map((_, i) => (Math.floor(i / 3) % W < 6 ? 30 : 220));
    const fg = Array.from({ length: W * H }, (_, i) => (i % W < 6 ? 0.9 : i % W < 8 ? 0.6 : 0.1));
    const g: CamGrid = { ...grid(W, H, [2], [fg], guide), background: quantise(Float32Array.from(fg.map((v) => 1 - v))) };
    const row = (mask: Uint8Array): number[] => Array.from(mask.subarray(0, W));
    expect(row(renderPseudoMask(g, { threshold: 0.3, refine: 'none', keepLargest: false }))).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0]);
    for (const threshold of [0.1, 0.9]) expect(row(renderPseudoMask(g, { threshold, refine: 'par', keepLargest: false }))).toEqual([2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0]);
    // without the guide image it says so instead of guessing
    expect(() => renderPseudoMask({ ...g, guide: new Uint8Array(0) }, { threshold: 0.3, refine: 'par', keepLargest: false })).toThrow(/needs the guide image/);
  });

  it('keeps the largest component per class, as for cams', () => {
    const g = prediction([0.1, 0.9, 0.1, 0.1], [2], [[0.9, 0.1, 0.9, 0.9]]);
    expect(Array.from(renderPseudoMask(g, { threshold: 0.3, refine: 'none', keepLargest: true }))).toEqual([0, 0, 2, 2]);
  });
});
