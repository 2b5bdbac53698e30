/** Times training steps and CAM inference of the bench networks on the current tfjs backend. */
import * as tf from '@tensorflow/tfjs';
import { type NetKind, buildNet, camInference, trainStep } from './nets';
import { median } from './timing';

export interface NetTiming {
  net: NetKind;
  size: number;
  batch: number;
  trainMs: number | null;
  inferMs: number | null;
  trainImgPerS: number | null;
  inferImgPerS: number | null;
  /** Set when a config was cut short: too slow on this backend for the bench's time box. */
  note?: string;
}

/** Median of up to `repeats` runs after one warm-up, stopping early past `budgetMs`. */
function timeWithBudget(fn: () => void, repeats: number, budgetMs: number): { ms: number; runs: number } {
  const w0 = performance.now();
  fn();
  const warm = performance.now() - w0;
  // Too slow to repeat within the budget: report the cold run alone (the caller notes it).
  if (warm > budgetMs) return { ms: warm, runs: 0 };
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < repeats; i++) {
    if (i > 0 && performance.now() - start + warm > budgetMs) break;
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), runs: times.length };
}

export function timeNetwork(
  net: NetKind,
  size: number,
  opts: { batch: number; classes: number; repeats: number; budgetMs: number; skipTrainAboveMs?: number },
): NetTiming {
  const model = buildNet(net, opts.classes);
  const images = tf.randomNormal([opts.batch, size, size, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  const labels = tf.tidy(() => tf.cast(tf.less(tf.randomUniform([opts.batch, opts.classes], 0, 1, 'float32', 8), 0.2), 'float32')) as tf.Tensor2D;
  const opt = tf.train.momentum(0.01, 0.9);
  const notes: string[] = [];
  const infer = timeWithBudget(() => camInference(model, images), opts.repeats, opts.budgetMs);
  const runsNote = (what: string, runs: number) => (runs === 0 ? `${what}: one cold run` : `${what}: ${runs} timed runs`);
  if (infer.runs < opts.repeats) notes.push(runsNote('inference', infer.runs));
  let train: { ms: number; runs: number } | null = null;
  // Rough guard: a training step costs about 3 forward passes.
  if (opts.skipTrainAboveMs !== undefined && infer.ms * 3 > opts.skipTrainAboveMs) {
    notes.push(`training skipped (est. ${((infer.ms * 3) / 1000).toFixed(1)} s/step)`);
  } else {
    train = timeWithBudget(() => trainStep(model, opt, images, labels), opts.repeats, opts.budgetMs);
    if (train.runs < opts.repeats) notes.push(runsNote('training', train.runs));
  }
  opt.dispose();
  tf.dispose([images, labels]);
  model.dispose();
  return {
    net,
    size,
    batch: opts.batch,
    trainMs: train?.ms ?? null,
    inferMs: infer.ms,
    trainImgPerS: train ? (opts.batch * 1000) / train.ms : null,
    inferImgPerS: (opts.batch * 1000) / infer.ms,
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  };
}
