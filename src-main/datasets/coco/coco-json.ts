/**
 * Parsing of a COCO instances file (`images`, `annotations`, `categories`) into checked records.
 * Anything malformed becomes an issue and is skipped; the parse itself never throws on content, only
 * on a file that is not JSON or not a COCO object at all.
 *
 * Untrusted sizes are bounded here, before any work (docs/reliability.md): an image larger than
 * MAX_IMAGE_PIXELS, a polygon whose outline is too long to rasterise near its image, and annotations
 * beyond MAX_ANNOTATIONS_PER_IMAGE are issues and skipped; a polygon that reaches far outside its
 * image is an issue and is clipped when rasterised (coco-polygon.ts).
 */
import type { DatasetIssue } from '@shared/domain/dataset';
import { MAX_IMAGE_PIXELS } from '../../fs/read-regular';
import { insideFrame, polygonProblem } from './coco-polygon';
import { CocoRleError, decodeCountsString, type Rle } from './coco-rle';

/** Annotations read per image; more are an issue (COCO has at most a few hundred). */
export const MAX_ANNOTATIONS_PER_IMAGE = 10_000;

export interface CocoImage {
  id: number;
  fileName: string;
  width: number;
  height: number;
}

export interface CocoCategory {
  id: number;
  name: string;
}

export type CocoSegmentation = { kind: 'polygons'; polygons: number[][] } | { kind: 'rle'; rle: Rle };

/** What the index needs of an annotation: whose it is, its class, and whether it has a mask. */
export interface CocoAnnotationRef {
  id: number;
  imageId: number;
  categoryId: number;
  iscrowd: boolean;
  /** False for a box-only annotation (no segmentation). */
  hasSegmentation: boolean;
}

export interface CocoAnnotation extends CocoAnnotationRef {
  /** null when the annotation has no segmentation (a box-only annotation). */
  segmentation: CocoSegmentation | null;
}

export interface CocoInstances<A extends CocoAnnotationRef = CocoAnnotation> {
  images: CocoImage[];
  categories: CocoCategory[];
  annotations: A[];
  issues: DatasetIssue[];
}

/**
 * What to keep of each annotation: `index` keeps only what the dataset index needs (class, image,
 * crowd, whether it has a mask: the polygons are checked and dropped), `masks` keeps the
 * segmentations too (the GT rasteriser's input).
 */
export type CocoKeep = 'index' | 'masks';
export type KeptAnnotation<K extends CocoKeep> = K extends 'masks' ? CocoAnnotation : CocoAnnotationRef;

export class CocoFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CocoFormatError';
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isPositiveInt = (v: unknown): v is number => isInt(v) && v > 0;

/** A segmentation checked against its image: the kept form (or null), or what is wrong with it. */
interface CheckedSegmentation {
  /** Whether the annotation has a mask at all (false: box-only). */
  has: boolean;
  /** The mask, kept in `masks` mode only. */
  segmentation: CocoSegmentation | null;
  problem: string | null;
  outsideFrame: boolean;
}

/** An annotation as it arrived: either refused outright, or waiting for the images and categories. */
type Arrived =
  | { bad: string }
  | { id: number; imageId: number; categoryId: number; iscrowd: boolean; raw: unknown; checked: CheckedSegmentation | null };

/**
 * Builds the checked records of an instances file from its elements, in whatever order the file
 * holds them (the official files list images, annotations, then categories): categories and images
 * are checked as they come; an annotation is checked against its image as soon as that image is
 * known (its polygons then dropped in `index` mode) and against the categories at `finish`. The
 * issues come out in the same order for any element order — categories', images', then
 * annotations' in file order — so the whole-file parse and the streaming read (coco-stream.ts)
 * give the same index.
 */
export class CocoInstancesBuilder<K extends CocoKeep> {
  private readonly categories: CocoCategory[] = [];
  private readonly categoryIds = new Set<number>();
  private readonly images: CocoImage[] = [];
  private readonly imageById = new Map<number, CocoImage>();
  private readonly arrived: Arrived[] = [];
  private readonly categoryIssues: DatasetIssue[] = [];
  private readonly imageIssues: DatasetIssue[] = [];

  constructor(
    private readonly file: string,
    private readonly keep: K,
  ) {}

  category(c: unknown, i: number): void {
    const issue = (reason: string): number => this.categoryIssues.push({ file: this.file, reason });
    if (!isObject(c) || !isInt(c['id']) || typeof c['name'] !== 'string' || c['name'].trim() === '') {
      issue(`categories[${i}] needs an integer "id" and a non-empty "name"; skipped`);
      return;
    }
    if (this.categoryIds.has(c['id'])) {
      issue(`category id ${c['id']} appears twice; the second ("${c['name']}") is skipped`);
      return;
    }
    this.categoryIds.add(c['id']);
    this.categories.push({ id: c['id'], name: c['name'].trim() });
  }

  image(im: unknown, i: number): void {
    const issue = (reason: string): number => this.imageIssues.push({ file: this.file, reason });
    if (!isObject(im) || !isInt(im['id']) || typeof im['file_name'] !== 'string' || im['file_name'] === '') {
      issue(`images[${i}] needs an integer "id" and a "file_name"; skipped`);
      return;
    }
    if (!isPositiveInt(im['width']) || !isPositiveInt(im['height'])) {
      issue(`image ${im['id']} (${im['file_name']}) has no positive integer width/height; skipped`);
      return;
    }
    if (im['width'] * im['height'] > MAX_IMAGE_PIXELS) {
      issue(`image ${im['id']} (${im['file_name']}) says it is ${im['width']}×${im['height']}, more than ${MAX_IMAGE_PIXELS} pixels; skipped`);
      return;
    }
    if (this.imageById.has(im['id'])) {
      issue(`image id ${im['id']} appears twice; the second (${im['file_name']}) is skipped`);
      return;
    }
    const image = { id: im['id'], fileName: im['file_name'].replaceAll('\\', '/'), width: im['width'], height: im['height'] };
    this.imageById.set(image.id, image);
    this.images.push(image);
  }

  annotation(a: unknown, i: number): void {
    if (!isObject(a) || !isInt(a['image_id']) || !isInt(a['category_id'])) {
      this.arrived.push({ bad: `annotations[${i}] needs integer "image_id" and "category_id"; skipped` });
      return;
    }
    const image = this.imageById.get(a['image_id']);
    const raw = a['segmentation'];
    this.arrived.push({
      id: isInt(a['id']) ? a['id'] : i,
      imageId: a['image_id'],
      categoryId: a['category_id'],
      iscrowd: a['iscrowd'] === 1 || a['iscrowd'] === true,
      // Checked now when its image is known (then only the result is kept), else at finish.
      raw: image ? undefined : raw,
      checked: image ? this.check(raw, image) : null,
    });
  }

  private check(raw: unknown, image: CocoImage): CheckedSegmentation {
    const parsed = parseSegmentation(raw, image);
    if (typeof parsed === 'string') return { has: false, segmentation: null, problem: parsed, outsideFrame: false };
    const outsideFrame = parsed?.kind === 'polygons' && parsed.polygons.some((p) => !insideFrame(p, image.height, image.width));
    return { has: parsed !== null, segmentation: this.keep === 'masks' ? parsed : null, problem: null, outsideFrame };
  }

  finish(): CocoInstances<KeptAnnotation<K>> {
    const issues: DatasetIssue[] = [...this.categoryIssues, ...this.imageIssues];
    const issue = (reason: string): number => issues.push({ file: this.file, reason });
    const annotations: KeptAnnotation<K>[] = [];
    const perImage = new Map<number, number>();
    for (const a of this.arrived) {
      if ('bad' in a) {
        issue(a.bad);
        continue;
      }
      const image = this.imageById.get(a.imageId);
      if (!image) {
        issue(`annotation ${a.id} refers to unknown image_id ${a.imageId}; skipped`);
        continue;
      }
      if (!this.categoryIds.has(a.categoryId)) {
        issue(`annotation ${a.id} (image ${image.fileName}) refers to unknown category_id ${a.categoryId}; skipped`);
        continue;
      }
      const count = (perImage.get(image.id) ?? 0) + 1;
      perImage.set(image.id, count);
      if (count > MAX_ANNOTATIONS_PER_IMAGE) {
        if (count === MAX_ANNOTATIONS_PER_IMAGE + 1) issue(`image ${image.fileName} has more than ${MAX_ANNOTATIONS_PER_IMAGE} annotations; the rest are skipped`);
        continue;
      }
      const checked = a.checked ?? this.check(a.raw, image);
      if (checked.problem !== null) {
        issue(`annotation ${a.id} (image ${image.fileName}): ${checked.problem}; skipped`);
        continue;
      }
      if (checked.outsideFrame) {
        issue(`annotation ${a.id} (image ${image.fileName}): a polygon reaches far outside the ${image.width}×${image.height} image; it is clipped to the image`);
      }
      const ref: CocoAnnotationRef = { id: a.id, imageId: a.imageId, categoryId: a.categoryId, iscrowd: a.iscrowd, hasSegmentation: checked.has };
      annotations.push((this.keep === 'masks' ? { ...ref, segmentation: checked.segmentation } : ref) as KeptAnnotation<K>);
    }
    return { images: this.images, categories: this.categories, annotations, issues };
  }
}

/** Parse the text of an instances file. `file` names it in issues (relative to the dataset root). */
export function parseCocoInstances<K extends CocoKeep = 'masks'>(text: string, file: string, keep: K = 'masks' as K): CocoInstances<KeptAnnotation<K>> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new CocoFormatError(`${file} is not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(data)) throw new CocoFormatError(`${file} is not a COCO instances file (expected a JSON object)`);
  for (const key of ['images', 'categories'] as const) {
    if (!Array.isArray(data[key])) throw new CocoFormatError(`${file} is not a COCO instances file: "${key}" is missing or not an array`);
  }
  const annotationsRaw = data['annotations'] ?? [];
  if (!Array.isArray(annotationsRaw)) throw new CocoFormatError(`${file}: "annotations" is not an array`);
  const builder = new CocoInstancesBuilder(file, keep);
  (data['categories'] as unknown[]).forEach((c, i) => builder.category(c, i));
  (data['images'] as unknown[]).forEach((im, i) => builder.image(im, i));
  annotationsRaw.forEach((a: unknown, i) => builder.annotation(a, i));
  return builder.finish();
}

/** A segmentation, null when absent, or a string saying what is wrong with it. */
function parseSegmentation(raw: unknown, image: CocoImage): CocoSegmentation | null | string {
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) return null;
  if (Array.isArray(raw)) {
    const polygons: number[][] = [];
    for (const poly of raw) {
      if (!Array.isArray(poly) || !poly.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        return 'polygon segmentation must be a list of lists of numbers';
      }
      if (poly.length < 6 || poly.length % 2 !== 0) return `polygon with ${poly.length} coordinates (needs an even number, at least 6)`;
      const problem = polygonProblem(poly as number[], image.height, image.width);
      if (problem) return problem;
      polygons.push(poly as number[]);
    }
    return { kind: 'polygons', polygons };
  }
  if (isObject(raw)) {
    const size = raw['size'];
    if (!Array.isArray(size) || size.length !== 2 || !isPositiveInt(size[0]) || !isPositiveInt(size[1])) {
      return 'RLE segmentation needs "size": [height, width]';
    }
    const [height, width] = size as [number, number];
    if (height !== image.height || width !== image.width) {
      return `RLE size [${height}, ${width}] differs from the image size [${image.height}, ${image.width}]`;
    }
    const counts = raw['counts'];
    let values: number[];
    try {
      if (typeof counts === 'string') values = decodeCountsString(counts);
      else if (Array.isArray(counts) && counts.every((c) => isInt(c) && c >= 0)) values = counts as number[];
      else return 'RLE "counts" must be a string or a list of non-negative integers';
    } catch (err) {
      if (err instanceof CocoRleError) return err.message;
      throw err;
    }
    const total = values.reduce((s, c) => s + c, 0);
    if (values.some((c) => c < 0) || total !== height * width) {
      return `RLE counts sum to ${total}, expected ${height * width}`;
    }
    return { kind: 'rle', rle: { height, width, counts: values } };
  }
  return 'segmentation is neither polygons nor RLE';
}
