/**
 * Which images a segmenter step trains on, from the step alone (so a resumed run sees the batches
 * it would have seen). Trusted images (corrected or accepted masks) appear `repeat` times in every
 * epoch list (oversampling); the scheme says when they are used alone:
 *   mixed          every step from the mixed list (pseudo-masked + trusted × repeat)
 *   trusted-first  the first third of the planned steps from the trusted list alone, then mixed
 *   trusted-last   mixed, then the last third of the planned steps from the trusted list alone
 *                  (fine-tuning on the corrections: the labels the network ends on are exact)
 *   alternate      blocks of one trusted-only epoch, then one mixed epoch, in turn
 *   trusted-alone  every step from the trusted list: the pseudo-masks are not used once
 *                  there is a trusted image
 *   auto           trusted-alone once every class is in `trustedAloneFrom` trusted masks,
 *                  mixed before (resolveScheme; the run's log says which)
 * Each list is shuffled per epoch with a seed of (seed, epoch, list). With no trusted image every
 * scheme is `mixed`.
 */
import type { TrustedScheme } from '@shared/domain/segmenter-config';
import { epochOrder } from './loop';

/** What `auto` means for these trusted masks: `classCounts[c]` is how many of them hold class c (1..K). */
export function resolveScheme(scheme: TrustedScheme, classCounts: ReadonlyMap<number, number>, numForeground: number, aloneFrom: number): Exclude<TrustedScheme, 'auto'> {
  if (scheme !== 'auto') return scheme;
  for (let c = 1; c <= numForeground; c++) if ((classCounts.get(c) ?? 0) < aloneFrom) return 'mixed';
  return 'trusted-alone';
}

export interface SampledBatch {
  ids: string[];
  /** The mixed-list epoch this step belongs to (for progress). */
  epoch: number;
  trustedOnly: boolean;
}

export class SegmenterSampler {
  private readonly mixed: string[];
  private readonly trustedList: string[];
  /** Steps in one pass over the mixed list. */
  readonly stepsPerEpoch: number;
  private readonly trustedSteps: number;

  constructor(
    pseudo: readonly string[],
    trusted: readonly string[],
    private readonly opts: { repeat: number; scheme: Exclude<TrustedScheme, 'auto'>; batchSize: number; seed: number },
  ) {
    this.trustedList = trusted.flatMap((id) => Array.from({ length: opts.repeat }, () => id));
    this.mixed = [...pseudo, ...this.trustedList];
    if (this.mixed.length === 0) throw new Error('a segmenter run needs at least one labelled image');
    this.stepsPerEpoch = Math.max(1, Math.floor(this.mixed.length / opts.batchSize));
    this.trustedSteps = Math.max(1, Math.floor(this.trustedList.length / opts.batchSize));
  }

  get images(): number {
    return this.mixed.length;
  }

  /** The batch of step `step` when the run plans `totalSteps`. */
  batchAt(step: number, totalSteps: number): SampledBatch {
    const { scheme } = this.opts;
    if (this.trustedList.length === 0 || scheme === 'mixed') return this.fromMixed(step);
    if (scheme === 'trusted-first') {
      const first = Math.floor(totalSteps / 3);
      return step < first ? this.fromTrusted(step) : this.fromMixed(step - first);
    }
    if (scheme === 'trusted-alone') return this.fromTrusted(step);
    if (scheme === 'trusted-last') {
      const mixedSteps = totalSteps - Math.floor(totalSteps / 3);
      return step < mixedSteps ? this.fromMixed(step) : this.fromTrusted(step - mixedSteps);
    }
    const cycle = this.trustedSteps + this.stepsPerEpoch;
    const round = Math.floor(step / cycle);
    const at = step % cycle;
    return at < this.trustedSteps ? this.fromTrusted(round * this.trustedSteps + at) : this.fromMixed(round * this.stepsPerEpoch + at - this.trustedSteps);
  }

  private fromMixed(k: number): SampledBatch {
    const epoch = Math.floor(k / this.stepsPerEpoch);
    return { ids: this.slice(this.mixed, 0, epoch, k % this.stepsPerEpoch), epoch, trustedOnly: false };
  }

  private fromTrusted(k: number): SampledBatch {
    const epoch = Math.floor(k / this.trustedSteps);
    return { ids: this.slice(this.trustedList, 1, epoch, k % this.trustedSteps), epoch: Math.floor(k / this.stepsPerEpoch), trustedOnly: true };
  }

  private slice(list: readonly string[], stream: number, epoch: number, index: number): string[] {
    const order = epochOrder(list, (this.opts.seed + stream * 0x632be5ab) >>> 0, epoch);
    const B = this.opts.batchSize;
    return order.slice(index * B, index * B + B);
  }
}
