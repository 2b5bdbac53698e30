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

export interface CocoAnnotation {
  id: number;
  imageId: number;
  categoryId: number;
  iscrowd: boolean;
  /** null when the annotation has no segmentation (a box-only annotation). */
  segmentation: CocoSegmentation | null;
}

export interface CocoInstances {
  images: CocoImage[];
  categories: CocoCategory[];
  annotations: CocoAnnotation[];
  issues: DatasetIssue[];
}

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

/** Parse the text of an instances file. `file` names it in issues (relative to the dataset root). */
export function parseCocoInstances(text: string, file: string): CocoInstances {
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
  const issues: DatasetIssue[] = [];
  const issue = (reason: string): void => {
    issues.push({ file, reason });
  };
  const annotationsRaw = data['annotations'] ?? [];
  if (!Array.isArray(annotationsRaw)) throw new CocoFormatError(`${file}: "annotations" is not an array`);

  const categories: CocoCategory[] = [];
  const categoryIds = new Set<number>();
  for (const [i, c] of (data['categories'] as unknown[]).entries()) {
    if (!isObject(c) || !isInt(c['id']) || typeof c['name'] !== 'string' || c['name'].trim() === '') {
      issue(`categories[${i}] needs an integer "id" and a non-empty "name"; skipped`);
      continue;
    }
    if (categoryIds.has(c['id'])) {
      issue(`category id ${c['id']} appears twice; the second ("${c['name']}") is skipped`);
      continue;
    }
    categoryIds.add(c['id']);
    categories.push({ id: c['id'], name: c['name'].trim() });
  }

  const images: CocoImage[] = [];
  const imageIds = new Set<number>();
  for (const [i, im] of (data['images'] as unknown[]).entries()) {
    if (!isObject(im) || !isInt(im['id']) || typeof im['file_name'] !== 'string' || im['file_name'] === '') {
      issue(`images[${i}] needs an integer "id" and a "file_name"; skipped`);
      continue;
    }
    if (!isPositiveInt(im['width']) || !isPositiveInt(im['height'])) {
      issue(`image ${im['id']} (${im['file_name']}) has no positive integer width/height; skipped`);
      continue;
    }
    if (im['width'] * im['height'] > MAX_IMAGE_PIXELS) {
      issue(`image ${im['id']} (${im['file_name']}) says it is ${im['width']}×${im['height']}, more than ${MAX_IMAGE_PIXELS} pixels; skipped`);
      continue;
    }
    if (imageIds.has(im['id'])) {
      issue(`image id ${im['id']} appears twice; the second (${im['file_name']}) is skipped`);
      continue;
    }
    imageIds.add(im['id']);
    images.push({ id: im['id'], fileName: im['file_name'].replaceAll('\\', '/'), width: im['width'], height: im['height'] });
  }
  const sizeOf = new Map(images.map((im) => [im.id, im]));

  const annotations: CocoAnnotation[] = [];
  const perImage = new Map<number, number>();
  for (const [i, a] of annotationsRaw.entries()) {
    if (!isObject(a) || !isInt(a['image_id']) || !isInt(a['category_id'])) {
      issue(`annotations[${i}] needs integer "image_id" and "category_id"; skipped`);
      continue;
    }
    const id = isInt(a['id']) ? a['id'] : i;
    const image = sizeOf.get(a['image_id']);
    if (!image) {
      issue(`annotation ${id} refers to unknown image_id ${a['image_id']}; skipped`);
      continue;
    }
    if (!categoryIds.has(a['category_id'])) {
      issue(`annotation ${id} (image ${image.fileName}) refers to unknown category_id ${a['category_id']}; skipped`);
      continue;
    }
    const count = (perImage.get(image.id) ?? 0) + 1;
    perImage.set(image.id, count);
    if (count > MAX_ANNOTATIONS_PER_IMAGE) {
      if (count === MAX_ANNOTATIONS_PER_IMAGE + 1) issue(`image ${image.fileName} has more than ${MAX_ANNOTATIONS_PER_IMAGE} annotations; the rest are skipped`);
      continue;
    }
    const segmentation = parseSegmentation(a['segmentation'], image);
    if (typeof segmentation === 'string') {
      issue(`annotation ${id} (image ${image.fileName}): ${segmentation}; skipped`);
      continue;
    }
    if (segmentation?.kind === 'polygons' && segmentation.polygons.some((p) => !insideFrame(p, image.height, image.width))) {
      issue(`annotation ${id} (image ${image.fileName}): a polygon reaches far outside the ${image.width}×${image.height} image; it is clipped to the image`);
    }
    annotations.push({ id, imageId: a['image_id'], categoryId: a['category_id'], iscrowd: a['iscrowd'] === 1 || a['iscrowd'] === true, segmentation });
  }
  return { images, categories, annotations, issues };
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
