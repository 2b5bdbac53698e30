/**
 * The segmenter loop, in process, on the tiny shapes VOC set: a new run copies and checks its
 * labels, records its kind, trains, checkpoints and resumes from its checkpoint; a time budget ends
 * it cleanly with a checkpoint; bad labels are refused before a run exists; a warm start takes a
 * localizer run's backbone, recorded with the run.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEGMENTER_PRESETS, type SegmenterConfig } from '@shared/domain/segmenter-config';
import type { StartSegmenterCommand, TrainerMessage } from '@shared/trainer-protocol';
import { encodeIndexedPng } from '../codecs/indexed-png';
import { initBackend } from '../engine/backend';
import { readAnyRunRecord, readMetrics, readRunRecord } from '../runs/run-store';
import { listMaskIds, maskClassCounts } from '../runs/segmenter-labels';
import { readCheckpoint } from '../runs/checkpoints';
import { writeShapesVoc } from '../testing/shapes-fixture';
import { makeTestRun } from '../testing/trained-run';
import { localizerBackboneSource } from '../weights/checkpoint-source';
import { RunControl } from './run-control';
import { createSegmenterEngine } from './segmenter-engine';
import { runSegmenterTraining } from './segmenter-loop';

let root: string;
let dataset: string;
let gtDir: string;
let ids: { train: string[]; val: string[] };
const config: SegmenterConfig = { ...SEGMENTER_PRESETS.quick, imageSize: 32, batchSize: 4, asppChannels: 16, epochs: 10, timeBudget: null, checkpointEvery: 3, cacheMaxSide: 64 };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'eader-seg-train-'));
  dataset = join(root, 'shapes');
  ids = await writeShapesVoc(dataset, { train: 10, val: 2, width: 40, height: 32 });
  gtDir = join(dataset, 'VOCdevkit', 'VOC2012', 'SegmentationClass');
  await initBackend({ force: 'wasm' });
});
afterAll(async () => rm(root, { recursive: true, force: true }));

/** Folders of masks: the GT of `pseudoIds` as "pseudo-masks", the GT of `trustedIds` as corrections. */
async function labelDirs(name: string, pseudoIds: string[], trustedIds: string[]): Promise<{ pseudoDir: string; trustedDir: string }> {
  const pseudoDir = join(root, name, 'pseudo');
  const trustedDir = join(root, name, 'trusted');
  await mkdir(pseudoDir, { recursive: true });
  await mkdir(trustedDir, { recursive: true });
  for (const id of pseudoIds) await copyFile(join(gtDir, `${id}.png`), join(pseudoDir, `${id}.png`));
  for (const id of trustedIds) await copyFile(join(gtDir, `${id}.png`), join(trustedDir, `${id}.png`));
  await writeFile(join(pseudoDir, 'infer.json'), '{}'); // what `eader infer` leaves beside its masks: not a mask
  return { pseudoDir, trustedDir };
}

function command(runDir: string, dirs: { pseudoDir: string; trustedDir: string | null }, patch: Partial<StartSegmenterCommand> = {}): StartSegmenterCommand {
  return { type: 'start-segmenter', config, datasetRoot: dataset, runDir, resume: false, labels: { ...dirs, localizerRunId: 'loc-1', heldOut: [], round: 1 }, ...patch };
}

async function train(cmd: StartSegmenterCommand): Promise<{ result: Awaited<ReturnType<typeof runSegmenterTraining>>; messages: TrainerMessage[] }> {
  const messages: TrainerMessage[] = [];
  const result = await runSegmenterTraining(cmd, { emit: (m) => messages.push(m), control: new RunControl() }, createSegmenterEngine);
  return { result, messages };
}

describe('segmenter training', () => {
  it('copies its labels, records its kind, trains with checkpoints, and resumes at its checkpoint', async () => {
    const dirs = await labelDirs('a', ids.train.slice(0, 8), [...ids.train.slice(6, 10), ids.val[0]!]);
    const runDir = join(root, 'runs', 'seg-a');
    const first = await train(command(runDir, dirs, { config: { ...config, maxSteps: 4 }, labels: { ...dirs, localizerRunId: 'loc-1', heldOut: [ids.train[9]!], round: 1 } }));
    expect(first.result).toMatchObject({ step: 4, reason: 'max-steps' });
    const record = await readAnyRunRecord(runDir);
    expect(record.kind).toBe('segmenter');
    if (record.kind !== 'segmenter') return;
    // trusted masks of the split are copied (val's is not: not a training image); a trusted image is not also a pseudo one
    expect(record.labels).toEqual({
      pseudo: { source: dirs.pseudoDir, localizerRunId: 'loc-1', images: 8 },
      trusted: { source: dirs.trustedDir, images: 4 },
      heldOut: [ids.train[9]],
      round: 1,
    });
    expect(await listMaskIds(join(runDir, 'labels', 'trusted'))).toEqual(ids.train.slice(6, 10));
    expect(record.dataset.trainImages).toBe(9); // 6 pseudo-only + 3 trusted (one held out)
    await expect(readRunRecord(runDir)).rejects.toThrow(/is a segmenter run, not a localizer run/);
    const started = first.messages.find((m) => m.type === 'started');
    expect(started).toMatchObject({ startStep: 0, trainImages: 6 + 3 * config.trustedRepeat });
    const progress = first.messages.filter((m) => m.type === 'progress');
    expect(progress.map((m) => m.step)).toEqual([1, 2, 3, 4]);
    for (const p of progress) expect(p).toMatchObject({ phase: 'segmenter', losses: { ce: expect.any(Number) as unknown } });
    expect(first.messages.filter((m) => m.type === 'checkpoint').map((m) => m.step)).toEqual([3, 4]);

    // Resume with a longer run: it continues from step 4 on its own label copies, even with the sources gone.
    await rm(join(root, 'a'), { recursive: true });
    const second = await train(command(runDir, dirs, { resume: true, config: { ...config, maxSteps: 7 } }));
    expect(second.result).toMatchObject({ step: 7, reason: 'max-steps' });
    expect(second.messages.find((m) => m.type === 'started')).toMatchObject({ startStep: 4, resumedFrom: expect.stringContaining('step-000000004') as unknown });
    const rows = await readMetrics(runDir);
    expect(rows.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect((rows[6]!.elapsedSeconds as number) > (rows[3]!.elapsedSeconds as number)).toBe(true);
    expect((await readAnyRunRecord(runDir)).resumes).toHaveLength(1);
  });

  it('auto: trains on the trusted masks alone once every class is in enough of them, mixed before, and says which', async () => {
    const dirs = await labelDirs('auto', ids.train.slice(0, 6), ids.train.slice(6, 10));
    const counts = await maskClassCounts(dirs.trustedDir, ids.train.slice(6, 10), 2);
    const least = Math.min(counts.get(1) ?? 0, counts.get(2) ?? 0);
    expect(least).toBeGreaterThan(0); // the fixture's trusted masks hold both classes
    for (const [aloneFrom, expected] of [[least, 'auto: trusted-alone'], [least + 1, 'auto: mixed']] as const) {
      const runDir = join(root, 'runs', `seg-auto-${aloneFrom}`);
      const { messages } = await train(command(runDir, dirs, { config: { ...config, maxSteps: 1, trustedScheme: 'auto', trustedAloneFrom: aloneFrom } }));
      expect(messages.some((m) => m.type === 'log' && m.message.includes(`(${expected}, every class in ${aloneFrom}+ trusted masks or not`))).toBe(true);
    }
  });

  it('plans for its time budget and stops cleanly at it, with a checkpoint', async () => {
    const dirs = await labelDirs('b', ids.train, []);
    const runDir = join(root, 'runs', 'seg-b');
    const started = performance.now();
    const { result, messages } = await train(command(runDir, { pseudoDir: dirs.pseudoDir, trustedDir: null }, { config: { ...config, epochs: 1000, timeBudget: 0.1 } }));
    const seconds = (performance.now() - started) / 1000;
    expect(result.reason).toBe('time-budget');
    expect(seconds).toBeLessThan(6 + 4); // 6 s of budget, plus opening the dataset, the first step and the last checkpoint
    expect(messages.some((m) => m.type === 'log' && /Time budget 0\.1 min at .* s\/step: \d+ steps planned/.test(m.message))).toBe(true);
    const last = messages.filter((m) => m.type === 'checkpoint').at(-1);
    expect(last?.type === 'checkpoint' ? last.step : null).toBe(result.step);
  });

  it('starts from a localizer run’s backbone (its weights exactly, the head untouched), recorded; refuses another backbone or a segmenter run before a run exists', async () => {
    const locDir = await makeTestRun(join(root, 'runs'), 'loc-w', dataset);
    const { source, step } = await localizerBackboneSource(locDir);
    expect(step).toBe(10);
    expect(source.tensors.every((t) => t.name.startsWith('localizer/'))).toBe(true); // no adversary, no optimizer moments
    const engine = await createSegmenterEngine(config, 2);
    const fresh = await engine.exportState(0);
    const report = await engine.loadBackbone(source);
    const loaded = await engine.exportState(0);
    engine.dispose();
    const loc = new Map((await readCheckpoint(join(locDir, 'checkpoints', 'step-000000010'))).tensors.map((t) => [t.name, t.data]));
    const value = (state: typeof loaded, name: string) => Array.from(state.tensors.find((t) => t.name === name)!.data);
    expect(report.loaded).toContain('block1.conv.weight');
    expect(value(loaded, 'segmenter/block4.conv.weight')).toEqual(Array.from(loc.get('localizer/block4.conv.weight')!));
    expect(value(loaded, 'segmenter/block2.bn.running_var')).toEqual(Array.from(loc.get('localizer/block2.bn.running_var')!));
    expect(value(loaded, 'segmenter/decoder.classifier.weight')).toEqual(value(fresh, 'segmenter/decoder.classifier.weight'));

    const dirs = await labelDirs('w', ids.train, []);
    const runDir = join(root, 'runs', 'seg-w');
    const { result, messages } = await train(command(runDir, { pseudoDir: dirs.pseudoDir, trustedDir: null }, { config: { ...config, maxSteps: 2 }, initFrom: locDir }));
    expect(result.step).toBe(2);
    expect(messages.some((m) => m.type === 'log' && /Backbone from localizer run loc-w \(step 10\): \d+ tensors/.test(m.message))).toBe(true);
    expect((await readAnyRunRecord(runDir)) as unknown).toMatchObject({ init: { runId: 'loc-w', runDir: locDir, checkpoint: join(locDir, 'checkpoints', 'step-000000010'), step: 10 } });

    const other = join(root, 'runs', 'seg-w2');
    await expect(train(command(other, { pseudoDir: dirs.pseudoDir, trustedDir: null }, { config: { ...config, backbone: 'resnet18' }, initFrom: locDir }))).rejects.toThrow(/its backbone is tiny, the segmenter's resnet18/);
    await expect(train(command(other, { pseudoDir: dirs.pseudoDir, trustedDir: null }, { initFrom: runDir }))).rejects.toThrow(/is a segmenter run: a segmenter starts from a localizer run's backbone/);
    expect(existsSync(other)).toBe(false);
  });

  it('refuses a bad mask, naming the file, and leaves no run behind', async () => {
    const dirs = await labelDirs('c', ids.train.slice(0, 3), []);
    await writeFile(join(dirs.pseudoDir, `${ids.train[1]!}.png`), encodeIndexedPng({ width: 40, height: 32, data: new Uint8Array(40 * 32).fill(7) }));
    const runDir = join(root, 'runs', 'seg-c');
    await expect(train(command(runDir, { pseudoDir: dirs.pseudoDir, trustedDir: null }))).rejects.toThrow(new RegExp(`${ids.train[1]!}\\.png: holds value 7, which is no class \\(0\\.\\.2\\) nor 255`));
    expect(existsSync(runDir)).toBe(false);
    await writeFile(join(dirs.pseudoDir, `${ids.train[1]!}.png`), encodeIndexedPng({ width: 20, height: 32, data: new Uint8Array(20 * 32) }));
    await expect(train(command(runDir, { pseudoDir: dirs.pseudoDir, trustedDir: null }))).rejects.toThrow(/the mask is 20×32, its image 40×32/);
    await expect(train(command(runDir, { pseudoDir: join(root, 'nowhere'), trustedDir: null }))).rejects.toThrow(/label folder .*nowhere does not exist/);
    const empty = join(root, 'empty');
    await mkdir(empty);
    await expect(train(command(runDir, { pseudoDir: empty, trustedDir: null }))).rejects.toThrow(/No image of split "train" has a pseudo-mask or a trusted mask/);
    expect(existsSync(runDir)).toBe(false);
    expect(await readdir(join(root, 'runs'))).not.toContain('seg-c');
  });
});
