/**
 * Pseudo-masks for the app and the host: generate a run's cams for a split or a list of images (in
 * a worker process; progress as `pseudo:progress`), hand cached cams to the renderer, evaluate,
 * rank the review queue and accept masks into the project. A segmenter run is a mask source the
 * same way: its "cams" are its predictions (docs/segmenter.md). No electron here; docs/pseudo-masks.md.
 */
import type { ImageRecord } from '@shared/domain/dataset';
import type { PseudoCacheInfo, PseudoCams, PseudoGenerateInput, PseudoJobState } from '@shared/domain/pseudo-view';
import { PseudoCamSettings } from '@shared/domain/pseudo-view';
import { ApiError, asApiError, errorText } from '@shared/envelope';
import { DEFAULT_GRID_SIDE } from '@shared/pseudo/cam-grid';
import { embeddingToBytes } from '@shared/affinity/embedding-bytes';
import { imagesOfSplit } from '../datasets/select';
import { CamCache, type CamCacheKey } from '../pseudo/cam-cache';
import { datasetGuides } from '../pseudo/cam-compute';
import { cachedIds, currentCache } from '../pseudo/cache-index';
import { forkedCamRunner, type CamRunner } from '../pseudo/cam-runner';
import { checkpointIdentity } from '../pseudo/run-checkpoint';
import { readAnyRunRecord, type AnyRunRecord } from '../runs/run-store';
import { affinityKey } from '../pseudo/affinity-head';
import type { DatasetSession } from './dataset-session';
import type { ProjectSession } from './project-session';
import { findRunRoot, runDirOf } from '../runs/run-history';
import { refuseInsideDataset } from '../fs/output-guard';

export interface PseudoServiceOptions {
  datasets: DatasetSession;
  projects: ProjectSession;
  /** Run folders to look runs up in (the project's runs/, then $EADER_HOME/runs). */
  runsRoots: () => string[];
  emit: (state: PseudoJobState) => void;
  runner?: CamRunner;
  gridSide?: number;
}

export class PseudoService {
  private job: PseudoJobState | null = null;
  private abort: AbortController | null = null;
  private finished: Promise<void> = Promise.resolve();
  private nextJob = 1;

  constructor(readonly options: PseudoServiceOptions) {}

  /** The folder and record of a run (a localizer run's cams or a segmenter run's predictions), checked to be trained on the open dataset's classes. */
  async run(runId: string): Promise<{ dir: string; record: AnyRunRecord }> {
    const dir = runDirOf(findRunRoot(this.options.runsRoots(), runId), runId);
    const record = await asApiError('NOT_FOUND', () => readAnyRunRecord(dir));
    const classes = record.dataset.classes;
    // Its cam cache and eval reports are written there: never inside the open dataset.
    await refuseInsideDataset(dir, this.options.datasets.dataset().root, 'The run folder');
    const open = this.options.datasets.dataset().classes;
    if (classes.join('\n') !== open.join('\n')) {
      throw new ApiError('CONFLICT', `Run ${runId} was trained on other classes (${classes.slice(1).join(', ')}) than the open dataset's (${open.slice(1).join(', ')}).`);
    }
    return { dir, record };
  }

  /** The folder of a run, checked as run() does. */
  async runDir(runId: string): Promise<string> {
    return (await this.run(runId)).dir;
  }

  async generate(input: PseudoGenerateInput): Promise<PseudoJobState> {
    if (this.job?.status === 'running') throw new ApiError('CONFLICT', `Pseudo-masks of run ${this.job.runId} are being generated; cancel that first.`);
    const cam = PseudoCamSettings.parse(input.cam ?? {});
    const runDir = await this.runDir(input.runId);
    const images = this.images(input);
    const checkpoint = await asApiError('NOT_FOUND', () => checkpointIdentity(runDir, cam.checkpoint));
    const key: CamCacheKey = {
      runId: input.runId,
      ...checkpoint.key,
      scales: cam.scales,
      flip: cam.flip,
      labels: cam.labels,
      labelThreshold: cam.labelThreshold,
      gridSide: this.options.gridSide ?? DEFAULT_GRID_SIDE,
      inputMaxSide: null,
      affinityHead: await affinityKey(runDir, checkpoint.key), // with a head, the records carry its embedding (rw)
    };
    const cache = new CamCache(runDir, key);
    await cache.prepare();
    const have = new Set(await cachedIds(cache));
    const todo = images.filter((r) => !have.has(r.id));
    const cached = images.length - todo.length;
    const started = performance.now();
    const state: PseudoJobState = { jobId: this.nextJob++, runId: input.runId, status: 'running', done: cached, total: images.length, cached, failed: [], imageId: null, message: null, seconds: 0 };
    this.job = state;
    const abort = new AbortController();
    this.abort = abort;
    const update = (patch: Partial<PseudoJobState>): void => {
      this.job = { ...this.job!, ...patch, seconds: (performance.now() - started) / 1000 };
      this.options.emit(this.job);
    };
    update({});
    if (todo.length === 0) {
      update({ status: 'finished', message: 'All images were in the cache.' });
      return this.job;
    }
    const runner = this.options.runner ?? forkedCamRunner();
    const job = { runDir, checkpointDir: checkpoint.dir, key, datasetRoot: this.options.datasets.dataset().root, images: todo.map((r) => ({ id: r.id, file: r.file, labels: r.labels })) };
    this.finished = runner(job, (p) => update({ done: cached + p.done, imageId: p.imageId }), abort.signal).then(
      (result) => update({ status: result.cancelled ? 'cancelled' : 'finished', failed: result.failed, imageId: null, message: `${result.done} images on ${result.backend}` }),
      (error: unknown) => update({ status: 'failed', imageId: null, message: errorText(error) }),
    );
    return this.job;
  }

  /** Resolves when the running job (if any) has ended. */
  async settled(): Promise<PseudoJobState | null> {
    await this.finished;
    return this.job;
  }

  status(): PseudoJobState | null {
    return this.job;
  }

  cancel(): PseudoJobState | null {
    if (this.job?.status === 'running') this.abort?.abort();
    return this.job;
  }

  private images(input: PseudoGenerateInput): ImageRecord[] {
    const index = this.options.datasets.dataset();
    if (input.ids) {
      const byId = new Map(index.images.map((r) => [r.id, r]));
      return [...new Set(input.ids)].sort().map((id) => {
        const record = byId.get(id);
        if (!record) throw new ApiError('NOT_FOUND', `No image "${id}" in the open dataset.`);
        return record;
      });
    }
    try {
      return imagesOfSplit(index, input.split ?? '');
    } catch (error) {
      throw new ApiError('NOT_FOUND', errorText(error));
    }
  }

  /** The run's current cache, or a NOT_FOUND error telling the user to generate first. */
  async cache(runId: string): Promise<CamCache> {
    const cache = await currentCache(await this.runDir(runId));
    if (!cache) throw new ApiError('NOT_FOUND', `Run ${runId} has no pseudo-masks yet: generate them first.`);
    return cache;
  }

  async cacheInfo(runId: string): Promise<PseudoCacheInfo | null> {
    const { dir, record } = await this.run(runId);
    const cache = await currentCache(dir);
    if (!cache) return null;
    const { key } = cache;
    return {
      runId,
      source: record.kind === 'segmenter' ? 'predictions' : 'cams',
      hash: cache.hash,
      checkpointStep: key.checkpointStep,
      cam: { scales: key.scales, flip: key.flip, labels: key.labels, labelThreshold: key.labelThreshold },
      ids: await cachedIds(cache),
      affinityHead: Boolean(key.affinityHead),
      headTrained: (await affinityKey(cache.runDir, key)) !== null,
    };
  }

  async cams(runId: string, ids: readonly string[]): Promise<{ items: PseudoCams[]; missing: string[] }> {
    const cache = await this.cache(runId);
    const guides = datasetGuides(this.options.datasets.dataset());
    const items: PseudoCams[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      const cams = await cache.read(id, guides);
      if (cams) items.push({ id, ...cams, probs: cams.probs.map((p) => (Number.isFinite(p) ? p : null)), background: cams.background ?? null, embedding: cams.embedding ? embeddingToBytes(cams.embedding) : null });
      else missing.push(id);
    }
    return { items, missing };
  }
}
