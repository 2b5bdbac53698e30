/**
 * The app's Training area starts a run on whatever dataset is open: the trainer is told where the
 * dataset was opened from (a COCO instances file here, not just its folder) and its format, so it
 * opens the same index through the one dataset door, and a resume reopens it from the run record.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SMALL_TRAIN_CONFIG } from './testing/small-config';
import { FIXTURE_CLASSES, writeShapesCoco } from './testing/shapes-fixture';
import { FakeTrainer, fakeLaunchers } from './testing/fake-trainer';
import { createWorkbench } from './workbench';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'eader-workbench-'));
  vi.stubEnv('EADER_HOME', join(root, 'home'));
  await writeShapesCoco(join(root, 'coco'), { train: 3, val: 2, width: 24, height: 20 });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(root, { recursive: true, force: true });
});

describe('training from the app on a COCO dataset', () => {
  it('passes the opened instances file and its format to the trainer, and resumes from the same', async () => {
    const fakes = fakeLaunchers(() => new FakeTrainer({ classes: FIXTURE_CLASSES }));
    const { dispatcher, training } = createWorkbench({ transport: 'host', log: () => undefined, trainerLauncher: fakes.launcher });
    const picked = join(root, 'coco/annotations/instances_train.json');
    const opened = await dispatcher.dispatch('dataset:open', { path: picked });
    expect(opened).toMatchObject({ ok: true, value: { format: 'coco', root: join(root, 'coco'), imageCount: 3 } });
    const started = await dispatcher.dispatch('training:start', { config: { ...SMALL_TRAIN_CONFIG, maxSteps: 2 }, preset: 'quick' });
    expect(started).toMatchObject({ ok: true });
    await fakes.trainers[0]!.started;
    expect(fakes.trainers[0]!.command).toMatchObject({ datasetRoot: picked, datasetFormat: 'coco', resume: false });
    const runId = (started as { value: { runId: string } }).value.runId;
    expect(await dispatcher.dispatch('training:control', { action: 'stop' })).toMatchObject({ ok: true });
    for (let waited = 0; training.active && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    expect(await dispatcher.dispatch('training:resume-run', { runId })).toMatchObject({ ok: true });
    await fakes.trainers[1]!.started;
    expect(fakes.trainers[1]!.command).toMatchObject({ datasetRoot: picked, datasetFormat: 'coco', resume: true });
  });
});
