/**
 * The 118k-image journey (issue 17), on a generated train2017-sized COCO dataset (coco-scale.ts):
 * opening it (whole-file parse, stream, with and without the image-header check), a project over it
 * (create, reopen, the grid's filters), the grid in Chromium against `eader serve` (scrolling frame
 * times, filter latency, lazy thumbnails), a training run's memory, the cam cache's size per image
 * and class, and the per-image rates of cams, pseudo-masks and evaluation on one shard, with the
 * fixed costs measured on the full index. Each phase runs in its own process (scale-phases.ts), so
 * its peak RSS is its own. Writes bench/datasets.md and bench/datasets-scale.json.
 *
 * `npm run build` first (the grid phase drives the built app), then
 * `node --import tsx scripts/bench/datasets.ts --scale [--shards 237] [--images N: a smoke run] [--only phase,…] [--note]`. Not part of `npm test`.
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { generateCocoScale, TRAIN2017_IMAGES } from './coco-scale';

const ROOT = resolve(import.meta.dirname, '../..');
const WORK = join(ROOT, 'bench', 'tmp');
type Result = Record<string, unknown>;

function phase(name: string, args: Record<string, unknown>, log: (line: string) => void): Promise<Result> {
  log(`scale: ${name} ${JSON.stringify(args)}`);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(ROOT, 'scripts/bench/scale-phases.ts'), name, JSON.stringify(args)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) done(JSON.parse(line.slice('RESULT '.length)) as Result);
      else fail(new Error(`phase ${name} exited ${code}: ${err.slice(-2000)}`));
    });
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

/** The Datasets area in Chromium against `eader serve`: open, scroll, jump, filter. */
async function gridPhase(annotationFile: string, log: (line: string) => void): Promise<Result> {
  const host = spawn(process.execPath, ['bin/eader.js', 'serve', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  host.stdout.on('data', (c: Buffer) => (output += c.toString()));
  host.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setInterval(() => {
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(output);
      if (match) {
        clearInterval(timer);
        ok(match[0]);
      } else if (host.exitCode !== null) {
        clearInterval(timer);
        fail(new Error(output));
      }
    }, 100);
  });
  const browser = await chromium.launch({ executablePath: process.env.EADER_CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'], headless: true });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    // The host's replies to the grid's page requests (dataset:images: a total and items), as they arrive.
    const pageReplies: ((at: number) => void)[] = [];
    page.on('websocket', (ws) =>
      ws.on('framereceived', (frame) => {
        const text = typeof frame.payload === 'string' ? frame.payload : '';
        if (text.includes('"total":') && text.includes('"items":')) for (const wake of pageReplies.splice(0)) wake(performance.now());
      }),
    );
    const nextPageReply = (): Promise<number> => new Promise((wake) => pageReplies.push(wake));
    await page.goto(url);
    await page.getByTestId('dataset-path').fill(annotationFile);
    const t0 = performance.now();
    await page.getByTestId('dataset-open').click();
    await page.getByTestId('dataset-summary').waitFor({ timeout: 15 * 60_000 });
    const openSeconds = (performance.now() - t0) / 1000;
    log(`scale: grid: the app opened the dataset in ${openSeconds.toFixed(1)} s`);
    await page.locator('[data-testid^="thumb-"] img').first().waitFor({ timeout: 120_000 });
    const cells = await page.locator('[data-testid^="thumb-"]').count();
    // Scroll 2 rows a frame for 240 frames; the frame times include rendering the new rows.
    const frames = await page.getByTestId('image-grid').evaluate(async (el, steps: number) => {
      const times: number[] = [];
      let last = performance.now();
      for (let i = 0; i < steps; i++) {
        el.scrollTop += 400;
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      return times;
    }, 240);
    const domCells = await page.locator('[data-testid^="thumb-"]').count();
    // Jump to the middle of 118k images: how long until its thumbnails show (made on demand).
    const jumpMs = await page.getByTestId('image-grid').evaluate(async (el) => {
      const t = performance.now();
      el.scrollTop = el.scrollHeight / 2;
      for (;;) {
        await new Promise((r) => requestAnimationFrame(r));
        const imgs = Array.from(el.querySelectorAll('img')).filter((img) => img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().top >= 0);
        if (imgs.length >= 6) return performance.now() - t;
        if (performance.now() - t > 60_000) return -1;
      }
    });
    // Filters: from the change until the host's page reply is rendered (two frames later), with the
    // count then shown; the count is reset while the reply is on its way, so it is no signal itself.
    const count = async (): Promise<string> => (await page.getByTestId('filter-count').textContent()) ?? '';
    const filterMs: number[] = [];
    const replyMs: number[] = [];
    const counts: string[] = [];
    const choices: [string, string | number][] = [
      ['filter-class', 1],
      ['filter-class', 5],
      ['filter-class', 0],
      ['filter-gt', 'no'],
      ['filter-gt', ''],
      ['filter-class', 9],
      ['filter-class', 0],
    ];
    for (const [testId, option] of choices) {
      const reply = nextPageReply();
      const t = performance.now();
      if (typeof option === 'number') await page.getByTestId(testId).selectOption({ index: option });
      else await page.getByTestId(testId).selectOption(option);
      const replied = await Promise.race([reply, new Promise<number>((r) => setTimeout(() => r(-1), 30_000))]);
      await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
      filterMs.push(replied < 0 ? -1 : performance.now() - t);
      replyMs.push(replied < 0 ? -1 : replied - t);
      counts.push(await count());
    }
    const status = readFileSync(`/proc/${host.pid}/status`, 'utf8');
    const hostPeakMib = Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    return {
      openSeconds,
      firstScreenCells: cells,
      domCellsWhileScrolling: domCells,
      frameMs: { median: median(frames), p95: pct(frames, 0.95), max: Math.max(...frames), frames: frames.length },
      jumpToMiddleMs: jumpMs,
      filterMs: { median: median(filterMs), max: Math.max(...filterMs), runs: filterMs, replyMs, counts, timedOut: filterMs.filter((x) => x < 0).length },
      hostPeakMib,
    };
  } finally {
    await browser.close();
    host.kill('SIGTERM');
  }
}

/** The phases, by their key in the results (what `--only` names). */
export const SCALE_PHASES = ['openQuick', 'openStream', 'openVerify', 'project', 'grid', 'train', 'trainSmallCache', 'cams', 'inferCached', 'inferComputed', 'eval', 'camsReal'] as const;

export async function benchScale(options: { shards?: number; images?: number; only?: readonly string[]; log?: (line: string) => void } = {}): Promise<Result> {
  const log = options.log ?? ((line: string) => console.error(line));
  const shards = options.shards ?? 237; // one shard ≈ 500 images
  mkdirSync(WORK, { recursive: true });
  const load: { start: number[]; end?: number[] } = { start: loadavg().map((v) => Number(v.toFixed(1))) };
  const count = options.images ?? TRAIN2017_IMAGES;
  const coco = await generateCocoScale(join(WORK, count === TRAIN2017_IMAGES ? 'coco-train2017' : `coco-${count}`), count, log);
  const real = await generateCocoScale(join(WORK, 'coco-640x480'), 40, log, { width: 640, height: 480 });
  const results: Result = { generated: coco };
  const j = (name: string): string => join(WORK, 'scale-out', name);
  // A rerun of some phases (--only) keeps the outputs of the others (the run the cams phases use).
  const want = (key: (typeof SCALE_PHASES)[number]): boolean => !options.only || options.only.includes(key);
  if (options.only) for (const dir of ['project', 'project-app']) rmSync(j(dir), { recursive: true, force: true });
  else rmSync(join(WORK, 'scale-out'), { recursive: true, force: true });
  mkdirSync(join(WORK, 'scale-out'), { recursive: true });

  if (want('openQuick')) results.openQuick = await phase('open', { root: coco.root, mode: 'quick' }, log);
  if (want('openStream')) results.openStream = await phase('open', { root: coco.root, mode: 'stream' }, log);
  if (want('openVerify')) results.openVerify = await phase('open', { root: coco.root, mode: 'verify' }, log);
  if (want('project')) results.project = await phase('project', { root: coco.root, project: j('project') }, log);
  if (want('grid')) results.grid = await gridPhase(coco.annotationFile, log);
  if (want('train')) results.train = await phase('train', { root: coco.root, run: j('run'), steps: 150, cacheMb: 1024 }, log);
  if (want('trainSmallCache')) results.trainSmallCache = await phase('train', { root: coco.root, run: j('run-small-cache'), steps: 150, cacheMb: 2 }, log);
  if (want('cams')) results.cams = await phase('cams', { root: coco.root, run: j('run'), split: 'train2017', shards }, log);
  if (want('inferCached')) results.inferCached = await phase('infer', { root: coco.root, run: j('run'), split: 'train2017', shards, out: j('masks'), camCache: 1 }, log);
  if (want('inferComputed')) results.inferComputed = await phase('infer', { root: coco.root, run: j('run'), split: 'train2017', shards, out: j('masks-computed'), camCache: 0 }, log);
  if (want('eval')) results.eval = await phase('eval', { root: coco.root, split: 'train2017', shards, out: j('masks'), partial: j('partial-1.json') }, log);
  // The cam cache at a real image size: the same run on 640×480 images (grid 256×192).
  // A copy of the run under another id: its cache key differs, so nothing is read from the tiny set's cache.
  if (want('camsReal')) {
    rmSync(j('run-640'), { recursive: true, force: true });
    cpSync(j('run'), j('run-640'), { recursive: true, filter: (src) => !src.includes(`${join('run', 'cams')}`) });
    results.camsReal = await phase('cams', { root: real.root, run: j('run-640'), split: 'train2017', shards: 1 }, log);
  }
  load.end = loadavg().map((v) => Number(v.toFixed(1)));
  results.machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? '?', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadavg: load };
  results.shards = shards;
  return results;
}

const n = (v: unknown, digits = 0): string => (typeof v === 'number' ? v.toFixed(digits) : String(v));
const verdict = (met: boolean): string => (met ? '**met**' : '**not met**');

/** Each target of issue 17 against the numbers: met or not, and why. */
function targets(r: Result, get: (path: string) => unknown, images: number): string[] {
  const reopenMs = get('project.app.reopenMedianMs') as number;
  const reopenCpuMs = get('project.app.reopenCpuMedianMs') as number;
  const m = r.machine as { cpus: number; loadavg: { start: number[]; end: number[] } };
  // The load the project phase ran under: the last rerun's that included it, else the full run's.
  const reruns = (r.reruns as { phases: string[]; loadavg: { start: number[]; end: number[] } }[] | undefined) ?? [];
  const projectLoad = [...reruns].reverse().find((x) => x.phases.includes('project'))?.loadavg ?? m.loadavg;
  const filters = Object.values((get('project.filterMs') as Record<string, number>) ?? {});
  const chromeMedian = get('grid.filterMs.median') as number;
  const chromeMax = get('grid.filterMs.max') as number;
  const trainPeak = get('train.peakRssMib') as number;
  const smallPeak = get('trainSmallCache.peakRssMib') as number;
  const perClass = get('camsReal.bytesPerImageClass') as number;
  const trainRss = (get('train.rss') as { rss: number }[] | undefined) ?? [];
  const smallRss = (get('trainSmallCache.rss') as { rss: number }[] | undefined) ?? [];
  const rssEnd = (xs: { rss: number }[]): string => n(xs.at(-1)?.rss);
  const synthetic = get('cams.syntheticBytesPerClass') as number;
  return [
    `- **Project reopen < 1 s**: ${verdict(reopenMs < 1000)} in wall time (${n(reopenMs)} ms median, under a load of ${projectLoad.start[0]}–${projectLoad.end[0]} on ${m.cpus} cores); ${n(reopenCpuMs)} ms of CPU time, ${verdict(reopenCpuMs < 1000)} by the CPU budget (on this loaded machine the wall time is mostly waiting for a core; the reopen is mostly one thread's work, so an idle machine's wall time should be close to the CPU time (not measured here: no idle machine)). The reopen reads the project (\`Project.open\`, ${n(get('project.openMedianMs'))} ms) and the dataset from the project's index snapshot (\`dataset-index.json\`): parse the rows, check them, and check the dataset's fingerprint (a stat of each folder and of each file that is not an indexed image; no listing). Before the snapshot it scanned the dataset again: ${n((get('openVerify.ms') as number) / 1000)} s with the image-header check the app does, ${n((get('openQuick.ms') as number) / 1000, 1)} s without. What is left is linear in the image count: two JSON documents of ${n(get('project.indexMib'), 1)} and ${n(get('project.app.snapshotMib'), 1)} MiB parsed and checked row by row, and two maps by id.`,
    `- **Filters < 200 ms**: on the main side ${verdict(Math.max(...filters) < 200)} (≤ ${n(Math.max(...filters), 1)} ms for a page of 200 over ${images} images). In Chromium, change → the host's page reply rendered: median ${n(chromeMedian)} ms, max ${n(chromeMax)} ms, ${verdict(chromeMedian < 200)} at the median${chromeMax >= 200 ? ', not at the max (the round trip through the host and a re-render on a loaded machine)' : ''}.`,
    `- **Memory bounded independently of the image count**: for data loading, by construction — the decoded-image cache is a byte budget (\`cacheMegabytes\`, \`ImageCache\`), no longer a share of the image count; measured RSS at the end of 150 steps: ${rssEnd(trainRss)} MiB with the 1024 MiB budget, ${rssEnd(smallRss)} MiB with 2 (peaks ${n(trainPeak)} and ${n(smallPeak)} MiB are the opening: the instances file parsed whole). What still grows with the count: the index every process holding the dataset keeps (${n(get('openQuick.heapMib'))} MiB of heap for ${images} records after a collection, ~${n(((get('openQuick.heapMib') as number) * 1024) / images, 1)} KiB an image: the records themselves), and the opening's parse of the instances file, which is **not met**: peak ${n(get('openQuick.peakRssMib'))} MiB whole-file (the default below V8's string limit), ${n(get('openStream.peakRssMib'))} MiB streamed. Streaming every file would bound it at the cost of ${n((get('openStream.ms') as number) / (get('openQuick.ms') as number), 1)}× the opening time; a reopened project skips the parse altogether (the snapshot).`,
    `- **Cam cache a few KB per image and class**: ${verdict(perClass < 8192 && synthetic < 8192)}: ${n(perClass / 1024, 2)} KiB measured at a 256×192 grid (flat synthetic images), ${n(synthetic / 1024, 1)} KiB for structured synthetic cams (was ~96 KiB: 48 KiB of cam and a third of a 144 KiB guide).`,
  ];
}

/** The markdown note: every number from `r`. */
export function scaleMarkdown(r: Result): string {
  const g = r.generated as { images: number; annotations: number; polygons: number; crowds: number; jsonBytes: number };
  const get = (path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], r);
  const shards = r.shards as number;
  const shardImages = (get('cams.images') as number) ?? 0;
  const camSec = (get('cams.seconds') as number) / Math.max(1, shardImages - (get('cams.cached') as number));
  const inferCachedSec = (get('inferCached.seconds') as number) / shardImages;
  const inferComputedSec = (get('inferComputed.seconds') as number) / shardImages;
  const evalSec = ((get('eval.ms') as number) - (get('openVerify.ms') as number)) / 1000 / Math.max(1, get('eval.images') as number);
  const trainRss = (get('train.rss') as { t: number; rss: number }[]) ?? [];
  const smallRss = (get('trainSmallCache.rss') as { t: number; rss: number }[]) ?? [];
  const rssAt = (xs: { t: number; rss: number }[], f: number): string => n(xs[Math.min(xs.length - 1, Math.floor(f * (xs.length - 1)))]?.rss);
  const m = r.machine as { cpus: number; cpu: string; memoryGiB: number; node: string; loadavg: { start: number[]; end: number[] } };
  const filters = get('project.filterMs') as Record<string, number>;
  return [
    '# Datasets at scale: the 118k-image journey',
    '',
    `Written by \`node --import tsx scripts/bench/datasets.ts --scale\` (scripts/bench/scale-journey.ts); every number below is from its run, in \`bench/datasets-scale.json\`.`,
    `Machine: ${m.cpus} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}; **shared with other jobs**: load average ${m.loadavg.start.join(' / ')} at the start and ${m.loadavg.end.join(' / ')} at the end (1/5/15 min) on ${m.cpus} cores, so times are several times what an idle machine gives. Medians unless said otherwise.`,
    ...((r.reruns as { phases: string[]; loadavg: { start: number[]; end: number[] }; at: string }[] | undefined) ?? []).map(
      (x) => `Rerun at ${x.at} (\`--only ${x.phases.join(',')}\`, load ${x.loadavg.start.join(' / ')} → ${x.loadavg.end.join(' / ')}): those phases' numbers are from the rerun, the rest from the full run.`,
    ),
    '',
    `**Dataset** (scripts/bench/coco-scale.ts, generated, reused between runs): ${g.images} images (train2017's count) as hard links to 16 tiny JPEGs (64×48), ${g.annotations} instances (${g.polygons} polygons, ${g.crowds} crowd RLEs; train2017 has 860k), one ${n(g.jsonBytes / 2 ** 20)} MiB \`instances_train2017.json\` in the official key order. Tiny images keep pixels cheap, so the numbers measure the per-file and per-annotation costs.`,
    '',
    '## Opening',
    '',
    '| what | time | peak RSS |',
    '|---|---|---|',
    `| index, whole-file \`JSON.parse\` (\`dataset info --quick\`) | ${n((get('openQuick.ms') as number) / 1000, 1)} s | ${n(get('openQuick.peakRssMib'))} MiB |`,
    `| index, streamed (\`@streamparser/json\`, forced; the path past V8's ~512 MiB string limit) | ${n((get('openStream.ms') as number) / 1000, 1)} s | ${n(get('openStream.peakRssMib'))} MiB |`,
    `| index with every image header checked (the default of the app, \`train\`, \`infer\`, \`eval\`) | ${n((get('openVerify.ms') as number) / 1000, 1)} s | ${n(get('openVerify.peakRssMib'))} MiB |`,
    `| the app: pick the instances file, until the grid's summary shows (header check included) | ${n(get('grid.openSeconds'), 1)} s | host ${n(get('grid.hostPeakMib'))} MiB at the end |`,
    `| GT of the first image (the instances file parsed again with its masks, once per process) | ${n((get('eval.gtLoadMs') as number) / 1000, 1)} s | |`,
    '',
    `The index keeps no polygons: after opening and a garbage collection the heap holds ${n(get('openQuick.heapMib'))} MiB for ${g.images} records (${n(get('openQuick.heapBeforeGcMib'))} MiB before it: the parse's garbage).`,
    '',
    '## The project and the grid',
    '',
    '| what | time |',
    '|---|---|',
    `| create a project (\`images.json\`: ${n(get('project.indexMib'), 1)} MiB) | ${n(get('project.createMs'))} ms |`,
    `| reopen the project (\`Project.open\`: parse and check the rows, take the lock; median of 3) | ${n(get('project.openMedianMs'))} ms |`,
    `| reopen in the app (\`ProjectSession.open\`: the project and its dataset, from the index snapshot, ${n(get('project.app.snapshotMib'), 1)} MiB; median of 3; index from: ${(get('project.app.indexSources') as string[] | undefined)?.join(', ')}) | ${n(get('project.app.reopenMedianMs'))} ms wall, ${n(get('project.app.reopenCpuMedianMs'))} ms CPU |`,
    `| the same before the snapshot existed: create the project with the dataset scanned (index without the header check) | ${n((get('project.app.createWithScanMs') as number) / 1000, 1)} s |`,
    ...Object.entries(filters ?? {}).map(([name, ms]) => `| grid filter on the main side, \`dataset:images\` page of 200: ${name} | ${n(ms, 1)} ms |`),
    `| filter in Chromium: change → the host's page reply rendered (7 changes: class, has-GT; counts shown: ${(get('grid.filterMs.counts') as string[] | undefined)?.join(', ')}) | median ${n(get('grid.filterMs.median'))} ms, max ${n(get('grid.filterMs.max'))} ms (the reply itself: median ${n(median(((get('grid.filterMs.replyMs') as number[] | undefined) ?? [0])))} ms) |`,
    `| scrolling the grid, 2 rows a frame for ${n(get('grid.frameMs.frames'))} frames | frame median ${n(get('grid.frameMs.median'), 1)} ms, p95 ${n(get('grid.frameMs.p95'), 1)} ms, max ${n(get('grid.frameMs.max'))} ms; ${n(get('grid.domCellsWhileScrolling'))} cells in the DOM |`,
    `| jump to the middle of the grid until 6 thumbnails show (made on demand) | ${n(get('grid.jumpToMiddleMs'))} ms |`,
    '',
    'Thumbnails are lazy: opening a project makes the first 500 in the background; the grid makes the rest as it shows them (and keeps them in the project).',
    '',
    '## Training',
    '',
    `\`eader train --preset quick --image-size 64 --batch-size 8 --max-steps 150 --workers 1 --backend wasm --in-process\` on train2017, RSS sampled every 0.5 s:`,
    '',
    '| decode cache (`--cache-megabytes`) | RSS at ¼ / ½ / end of the run | peak RSS | images/s | wall time (with the dataset open) |',
    '|---|---|---|---|---|',
    `| 1024 (default) | ${rssAt(trainRss, 0.25)} / ${rssAt(trainRss, 0.5)} / ${rssAt(trainRss, 1)} MiB | ${n(get('train.peakRssMib'))} MiB | ${n(get('train.imagesPerSecond'), 1)} | ${n(get('train.seconds'))} s |`,
    `| 2 | ${rssAt(smallRss, 0.25)} / ${rssAt(smallRss, 0.5)} / ${rssAt(smallRss, 1)} MiB | ${n(get('trainSmallCache.peakRssMib'))} MiB | ${n(get('trainSmallCache.imagesPerSecond'), 1)} | ${n(get('trainSmallCache.seconds'))} s |`,
    '',
    `The decoded images are held up to the budget, then decoded again on use: memory is the budget plus the index, whatever the image count. 150 steps see 1200 of the ${g.images} images (64×48: 9 KiB decoded each), so neither run fills its budget here; a full epoch (${Math.floor(g.images / 8)} steps) would hold ${n((g.images * 64 * 48 * 3) / 2 ** 20)} MiB with the default budget's room for it.`,
    '',
    '## Cams, pseudo-masks, evaluation',
    '',
    `Per-image work on shard 1/${shards} (${shardImages} images, as \`--shard 1/${shards}\`), the run above; the fixed costs are those of the full index (each job opens it with the header check).`,
    '',
    '| job | per image | whole train2017 on this machine | fixed cost per job |',
    '|---|---|---|---|',
    `| \`eader cams\` (scales 1, 0.75, 1.25 + flip) | ${n(camSec * 1000)} ms | ${n((camSec * g.images) / 3600, 1)} h | opening the dataset |`,
    `| \`eader infer --cam-cache\` (masks from the cache) | ${n(inferCachedSec * 1000)} ms | ${n((inferCachedSec * g.images) / 60)} min | opening the dataset |`,
    `| \`eader infer\` (cams computed) | ${n(inferComputedSec * 1000)} ms | ${n((inferComputedSec * g.images) / 3600, 1)} h | opening the dataset |`,
    `| \`eader eval --shard … --partial\` | ${n(evalSec * 1000, 1)} ms | ${n((evalSec * g.images) / 60)} min | opening the dataset + the GT parse |`,
    '',
    `So the whole set is hours of network time on two CPU cores: what \`--shard i/n\` is for (docs/cluster.md); the per-image work was run on the ${shardImages}-image shard only.`,
    '',
    '**Cam cache on disk** (version 2: deflated second differences of the cams, no guide image):',
    '',
    '| images | grid | classes per image | bytes per image | bytes per image and class |',
    '|---|---|---|---|---|',
    `| generated train2017, 64×48 | 64×48 | ${n(get('cams.classesPerImage'), 2)} | ${n(get('cams.bytesPerImage'))} | ${n(get('cams.bytesPerImageClass'))} |`,
    `| generated 640×480 (40 images) | 256×192 | ${n(get('camsReal.classesPerImage'), 2)} | ${n(get('camsReal.bytesPerImage'))} | ${n(get('camsReal.bytesPerImageClass'))} |`,
    `| synthetic cams with structure at every scale (blobs at three input scales, as cam-cache.spec.ts) | 256×192 | 3 | ${n((get('cams.syntheticBytesPerClass') as number) * 3)} | ${n(get('cams.syntheticBytesPerClass'))} |`,
    '',
    'The two measured rows are the cams of a 150-step Quick model on flat synthetic images: nearly constant maps, which compress to almost nothing. The synthetic row is the bound to plan with for a trained model on real photos: a bilinear-smooth map with several blobs per class.',
    '',
    `Version 1 stored the raw cams and the guide image: a 640×480 image with three classes took ${n((3 * 256 * 192 + 3 * 256 * 192 + 100) / 1024)} KiB. At the measured 640×480 rate, train2017's cache is ${n(((get('camsReal.bytesPerImage') as number) * g.images) / 2 ** 30, 1)} GiB.`,
    '',
    '## Targets',
    '',
    ...targets(r, get, g.images),
    '',
  ].join('\n');
}

/**
 * `--scale [--shards N] [--images N] [--only phase,…]` (a smaller --images is a smoke run: its note is
 * not written). `--only` reruns the named phases (SCALE_PHASES) and keeps the others' numbers from the
 * last run's JSON; the note then says which phases were rerun and under what load. `--note` only
 * writes the note again from the JSON (after a change to its wording).
 */
export async function runScaleBench(argv: readonly string[]): Promise<void> {
  const flag = (name: string): number | undefined => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : undefined);
  if (argv.includes('--note')) {
    writeFileSync(join(ROOT, 'bench/datasets.md'), scaleMarkdown(JSON.parse(readFileSync(join(ROOT, 'bench/datasets-scale.json'), 'utf8')) as Result));
    return;
  }
  const images = flag('--images');
  const only = argv.includes('--only') ? (argv[argv.indexOf('--only') + 1] ?? '').split(',') : undefined;
  const unknown = only?.filter((p) => !(SCALE_PHASES as readonly string[]).includes(p)) ?? [];
  if (unknown.length > 0) throw new Error(`--only: unknown phases ${unknown.join(', ')} (phases: ${SCALE_PHASES.join(', ')})`);
  const prefix = images && images !== TRAIN2017_IMAGES ? join(WORK, 'smoke-') : join(ROOT, 'bench/');
  const fresh = await benchScale({ ...(flag('--shards') ? { shards: flag('--shards')! } : {}), ...(images ? { images } : {}), ...(only ? { only } : {}) });
  let r = fresh;
  if (only) {
    const last = JSON.parse(readFileSync(`${prefix}datasets-scale.json`, 'utf8')) as Result;
    const reruns = [...((last.reruns as Result[] | undefined) ?? []), { phases: only, loadavg: (fresh.machine as { loadavg: unknown }).loadavg, at: new Date().toISOString() }];
    r = { ...last, ...Object.fromEntries(only.map((p) => [p, fresh[p]])), reruns };
  }
  writeFileSync(`${prefix}datasets-scale.json`, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(`${prefix}datasets.md`, scaleMarkdown(r));
  console.error(`scale: wrote ${prefix}datasets.md`);
}
