/**
 * Scores predicted masks (`<pred>/<imageId>.png`) against a dataset's ground truth, whatever its
 * format (VOC and labelled-folder PNG masks, COCO polygons/RLE rasterised): confusion matrix over
 * all pixels (void ignored) → per-class IoU, precision, recall, and mIoU with the background
 * included. Images without GT are skipped; a missing prediction is an error listing the ids,
 * unless `missingAsBackground`.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeIndexedPng } from '../codecs/indexed-png';
import { ConfusionMatrix } from '../engine/metrics';
import { openDataset, readGtMask } from '../datasets/open-dataset';
import { imagesOfSplit } from '../datasets/select';
import { buildReport, type EvalReport } from './eval-report';
import { readRegular } from '../fs/read-regular';

export interface EvalOptions {
  pred: string;
  dataset: string;
  split: string;
  missingAsBackground?: boolean;
}

export async function runEval(options: EvalOptions): Promise<EvalReport> {
  const predDir = resolve(options.pred);
  const index = await openDataset(options.dataset);
  const records = imagesOfSplit(index, options.split).filter((r) => r.gt !== null);
  if (records.length === 0) throw new Error(`No ${options.split} image of ${index.root} has a ground-truth mask to score against.`);
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
  return buildReport(matrix.scores(), index.classes, options.split, scored, missing);
}
