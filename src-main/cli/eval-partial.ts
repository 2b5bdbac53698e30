/**
 * Partial evaluations: the confusion counts of one shard of `eader eval`, written to a file
 * (`eader-eval-partial/1`), and `eader eval --merge`, which sums the n partials of one evaluation
 * into the counts one job would have made, so its metrics are exactly one job's. Counts are
 * integers (pixels), exact in a float64 up to 2^53, so the sum does not depend on the order.
 *
 * Partials are refused together unless they are of one evaluation: the same split, classes,
 * number of images in the split and predictions (the run's checkpoint and the cam and render
 * settings from the masks' `eader infer` record, or the masks' folder when there is none), every
 * shard 1..n present exactly once.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfusionMatrix } from '../engine/metrics';
import { shardLabel, type Shard } from '../datasets/shard';
import { writeJsonAtomic } from '../fs/atomic-write';
import { readRegularText } from '../fs/read-regular';

export const EVAL_PARTIAL_FORMAT = 'eader-eval-partial/1';

/** What made the predictions: their infer record's settings, or their folder. */
export type PredictionIdentity = { checkpointStep: number; checkpointSha256: string; cam: Record<string, unknown>; render: Record<string, unknown> } | { dir: string };

export interface EvalCounts {
  dataset: string;
  split: string;
  classes: string[];
  prediction: PredictionIdentity;
  shard: Shard;
  /** Images in the whole split (every shard together): partials of one evaluation agree on it. */
  splitImages: number;
  /** Images scored (with GT) in this shard. */
  images: number;
  /** Images without a prediction, scored as all background (in id order). */
  missing: string[];
  matrix: ConfusionMatrix;
}

const InferRecord = z.object({
  checkpointStep: z.number(),
  checkpointSha256: z.string(),
  cam: z.record(z.string(), z.unknown()),
  render: z.record(z.string(), z.unknown()),
});

/**
 * The identity of the masks in `predDir`: from `infer.json`, or the first `infer.shard-*.json` (the
 * shards of one infer job share their settings). `camCache` is left out: it does not change a byte.
 */
export async function predictionIdentity(predDir: string): Promise<PredictionIdentity> {
  const names = await readdir(predDir).catch(() => [] as string[]);
  const record = names.includes('infer.json') ? 'infer.json' : names.filter((n) => /^infer\.shard-\d+-of-\d+\.json$/.test(n)).sort()[0];
  if (record) {
    try {
      const parsed = InferRecord.safeParse(JSON.parse(await readFile(join(predDir, record), 'utf8')));
      if (parsed.success) {
        const { camCache: _ignored, ...cam } = parsed.data.cam;
        return { checkpointStep: parsed.data.checkpointStep, checkpointSha256: parsed.data.checkpointSha256, cam, render: parsed.data.render };
      }
    } catch {
      // an unreadable record: the folder identifies the masks
    }
  }
  return { dir: resolve(predDir) };
}

const PartialFile = z.object({
  format: z.literal(EVAL_PARTIAL_FORMAT),
  dataset: z.string(),
  split: z.string(),
  classes: z.array(z.string()).min(1).max(255),
  splitImages: z.number().int().nonnegative(),
  prediction: z.union([z.object({ dir: z.string() }).strict(), InferRecord.strict()]),
  shard: z.object({ index: z.number().int().min(1), count: z.number().int().min(1) }),
  images: z.number().int().nonnegative(),
  missing: z.array(z.string()),
  unscored: z.number().int().nonnegative(),
  confusion: z.array(z.array(z.number().int().nonnegative())),
});
type PartialFile = z.infer<typeof PartialFile>;

/** Write one shard's counts (the file's folder is created). */
export async function writeEvalPartial(file: string, counts: EvalCounts): Promise<void> {
  const n = counts.classes.length;
  const confusion = Array.from({ length: n }, (_, g) => Array.from(counts.matrix.counts.subarray(g * n, (g + 1) * n)));
  const doc: PartialFile = {
    format: EVAL_PARTIAL_FORMAT,
    dataset: counts.dataset,
    split: counts.split,
    classes: counts.classes,
    splitImages: counts.splitImages,
    prediction: counts.prediction,
    shard: counts.shard,
    images: counts.images,
    missing: counts.missing,
    unscored: counts.matrix.unscored,
    confusion,
  };
  await mkdir(dirname(resolve(file)), { recursive: true });
  await writeJsonAtomic(resolve(file), doc);
}

async function readPartial(file: string): Promise<PartialFile> {
  const text = await readRegularText(file, { kind: 'json' });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message})`);
  }
  const parsed = PartialFile.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(`${file} is not an eval partial written by \`eader eval --shard … --partial\` (${first ? `${first.path.join('.') || 'the file'}: ${first.message}` : 'bad format'})`);
  }
  const n = parsed.data.classes.length;
  if (parsed.data.confusion.length !== n || parsed.data.confusion.some((row) => row.length !== n)) {
    throw new Error(`${file}: the confusion matrix is not ${n}×${n} (one row and column per class)`);
  }
  if (parsed.data.shard.index > parsed.data.shard.count) throw new Error(`${file}: shard ${shardLabel(parsed.data.shard)} does not exist`);
  return parsed.data;
}

const canonical = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));

function describePrediction(p: PartialFile['prediction']): string {
  if ('dir' in p) return `the masks in ${p.dir} (no infer record)`;
  return `checkpoint step ${p.checkpointStep} (${p.checkpointSha256.slice(0, 12)}…) with cam ${canonical(p.cam)} and render ${canonical(p.render)}`;
}

/** Sum the partials of one evaluation; refuses partials of different evaluations, a missing shard or a repeated one. */
export async function mergeEvalPartials(files: readonly string[]): Promise<EvalCounts> {
  if (files.length === 0) throw new Error('--merge needs the partial files of every shard');
  const partials = await Promise.all(files.map(async (file) => ({ file, doc: await readPartial(file) })));
  const [first, ...rest] = partials;
  const a = first!.doc;
  for (const { file, doc: b } of rest) {
    const differs = (what: string, x: string, y: string): Error =>
      new Error(`${basename(file)} and ${basename(first!.file)} are partials of different evaluations (${what}: ${x} vs ${y}); merge only the shards of one \`eader eval\` job.`);
    if (b.split !== a.split) throw differs('the split', b.split, a.split);
    if (b.classes.join('\n') !== a.classes.join('\n')) throw differs('the class list', `${b.classes.length} classes: ${b.classes.join(', ')}`, `${a.classes.length} classes: ${a.classes.join(', ')}`);
    if (b.splitImages !== a.splitImages) throw differs('the number of images in the split', String(b.splitImages), String(a.splitImages));
    if (canonical(b.prediction) !== canonical(a.prediction)) throw differs('the predictions (run checkpoint or settings)', describePrediction(b.prediction), describePrediction(a.prediction));
    if (b.shard.count !== a.shard.count) throw differs('the number of shards', String(b.shard.count), String(a.shard.count));
  }
  const count = a.shard.count;
  const byIndex = new Map<number, { file: string; doc: PartialFile }>();
  for (const p of partials) {
    const seen = byIndex.get(p.doc.shard.index);
    if (seen) throw new Error(`${basename(p.file)} and ${basename(seen.file)} are both shard ${shardLabel(p.doc.shard)}; pass each shard once.`);
    byIndex.set(p.doc.shard.index, p);
  }
  const absent = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (absent.length > 0) {
    const shown = absent.slice(0, 20).map((i) => `${i}/${count}`).join(', ');
    throw new Error(`shard${absent.length > 1 ? 's' : ''} ${shown}${absent.length > 20 ? ` and ${absent.length - 20} more` : ''} of ${count} ${absent.length > 1 ? 'are' : 'is'} missing: the merge needs every shard's partial.`);
  }
  const n = a.classes.length;
  const matrix = new ConfusionMatrix(n);
  let images = 0;
  const missing: string[] = [];
  // Shards are contiguous blocks in id order: taken in shard order, the missing ids stay in id order.
  for (let i = 1; i <= count; i++) {
    const { doc } = byIndex.get(i)!;
    doc.confusion.forEach((row, g) => row.forEach((v, p) => (matrix.counts[g * n + p]! += v)));
    matrix.unscored += doc.unscored;
    images += doc.images;
    missing.push(...doc.missing);
  }
  return { dataset: a.dataset, split: a.split, classes: a.classes, prediction: a.prediction, shard: { index: 1, count: 1 }, splitImages: a.splitImages, images, missing, matrix };
}
