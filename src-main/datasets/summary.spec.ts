import { describe, expect, it } from 'vitest';
import type { DatasetIndex, ImageRecord } from '@shared/domain/dataset';
import { summariseDataset } from '../cli/dataset';
import { summarize } from '../services/dataset-session';
import { summarizeDataset } from './summary';

const image = (id: string, splits: string[], labels: number[], gt = false): ImageRecord => ({ id, file: `${id}.jpg`, splits, labels, gt: gt ? { kind: 'png', file: `${id}.png` } : null });

function index(format: DatasetIndex['format'], images: ImageRecord[]): DatasetIndex {
  return { format, root: '/data/x', classes: ['background', 'cat', 'dog'], palette: [], images, issues: [{ file: 'z.jpg', reason: 'undecodable image' }] };
}

describe('summarizeDataset', () => {
  const voc = index('voc', [image('a', ['train'], [1], true), image('b', ['train', 'trainval'], [1, 2]), image('c', ['val'], []), image('d', ['val'], [2], true)]);

  it('counts images per split, with GT, and per class; class 0 is every image', () => {
    expect(summarizeDataset(voc)).toMatchObject({
      images: 4,
      withGt: 2,
      splits: { train: 2, trainval: 1, val: 2 },
      // background: all 4 images (c, with no label, is background-only), not the 2 with GT
      perClass: [4, 2, 2],
      notes: [],
    });
  });

  it('is what both the CLI and the app report', () => {
    const cli = summariseDataset('/picked', voc);
    const app = summarize(voc, 3);
    expect(cli.classes.map((c) => c.images)).toEqual(app.perClass);
    expect([cli.images, cli.withGt, cli.splits, cli.issues, cli.notes]).toEqual([app.imageCount, app.withGt, app.splits, app.issues, app.notes]);
  });

  it('says when a labelled folder has no split column, and when no split is named "train"', () => {
    const folder = summarizeDataset(index('folder', [image('a', ['all'], [1]), image('b', ['all'], [2])]));
    expect(folder.notes).toEqual([expect.stringMatching(/^No split column in the labels file: every image is in split "all"/)]);
    const coco = summarizeDataset(index('coco', [image('a', ['train2017'], [1]), image('b', ['val2017'], [2])]));
    expect(coco.notes).toEqual(['No split named "train": choose the training split among "train2017", "val2017".']);
  });
});
