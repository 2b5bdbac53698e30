/** What the Datasets area sees of an open dataset: a summary, pages of images, pixels on demand. */
import { z } from 'zod';
import { Bytes } from './bytes';
import { DatasetFormat, DatasetIssue, Rgb } from './dataset';

export const ReviewStatus = z.enum(['unreviewed', 'accepted', 'needs-work']);
export type ReviewStatus = z.infer<typeof ReviewStatus>;

export const DatasetSummary = z.object({
  format: DatasetFormat,
  root: z.string(),
  classes: z.array(z.string()),
  palette: z.array(Rgb),
  imageCount: z.number().int(),
  withGt: z.number().int(),
  splits: z.record(z.string(), z.number().int()),
  /** Images per class index; index 0 (background, an implicit label of every image) counts every image. */
  perClass: z.array(z.number().int()),
  issueCount: z.number().int(),
  /** The first issues (the full list is in the CLI's `dataset info`). */
  issues: z.array(DatasetIssue),
  /** Facts that decide what can be trained or scored, one line each (e.g. no split column). */
  notes: z.array(z.string()).default([]),
  scanMs: z.number(),
});
export type DatasetSummary = z.infer<typeof DatasetSummary>;

export const ImageQuery = z
  .object({
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(200),
    classIndex: z.number().int().min(1).max(254).optional(),
    split: z.string().max(64).optional(),
    hasGt: z.boolean().optional(),
    review: ReviewStatus.optional(),
    search: z.string().max(200).optional(),
  })
  .strict();
export type ImageQuery = z.input<typeof ImageQuery>;

export const ImageListItem = z.object({
  id: z.string(),
  labels: z.array(z.number().int()),
  splits: z.array(z.string()),
  hasGt: z.boolean(),
  review: ReviewStatus,
  width: z.number().int().optional(),
  height: z.number().int().optional(),
});
export type ImageListItem = z.infer<typeof ImageListItem>;

export const ImagePage = z.object({ total: z.number().int(), offset: z.number().int(), items: z.array(ImageListItem) });
export type ImagePage = z.infer<typeof ImagePage>;

/** An encoded picture (JPEG/PNG bytes) with its displayed and original sizes. */
export const EncodedImage = z.object({
  bytes: Bytes,
  mime: z.enum(['image/jpeg', 'image/png', 'image/webp']),
  width: z.number().int(),
  height: z.number().int(),
  originalWidth: z.number().int(),
  originalHeight: z.number().int(),
});
export type EncodedImage = z.infer<typeof EncodedImage>;

/** A class-index mask as raw bytes (H*W, 255 = void). */
export const MaskPayload = z.object({ width: z.number().int(), height: z.number().int(), data: Bytes });
export type MaskPayload = z.infer<typeof MaskPayload>;

export const ScanProgress = z.object({ phase: z.string(), done: z.number().int(), total: z.number().int() });
export type ScanProgress = z.infer<typeof ScanProgress>;
