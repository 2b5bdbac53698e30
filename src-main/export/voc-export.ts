/**
 * Pascal VOC segmentation layout:
 *   SegmentationClass/<id>.png   8-bit indexed, the standard 256-colour VOC palette, 255 = void
 *   JPEGImages/<id><ext>         the images, copied (default), hard-linked, or left out
 *   ImageSets/Segmentation/<split>.txt, trainval.txt (every exported id)
 *   classes.txt                  class names, one per line, background first
 */
import { encodeIndexedPng } from '../codecs/indexed-png';
import { VOC_PALETTE } from '../codecs/voc-palette';
import type { FormatFactory } from './run-export';
import { SplitLists, placeImage } from './shared';

export const vocExporter: FormatFactory = (dir, source, options) => {
  const splits = new SplitLists('trainval');
  const mode = options.images ?? 'copy';
  return {
    async add(item) {
      await dir.writeFile(`SegmentationClass/${item.id}.png`, encodeIndexedPng(item.mask, { palette: VOC_PALETTE }));
      await placeImage(dir, item, 'JPEGImages', mode, source.imageRoot);
      splits.add(item.id, item.splits);
    },
    async finish() {
      await splits.write(dir, 'ImageSets/Segmentation');
      await dir.writeFile('classes.txt', source.classes.map((c) => `${c}\n`).join(''));
    },
  };
};
