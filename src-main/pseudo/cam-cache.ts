/**
 * The cam cache of a run: `runs/<runId>/cams/<keyHash>/<imageId>.bin`, one file per image, holding
 * quantised cams (uint8 per class at the grid size), compressed losslessly, and the localizer's
 * probability of each class. A key is everything that decides the cams: run, checkpoint (step +
 * SHA-256 of its weights), scales, flip, label source, grid side. A different key is a different
 * folder; writing under a new key removes the other folders, so a stale cam is never read. Each
 * file also carries its key hash and is checked on read.
 *
 * The guide image (the picture at grid size: the preview and the refinement's guide) is not stored:
 * it is the image resized to the grid (`resizeRgb`), made again from the dataset when a reader asks
 * for it (`GuideSource`), exactly as the cam job made it. It would be most of the file (3 bytes a
 * pixel against ~1/20 of a byte per pixel and class for the compressed cams).
 *
 * File layout (little-endian): "EADC" · u32 version (4) · 16 bytes key hash (ASCII hex) ·
 * u32 imageWidth, imageHeight, width, height, K · K bytes classes · K f32 probabilities ·
 * u32 P (planes: K for cams, K + 1 for a segmenter's prediction, whose last plane is the background
 * probability; docs/segmenter.md) · u32 n · n bytes: raw deflate of the P planes of second
 * differences (d[y][x] = v[y][x] − v[y][x−1] − v[y−1][x] + v[y−1][x−1] mod 256, missing neighbours
 * 0): cams are bilinear upsamplings of a coarse map, so nearly every difference is 0 or ±1 ·
 * u32 ew, eh, D · ew·eh·D f32: the affinity head's embedding at the walk grid (D = 0: none; the key
 * then has no head; the `rw` refiner's input). Older versions read as damaged and are recomputed.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { CamGrid } from '@shared/pseudo/cam-grid';
import { writeFileAtomic } from '../fs/atomic-write';
import { runPaths } from '../runs/run-layout';

const MAGIC = 0x43444145; // "EADC" read as a little-endian u32
const VERSION = 4;
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
  /** The localizer's sigmoid probability of each class (plane order); a segmenter's: the class's highest pixel probability. */
  probs: number[];
}

/** What a cam file holds: everything but the guide image. */
export type StoredCams = Omit<CachedCams, 'guide'>;

/** The guide image of an image at grid size (its RGB resized with `resizeRgb`), made from the dataset. */
export type GuideSource = (imageId: string, width: number, height: number) => Promise<Uint8Array>;

/** An empty guide: for readers that refine with `none`, which never looks at it. */
export const NO_GUIDE = new Uint8Array(0);

export function keyHash(key: CamCacheKey): string {
  const base = [key.runId, key.checkpointStep, key.checkpointSha256, key.scales, key.flip, key.labels, key.labelThreshold, key.gridSide, key.inputMaxSide];
  // A key without a head hashes as before heads existed.
  const canonical = JSON.stringify(key.affinityHead ? [...base, key.affinityHead] : base);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** A file name for an image id (ids may hold characters a file system refuses). */
export const camFileName = (imageId: string): string => `${encodeURIComponent(imageId).replace(/\./g, '%2E')}.bin`;

/** Planes (K × h × w) → their second differences, mod 256. */
function differences(planes: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(planes.length);
  const n = width * height;
  for (let base = 0; base < planes.length; base += n) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = base + y * width + x;
        const left = x > 0 ? planes[i - 1]! : 0;
        const up = y > 0 ? planes[i - width]! : 0;
        const diag = x > 0 && y > 0 ? planes[i - width - 1]! : 0;
        out[i] = (planes[i]! - left - up + diag) & 0xff;
      }
    }
  }
  return out;
}

/** The inverse of `differences`, in place. */
function undoDifferences(d: Uint8Array, width: number, height: number): Uint8Array {
  const n = width * height;
  for (let base = 0; base < d.length; base += n) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = base + y * width + x;
        const left = x > 0 ? d[i - 1]! : 0;
        const up = y > 0 ? d[i - width]! : 0;
        const diag = x > 0 && y > 0 ? d[i - width - 1]! : 0;
        d[i] = (d[i]! + left + up - diag) & 0xff;
      }
    }
  }
  return d;
}

export function encodeCams(hash: string, cams: StoredCams): Uint8Array {
  const K = cams.classes.length;
  const n = cams.width * cams.height;
  const background = cams.background ?? null;
  if (cams.cams.length !== K * n || cams.probs.length !== K || (background && background.length !== n)) throw new Error('cam record sizes do not match its header');
  const e = cams.embedding ?? null;
  if (e && e.data.length !== e.width * e.height * e.dim) throw new Error('cam record embedding size does not match its header');
  const P = background ? K + 1 : K;
  const planes = background ? concatPlanes(cams.cams, background) : cams.cams;
  const packed = deflateRawSync(differences(planes, cams.width, cams.height), { level: 6 });
  const bytes = new Uint8Array(HEADER + K + 4 * K + 8 + packed.length + EMBEDDING_HEADER + (e ? 4 * e.data.length : 0));
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
  view.setUint32(at, P, true);
  view.setUint32(at + 4, packed.length, true);
  bytes.set(packed, at + 8);
  at += 8 + packed.length;
  [e?.width ?? 0, e?.height ?? 0, e?.dim ?? 0].forEach((v, i) => view.setUint32(at + 4 * i, v, true));
  at += EMBEDDING_HEADER;
  e?.data.forEach((v, i) => view.setFloat32(at + 4 * i, v, true));
  return bytes;
}

function concatPlanes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Decode a cam file; null when it belongs to another key. Throws on a damaged file (or one of another version). */
export function decodeCams(bytes: Uint8Array, expectedHash: string): StoredCams | null {
  if (bytes.length < HEADER) throw new Error('cam file is truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== VERSION) throw new Error('not a cam cache file of this version (bad magic or version)');
  if (new TextDecoder().decode(bytes.subarray(8, 24)) !== expectedHash) return null;
  const [imageWidth, imageHeight, width, height, K] = [0, 1, 2, 3, 4].map((i) => view.getUint32(24 + 4 * i, true)) as [number, number, number, number, number];
  const n = width * height;
  let at = HEADER;
  if (bytes.length < at + 5 * K + 8) throw new Error('cam file is truncated');
  const classes = Array.from(bytes.subarray(at, at + K));
  at += K;
  const probs = classes.map((_, k) => view.getFloat32(at + 4 * k, true));
  at += 4 * K;
  const P = view.getUint32(at, true);
  if (P !== K && P !== K + 1) throw new Error(`cam file holds ${P} planes for ${K} classes`);
  const packed = view.getUint32(at + 4, true);
  at += 8;
  if (bytes.length < at + packed + EMBEDDING_HEADER) throw new Error(`cam file holds ${bytes.length} bytes, expected at least ${at + packed + EMBEDDING_HEADER}`);
  const planes = new Uint8Array(inflateRawSync(bytes.subarray(at, at + packed), { maxOutputLength: Math.max(1, P * n) })); // a plain copy, never a Buffer view
  if (planes.length !== P * n) throw new Error(`cam file's planes hold ${planes.length} bytes, expected ${P}×${width}×${height}`);
  undoDifferences(planes, width, height);
  at += packed;
  const [ew, eh, dim] = [0, 1, 2].map((i) => view.getUint32(at + 4 * i, true)) as [number, number, number];
  at += EMBEDDING_HEADER;
  const size = ew * eh * dim;
  if (bytes.length !== at + 4 * size) throw new Error(`cam file holds ${bytes.length} bytes, expected ${at + 4 * size}`);
  const record: StoredCams = { imageWidth, imageHeight, width, height, classes, probs, cams: P > K ? planes.slice(0, K * n) : planes };
  if (P > K) record.background = planes.slice(K * n);
  if (size > 0) record.embedding = { width: ew, height: eh, dim, data: Float32Array.from({ length: size }, (_, i) => view.getFloat32(at + 4 * i, true)) };
  return record;
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

  /**
   * Make this key's folder the only one: other keys' cams are removed (they are stale). The key file
   * is written only when it is missing or says something else, so the shards of one job sharing the
   * folder (`eader cams --shard`) write no file twice.
   */
  async prepare(): Promise<void> {
    const root = runPaths(this.runDir).cams;
    await mkdir(this.dir, { recursive: true });
    for (const name of await readdir(root)) if (name !== this.hash) await rm(join(root, name), { recursive: true, force: true });
    const keyFile = join(this.dir, 'key.json');
    const text = `${JSON.stringify({ format: 'eader-cam-cache/1', hash: this.hash, key: { ...this.key, affinityHead: this.key.affinityHead ?? null } }, null, 2)}\n`;
    const current = await readFile(keyFile, 'utf8').catch(() => null);
    if (current !== text) await writeFileAtomic(keyFile, text);
  }

  path(imageId: string): string {
    return join(this.dir, camFileName(imageId));
  }

  async write(imageId: string, cams: StoredCams): Promise<void> {
    await writeFileAtomic(this.path(imageId), encodeCams(this.hash, cams));
  }

  /** The stored cams of an image, or null (not computed, computed under another key, or damaged: recomputed). */
  async readStored(imageId: string): Promise<StoredCams | null> {
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

  /**
   * The cached cams of an image with its guide image made by `guides`, or with NO_GUIDE when the
   * reader does not need one (it renders with the `none` refiner); null when not cached.
   */
  async read(imageId: string, guides: GuideSource | null): Promise<CachedCams | null> {
    const stored = await this.readStored(imageId);
    if (!stored) return null;
    return { ...stored, guide: guides ? await guides(imageId, stored.width, stored.height) : NO_GUIDE };
  }

  async has(imageId: string): Promise<boolean> {
    return (await this.readStored(imageId)) !== null;
  }
}
