/**
 * One phase of the 118k-image journey (scripts/bench/datasets.ts --scale), run in its own Node
 * process so that its peak RSS is its own: `node --import tsx scripts/bench/scale-phases.ts PHASE JSON`.
 * Prints `RESULT {json}` last. Never part of `npm test`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openDataset, readGtMask } from '../../src-main/datasets/open-dataset';
import { readCocoDataset } from '../../src-main/datasets/coco/coco-reader';
import { imagesOfSplit } from '../../src-main/datasets/select';
import { Project } from '../../src-main/project/project-store';
import { DatasetSession } from '../../src-main/services/dataset-session';
import { ProjectSession } from '../../src-main/services/project-session';
import { INDEX_SNAPSHOT_FILE } from '../../src-main/project/project-paths';
import { runCli } from '../../src-main/cli/index';
import { runCams, runInfer } from '../../src-main/cli/infer-run';
import { evalCounts } from '../../src-main/cli/eval-run';
import { writeEvalPartial } from '../../src-main/cli/eval-partial';
import { decodeCams, encodeCams } from '../../src-main/pseudo/cam-cache';
import { quantise, resizePlanes } from '../../src-shared/pseudo/cam-grid';
import { basename } from 'node:path';

/** Bytes a class of a structured synthetic cam takes: blobs upsampled from three input scales, summed, quantised. */
function syntheticCamBytes(): number {
  const [W, H] = [256, 192];
  const planes = new Uint8Array(3 * W * H);
  for (let k = 0; k < 3; k++) {
    const sum = new Float32Array(W * H);
    for (const stride of [8, 10.7, 6.4]) {
      const [w, h] = [Math.round(W / stride), Math.round(H / stride)];
      const coarse = new Float32Array(w * h);
      for (let b = 0; b < 3; b++) {
        const [cx, cy, r] = [(((k + 1) * 7 + b * 13) % w) + 0.5, (((k + 1) * 5 + b * 11) % h) + 0.5, 2 + ((k + 1 + b) % 4)];
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) coarse[y * w + x]! += Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r));
      }
      resizePlanes([coarse], w, h, W, H)[0]!.forEach((v, i) => (sum[i]! += v));
    }
    const max = sum.reduce((a, v) => Math.max(a, v), 0);
    planes.set(quantise(sum.map((v) => v / max)), k * W * H);
  }
  return encodeCams('0123456789abcdef', { imageWidth: 640, imageHeight: 480, width: W, height: H, classes: [1, 2, 3], probs: [1, 1, 1], cams: planes }).length / 3;
}

const [phase = '', argText = '{}'] = process.argv.slice(2);
const args = JSON.parse(argText) as Record<string, string | number>;
const str = (k: string): string => String(args[k]);
const num = (k: string): number => Number(args[k]);
const mib = (bytes: number): number => Math.round(bytes / 2 ** 20);
const peakRssMib = (): number => Math.round(process.resourceUsage().maxRSS / 1024);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const value = await fn();
  return [value, performance.now() - t];
};

async function run(): Promise<Record<string, unknown>> {
  switch (phase) {
    case 'open': {
      const mode = str('mode'); // quick | stream | verify
      const [index, ms] = await timed(() =>
        mode === 'stream' ? readCocoDataset(str('root'), { streamAboveBytes: 0 }) : openDataset(str('root'), { verifyImages: mode === 'verify' }),
      );
      const heapBeforeGcMib = mib(process.memoryUsage().heapUsed);
      (globalThis as { gc?: () => void }).gc?.(); // what the open index holds, not the parse's garbage
      return { mode, images: index.images.length, issues: index.issues.length, ms, peakRssMib: peakRssMib(), heapBeforeGcMib, heapMib: mib(process.memoryUsage().heapUsed), rssAfterGcMib: mib(process.memoryUsage().rss) };
    }
    case 'project': {
      const index = await openDataset(str('root'), { verifyImages: false });
      const dir = str('project');
      const [created, createMs] = await timed(() => Project.create(dir, { dataset: index, datasetPath: str('root') }));
      await created.close();
      const openMs: number[] = [];
      let project: Project | null = null;
      for (let i = 0; i < 3; i++) {
        await project?.close();
        const [p, ms] = await timed(() => Project.open(dir));
        project = p;
        openMs.push(ms);
      }
      // The Datasets area's filters, as the grid asks for them (dataset:images, a page of 200).
      const session = new DatasetSession({ open: async () => index, readGt: async () => null, onProgress: () => undefined });
      await session.open({ path: str('root') });
      const link = project!;
      session.setProject({ review: (id) => link.image(id).review, thumbnail: () => null });
      await link.setReview(index.images[5]!.id, 'accepted');
      const filters: Record<string, object> = { none: {}, class: { classIndex: 3 }, split: { split: 'train2017' }, search: { search: '0000000123' }, review: { review: 'accepted' }, 'class + gt': { classIndex: 7, hasGt: true } };
      const filterMs: Record<string, number> = {};
      for (const [name, query] of Object.entries(filters)) {
        const runs: number[] = [];
        for (let i = 0; i < 5; i++) runs.push((await timed(async () => session.query({ ...query, offset: 0, limit: 200 })))[1]);
        filterMs[name] = median(runs);
      }
      await link.close();
      // The app's reopen (ProjectSession.open: the project and its dataset), from the index snapshot.
      // The first scan here skips the header check (the snapshot's reading does not depend on it).
      let scans = 0;
      const appSessions = () => {
        const datasets = new DatasetSession({ open: (root) => (scans++, openDataset(root, { verifyImages: false })), readGt: async () => null, onProgress: () => undefined });
        return { datasets, projects: new ProjectSession(datasets, () => undefined, 'bench') };
      };
      const appDir = str('project') + '-app';
      const first = appSessions();
      const [, appCreateMs] = await timed(async () => {
        await first.datasets.open({ path: str('root') });
        return first.projects.create(appDir);
      });
      await first.projects.close();
      const appOpenMs: number[] = [];
      const appOpenCpuMs: number[] = [];
      const sources: (string | null)[] = [];
      for (let i = 0; i < 3; i++) {
        const { projects } = appSessions();
        const cpu = process.cpuUsage();
        appOpenMs.push((await timed(() => projects.open(appDir)))[1]);
        const used = process.cpuUsage(cpu);
        appOpenCpuMs.push((used.user + used.system) / 1000);
        sources.push(projects.lastIndexSource);
        await projects.close();
      }
      return {
        images: index.images.length,
        createMs,
        openMs,
        openMedianMs: median(openMs),
        indexMib: statSync(join(dir, 'images.json')).size / 2 ** 20,
        filterMs,
        app: { createWithScanMs: appCreateMs, reopenMs: appOpenMs, reopenMedianMs: median(appOpenMs), reopenCpuMs: appOpenCpuMs, reopenCpuMedianMs: median(appOpenCpuMs), indexSources: sources, scans, snapshotMib: statSync(join(appDir, INDEX_SNAPSHOT_FILE)).size / 2 ** 20 },
        peakRssMib: peakRssMib(),
      };
    }
    case 'train': {
      const samples: { t: number; rss: number }[] = [];
      const started = performance.now();
      const timer = setInterval(() => samples.push({ t: (performance.now() - started) / 1000, rss: mib(process.memoryUsage().rss) }), 500);
      const argv = ['train', '--dataset', str('root'), '--out', str('run'), '--preset', 'quick', '--train-split', 'train2017', '--in-process'];
      argv.push('--image-size', '64', '--batch-size', '8', '--max-steps', String(num('steps')), '--workers', '1', '--backend', 'wasm', '--sample-every', '0', '--checkpoint-every', '1000');
      argv.push('--cache-megabytes', String(num('cacheMb')));
      const log = console.log;
      console.log = () => undefined;
      try {
        await runCli(argv);
      } finally {
        console.log = log;
        clearInterval(timer);
      }
      const metrics = readFileSync(join(str('run'), 'metrics.jsonl'), 'utf8').trim().split('\n');
      const rates = metrics.map((line) => (JSON.parse(line) as { imagesPerSecond: number }).imagesPerSecond);
      return { steps: metrics.length, seconds: (performance.now() - started) / 1000, imagesPerSecond: median(rates.slice(Math.floor(rates.length / 2))), rss: samples, peakRssMib: peakRssMib() };
    }
    case 'cams': {
      const shard = { index: 1, count: num('shards') };
      const summary = await runCams({ run: str('run'), dataset: str('root'), split: str('split'), shard, backend: 'wasm' });
      const files = readdirSync(summary.dir).filter((n) => n.endsWith('.bin'));
      const bytes = files.reduce((sum, n) => sum + statSync(join(summary.dir, n)).size, 0);
      const classes = files.reduce((sum, n) => sum + (decodeCams(readFileSync(join(summary.dir, n)), basename(summary.dir))?.classes.length ?? 0), 0);
      return { ...summary, files: files.length, bytes, bytesPerImage: bytes / files.length, classesPerImage: classes / files.length, bytesPerImageClass: bytes / classes, syntheticBytesPerClass: syntheticCamBytes(), peakRssMib: peakRssMib() };
    }
    case 'infer': {
      const shard = { index: 1, count: num('shards') };
      const summary = await runInfer({ run: str('run'), dataset: str('root'), split: str('split'), out: str('out'), shard, camCache: args['camCache'] === 1, backend: 'wasm' });
      return { ...summary, peakRssMib: peakRssMib() };
    }
    case 'eval': {
      const shard = { index: 1, count: num('shards') };
      const index = await openDataset(str('root'), { verifyImages: false });
      const first = imagesOfSplit(index, str('split'), shard)[0]!;
      const [, gtLoadMs] = await timed(() => readGtMask(index, first.id)); // parses the instances file's masks once
      const [counts, ms] = await timed(() => evalCounts({ pred: str('out'), dataset: str('root'), split: str('split'), shard }));
      await writeEvalPartial(str('partial'), counts);
      return { images: counts.images, splitImages: counts.splitImages, ms, gtLoadMs, peakRssMib: peakRssMib() };
    }
    default:
      throw new Error(`unknown phase ${phase}`);
  }
}

const result = await run();
console.log(`RESULT ${JSON.stringify(result)}`);
process.exit(0);
