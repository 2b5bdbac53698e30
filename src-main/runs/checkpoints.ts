/**
 * Checkpoints: one folder per checkpoint, `checkpoints/step-000000123/`, holding `weights.bin`
 * (every tensor's bytes, concatenated) and `manifest.json` (names, shapes, dtypes, offsets, the
 * global step, a SHA-256 of weights.bin). A checkpoint is written into a `.tmp-…` folder, every
 * file fsynced, then the folder is renamed into place: a crash leaves either a complete checkpoint
 * or a temp folder that readers ignore. Nothing is overwritten in place. Plain data, no tfjs.
 *
 * Only finite weights are kept (docs/reliability.md): writing a tensor with a NaN or an infinity
 * throws NonFiniteTensorError before anything is written, and reading one refuses it, so a diverged
 * run's state is never resumed from, chosen as best, or used by `infer`. A manifest whose lengths or
 * offsets do not fit the shapes or weights.bin is refused with the tensor's name.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { fsyncDir, writeJsonAtomic, writeSynced } from '../fs/atomic-write';
import { pathExists } from '../fs/exists';

export type TensorDtype = 'float32' | 'int32';

export interface TensorRecord {
  /** Group-qualified name, e.g. `localizer/conv1/kernel` or `optimizer:localizer/…`. */
  name: string;
  shape: number[];
  dtype: TensorDtype;
  data: Float32Array | Int32Array;
}

export interface CheckpointState {
  step: number;
  epoch: number;
  /** Lower is better (the mean training loss since the previous checkpoint), or null. */
  score: number | null;
  tensors: TensorRecord[];
  /** Free-form extras (e.g. the adversary kind), saved in the manifest. */
  extra?: Record<string, unknown>;
}

const Manifest = z.object({
  format: z.literal('eader-checkpoint/1'),
  step: z.number().int().nonnegative(),
  epoch: z.number().int().nonnegative(),
  score: z.number().nullable(),
  createdAt: z.string(),
  weightsBytes: z.number().int().nonnegative(),
  sha256: z.string(),
  tensors: z.array(
    z.object({
      name: z.string(),
      shape: z.array(z.number().int().nonnegative()),
      dtype: z.enum(['float32', 'int32']),
      offset: z.number().int().nonnegative(),
      length: z.number().int().nonnegative(),
    }),
  ),
  extra: z.record(z.string(), z.unknown()).optional(),
});
type Manifest = z.infer<typeof Manifest>;

export interface CheckpointInfo {
  step: number;
  epoch: number;
  score: number | null;
  dir: string;
}

export class NonFiniteTensorError extends Error {
  constructor(
    readonly tensor: string,
    readonly value: number,
    readonly index: number,
  ) {
    super(`tensor ${tensor} holds ${value} at index ${index}; only finite weights are kept`);
    this.name = 'NonFiniteTensorError';
  }
}

/** Throws NonFiniteTensorError at the first NaN or ±Infinity of a float tensor. */
export function assertFinite(t: TensorRecord): void {
  if (t.dtype !== 'float32') return;
  const data = t.data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) throw new NonFiniteTensorError(t.name, v, i); // NaN and ±Infinity only
  }
}

const NAME = /^step-(\d{9})$/;
export const checkpointName = (step: number): string => `step-${String(step).padStart(9, '0')}`;

export async function writeCheckpoint(checkpointsDir: string, state: CheckpointState): Promise<CheckpointInfo> {
  for (const t of state.tensors) assertFinite(t);
  if (state.score !== null && !Number.isFinite(state.score)) throw new NonFiniteTensorError('score', state.score, 0);
  await mkdir(checkpointsDir, { recursive: true });
  const finalDir = join(checkpointsDir, checkpointName(state.step));
  const tempDir = join(checkpointsDir, `.tmp-${checkpointName(state.step)}-${process.pid}-${Date.now()}`);
  await mkdir(tempDir);
  try {
    const entries: Manifest['tensors'] = [];
    const parts: Uint8Array[] = [];
    let offset = 0;
    for (const t of state.tensors) {
      const expected = t.shape.reduce((a, b) => a * b, 1);
      if (expected !== t.data.length) throw new Error(`Tensor ${t.name}: shape [${t.shape.join(',')}] does not match ${t.data.length} values.`);
      const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      entries.push({ name: t.name, shape: t.shape, dtype: t.dtype, offset, length: t.data.length });
      parts.push(bytes);
      offset += bytes.byteLength;
    }
    const weights = Buffer.concat(parts);
    const sha256 = createHash('sha256').update(weights).digest('hex');
    await writeSynced(join(tempDir, 'weights.bin'), weights);
    const manifest: Manifest = {
      format: 'eader-checkpoint/1',
      step: state.step,
      epoch: state.epoch,
      score: state.score,
      createdAt: new Date().toISOString(),
      weightsBytes: weights.byteLength,
      sha256,
      tensors: entries,
      ...(state.extra ? { extra: state.extra } : {}),
    };
    await writeSynced(join(tempDir, 'manifest.json'), JSON.stringify(manifest, null, 1));
    await fsyncDir(tempDir);
    // A checkpoint of the same step (a repeated stop) is never overwritten: it already holds this state.
    if (await pathExists(finalDir)) {
      await rm(tempDir, { recursive: true, force: true });
    } else {
      await rename(tempDir, finalDir);
      await fsyncDir(checkpointsDir);
    }
  } catch (error) {
    await rm(tempDir, { recursive: true, force: true });
    throw error;
  }
  return { step: state.step, epoch: state.epoch, score: state.score, dir: finalDir };
}

async function readManifest(dir: string): Promise<Manifest | null> {
  try {
    const parsed = Manifest.safeParse(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
    if (!parsed.success) return null;
    const size = (await stat(join(dir, 'weights.bin'))).size;
    return size === parsed.data.weightsBytes ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Complete checkpoints, oldest first. Temp folders and folders with a bad manifest are skipped. */
export async function listCheckpoints(checkpointsDir: string): Promise<CheckpointInfo[]> {
  let names: string[];
  try {
    names = await readdir(checkpointsDir);
  } catch {
    return [];
  }
  const found: CheckpointInfo[] = [];
  for (const name of names) {
    if (!NAME.test(name)) continue;
    const dir = join(checkpointsDir, name);
    const manifest = await readManifest(dir);
    if (manifest) found.push({ step: manifest.step, epoch: manifest.epoch, score: manifest.score, dir });
  }
  return found.sort((a, b) => a.step - b.step);
}

/** Load a checkpoint; the weights' SHA-256 is verified, so a torn or corrupted file is an error. */
export async function readCheckpoint(dir: string): Promise<CheckpointState> {
  const manifest = await readManifest(dir);
  if (!manifest) throw new Error(`${dir} is not a complete checkpoint.`);
  const weights = await readFile(join(dir, 'weights.bin'));
  const sha = createHash('sha256').update(weights).digest('hex');
  if (sha !== manifest.sha256) throw new Error(`${dir}: weights.bin does not match its checksum.`);
  const tensors = manifest.tensors.map((t): TensorRecord => {
    const values = t.shape.reduce((a, b) => a * b, 1);
    if (t.length !== values) {
      throw new Error(`${dir}: tensor ${t.name} has shape [${t.shape.join(',')}] (${values} values) but its manifest entry stores ${t.length}.`);
    }
    if (t.offset + t.length * 4 > weights.byteLength) {
      throw new Error(`${dir}: tensor ${t.name} reaches byte ${t.offset + t.length * 4} of weights.bin, which has ${weights.byteLength}.`);
    }
    const bytes = weights.subarray(t.offset, t.offset + t.length * 4);
    const copy = new Uint8Array(bytes); // aligned copy
    const data = t.dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
    const record: TensorRecord = { name: t.name, shape: t.shape, dtype: t.dtype, data };
    try {
      assertFinite(record);
    } catch (error) {
      throw new Error(`${dir} cannot be used: ${(error as Error).message} (the run diverged before this checkpoint was written).`);
    }
    return record;
  });
  return { step: manifest.step, epoch: manifest.epoch, score: manifest.score, tensors, ...(manifest.extra ? { extra: manifest.extra } : {}) };
}

/** The newest complete checkpoint that loads (falls back to older ones if the newest is corrupt). */
export async function loadLatestCheckpoint(checkpointsDir: string): Promise<{ info: CheckpointInfo; state: CheckpointState } | null> {
  const all = await listCheckpoints(checkpointsDir);
  for (let i = all.length - 1; i >= 0; i--) {
    const info = all[i];
    if (!info) continue;
    try {
      return { info, state: await readCheckpoint(info.dir) };
    } catch {
      // Corrupted despite a complete manifest: try the one before.
    }
  }
  return null;
}

const BestFile = z.object({ step: z.number().int(), score: z.number(), dir: z.string() });

/** The best checkpoint by score (lower is better), as recorded in best.json. */
export async function readBest(checkpointsDir: string): Promise<CheckpointInfo | null> {
  try {
    const best = BestFile.parse(JSON.parse(await readFile(join(checkpointsDir, 'best.json'), 'utf8')));
    const all = await listCheckpoints(checkpointsDir);
    return all.find((c) => c.step === best.step) ?? null;
  } catch {
    return null;
  }
}

/**
 * After a new checkpoint: update best.json when it beats the best, then delete all but the last
 * `keep` checkpoints and the best one, and any temp folders a crash left behind.
 * Returns whether the new checkpoint is the best.
 */
export async function retainCheckpoints(checkpointsDir: string, latest: CheckpointInfo, keep: number): Promise<boolean> {
  let best = await readBest(checkpointsDir);
  let isBest = false;
  if (latest.score !== null && Number.isFinite(latest.score) && (!best || best.score === null || latest.score <= best.score)) {
    await writeJsonAtomic(join(checkpointsDir, 'best.json'), { step: latest.step, score: latest.score, dir: checkpointName(latest.step) });
    best = latest;
    isBest = true;
  }
  const all = await listCheckpoints(checkpointsDir);
  const keepSteps = new Set(all.slice(-keep).map((c) => c.step));
  if (best) keepSteps.add(best.step);
  for (const c of all) if (!keepSteps.has(c.step)) await rm(c.dir, { recursive: true, force: true });
  await removeStaleTemps(checkpointsDir);
  return isBest;
}

/** Remove `.tmp-*` folders left by an interrupted write (only call while no writer runs). */
export async function removeStaleTemps(checkpointsDir: string): Promise<void> {
  let names: string[] = [];
  try {
    names = await readdir(checkpointsDir);
  } catch {
    return;
  }
  for (const name of names) if (name.startsWith('.tmp-')) await rm(join(checkpointsDir, name), { recursive: true, force: true });
}

/** `best` → the best checkpoint (falling back to the last), `last` → the newest complete one. */
export async function selectCheckpoint(checkpointsDir: string, which: 'best' | 'last'): Promise<CheckpointInfo | null> {
  if (which === 'best') {
    const best = await readBest(checkpointsDir);
    if (best) return best;
  }
  const all = await listCheckpoints(checkpointsDir);
  return all[all.length - 1] ?? null;
}
