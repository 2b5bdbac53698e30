import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bestThreshold, type PseudoJobState } from '@shared/domain/pseudo-view';
import { runEval } from '../cli/eval-run';
import { inProcessCamRunner, type CamRunner } from '../pseudo/cam-runner';
import { readProvenance } from '../pseudo/provenance';
import { makeTestDataset, makeTestRun, writeTestCheckpoint } from '../testing/trained-run';
import { createDatasetSession } from './dataset-session';
import { PseudoAnalysis } from './pseudo-analysis';
import { PseudoService } from './pseudo-service';
import { ProjectSession } from './project-session';

let root: string;
let valIds: string[];
let runsRoot: string;
let runDir: string;
const events: PseudoJobState[] = [];
const jobsRun: number[] = [];
const countingRunner: CamRunner = (job, onProgress, signal) => {
  jobsRun.push(job.images.length);
  return inProcessCamRunner(job, onProgress, signal);
};
let service: PseudoService;
let analysis: PseudoAnalysis;
let projects: ProjectSession;

beforeAll(async () => {
  ({ root, ids: { val: valIds } } = await makeTestDataset(4));
  runsRoot = await mkdtemp(join(tmpdir(), 'eader-pseudo-runs-'));
  runDir = await makeTestRun(runsRoot, 'run-a', root);
  const datasets = createDatasetSession(() => undefined);
  await datasets.open({ path: root });
  projects = new ProjectSession(datasets, () => undefined);
  service = new PseudoService({ datasets, projects, runsRoots: () => [runsRoot], emit: (e) => events.push(e), runner: countingRunner, gridSide: 32 });
  analysis = new PseudoAnalysis(service);
});

const settings = { threshold: 0.3, refine: 'none', keepLargest: false } as const;

describe('PseudoService', () => {
  it('generates a split’s cams once, reports progress, and serves them from the cache', async () => {
    const started = await service.generate({ runId: 'run-a', split: 'val', cam: { scales: [1, 0.75], flip: true } });
    expect(started.status).toBe('running');
    const done = await service.settled();
    expect(done).toMatchObject({ status: 'finished', done: 4, total: 4, cached: 0, failed: [] });
    expect(events.filter((e) => e.jobId === started.jobId).map((e) => e.done)).toEqual([0, 1, 2, 3, 4, 4]);
    expect((await service.cacheInfo('run-a'))?.ids).toEqual(valIds);
    const { items, missing } = await service.cams('run-a', [valIds[0]!, 'nope']);
    expect(missing).toEqual(['nope']);
    expect(items[0]).toMatchObject({ id: valIds[0], imageWidth: 40, imageHeight: 32, width: 32, height: 26 });
    const again = await service.generate({ runId: 'run-a', split: 'val', cam: { scales: [1, 0.75], flip: true } });
    expect(again).toMatchObject({ status: 'finished', cached: 4, done: 4 });
    expect(jobsRun).toEqual([4]);
  });

  it('invalidates the cache when the checkpoint changes', async () => {
    const before = (await service.cams('run-a', valIds)).items;
    const oldHash = (await service.cacheInfo('run-a'))!.hash;
    await writeTestCheckpoint(runDir, 20, 99);
    const state = await service.generate({ runId: 'run-a', split: 'val', cam: { checkpoint: 'last', scales: [1, 0.75], flip: true } });
    expect(state.cached).toBe(0);
    await service.settled();
    expect(jobsRun).toEqual([4, 4]);
    const info = (await service.cacheInfo('run-a'))!;
    expect(info.hash).not.toBe(oldHash);
    expect(info.checkpointStep).toBe(20);
    expect(await readdir(join(runDir, 'cams'))).toEqual([info.hash]);
    const after = (await service.cams('run-a', valIds)).items;
    expect(after.some((a, i) => Buffer.compare(a.cams, before[i]!.cams) !== 0)).toBe(true);
  });

  it('scores the same numbers as `eader eval` on the accepted masks, and stores the evaluation', async () => {
    await projects.create(await mkdtemp(join(tmpdir(), 'eader-pseudo-proj-')));
    for (const s of [settings, { threshold: 0.45, refine: 'bilateral', keepLargest: true } as const, { threshold: 0.35, refine: 'par', keepLargest: false } as const]) {
      const result = await analysis.evaluate({ runId: 'run-a', settings: s, split: 'val' });
      const accepted = await analysis.accept({ runId: 'run-a', settings: s, split: 'val' });
      expect(accepted.accepted.map((a) => a.id)).toEqual(valIds);
      const cli = await runEval({ pred: join(projects.require().dir, 'masks'), dataset: root, split: 'val' });
      expect(cli.miou).toBe(result.miou);
      expect(cli.perClass.map((c) => c.iou)).toEqual(result.perClass.map((c) => c.iou));
      expect(cli.pixelAccuracy).toBe(result.pixelAccuracy);
      const stored = JSON.parse(await readFile(join(runDir, result.file!), 'utf8')) as { miou: number | null };
      expect(stored.miou).toBe(result.miou);
      expect(result.sweep).toHaveLength(19);
      // The sweep applies a threshold-free refiner (none, par) and leaves the bilateral one out; its
      // point at the chosen threshold is the evaluation itself; the best threshold is marked.
      expect(result.sweepRefine).toBe(s.refine === 'bilateral' ? 'none' : s.refine);
      if (result.sweepRefine === s.refine) expect(result.sweep.find((p) => Math.abs(p.threshold - s.threshold) < 1e-9)?.miou).toBeCloseTo(result.miou!, 12);
      expect(result.bestThreshold).toEqual(bestThreshold(result.sweep));
      expect(result.confusion).toHaveLength(9);
    }
    const provenance = await readProvenance(projects.require().dir, valIds[0]!);
    expect(provenance.map((p) => [p.revision, p.runId, p.threshold, p.refine, p.checkpointStep])).toEqual([
      [1, 'run-a', 0.3, 'none', 20],
      [2, 'run-a', 0.45, 'bilateral', 20],
      [3, 'run-a', 0.35, 'par', 20],
    ]);
  });

  it('ranks the review queue worst first and accepts only images under a score', async () => {
    const queue = await analysis.queue({ runId: 'run-a', settings });
    expect(queue.items.map((i) => i.id).sort()).toEqual(valIds);
    const scores = queue.items.map((i) => i.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(queue.items.every((i) => i.iou !== null && i.score === i.signals[queue.signal])).toBe(true);
    const cut = scores[1]!;
    const partial = await analysis.accept({ runId: 'run-a', settings, maxScore: cut });
    expect(partial.accepted.length + partial.skipped).toBe(4);
    expect(partial.skipped).toBeGreaterThanOrEqual(1);
  });

  it('refuses an unknown run, an unknown image and a second job while one runs', async () => {
    await expect(service.generate({ runId: 'no-such-run', split: 'val' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.generate({ runId: 'run-a', ids: ['nope'] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await writeTestCheckpoint(runDir, 30, 7);
    await service.generate({ runId: 'run-a', ids: [valIds[0]!], cam: { checkpoint: 'last', scales: [1], flip: false } });
    await expect(service.generate({ runId: 'run-a', split: 'val' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(service.cancel()?.runId).toBe('run-a');
    expect((await service.settled())?.status).toMatch(/finished|cancelled/);
  });
});
