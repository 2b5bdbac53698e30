/**
 * Seed labels for the affinity head (IRN): from an image's cams at the walk grid, a node is the
 * class of its best cam where that cam is at least `fg`, background where every cam is below `bg`,
 * and 255 (ignored by the loss) in the band between. Labels are plane indices: 0 background, k + 1
 * the image's k-th class (the loss only asks whether two seeds agree).
 */
export interface SeedThresholds {
  fg: number;
  bg: number;
}

/** IRN's confidence thresholds (conf_fg_thres 0.30, conf_bg_thres 0.05). */
export const SEED_DEFAULTS: SeedThresholds = { fg: 0.3, bg: 0.05 };

export const SEED_IGNORE = 255;

/** cams: K planes of n values in [0,1] → n seed labels. */
export function seedLabels(cams: readonly Float32Array[], n: number, { fg, bg }: SeedThresholds = SEED_DEFAULTS): Uint8Array {
  if (!(bg <= fg)) throw new Error(`seed thresholds need bg ≤ fg, got bg ${bg}, fg ${fg}`);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let arg = -1;
    cams.forEach((cam, k) => {
      const v = cam[i]!;
      if (v > best) {
        best = v;
        arg = k;
      }
    });
    out[i] = best >= fg && arg >= 0 ? arg + 1 : best < bg ? 0 : SEED_IGNORE;
  }
  return out;
}

/** Mirror seeds [h,w] left to right (with a flipped input). */
export function flipSeeds(seeds: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(seeds.length);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = seeds[y * width + (width - 1 - x)]!;
  return out;
}
