/**
 * Mask editor micro-benchmarks (the measured code lives in
 * src-renderer/src/features/mask-editor/bench/). Prints a markdown table, writes JSON atomically,
 * exits 1 when a target is missed.
 *
 *   npx tsx scripts/bench/mask-editor-bench.ts [--out bench/mask-editor.json] [--runs 30]
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BenchRow {
  name: string;
  size: string;
  runs: number;
  medianMs: number;
  p90Ms: number;
  targetMs: number | null;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** Loaded by URL so that the Node type-check project does not pull renderer files in (they are checked by tsconfig.web.json). */
const BENCH_MODULE = pathToFileURL(resolve(import.meta.dirname, '../../src-renderer/src/features/mask-editor/bench/mask-editor-bench.ts')).href;

export async function runMaskEditorBench(runs = 30): Promise<BenchRow[]> {
  const mod = (await import(BENCH_MODULE)) as { runMaskEditorBench(runs: number): BenchRow[] };
  return mod.runMaskEditorBench(runs);
}

export function markdownTable(rows: readonly BenchRow[]): string {
  const fmt = (v: number): string => (v < 10 ? v.toFixed(3) : v.toFixed(1));
  const lines = ['| operation | mask | runs | median ms | p90 ms | target |', '|---|---|---:|---:|---:|---|'];
  for (const r of rows) {
    const target = r.targetMs === null ? '' : `< ${r.targetMs} ms ${r.medianMs < r.targetMs ? '✓' : '✗'}`;
    lines.push(`| ${r.name} | ${r.size} | ${r.runs} | ${fmt(r.medianMs)} | ${fmt(r.p90Ms)} | ${target} |`);
  }
  return lines.join('\n');
}

function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, file);
}

async function main(): Promise<void> {
  const runs = Math.max(20, Number(arg('--runs', '30')));
  const out = resolve(arg('--out', 'bench/mask-editor.json'));
  const rows = await runMaskEditorBench(runs);
  console.log(`\n### Mask editor (node ${process.version}, medians of ${runs} runs; SLIC 5)\n`);
  console.log(markdownTable(rows));
  writeAtomic(out, JSON.stringify({ suite: 'mask-editor', node: process.version, date: new Date().toISOString(), rows }, null, 2) + '\n');
  console.log(`\nwrote ${out}`);
  if (rows.some((r) => r.targetMs !== null && r.medianMs >= r.targetMs)) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
