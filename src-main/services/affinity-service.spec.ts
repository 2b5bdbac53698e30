/**
 * The app's "Train affinity head": the job runs (in-process runner here; the app forks a pseudo-mask
 * worker), reports progress, and afterwards the cams carry the head's embedding, the cache says so
 * (the picker then offers rw), and evaluation and accept render through rw.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HeadJobState } from '@shared/domain/pseudo-view';
import { embeddingFromBytes } from '@shared/affinity/embedding-bytes';
import { inProcessCamRunner } from '../pseudo/cam-runner';
import { inProcessHeadRunner } from '../pseudo/head-runner';
import { makeTestDataset, makeTestRun } from '../testing/trained-run';
import { AffinityService } from './affinity-service';
import { createDatasetSession } from './dataset-session';
import { ProjectSession } from './project-session';
import { PseudoAnalysis } from './pseudo-analysis';
import { PseudoService } from './pseudo-service';

describe('AffinityService', () => {
  it('trains the head with progress, and the regenerated cams then offer rw', async () => {
    const { root } = await makeTestDataset(3, 3);
    const runsRoot = await mkdtemp(join(tmpdir(), 'eader-heads-'));
    await makeTestRun(runsRoot, 'run-h', root);
    const datasets = createDatasetSession(() => undefined);
    await datasets.open({ path: root });
    const projects = new ProjectSession(datasets, () => undefined);
    const service = new PseudoService({ datasets, projects, runsRoots: () => [runsRoot], emit: () => undefined, runner: inProcessCamRunner, gridSide: 16 });
    const events: HeadJobState[] = [];
    const heads = new AffinityService({ pseudo: service, emit: (s) => events.push(s), runner: inProcessHeadRunner });

    await service.generate({ runId: 'run-h', split: 'val', cam: { scales: [1], flip: false } });
    await service.settled();
    expect(await service.cacheInfo('run-h')).toMatchObject({ affinityHead: false, headTrained: false });
    const rw = { threshold: 0.25, refine: 'rw' as const, keepLargest: false, ignoreBand: null };
    await expect(new PseudoAnalysis(service).evaluate({ runId: 'run-h', split: 'val', settings: rw, save: false })).rejects.toThrow(/has no affinity head .*eader refine/);

    const started = await heads.train({ runId: 'run-h', epochs: 1 });
    expect(started).toMatchObject({ status: 'running', phase: 'seeds', total: 3 });
    await expect(heads.train({ runId: 'run-h' })).rejects.toThrow(/is training/);
    const done = await heads.settled();
    expect(done).toMatchObject({ status: 'finished', done: 3 });
    expect(events.some((e) => e.phase === 'train' && e.loss !== null)).toBe(true);
    expect(await service.cacheInfo('run-h')).toMatchObject({ affinityHead: false, headTrained: true }); // the old cams lack the embedding
    await expect(new PseudoAnalysis(service).evaluate({ runId: 'run-h', split: 'val', settings: rw, save: false })).rejects.toThrow(/generate the cams of run run-h again/);

    await service.generate({ runId: 'run-h', split: 'val', cam: { scales: [1], flip: false } });
    await service.settled();
    const info = await service.cacheInfo('run-h');
    expect(info).toMatchObject({ affinityHead: true, headTrained: true });
    const { items } = await service.cams('run-h', info!.ids);
    const embedding = embeddingFromBytes(items[0]!.embedding!);
    expect(embedding).toMatchObject({ width: 10, height: 8, dim: 32 }); // 40×32 images at stride 4
    const evaluation = await new PseudoAnalysis(service).evaluate({ runId: 'run-h', split: 'val', settings: rw, save: false });
    expect(evaluation.miou).toBeGreaterThanOrEqual(0);
    await expect(heads.train({ runId: 'nope' })).rejects.toThrow();
  }, 120_000);
});
