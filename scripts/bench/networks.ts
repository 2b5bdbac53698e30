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
  /** Median process CPU time per step (ms): steadier than wall time when other work shares the cores. */
  trainCpuMs: number | null;
  inferCpuMs: number | null;
  /** Set when a config was cut short: too slow on this backend for the bench's time box. */
  note?: string;
}

/** Median of up to `repeats` runs after one warm-up, stopping early past `budgetMs`. */
interface Timed {
  ms: number;
  cpuMs: number;
  runs: number;
}

function cpuMsNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function timeWithBudget(fn: () => Promise<void>, repeats: number, budgetMs: number): Promise<Timed> {
  const w0 = performance.now();
  const c0 = cpuMsNow();
  await fn();
  const warm = performance.now() - w0;
  // Too slow to repeat within the budget: report the cold run alone (the caller notes it).
  if (warm > budgetMs) return { ms: warm, cpuMs: cpuMsNow() - c0, runs: 0 };
  const times: number[] = [];
  const cpuTimes: number[] = [];
  const start = performance.now();
  for (let i = 0; i < repeats; i++) {
    if (i > 0 && performance.now() - start + warm > budgetMs) break;
    const t0 = performance.now();
    const c = cpuMsNow();
    await fn();
    cpuTimes.push(cpuMsNow() - c);
    times.push(performance.now() - t0);
  }
  return { ms: median(times), cpuMs: median(cpuTimes), runs: times.length };
}

export async function timeNetwork(
  net: NetKind,
  size: number,
  opts: { batch: number; classes: number; repeats: number; budgetMs: number; skipTrainAboveMs?: number },
): Promise<NetTiming> {
  const model = buildNet(net, opts.classes);
  const images = tf.randomNormal([opts.batch, size, size, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  const labels = tf.tidy(() => tf.cast(tf.less(tf.randomUniform([opts.batch, opts.classes], 0, 1, 'float32', 8), 0.2), 'float32')) as tf.Tensor2D;
  const opt = tf.train.momentum(0.01, 0.9);
  const notes: string[] = [];
  const infer = await timeWithBudget(() => camInference(model, images), opts.repeats, opts.budgetMs);
  const runsNote = (what: string, runs: number) => (runs === 0 ? `${what}: one cold run` : `${what}: ${runs} timed runs`);
  if (infer.runs < opts.repeats) notes.push(runsNote('inference', infer.runs));
  let train: Timed | null = null;
  if (opts.skipTrainAboveMs !== undefined && infer.ms > opts.skipTrainAboveMs) {
    notes.push(`training skipped (inference alone takes ${(infer.ms / 1000).toFixed(1)} s per batch)`);
  } else {
    train = await timeWithBudget(() => trainStep(model, opt, images, labels), opts.repeats, opts.budgetMs);
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
    trainCpuMs: train?.cpuMs ?? null,
    inferCpuMs: infer.cpuMs,
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  };
}
