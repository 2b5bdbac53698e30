/**
 * A generated COCO dataset of train2017's size, for the scale bench (never part of `npm test`):
 * 118,287 images in `train2017/` (tiny JPEGs: a few distinct files, hard-linked under every name, so
 * the reader's cost is per file and per annotation, not per pixel) and `annotations/instances_train2017.json`
 * with ~860k polygon instances (COCO's mean of 7.3 per image, ~24 vertices each, two decimals) and
 * ~1% crowd regions as uncompressed RLE, the 80 categories on COCO's sparse ids, the keys in the
 * official files' order (info, licenses, images, annotations, categories). Deterministic (seeded);
 * a finished folder carries `.generated.json` and is reused by the next bench run.
 *
 * Run alone: `node --import tsx scripts/bench/coco-scale.ts [--images N] [--out DIR]`.
 */
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { makeRng, type Rng } from '../../src-main/engine/rng';

export const TRAIN2017_IMAGES = 118_287;
/** The image size of the generated files (every image is this size, so GT and predictions agree). */
export const SCALE_IMAGE = { width: 64, height: 48 } as const;
type Size = { width: number; height: number };
const VARIANTS = 16;
const GENERATOR_VERSION = 1;
/** COCO's 80 category ids (1..90 with ten gaps). */
export const COCO_CATEGORY_IDS = Array.from({ length: 90 }, (_, i) => i + 1).filter((id) => ![12, 26, 29, 30, 45, 66, 68, 69, 71, 83].includes(id));

export interface GeneratedCoco {
  root: string;
  annotationFile: string;
  images: number;
  annotations: number;
  polygons: number;
  crowds: number;
  jsonBytes: number;
  seconds: number;
}

const imageName = (id: number): string => `${String(id).padStart(12, '0')}.jpg`;

/** One star-shaped polygon of `vertices` points inside the image, two decimals per coordinate. */
function polygon(rng: Rng, vertices: number, { width: W, height: H }: Size): string {
  const unit = Math.min(W, H) / 48;
  const cx = rng.uniform(8 * unit, W - 8 * unit);
  const cy = rng.uniform(8 * unit, H - 8 * unit);
  const r = rng.uniform(3, 14) * unit;
  const parts: string[] = [];
  for (let v = 0; v < vertices; v++) {
    const a = (2 * Math.PI * v) / vertices;
    const rr = r * rng.uniform(0.6, 1.0);
    const x = Math.min(W - 0.01, Math.max(0, cx + rr * Math.cos(a)));
    const y = Math.min(H - 0.01, Math.max(0, cy + rr * Math.sin(a)));
    parts.push(x.toFixed(2), y.toFixed(2));
  }
  return `[${parts.join(',')}]`;
}

/** An uncompressed crowd RLE (column-major runs, starting with zeros) of a rectangle. */
function crowdRle(rng: Rng, { width: W, height: H }: Size): string {
  const x0 = rng.int(W - 10);
  const w = 4 + rng.int(6);
  const y0 = rng.int(H - 10);
  const h = 4 + rng.int(6);
  const counts: number[] = [x0 * H + y0];
  for (let x = 0; x < w; x++) {
    counts.push(h);
    counts.push(x === w - 1 ? W * H - (x0 + w - 1) * H - y0 - h : H - h);
  }
  return `{"counts":[${counts.join(',')}],"size":[${H},${W}]}`;
}

async function writeVariants(dir: string, { width, height }: Size): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let v = 0; v < VARIANTS; v++) {
    const u = Math.min(width, height) / 48;
    const svg = `<svg width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="rgb(${(v * 37) % 200},${90 + v * 5},${200 - v * 9})"/><circle cx="${(10 + v * 3) * u}" cy="${(20 + (v % 5)) * u}" r="${(8 + (v % 7)) * u}" fill="#e33"/><rect x="${(30 + (v % 9)) * u}" y="${10 * u}" width="${16 * u}" height="${20 * u}" fill="#3c3"/></svg>`;
    const file = join(dir, `variant-${v}.jpg`);
    writeFileSync(file, await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer());
    files.push(file);
  }
  return files;
}

/** Buffered writes of a large text file. */
class TextSink {
  private readonly fd: number;
  private parts: string[] = [];
  private pending = 0;
  bytes = 0;
  constructor(file: string) {
    this.fd = openSync(file, 'w');
  }
  write(text: string): void {
    this.parts.push(text);
    this.pending += text.length;
    if (this.pending > 1 << 22) this.flush();
  }
  flush(): void {
    const chunk = Buffer.from(this.parts.join(''), 'utf8');
    writeSync(this.fd, chunk);
    this.bytes += chunk.length;
    this.parts = [];
    this.pending = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Generate (or reuse) the dataset in `root`. */
export async function generateCocoScale(root: string, count = TRAIN2017_IMAGES, log: (line: string) => void = console.error, size: Size = SCALE_IMAGE): Promise<GeneratedCoco> {
  const marker = join(root, '.generated.json');
  if (existsSync(marker)) {
    const done = JSON.parse(readFileSync(marker, 'utf8')) as GeneratedCoco & Size & { version: number };
    if (done.version === GENERATOR_VERSION && done.images === count && done.width === size.width && done.height === size.height) {
      log(`coco-scale: reusing ${root} (${done.images} images, ${done.annotations} annotations)`);
      return { ...done, root, annotationFile: join(root, 'annotations', 'instances_train2017.json') };
    }
  }
  const started = performance.now();
  rmSync(root, { recursive: true, force: true });
  const imagesDir = join(root, 'train2017');
  mkdirSync(imagesDir, { recursive: true });
  mkdirSync(join(root, 'annotations'), { recursive: true });
  const variants = await writeVariants(join(root, 'variants'), size);
  for (let i = 0; i < count; i++) linkSync(variants[i % VARIANTS]!, join(imagesDir, imageName(i + 1)));
  log(`coco-scale: ${count} image links in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const annotationFile = join(root, 'annotations', 'instances_train2017.json');
  const out = new TextSink(annotationFile);
  const { width, height } = size;
  out.write('{"info":{"description":"EADER scale bench: generated, train2017-sized","version":"1.0","year":2017},"licenses":[{"id":1,"name":"generated","url":""}],"images":[');
  for (let i = 0; i < count; i++) {
    out.write(`${i ? ',' : ''}{"license":1,"file_name":"${imageName(i + 1)}","height":${height},"width":${width},"date_captured":"2013-11-14 11:18:45","id":${i + 1}}`);
  }
  out.write('],"annotations":[');
  const rng = makeRng(2017);
  let annotations = 0;
  let polygons = 0;
  let crowds = 0;
  for (let i = 0; i < count; i++) {
    const n = rng.next() < 0.02 ? 0 : 1 + rng.int(14); // mean ≈ 7.35 instances (train2017: 7.27)
    for (let k = 0; k < n; k++) {
      const category = COCO_CATEGORY_IDS[rng.int(COCO_CATEGORY_IDS.length)]!;
      const crowd = rng.next() < 0.009;
      let segmentation: string;
      if (crowd) {
        segmentation = crowdRle(rng, size);
        crowds++;
      } else {
        const parts = rng.next() < 0.15 ? 2 : 1;
        segmentation = `[${Array.from({ length: parts }, () => polygon(rng, 18 + rng.int(13), size)).join(',')}]`;
        polygons += parts;
      }
      annotations++;
      out.write(
        `${annotations > 1 ? ',' : ''}{"segmentation":${segmentation},"area":${rng.uniform(10, 400).toFixed(4)},"iscrowd":${crowd ? 1 : 0},"image_id":${i + 1},"bbox":[${rng.uniform(0, 40).toFixed(2)},${rng.uniform(0, 30).toFixed(2)},${rng.uniform(4, 20).toFixed(2)},${rng.uniform(4, 20).toFixed(2)}],"category_id":${category},"id":${annotations}}`,
      );
    }
  }
  out.write('],"categories":[');
  out.write(COCO_CATEGORY_IDS.map((id) => `{"supercategory":"thing","id":${id},"name":"category-${id}"}`).join(','));
  out.write(']}');
  out.close();
  const result: GeneratedCoco = { root, annotationFile, images: count, annotations, polygons, crowds, jsonBytes: out.bytes, seconds: (performance.now() - started) / 1000 };
  writeFileSync(marker, `${JSON.stringify({ ...result, width, height, version: GENERATOR_VERSION }, null, 2)}\n`);
  log(`coco-scale: ${annotations} annotations (${polygons} polygons, ${crowds} crowd RLEs), ${(out.bytes / 2 ** 20).toFixed(0)} MiB of JSON in ${result.seconds.toFixed(1)} s`);
  return result;
}

if (process.argv[1]?.endsWith('coco-scale.ts')) {
  const arg = (name: string): string | undefined => {
    const at = process.argv.indexOf(name);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  const result = await generateCocoScale(arg('--out') ?? join('bench', 'tmp', 'coco-train2017'), Number(arg('--images') ?? TRAIN2017_IMAGES));
  console.log(JSON.stringify(result, null, 2));
}
