/**
 * PAR: matches an independent torch evaluation of the same formula (fixture made by
 * scripts/experiments/torch/par_ref.py), never adds a class, keeps the maps' size, moves a
 * boundary onto an RGB edge.
 */
import { describe, expect, it } from 'vitest';
import reference from './par-reference.json';
import { PAR_DEFAULTS, parAffinity, parPseudoMask, parRefine, parRefineCams } from './par';

interface Case {
  width: number;
  height: number;
  dilations: number[];
  iterations: number;
  guide: number[];
  maps: number[][];
  refined: number[][];
}

describe('PAR', () => {
  it.each((reference.cases as Case[]).map((c) => [`${c.width}×${c.height}, dilations ${c.dilations.join(',')}`, c] as const))(
    'matches the torch evaluation of the formula (%s)',
    (_, c) => {
      const out = parRefine(
        c.maps.map((m) => Float32Array.from(m)),
        Uint8Array.from(c.guide),
        c.width,
        c.height,
        { ...PAR_DEFAULTS, dilations: c.dilations, iterations: c.iterations },
      );
      expect(out).toHaveLength(c.refined.length);
      out.forEach((m, k) => {
        m.forEach((v, i) => expect(Math.abs(v - c.refined[k]![i]!)).toBeLessThan(2e-5 * Math.max(1, Math.abs(c.refined[k]![i]!))));
      });
    },
  );

  it('has rows that sum to 1 + w2 and neighbours inside the image', () => {
    const width = 5;
    const height = 4;
    const guide = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 37) % 256);
    const { weights, index, count } = parAffinity(guide, width, height);
    expect(count).toBe(48);
    for (let i = 0; i < width * height; i++) {
      let sum = 0;
      for (let j = 0; j < count; j++) sum += weights[i * count + j]!;
      expect(sum).toBeCloseTo(1 + PAR_DEFAULTS.w2, 5);
    }
    expect(Math.min(...index)).toBe(0);
    expect(Math.max(...index)).toBe(width * height - 1);
  });

  it('moves a blurred class boundary onto the RGB edge', () => {
    // 24×12: left half dark, right half bright from column 12; the cam says "object" from column 7.
    const width = 24;
    const height = 12;
    const guide = new Uint8Array(width * height * 3);
    const cam = new Float32Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        guide.fill(x >= 12 ? 220 : 30, (y * width + x) * 3, (y * width + x) * 3 + 3);
        cam[y * width + x] = Math.min(1, Math.max(0, (x - 4) / 10)); // 0.3 at x = 7
      }
    }
    const before = [...Array(width).keys()].filter((x) => cam[x]! >= 0.3);
    expect(before[0]).toBe(7);
    const { mask } = parPseudoMask({ classes: [3], cams: [cam], guide, width, height, threshold: 0.3 });
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) expect(mask[y * width + x], `(${x},${y})`).toBe(x >= 12 ? 3 : 0);
    }
  });

  it('never adds a class, writes only the maps’ size, and rejects bad input in one line', () => {
    const width = 9;
    const height = 6;
    const guide = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 91) % 256);
    const cams = [0, 1].map((k) => Float32Array.from({ length: width * height }, (_, i) => ((i * (k + 3)) % 17) / 16));
    const { mask, maps } = parPseudoMask({ classes: [2, 5], cams, guide, width, height, threshold: 0.3 });
    expect(mask).toHaveLength(width * height);
    expect(maps.map((m) => m.length)).toEqual([width * height, width * height, width * height]);
    expect(new Set(mask).size).toBeGreaterThan(1);
    for (const v of mask) expect([0, 2, 5]).toContain(v);
    expect(() => parRefine([new Float32Array(5)], guide, width, height)).toThrow('PAR: map 0 holds 5 values, expected 9×6');
    expect(() => parAffinity(new Uint8Array(10), width, height)).toThrow('PAR: the guide image holds 10 values, expected 9×6×3');
    expect(() => parPseudoMask({ classes: [0], cams: [cams[0]!], guide, width, height, threshold: 0.3 })).toThrow('PAR: class index 0 is not 1..254');
  });

  it('commutes with the threshold: refined cams thresholded like raw cams equal the refined-background argmax', () => {
    const width = 20;
    const height = 14;
    const guide = Uint8Array.from({ length: width * height * 3 }, (_, i) => ((i % (width * 3)) < 30 ? 40 : 200) + ((i * 13) % 7));
    const cams = [0, 1].map((k) => Float32Array.from({ length: width * height }, (_, i) => ((i % width) / width) * (Math.floor(i / width) < height / 2 === (k === 0) ? 0.9 : 0.3)));
    const refined = parRefineCams(cams, guide, width, height);
    for (const threshold of [0.2, 0.3, 0.45]) {
      const { mask } = parPseudoMask({ classes: [1, 7], cams, guide, width, height, threshold });
      const direct = refined[0]!.map((_, i) => {
        const [a, b] = [refined[0]![i]!, refined[1]![i]!];
        return Math.max(a, b) <= threshold ? 0 : a >= b ? 1 : 7;
      });
      let differ = 0;
      mask.forEach((v, i) => (differ += v === direct[i] ? 0 : 1));
      expect(differ, `threshold ${threshold}`).toBe(0);
      expect(new Set(mask).size, `threshold ${threshold}: classes in the mask`).toBe(3);
    }
  });
});
