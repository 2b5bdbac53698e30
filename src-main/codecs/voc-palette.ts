/**
 * The standard Pascal VOC colour map: 256 entries built by interleaving the bits of the class
 * index into R, G and B (the `bitget` construction of the VOC devkit's `labelcolormap.m`).
 * Index 0 is black (background), 1 is (128,0,0) (aeroplane), 255 (void) is (224,224,192).
 */

export type RgbTriple = [number, number, number];

function bit(value: number, index: number): number {
  return (value >> index) & 1;
}

export function vocColour(index: number): RgbTriple {
  let r = 0;
  let g = 0;
  let b = 0;
  let c = index;
  for (let j = 0; j < 8; j++) {
    r |= bit(c, 0) << (7 - j);
    g |= bit(c, 1) << (7 - j);
    b |= bit(c, 2) << (7 - j);
    c >>= 3;
  }
  return [r, g, b];
}

/** All 256 colours, index = class index (255 = void). */
export const VOC_PALETTE: readonly RgbTriple[] = Object.freeze(
  Array.from({ length: 256 }, (_, i) => vocColour(i)),
);

/** The first `count` colours, for a dataset's class list (void is not included). */
export function vocPalette(count: number): RgbTriple[] {
  return VOC_PALETTE.slice(0, Math.min(256, count)).map((c) => [c[0], c[1], c[2]]);
}

/** The 20 standard VOC object classes, preceded by background. */
export const VOC_CLASSES: readonly string[] = Object.freeze([
  'background',
  'aeroplane',
  'bicycle',
  'bird',
  'boat',
  'bottle',
  'bus',
  'car',
  'cat',
  'chair',
  'cow',
  'diningtable',
  'dog',
  'horse',
  'motorbike',
  'person',
  'pottedplant',
  'sheep',
  'sofa',
  'train',
  'tvmonitor',
]);
