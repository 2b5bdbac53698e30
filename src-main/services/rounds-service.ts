/**
 * The loop as rounds (docs/segmenter.md): round 0 is a localizer run's attention-map masks; round k
 * is segmenter k, trained on those pseudo-masks (with an ignore band) and the project's trusted
 * masks at the time. `start` runs one round end to end with the machinery that already exists —
 * the pseudo-mask worker for the localizer's cams and for the segmenter's predictions, the trainer
 * process (TrainingControl) for the training, the one rendering pipeline for labels and scores —
 * and `list` reads the rounds back from the run folders (each round writes `round.json` into its
 * run; the localizer's round 0 `round-0.json`). No electron here.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ImageRecord } from '@shared/domain/dataset';
import { PseudoRenderSettings, type PseudoCamSettings } from '@shared/domain/pseudo-view';
import { SEGMENTER_PRESETS, type SegmenterConfig } from '@shared/domain/segmenter-config';
import { Round, RoundScore, type RoundJob, type RoundSettings, type RoundsView } from '@shared/domain/segmenter-view';
import type { TrainingState } from '@shared/domain/training-view';
import { ApiError, errorText } from '@shared/envelope';
import { imagesOfSplit } from '../datasets/select';
import { writeJsonAtomic } from '../fs/atomic-write';
import type { CamCache, GuideSource } from '../pseudo/cam-cache';
import { datasetGuides } from '../pseudo/cam-compute';
import { evaluateItems, type ScoredItem } from '../pseudo/evaluate';
import { readRunRecord } from '../runs/run-store';
import type { DatasetSession } from './dataset-session';
import type { ProjectSession } from './project-session';
import type { PseudoAnalysis } from './pseudo-analysis';
import type { PseudoService } from './pseudo-service';
import { heldOutOf, stagePseudoMasks, stageTrustedMasks } from './round-labels';
import type { TrainingControl } from './training-control';
import { trustedMaskIds } from './trusted-masks';

const ROUND_FILE = 'round.json';
const ROUND_ZERO_FILE = 'round-0.json';
const RoundFile = z.object({ format: z.literal('eader-round/1'), round: z.number().int(), trusted: z.number().int(), heldOut: z.number().int(), score: RoundScore.nullable(), baseline: RoundScore.nullable() });
type RoundFile = z.infer<typeof RoundFile>;

/** How the segmenter's predictions are made for a round: its argmax at scale 1 with flip, the image's labels. */
export const ROUND_PREDICTION: PseudoCamSettings = { checkpoint: 'last', scales: [1], flip: true, labels: 'gt', labelThreshold: 0.5 };

export interface RoundsServiceOptions {
  datasets: DatasetSession;
  projects: ProjectSession;
  pseudo: PseudoService;
  analysis: PseudoAnalysis;
  training: TrainingControl;
  emit: (job: RoundJob) => void;
  /** The segmenter presets a round starts from (default the table's; specs pass smaller networks). */
  presets?: Record<RoundSettings['preset'], SegmenterConfig>;
}

async function readRoundFile(file: string): Promise<RoundFile | null> {
  try {
    const parsed = RoundFile.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export class RoundsService {
  private job: RoundJob | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: RoundsServiceOptions) {}

  /** The localizer run's rounds, oldest first, and what the next round would use. */
  async list(localizerRunId: string): Promise<RoundsView> {
    const { pseudo, training } = this.options;
    const { dir, record } = await pseudo.run(localizerRunId);
    if (record.kind !== 'localizer') throw new ApiError('INVALID_INPUT', `Run ${localizerRunId} is a segmenter run; rounds start from a localizer run.`);
    const zero = await readRoundFile(join(dir, ROUND_ZERO_FILE));
    const rounds: Round[] = [];
    let latestBaseline: RoundFile['baseline'] = null;
    for (const run of [...(await training.runs())].reverse()) {
      if (run.kind !== 'segmenter' || run.labels.pseudo.localizerRunId !== localizerRunId || run.labels.round === null) continue;
      const file = await readRoundFile(join(await pseudo.runDir(run.runId), ROUND_FILE));
      if (file?.baseline) latestBaseline = file.baseline;
      rounds.push({ round: run.labels.round, runId: run.runId, kind: 'segmenter', trusted: run.labels.trusted.images - run.labels.heldOut.length, heldOut: run.labels.heldOut.length, score: file?.score ?? null, createdAt: run.createdAt });
    }
    rounds.sort((a, b) => a.round - b.round || (a.createdAt < b.createdAt ? -1 : 1));
    rounds.unshift({ round: 0, runId: localizerRunId, kind: 'localizer', trusted: 0, heldOut: 0, score: zero?.score ?? latestBaseline ?? null, createdAt: record.createdAt });
    const trainIds = new Set(this.splitIds(record.config.trainSplit));
    const project = this.options.projects.current();
    return { localizerRunId, rounds, trustedNow: project ? (await trustedMaskIds(project, trainIds)).length : 0, job: this.job };
  }

  /** Start the next round; returns at once, progress comes as `rounds:progress`. */
  async start(localizerRunId: string, settings: RoundSettings): Promise<RoundJob> {
    if (this.job && this.job.phase !== 'finished' && this.job.phase !== 'failed') throw new ApiError('CONFLICT', `Round ${this.job.round} is still running.`);
    if (this.options.training.active) throw new ApiError('CONFLICT', 'A run is training now: wait for it or stop it first.');
    if (this.options.pseudo.status()?.status === 'running') throw new ApiError('CONFLICT', 'Masks are being generated: wait for that job or cancel it first.');
    if (this.splitIds(settings.evalSplit).length === 0) throw new ApiError('NOT_FOUND', `The open dataset has no "${settings.evalSplit}" images to score the round on.`);
    const view = await this.list(localizerRunId);
    const round = Math.max(0, ...view.rounds.map((r) => r.round)) + 1;
    const started = performance.now();
    this.job = { localizerRunId, round, phase: 'labels', runId: null, message: 'Pseudo-masks of the training images', trusted: 0, heldOut: 0, seconds: 0, score: null };
    const update = (patch: Partial<RoundJob>): void => {
      this.job = { ...this.job!, ...patch, seconds: (performance.now() - started) / 1000 };
      this.options.emit(this.job);
    };
    update({});
    this.running = this.run(localizerRunId, round, settings, update).catch((error: unknown) => update({ phase: 'failed', message: errorText(error) }));
    return this.job;
  }

  /** Resolves when the running round (if any) has ended. */
  async settled(): Promise<RoundJob | null> {
    await this.running;
    return this.job;
  }

  private splitIds(split: string): string[] {
    try {
      return imagesOfSplit(this.options.datasets.dataset(), split).map((r: ImageRecord) => r.id);
    } catch {
      return [];
    }
  }

  /** Generate masks of `ids` with a run (cams or predictions) and wait for the job. */
  private async generate(runId: string, ids: string[], cam: Parameters<PseudoService['generate']>[0]['cam']): Promise<CamCache> {
    const { pseudo } = this.options;
    await pseudo.generate({ runId, ids, cam });
    const done = await pseudo.settled();
    if (done?.status !== 'finished') throw new Error(`Generating the masks of run ${runId} ${done?.status ?? 'failed'}: ${done?.message ?? ''}`);
    if (done.failed.length > 0) throw new Error(`${done.failed.length} images failed (e.g. ${done.failed[0]!.imageId}: ${done.failed[0]!.message}).`);
    return pseudo.cache(runId);
  }

  private async run(localizerRunId: string, round: number, settings: RoundSettings, update: (patch: Partial<RoundJob>) => void): Promise<void> {
    const { pseudo, training, projects } = this.options;
    const locDir = await pseudo.runDir(localizerRunId);
    const loc = await readRunRecord(locDir);
    const trainIds = this.splitIds(loc.config.trainSplit);
    const evalIds = this.splitIds(settings.evalSplit);
    if (trainIds.length === 0) throw new ApiError('NOT_FOUND', `The open dataset has no "${loc.config.trainSplit}" images (the localizer run's training split).`);

    const render = { ...PseudoRenderSettings.parse({}), refine: settings.refine, ignoreBand: settings.ignoreBand };

    // 1. The localizer's cams of the training and evaluation images (cached: the cache's own settings are kept).
    const camSettings = (await pseudo.cacheInfo(localizerRunId))?.cam;
    const locCache = await this.generate(localizerRunId, [...new Set([...trainIds, ...evalIds])], camSettings ?? {});
    const project = projects.current();
    const trusted = project ? await trustedMaskIds(project, new Set(trainIds)) : [];
    const withGt = await this.scoredAgainstGt(evalIds);
    const heldOut = withGt.length > 0 ? [] : heldOutOf(trusted);
    update({ trusted: trusted.length - heldOut.length, heldOut: heldOut.length, message: `${trusted.length - heldOut.length} trusted images${heldOut.length ? `, ${heldOut.length} held out` : ''}` });
    const staging = join(training.runsRoot(), `.round-${localizerRunId}-${round}`);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    try {
      const pseudoDir = join(staging, 'pseudo');
      const trustedDir = join(staging, 'trusted');
      await mkdir(trustedDir, { recursive: true });
      await stagePseudoMasks(locCache, trainIds, render, pseudoDir, datasetGuides(this.options.datasets.dataset()));
      if (project) await stageTrustedMasks(project, trusted, trustedDir);

      // 2. Train segmenter k in the trainer process.
      const config: SegmenterConfig = { ...(this.options.presets ?? SEGMENTER_PRESETS)[settings.preset], timeBudget: settings.budgetMinutes, trainSplit: loc.config.trainSplit, backend: loc.config.backend };
      // Warm-started from the localizer's backbone when it is the segmenter's (docs/segmenter.md: the bench measures it).
      const initFrom = loc.config.backbone === config.backbone ? locDir : null;
      const state = await training.startSegmenter({ config, labels: { pseudoDir, trustedDir, localizerRunId, heldOut, round }, initFrom, name: `round-${round}` });
      const runId = state.runId;
      if (!runId) throw new Error('The trainer did not start.');
      update({ phase: 'training', runId, message: `Training segmenter ${round} (${settings.budgetMinutes} min)` });
      const ended = await this.ended(runId);
      const outcome = ended.outcome;
      if (outcome?.kind !== 'finished') throw new Error(`Segmenter ${round} did not finish: ${outcome?.message ?? 'no outcome'}`);

      // 3. Its predictions for the training images (the review queue) and the evaluation images.
      update({ phase: 'predicting', message: `Predicting ${trainIds.length + evalIds.length} images` });
      const segCache = await this.generate(runId, [...new Set([...trainIds, ...evalIds])], ROUND_PREDICTION);

      // 4. Scores: against GT on the evaluation split, else on the held-out corrected masks (round 0 alike).
      update({ phase: 'scoring', message: 'Scoring' });
      const segDir = await pseudo.runDir(runId);
      let score: RoundScore | null = null;
      let baseline: RoundScore | null = null;
      if (withGt.length > 0) {
        score = await this.scoreAgainstGt(runId, settings.evalSplit, render);
        if (!(await readRoundFile(join(locDir, ROUND_ZERO_FILE)))) {
          const zero = await this.scoreAgainstGt(localizerRunId, settings.evalSplit, render);
          await writeJsonAtomic(join(locDir, ROUND_ZERO_FILE), { format: 'eader-round/1', round: 0, trusted: 0, heldOut: 0, score: zero, baseline: null } satisfies RoundFile);
        }
      } else if (project && heldOut.length > 0) {
        const masks = await Promise.all(heldOut.map(async (id) => ({ id, gt: (await project.masks.read(id))! })));
        const guides = render.refine === 'none' ? null : datasetGuides(this.options.datasets.dataset());
        score = await scoreOn(segCache, masks, render, this.options.datasets.dataset().classes.length, guides);
        baseline = await scoreOn(locCache, masks, { ...render, ignoreBand: null }, this.options.datasets.dataset().classes.length, guides);
      }
      await writeJsonAtomic(join(segDir, ROUND_FILE), { format: 'eader-round/1', round, trusted: trusted.length - heldOut.length, heldOut: heldOut.length, score, baseline } satisfies RoundFile);
      update({ phase: 'finished', score, message: score?.miou != null ? `mIoU ${(score.miou * 100).toFixed(1)} % (${score.against === 'gt' ? `${score.split} GT` : 'held-out corrections'})` : 'No ground truth and no held-out corrections to score against.' });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** Eval-split images with GT. */
  private async scoredAgainstGt(ids: readonly string[]): Promise<string[]> {
    const index = this.options.datasets.dataset();
    const byId = new Map(index.images.map((r) => [r.id, r]));
    return ids.filter((id) => byId.get(id)?.gt);
  }

  private async scoreAgainstGt(runId: string, split: string, render: PseudoRenderSettings): Promise<RoundScore> {
    // Scores are of the masks as the pipeline makes them; a pseudo-mask's ignore band is for training only.
    const result = await this.options.analysis.evaluate({ runId, split, settings: { ...render, ignoreBand: null } });
    return { miou: result.miou, against: 'gt', split, images: result.images };
  }

  /** The training state once run `runId` has ended. */
  private ended(runId: string): Promise<TrainingState> {
    const { training } = this.options;
    return new Promise((resolve) => {
      const now = training.status().state;
      if (now.runId === runId && (now.status === 'finished' || now.status === 'failed')) return resolve(now);
      const off = training.onEnded((state) => {
        if (state.runId !== runId) return;
        off();
        resolve(state);
      });
    });
  }
}

/** mIoU of a cache's masks on `items` (their `gt`: corrected masks), rendered at the masks' size. */
async function scoreOn(cache: CamCache, items: { id: string; gt: ScoredItem['gt'] }[], render: PseudoRenderSettings, numClasses: number, guides: GuideSource | null): Promise<RoundScore> {
  const scored: ScoredItem[] = [];
  for (const { id, gt } of items) {
    const cams = await cache.read(id, guides);
    if (cams && gt) scored.push({ id, cams, gt });
  }
  const { matrix } = evaluateItems(scored, { ...render, ignoreBand: null }, numClasses);
  return { miou: scored.length > 0 ? matrix.scores().miou : null, against: 'held-out', split: null, images: scored.length };
}
