/**
 * CVAT "Segmentation mask 1.1" (the Pascal VOC segmentation layout as CVAT/Datumaro read it):
 *   labelmap.txt                         `# label:color_rgb:parts:actions`, then `name:r,g,b::` per class
 *   SegmentationClass/<id>.png           indexed PNG, pixel = class index, palette = the class colours
 *   SegmentationObject/<id>.png          indexed PNG, pixel = instance number (1..N, 0 = none), VOC palette
 *   ImageSets/Segmentation/default.txt   the image ids
 *   JPEGImages/<id><ext>                 images (copy by default; CVAT ignores them on import)
 * CVAT has no void label, so void (255) pixels are written as background (0); the summary warns
 * when that happened. Instances are the 8-connected components of each class; an image with more
 * than 254 components gets one instance per class instead (also warned).
 */
import { encodeIndexedPng } from '../codecs/indexed-png';
import { VOC_PALETTE } from '../codecs/voc-palette';
import { connectedComponents } from './components';
import type { FormatFactory } from './run-export';
import { SplitLists, fullPalette, placeImage } from './shared';
import { ExportError } from './types';

const MAX_INSTANCES = 254;

export const cvatExporter: FormatFactory = (dir, source, options) => {
  const classCount = source.classes.length;
  const palette = fullPalette(source.palette, classCount);
  const colours = new Set<string>();
  for (let i = 0; i < classCount; i++) {
    if (source.classes[i]!.includes(':')) throw new ExportError(`class "${source.classes[i]}" has a ":", which labelmap.txt cannot hold`);
    const key = palette[i]!.join(',');
    if (colours.has(key)) throw new ExportError(`class "${source.classes[i]}" has the colour ${key} of another class; CVAT tells classes apart by colour`);
    colours.add(key);
  }
  const splits = new SplitLists(null);
  const mode = options.images ?? 'copy';
  const warnings: string[] = [];
  let voidImages = 0;
  let mergedImages = 0;
  return {
    warnings,
    async add(item) {
      const { width, height } = item;
      const classData = Uint8Array.from(item.mask.data);
      let hadVoid = false;
      for (let i = 0; i < classData.length; i++) {
        if (classData[i] === 255) {
          classData[i] = 0;
          hadVoid = true;
        }
      }
      if (hadVoid) voidImages++;
      const classMask = { width, height, data: classData };
      await dir.writeFile(`SegmentationClass/${item.id}.png`, encodeIndexedPng(classMask, { palette }));

      const map = connectedComponents(classMask);
      const objects = new Uint8Array(classData.length);
      if (map.components.length <= MAX_INSTANCES) {
        for (let i = 0; i < objects.length; i++) objects[i] = map.labels[i]!;
      } else {
        mergedImages++;
        const present = [...new Set(map.components.map((c) => c.classIndex))].sort((a, b) => a - b);
        const instanceOf = new Map(present.map((c, k) => [c, k + 1]));
        for (let i = 0; i < objects.length; i++) objects[i] = classData[i] === 0 ? 0 : instanceOf.get(classData[i]!)!;
      }
      await dir.writeFile(`SegmentationObject/${item.id}.png`, encodeIndexedPng({ width, height, data: objects }, { palette: VOC_PALETTE }));
      await placeImage(dir, item, 'JPEGImages', mode, source.imageRoot);
      splits.add(item.id, ['default']);
    },
    async finish() {
      await splits.write(dir, 'ImageSets/Segmentation');
      const lines = source.classes.map((name, i) => `${name}:${palette[i]!.join(',')}::`);
      await dir.writeFile('labelmap.txt', `# label:color_rgb:parts:actions\n${lines.join('\n')}\n`);
      if (voidImages > 0) warnings.push(`${voidImages} image(s) had void (255) pixels; CVAT has no void label, so they were written as background`);
      if (mergedImages > 0) warnings.push(`${mergedImages} image(s) had more than ${MAX_INSTANCES} connected regions; their SegmentationObject masks hold one instance per class`);
    },
  };
};
