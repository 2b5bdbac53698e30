/**
 * Crash and resume with a real trainer child process: SIGKILL after a checkpoint, a half-written
 * checkpoint planted on top, then --resume continues from the newest complete checkpoint.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TrainConfig } from '@shared/domain/train-config';
import { SMALL_TRAIN_CONFIG } from '../testing/small-config';
import type { TrainerMessage } from '@shared/trainer-protocol';
import { checkpointName, listCheckpoints } from '../runs/checkpoints';
import { readMetrics, readRunRecord } from '../runs/run-store';
import { defaultTrainerLauncher } from './launch';
import { TrainerSupervisor } from './supervisor';
import { writeShapesVoc } from '../testing/shapes-fixture';

let root: string;
const config: TrainConfig = {
  ...SMALL_TRAIN_CONFIG,
  backend: 'wasm',
  imageSize: 32,
  batchSize: 4,
  epochs: 30,
  locSteps: 3,
  advSteps: 2,
  checkpointEvery: 2,
  sampleEvery: 3,
  sampleImages: 1,
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'eader-resume-'));
  await writeShapesVoc(join(root, 'data'), { train: 12, val: 0, width: 48, height: 40 });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function launch(): { supervisor: TrainerSupervisor; seen: TrainerMessage[] } {
  const supervisor = new TrainerSupervisor(defaultTrainerLauncher(process.env, 'ignore'));
  const seen: TrainerMessage[] = [];
  supervisor.on((m) => seen.push(m));
  return { supervisor, seen };
}

describe('trainer crash and resume', () => {
  it('survives SIGKILL after a checkpoint and resumes from the newest complete one', async () => {
    const runDir = join(root, 'run');
    const datasetRoot = join(root, 'data');

    const first = launch();
    first.supervisor.on((m) => {
      if (m.type === 'checkpoint' && m.step >= 4) first.supervisor.kill();
    });
    await first.supervisor.start({ config, datasetRoot, runDir, resume: false });
    const crashed = await first.supervisor.outcome;
    expect(crashed).toMatchObject({ kind: 'crashed', signal: 'SIGKILL' });
    const sample = first.seen.find((m) => m.type === 'sample');
    expect(sample && sample.type === 'sample' && sample.image[1]).toBe(0x50); // a real PNG ("\x89PNG")

    const complete = await listCheckpoints(join(runDir, 'checkpoints'));
    const newest = complete[complete.length - 1]!.step;
    expect(newest).toBeGreaterThanOrEqual(4);
    // A crash mid-write: a torn checkpoint with a later step, and a temp folder.
    const torn = join(runDir, 'checkpoints', checkpointName(newest + 50));
    await mkdir(torn);
    await writeFile(join(torn, 'manifest.json'), '{"format":"eader-checkpoint/1","step":');
    await mkdir(join(runDir, 'checkpoints', `.tmp-${checkpointName(newest + 51)}-1-1`));
    // A torn last metrics line, as a kill mid-append leaves it.
    await writeFile(join(runDir, 'metrics.jsonl'), `${await readFile(join(runDir, 'metrics.jsonl'), 'utf8')}{"step":`);

    const second = launch();
    await second.supervisor.start({ config: { ...config, maxSteps: newest + 2 }, datasetRoot, runDir, resume: true });
    const done = await second.supervisor.outcome;
    expect(done).toMatchObject({ kind: 'finished', step: newest + 2, reason: 'max-steps' });
    const started = second.seen.find((m) => m.type === 'started');
    expect(started).toMatchObject({ startStep: newest });
    const firstProgress = second.seen.find((m) => m.type === 'progress');
    expect(firstProgress).toMatchObject({ step: newest + 1 });

    const steps = (await readMetrics(runDir)).map((r) => r.step);
    expect(steps).toEqual(Array.from({ length: newest + 2 }, (_, i) => i + 1));
    const record = await readRunRecord(runDir);
    expect(record.resumes).toEqual([expect.objectContaining({ fromStep: newest })]);
    const after = (await listCheckpoints(join(runDir, 'checkpoints'))).map((c) => c.step);
    expect(after).toContain(newest + 2);
    expect(after).not.toContain(newest + 50);
  });
});
