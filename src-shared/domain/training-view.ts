/**
 * What the Training area sees: the live run's state, its loss series (columnar, min/max-decimated),
 * erasure-round samples, and the run history. Pure TypeScript (main side and renderer share it).
 */
import { z } from 'zod';
import { TrainerErrorCode } from '../trainer-protocol';
import type { LossTerms, SegmenterLossTerms } from './loss-terms';
import { PresetWeights } from './preset-weights';
import { SegmenterConfig } from './segmenter-config';
import { SegmenterLabels } from './segmenter-view';
import { TrainConfig } from './train-config';
import { PresetId } from './train-presets';
import { RunWeights } from './weights';
import { FinishReason, Validation } from './validation';

/** Run ids are folder names under the runs root: no separators, no dot-only names. */
export const RunId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a run id is letters, digits, ".", "_" and "-"');

/** A preset as the Training area offers it: applied against the weights store (domain/preset-weights.ts). */
export const TrainingPreset = z.object({ id: PresetId, label: z.string(), description: z.string(), config: TrainConfig, weights: PresetWeights });
export type TrainingPreset = z.infer<typeof TrainingPreset>;

/** A localizer run (EADER: localizer + adversary) or a segmenter run (docs/segmenter.md). */
export const RunKind = z.enum(['localizer', 'segmenter']);
export type RunKind = z.infer<typeof RunKind>;

// ---------------------------------------------------------------------------------------------
// series

/**
 * The columns of a loss series, in wire order. `phase` is 0 = localizer block, 1 = adversary block,
 * 2 = a segmenter run's step; the seg* columns are a segmenter run's terms (NaN in a localizer run's
 * rows, and the localizer columns NaN in a segmenter run's).
 */
export const SERIES_COLUMNS = ['step', 'phase', 'locBce', 'alphaTerm', 'betaTerm', 'advBce', 'segCe', 'segTrusted', 'segPseudo', 'imagesPerSecond'] as const;
export type SeriesColumn = (typeof SERIES_COLUMNS)[number];

const column = z.array(z.number().nullable());
/** Columnar points; a null is a missing or non-finite value (a gap in a chart). */
export const SeriesChunk = z.object(Object.fromEntries(SERIES_COLUMNS.map((c) => [c, column])) as Record<SeriesColumn, typeof column>);
export type SeriesChunk = z.infer<typeof SeriesChunk>;

export type SeriesRow = Record<SeriesColumn, number>;

/**
 * A step's loss terms → series row values (a localizer's, or a segmenter's). A metrics.jsonl row read
 * from disk may lack a term (a torn or hand-edited file): that column is then NaN, a gap in the chart.
 */
export function lossColumns(
  losses: Partial<LossTerms> & Partial<Record<keyof SegmenterLossTerms, number | null>>,
): Pick<SeriesRow, 'locBce' | 'alphaTerm' | 'betaTerm' | 'advBce' | 'segCe' | 'segTrusted' | 'segPseudo'> {
  const term = (value: number | null | undefined): number => (typeof value === 'number' ? value : Number.NaN);
  return {
    locBce: term(losses.bce),
    alphaTerm: term(losses.adv),
    betaTerm: term(losses.reg),
    advBce: term(losses.advBce),
    segCe: term(losses.ce),
    segTrusted: term(losses.ceTrusted),
    segPseudo: term(losses.cePseudo),
  };
}

/** The series' phase column of a step's phase. */
export const phaseColumn = (phase: string | undefined): number => (phase === 'adversary' ? 1 : phase === 'segmenter' ? 2 : 0);

/**
 * A growable columnar series (Float64Array per column, NaN for gaps). Past `cap` rows it compacts
 * itself by min/max: every 4 rows become 2 holding each column's min and max in order of occurrence,
 * so spikes survive and the memory stays bounded however long a run is.
 */
/** Most points one loss series keeps (older points are compacted, min/max preserved). */
export const MAX_SERIES_POINTS = 20_000;

export class SeriesBuffer {
  private cols: Record<SeriesColumn, Float64Array>;
  private n = 0;
  /** How many times the buffer has been compacted (each halves the resolution). */
  compactions = 0;

  constructor(
    readonly cap = 20_000,
    initial = 1024,
  ) {
    if (cap < 8) throw new Error('SeriesBuffer cap must be at least 8');
    this.cols = allocate(Math.min(initial, cap + 1));
  }

  get length(): number {
    return this.n;
  }

  column(name: SeriesColumn): Float64Array {
    return this.cols[name].subarray(0, this.n);
  }

  push(row: SeriesRow): void {
    if (this.n === this.cols.step.length) this.grow();
    for (const c of SERIES_COLUMNS) this.cols[c][this.n] = Number.isFinite(row[c]) ? row[c] : Number.NaN;
    this.n += 1;
    if (this.n > this.cap) this.compact();
  }

  pushChunk(chunk: SeriesChunk): void {
    const rows = chunk.step.length;
    for (let i = 0; i < rows; i++) {
      const row = {} as SeriesRow;
      for (const c of SERIES_COLUMNS) row[c] = chunk[c][i] ?? Number.NaN;
      this.push(row);
    }
  }

  clear(): void {
    this.n = 0;
    this.compactions = 0;
  }

  toChunk(from = 0): SeriesChunk {
    const out = {} as SeriesChunk;
    for (const c of SERIES_COLUMNS) out[c] = Array.from(this.column(c).subarray(from), (v) => (Number.isFinite(v) ? v : null));
    return out;
  }

  private grow(): void {
    const next = allocate(Math.min(this.cols.step.length * 2, this.cap + 1));
    for (const c of SERIES_COLUMNS) next[c].set(this.cols[c]);
    this.cols = next;
  }

  private compact(): void {
    const groups = Math.floor(this.n / 4);
    const x = this.cols.step;
    let w = 0;
    for (let g = 0; g < groups; g++) {
      const start = g * 4;
      for (const c of SERIES_COLUMNS) {
        const v = this.cols[c];
        if (c === 'step') {
          v[w] = x[start]!;
          v[w + 1] = x[start + 3]!;
          continue;
        }
        const [lo, hi] = extremes(v, start, start + 4);
        v[w] = lo.at <= hi.at ? lo.value : hi.value;
        v[w + 1] = lo.at <= hi.at ? hi.value : lo.value;
      }
      w += 2;
    }
    for (let r = groups * 4; r < this.n; r++, w++) for (const c of SERIES_COLUMNS) this.cols[c][w] = this.cols[c][r]!;
    this.n = w;
    this.compactions += 1;
  }
}

function allocate(size: number): Record<SeriesColumn, Float64Array> {
  return Object.fromEntries(SERIES_COLUMNS.map((c) => [c, new Float64Array(size)])) as Record<SeriesColumn, Float64Array>;
}

/** Min and max of v[from..to) with their positions; NaN is skipped (both NaN when all are). */
function extremes(v: Float64Array, from: number, to: number): [{ value: number; at: number }, { value: number; at: number }] {
  const lo = { value: Number.NaN, at: from };
  const hi = { value: Number.NaN, at: from };
  for (let i = from; i < to; i++) {
    const value = v[i]!;
    if (Number.isNaN(value)) continue;
    if (Number.isNaN(lo.value) || value < lo.value) Object.assign(lo, { value, at: i });
    if (Number.isNaN(hi.value) || value > hi.value) Object.assign(hi, { value, at: i });
  }
  return [lo, hi];
}

/**
 * Min/max decimation for drawing: the x range is cut into `buckets` equal slices (one per pixel);
 * each non-empty slice yields at most 2 points, at its first and last x, holding every series' min
 * and max in order of occurrence. The envelope of each series is exact at pixel resolution.
 */
export function decimateMinMax(x: Float64Array, ys: readonly Float64Array[], buckets: number): { x: number[]; ys: (number | null)[][] } {
  const n = x.length;
  const outX: number[] = [];
  const outYs: (number | null)[][] = ys.map(() => []);
  if (n === 0) return { x: outX, ys: outYs };
  const b = Math.max(1, Math.floor(buckets));
  if (n <= 2 * b) {
    for (let i = 0; i < n; i++) outX.push(x[i]!);
    ys.forEach((y, s) => {
      for (let i = 0; i < n; i++) outYs[s]!.push(finiteOrNull(y[i]!));
    });
    return { x: outX, ys: outYs };
  }
  const x0 = x[0]!;
  const span = Math.max(x[n - 1]! - x0, Number.MIN_VALUE);
  let start = 0;
  while (start < n) {
    const bucket = Math.min(b - 1, Math.floor(((x[start]! - x0) / span) * b));
    let end = start + 1;
    while (end < n && Math.min(b - 1, Math.floor(((x[end]! - x0) / span) * b)) === bucket) end++;
    if (end - start === 1) {
      outX.push(x[start]!);
      ys.forEach((y, s) => outYs[s]!.push(finiteOrNull(y[start]!)));
    } else {
      outX.push(x[start]!, x[end - 1]!);
      ys.forEach((y, s) => {
        const [lo, hi] = extremes(y, start, end);
        const first = lo.at <= hi.at ? lo.value : hi.value;
        const second = lo.at <= hi.at ? hi.value : lo.value;
        outYs[s]!.push(finiteOrNull(first), finiteOrNull(second));
      });
    }
    start = end;
  }
  return { x: outX, ys: outYs };
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

// ---------------------------------------------------------------------------------------------
// the live run

export const TrainingStatusName = z.enum(['idle', 'starting', 'running', 'paused', 'stopping', 'finished', 'failed']);
export type TrainingStatusName = z.infer<typeof TrainingStatusName>;

export const TrainingOutcome = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('finished'), reason: FinishReason, step: z.number().int(), validation: Validation.nullable().default(null) }),
  z.object({ kind: z.literal('error'), code: z.union([TrainerErrorCode, z.literal('LAUNCH')]), message: z.string(), step: z.number().int().nullable() }),
  z.object({ kind: z.literal('crashed'), message: z.string(), exitCode: z.number().int().nullable(), signal: z.string().nullable() }),
]);
export type TrainingOutcome = z.infer<typeof TrainingOutcome>;

export const TrainingState = z.object({
  status: TrainingStatusName,
  /** What the live run trains (localizer until a run says otherwise). */
  kind: RunKind,
  runId: z.string().nullable(),
  runDir: z.string().nullable(),
  preset: PresetId.nullable(),
  /** A localizer run's settings (null for a segmenter run). */
  config: TrainConfig.nullable(),
  /** A segmenter run's settings (null for a localizer run). */
  segmenterConfig: SegmenterConfig.nullable(),
  datasetRoot: z.string().nullable(),
  classes: z.array(z.string()),
  /** The backend the trainer reports, e.g. "wasm (cpu)"; null until it has started. */
  backend: z.string().nullable(),
  pid: z.number().int().nullable(),
  resumed: z.boolean(),
  startStep: z.number().int(),
  step: z.number().int(),
  totalSteps: z.number().int().nullable(),
  epoch: z.number().int(),
  epochs: z.number().int().nullable(),
  phase: z.enum(['localizer', 'adversary', 'segmenter']).nullable(),
  imagesPerSecond: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  elapsedSeconds: z.number(),
  trainImages: z.number().int().nullable(),
  lastCheckpoint: z.object({ step: z.number().int(), path: z.string() }).nullable(),
  /** A pause or stop was asked for and the trainer has not reached a step boundary yet. */
  requested: z.enum(['pause', 'stop']).nullable(),
  outcome: TrainingOutcome.nullable(),
  /** After a crash or an error: "resume from checkpoint" is offered. */
  resumable: z.boolean(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** The trainer's last log lines (warnings first to show). */
  notes: z.array(z.string()),
});
export type TrainingState = z.infer<typeof TrainingState>;

export const ProgressSnapshot = TrainingState.pick({ step: true, totalSteps: true, epoch: true, epochs: true, phase: true, imagesPerSecond: true, etaSeconds: true, elapsedSeconds: true });

/** `training:progress`: the points since the last event (sent at most ~10 times a second). */
export const TrainingProgressEvent = z.object({ runId: z.string(), points: SeriesChunk, progress: ProgressSnapshot, numTensors: z.number().int() });
export type TrainingProgressEvent = z.infer<typeof TrainingProgressEvent>;

const png = z.instanceof(Uint8Array);
/** `training:sample`: one fixed image through one erasure round. */
export const TrainingSample = z.object({
  runId: z.string(),
  step: z.number().int(),
  imageId: z.string(),
  image: png,
  /** One cam per positive class; classIndex is the dataset's class index (1..K). */
  cams: z.array(z.object({ classIndex: z.number().int(), png })),
  softMask: png,
  erased: png,
  /** Per foreground class (index 0 = dataset class 1). */
  adversaryProbs: z.array(z.number()),
});
export type TrainingSample = z.infer<typeof TrainingSample>;

/** `training:status`: everything a reloaded renderer needs to re-attach to the live (or last) run. */
export const TrainingStatus = z.object({ state: TrainingState, series: SeriesChunk, samples: z.array(TrainingSample), compactions: z.number().int() });
export type TrainingStatus = z.infer<typeof TrainingStatus>;

// ---------------------------------------------------------------------------------------------
// history

export const RunEval = z.object({ file: z.string(), split: z.string().nullable(), miou: z.number().nullable(), pixelAccuracy: z.number().nullable() });

const RunStatus = z.enum(['live', 'completed', 'stopped', 'max-steps', 'time-budget', 'error', 'crashed', 'unknown']);

const summaryBase = {
  runId: RunId,
  createdAt: z.string(),
  backend: z.string(),
  datasetRoot: z.string(),
  datasetFormat: z.string(),
  classes: z.array(z.string()),
  trainImages: z.number().int(),
  lastStep: z.number().int(),
  totalSteps: z.number().int().nullable(),
  durationSeconds: z.number().nullable(),
  checkpoints: z.number().int(),
  resumes: z.number().int(),
  /** The pretrained weights the run started from, with their SHA-256 (null: from scratch). */
  weights: RunWeights,
  /** 'live' for the run being trained now; from the run's outcome file otherwise ('unknown' when absent). */
  status: RunStatus,
  message: z.string().nullable(),
  evals: z.array(RunEval),
  /** The last val BCE against the label prior (null: never measured — no labelled val split, an older run, a segmenter run). */
  validation: Validation.nullable(),
};

export const LocalizerRunSummary = z.object({
  kind: z.literal('localizer'),
  ...summaryBase,
  config: TrainConfig,
  finalLosses: z.object({ locBce: z.number().nullable(), alphaTerm: z.number().nullable(), betaTerm: z.number().nullable(), advBce: z.number().nullable() }),
});
export type LocalizerRunSummary = z.infer<typeof LocalizerRunSummary>;

export const SegmenterRunSummary = z.object({
  kind: z.literal('segmenter'),
  ...summaryBase,
  config: SegmenterConfig,
  labels: SegmenterLabels,
  finalLosses: z.object({ ce: z.number().nullable(), ceTrusted: z.number().nullable(), cePseudo: z.number().nullable() }),
});
export type SegmenterRunSummary = z.infer<typeof SegmenterRunSummary>;

/** One run of the history: a localizer run or a segmenter run. */
export const RunSummary = z.discriminatedUnion('kind', [LocalizerRunSummary, SegmenterRunSummary]);
export type RunSummary = z.infer<typeof RunSummary>;

export const RunDetail = z.object({ summary: RunSummary, series: SeriesChunk, rows: z.number().int() });
export type RunDetail = z.infer<typeof RunDetail>;
