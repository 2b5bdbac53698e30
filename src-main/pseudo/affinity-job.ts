/**
 * One affinity-head job (`eader refine`, the app's "Train affinity head"): in the pseudo-mask
 * worker (worker-main.ts) or in-process (tests). Plain data in and out.
 *   1. Seeds: per train image, the localizer's cams of its GT classes at the walk grid (scale 1, no
 *      flip), then fg/bg thresholds (IRN's 0.30 / 0.05, the band between ignored).
 *   2. Training: one image per step, in an order drawn per epoch from the seed (so a resumed run
 *      takes the same images), mirrored every other draw; Adam on the head only, the localizer
 *      frozen. A checkpoint every `checkpointEvery` steps and at the end, in runs/<id>/affinity/.
 *   3. Length: `epochs` passes, or what fits in the time budget (trainer/time-budget.ts: plan,
 *      re-plan, stop with a checkpoint; the budget counts the seeds and resumed sessions too).
 *   4. head.json (affinity-head.ts) once the plan is done or the budget spent; a cancelled or
 *      `stopAfter` session leaves only its checkpoint, and the next run resumes from it.
 */
import { appendFile, mkdir, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { HeadJob, HeadJobProgress, HeadJobResult } from '@shared/protocols/pseudo-worker';
import type { RgbImage } from '@shared/domain/dataset';
import { readImage } from '../datasets/load';
import { initBackend } from '../engine/backend';
import { AffinityModel, AFFINITY_TRAIN_DEFAULTS } from '../engine/affinity/affinity-model';
import { SEED_DEFAULTS, seedLabels } from '../engine/affinity/seeds';
import { multiScaleCams } from '../engine';
import { makeRng } from '../engine/rng';
import { writeJsonAtomic } from '../fs/atomic-write';
import { loadLatestCheckpoint, retainCheckpoints, writeCheckpoint } from '../runs/checkpoints';
import { affinityPaths } from '../runs/run-layout';
import { TimeBudget } from '../trainer/time-budget';
import { HEAD_FORMAT, type HeadRecord } from './affinity-head';
import { loadRunModel } from './run-model';

export { HeadJob, type HeadJobProgress, type HeadJobResult } from '@shared/protocols/pseudo-worker';

/** Head checkpoints kept besides the latest. */
const KEEP = 2;
/** Steps whose losses make the record's `loss`. */
const LOSS_WINDOW = 50;

/** The image of step `step` and whether it is mirrored: a permutation per epoch, drawn from the seed. */
export function stepOrder(seed: number, count: number, step: number): { index: number; flip: boolean } {
  const epoch = Math.floor(step / count);
  const rng = makeRng(seed * 7919 + epoch);
  const perm = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  const at = step % count;
  return { index: perm[at]!, flip: (at + epoch) % 2 === 1 };
}

const baseScaleOf = (image: RgbImage, maxSide: number | null): number => (maxSide ? Math.min(1, maxSide / Math.max(image.width, image.height)) : 1);

export async function runHeadJob(job: HeadJob, onProgress: (p: HeadJobProgress) => void, isCancelled: () => boolean = () => false): Promise<HeadJobResult> {
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  const backend = await initBackend(job.backend ? { force: job.backend } : {});
  const paths = affinityPaths(job.runDir);
  const config = AFFINITY_TRAIN_DEFAULTS;
  const { model } = await loadRunModel(job.runDir, job.checkpointDir);
  let affinity: AffinityModel | null = null;
  try {
    affinity = AffinityModel.create(model.localizer, config);
    // Resume: the last checkpoint, if it was trained on this localizer checkpoint (else it is stale: ours to remove).
    let step = 0;
    let elapsedBefore = 0;
    let lossBefore: number | null = null; // the loss the last checkpoint recorded (a session may add no step)
    const latest = await loadLatestCheckpoint(paths.checkpoints);
    if (latest && latest.state.extra?.localizerSha256 === job.localizer.checkpointSha256) {
      affinity.setState(latest.state.tensors, Number(latest.state.extra.iterations ?? latest.state.step));
      step = latest.state.step;
      elapsedBefore = Number(latest.state.extra.elapsed ?? 0);
      lossBefore = typeof latest.state.extra.loss === 'number' ? latest.state.extra.loss : null;
    } else if (latest) {
      await rm(paths.dir, { recursive: true, force: true });
    }
    const resumedFrom = step;
    await mkdir(paths.dir, { recursive: true });

    // 1. Seeds at the walk grid, from the localizer's cams of each image's GT classes.
    const seeds: Uint8Array[] = [];
    for (const [i, ref] of job.images.entries()) {
      if (isCancelled()) return { steps: step, resumedFrom, loss: null, backend: backend.name, status: 'stopped', seconds: elapsed() };
      const image = await readImage(job.datasetRoot, ref);
      const baseScale = baseScaleOf(image, job.inputMaxSide);
      const grid = affinity.gridOf(image, baseScale);
      const cams = ref.labels.length ? await multiScaleCams(model, image, ref.labels.map((c) => c - 1), { scales: [1], flip: false, baseScale, outSize: grid }) : [];
      seeds.push(seedLabels(cams.map((c) => c.cam), grid.width * grid.height, SEED_DEFAULTS));
      onProgress({ phase: 'seeds', done: i + 1, total: job.images.length, loss: null, seconds: elapsed(), note: null });
      await new Promise<void>((resolve) => setImmediate(resolve)); // let messages (cancel) in
    }

    // 2. Training, under the run's length or the time budget.
    const n = job.images.length;
    // The budget counts the whole job, the seeds of every session included (what a user waits for).
    const seedSeconds = elapsed();
    const budget = new TimeBudget(job.timeBudgetMinutes === null ? null : job.timeBudgetMinutes * 60, job.epochs * n, elapsedBefore + seedSeconds);
    const trainStarted = performance.now();
    const trainElapsed = (): number => (performance.now() - trainStarted) / 1000;
    const losses: number[] = [];
    const meanLoss = (): number | null => (losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : lossBefore);
    let session = 0;
    let stoppedBy: HeadRecord['stoppedBy'] = 'steps';
    const manifestSha = async (dir: string): Promise<string> => (JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { sha256: string }).sha256;
    let saved: { step: number; dir: string } | null = latest && step > 0 ? { step, dir: latest.info.dir } : null;
    const checkpoint = async (): Promise<{ dir: string; sha256: string }> => {
      if (saved?.step === step) return { dir: saved.dir, sha256: await manifestSha(saved.dir) }; // nothing new since
      const info = await writeCheckpoint(paths.checkpoints, {
        step,
        epoch: Math.floor(step / n),
        score: null,
        tensors: await affinity!.getState(),
        extra: { localizerSha256: job.localizer.checkpointSha256, iterations: affinity!.iterations, elapsed: elapsedBefore + seedSeconds + trainElapsed(), loss: meanLoss() },
      });
      await retainCheckpoints(paths.checkpoints, info, KEEP);
      saved = { step, dir: info.dir };
      return { dir: info.dir, sha256: await manifestSha(info.dir) };
    };
    let interrupted = false;
    while (step < budget.totalSteps) {
      if (step > 0 && budget.expired(trainElapsed())) { // a head gets at least one step, however slow its seeds were
        stoppedBy = 'budget';
        break;
      }
      if (isCancelled() || (job.stopAfter !== undefined && session >= job.stopAfter)) {
        interrupted = true;
        break;
      }
      const t0 = performance.now();
      const { index, flip } = stepOrder(config.seed, n, step);
      const ref = job.images[index]!;
      const image = await readImage(job.datasetRoot, ref);
      const { loss } = await affinity.step(image, seeds[index]!, { flip, baseScale: baseScaleOf(image, job.inputMaxSide) });
      if (!Number.isFinite(loss)) throw new Error(`the affinity head's loss is ${loss} at step ${step} (image ${ref.id})`);
      step += 1;
      session += 1;
      losses.push(loss);
      if (losses.length > LOSS_WINDOW) losses.shift();
      const note = budget.observe((performance.now() - t0) / 1000, step, trainElapsed());
      await appendFile(paths.metrics, `${JSON.stringify({ step, loss, image: ref.id, seconds: (performance.now() - t0) / 1000 })}\n`);
      onProgress({ phase: 'train', done: step, total: budget.totalSteps, loss, seconds: elapsed(), note });
      if (step % job.checkpointEvery === 0 && step < budget.totalSteps) await checkpoint();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (!interrupted && budget.limiting) stoppedBy = 'budget';
    const final = await checkpoint();
    const loss = meanLoss();
    if (interrupted) return { steps: step, resumedFrom, loss, backend: backend.name, status: 'stopped', seconds: elapsed() };
    const record: HeadRecord = {
      format: HEAD_FORMAT,
      localizer: job.localizer,
      checkpoint: basename(final.dir),
      sha256: final.sha256,
      steps: step,
      loss,
      config: { ...config.head, radius: config.radius, lr: config.lr, seed: config.seed, seeds: SEED_DEFAULTS, inputMaxSide: job.inputMaxSide },
      stoppedBy,
      seconds: elapsedBefore + seedSeconds + trainElapsed(),
      finishedAt: new Date().toISOString(),
    };
    await writeJsonAtomic(paths.head, record);
    return { steps: step, resumedFrom, loss, backend: backend.name, status: 'finished', seconds: elapsed() };
  } finally {
    affinity?.dispose();
    model.dispose();
  }
}
