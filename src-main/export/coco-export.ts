/**
 * COCO instances JSON (`annotations/instances_default.json`, images in `images/`).
 *
 * Grouping (option `cocoGrouping`):
 * - 'component' (default): one annotation per 8-connected component of each class, iscrowd 0.
 *   The components of a class are disjoint and together are exactly that class's pixels, so the
 *   class mask is reproduced exactly by painting all annotations, and instance tools get one
 *   region per blob.
 * - 'class': one annotation per class present in an image, iscrowd 1 (a "crowd" region).
 * Either way the segmentation is compressed RLE exactly as pycocotools writes it (column-major,
 * `counts` string), `area` is the pixel count and `bbox` the tight [x, y, w, h] box, both as
 * pycocotools' `area`/`toBbox` compute them. Void (255) pixels are not annotated: COCO has no void.
 * Category ids are the class indices 1..K-1 (background is not a category).
 */
import { extname, relative } from 'node:path';
import { encodeCountsString, maskToRle } from '../datasets/coco/coco-rle';
import { componentCounts, connectedComponents } from './components';
import { toPosix } from './export-dir';
import type { FormatFactory } from './run-export';
import { placeImage } from './shared';

export type CocoGrouping = 'component' | 'class';

export interface CocoAnnotationOut {
  id: number;
  image_id: number;
  category_id: number;
  segmentation: { size: [number, number]; counts: string };
  area: number;
  bbox: [number, number, number, number];
  iscrowd: 0 | 1;
}

export interface CocoImageOut {
  id: number;
  file_name: string;
  width: number;
  height: number;
}

export const COCO_ANNOTATION_FILE = 'annotations/instances_default.json';

export function cocoExporter(grouping: CocoGrouping = 'component'): FormatFactory {
  return (dir, source, options) => {
    const mode = options.images ?? 'copy';
    const images: CocoImageOut[] = [];
    const annotations: CocoAnnotationOut[] = [];
    return {
      async add(item) {
        const imageId = images.length + 1;
        const placed = await placeImage(dir, item, 'images', mode, source.imageRoot);
        const fileName = placed
          ? `${item.id}${extname(item.imageFile)}`
          : source.imageRoot
            ? toPosix(relative(source.imageRoot, item.imageFile))
            : `${item.id}${extname(item.imageFile)}`;
        images.push({ id: imageId, file_name: fileName, width: item.width, height: item.height });
        const { width, height } = item;
        const size: [number, number] = [height, width];
        const map = connectedComponents(item.mask);
        if (grouping === 'component') {
          for (const comp of map.components) {
            annotations.push({
              id: annotations.length + 1,
              image_id: imageId,
              category_id: comp.classIndex,
              segmentation: { size, counts: encodeCountsString(componentCounts(map, comp)) },
              area: comp.area,
              bbox: [comp.minX, comp.minY, comp.maxX - comp.minX + 1, comp.maxY - comp.minY + 1],
              iscrowd: 0,
            });
          }
          return;
        }
        // One crowd annotation per class: merge the class's component boxes and areas.
        const byClass = new Map<number, { area: number; minX: number; minY: number; maxX: number; maxY: number }>();
        for (const c of map.components) {
          const acc = byClass.get(c.classIndex);
          if (!acc) byClass.set(c.classIndex, { area: c.area, minX: c.minX, minY: c.minY, maxX: c.maxX, maxY: c.maxY });
          else {
            acc.area += c.area;
            acc.minX = Math.min(acc.minX, c.minX);
            acc.minY = Math.min(acc.minY, c.minY);
            acc.maxX = Math.max(acc.maxX, c.maxX);
            acc.maxY = Math.max(acc.maxY, c.maxY);
          }
        }
        for (const [classIndex, acc] of [...byClass.entries()].sort(([a], [b]) => a - b)) {
          const binary = new Uint8Array(item.mask.data.length);
          for (let i = 0; i < binary.length; i++) binary[i] = item.mask.data[i] === classIndex ? 1 : 0;
          annotations.push({
            id: annotations.length + 1,
            image_id: imageId,
            category_id: classIndex,
            segmentation: { size, counts: encodeCountsString(maskToRle(binary, height, width).counts) },
            area: acc.area,
            bbox: [acc.minX, acc.minY, acc.maxX - acc.minX + 1, acc.maxY - acc.minY + 1],
            iscrowd: 1,
          });
        }
      },
      async finish() {
        const document = {
          info: {
            description: 'Exported by EADER Workbench',
            version: '1.0',
            date_created: new Date().toISOString(),
          },
          licenses: [],
          images,
          annotations,
          categories: source.classes.slice(1).map((name, k) => ({ id: k + 1, name, supercategory: '' })),
        };
        await dir.writeFile(COCO_ANNOTATION_FILE, JSON.stringify(document));
      },
    };
  };
}
