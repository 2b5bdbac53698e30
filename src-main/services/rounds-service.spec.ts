/**
 * A round end to end with the real machinery: the localizer's cams by the pseudo-mask job, the
 * project's corrections as trusted masks, a segmenter trained in a real trainer process within its
 * time budget, its predictions, and the scores read back as rounds — against GT, and, on a dataset
 * without GT for the scored split, against the held-out corrected masks.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEGMENTER_PRESETS } from '@shared/domain/segmenter-config';
import { RoundSettings, type RoundJob } from '@shared/domain/segmenter-view';
import { readGtMask, openDataset } from '../datasets/open-dataset';
import { inProcessCamRunner } from '../pseudo/cam-runner';
import { readAnyRunRecord } from '../runs/run-store';
import { makeTestDataset, makeTestRun } from '../testing/trained-run';
import { createDatasetSession } from './dataset-session';
import { PseudoAnalysis } from './pseudo-analysis';
import { PseudoService } from './pseudo-service';
import { ProjectSession } from './project-session';
import { RoundsService } from './rounds-service';
import { TrainingControl } from './training-control';

let root: string;
let ids: { train: string[]; val: string[] };
let work: string;
let rounds: RoundsService;
let projects: ProjectSession;
const jobs: RoundJob[] = [];
const small = { ...SEGMENTER_PRESETS.quick, backend: 'wasm' as const, imageSize: 32, batchSize: 4, asppChannels: 16, cacheMaxSide: 64 };

beforeAll(async () => {
  ({ root, ids } = await makeTestDataset(4, 10));
  work = await mkdtemp(join(tmpdir(), 'eader-rounds-'));
  const runsRoot = join(work, 'runs');
  await makeTestRun(runsRoot, 'loc-1', root);
  const datasets = createDatasetSession(() => undefined);
  await datasets.open({ path: root });
  projects = new ProjectSession(datasets, () => undefined);
  await projects.create(join(work, 'project'));
  const runsRoots = (): string[] => [runsRoot];
  const training = new TrainingControl({ dataset: () => ({ root: datasets.dataset().root, ...datasets.source(), classes: datasets.dataset().classes }), runsRoots, events: { emit: () => undefined } });
  const pseudo = new PseudoService({ datasets, projects, runsRoots, emit: () => undefined, runner: inProcessCamRunner, gridSide: 64 });
  rounds = new RoundsService({ datasets, projects, pseudo, analysis: new PseudoAnalysis(pseudo), training, emit: (job) => jobs.push(job), presets: { quick: small, deeplab: small } });
}, 60_000);
afterAll(async () => {
  await projects.close(); // stops the background thumbnails before their folder is removed
  await Promise.all([root, work].map((d) => rm(d, { recursive: true, force: true })));
});

describe('rounds', () => {
  it('run a round from the project’s corrections and list it with its score beside round 0', async () => {
    // The user corrected three training images (here: by copying their GT), and marked one needs-work.
    const index = await openDataset(root);
    const project = projects.require();
    for (const id of ids.train.slice(0, 4)) await project.masks.save(id, (await readGtMask(index, id))!);
    await project.setReview(ids.train[3]!, 'needs-work');
    const before = await rounds.list('loc-1');
    expect(before.rounds.map((r) => [r.round, r.kind])).toEqual([[0, 'localizer']]);
    expect(before.trustedNow).toBe(3);

    const started = await rounds.start('loc-1', RoundSettings.parse({ budgetMinutes: 0.15 }));
    expect(started).toMatchObject({ round: 1, phase: 'labels' });
    await expect(rounds.start('loc-1', RoundSettings.parse({}))).rejects.toThrow(/still running/);
    const done = await rounds.settled();
    expect(done, done?.message ?? '').toMatchObject({ phase: 'finished', trusted: 3, heldOut: 0, score: { against: 'gt', split: 'val', images: 4 } });
    expect(jobs.map((j) => j.phase)).toEqual(expect.arrayContaining(['labels', 'training', 'predicting', 'scoring', 'finished']));

    const record = await readAnyRunRecord(join(work, 'runs', done!.runId!));
    expect(record.kind === 'segmenter' && record.labels).toMatchObject({ round: 1, pseudo: { localizerRunId: 'loc-1', images: 10 }, trusted: { images: 3 }, heldOut: [] });
    if (record.kind === 'segmenter') expect(record.config.timeBudget).toBe(0.15);
    expect(record.kind === 'segmenter' && record.init).toMatchObject({ runId: 'loc-1', step: 10 }); // warm-started from the localizer's backbone (both tiny)
    const after = await rounds.list('loc-1');
    expect(after.rounds.map((r) => [r.round, r.kind, r.trusted])).toEqual([
      [0, 'localizer', 0],
      [1, 'segmenter', 3],
    ]);
    for (const r of after.rounds) expect(r.score?.miou, `round ${r.round}`).toEqual(expect.any(Number));
    // nothing of the round's staging is left in the runs folder
    expect((await readdir(join(work, 'runs'))).filter((n) => n.startsWith('.round-'))).toEqual([]);
    expect(existsSync(join(work, 'runs', done!.runId!, 'round.json'))).toBe(true);
  }, 240_000);

  it('score against the held-out corrected masks when the scored split has no ground truth', async () => {
    // The same dataset without its val GT: the round holds out a fifth of the corrections and scores both rounds on them.
    for (const id of ids.val) await rm(join(root, 'VOCdevkit/VOC2012/SegmentationClass', `${id}.png`));
    await projects.open(join(work, 'project'));
    const project = projects.require();
    const index = await openDataset(root);
    for (const id of ids.train.slice(4, 9)) await project.masks.save(id, (await readGtMask(index, id))!);
    await rounds.start('loc-1', RoundSettings.parse({ budgetMinutes: 0.1 }));
    const done = await rounds.settled();
    expect(done, done?.message ?? '').toMatchObject({ phase: 'finished', round: 2, trusted: 6, heldOut: 2, score: { against: 'held-out', split: null, images: 2 } });
    const view = await rounds.list('loc-1');
    expect(view.rounds.map((r) => [r.round, r.heldOut])).toEqual([
      [0, 0],
      [1, 0],
      [2, 2],
    ]);
    expect(view.rounds[2]!.score?.miou).toEqual(expect.any(Number));
    await expect(rounds.start('loc-1', RoundSettings.parse({ evalSplit: 'test' }))).rejects.toThrow(/no "test" images to score the round on/);
  }, 240_000);
});
