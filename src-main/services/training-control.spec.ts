import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@shared/envelope';
import type { EventName } from '@shared/events';
import { PAPER_PRESET } from '@shared/domain/train-presets';
import { SMALL_TRAIN_CONFIG } from '../testing/small-config';
import type { TrainingProgressEvent, TrainingSample, TrainingState } from '@shared/domain/training-view';
import { TrainingControl } from './training-control';
import { FakeTrainer, fakeLaunchers } from '../testing/fake-trainer';
import { WeightsStore } from '../weights/store';

/** Lets a test hold a run's outcome.json write open (0 = the real timing). */
const outcomeDelay = vi.hoisted(() => ({ ms: 0 }));
vi.mock('../runs/run-history', async (importOriginal) => {
  const real = await importOriginal<typeof import('../runs/run-history')>();
  return {
    ...real,
    writeOutcome: async (...args: Parameters<typeof real.writeOutcome>) => {
      if (outcomeDelay.ms > 0) await new Promise((resolve) => setTimeout(resolve, outcomeDelay.ms));
      return real.writeOutcome(...args);
    },
  };
});

interface Recorded {
  name: EventName;
  payload: unknown;
}

const until = async (check: () => boolean, ms = 3000): Promise<void> => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('TrainingControl with a scripted trainer', () => {
  let root: string;
  let events: Recorded[];
  let datasetOpen: boolean;
  const config = { ...SMALL_TRAIN_CONFIG, locSteps: 3, advSteps: 2 };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'eader-training-'));
    await mkdir(join(root, 'dataset'));
    events = [];
    datasetOpen = true;
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  function make(launch: ReturnType<typeof fakeLaunchers>['launcher'], extra: { roundsKept?: number } = {}): TrainingControl {
    return new TrainingControl({
      dataset: () => {
        if (!datasetOpen) throw new ApiError('CONFLICT', 'No dataset is open.');
        // The dataset beside the runs, never around them (the output guard refuses runs inside a dataset).
        return { root: join(root, 'dataset'), classes: ['background', 'a', 'b'] };
      },
      runsRoots: () => [join(root, 'runs')],
      events: { emit: (name, payload) => events.push({ name, payload }) },
      launcher: launch,
      flushMs: 10,
      ...extra,
    });
  }
  const named = <T>(name: EventName): T[] => events.filter((e) => e.name === name).map((e) => e.payload as T);
  const lastState = (): TrainingState => named<TrainingState>('training:state').at(-1)!;

  it('relays started, progress (batched), samples and checkpoints as typed events', async () => {
    const fakes = fakeLaunchers(() => new FakeTrainer());
    const control = make(fakes.launcher);
    const state = await control.start({ config, preset: 'quick' });
    expect(state.status).toBe('starting');
    expect(state.runDir).toBe(join(root, 'runs', state.runId!));
    const trainer = fakes.trainers[0]!;
    await trainer.started;
    expect(trainer.command).toMatchObject({ datasetRoot: join(root, 'dataset'), resume: false, runDir: state.runDir });
    expect(lastState()).toMatchObject({ status: 'running', backend: 'fake (cpu)', totalSteps: 100, pid: 4242 });
    await trainer.progress(5);
    await until(() => named<TrainingProgressEvent>('training:progress').reduce((n, e) => n + e.points.step.length, 0) === 5);
    const progress = named<TrainingProgressEvent>('training:progress');
    expect(progress.length).toBeLessThan(5); // batched
    expect(progress.flatMap((e) => e.points.step)).toEqual([1, 2, 3, 4, 5]);
    expect(progress.flatMap((e) => e.points.phase)).toEqual([0, 0, 0, 1, 1]);
    expect(progress.at(-1)!.points.locBce.at(-1)).toBeCloseTo(1 / 5);
    expect(progress.at(-1)!.progress).toMatchObject({ step: 5, totalSteps: 100, etaSeconds: 5 });
    trainer.sample('img-1');
    expect(named<TrainingSample>('training:sample')[0]).toMatchObject({ runId: state.runId, step: 5, imageId: 'img-1', adversaryProbs: [0.25, 0] });
    trainer.send({ type: 'checkpoint', step: 5, path: '/x/step-5', best: true });
    expect(lastState().lastCheckpoint).toEqual({ step: 5, path: '/x/step-5' });
    trainer.send({ type: 'progress', step: 'not a number' });
    expect(lastState().notes.at(-1)).toMatch(/Refused a malformed message from the trainer process \(at step: /);
  });

  it('keeps the whole live state for a renderer that re-attaches, rounds capped per image', async () => {
    const fakes = fakeLaunchers(() => new FakeTrainer());
    const control = make(fakes.launcher, { roundsKept: 3 });
    const { runId } = await control.start({ config, preset: 'quick' });
    const trainer = fakes.trainers[0]!;
    await trainer.started;
    for (let i = 0; i < 5; i++) {
      await trainer.progress(2);
      trainer.sample('img-1');
      trainer.sample('img-2');
    }
    const status = control.status();
    expect(status.state).toMatchObject({ runId, status: 'running', step: 10 });
    expect(status.series.step).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(status.samples.filter((s) => s.imageId === 'img-1').map((s) => s.step)).toEqual([6, 8, 10]);
    expect(status.samples.filter((s) => s.imageId === 'img-2')).toHaveLength(3);
  });

  it('pauses, resumes and stops; the stopped run gets an outcome file and a history entry', async () => {
    const fakes = fakeLaunchers(() => new FakeTrainer());
    const control = make(fakes.launcher);
    const { runId, runDir } = await control.start({ config, preset: 'quick' });
    const trainer = fakes.trainers[0]!;
    await trainer.started;
    await trainer.progress(4);
    expect(control.control('pause').requested).toBe('pause');
    await until(() => control.status().state.status === 'paused');
    expect(control.status().state.requested).toBeNull();
    expect(control.control('resume').requested).toBeNull();
    await until(() => control.status().state.status === 'running');
    await trainer.progress(2);
    control.control('stop');
    await until(() => control.status().state.status === 'finished');
    expect(trainer.received.map((m) => m.type)).toEqual(['start', 'pause', 'resume', 'stop']);
    const state = control.status().state;
    expect(state.outcome).toEqual({ kind: 'finished', reason: 'stopped', step: 6, validation: null });
    expect(state.resumable).toBe(false);
    await until(() => named<TrainingState>('training:state').some((s) => s.status === 'finished'));
    const outcome = JSON.parse(await readFile(join(runDir!, 'outcome.json'), 'utf8')) as { outcome: { kind: string }; trainedSeconds: number };
    expect(outcome.outcome.kind).toBe('finished');
    expect(outcome.trainedSeconds).toBeCloseTo(0.6);
    expect(() => control.control('pause')).toThrow(/No run is training/);

    const runs = await control.runs();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ runId, status: 'stopped', lastStep: 6, totalSteps: 100, backend: 'fake' });
    expect(runs[0]!.durationSeconds).toBeCloseTo(0.6);
    const first = runs[0]!;
    if (first.kind !== 'localizer') throw new Error(`expected a localizer run, got ${first.kind}`);
    expect(first.finalLosses.locBce).toBeCloseTo(1 / 6); // blocks: 3 localizer, 2 adversary, then localizer
    expect(first.finalLosses.advBce).toBeCloseTo(0.55); // the last adversary step, 5
    const detail = await control.run(runId!);
    expect(detail.rows).toBe(6);
    expect(detail.series.step).toEqual([1, 2, 3, 4, 5, 6]);
    expect(detail.series.phase).toEqual([0, 0, 0, 1, 1, 0]);
  });

  it('after a crash the run is resumable in one call, on the same run folder', async () => {
    const fakes = fakeLaunchers(() => new FakeTrainer());
    const ended: TrainingState[] = [];
    const control = make(fakes.launcher);
    control.onEnded((s) => ended.push(s));
    const { runId, runDir } = await control.start({ config, preset: 'quick' });
    await fakes.trainers[0]!.started;
    await fakes.trainers[0]!.progress(3);
    fakes.trainers[0]!.exit(null, 'SIGKILL');
    await until(() => ended.length === 1);
    expect(ended[0]).toMatchObject({ status: 'failed', resumable: true });
    expect(ended[0]!.outcome).toMatchObject({ kind: 'crashed', signal: 'SIGKILL' });
    expect((await control.runs())[0]).toMatchObject({ runId, status: 'crashed' });

    const resumed = await control.resumeRun(runId!);
    expect(resumed).toMatchObject({ runId, runDir, resumed: true, status: 'starting' });
    await fakes.trainers[1]!.started;
    expect(fakes.trainers[1]!.command).toMatchObject({ runDir, resume: true, datasetRoot: join(root, 'dataset') });
    expect(control.status().state.notes.at(-1)).toMatch(/Resumed at step 0/);
  });

  it('an error report (OOM) ends the run as failed and resumable; the service keeps working', async () => {
    const fakes = fakeLaunchers(() => new FakeTrainer());
    const control = make(fakes.launcher);
    await control.start({ config, preset: 'quick' });
    const trainer = fakes.trainers[0]!;
    await trainer.started;
    trainer.send({ type: 'error', code: 'OOM', message: 'Out of memory: try a smaller batch', step: 0 });
    trainer.exit(3);
    await until(() => control.status().state.status === 'failed');
    expect(control.status().state).toMatchObject({ resumable: true, outcome: { kind: 'error', code: 'OOM' } });
    await control.start({ config, preset: 'quick' });
    await fakes.trainers[1]!.started;
  });

  it('refuses to delete the live run, deletes a finished one', async () => {
    const fakes = fakeLaunchers(() => new FakeTrainer());
    const control = make(fakes.launcher);
    const { runId, runDir } = await control.start({ config, preset: 'quick' });
    await fakes.trainers[0]!.started;
    await expect(control.deleteRun(runId!)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(control.start({ config, preset: 'quick' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await control.runs())[0]!.status).toBe('live');
    control.control('stop');
    await until(() => control.status().state.status === 'finished');
    await expect(control.deleteRun('../../etc')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(control.deleteRun('no-such-run')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await control.deleteRun(runId!)).toEqual({ deleted: runId });
    await expect(stat(runDir!)).rejects.toThrow();
    expect(await control.runs()).toEqual([]);
  });

  it('refuses a run folder inside the dataset, and deleting or resuming a run another process trains', async () => {
    const fakes = fakeLaunchers(() => new FakeTrainer());
    const control = make(fakes.launcher);
    const { runId, runDir } = await control.start({ config, preset: 'quick' });
    await fakes.trainers[0]!.started;
    control.control('stop');
    await until(() => control.status().state.status === 'finished');
    // A trainer of another host (another process) holds the run now.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      const owner = { pid: other.pid, host: hostname(), processStart: null, purpose: 'eader trainer (train)', since: '2025-01-01T00:00:00.000Z', token: 't' };
      await writeFile(join(runDir!, '.eader-lock'), JSON.stringify(owner));
      const held = new RegExp(`it is in use by eader trainer \\(train\\) \\(pid ${other.pid}, since 2025`);
      await expect(control.deleteRun(runId!)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(held) as unknown });
      await expect(control.resumeRun(runId!)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(held) as unknown });
      expect((await stat(runDir!)).isDirectory()).toBe(true);
    } finally {
      other.kill('SIGKILL');
    }
    const inside = new TrainingControl({ dataset: () => ({ root, classes: ['background', 'a'] }), runsRoots: () => [join(root, 'runs')], events: { emit: () => {} }, launcher: fakes.launcher });
    await expect(inside.start({ config, preset: 'quick' })).rejects.toMatchObject({ code: 'FORBIDDEN_PATH', message: expect.stringMatching(/lies inside the dataset folder/) as unknown });
  });

  it('deletes a run the moment it ends, waiting for its outcome file (was ENOTEMPTY)', async () => {
    const fakes = fakeLaunchers(() => new FakeTrainer());
    const control = make(fakes.launcher);
    const { runId, runDir } = await control.start({ config, preset: 'quick' });
    await fakes.trainers[0]!.started;
    outcomeDelay.ms = 300; // the outcome file is still being written when the run reads as finished
    try {
      control.control('stop');
      await until(() => control.status().state.status === 'finished');
      expect(await control.deleteRun(runId!)).toEqual({ deleted: runId });
      await new Promise((resolve) => setTimeout(resolve, 400));
      // Nothing was written into the deleted folder afterwards, and the write did not fail.
      await expect(stat(runDir!)).rejects.toThrow();
      expect(control.status().state.notes).not.toContainEqual(expect.stringMatching(/outcome file/));
    } finally {
      outcomeDelay.ms = 0;
    }
  });

  it('reports a launcher that throws, or a trainer that dies before ready, as a LAUNCH error', async () => {
    const control = make(() => () => {
      throw new Error('The trainer is not built');
    });
    const state = await control.start({ config, preset: 'quick' });
    expect(state).toMatchObject({ status: 'failed', resumable: false, outcome: { kind: 'error', code: 'LAUNCH' } });
    expect(lastState().status).toBe('failed');

    const fakes = fakeLaunchers(() => new FakeTrainer({ ready: false }));
    const second = make(fakes.launcher);
    await second.start({ config, preset: null });
    fakes.trainers[0]!.exit(1);
    await until(() => second.status().state.status === 'failed');
    expect(second.status().state.outcome).toMatchObject({ kind: 'error', code: 'LAUNCH', message: /could not start.*code 1/ });
  });

  it('needs an open dataset to start', async () => {
    datasetOpen = false;
    const control = make(fakeLaunchers(() => new FakeTrainer()).launcher);
    await expect(control.start({ config, preset: 'quick' })).rejects.toMatchObject({ code: 'CONFLICT', message: 'No dataset is open.' });
    expect(control.status().state.status).toBe('idle');
  });

  it('refuses weights that name nothing at once (INVALID_INPUT, no trainer); presets follow the weights store', async () => {
    const fakes = fakeLaunchers(() => new FakeTrainer());
    const store = new WeightsStore(join(root, 'weights'));
    const control = new TrainingControl({ dataset: () => ({ root, classes: ['background', 'a'] }), runsRoots: () => [join(root, 'runs')], events: { emit: () => undefined }, launcher: fakes.launcher, weights: store });
    await expect(control.start({ config: { ...config, pretrained: 'resnet50' }, preset: null })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: `pretrained 'resnet50': no such file, and no entry of that name in ${store.root} (see eader weights list)`,
    });
    expect(fakes.trainers).toHaveLength(0);
    const paper = (await control.presets()).presets.find((p) => p.id === 'paper')!;
    expect(paper.config).toEqual(PAPER_PRESET);
    expect(paper.weights.missing.map((m) => m.release)).toEqual(['resnet101', 'resnet18']);
  });
});
