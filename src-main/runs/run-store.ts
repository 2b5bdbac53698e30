/**
 * A run folder:
 *   runs/<runId>/config.json     the run record (RUN_FORMAT): every setting, backend, dataset, versions, resumes
 *   runs/<runId>/metrics.jsonl   one JSON object per training step (keyed by step), appended
 *   runs/<runId>/checkpoints/    see checkpoints.ts
 * Everything written per image is keyed by the image id, never by a running index.
 *
 * Run records are versioned. Every older format has a step in `migrate()`, and a record's settings
 * are read with StoredTrainConfig: a setting the record lacks gets its table default (the rule in
 * src-shared/domain/train-config.ts), a key the table does not know is an error. So adding a
 * setting needs no new format; a new format is for a change of the record's own shape.
 *   eader-run/1 (up to bafd886): `workers` only when set, no `hflip`.
 *   eader-run/2: every setting is written; `weights` (the pretrained weights' provenance) when the
 *   run started from any (an optional field: a record without it opens, as a run from scratch).
 */
import { errorText } from '@shared/envelope';
import { appendFile, mkdir, readFile, rm } from 'node:fs/promises';
import { z } from 'zod';
import { GpuAdapter } from '@shared/domain/app-info';
import { StoredTrainConfig } from '@shared/domain/train-config';
import { RunWeights } from '@shared/domain/weights';
import { writeFileAtomic, writeJsonAtomic } from '../fs/atomic-write';
import { runPaths } from './run-layout';
import { pathExists } from '../fs/exists';

export const RUN_FORMAT = 'eader-run/2';

export const RunRecord = z.object({
  format: z.literal(RUN_FORMAT),
  runId: z.string(),
  createdAt: z.string(),
  config: StoredTrainConfig,
  backend: z.string(),
  /** What computed, in words (the GPU adapter, the CPU model), and the WebGPU adapter if any. */
  device: z.string().optional(),
  adapter: GpuAdapter.nullable().optional(),
  dataset: z.object({
    root: z.string(),
    /** Where the dataset was opened from (a COCO instances file, a VOCdevkit folder); root when absent. */
    path: z.string().optional(),
    format: z.string(),
    classes: z.array(z.string()),
    trainImages: z.number().int(),
  }),
  versions: z.record(z.string(), z.string()),
  resumes: z.array(z.object({ at: z.string(), fromStep: z.number().int(), backend: z.string(), device: z.string().optional(), adapter: GpuAdapter.nullable().optional() })),
  /**
   * The pretrained weights the run started from (ref, what it resolved to, the source's SHA-256).
   * Optional: records written before weights were a setting lack it, and those runs trained from scratch.
   */
  weights: RunWeights.optional(),
});
export type RunRecord = z.infer<typeof RunRecord>;

export { runPaths, type RunPaths } from './run-layout';

/** Older formats → the current one, step by step. Unknown (newer) formats are refused. */
export function migrate(raw: unknown, file: string): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file} is not a valid run record: not a JSON object.`);
  const record = raw as Record<string, unknown>;
  switch (record.format) {
    case 'eader-run/1':
      // Same shape; the settings it lacks (hflip, workers, …) get their defaults when it is parsed.
      return { ...record, format: 'eader-run/2' };
    case RUN_FORMAT:
      return record;
    default:
      throw new Error(`${file} is a run record of format ${JSON.stringify(record.format)}, which this EADER does not read (it reads eader-run/1 and ${RUN_FORMAT}; a newer version may have written it).`);
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') return `${where ? `${where}: ` : ''}unknown ${where === 'config' ? 'setting' : 'key'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `${where || '(record)'}: ${issue.message}`;
}

/** The run record of a run folder, migrated to RUN_FORMAT; an error names the file and the problem. */
export async function readRunRecord(runDir: string): Promise<RunRecord> {
  const paths = runPaths(runDir);
  let text: string;
  try {
    text = await readFile(paths.config, 'utf8');
  } catch {
    throw new Error(`${paths.dir} is not a run folder (no config.json).`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${paths.config} is not valid JSON (${errorText(error)}).`);
  }
  const parsed = RunRecord.safeParse(migrate(raw, paths.config));
  if (!parsed.success) throw new Error(`${paths.config} is not a valid run record: ${parsed.error.issues.map(describeIssue).join('; ')}.`);
  return parsed.data;
}

/** Create a new run folder. Refuses a folder that already holds a run (use resume instead). */
export async function createRun(runDir: string, record: Omit<RunRecord, 'format' | 'runId' | 'createdAt' | 'resumes' | 'weights'> & { weights?: RunWeights }): Promise<RunRecord> {
  const paths = runPaths(runDir);
  if (await pathExists(paths.config)) {
    throw new Error(`${paths.dir} already holds a run. Resume it with --resume, or pick another --out folder.`);
  }
  await mkdir(paths.checkpoints, { recursive: true });
  const full: RunRecord = { format: RUN_FORMAT, runId: paths.runId, createdAt: new Date().toISOString(), resumes: [], ...record };
  await writeJsonAtomic(paths.config, full);
  await rm(paths.metrics, { force: true });
  return full;
}

export async function recordResume(runDir: string, fromStep: number, backend: string, compute: { device?: string; adapter?: GpuAdapter | null } = {}): Promise<RunRecord> {
  const record = await readRunRecord(runDir);
  const updated: RunRecord = { ...record, backend, ...compute, resumes: [...record.resumes, { at: new Date().toISOString(), fromStep, backend, ...compute }] };
  await writeJsonAtomic(runPaths(runDir).config, updated);
  return updated;
}

export interface MetricsRow {
  step: number;
  [key: string]: unknown;
}

export async function appendMetrics(runDir: string, row: MetricsRow): Promise<void> {
  await appendFile(runPaths(runDir).metrics, `${JSON.stringify(row)}\n`);
}

/** Rows of metrics.jsonl; a torn last line (a crash mid-append) is skipped. */
export async function readMetrics(runDir: string): Promise<MetricsRow[]> {
  let text: string;
  try {
    text = await readFile(runPaths(runDir).metrics, 'utf8');
  } catch {
    return [];
  }
  const rows: MetricsRow[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const row = JSON.parse(line) as unknown;
      if (row && typeof row === 'object' && typeof (row as MetricsRow).step === 'number') rows.push(row as MetricsRow);
    } catch {
      // torn line
    }
  }
  return rows;
}

/**
 * On resume from step s, steps after s will be trained again: drop their rows (and any torn line)
 * so metrics.jsonl holds each step once. The file is replaced atomically.
 */
export async function truncateMetrics(runDir: string, lastStep: number): Promise<void> {
  const rows = (await readMetrics(runDir)).filter((r) => r.step <= lastStep);
  await writeFileAtomic(runPaths(runDir).metrics, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

