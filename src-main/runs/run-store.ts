/**
 * A run folder:
 *   runs/<runId>/config.json     the full TrainConfig, backend, dataset, versions, resumes
 *   runs/<runId>/metrics.jsonl   one JSON object per training step (keyed by step), appended
 *   runs/<runId>/checkpoints/    see checkpoints.ts
 * Everything written per image is keyed by the image id, never by a running index.
 */
import { appendFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { GpuAdapter } from '@shared/domain/app-info';
import { TrainConfig } from '@shared/trainer-protocol';
import { writeFileAtomic, writeJsonAtomic } from '../fs/atomic-write';

export const RunRecord = z.object({
  format: z.literal('eader-run/1'),
  runId: z.string(),
  createdAt: z.string(),
  config: TrainConfig,
  backend: z.string(),
  /** What computed, in words (the GPU adapter, the CPU model), and the WebGPU adapter if any. */
  device: z.string().optional(),
  adapter: GpuAdapter.nullable().optional(),
  dataset: z.object({
    root: z.string(),
    format: z.string(),
    classes: z.array(z.string()),
    trainImages: z.number().int(),
  }),
  versions: z.record(z.string(), z.string()),
  resumes: z.array(z.object({ at: z.string(), fromStep: z.number().int(), backend: z.string(), device: z.string().optional(), adapter: GpuAdapter.nullable().optional() })),
});
export type RunRecord = z.infer<typeof RunRecord>;

export interface RunPaths {
  dir: string;
  runId: string;
  config: string;
  metrics: string;
  checkpoints: string;
}

export function runPaths(runDir: string): RunPaths {
  const dir = resolve(runDir);
  return {
    dir,
    runId: basename(dir),
    config: join(dir, 'config.json'),
    metrics: join(dir, 'metrics.jsonl'),
    checkpoints: join(dir, 'checkpoints'),
  };
}

export async function readRunRecord(runDir: string): Promise<RunRecord> {
  const paths = runPaths(runDir);
  let text: string;
  try {
    text = await readFile(paths.config, 'utf8');
  } catch {
    throw new Error(`${paths.dir} is not a run folder (no config.json).`);
  }
  const parsed = RunRecord.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${paths.config} is not a valid run record: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

/** Create a new run folder. Refuses a folder that already holds a run (use resume instead). */
export async function createRun(runDir: string, record: Omit<RunRecord, 'format' | 'runId' | 'createdAt' | 'resumes'>): Promise<RunRecord> {
  const paths = runPaths(runDir);
  if (await exists(paths.config)) {
    throw new Error(`${paths.dir} already holds a run. Resume it with --resume, or pick another --out folder.`);
  }
  await mkdir(paths.checkpoints, { recursive: true });
  const full: RunRecord = { format: 'eader-run/1', runId: paths.runId, createdAt: new Date().toISOString(), resumes: [], ...record };
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

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
