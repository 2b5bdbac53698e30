/**
 * Scores predicted masks (`<pred>/<imageId>.png`) against a dataset's ground truth, whatever its
 * format (VOC and labelled-folder PNG masks, COCO polygons/RLE rasterised): confusion matrix over
 * all pixels (void ignored) → per-class IoU, precision, recall, and mIoU with the background
 * included. Images without GT are skipped; a missing prediction is an error listing the ids,
 * unless `missingAsBackground`. With a shard, only that block of the split's ids is scored and the
 * counts go to a partial file (eval-partial.ts) that `eader eval --merge` sums with the others.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeIndexedPng } from '../codecs/indexed-png';
import { ConfusionMatrix } from '../engine/metrics';
import { openDataset, readGtMask } from '../datasets/open-dataset';
import { imagesOfSplit } from '../datasets/select';
import type { Shard } from '../datasets/shard';
import { buildReport, type EvalReport } from './eval-report';
import { readRegular } from '../fs/read-regular';
import { predictionIdentity, type EvalCounts } from './eval-partial';

export interface EvalOptions {
  pred: string;
  dataset: string;
  split: string;
  missingAsBackground?: boolean;
  /** Only this shard of the split's images (sorted by id, as `eader infer --shard` takes them). */
  shard?: Shard | null;
}

/** The confusion counts of the predictions (of the shard's images, when sharded). */
export async function evalCounts(options: EvalOptions): Promise<EvalCounts> {
  const predDir = resolve(options.pred);
  const index = await openDataset(options.dataset);
  const split = imagesOfSplit(index, options.split);
  if (!split.some((r) => r.gt !== null)) throw new Error(`No ${options.split} image of ${index.root} has a ground-truth mask to score against.`);
  const records = imagesOfSplit(index, options.split, options.shard).filter((r) => r.gt !== null);
  const predFile = (id: string): string => join(predDir, `${id}.png`);
  // Check every prediction exists before the (slow) scoring.
  const missing: string[] = [];
  for (const record of records) if (!existsSync(predFile(record.id))) missing.push(record.id);
  if (missing.length > 0 && !options.missingAsBackground) {
    const shown = missing.slice(0, 20).join(', ');
    const more = missing.length > 20 ? ` and ${missing.length - 20} more` : '';
    throw new Error(
      `${missing.length} of ${records.length} ${options.split} images have no prediction in ${predDir}: ${shown}${more}. ` +
        'Run `eader infer` for them, or pass --missing-as-background.',
    );
  }
  const absent = new Set(missing);
  const matrix = new ConfusionMatrix(index.classes.length);
  let scored = 0;
  for (const record of records) {
    const gt = await readGtMask(index, record.id);
    if (!gt) continue;
    let pred: Uint8Array;
    if (absent.has(record.id)) pred = new Uint8Array(gt.width * gt.height);
    else {
      let mask;
      try {
        mask = decodeIndexedPng(await readRegular(predFile(record.id), { kind: 'mask' })).mask;
      } catch (error) {
        throw new Error(`${predFile(record.id)}: ${(error as Error).message}`);
      }
      if (mask.width !== gt.width || mask.height !== gt.height) {
        throw new Error(`${record.id}: the prediction is ${mask.width}×${mask.height}, the ground truth ${gt.width}×${gt.height}.`);
      }
      pred = mask.data;
    }
    try {
      matrix.add(gt.data, pred);
    } catch (error) {
      throw new Error(`${record.id}: ${(error as Error).message}`);
    }
    scored += 1;
  }
  return {
    dataset: index.root,
    split: options.split,
    classes: index.classes,
    prediction: await predictionIdentity(predDir),
    shard: options.shard ?? { index: 1, count: 1 },
    splitImages: split.length,
    images: scored,
    missing,
    matrix,
  };
}

/** The report of one set of counts (one job, or the merged partials of n). */
export function reportOf(counts: EvalCounts): EvalReport {
  return buildReport(counts.matrix.scores(), counts.classes, counts.split, counts.images, counts.missing);
}

export async function runEval(options: EvalOptions): Promise<EvalReport> {
  return reportOf(await evalCounts(options));
}
