/**
 * A segmenter run as a mask source in the app: generated for a split by the same worker job, handed
 * to the renderer with its background plane, evaluated exactly as `eader eval` scores `eader infer`'s
 * PNGs of the same run, ranked by the network's own uncertainty, accepted with its provenance.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEval } from '../cli/eval-run';
import { runInfer } from '../cli/infer-run';
import { inProcessCamRunner } from '../pseudo/cam-runner';
import { readProvenance } from '../pseudo/provenance';
import { makeTestDataset, makeTestSegmenterRun } from '../testing/trained-run';
import { createDatasetSession } from './dataset-session';
import { PseudoAnalysis } from './pseudo-analysis';
import { PseudoService } from './pseudo-service';
import { ProjectSession } from './project-session';

let root: string;
let ids: { train: string[]; val: string[] };
let runsRoot: string;
let service: PseudoService;
let analysis: PseudoAnalysis;
let projects: ProjectSession;
const settings = { threshold: 0.3, refine: 'none', keepLargest: false } as const;
const cam = { checkpoint: 'last' as const, scales: [1], flip: true };

beforeAll(async () => {
  ({ root, ids } = await makeTestDataset(4, 10));
  runsRoot = await mkdtemp(join(tmpdir(), 'eader-prediction-runs-'));
  await makeTestSegmenterRun(runsRoot, 'seg-1', root, ids.train, { round: 1 });
  const datasets = createDatasetSession(() => undefined);
  await datasets.open({ path: root });
  projects = new ProjectSession(datasets, () => undefined);
  service = new PseudoService({ datasets, projects, runsRoots: () => [runsRoot], emit: () => undefined, runner: inProcessCamRunner });
  analysis = new PseudoAnalysis(service);
}, 120_000);
afterAll(async () => {
  await projects.close(); // stops the background thumbnails before their folder is removed
  await Promise.all([root, runsRoot].map((d) => rm(d, { recursive: true, force: true })));
});

describe('a segmenter run as a mask source', () => {
  it('generates predictions for a split and hands them over with their background plane', async () => {
    await service.generate({ runId: 'seg-1', split: 'val', cam });
    expect(await service.settled()).toMatchObject({ status: 'finished', done: 4, failed: [] });
    expect(await service.cacheInfo('seg-1')).toMatchObject({ source: 'predictions', ids: ids.val });
    const { items } = await service.cams('seg-1', [ids.val[0]!]);
    const item = items[0]!;
    expect(item.background?.length).toBe(item.width * item.height);
    // each pixel's probabilities (background + the image's classes) sum to at most 1 (the rest: other classes)
    for (let i = 0; i < item.width * item.height; i += 37) {
      let sum = item.background![i]!;
      for (let k = 0; k < item.classes.length; k++) sum += item.cams[k * item.width * item.height + i]!;
      expect(sum).toBeLessThanOrEqual(255 + item.classes.length + 1);
    }
  });

  it('evaluates exactly as eader eval scores eader infer’s masks of the same run and checkpoint', async () => {
    const result = await analysis.evaluate({ runId: 'seg-1', settings, split: 'val' });
    const masks = join(runsRoot, 'seg-1-val-masks');
    await runInfer({ run: join(runsRoot, 'seg-1'), dataset: root, split: 'val', out: masks, ...cam });
    const report = await runEval({ pred: masks, dataset: root, split: 'val' });
    expect(result.miou).toBe(report.miou);
    expect(result.pixelAccuracy).toBe(report.pixelAccuracy);
    expect(result.miou!).toBeGreaterThan(0.4); // trained on the shapes' own masks: it finds them
    // the threshold does not move a prediction: the network's argmax decides
    expect((await analysis.evaluate({ runId: 'seg-1', settings: { ...settings, threshold: 0.9 }, split: 'val', save: false })).miou).toBe(result.miou);
  });

  it('ranks by the network’s own uncertainty and accepts with provenance (source, run, round)', async () => {
    const queue = await analysis.queue({ runId: 'seg-1', settings });
    expect(queue.signal).toBe('entropy');
    expect(queue.items).toHaveLength(4);
    for (const item of queue.items) {
      expect(item.signals.margin).toBeGreaterThanOrEqual(0);
      expect(item.signals.margin).toBeLessThanOrEqual(1);
      expect(item.score).toBe(item.signals.entropy);
    }
    expect(queue.items.map((i) => i.score)).toEqual([...queue.items.map((i) => i.score)].sort((a, b) => b - a));
    await projects.create(join(runsRoot, 'project'));
    const accepted = await analysis.accept({ runId: 'seg-1', settings, ids: [ids.val[1]!] });
    expect(accepted.accepted).toHaveLength(1);
    const [entry] = await readProvenance(projects.require().dir, ids.val[1]!);
    expect(entry).toMatchObject({ source: 'segmenter', runId: 'seg-1', round: 1, queueSignal: 'entropy', revision: 1 });
  });
});
