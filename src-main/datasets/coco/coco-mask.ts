/**
 * Semantic (class-index) masks from COCO instance annotations.
 *
 * - Each annotation becomes a binary mask: polygons are rasterised with the COCO API's semantics
 *   (coco-polygon.ts) and united; RLE (compressed or not) is decoded.
 * - Non-crowd instances are painted largest first, so a smaller object lying on a larger one stays
 *   visible (deterministic, independent of the order in the file). Overlaps go to the smaller object.
 * - Crowd regions (iscrowd = 1) become void (255), VOC-style, except where a non-crowd instance
 *   already claims the pixel: the crowd region holds objects of its class whose exact pixels are not
 *   known, so those pixels are neither background nor a reliable foreground label.
 */
import { VOID_LABEL, type IndexMask } from '@shared/domain/dataset';
import type { CocoAnnotation, CocoSegmentation } from './coco-json';
import { polygonToRle } from './coco-polygon';
import { rleToMask } from './coco-rle';

/** A row-major 0/1 mask of h×w for one segmentation. */
export function segmentationToMask(segmentation: CocoSegmentation, height: number, width: number): Uint8Array {
  if (segmentation.kind === 'rle') return rleToMask(segmentation.rle);
  const out = new Uint8Array(height * width);
  for (const polygon of segmentation.polygons) {
    const part = rleToMask(polygonToRle(polygon, height, width));
    for (let i = 0; i < out.length; i++) out[i]! |= part[i]!;
  }
  return out;
}

/**
 * Paint the annotations of one image into a class-index mask. `classOf` maps a COCO category id to
 * its contiguous class index (1..K). Annotations without a segmentation are ignored here; the reader
 * marks such images as having no GT.
 */
export function rasteriseAnnotations(
  annotations: readonly CocoAnnotation[],
  height: number,
  width: number,
  classOf: (categoryId: number) => number | undefined,
): IndexMask {
  const data = new Uint8Array(height * width);
  const instances: { cls: number; bits: Uint8Array; area: number }[] = [];
  const crowds: Uint8Array[] = [];
  for (const ann of annotations) {
    const cls = classOf(ann.categoryId);
    if (cls === undefined || ann.segmentation === null) continue;
    const bits = segmentationToMask(ann.segmentation, height, width);
    if (ann.iscrowd) crowds.push(bits);
    else instances.push({ cls, bits, area: bits.reduce((s, b) => s + b, 0) });
  }
  instances.sort((a, b) => b.area - a.area);
  for (const { cls, bits } of instances) {
    for (let i = 0; i < data.length; i++) if (bits[i]) data[i] = cls;
  }
  for (const bits of crowds) {
    for (let i = 0; i < data.length; i++) if (bits[i] && data[i] === 0) data[i] = VOID_LABEL;
  }
  return { width, height, data };
}
