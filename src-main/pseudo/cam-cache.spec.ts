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

  it('round-trip the affinity embedding, and still read version-1 files (no embedding)', () => {
    const embedding = { width: 2, height: 1, dim: 3, data: Float32Array.from([0.5, -1.25, 3, 1e-3, 7, -0.5]) };
    const withHead = { ...key, affinityHead: 'ef'.repeat(32) };
    const back = decodeCams(encodeCams(keyHash(withHead), { ...cams, embedding }), keyHash(withHead));
    expect(back?.embedding).toEqual(embedding);
    // A version-1 file: the version-2 bytes without the embedding section, version field 1.
    const v2 = encodeCams(keyHash(key), cams);
    const v1 = v2.slice(0, v2.length - 12);
    new DataView(v1.buffer).setUint32(4, 1, true);
    expect(decodeCams(v1, keyHash(key))).toEqual(cams);
    expect(() => encodeCams(keyHash(key), { ...cams, embedding: { ...embedding, dim: 4 } })).toThrow(/embedding size/);
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
    expect(base).toBe('6c7e2f9fe45b27b4'); // the hash main had before heads
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
