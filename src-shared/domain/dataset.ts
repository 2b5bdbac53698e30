/**
 * The dataset index every reader (VOC, COCO, labelled folder) produces. Class index 0 is always
 * "background"; mask pixels hold class indices, 255 is void. Image ids are stable strings (file
 * stems for VOC), and everything downstream is keyed by them, never by a running index.
 */
import { z } from 'zod';

export const DatasetFormat = z.enum(['voc', 'coco', 'folder']);
export type DatasetFormat = z.infer<typeof DatasetFormat>;

export const VOID_LABEL = 255;

export const GtSource = z.discriminatedUnion('kind', [
  /** An indexed PNG whose pixel values are class indices (VOC SegmentationClass, exports). */
  z.object({ kind: z.literal('png'), file: z.string() }),
  /** Polygons / RLE of a COCO instances file, rasterised on demand. */
  z.object({ kind: z.literal('coco'), imageId: z.number().int() }),
]);
export type GtSource = z.infer<typeof GtSource>;

export const ImageRecord = z.object({
  id: z.string(),
  /** Path relative to the dataset root, with forward slashes. */
  file: z.string(),
  /** Splits this image belongs to, e.g. ["train"] or ["val"]. */
  splits: z.array(z.string()),
  /** Foreground class indices present in the image (1..classes.length-1), sorted, unique. */
  labels: z.array(z.number().int().positive()),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  gt: GtSource.nullable(),
});
export type ImageRecord = z.infer<typeof ImageRecord>;

export const DatasetIssue = z.object({ file: z.string(), reason: z.string() });
export type DatasetIssue = z.infer<typeof DatasetIssue>;

export const Rgb = z.tuple([z.number().int(), z.number().int(), z.number().int()]);

export const DatasetIndex = z.object({
  format: DatasetFormat,
  /** Absolute path of the dataset root that was opened (read-only). */
  root: z.string(),
  /** classes[0] is "background". */
  classes: z.array(z.string()).min(1),
  /** One colour per class index (index 255 is void and not listed). */
  palette: z.array(Rgb),
  images: z.array(ImageRecord),
  /** Files that could not be used, each with a plain reason. */
  issues: z.array(DatasetIssue),
});
export type DatasetIndex = z.infer<typeof DatasetIndex>;

/** An RGB image in memory: data is H*W*3 bytes, row-major. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A class-index mask: data is H*W bytes (0 = background, 255 = void). */
export interface IndexMask {
  width: number;
  height: number;
  data: Uint8Array;
}
