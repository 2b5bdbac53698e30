import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quantise, resizePlanes } from '@shared/pseudo/cam-grid';
import { CamCache, NO_GUIDE, decodeCams, encodeCams, keyHash, type CachedCams, type CamCacheKey, type StoredCams } from './cam-cache';

const key: CamCacheKey = { runId: 'r1', checkpointStep: 10, checkpointSha256: 'ab'.repeat(32), scales: [1, 0.75], flip: true, labels: 'gt', labelThreshold: 0.5, gridSide: 256, inputMaxSide: null };
const cams: CachedCams = { imageWidth: 6, imageHeight: 4, width: 3, height: 2, classes: [2, 5], probs: [0.75, 0.25], cams: Uint8Array.from({ length: 12 }, (_, i) => i * 20), guide: Uint8Array.from({ length: 18 }, (_, i) => 255 - i) };

const { guide: _guide, ...stored } = cams;

/** A cam as the engine makes them: coarse blobs upsampled bilinearly at three scales, summed, max-normalised, quantised. */
function blobCam(width: number, height: number, seed: number): Uint8Array {
  const sum = new Float32Array(width * height);
  for (const stride of [8, 10.7, 6.4]) {
    const w = Math.round(width / stride);
    const h = Math.round(height / stride);
    const coarse = new Float32Array(w * h);
    for (let b = 0; b < 3; b++) {
      const [cx, cy, r] = [((seed * 7 + b * 13) % w) + 0.5, ((seed * 5 + b * 11) % h) + 0.5, 2 + ((seed + b) % 4)];
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) coarse[y * w + x]! += Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r));
    }
    const [up] = resizePlanes([coarse], w, h, width, height);
    up!.forEach((v, i) => (sum[i]! += v));
  }
  const max = sum.reduce((m, v) => Math.max(m, v), 0);
  return quantise(sum.map((v) => v / max));
}

describe('cam cache files', () => {
  it('round-trip every field but the guide, which is not stored', () => {
    const back = decodeCams(encodeCams(keyHash(key), cams), keyHash(key));
    expect(back).toEqual(stored);
  });

  it('round-trip any bytes losslessly, and hold a smooth 256×192 cam in a few KB', () => {
    const width = 256;
    const height = 192;
    const planes = new Uint8Array(3 * width * height);
    [0, 1, 2].forEach((k) => planes.set(blobCam(width, height, k + 1), k * width * height));
    planes[12345] = 0; // a sharp edge or two
    planes[width * height + 7] = 255;
    const record: StoredCams = { imageWidth: 640, imageHeight: 480, width, height, classes: [1, 4, 9], probs: [0.75, 0.5, 0.125], cams: planes };
    const bytes = encodeCams(keyHash(key), record);
    expect(decodeCams(bytes, keyHash(key))).toEqual(record);
    expect(bytes.length / 3).toBeLessThan(8 * 1024); // vs 48 KiB a class raw
    const noise = Uint8Array.from({ length: 2 * 40 * 30 }, (_, i) => (i * 2654435761) >>> 24);
    const rough: StoredCams = { ...record, width: 40, height: 30, classes: [1, 2], probs: [0.25, 0.5], cams: noise };
    expect(decodeCams(encodeCams(keyHash(key), rough), keyHash(key))).toEqual(rough);
  });

  it('round-trip a segmenter prediction (K + 1 planes: the background too), and refuse one cut short', () => {
    const prediction: StoredCams = { ...stored, background: Uint8Array.from({ length: 6 }, (_, i) => 200 - i) };
    const bytes = encodeCams(keyHash(key), prediction);
    expect(decodeCams(bytes, keyHash(key))).toEqual(prediction);
    expect(() => decodeCams(bytes.subarray(0, bytes.length - 6), keyHash(key))).toThrow(/expected/);
    expect(decodeCams(encodeCams(keyHash(key), cams), keyHash(key))?.background).toBeUndefined(); // cams: K planes
  });

  it('round-trip the affinity embedding, with cams and with a prediction’s background plane', () => {
    const embedding = { width: 2, height: 1, dim: 3, data: Float32Array.from([0.5, -1.25, 3, 1e-3, 7, -0.5]) };
    const withHead = { ...key, affinityHead: 'ef'.repeat(32) };
    expect(decodeCams(encodeCams(keyHash(withHead), { ...stored, embedding }), keyHash(withHead))).toEqual({ ...stored, embedding });
    const prediction = { ...stored, background: Uint8Array.from({ length: 6 }, (_, i) => 9 * i), embedding };
    expect(decodeCams(encodeCams(keyHash(withHead), prediction), keyHash(withHead))).toEqual(prediction);
    expect(() => encodeCams(keyHash(key), { ...cams, embedding: { ...embedding, dim: 4 } })).toThrow(/embedding size/);
    const bytes = encodeCams(keyHash(withHead), { ...stored, embedding });
    expect(() => decodeCams(bytes.subarray(0, bytes.length - 4), keyHash(withHead))).toThrow(/expected/);
  });

  it('read as a miss under another key, and refuse damaged bytes', () => {
    const bytes = encodeCams(keyHash(key), cams);
    expect(decodeCams(bytes, keyHash({ ...key, flip: false }))).toBeNull();
    expect(() => decodeCams(bytes.subarray(0, bytes.length - 1), keyHash(key))).toThrow(/expected/);
    expect(() => decodeCams(new Uint8Array(64), keyHash(key))).toThrow(/magic/);
  });

  it('hash every setting that decides the cams', () => {
    const base = keyHash(key);
    const variants: Partial<CamCacheKey>[] = [{ runId: 'r2' }, { checkpointStep: 11 }, { checkpointSha256: 'cd'.repeat(32) }, { scales: [1] }, { flip: false }, { labels: 'predicted' }, { labelThreshold: 0.4 }, { gridSide: 128 }, { inputMaxSide: 512 }];
    const hashes = new Set(variants.map((v) => keyHash({ ...key, ...v })));
    expect(hashes.size).toBe(variants.length);
    expect(hashes.has(base)).toBe(false);
    // A head changes the key; no head hashes as before heads existed (those caches stay valid).
    expect(keyHash({ ...key, affinityHead: 'ef'.repeat(32) })).not.toBe(base);
    expect(keyHash({ ...key, affinityHead: null })).toBe(base);
  });

  it('keep only the current key’s folder, and read what was written', async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'eader-cache-'));
    const first = new CamCache(runDir, key);
    await first.prepare();
    await first.write('a/b.c', cams);
    // The guide comes from the source the reader gives (the dataset's image at grid size), or none.
    const guides = async (id: string, w: number, h: number): Promise<Uint8Array> => (id === 'a/b.c' && w === 3 && h === 2 ? cams.guide : new Uint8Array(0));
    expect(await first.read('a/b.c', guides)).toEqual(cams);
    expect(await first.read('a/b.c', null)).toEqual({ ...stored, guide: NO_GUIDE });
    expect(await first.read('missing', guides)).toBeNull();
    const second = new CamCache(runDir, { ...key, checkpointStep: 20 });
    await second.prepare();
    expect(await readdir(join(runDir, 'cams'))).toEqual([second.hash]);
    expect(await first.read('a/b.c', null)).toBeNull();
    await writeFile(second.path('x'), 'garbage');
    expect(await second.read('x', null)).toBeNull();
  });
});
