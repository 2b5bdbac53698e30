/**
 * The cam cache of a run: `runs/<runId>/cams/<keyHash>/<imageId>.bin`, one file per image, holding
 * quantised cams (uint8 per class at the grid size), the localizer's probability of each class and
 * the image at grid size (the refinement's guide and the preview). A key is everything that decides
 * the cams: run, checkpoint (step + SHA-256 of its weights), scales, flip, label source, grid side.
 * A different key is a different folder; writing under a new key removes the other folders, so a
 * stale cam is never read. Each file also carries its key hash and is checked on read.
 *
 * File layout (little-endian): "EADC" · u32 version (2) · 16 bytes key hash (ASCII hex) ·
 * u32 imageWidth, imageHeight, width, height, K · K bytes classes · K f32 probabilities ·
 * K·width·height bytes cams · width·height·3 bytes guide RGB · u32 ew, eh, D · ew·eh·D f32: the
 * affinity head's embedding at the walk grid (D = 0: none; the key then has no head). Version 1
 * files (no embedding section) still read.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CamGrid } from '@shared/pseudo/cam-grid';
import { writeFileAtomic, writeJsonAtomic } from '../fs/atomic-write';
import { runPaths } from '../runs/run-layout';

const MAGIC = 0x43444145; // "EADC" read as a little-endian u32
const VERSION = 2;
const HEADER = 4 + 4 + 16 + 5 * 4;
const EMBEDDING_HEADER = 3 * 4;

export interface CamCacheKey {
  runId: string;
  checkpointStep: number;
  checkpointSha256: string;
  scales: number[];
  flip: boolean;
  labels: 'gt' | 'predicted';
  labelThreshold: number;
  /** Longest side of the cached grid. */
  gridSide: number;
  /** Longest side of the network input at scale 1 (null: the image's own size). */
  inputMaxSide: number | null;
  /** SHA-256 of the affinity head's weights whose embedding the records carry (null or absent: no head). */
  affinityHead?: string | null;
}

export interface CachedCams extends CamGrid {
  /** The localizer's sigmoid probability of each class (plane order). */
  probs: number[];
}

export function keyHash(key: CamCacheKey): string {
  const base = [key.runId, key.checkpointStep, key.checkpointSha256, key.scales, key.flip, key.labels, key.labelThreshold, key.gridSide, key.inputMaxSide];
  // A key without a head hashes as before heads existed, so those caches stay valid.
  const canonical = JSON.stringify(key.affinityHead ? [...base, key.affinityHead] : base);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** A file name for an image id (ids may hold characters a file system refuses). */
export const camFileName = (imageId: string): string => `${encodeURIComponent(imageId).replace(/\./g, '%2E')}.bin`;

export function encodeCams(hash: string, cams: CachedCams): Uint8Array {
  const K = cams.classes.length;
  const n = cams.width * cams.height;
  if (cams.cams.length !== K * n || cams.guide.length !== n * 3 || cams.probs.length !== K) throw new Error('cam record sizes do not match its header');
  const e = cams.embedding ?? null;
  if (e && e.data.length !== e.width * e.height * e.dim) throw new Error('cam record embedding size does not match its header');
  const tail = HEADER + K + 4 * K + K * n + 3 * n;
  const bytes = new Uint8Array(tail + EMBEDDING_HEADER + (e ? 4 * e.data.length : 0));
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  bytes.set(new TextEncoder().encode(hash.padEnd(16, '0').slice(0, 16)), 8);
  [cams.imageWidth, cams.imageHeight, cams.width, cams.height, K].forEach((v, i) => view.setUint32(24 + 4 * i, v, true));
  let at = HEADER;
  bytes.set(cams.classes, at);
  at += K;
  cams.probs.forEach((p, k) => view.setFloat32(at + 4 * k, p, true));
  at += 4 * K;
  bytes.set(cams.cams, at);
  at += K * n;
  bytes.set(cams.guide, at);
  at += 3 * n;
  [e?.width ?? 0, e?.height ?? 0, e?.dim ?? 0].forEach((v, i) => view.setUint32(at + 4 * i, v, true));
  at += EMBEDDING_HEADER;
  e?.data.forEach((v, i) => view.setFloat32(at + 4 * i, v, true));
  return bytes;
}

/** Decode a cam file; null when it belongs to another key. Throws on a damaged file. */
export function decodeCams(bytes: Uint8Array, expectedHash: string): CachedCams | null {
  if (bytes.length < HEADER) throw new Error('cam file is truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (view.getUint32(0, true) !== MAGIC || (version !== 1 && version !== VERSION)) throw new Error('not a cam cache file (bad magic or version)');
  if (new TextDecoder().decode(bytes.subarray(8, 24)) !== expectedHash) return null;
  const [imageWidth, imageHeight, width, height, K] = [0, 1, 2, 3, 4].map((i) => view.getUint32(24 + 4 * i, true)) as [number, number, number, number, number];
  const n = width * height;
  const tail = HEADER + K + 4 * K + K * n + 3 * n;
  const [ew, eh, dim] = version === 1 || bytes.length < tail + EMBEDDING_HEADER ? [0, 0, 0] : [0, 1, 2].map((i) => view.getUint32(tail + 4 * i, true));
  const expected = version === 1 ? tail : tail + EMBEDDING_HEADER + 4 * ew! * eh! * dim!;
  if (bytes.length !== expected) throw new Error(`cam file holds ${bytes.length} bytes, expected ${expected}`);
  let at = HEADER;
  const classes = Array.from(bytes.subarray(at, at + K));
  at += K;
  const probs = classes.map((_, k) => view.getFloat32(at + 4 * k, true));
  at += 4 * K;
  const cams = new Uint8Array(bytes.subarray(at, at + K * n)); // a plain copy, never a Buffer view
  at += K * n;
  const guide = new Uint8Array(bytes.subarray(at, at + 3 * n));
  at += 3 * n + EMBEDDING_HEADER;
  const size = ew! * eh! * dim!;
  const embedding = size > 0 ? { width: ew!, height: eh!, dim: dim!, data: Float32Array.from({ length: size }, (_, i) => view.getFloat32(at + 4 * i, true)) } : null;
  return { imageWidth, imageHeight, width, height, classes, probs, cams, guide, ...(embedding ? { embedding } : {}) };
}

/** One run's cache under one key. */
export class CamCache {
  readonly hash: string;
  readonly dir: string;

  constructor(
    readonly runDir: string,
    readonly key: CamCacheKey,
  ) {
    this.hash = keyHash(key);
    this.dir = join(runPaths(runDir).cams, this.hash);
  }

  /** Make this key's folder the only one: other keys' cams are removed (they are stale). */
  async prepare(): Promise<void> {
    const root = runPaths(this.runDir).cams;
    await mkdir(this.dir, { recursive: true });
    for (const name of await readdir(root)) if (name !== this.hash) await rm(join(root, name), { recursive: true, force: true });
    await writeJsonAtomic(join(this.dir, 'key.json'), { format: 'eader-cam-cache/1', hash: this.hash, key: { ...this.key, affinityHead: this.key.affinityHead ?? null } });
  }

  path(imageId: string): string {
    return join(this.dir, camFileName(imageId));
  }

  async write(imageId: string, cams: CachedCams): Promise<void> {
    await writeFileAtomic(this.path(imageId), encodeCams(this.hash, cams));
  }

  /** The cached cams of an image, or null (not computed, or computed under another key). */
  async read(imageId: string): Promise<CachedCams | null> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path(imageId));
    } catch {
      return null;
    }
    try {
      return decodeCams(bytes, this.hash);
    } catch {
      return null; // a damaged file is recomputed
    }
  }

  async has(imageId: string): Promise<boolean> {
    return (await this.read(imageId)) !== null;
  }
}
