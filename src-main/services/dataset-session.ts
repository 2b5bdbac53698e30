/**
 * The open dataset of a window or host: summary, filtered pages, thumbnails, display images and GT.
 * Every file it reads is resolved inside the dataset root; the dataset folder is never written.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import sharp from 'sharp';
import type { DatasetFormat, DatasetIndex, ImageRecord } from '@shared/domain/dataset';
import type { DatasetSummary, EncodedImage, ImagePage, ImageQuery, MaskPayload, ReviewStatus, ScanProgress } from '@shared/domain/dataset-view';
import { ApiError, asApiError } from '@shared/envelope';
import { openDataset, readGtMask } from '../datasets/open-dataset';
import { summarizeDataset } from '../datasets/summary';
import { resolveInside } from '../fs/confine';
import { ByteLru } from '../platform/lru';
import { resourcesDir } from '../platform/paths';

export const THUMB_SIDE = 160;
const MAX_LISTED_ISSUES = 500;

export interface DatasetSessionDeps {
  open: (root: string, onProgress?: (p: ScanProgress) => void) => Promise<DatasetIndex>;
  readGt: (index: DatasetIndex, id: string) => Promise<{ width: number; height: number; data: Uint8Array } | null>;
  onProgress: (p: ScanProgress) => void;
}

/** What an open project lends the dataset view: review statuses and cached thumbnails. */
export interface ProjectLink {
  review(id: string): ReviewStatus;
  thumbnail(id: string): Promise<Buffer> | null;
}

export const demoDatasetPath = (): string => resolve(resourcesDir(), 'demo');

/** The Datasets area's summary: the shared counts (datasets/summary.ts), the first issues, the scan time. */
export function summarize(index: DatasetIndex, scanMs: number): DatasetSummary {
  const counts = summarizeDataset(index);
  return {
    format: counts.format,
    root: counts.root,
    classes: counts.classes,
    palette: index.palette,
    imageCount: counts.images,
    withGt: counts.withGt,
    splits: counts.splits,
    perClass: counts.perClass,
    issueCount: counts.issues.length,
    issues: counts.issues.slice(0, MAX_LISTED_ISSUES),
    notes: counts.notes,
    scanMs: Math.round(scanMs),
  };
}

export class DatasetSession {
  private index: DatasetIndex | null = null;
  /** The path the open dataset was opened from (a COCO instances file, a VOCdevkit folder). */
  private openedFrom: string | null = null;
  private summary: DatasetSummary | null = null;
  private byId = new Map<string, ImageRecord>();
  private readonly thumbs = new ByteLru<Uint8Array>(64 << 20);
  private project: ProjectLink | null = null;

  constructor(private readonly deps: DatasetSessionDeps) {}

  setProject(project: ProjectLink | null): void {
    this.project = project;
  }

  /** The project lending review statuses and thumbnails, until another dataset is opened. */
  projectLink(): ProjectLink | null {
    return this.project;
  }

  private review(id: string): ReviewStatus {
    return this.project?.review(id) ?? 'unreviewed';
  }

  async open(target: { path: string } | { demo: true }): Promise<DatasetSummary> {
    const root = 'demo' in target ? demoDatasetPath() : resolve(target.path);
    const info = await stat(root).catch(() => null);
    if (!info) throw new ApiError('NOT_FOUND', `Nothing at ${root}.`);
    const started = performance.now();
    const index: DatasetIndex = await asApiError('BAD_DATA', () => this.deps.open(root, this.deps.onProgress));
    if (this.index && this.index.root !== index.root) this.project = null;
    this.index = index;
    this.openedFrom = root;
    this.byId = new Map(index.images.map((image) => [image.id, image]));
    this.thumbs.clear();
    this.summary = summarize(index, performance.now() - started);
    return this.summary;
  }

  /** Where the open dataset was opened from and its format: what reopens the same index elsewhere (the trainer). */
  source(): { path: string; format: DatasetFormat } {
    const index = this.dataset();
    return { path: this.openedFrom ?? index.root, format: index.format };
  }

  current(): DatasetSummary | null {
    return this.summary;
  }

  dataset(): DatasetIndex {
    if (!this.index) throw new ApiError('CONFLICT', 'No dataset is open.');
    return this.index;
  }

  query(input: ImageQuery): ImagePage {
    const index = this.dataset();
    const offset = input.offset ?? 0;
    const limit = input.limit ?? 200;
    const search = input.search?.toLowerCase();
    const matches = index.images.filter(
      (image) =>
        (input.classIndex === undefined || image.labels.includes(input.classIndex)) &&
        (input.split === undefined || image.splits.includes(input.split)) &&
        (input.hasGt === undefined || (image.gt !== null) === input.hasGt) &&
        (input.review === undefined || this.review(image.id) === input.review) &&
        (search === undefined || image.id.toLowerCase().includes(search)),
    );
    const items = matches.slice(offset, offset + limit).map((image) => ({
      id: image.id,
      labels: image.labels,
      splits: image.splits,
      hasGt: image.gt !== null,
      review: this.review(image.id),
      width: image.width,
      height: image.height,
    }));
    return { total: matches.length, offset, items };
  }

  private record(id: string): ImageRecord {
    const record = this.byId.get(id);
    if (!record) throw new ApiError('NOT_FOUND', `No image "${id}" in the open dataset.`);
    return record;
  }

  /** The image file of a record, confined to the dataset root. */
  imagePath(id: string): string {
    return resolveInside(this.dataset().root, this.record(id).file);
  }

  async thumbnail(id: string): Promise<EncodedImage> {
    const cached = this.project?.thumbnail(id);
    if (!cached) return this.encode(id, THUMB_SIDE, 75, this.thumbs);
    const record = this.record(id);
    return asApiError(
      'BAD_DATA',
      async () => {
        const data = await cached;
        const meta = await sharp(data).metadata();
        const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        return { bytes, mime: 'image/webp', width: meta.width ?? 0, height: meta.height ?? 0, originalWidth: record.width ?? 0, originalHeight: record.height ?? 0 };
      },
      `Cannot make the thumbnail of ${record.file}: `,
    );
  }

  async image(id: string, maxSide = 2048): Promise<EncodedImage> {
    return this.encode(id, maxSide, 90, null);
  }

  private async encode(id: string, maxSide: number, quality: number, cache: ByteLru<Uint8Array> | null): Promise<EncodedImage> {
    const path = this.imagePath(id);
    const record = this.record(id);
    const cached = cache?.get(`${id}@${maxSide}`);
    return asApiError('BAD_DATA', async () => {
      // .rotate() applies EXIF orientation; downscaling here is for display only, never for GT.
      const pipeline = sharp(path, { failOn: 'error', limitInputPixels: 1 << 28 }).rotate().resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true });
      const { data, info } = cached ? { data: cached, info: null } : await pipeline.jpeg({ quality }).toBuffer({ resolveWithObject: true });
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      cache?.set(`${id}@${maxSide}`, bytes);
      const meta = info ?? (await sharp(bytes).metadata());
      return {
        bytes,
        mime: 'image/jpeg',
        width: meta.width ?? 0,
        height: meta.height ?? 0,
        originalWidth: record.width ?? meta.width ?? 0,
        originalHeight: record.height ?? meta.height ?? 0,
      };
    }, `Cannot decode ${record.file}: `);
  }

  async gt(id: string): Promise<MaskPayload | null> {
    const record = this.record(id);
    if (!record.gt) return null;
    return asApiError('BAD_DATA', () => this.deps.readGt(this.dataset(), id), `Cannot read the GT mask of "${id}": `);
  }
}

export function createDatasetSession(onProgress: (p: ScanProgress) => void): DatasetSession {
  return new DatasetSession({
    open: (root, progress) => openDataset(root, { onProgress: progress }),
    readGt: (index, id) => readGtMask(index, id),
    onProgress,
  });
}
