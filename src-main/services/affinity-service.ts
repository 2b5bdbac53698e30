/**
 * The app's "Train affinity head" (`eader refine` for the app and the host): one head job at a time,
 * in a pseudo-mask worker (pseudo/head-runner.ts), on the open dataset's split, for a run the
 * pseudo-mask service finds (same runs roots and class check). Progress as `pseudo:head-progress`;
 * cancel stops between steps with a checkpoint, and the next start resumes from it.
 */
import type { HeadJobState, HeadTrainInput } from '@shared/domain/pseudo-view';
import { HeadTrainInput as HeadTrainSchema } from '@shared/domain/pseudo-view';
import { ApiError, asApiError, errorText } from '@shared/envelope';
import { imagesOfSplit } from '../datasets/select';
import { forkedHeadRunner, type HeadRunner } from '../pseudo/head-runner';
import { checkpointIdentity } from '../pseudo/run-checkpoint';
import type { PseudoService } from './pseudo-service';

export interface AffinityServiceOptions {
  pseudo: PseudoService;
  emit: (state: HeadJobState) => void;
  runner?: HeadRunner;
}

export class AffinityService {
  private job: HeadJobState | null = null;
  private abort: AbortController | null = null;
  private finished: Promise<void> = Promise.resolve();
  private nextJob = 1;

  constructor(private readonly options: AffinityServiceOptions) {}

  async train(given: HeadTrainInput): Promise<HeadJobState> {
    if (this.job?.status === 'running') throw new ApiError('CONFLICT', `The affinity head of run ${this.job.runId} is training; cancel that first.`);
    const input = HeadTrainSchema.parse(given);
    const { pseudo } = this.options;
    const runDir = await pseudo.runDir(input.runId);
    const checkpoint = await asApiError('NOT_FOUND', () => checkpointIdentity(runDir, 'best'));
    const dataset = pseudo.options.datasets.dataset();
    const images = await asApiError('NOT_FOUND', async () => imagesOfSplit(dataset, input.split));
    if (images.length === 0) throw new ApiError('NOT_FOUND', `Split "${input.split}" of the open dataset has no images to train the affinity head on.`);
    const started = performance.now();
    this.job = { jobId: this.nextJob++, runId: input.runId, status: 'running', phase: 'seeds', done: 0, total: images.length, loss: null, message: null, seconds: 0 };
    const update = (patch: Partial<HeadJobState>): void => {
      this.job = { ...this.job!, ...patch, seconds: (performance.now() - started) / 1000 };
      this.options.emit(this.job);
    };
    update({});
    const abort = new AbortController();
    this.abort = abort;
    const runner = this.options.runner ?? forkedHeadRunner();
    const job = {
      runDir,
      checkpointDir: checkpoint.dir,
      localizer: checkpoint.key,
      datasetRoot: dataset.root,
      images: images.map((r) => ({ id: r.id, file: r.file, labels: r.labels })),
      epochs: input.epochs,
      timeBudgetMinutes: input.timeBudgetMinutes,
      inputMaxSide: null,
      checkpointEvery: 100,
    };
    this.finished = runner(job, (p) => update({ phase: p.phase, done: p.done, total: p.total, loss: p.loss, ...(p.note ? { message: p.note } : {}) }), abort.signal).then(
      (r) =>
        update({
          status: r.status,
          done: r.steps,
          loss: r.loss,
          message: r.status === 'finished' ? `Head trained: ${r.steps} steps on ${r.backend}.` : `Stopped at step ${r.steps}; start again to resume.`,
        }),
      (error: unknown) => update({ status: 'failed', message: errorText(error) }),
    );
    return this.job;
  }

  /** Resolves when the running job (if any) has ended. */
  async settled(): Promise<HeadJobState | null> {
    await this.finished;
    return this.job;
  }

  status(): HeadJobState | null {
    return this.job;
  }

  cancel(): HeadJobState | null {
    if (this.job?.status === 'running') this.abort?.abort();
    return this.job;
  }
}
