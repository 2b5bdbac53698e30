/**
 * `eader segment` end to end: a segmenter run trained in a real trainer child process
 * (start-segmenter over the protocol) on pseudo-masks, then `eader infer --run` with it — the run
 * knows its kind and predicts — and `eader eval` scores the PNGs; bad input is refused by name.
 */
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEGMENTER_PRESETS, type SegmenterConfig } from '@shared/domain/segmenter-config';
import { decodeIndexedPng } from '../codecs/indexed-png';
import { initBackend } from '../engine/backend';
import { readAnyRunRecord } from '../runs/run-store';
import { writeShapesVoc } from '../testing/shapes-fixture';
import { runEval } from './eval-run';
import { runCli } from './index';
import { runInfer } from './infer-run';
import { runSegment } from './segment';
import { runTrain } from './train-run';

let root: string;
let dataset: string;
let ids: { train: string[]; val: string[] };
const config: SegmenterConfig = { ...SEGMENTER_PRESETS.quick, backend: 'wasm', imageSize: 32, batchSize: 4, asppChannels: 16, timeBudget: null, maxSteps: 40, checkpointEvery: 20, cacheMaxSide: 64, lr: 0.005 };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'eader-segment-'));
  dataset = join(root, 'shapes');
  ids = await writeShapesVoc(dataset, { train: 12, val: 4, width: 40, height: 32, seed: 3 });
  await initBackend({ force: 'wasm' });
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('eader segment', () => {
  it('trains a segmenter run in a trainer process; eader infer predicts with it and eader eval scores it', async () => {
    const pseudo = join(root, 'pseudo');
    await mkdir(pseudo);
    for (const id of ids.train) await copyFile(join(dataset, 'VOCdevkit/VOC2012/SegmentationClass', `${id}.png`), join(pseudo, `${id}.png`));
    const out = join(root, 'seg');
    const messages: string[] = [];
    const result = await runSegment({ dataset, pseudo, out, config, resume: false, progress: null, onMessage: (m) => messages.push(m.type) });
    expect(result).toMatchObject({ kind: 'finished', reason: 'max-steps', step: 40 });
    expect(messages).toEqual(expect.arrayContaining(['ready', 'started', 'progress', 'checkpoint', 'finished']));
    expect((await readAnyRunRecord(out)).kind).toBe('segmenter');

    const masks = join(root, 'masks');
    const summary = await runInfer({ run: out, dataset, split: 'val', out: masks, scales: [1], flip: true, checkpoint: 'last' });
    expect(summary).toMatchObject({ images: ids.val.length, checkpointStep: 40 });
    const infer = JSON.parse(await readFile(join(masks, 'infer.json'), 'utf8')) as { kind: string };
    expect(infer.kind).toBe('segmenter');
    const png = decodeIndexedPng(await readFile(join(masks, `${ids.val[0]!}.png`))).mask;
    expect([png.width, png.height]).toEqual([40, 32]);
    const report = await runEval({ pred: masks, dataset, split: 'val' });
    // all background scores the background IoU over 3 classes (~0.29 here); the segmenter finds the shapes
    const background = report.perClass.find((c) => c.classIndex === 0)!;
    expect(report.miou!).toBeGreaterThan(0.45);
    expect(background.iou!).toBeGreaterThan(0.8);
    expect((await readdir(masks)).filter((f) => f.endsWith('.png'))).toHaveLength(ids.val.length);
  }, 180_000);

  it('refuses what it cannot use, by name, before a run exists', async () => {
    await expect(runCli(['segment', '--dataset', dataset, '--out', join(root, 'x'), '--preset', 'quick'])).rejects.toThrow(/--pseudo DIR is required/);
    await expect(runCli(['segment', '--dataset', dataset, '--pseudo', join(root, 'nowhere'), '--out', join(root, 'x')])).rejects.toThrow(/--pseudo .*nowhere does not exist/);
    await expect(runCli(['segment', '--dataset', dataset, '--pseudo', root, '--out', join(root, 'x'), '--preset', 'quick', '--output-stride', '16'])).rejects.toThrow(
      /Invalid --output-stride \(16\): must be 8 for the tiny backbone/,
    );
    await expect(runCli(['segment', '--dataset', dataset, '--pseudo', root, '--out', join(root, 'x'), '--time-budget', 'soon'])).rejects.toThrow('--time-budget must be a number or "none", got "soon".');
    // a segmenter run is not a localizer run: `eader train --resume` says so
    await expect(runTrain({ dataset, out: join(root, 'seg'), config: { ...(await import('@shared/domain/train-presets')).QUICK_PRESET }, resume: true, progress: null })).rejects.toThrow(/is a segmenter run, not a localizer run/);
  });
});
