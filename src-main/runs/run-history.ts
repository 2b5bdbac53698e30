/**
 * Run history under a runs root: list run folders (config.json from the run store, the ends of
 * metrics.jsonl, checkpoints, eval reports, and the outcome file this service writes when a run it
 * supervised ends), open one (its whole metrics series, streamed and min/max-compacted), delete one.
 */
import { createReadStream, existsSync } from 'node:fs';
import { open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { ApiError, asApiError } from '@shared/envelope';
import { lossTermsOf, SEGMENTER_LOSS_TERMS } from '@shared/domain/loss-terms';
import { NO_WEIGHTS } from '@shared/domain/weights';
import { lossColumns, MAX_SERIES_POINTS, phaseColumn, RunId, SeriesBuffer, TrainingOutcome, type RunDetail, type RunSummary, type SeriesRow } from '@shared/domain/training-view';
import { writeJsonAtomic } from '../fs/atomic-write';
import { readAnyRunRecord, runPaths } from './run-store';
import { resolveInside } from '../fs/confine';
import { readValidations } from './run-validation';


const OutcomeFile = z.object({
  format: z.literal('eader-run-outcome/1'),
  outcome: TrainingOutcome,
  endedAt: z.string(),
  totalSteps: z.number().int().nullable(),
  /** Seconds of training over every session of the run (resumes add up). */
  trainedSeconds: z.number().nonnegative(),
});
export type OutcomeFile = z.infer<typeof OutcomeFile>;

export async function readOutcome(runDir: string): Promise<OutcomeFile | null> {
  try {
    const parsed = OutcomeFile.safeParse(JSON.parse(await readFile(runPaths(runDir).outcome, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeOutcome(runDir: string, value: Omit<OutcomeFile, 'format'>): Promise<void> {
  await writeJsonAtomic(runPaths(runDir).outcome, { format: 'eader-run-outcome/1', ...value });
}

/** The folder of a run id, confined to the runs root. */
export function runDirOf(root: string, runId: string): string {
  const parsed = RunId.safeParse(runId);
  if (!parsed.success) throw new ApiError('INVALID_INPUT', `"${runId.slice(0, 80)}" is not a run id.`);
  return resolveInside(root, parsed.data);
}

/** The first of `roots` that holds run `runId` (a config.json), else the first root (callers then report it missing). */
export function findRunRoot(roots: readonly string[], runId: string): string {
  for (const root of roots) if (existsSync(runPaths(runDirOf(root, runId)).config)) return root;
  const first = roots[0];
  if (first === undefined) throw new ApiError('NOT_FOUND', 'No runs folder.');
  return first;
}

/** Runs of every root, newest first; a run id found in an earlier root hides the same id later. */
export async function listRunsIn(roots: readonly string[], liveRunId: string | null): Promise<RunSummary[]> {
  const seen = new Set<string>();
  const all: RunSummary[] = [];
  for (const root of roots) {
    for (const run of await listRuns(root, liveRunId)) {
      if (!seen.has(run.runId)) {
        seen.add(run.runId);
        all.push(run);
      }
    }
  }
  return all.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}

interface MetricsEnds {
  first: Record<string, unknown> | null;
  lastRows: Record<string, unknown>[];
}

/** The first row and the last rows (up to 64 KiB) of metrics.jsonl, without reading the middle. */
async function metricsEnds(file: string): Promise<MetricsEnds> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return { first: null, lastRows: [] };
  }
  try {
    const { size } = await handle.stat();
    const headBytes = Math.min(size, 8192);
    const head = Buffer.alloc(headBytes);
    await handle.read(head, 0, headBytes, 0);
    const tailBytes = Math.min(size, 65536);
    const tail = Buffer.alloc(tailBytes);
    await handle.read(tail, 0, tailBytes, size - tailBytes);
    const rows = (text: string): Record<string, unknown>[] =>
      text.split('\n').flatMap((line) => {
        try {
          const row = JSON.parse(line) as unknown;
          return row && typeof row === 'object' && typeof (row as { step?: unknown }).step === 'number' ? [row as Record<string, unknown>] : [];
        } catch {
          return []; // a torn or partial line
        }
      });
    return { first: rows(head.toString('utf8'))[0] ?? null, lastRows: rows(tail.toString('utf8')) };
  } finally {
    await handle.close();
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A segmenter run's terms of a stored metrics row (other keys ignored). */
function segmenterTermsOf(row: Record<string, unknown>): { ce?: number; ceTrusted?: number | null; cePseudo?: number | null } {
  const out: { ce?: number; ceTrusted?: number | null; cePseudo?: number | null } = {};
  for (const key of SEGMENTER_LOSS_TERMS) {
    const value = row[key];
    if (key !== 'total' && (typeof value === 'number' || value === null)) out[key] = value as number;
  }
  return out;
}

const lastOf = (rows: Record<string, unknown>[], phase: string): Record<string, unknown> | undefined => [...rows].reverse().find((r) => r.phase === phase);

function finalLosses(rows: Record<string, unknown>[]): Extract<RunSummary, { kind: 'localizer' }>['finalLosses'] {
  const loc = lossColumns(lossTermsOf(lastOf(rows, 'localizer')));
  const adv = lossColumns(lossTermsOf(lastOf(rows, 'adversary') ?? rows[rows.length - 1]));
  return { locBce: num(loc.locBce), alphaTerm: num(loc.alphaTerm), betaTerm: num(loc.betaTerm), advBce: num(adv.advBce) };
}

function finalSegmenterLosses(rows: Record<string, unknown>[]): Extract<RunSummary, { kind: 'segmenter' }>['finalLosses'] {
  const last = lastOf(rows, 'segmenter');
  return { ce: num(last?.ce), ceTrusted: num(last?.ceTrusted), cePseudo: num(last?.cePseudo) };
}

async function evalReports(runDir: string): Promise<RunSummary['evals']> {
  const { legacyEval, eval: evalDir } = runPaths(runDir);
  const candidates = [legacyEval];
  try {
    for (const name of (await readdir(evalDir)).sort()) if (name.endsWith('.json')) candidates.push(join(evalDir, name));
  } catch {
    // no eval folder
  }
  const out: RunSummary['evals'] = [];
  for (const file of candidates) {
    try {
      const report = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      if (!('miou' in report)) continue;
      out.push({ file: file.slice(runDir.length + 1), split: typeof report.split === 'string' ? report.split : null, miou: num(report.miou), pixelAccuracy: num(report.pixelAccuracy) });
    } catch {
      // absent or not JSON
    }
  }
  return out;
}

async function countCheckpoints(dir: string): Promise<number> {
  try {
    return (await readdir(dir)).filter((n) => /^step-\d{9}$/.test(n)).length;
  } catch {
    return 0;
  }
}

export async function summarizeRun(root: string, runId: string, liveRunId: string | null): Promise<RunSummary> {
  const dir = runDirOf(root, runId);
  const record = await readAnyRunRecord(dir);
  const paths = runPaths(dir);
  const [ends, outcome, checkpoints, evals, validations] = await Promise.all([metricsEnds(paths.metrics), readOutcome(dir), countCheckpoints(paths.checkpoints), evalReports(dir), readValidations(dir)]);
  const last = ends.lastRows[ends.lastRows.length - 1] ?? null;
  const firstTime = Date.parse(String(ends.first?.time ?? ''));
  const lastTime = Date.parse(String(last?.time ?? ''));
  const spanSeconds = Number.isFinite(firstTime) && Number.isFinite(lastTime) ? (lastTime - firstTime) / 1000 : null;
  let status: RunSummary['status'] = 'unknown';
  let message: string | null = null;
  if (runId === liveRunId) status = 'live';
  else if (outcome?.outcome.kind === 'finished') status = outcome.outcome.reason;
  else if (outcome) {
    status = outcome.outcome.kind;
    message = outcome.outcome.message;
  }
  const common = {
    runId,
    createdAt: record.createdAt,
    backend: record.backend,
    datasetRoot: record.dataset.root,
    datasetFormat: record.dataset.format,
    classes: record.dataset.classes,
    trainImages: record.dataset.trainImages,
    lastStep: num(last?.step) ?? 0,
    totalSteps: outcome?.totalSteps ?? null,
    durationSeconds: outcome?.trainedSeconds ?? spanSeconds,
    checkpoints,
    resumes: record.resumes.length,
    weights: record.weights ?? NO_WEIGHTS,
    status,
    message,
    evals,
    validation: validations.at(-1) ?? null,
  };
  if (record.kind === 'segmenter') return { kind: 'segmenter', ...common, config: record.config, labels: record.labels, finalLosses: finalSegmenterLosses(ends.lastRows) };
  return { kind: 'localizer', ...common, config: record.config, finalLosses: finalLosses(ends.lastRows) };
}

/** Every run folder under the root, newest first; folders that are not runs are skipped. */
export async function listRuns(root: string, liveRunId: string | null): Promise<RunSummary[]> {
  let names: string[];
  try {
    names = (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory() && RunId.safeParse(e.name).success).map((e) => e.name);
  } catch {
    return [];
  }
  const runs = await Promise.all(names.map((name) => summarizeRun(root, name, liveRunId).catch(() => null)));
  return runs.filter((r): r is RunSummary => r !== null).sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}

/** A run's whole metrics series, streamed line by line (the event loop stays free), compacted to ≤ cap rows. */
export async function readSeries(runDir: string, cap = MAX_SERIES_POINTS): Promise<{ series: SeriesBuffer; rows: number }> {
  const series = new SeriesBuffer(cap);
  let rows = 0;
  const file = runPaths(runDir).metrics;
  if (!(await stat(file).catch(() => null))) return { series, rows };
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // a torn last line
    }
    if (typeof row.step !== 'number') continue;
    const point: SeriesRow = {
      step: row.step,
      phase: phaseColumn(typeof row.phase === 'string' ? row.phase : undefined),
      ...lossColumns({ ...lossTermsOf(row), ...segmenterTermsOf(row) }),
      imagesPerSecond: num(row.imagesPerSecond) ?? Number.NaN,
    };
    series.push(point);
    rows++;
  }
  return { series, rows };
}

export async function openRun(root: string, runId: string, liveRunId: string | null): Promise<RunDetail> {
  const summary = await asApiError('NOT_FOUND', () => summarizeRun(root, runId, liveRunId));
  const { series, rows } = await readSeries(runDirOf(root, runId));
  return { summary, series: series.toChunk(), rows };
}

/** Deletes a run folder (it must hold a run: config.json); the live run is refused. */
export async function deleteRun(root: string, runId: string, liveRunId: string | null): Promise<void> {
  const dir = runDirOf(root, runId);
  if (runId === liveRunId) throw new ApiError('CONFLICT', `Run ${runId} is training now: stop it before deleting it.`);
  await asApiError('NOT_FOUND', () => readAnyRunRecord(dir));
  await rm(dir, { recursive: true, force: true });
}
