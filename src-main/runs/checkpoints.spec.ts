import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkpointName,
  listCheckpoints,
  loadLatestCheckpoint,
  readBest,
  readCheckpoint,
  retainCheckpoints,
  writeCheckpoint,
  type CheckpointState,
} from './checkpoints';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eader-ckpt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function state(step: number, score: number | null): CheckpointState {
  return {
    step,
    epoch: Math.floor(step / 10),
    score,
    tensors: [
      { name: 'localizer/w', shape: [2, 3], dtype: 'float32', data: Float32Array.from([1.5, -2, 3e-7, 4, Number.MIN_VALUE, step]) },
      { name: 'optimizer:localizer/iter', shape: [], dtype: 'int32', data: Int32Array.from([step]) },
      { name: 'adversary/b', shape: [3], dtype: 'float32', data: Float32Array.from([0.1, 0.2, 0.3]) },
    ],
  };
}

describe('checkpoints', () => {
  it('round-trips tensors, dtypes, shapes and the step exactly', async () => {
    const written = await writeCheckpoint(dir, state(42, 0.5));
    const back = await readCheckpoint(written.dir);
    expect(back.step).toBe(42);
    expect(back.epoch).toBe(4);
    expect(back.score).toBe(0.5);
    expect(back.tensors.map((t) => [t.name, t.shape, t.dtype])).toEqual(state(42, 0.5).tensors.map((t) => [t.name, t.shape, t.dtype]));
    expect(Array.from(back.tensors[0]!.data)).toEqual(Array.from(state(42, 0.5).tensors[0]!.data));
    expect(back.tensors[1]!.data).toBeInstanceOf(Int32Array);
    expect(Array.from(back.tensors[1]!.data)).toEqual([42]);
  });

  it('ignores a half-written checkpoint and temp folders when picking the newest', async () => {
    await writeCheckpoint(dir, state(10, 1));
    // A crash mid-write leaves a temp folder, or (worse) a final-named folder with a torn file.
    await mkdir(join(dir, `.tmp-${checkpointName(20)}-1-2`));
    await writeFile(join(dir, `.tmp-${checkpointName(20)}-1-2`, 'weights.bin'), new Uint8Array(8));
    const torn = join(dir, checkpointName(30));
    await mkdir(torn);
    await writeFile(join(torn, 'weights.bin'), new Uint8Array(3));
    await writeFile(join(torn, 'manifest.json'), '{"format":"eader-checkpoint/1","step":30,');
    const latest = await loadLatestCheckpoint(dir);
    expect(latest?.info.step).toBe(10);
    expect((await listCheckpoints(dir)).map((c) => c.step)).toEqual([10]);
  });

  it('falls back to an older checkpoint when the newest fails its checksum', async () => {
    await writeCheckpoint(dir, state(10, 1));
    const newer = await writeCheckpoint(dir, state(20, 1));
    const weights = join(newer.dir, 'weights.bin');
    const bytes = new Uint8Array(4 * 10);
    bytes[0] = 7;
    await writeFile(weights, bytes);
    expect((await loadLatestCheckpoint(dir))?.info.step).toBe(10);
  });

  it('keeps the last N and the best, and removes temp folders', async () => {
    const scores = [5, 1, 4, 3, 2];
    for (let i = 0; i < scores.length; i++) {
      const info = await writeCheckpoint(dir, state((i + 1) * 10, scores[i]!));
      await retainCheckpoints(dir, info, 2);
    }
    await mkdir(join(dir, '.tmp-stale'));
    const info = await writeCheckpoint(dir, state(60, 9));
    expect(await retainCheckpoints(dir, info, 2)).toBe(false);
    expect((await listCheckpoints(dir)).map((c) => c.step)).toEqual([20, 50, 60]);
    expect((await readBest(dir))?.step).toBe(20);
    expect((await readdir(dir)).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });
});
