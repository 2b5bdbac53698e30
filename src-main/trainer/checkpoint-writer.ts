/**
 * Writes the engine's state as a checkpoint of the run, tracks the score (mean localizer
 * classification loss since the previous checkpoint; lower is better) and prunes old ones.
 */
import type { TrainerMessage } from '@shared/trainer-protocol';
import { retainCheckpoints, writeCheckpoint } from '../runs/checkpoints';
import { runPaths } from '../runs/run-store';
import type { TrainerEngine } from './engine-port';

export class CheckpointWriter {
  private lossSum = 0;
  private lossCount = 0;
  lastStep = -1;

  constructor(
    private readonly runDir: string,
    private readonly keep: number,
    private readonly engine: Pick<TrainerEngine, 'exportState'>,
    private readonly emit: (message: TrainerMessage) => void,
    /** Bookkeeping saved with each checkpoint besides the engine's (e.g. the seconds trained so far). */
    private readonly extra: () => Record<string, unknown> = () => ({}),
  ) {}

  /** Record one step's loss (the localizer's classification loss, a segmenter's CE; null for adversary steps). */
  observe(loss: number | null): void {
    if (loss === null || !Number.isFinite(loss)) return;
    this.lossSum += loss;
    this.lossCount += 1;
  }

  async write(step: number, epoch: number): Promise<void> {
    const state = await this.engine.exportState(step);
    if (state.step !== step) throw new Error(`The engine is at step ${state.step}, the loop at ${step}.`);
    const score = this.lossCount > 0 ? this.lossSum / this.lossCount : null;
    const dir = runPaths(this.runDir).checkpoints;
    const info = await writeCheckpoint(dir, { step, epoch, score, tensors: state.tensors, extra: { ...state.extra, ...this.extra() } });
    const best = await retainCheckpoints(dir, info, this.keep);
    this.lossSum = 0;
    this.lossCount = 0;
    this.lastStep = step;
    this.emit({ type: 'checkpoint', step, path: info.dir, best });
  }
}
