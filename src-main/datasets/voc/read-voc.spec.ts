import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetIndex } from '@shared/domain/dataset';
import { encodeIndexedPng } from '../../codecs/indexed-png';
import { loadGtMask, loadImage } from '../load';
import { readVocDataset } from './read-voc';

const tmp = mkdtempSync(join(tmpdir(), 'eader-voc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function put(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

async function jpeg(path: string, width: number, height: number): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await sharp({ create: { width, height, channels: 3, background: { r: 90, g: 120, b: 30 } } }).jpeg().toFile(path);
}

function mask(width: number, height: number, values: number[]): Uint8Array {
  const data = new Uint8Array(width * height);
  data.forEach((_, i) => (data[i] = values[Math.floor((i / data.length) * values.length)]!));
  return encodeIndexedPng({ width, height, data });
}

function xml(names: string[], width = 20, height = 16): string {
  const objects = names.map((n) => `<object><name>${n}</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object>`);
  return `<annotation><filename>x.jpg</filename><size><width>${width}</width><height>${height}</height><depth>3</depth></size>${objects.join('')}</annotation>`;
}

function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[p] = `${createHash('sha256').update(readFileSync(p)).digest('hex')}:${statSync(p).mtimeMs}`;
    }
  };
  walk(dir);
  return out;
}

const root = join(tmp, 'messy');
const y12 = join(root, 'VOCdevkit', 'VOC2012');
let index: DatasetIndex;
let before: Record<string, string>;

beforeAll(async () => {
  for (const id of ['a', 'b', 'd', 'e', 'f', 'g', 'h']) await jpeg(join(y12, 'JPEGImages', `${id}.jpg`), 20, 16);
  await jpeg(join(y12, 'JPEGImages', 'c.jpg'), 16, 16);
  await jpeg(join(root, 'VOCdevkit', 'VOC2007', 'JPEGImages', 'x.jpg'), 8, 8);
  put(join(y12, 'JPEGImages', 'bad.jpg'), 'not really a jpeg');
  put(join(y12, 'JPEGImages', 'notes.txt'), 'hello');
  put(join(y12, 'Annotations', 'a.xml'), xml(['cat', 'person', 'cat']));
  put(join(y12, 'Annotations', 'b.xml'), xml(['dog']));
  put(join(y12, 'Annotations', 'd.xml'), xml(['bird']));
  put(join(y12, 'Annotations', 'e.xml'), '<annotation><object><name>cat</name></annotation>');
  put(join(y12, 'Annotations', 'f.xml'), xml(['unicorn', 'dog'], 30, 16));
  put(join(y12, 'SegmentationClass', 'a.png'), mask(20, 16, [0, 8, 255, 15]));
  put(join(y12, 'SegmentationClassAug', 'a.png'), mask(20, 16, [0]));
  put(join(y12, 'SegmentationClassAug', 'b.png'), mask(20, 16, [0, 12]));
  put(join(y12, 'SegmentationClass', 'c.png'), mask(16, 16, [0, 1, 255, 15, 42]));
  put(join(y12, 'SegmentationClass', 'd.png'), mask(10, 10, [0, 3]));
  put(join(y12, 'SegmentationClass', 'e.png'), mask(20, 16, [0, 3, 255]));
  put(join(y12, 'SegmentationClass', 'g.png'), await sharp({ create: { width: 20, height: 16, channels: 3, background: '#800000' } }).png().toBuffer());
  put(join(y12, 'SegmentationClass', 'h.jpg'), readFileSync(join(y12, 'JPEGImages', 'h.jpg')));
  put(join(y12, 'SegmentationClass', 'orphan.png'), mask(4, 4, [0]));
  put(join(y12, 'ImageSets', 'Segmentation', 'train.txt'), 'a\nc\nghost\n');
  put(join(y12, 'ImageSets', 'Segmentation', 'val.txt'), 'b\n');
  put(join(y12, 'ImageSets', 'Main', 'train.txt'), 'a\r\nf\r\n');
  put(join(y12, 'ImageSets', 'Main', 'cat_train.txt'), 'a  1\nb -1\n');
  before = hashTree(root);
  index = await readVocDataset(root);
});

const record = (id: string) => index.images.find((r) => r.id === id);

describe('readVocDataset on a messy folder', () => {
  it('opens the newest year and says so', () => {
    expect(index.format).toBe('voc');
    expect(index.root).toBe(root);
    expect(index.classes).toHaveLength(21);
    expect(index.palette[1]).toEqual([128, 0, 0]);
    expect(index.issues).toContainEqual({ file: 'VOCdevkit/VOC2007', reason: expect.stringContaining('opened the newest (VOC2012)') as string });
  });

  it('reads labels from XML, splits from both ImageSets folders, and prefers SegmentationClass', () => {
    expect(record('a')).toEqual({
      id: 'a',
      file: 'VOCdevkit/VOC2012/JPEGImages/a.jpg',
      splits: ['train'],
      labels: [8, 15],
      width: 20,
      height: 16,
      gt: { kind: 'png', file: 'VOCdevkit/VOC2012/SegmentationClass/a.png' },
    });
    expect(record('b')).toMatchObject({ splits: ['val'], labels: [12], gt: { file: 'VOCdevkit/VOC2012/SegmentationClassAug/b.png' } });
    expect(record('f')).toMatchObject({ splits: ['train'], labels: [12], gt: null });
    expect(record('h')?.splits).toEqual([]);
    expect(index.images.map((r) => r.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(new Set(index.images.flatMap((r) => r.splits))).toEqual(new Set(['train', 'val']));
  });

  it('falls back to the classes in the GT mask when there is no usable XML', () => {
    expect(record('c')).toMatchObject({ labels: [1, 15], width: 16, height: 16 });
    expect(record('e')).toMatchObject({ labels: [3], gt: { kind: 'png' } });
  });

  it('reports every bad file with a plain reason', () => {
    const reasons = (file: string) => index.issues.filter((i) => i.file === file).map((i) => i.reason).join(' | ');
    const y = 'VOCdevkit/VOC2012/';
    expect(reasons(`${y}JPEGImages/bad.jpg`)).toMatch(/undecodable image: .*unsupported image format/);
    expect(reasons(`${y}JPEGImages/notes.txt`)).toMatch(/not an image file/);
    expect(reasons(`${y}Annotations/e.xml`)).toMatch(/broken XML/);
    expect(reasons(`${y}Annotations/f.xml`)).toMatch(/class "unicorn" is not in the class list/);
    expect(reasons(`${y}Annotations/f.xml`)).toMatch(/<size> says 30×16 but the image is 20×16/);
    expect(reasons(`${y}ImageSets/Segmentation/train.txt`)).toMatch(/line 3: id "ghost" has no image/);
    expect(reasons(`${y}SegmentationClass/c.png`)).toMatch(/values 42 that are not class indices/);
    expect(reasons(`${y}SegmentationClass/d.png`)).toMatch(/mask is 10×10 but its image is 20×16/);
    expect(reasons(`${y}SegmentationClass/g.png`)).toMatch(/mask is RGB/);
    expect(reasons(`${y}SegmentationClass/h.jpg`)).toMatch(/not a PNG/);
    expect(reasons(`${y}SegmentationClass/orphan.png`)).toMatch(/no image/);
    expect(index.issues).toHaveLength(12);
    expect(record('bad')).toBeUndefined();
    expect(record('d')?.gt).toBeNull();
    expect(record('g')?.gt).toBeNull();
    expect(record('h')?.gt).toBeNull();
  });

  it('never writes to the dataset folder', () => {
    expect(hashTree(root)).toEqual(before);
  });

  it('loads images and GT masks by id', async () => {
    const image = await loadImage(index, 'a');
    expect([image.width, image.height, image.data.length]).toEqual([20, 16, 20 * 16 * 3]);
    expect((await loadImage(index, 'a', { maxSide: 10 })).width).toBe(10);
    const gt = await loadGtMask(index, 'a');
    expect(gt?.width).toBe(20);
    expect(new Set(gt?.data)).toEqual(new Set([0, 8, 255, 15]));
    expect(await loadGtMask(index, 'f')).toBeNull();
    await expect(loadImage(index, 'nope')).rejects.toThrow(/no image with id "nope"/);
    await expect(loadImage({ ...index, images: [{ ...record('a')!, file: '../../etc/passwd' }] }, 'a')).rejects.toThrow(/outside the dataset root/);
  });
});

describe('readVocDataset roots and class lists', () => {
  it('accepts the year folder itself, with classes.txt overriding the VOC classes', async () => {
    const year = join(tmp, 'shapes', 'VOC2012');
    await jpeg(join(year, 'JPEGImages', 'one.jpg'), 12, 10);
    put(join(year, 'Annotations', 'one.xml'), xml(['square', 'aeroplane', 'circle'], 12, 10));
    put(join(year, 'classes.txt'), 'background\ncircle\nsquare\n');
    const shapes = await readVocDataset(year);
    expect(shapes.root).toBe(year);
    expect(shapes.classes).toEqual(['background', 'circle', 'square']);
    expect(shapes.palette).toHaveLength(3);
    expect(shapes.images[0]).toMatchObject({ id: 'one', file: 'JPEGImages/one.jpg', labels: [1, 2], gt: null });
    expect(shapes.issues).toEqual([{ file: 'Annotations/one.xml', reason: 'class "aeroplane" is not in the class list (classes.txt); ignored' }]);
  });

  it('refuses a root that is not a VOC dataset', async () => {
    await expect(readVocDataset(join(tmp, 'does-not-exist'))).rejects.toThrow(/is not a folder/);
    mkdirSync(join(tmp, 'empty'));
    await expect(readVocDataset(join(tmp, 'empty'))).rejects.toThrow(/no Pascal VOC dataset/);
  });
});
