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
 *
 * Memory is bounded by the image, not by the annotation count: instances are kept as RLEs (runs,
 * not one h×w copy each) and painted from their runs.
 */
import { VOID_LABEL, type IndexMask } from '@shared/domain/dataset';
import type { CocoAnnotation, CocoSegmentation } from './coco-json';
import { polygonToRle } from './coco-polygon';
import { paintRle, rleArea, rleToMask, rleUnion, type Rle } from './coco-rle';

/** One segmentation as an RLE of h×w (polygons united). */
export function segmentationToRle(segmentation: CocoSegmentation, height: number, width: number): Rle {
  if (segmentation.kind === 'rle') return segmentation.rle;
  let union: Rle = { height, width, counts: [height * width] };
  for (const polygon of segmentation.polygons) union = rleUnion(union, polygonToRle(polygon, height, width));
  return union;
}

/** A row-major 0/1 mask of h×w for one segmentation. */
export function segmentationToMask(segmentation: CocoSegmentation, height: number, width: number): Uint8Array {
  return rleToMask(segmentationToRle(segmentation, height, width));
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
  const instances: { cls: number; rle: Rle; area: number }[] = [];
  const crowds: Rle[] = [];
  for (const ann of annotations) {
    const cls = classOf(ann.categoryId);
    if (cls === undefined || ann.segmentation === null) continue;
    const rle = segmentationToRle(ann.segmentation, height, width);
    if (ann.iscrowd) crowds.push(rle);
    else instances.push({ cls, rle, area: rleArea(rle) });
  }
  instances.sort((a, b) => b.area - a.area);
  for (const { cls, rle } of instances) paintRle(data, rle, cls);
  for (const rle of crowds) paintRle(data, rle, VOID_LABEL, (v) => v === 0);
  return { width, height, data };
}
