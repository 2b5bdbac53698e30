/**
 * Every dataset format trains, infers and evaluates through the one dataset door: a tiny real
 * training (wasm, in process, as `eader train --in-process` runs it), `eader infer` on the val
 * split and `eader eval` against the format's own ground truth — on a COCO dataset (GT rasterised
 * from RLE instances) and on a labelled folder whose labels.csv has a split column; the inferred
 * masks, saved in a project of that dataset, export (`eader export --format voc`) and read back.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TrainConfig } from '@shared/domain/train-config';
import { SMALL_TRAIN_CONFIG } from '../testing/small-config';
import { decodeIndexedPng } from '../codecs/indexed-png';
import { openDataset, readGtMask } from '../datasets/open-dataset';
import { initBackend } from '../engine/backend';
import { Project } from '../project/project-store';
import { readRunRecord } from '../runs/run-store';
import { FIXTURE_CLASSES, writeShapesCoco, writeShapesFolder } from '../testing/shapes-fixture';
import { runEval } from './eval-run';
import { runExportCommand } from './export';
import { runInfer } from './infer-run';
import { runTrain } from './train-run';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'eader-formats-'));
  await initBackend({ force: 'wasm' });
});
afterAll(async () => rm(root, { recursive: true, force: true }));

const config: TrainConfig = { ...SMALL_TRAIN_CONFIG, backend: 'wasm', imageSize: 32, batchSize: 4, epochs: 2, maxSteps: 3, locSteps: 2, advSteps: 1, sampleEvery: 0, checkpointEvery: 100, cacheMaxSide: 64 };
const shape = { train: 8, val: 3, width: 40, height: 32, seed: 5 };

/** Per-class GT pixel counts over `ids`, straight from the dataset's own GT (void skipped). */
async function support(dataset: string, ids: string[]): Promise<number[]> {
  const index = await openDataset(dataset);
  const counts = FIXTURE_CLASSES.map(() => 0);
  for (const id of ids) for (const v of (await readGtMask(index, id))!.data) if (v !== 255) counts[v]! += 1;
  return counts;
}

describe.each([
  { format: 'coco', write: writeShapesCoco },
  { format: 'folder', write: writeShapesFolder },
])('a $format dataset', ({ format, write }) => {
  it('trains on its train split, infers its val split and scores against its own GT', async () => {
    const dataset = join(root, format);
    const ids = await write(dataset, shape);
    const runDir = join(root, `run-${format}`);
    const outcome = await runTrain({ dataset, out: runDir, config, resume: false, inProcess: true, progress: null });
    expect(outcome).toMatchObject({ step: 3, reason: 'max-steps' });
    const record = await readRunRecord(runDir);
    // The train split only (a labelled folder without its split column would train on all 11).
    expect(record.dataset).toMatchObject({ format, classes: FIXTURE_CLASSES, trainImages: ids.train.length, path: dataset });

    const masks = join(root, `masks-${format}`);
    const inferred = await runInfer({ run: runDir, dataset, split: 'val', out: masks, checkpoint: 'last', scales: [1], flip: false });
    expect(inferred.images).toBe(ids.val.length);
    expect((await readdir(masks)).sort()).toEqual([...ids.val.map((id) => `${id}.png`), 'infer.json'].sort());
    for (const id of ids.val) {
      const mask = decodeIndexedPng(await readFile(join(masks, `${id}.png`))).mask;
      expect([mask.width, mask.height]).toEqual([40, 32]);
      expect(mask.data.every((v) => v < FIXTURE_CLASSES.length)).toBe(true);
    }

    const report = await runEval({ pred: masks, dataset, split: 'val' });
    expect(report.images).toBe(ids.val.length);
    expect(report.perClass.map((c) => c.support)).toEqual(await support(dataset, ids.val));
    expect(report.perClass[1]!.support).toBeGreaterThan(0); // squares are in the GT (COCO: rasterised RLE)
    expect(report.miou).toBeGreaterThan(0);
    expect(report.miou).toBeLessThanOrEqual(1);

    const project = await Project.create(join(root, `project-${format}`), { dataset: await openDataset(dataset), datasetPath: dataset });
    for (const id of ids.val) await project.masks.save(id, decodeIndexedPng(await readFile(join(masks, `${id}.png`))).mask);
    await project.flush();
    const exported = join(root, `export-${format}`);
    await runExportCommand({ project: project.dir, format: 'voc', out: exported, only: 'all', images: 'copy', cocoGrouping: 'component', lsTarget: 'predictions', quiet: true }, () => undefined);
    const back = await openDataset(exported);
    expect(back.images.map((r) => [r.id, r.splits])).toEqual(ids.val.map((id) => [id, ['trainval', 'val']])); // VOC lists trainval too
    for (const id of ids.val) expect(Buffer.compare((await readGtMask(back, id))!.data, decodeIndexedPng(await readFile(join(masks, `${id}.png`))).mask.data)).toBe(0);
  });
});
