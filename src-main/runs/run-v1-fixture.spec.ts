/**
 * A run written by the code before the settings table (testing/fixtures/run-v1, eader-run/1, made
 * at bafd886: see its README) still opens in the history, gives the same network outputs, resumes
 * exactly as bafd886 resumed it, and gives masks, through the CLI and through the app's cam job.
 */
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '@shared/domain/train-config';
import { runInfer } from '../cli/infer-run';
import { decodeIndexedPng } from '../codecs/indexed-png';
import { runTrain } from '../cli/train-run';
import { EaderModel } from '../engine';
import { engineConfig } from '../engine/settings';
import { CamCache } from '../pseudo/cam-cache';
import { runCamJob } from '../pseudo/cam-job';
import { FIXTURE_CLASSES, writeShapesVoc } from '../testing/shapes-fixture';
import { useTestBackend } from '../testing/tf-backend';
import { readCheckpoint } from './checkpoints';
import { listRuns, openRun } from './run-history';
import { readMetrics, readRunRecord, RUN_FORMAT } from './run-store';

const FIXTURE = join(import.meta.dirname, '../testing/fixtures/run-v1');
const RUN_ID = '2026-12-01T09-27-03-quick-0b0c';
const CHECKPOINT = 'checkpoints/step-000000004';

interface Reference {
  probs: number[];
  cams: { classIndex: number; sum: number; at: number[] }[][];
  resumedSteps: { step: number; phase: string; bce: number; reg: number; adv: number; advBce: number; total: number }[];
}

let root: string;
let dataset: string;
let reference: Reference;
let v1Config: Record<string, unknown>;

beforeAll(async () => {
  await useTestBackend('wasm');
  root = await mkdtemp(join(tmpdir(), 'eader-run-v1-'));
  dataset = join(root, 'shapes');
  await writeShapesVoc(dataset, { train: 4, val: 2, width: 40, height: 32, seed: 7 });
  reference = JSON.parse(await readFile(join(FIXTURE, 'reference.json'), 'utf8')) as Reference;
  v1Config = (JSON.parse(await readFile(join(FIXTURE, 'config.json'), 'utf8')) as { config: Record<string, unknown> }).config;
});
afterAll(async () => rm(root, { recursive: true, force: true }));

/** A fresh copy of the fixture in `<root>/<name>/runs/<RUN_ID>` (each test writes into its own). */
async function copyOfRun(name: string): Promise<string> {
  const runDir = join(root, name, 'runs', RUN_ID);
  await cp(FIXTURE, runDir, { recursive: true });
  return runDir;
}

describe('a run folder of eader-run/1 (bafd886)', () => {
  it('is read as the current format; the settings it lacks get their table defaults', async () => {
    const runDir = await copyOfRun('read');
    const record = await readRunRecord(runDir);
    expect(record.format).toBe(RUN_FORMAT);
    const missing = Object.keys(DEFAULTS).filter((k) => !(k in v1Config));
    expect(missing).toContain('workers');
    expect(record.config).toEqual({ ...Object.fromEntries(missing.map((k) => [k, DEFAULTS[k as keyof typeof DEFAULTS]])), ...v1Config });
    expect(record.dataset.classes).toEqual(FIXTURE_CLASSES);
  });

  it('opens in the run history with its outcome, losses and series', async () => {
    const runsRoot = join(await copyOfRun('history'), '..');
    const [summary] = await listRuns(runsRoot, null);
    expect(summary).toMatchObject({ runId: RUN_ID, status: 'completed', lastStep: 4, totalSteps: 4, checkpoints: 1, resumes: 0, datasetFormat: 'voc' });
    const rows = (await readFile(join(FIXTURE, 'metrics.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(summary?.finalLosses.locBce).toBe(rows[3]?.bce);
    const detail = await openRun(runsRoot, RUN_ID, null);
    expect(detail.rows).toBe(4);
    expect(detail.series.locBce).toEqual(rows.map((r) => r.bce));
    expect(detail.series.alphaTerm).toEqual(rows.map((r) => r.adv));
  });

  it('loads into a model that computes what the bafd886 engine computed', async () => {
    const runDir = await copyOfRun('outputs');
    const record = await readRunRecord(runDir);
    const model = await EaderModel.create(engineConfig(record.config, 2));
    try {
      const state = await readCheckpoint(join(runDir, CHECKPOINT));
      model.setState({ step: state.step, tensors: state.tensors, extra: state.extra ?? {} });
      const W = 40;
      const H = 32;
      const image = (seed: number): Float32Array => new Float32Array(H * W * 3).map((_, i) => (((i * 31 + seed * 17) % 251) / 251 - 0.5) * 2);
      const x = tf.tensor4d(new Float32Array([...image(1), ...image(2)]), [2, H, W, 3]);
      const probs = Array.from(await model.predict(x));
      const cams = await model.cams(x, [[0, 1], [0, 1]]);
      x.dispose();
      probs.forEach((p, i) => expect(p).toBeCloseTo(reference.probs[i]!, 6));
      cams.forEach((perImage, b) =>
        perImage.forEach((cam, j) => {
          const want = reference.cams[b]![j]!;
          expect(cam.classIndex).toBe(want.classIndex);
          expect(cam.cam.reduce((s, v) => s + v, 0)).toBeCloseTo(want.sum, 3);
          [0, 100, 555, 1000, 1279].forEach((pixel, k) => expect(cam.cam[pixel]).toBeCloseTo(want.at[k]!, 5));
        }),
      );
    } finally {
      model.dispose();
    }
  });

  it('resumes: steps 5 and 6 train exactly as bafd886 trained them, and the record is rewritten as the current format', async () => {
    const runDir = await copyOfRun('resume');
    const record = await readRunRecord(runDir);
    const result = await runTrain({ dataset, out: runDir, config: record.config, resume: true, resumeLength: { epochs: 3 }, inProcess: true, progress: null });
    expect(result).toMatchObject({ step: 6, reason: 'completed' });
    const resumed = (await readMetrics(runDir)).filter((r) => r.step > 4);
    expect(resumed.map((r) => r.step)).toEqual([5, 6]);
    resumed.forEach((row, i) => {
      const want = reference.resumedSteps[i]!;
      expect(row.phase).toBe(want.phase);
      for (const term of ['bce', 'reg', 'adv', 'advBce', 'total'] as const) expect(row[term] as number).toBeCloseTo(want[term], 5);
    });
    const onDisk = JSON.parse(await readFile(join(runDir, 'config.json'), 'utf8')) as { format: string; resumes: unknown[]; config: Record<string, unknown> };
    expect(onDisk.format).toBe(RUN_FORMAT);
    expect(onDisk.resumes).toHaveLength(1);
    expect(Object.keys(onDisk.config).sort()).toEqual(Object.keys(DEFAULTS).sort());
  });

  it('gives masks through `eader infer` and cams through the app’s cam job', async () => {
    const runDir = await copyOfRun('masks');
    const out = join(root, 'masks', 'out');
    const summary = await runInfer({ run: runDir, dataset, split: 'val', out, threshold: 0.3, labels: 'gt', labelThreshold: 0.5, scales: [1], flip: false, checkpoint: 'last', maxSide: null });
    expect(summary.images).toBe(2);
    const files = (await readdir(out)).filter((f) => f.endsWith('.png')).sort();
    expect(files).toEqual(['shape_0004.png', 'shape_0005.png']);
    // The fixture's image n shows a square (1), a disc (2) or both by n % 3: 4 → disc, 5 → both.
    const present: Record<string, number[]> = { 'shape_0004.png': [0, 2], 'shape_0005.png': [0, 1, 2] };
    for (const file of files) {
      const { mask } = decodeIndexedPng(await readFile(join(out, file)));
      expect([mask.width, mask.height]).toEqual([40, 32]);
      expect([...new Set(mask.data)].every((c) => present[file]!.includes(c))).toBe(true);
    }
    const checkpoint = join(runDir, CHECKPOINT);
    const manifest = JSON.parse(await readFile(join(checkpoint, 'manifest.json'), 'utf8')) as { step: number; sha256: string };
    const key = { runId: RUN_ID, checkpointStep: manifest.step, checkpointSha256: manifest.sha256, scales: [1], flip: false, labels: 'gt' as const, labelThreshold: 0.5, gridSide: 32, inputMaxSide: null };
    const cache = new CamCache(runDir, key);
    await cache.prepare(); // as the pseudo service does before a job
    const job = await runCamJob(
      { runDir, checkpointDir: checkpoint, key, datasetRoot: dataset, images: [{ id: 'shape_0005', file: 'VOCdevkit/VOC2012/JPEGImages/shape_0005.jpg', labels: [1, 2] }] },
      () => undefined,
    );
    expect(job).toMatchObject({ done: 1, failed: [] });
    const cams = await cache.read('shape_0005');
    expect(cams?.classes).toEqual([1, 2]);
    expect(cams?.probs).toHaveLength(2);
  });
});
