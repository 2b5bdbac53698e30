/**
 * Broken and hostile datasets (issue 16 §2, §5): FIFOs, device symlinks, symlinks out of the root,
 * COCO geometry far outside its image, file_names that leave the dataset. Each must give an issue that
 * names the file, quickly, and never hang, read without bound, or follow a symlink out of the root.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeImage, writeText } from '../testing/folder-fixture';
import { readCocoDataset, readCocoGtMask } from './coco/coco-reader';
import { rasteriseAnnotations } from './coco/coco-mask';
import { openDataset } from './open-dataset';
import { readVocDataset } from './voc';

const issueText = (issues: { file: string; reason: string }[]): string => issues.map((i) => `${i.file}: ${i.reason}`).join('\n');
const mkfifo = (path: string): void => void execFileSync('mkfifo', [path]);

async function vocRoot(name: string): Promise<string> {
  const root = await tempDir(name);
  await writeImage(join(root, 'JPEGImages/a.jpg'), 8, 6);
  await writeImage(join(root, 'JPEGImages/b.jpg'), 8, 6);
  await writeText(join(root, 'ImageSets/Segmentation/train.txt'), 'a\nb\n');
  mkdirSync(join(root, 'Annotations'));
  mkdirSync(join(root, 'SegmentationClass'));
  return root;
}

describe('VOC: only regular files inside the root are read', () => {
  it('a FIFO annotation, mask, image or split list becomes an issue naming it, and the open does not hang', async () => {
    const root = await vocRoot('voc-fifo');
    mkfifo(join(root, 'Annotations/a.xml'));
    mkfifo(join(root, 'JPEGImages/c.jpg'));
    mkfifo(join(root, 'ImageSets/Segmentation/val.txt'));
    symlinkSync('/dev/zero', join(root, 'SegmentationClass/b.png'));
    const index = await readVocDataset(root);
    const text = issueText(index.issues);
    expect(text).toMatch(/Annotations\/a\.xml: is a FIFO \(named pipe\), not a regular file/);
    expect(text).toMatch(/JPEGImages\/c\.jpg: is a FIFO/);
    expect(text).toMatch(/ImageSets\/Segmentation\/val\.txt: is a FIFO/);
    expect(text).toMatch(/SegmentationClass\/b\.png: is a symlink that leads out of the dataset folder \(to \/dev\/zero\)/);
    expect(index.images.map((im) => im.id)).toEqual(['a', 'b']);
  }, 15_000);

  it('a classes.txt that is not a regular file is an issue, not a silent switch to the VOC classes', async () => {
    const root = await vocRoot('voc-classes-fifo');
    mkfifo(join(root, 'classes.txt'));
    const index = await readVocDataset(root);
    expect(issueText(index.issues)).toMatch(/^classes\.txt: is a FIFO \(named pipe\), not a regular file; it is not read; the 20 VOC classes are used instead$/m);
  }, 15_000);

  it('a symlinked JPEGImages/ that leads out of the root is reported and not followed', async () => {
    const root = await vocRoot('voc-jpeg-link');
    const elsewhere = await tempDir('voc-elsewhere');
    await writeImage(join(elsewhere, 'x.jpg'), 8, 6);
    execFileSync('rm', ['-r', join(root, 'JPEGImages')]);
    symlinkSync(elsewhere, join(root, 'JPEGImages'));
    const index = await openDataset(root);
    expect(index.images).toEqual([]);
    expect(issueText(index.issues)).toMatch(/^JPEGImages: is a symlink that leads out of the dataset folder \(to .*\); it is not followed$/m);
  });

  it('a symlinked image is followed inside the root and refused when it leads out', async () => {
    const root = await vocRoot('voc-image-links');
    const outside = await tempDir('voc-outside');
    await writeImage(join(outside, 'secret.jpg'), 8, 6);
    await writeImage(join(root, 'extra/c.jpg'), 8, 6);
    symlinkSync(join(root, 'extra/c.jpg'), join(root, 'JPEGImages/c.jpg'));
    symlinkSync(join(outside, 'secret.jpg'), join(root, 'JPEGImages/d.jpg'));
    const index = await readVocDataset(root);
    expect(index.images.map((im) => im.id)).toEqual(['a', 'b', 'c']);
    expect(issueText(index.issues)).toMatch(/JPEGImages\/d\.jpg: is a symlink that leads out of the dataset folder/);
  });

  it('a symlink to /dev/zero in a labelled folder is an issue, not "Invalid string length"', async () => {
    const root = await tempDir('folder-zero');
    await writeImage(join(root, 'images/a.jpg'), 8, 6);
    await writeText(join(root, 'labels.csv'), 'image,labels\na.jpg,cat\n');
    symlinkSync('/dev/zero', join(root, 'classes.txt'));
    const index = await openDataset(root);
    expect(issueText(index.issues)).toMatch(/classes\.txt: is a symlink that leads out of the dataset folder \(to \/dev\/zero\); it is not followed; the classes come from labels\.csv instead/);
    expect(index.classes).toEqual(['background', 'cat']);
  });
});

describe('COCO: untrusted geometry and paths', () => {
  const square = [1, 1, 5, 1, 5, 4, 1, 4];

  it('a polygon with coordinates around 2e8 is reported, and its GT is rasterised quickly and within the image', async () => {
    const root = await tempDir('coco-huge');
    await writeImage(join(root, 'val/a.jpg'), 8, 6);
    // A triangle whose far vertex is 2e8 px away: inside the image it covers the same pixels as its clipped form.
    const far = [1, 1, 2e8, 3, 1, 4];
    await writeText(
      join(root, 'annotations/instances_val.json'),
      JSON.stringify({
        images: [{ id: 1, file_name: 'a.jpg', width: 8, height: 6 }],
        categories: [{ id: 1, name: 'beam' }],
        annotations: [{ id: 9, image_id: 1, category_id: 1, segmentation: [far] }],
      }),
    );
    const index = await readCocoDataset(root);
    expect(issueText(index.issues)).toMatch(/annotation 9 \(image a\.jpg\): a polygon reaches far outside the 8×6 image; it is clipped to the image/);
    const started = Date.now();
    const mask = await readCocoGtMask(index, index.images[0]!);
    expect(Date.now() - started).toBeLessThan(2000);
    // Within the image the beam's edges are level (y = 1 and y = 4): rows 1..3 from x = 1 on, the same
    // pixels as a far vertex at 2e4 (close enough to rasterise unclipped) gives.
    const rows = (m: Uint8Array): string[] => Array.from({ length: 6 }, (_, y) => Array.from(m.subarray(y * 8, y * 8 + 8)).join(''));
    expect(rows(mask!.data)).toEqual(['00000000', '01111111', '01111111', '01111111', '00000000', '00000000']);
    const near = rasteriseAnnotations([{ id: 1, imageId: 1, categoryId: 1, iscrowd: false, segmentation: { kind: 'polygons', polygons: [[1, 1, 2e4, 3, 1, 4]] } }], 6, 8, () => 1);
    expect(rows(near.data)).toEqual(rows(mask!.data));
  });

  it('an outline too long to rasterise near its image is refused at parse time', async () => {
    const root = await tempDir('coco-zigzag');
    await writeImage(join(root, 'a.jpg'), 8, 6);
    const zigzag = Array.from({ length: 4000 }, (_, i) => (i % 4 === 0 ? 0 : i % 4 === 2 ? 8 : i % 4 === 1 ? 1 : 5));
    await writeText(
      join(root, 'instances_val.json'),
      JSON.stringify({
        images: [{ id: 1, file_name: 'a.jpg', width: 8, height: 6 }],
        categories: [{ id: 1, name: 'z' }],
        annotations: [{ id: 3, image_id: 1, category_id: 1, segmentation: [zigzag] }, { id: 4, image_id: 1, category_id: 1, segmentation: [square] }],
      }),
    );
    const index = await readCocoDataset(root);
    expect(issueText(index.issues)).toMatch(/annotation 3 \(image a\.jpg\): polygon outline is \d+ px long near the 8×6 image \(the limit is 2800 px\); skipped/);
  });

  it('an image that claims more pixels than any image may have is refused before anything is allocated', async () => {
    const root = await tempDir('coco-giant');
    await writeImage(join(root, 'a.jpg'), 8, 6);
    await writeText(
      join(root, 'instances_val.json'),
      JSON.stringify({ images: [{ id: 1, file_name: 'a.jpg', width: 100000, height: 100000 }], categories: [{ id: 1, name: 'z' }], annotations: [] }),
    );
    const index = await readCocoDataset(root);
    expect(issueText(index.issues)).toMatch(/image 1 \(a\.jpg\) says it is 100000×100000, more than 268435456 pixels; skipped/);
  });

  it('paints from runs: a multi-polygon instance is the union of its parts, crowds void only background', () => {
    const annotations = [
      { id: 1, imageId: 1, categoryId: 1, iscrowd: false, segmentation: { kind: 'polygons' as const, polygons: [[0, 0, 4, 0, 4, 3, 0, 3], [2, 1, 7, 1, 7, 5, 2, 5]] } },
      { id: 2, imageId: 1, categoryId: 2, iscrowd: true, segmentation: { kind: 'polygons' as const, polygons: [[5, 0, 8, 0, 8, 6, 5, 6]] } },
    ];
    const mask = rasteriseAnnotations(annotations, 6, 8, (id) => id);
    const rows = Array.from({ length: 6 }, (_, y) => Array.from(mask.data.subarray(y * 8, y * 8 + 8), (v) => (v === 255 ? 'v' : String(v))).join(''));
    expect(rows).toEqual(['11110vvv', '1111111v', '1111111v', '0011111v', '0011111v', '00000vvv']);
  });

  it('file_names that leave the dataset do not vote for the images folder, so good images are found', async () => {
    const root = await tempDir('coco-vote');
    await writeImage(join(root, 'val/a.jpg'), 8, 6);
    await writeImage(join(root, 'val/b.jpg'), 8, 6);
    const images = [
      { id: 1, file_name: 'a.jpg', width: 8, height: 6 },
      { id: 2, file_name: 'b.jpg', width: 8, height: 6 },
    ];
    // Three hostile names that exist when read from root/images/val (three levels up leaves the root).
    for (let i = 0; i < 3; i++) {
      await writeImage(join(root, `../outside-${i}.jpg`), 8, 6);
      images.push({ id: 10 + i, file_name: `../../../outside-${i}.jpg`, width: 8, height: 6 });
    }
    mkdirSync(join(root, 'images/val'), { recursive: true });
    await writeText(join(root, 'annotations/instances_val.json'), JSON.stringify({ images, categories: [{ id: 1, name: 'z' }], annotations: [] }));
    const index = await readCocoDataset(root);
    expect(index.coco.sources[0]!.imagesDir).toBe(join(root, 'val'));
    expect(index.images.map((im) => im.id)).toEqual(['a', 'b']);
    expect(issueText(index.issues)).toMatch(/outside-0\.jpg: image 10's file_name leaves the dataset folder; skipped/);
  });

  it('an image symlinked out of the dataset is an issue; an instances file that is a device names itself', async () => {
    const root = await tempDir('coco-links');
    const outside = await tempDir('coco-outside');
    await writeImage(join(outside, 'secret.jpg'), 8, 6);
    await writeImage(join(root, 'a.jpg'), 8, 6);
    symlinkSync(join(outside, 'secret.jpg'), join(root, 'b.jpg'));
    const images = [
      { id: 1, file_name: 'a.jpg', width: 8, height: 6 },
      { id: 2, file_name: 'b.jpg', width: 8, height: 6 },
    ];
    await writeText(join(root, 'instances_val.json'), JSON.stringify({ images, categories: [{ id: 1, name: 'z' }], annotations: [] }));
    const index = await readCocoDataset(root);
    expect(index.images.map((im) => im.id)).toEqual(['a']);
    expect(issueText(index.issues)).toMatch(/^b\.jpg: is a symlink that leads out of the dataset folder .*; skipped$/m);
    symlinkSync('/dev/zero', join(root, 'zero.json'));
    await expect(readCocoDataset(join(root, 'zero.json'))).rejects.toThrow(/zero\.json: is a symlink that leads out of .* \(to \/dev\/zero\)/);
  });
});
