/**
 * Measures the pseudo-mask pipeline on a trained run (default: the demo's): refinement's effect on
 * mIoU, the review-queue signals' Spearman correlation with the true per-image IoU, the threshold
 * re-render time and the sweep time. Writes bench/pseudo-masks.json.
 *
 *   npx tsx scripts/bench/pseudo-measure.ts --run /tmp/demo/run [--dataset resources/demo] [--split val]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderPseudoMask, type RenderSettings } from '@shared/pseudo/render';
import { CamCache, type CamCacheKey } from '../../src-main/pseudo/cam-cache';
import { runCamJob } from '../../src-main/pseudo/cam-job';
import { checkpointIdentity } from '../../src-main/pseudo/run-checkpoint';
import { evaluateItems, thresholdSweep, type ScoredItem } from '../../src-main/pseudo/evaluate';
import { QUEUE_SIGNALS, queueSignals } from '../../src-main/pseudo/queue';
import { spearman } from '../../src-main/pseudo/stats';
import { openDataset, readGtMask } from '../../src-main/datasets/open-dataset';
import { imagesOfSplit } from '../../src-main/datasets/select';

const { values } = parseArgs({ options: { run: { type: 'string' }, dataset: { type: 'string', default: 'resources/demo' }, split: { type: 'string', default: 'val' }, out: { type: 'string', default: 'bench/pseudo-masks.json' } } });
if (!values.run) throw new Error('--run RUN_DIR is required');
const runDir = resolve(values.run);
const index = await openDataset(values.dataset);
const records = imagesOfSplit(index, values.split).filter((r) => r.gt);
const checkpoint = await checkpointIdentity(runDir, 'last');
const key: CamCacheKey = { runId: 'bench', ...checkpoint.key, scales: [1, 0.75, 1.25], flip: true, labels: 'gt', labelThreshold: 0.5, gridSide: 256, inputMaxSide: null };
const camsStarted = performance.now();
await new CamCache(runDir, key).prepare();
await runCamJob({ runDir, checkpointDir: checkpoint.dir, key, datasetRoot: index.root, images: records.map((r) => ({ id: r.id, file: r.file, labels: r.labels })) }, () => undefined);
const camSeconds = (performance.now() - camsStarted) / 1000;
const cache = new CamCache(runDir, key);
const items: ScoredItem[] = [];
for (const r of records) {
  const cams = await cache.read(r.id);
  const gt = await readGtMask(index, r.id);
  if (cams && gt) items.push({ id: r.id, cams, gt });
}
const K = index.classes.length;
const time = <T>(fn: () => T): [T, number] => {
  const t = performance.now();
  const v = fn();
  return [v, performance.now() - t];
};
const base: RenderSettings = { threshold: 0.3, refine: 'none', keepLargest: false };
const variants: Record<string, RenderSettings> = {
  raw: base,
  refine: { ...base, refine: 'bilateral' },
  largest: { ...base, keepLargest: true },
  'refine+largest': { ...base, refine: 'bilateral', keepLargest: true },
};
const miou: Record<string, number | null> = {};
const evalMs: Record<string, number> = {};
for (const [name, settings] of Object.entries(variants)) {
  const [r, ms] = time(() => evaluateItems(items, settings, K));
  miou[name] = r.matrix.scores().miou;
  evalMs[name] = ms;
}
const [, renderMs] = time(() => items.forEach((it) => renderPseudoMask(it.cams, { ...base, threshold: 0.4 })));
const [, refineMs] = time(() => items.forEach((it) => renderPseudoMask(it.cams, { ...base, refine: 'bilateral' })));
const [sweepRaw, sweepMs] = time(() => thresholdSweep(items, base, K));
const [sweepRefined, sweepRefineMs] = time(() => thresholdSweep(items, { ...base, refine: 'bilateral' }, K));
const { perImage } = evaluateItems(items, base, K);
const signals = queueSignals(items.map(({ id, cams }) => ({ id, cams })), base);
const ids = items.map((it) => it.id).filter((id) => perImage.get(id) !== null);
const correlation = Object.fromEntries(QUEUE_SIGNALS.map((s) => [s, spearman(ids.map((id) => signals.get(id)![s]), ids.map((id) => perImage.get(id)!))]));
const report = {
  run: runDir,
  checkpointStep: checkpoint.key.checkpointStep,
  images: items.length,
  camSeconds,
  miou,
  evalMs,
  renderAllImagesMs: renderMs,
  renderPerImageMs: renderMs / items.length,
  refinePerImageMs: refineMs / items.length,
  sweepMs,
  sweepRefineMs,
  sweepRaw,
  sweepRefined,
  spearmanWithImageIou: correlation,
  note: 'A good queue signal has a strongly negative correlation: high score = low IoU = reviewed first.',
};
await mkdir(join(values.out, '..'), { recursive: true });
await writeFile(values.out, `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
