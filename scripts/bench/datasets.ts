/**
 * Dataset bench: index time for a generated 10k-image VOC folder, project create/open time, and
 * thumbnail throughput. Run alone with `node --import tsx scripts/bench/datasets.ts [--images N]`,
 * or as part of `npm run bench`. Writes bench/datasets.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { openDataset } from '../../src-main/datasets/open-dataset';
import { Project } from '../../src-main/project/project-store';

const CLASSES = ['cat', 'dog', 'car', 'person'];

export interface DatasetBenchResult {
  images: number;
  generateSeconds: number;
  indexMs: { median: number; runs: number[] };
  projectCreateMs: number;
  projectOpenMs: { median: number; runs: number[] };
  thumbnailsPerSecond: number;
  thumbnailSample: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function generateVoc(root: string, count: number): Promise<void> {
  const voc = join(root, 'VOC2012');
  for (const sub of ['JPEGImages', 'Annotations', 'ImageSets/Main', 'ImageSets/Segmentation']) mkdirSync(join(voc, sub), { recursive: true });
  // A handful of distinct JPEGs, written under many names: the reader cost is per file, not per pixel.
  const variants = await Promise.all(
    [0, 1, 2, 3].map((i) =>
      sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 40 * i, g: 90, b: 200 - 30 * i } } })
        .composite([{ input: Buffer.from(`<svg width="320" height="240"><circle cx="${80 + 40 * i}" cy="120" r="50" fill="#e33"/></svg>`) }])
        .jpeg({ quality: 85 })
        .toBuffer(),
    ),
  );
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const id = `img_${String(n).padStart(6, '0')}`;
    ids.push(id);
    writeFileSync(join(voc, 'JPEGImages', `${id}.jpg`), variants[n % variants.length]!);
    const objects = [CLASSES[n % 4], CLASSES[(n * 7) % 4]].map((name) => `<object><name>${name}</name></object>`).join('');
    writeFileSync(join(voc, 'Annotations', `${id}.xml`), `<annotation><size><width>320</width><height>240</height><depth>3</depth></size>${objects}</annotation>`);
  }
  writeFileSync(join(voc, 'ImageSets', 'Main', 'train.txt'), `${ids.join('\n')}\n`);
  writeFileSync(join(root, 'classes.txt'), ['background', ...CLASSES].join('\n'));
}

export async function benchDatasets(count = 10_000, log: (line: string) => void = console.log): Promise<DatasetBenchResult> {
  const work = mkdtempSync(join(tmpdir(), 'eader-bench-ds-'));
  try {
    const root = join(work, 'voc');
    let t = performance.now();
    await generateVoc(root, count);
    const generateSeconds = (performance.now() - t) / 1000;
    log(`datasets: generated ${count} images in ${generateSeconds.toFixed(1)} s`);

    const indexRuns: number[] = [];
    let index = await openDataset(root);
    for (let i = 0; i < 3; i++) {
      t = performance.now();
      index = await openDataset(root);
      indexRuns.push(performance.now() - t);
    }
    if (index.images.length !== count) throw new Error(`indexed ${index.images.length} of ${count} images: ${index.issues[0]?.reason ?? ''}`);
    log(`datasets: index ${count} images, median ${median(indexRuns).toFixed(0)} ms`);

    t = performance.now();
    await (await Project.create(join(work, 'project'), { dataset: index })).close();
    const projectCreateMs = performance.now() - t;
    const openRuns: number[] = [];
    let project: Project | null = null;
    for (let i = 0; i < 5; i++) {
      await project?.close(); // one writer at a time: each open takes the project's lock
      t = performance.now();
      project = await Project.open(join(work, 'project'));
      openRuns.push(performance.now() - t);
    }
    log(`datasets: project open median ${median(openRuns).toFixed(0)} ms`);

    const sample = index.images.slice(0, 300).map((im) => im.id);
    t = performance.now();
    const made = await project!.thumbs.generate(sample, { concurrency: 2 });
    const thumbnailsPerSecond = made.done / ((performance.now() - t) / 1000);
    log(`datasets: thumbnails ${thumbnailsPerSecond.toFixed(0)}/s (320×240 JPEG → 160 px WebP)`);
    return {
      images: count,
      generateSeconds,
      indexMs: { median: median(indexRuns), runs: indexRuns },
      projectCreateMs,
      projectOpenMs: { median: median(openRuns), runs: openRuns },
      thumbnailsPerSecond,
      thumbnailSample: sample.length,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('datasets.ts')) {
  const flag = process.argv.indexOf('--images');
  const count = flag > 0 ? Number(process.argv[flag + 1]) : 10_000;
  const result = await benchDatasets(count, (line) => console.error(line));
  mkdirSync('bench', { recursive: true });
  writeFileSync('bench/datasets.json', `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    [
      '| measure | median |',
      '|---|---|',
      `| index ${result.images} generated VOC images (openDataset, warm) | ${result.indexMs.median.toFixed(0)} ms |`,
      `| re-open a project of ${result.images} images | ${result.projectOpenMs.median.toFixed(0)} ms |`,
      `| thumbnails (320×240 JPEG → 160 px WebP, ${result.thumbnailSample} images, concurrency 2) | ${result.thumbnailsPerSecond.toFixed(0)} /s |`,
    ].join('\n'),
  );
}
