/** For specs: small synthetic labelled images that a tiny network learns in a few steps. */
import type { IndexMask, RgbImage } from '@shared/domain/dataset';
import { makeRng } from '../engine/rng';

/** Side of the synthetic images. */
export const SYNTHETIC_SIZE = 32;

/** Grey images with a red square (dataset class 1) and/or a blue one (class 2). */
export function syntheticSquares(n: number, seed: number, S = SYNTHETIC_SIZE): { images: RgbImage[]; labels: number[][] } {
  const rng = makeRng(seed);
  const images: RgbImage[] = [];
  const labels: number[][] = [];
  for (let i = 0; i < n; i++) {
    const data = new Uint8Array(S * S * 3).fill(110);
    const present = [1, 2].filter(() => rng.next() < 0.6);
    if (present.length === 0) present.push(1 + rng.int(2));
    for (const c of present) {
      const x0 = rng.int(S - 10);
      const y0 = rng.int(S - 10);
      for (let y = y0; y < y0 + 10; y++) for (let x = x0; x < x0 + 10; x++) data.set(c === 1 ? [230, 20, 20] : [20, 20, 230], (y * S + x) * 3);
    }
    images.push({ width: S, height: S, data });
    labels.push(present);
  }
  return { images, labels };
}

/** syntheticSquares with their masks: the squares' pixels hold their class (a later square covers an earlier one). */
export function syntheticSegmentation(n: number, seed: number, S = SYNTHETIC_SIZE): { images: RgbImage[]; masks: IndexMask[] } {
  const { images } = syntheticSquares(n, seed, S);
  const masks = images.map((image) => {
    const data = new Uint8Array(S * S);
    for (let i = 0; i < S * S; i++) {
      const [r, , b] = [image.data[i * 3]!, image.data[i * 3 + 1]!, image.data[i * 3 + 2]!];
      data[i] = r > 200 ? 1 : b > 200 ? 2 : 0;
    }
    return { width: S, height: S, data };
  });
  return { images, masks };
}
