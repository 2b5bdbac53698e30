/**
 * Generate the bundled demo dataset, deterministically from a seed, in the Pascal VOC layout
 * (voc-writer.ts): JPEGImages, Annotations, SegmentationClass, ImageSets, classes.txt.
 */
import { CLASSIC_SPEC, renderDemoSample, type DemoSpec } from './render';
import { SHAPE_CLASSES } from './shapes';
import { DATASET_NAME } from './voc-files';
import { encodeJpeg, writeVocDataset } from './voc-writer';

export const DEMO_SEED = 2012;
export const DEMO_TRAIN = 240;
export const DEMO_VAL = 60;
export const DEMO_CLASSES = ['background', ...SHAPE_CLASSES];
export const JPEG_QUALITY = 85;

export interface DemoOptions {
  outDir: string;
  seed?: number;
  train?: number;
  val?: number;
  /** Image and shape sizes, clutter (default CLASSIC_SPEC, the committed set's). */
  spec?: DemoSpec;
  /** Skip JPEG encoding (tests that only compare masks and XML). */
  writeImages?: boolean;
}

export function demoId(index: number): string {
  return `shapes_${String(index + 1).padStart(4, '0')}`;
}

export async function encodeDemoJpeg(rgb: Uint8Array, width: number, height: number): Promise<Buffer> {
  return encodeJpeg(rgb, width, height, JPEG_QUALITY);
}

/** Writes the dataset and returns the year folder's path. */
export async function generateDemoDataset(options: DemoOptions): Promise<string> {
  const seed = options.seed ?? DEMO_SEED;
  const train = options.train ?? DEMO_TRAIN;
  const val = options.val ?? DEMO_VAL;
  return writeVocDataset({
    outDir: options.outDir,
    classes: DEMO_CLASSES,
    database: DATASET_NAME,
    ids: Array.from({ length: train + val }, (_, i) => demoId(i)),
    train,
    render: (i) => {
      const sample = renderDemoSample(seed, i, options.spec ?? CLASSIC_SPEC);
      return { ...sample, objects: sample.objects.map((o) => ({ name: o.shape, box: o.box, truncated: o.truncated })) };
    },
    jpegQuality: JPEG_QUALITY,
    ...(options.writeImages === false ? { writeImages: false } : {}),
  });
}
