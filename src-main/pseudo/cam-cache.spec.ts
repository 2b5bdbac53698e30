import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CamCache, decodeCams, encodeCams, keyHash, type CachedCams, type CamCacheKey } from './cam-cache';

const key: CamCacheKey = { runId: 'r1', checkpointStep: 10, checkpointSha256: 'ab'.repeat(32), scales: [1, 0.75], flip: true, labels: 'gt', labelThreshold: 0.5, gridSide: 256, inputMaxSide: null };
const cams: CachedCams = { imageWidth: 6, imageHeight: 4, width: 3, height: 2, classes: [2, 5], probs: [0.75, 0.25], cams: Uint8Array.from({ length: 12 }, (_, i) => i * 20), guide: Uint8Array.from({ length: 18 }, (_, i) => 255 - i) };

describe('cam cache files', () => {
  it('round-trip every field', () => {
    const back = decodeCams(encodeCams(keyHash(key), cams), keyHash(key));
    expect(back).toEqual(cams);
  });

  it('round-trip a segmenter prediction (version 2: the background plane), and refuse one cut short', () => {
    const prediction: CachedCams = { ...cams, background: Uint8Array.from({ length: 6 }, (_, i) => 200 - i) };
    const bytes = encodeCams(keyHash(key), prediction);
    expect(new DataView(bytes.buffer).getUint32(4, true)).toBe(2);
    expect(decodeCams(bytes, keyHash(key))).toEqual(prediction);
    expect(() => decodeCams(bytes.subarray(0, bytes.length - 6), keyHash(key))).toThrow(/expected/);
    expect(decodeCams(encodeCams(keyHash(key), cams), keyHash(key))?.background).toBeUndefined(); // cams stay version 1
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
  });

  it('keep only the current key’s folder, and read what was written', async () => {
    const runDir = await mkdtemp(join(tmpdir(), 'eader-cache-'));
    const first = new CamCache(runDir, key);
    await first.prepare();
    await first.write('a/b.c', cams);
    expect(await first.read('a/b.c')).toEqual(cams);
    expect(await first.read('missing')).toBeNull();
    const second = new CamCache(runDir, { ...key, checkpointStep: 20 });
    await second.prepare();
    expect(await readdir(join(runDir, 'cams'))).toEqual([second.hash]);
    expect(await first.read('a/b.c')).toBeNull();
    await writeFile(second.path('x'), 'garbage');
    expect(await second.read('x')).toBeNull();
  });
});
