/**
 * The cluster examples of docs/cluster.md, run as their scheduler would run them: the Slurm array
 * script once per task with SLURM_ARRAY_TASK_ID set, the Kubernetes indexed Job's command once per
 * pod with JOB_COMPLETION_INDEX set, then each merge step. `eader` on the PATH is a shim that
 * records its arguments; the test runs each recorded command in-process with the real CLI, in
 * order. Together they must write exactly the masks of one unsharded `eader infer`, byte for byte,
 * and the merge must print exactly one unsharded `eader eval`'s report.
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTestDataset, makeTestRun } from '../testing/trained-run';
import { runEval } from './eval-run';
import { runCli } from './index';
import { runInfer } from './infer-run';

const DOCS = resolve(import.meta.dirname, '../../docs/cluster');

let root: string;
let runDir: string;
let work: string;
let shim: string;
let reference: { masks: Map<string, Buffer>; report: unknown };

async function masksIn(dir: string): Promise<Map<string, Buffer>> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.png')).sort();
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(join(dir, n))] as const)));
}

/** Run a shell command as the scheduler would (the shim records each `eader` call), then replay the calls. */
async function runAsScheduler(shell: string, args: string[], env: Record<string, string>): Promise<string[]> {
  const calls = await mkdtemp(join(work, 'calls-'));
  const result = spawnSync(shell, args, { env: { PATH: `${shim}:${process.env.PATH ?? ''}`, HOME: work, EADER_CALLS: calls, ...env }, encoding: 'utf8' });
  expect(result.status, `${shell} ${args.join(' ')}: ${result.stderr}`).toBe(0);
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(String(line)));
  const progress = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    for (const name of (await readdir(calls)).sort()) {
      const argv = (await readFile(join(calls, name), 'utf8')).split('\0').slice(0, -1);
      await runCli(argv);
    }
  } finally {
    log.mockRestore();
    progress.mockRestore();
    await rm(calls, { recursive: true });
  }
  return printed;
}

beforeAll(async () => {
  ({ root } = await makeTestDataset(20));
  work = await mkdtemp(join(tmpdir(), 'eader-cluster-'));
  runDir = await makeTestRun(join(work, 'runs'), 'run-c', root);
  shim = join(work, 'bin');
  await mkdir(shim);
  // Each call: its arguments, NUL-separated, in a file numbered in call order.
  await writeFile(join(shim, 'eader'), '#!/bin/sh\nn=$(ls "$EADER_CALLS" | wc -l)\nprintf \'%s\\0\' "$@" > "$EADER_CALLS/$(printf %05d "$n")"\n');
  await chmod(join(shim, 'eader'), 0o755);
  const out = join(work, 'unsharded');
  await runInfer({ run: runDir, dataset: root, split: 'val', out });
  reference = { masks: await masksIn(out), report: await runEval({ pred: out, dataset: root, split: 'val' }) };
  expect(reference.masks.size).toBe(20);
});

function expectSameAsOneJob(out: string, printed: string[]): Promise<void> {
  expect(JSON.parse(printed[0]!)).toEqual(reference.report); // the merge's --json
  expect(printed[1]).toMatch(/^class\s+IoU/); // and its table
  return masksIn(out).then((masks) => {
    expect([...masks.keys()]).toEqual([...reference.masks.keys()]);
    for (const [name, bytes] of masks) expect(bytes.equals(reference.masks.get(name)!), name).toBe(true);
  });
}

describe('docs/cluster examples, run locally', () => {
  it('the Slurm array script and its merge step equal one unsharded job', async () => {
    const script = await readFile(join(DOCS, 'slurm-infer.sh'), 'utf8');
    const tasks = Number(/^#SBATCH --array=1-(\d+)$/m.exec(script)?.[1]);
    expect(tasks).toBe(16);
    expect(script).toContain(`SHARDS=${tasks}`);
    const out = join(work, 'slurm-masks');
    const env = { RUN: runDir, DATASET: root, SPLIT: 'val', OUT: out };
    for (let task = 1; task <= tasks; task++) {
      await runAsScheduler('bash', [join(DOCS, 'slurm-infer.sh')], { ...env, SLURM_ARRAY_JOB_ID: '4242', SLURM_ARRAY_TASK_ID: String(task), SLURM_ARRAY_TASK_COUNT: String(tasks) });
    }
    expect((await readdir(join(out, 'eval-partials'))).length).toBe(tasks);
    const printed = await runAsScheduler('bash', [join(DOCS, 'slurm-merge.sh')], { OUT: out });
    await expectSameAsOneJob(out, printed);
  });

  it('the Kubernetes indexed Job and its merge Job equal one unsharded job', async () => {
    type Container = { command: string[]; args: string[]; env: { name: string; value: string }[] };
    type JobDoc = { spec: { completionMode?: string; completions?: number; parallelism?: number; template: { spec: { containers: Container[] } } } };
    const job = load(await readFile(join(DOCS, 'k8s-infer-job.yaml'), 'utf8')) as JobDoc;
    const merge = load(await readFile(join(DOCS, 'k8s-merge-job.yaml'), 'utf8')) as JobDoc;
    expect(job.spec.completionMode).toBe('Indexed');
    const pods = job.spec.completions!;
    const [container] = job.spec.template.spec.containers;
    const envOf = (c: Container): Record<string, string> => Object.fromEntries(c.env.map((e) => [e.name, e.value]));
    expect(envOf(container!).SHARDS).toBe(String(pods));
    const out = join(work, 'k8s-masks');
    // The manifest's env, with this machine's paths in place of the cluster volume's.
    const env = { ...envOf(container!), RUN: runDir, DATASET: root, SPLIT: 'val', OUT: out };
    for (let index = 0; index < pods; index++) {
      await runAsScheduler(container!.command[0]!, [...container!.command.slice(1), ...container!.args], { ...env, JOB_COMPLETION_INDEX: String(index) });
    }
    const [merger] = merge.spec.template.spec.containers;
    const printed = await runAsScheduler(merger!.command[0]!, [...merger!.command.slice(1), ...merger!.args], { ...envOf(merger!), OUT: out });
    await expectSameAsOneJob(out, printed);
  });
});
