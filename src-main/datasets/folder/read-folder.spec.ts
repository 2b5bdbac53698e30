import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeIndexedPng } from '../../codecs/indexed-png';
import { hashTree, tempDir, writeImage, writeText } from '../../testing/folder-fixture';
import { parseCsv } from './csv';
import { parseLabelsCsv, parseLabelsJson } from './labels-file';
import { readFolderDataset } from './read-folder';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function fixture(files: Record<string, string | [number, number]>): Promise<string> {
  const root = await tempDir('folder');
  dirs.push(root);
  for (const [rel, content] of Object.entries(files)) {
    if (typeof content === 'string') await writeText(join(root, rel), content);
    else await writeImage(join(root, rel), content[0], content[1]);
  }
  return root;
}
const reasons = (issues: { file: string; reason: string }[]): string => issues.map((i) => `${i.file}: ${i.reason}`).join('\n');

describe('labels file forms', () => {
  it('parses quoted CSV cells with delimiters, doubled quotes and CRLF', () => {
    expect(parseCsv('a,"b,c","say ""hi"""\r\nd,e\n', ',')).toEqual({
      rows: [
        { cells: ['a', 'b,c', 'say "hi"'], line: 1 },
        { cells: ['d', 'e'], line: 2 },
      ],
      problems: [],
    });
  });

  it('reports an unterminated quote by line instead of swallowing the rows after it', () => {
    // Before: one row, a.jpg with the class "cat\nb.jpg,dog\nc.jpg,bird\n", and no issue.
    const parsed = parseLabelsCsv('image,labels\na.jpg,"cat\nb.jpg,dog\r\nc.jpg,bird\n', 'labels.csv');
    expect(parsed.issues).toEqual([{ file: 'labels.csv', reason: 'line 2: a quote opens here and never closes; line skipped' }]);
    expect(parsed.rows.map((r) => [r.image, r.labels, r.where])).toEqual([
      ['b.jpg', ['dog'], 'line 3'],
      ['c.jpg', ['bird'], 'line 4'],
    ]);
    expect(parseCsv('x,"a\ny,b\n', ',')).toEqual({ rows: [{ cells: ['y', 'b'], line: 2 }], problems: ['line 1: a quote opens here and never closes; line skipped'] });
    // a stray quote that a later one closes: the lines between are one broken row, named by its range
    expect(parseCsv('x,"a\ny,"b\nz,c', ',')).toEqual({ rows: [{ cells: ['z', 'c'], line: 3 }], problems: ['lines 1–2: a quoted cell holds a line break (image names and labels cannot); row skipped'] });
  });

  it('reports a quoted line break (it would become part of a class name) and keeps counting lines', () => {
    const parsed = parseLabelsCsv('image,labels\na.jpg,"cat\ndog"\nb.jpg,cat\nmissing.jpg,cat\n', 'labels.csv');
    expect(parsed.issues).toEqual([{ file: 'labels.csv', reason: 'lines 2–3: a quoted cell holds a line break (image names and labels cannot); row skipped' }]);
    expect(parsed.rows.map((r) => [r.image, r.labels, r.where])).toEqual([
      ['b.jpg', ['cat'], 'line 4'],
      ['missing.jpg', ['cat'], 'line 5'],
    ]);
  });

  it('reads ;-lists, |-lists and further columns, with or without a header', () => {
    const { rows } = parseLabelsCsv('image,labels\na.jpg,cat;dog\nb.jpg,"cat | bird"\nc.jpg,\nd.jpg,dog,cat\n', 'labels.csv');
    expect(rows.map((r) => [r.image, r.labels])).toEqual([
      ['a.jpg', ['cat', 'dog']],
      ['b.jpg', ['cat', 'bird']],
      ['c.jpg', []],
      ['d.jpg', ['dog', 'cat']],
    ]);
    expect(parseLabelsCsv('a.jpg,cat\n', 'x').rows).toEqual([{ image: 'a.jpg', labels: ['cat'], splits: null, where: 'line 1' }]);
  });

  it('reads a one-hot CSV and keeps its column order as the class order', () => {
    const parsed = parseLabelsCsv('file,zebra,ant\na.jpg,1,0\nb.jpg,1,1\n', 'labels.csv');
    expect(parsed.declaredClasses).toEqual(['zebra', 'ant']);
    expect(parsed.rows.map((r) => r.labels)).toEqual([['zebra'], ['zebra', 'ant']]);
  });

  it('reads a split column in each CSV form; a missing or bad split is reported', () => {
    const parsed = parseLabelsCsv('image,labels,split\na.jpg,cat;dog,train\nb.jpg,dog,val\nc.jpg,cat,train;trainval\nd.jpg,cat,\ne.jpg,cat,my split\n', 'labels.csv');
    expect(parsed.hasSplits).toBe(true);
    expect(parsed.rows.map((r) => [r.image, r.labels, r.splits])).toEqual([
      ['a.jpg', ['cat', 'dog'], ['train']],
      ['b.jpg', ['dog'], ['val']],
      ['c.jpg', ['cat'], ['train', 'trainval']],
      ['d.jpg', ['cat'], []],
      ['e.jpg', ['cat'], []],
    ]);
    expect(parsed.issues.map((i) => i.reason)).toEqual([
      'line 5: no split given; the image is in no split (shown, never trained on or scored)',
      'line 6: split "my split" is not a usable name (letters, digits, . _ -; at most 64); dropped',
    ]);
    // one-hot with the split first: the split column is not a class
    const oneHot = parseLabelsCsv('file,Split,zebra,ant\na.jpg,val,1,0\n', 'labels.csv');
    expect(oneHot.declaredClasses).toEqual(['zebra', 'ant']);
    expect(oneHot.rows[0]).toMatchObject({ labels: ['zebra'], splits: ['val'] });
    // labels in further columns, split last
    expect(parseLabelsCsv('image,l1,l2,subset\na.jpg,cat,dog,train\n', 'x').rows[0]).toMatchObject({ labels: ['cat', 'dog'], splits: ['train'] });
    expect(parseLabelsCsv('image,labels\na.jpg,cat\n', 'x').hasSplits).toBe(false);
  });

  it('reads split fields in the JSON forms', () => {
    const rows = parseLabelsJson('[{"image": "a.jpg", "labels": ["cat"], "split": "train"}, {"image": "b.jpg", "labels": "dog", "split": ["val", "trainval"]}, {"image": "c.jpg", "labels": []}]', 'labels.json');
    expect(rows.rows.map((r) => r.splits)).toEqual([['train'], ['val', 'trainval'], []]);
    expect(rows.issues.map((i) => i.reason)).toEqual(['entry 2: no split given; the image is in no split (shown, never trained on or scored)']);
    const map = parseLabelsJson('{"a.jpg": {"labels": ["cat"], "split": "val"}, "b.jpg": ["dog"]}', 'labels.json');
    expect(map.rows.map((r) => [r.image, r.labels, r.splits])).toEqual([
      ['a.jpg', ['cat'], ['val']],
      ['b.jpg', ['dog'], []],
    ]);
    expect(parseLabelsJson('{"a.jpg": ["cat"]}', 'labels.json')).toMatchObject({ hasSplits: false, rows: [{ splits: null }] });
  });

  it('reads the three JSON forms and reports bad entries', () => {
    expect(parseLabelsJson('{"a.jpg": ["cat"], "b.jpg": "cat|dog", "c.jpg": 5}', 'labels.json')).toMatchObject({
      rows: [{ image: 'a.jpg', labels: ['cat'] }, { image: 'b.jpg', labels: ['cat', 'dog'] }],
      issues: [{ reason: expect.stringMatching(/"c.jpg": labels must be/) as unknown }],
    });
    expect(parseLabelsJson('[{"image": "a.jpg", "labels": ["cat"]}, {"labels": []}]', 'labels.json').issues[0]?.reason).toMatch(/entry 1: needs "image"/);
    expect(parseLabelsJson('{"classes": ["b", "a"], "images": [{"file": "x.png", "classes": "a"}]}', 'l').declaredClasses).toEqual(['b', 'a']);
    expect(() => parseLabelsJson('[{', 'labels.json')).toThrow(/labels.json is not valid JSON/);
  });
});

describe('labelled-folder reader', () => {
  it('reads images, labels and masks; reports and skips every bad file; writes nothing', async () => {
    const root = await fixture({
      'images/a.jpg': [4, 3],
      'images/b.png': [2, 2],
      'images/sub/c.webp': [3, 3],
      'images/unlisted.jpg': [2, 2],
      'images/broken.jpg': 'not a jpeg',
      'images/notes.txt': 'ignored, not an image',
      'labels.csv': 'image,labels\na.jpg,dog;cat\nb,cat\nsub/c.webp,\nmissing.jpg,cat\nbroken.jpg,dog\na.jpg,dog\n',
      'masks/orphan.png': 'x',
    });
    await writeFile(join(root, 'masks/a.png'), encodeIndexedPng({ width: 4, height: 3, data: new Uint8Array(12).fill(1) }));
    await writeFile(join(root, 'masks/b.png'), encodeIndexedPng({ width: 3, height: 3, data: new Uint8Array(9) }));
    const before = await hashTree(root);

    const index = await readFolderDataset(root);
    expect(index.format).toBe('folder');
    expect(index.classes).toEqual(['background', 'cat', 'dog']); // sorted by default
    expect(index.images).toEqual([
      { id: 'a', file: 'images/a.jpg', splits: ['all'], labels: [1, 2], width: 4, height: 3, gt: { kind: 'png', file: 'masks/a.png' } },
      { id: 'b', file: 'images/b.png', splits: ['all'], labels: [1], width: 2, height: 2, gt: null },
      { id: 'sub/c', file: 'images/sub/c.webp', splits: ['all'], labels: [], width: 3, height: 3, gt: null },
    ]);
    const text = reasons(index.issues);
    expect(text).toMatch(/labels.csv: line 5: image "missing.jpg" not found/);
    expect(text).toMatch(/labels.csv: line 7: image "a.jpg" is listed again/);
    expect(text).toMatch(/images\/broken.jpg: undecodable image/);
    expect(text).toMatch(/images\/unlisted.jpg: not listed in labels.csv/);
    expect(text).toMatch(/masks\/b.png: mask is 3×3 but its image is 2×2; the image is kept without GT/);
    expect(text).toMatch(/masks\/orphan.png: mask of no usable image/);
    expect(index.issues).toHaveLength(6);
    expect(await hashTree(root)).toEqual(before);
  });

  it('puts images in the splits of the labels file, else in "all"', async () => {
    const root = await fixture({ 'images/a.jpg': [2, 2], 'images/b.jpg': [2, 2], 'images/c.jpg': [2, 2], 'labels.csv': 'image,labels,split\na.jpg,cat,train\nb.jpg,dog,val\nc.jpg,cat,train\n' });
    const index = await readFolderDataset(root);
    expect(index.images.map((im) => [im.id, im.splits])).toEqual([
      ['a', ['train']],
      ['b', ['val']],
      ['c', ['train']],
    ]);
    const plain = await fixture({ 'images/a.jpg': [2, 2], 'labels.json': '{"a.jpg": ["cat"]}' });
    expect((await readFolderDataset(plain)).images[0]?.splits).toEqual(['all']);
  });

  it('uses classes.txt when present: order from the file, unknown labels reported and dropped', async () => {
    const root = await fixture({
      'a.jpg': [2, 2],
      'classes.txt': 'background\ndog\ncat\n',
      'labels.json': '{"a.jpg": ["cat", "horse"]}',
    });
    const index = await readFolderDataset(root, { classOrder: 'first-seen' });
    expect(index.classes).toEqual(['background', 'dog', 'cat']);
    expect(index.images[0]).toMatchObject({ id: 'a', file: 'a.jpg', labels: [2] });
    expect(reasons(index.issues)).toMatch(/"a.jpg": unknown class "horse"/);
  });

  it('collects classes in first-seen order on request', async () => {
    const root = await fixture({ 'images/a.jpg': [2, 2], 'images/b.jpg': [2, 2], 'labels.csv': 'a.jpg,zebra|ant\nb.jpg,moth\n' });
    expect((await readFolderDataset(root, { classOrder: 'first-seen' })).classes).toEqual(['background', 'zebra', 'ant', 'moth']);
    expect((await readFolderDataset(root)).classes).toEqual(['background', 'ant', 'moth', 'zebra']);
  });

  it('refuses paths that leave the folder and says what it looked for', async () => {
    const root = await fixture({ 'images/a.jpg': [2, 2], 'labels.csv': '../secret.jpg,cat\na.jpg,cat\n' });
    const index = await readFolderDataset(root);
    expect(reasons(index.issues)).toMatch(/"..\/secret.jpg" is outside the images folder/);
    const empty = await fixture({ 'images/a.jpg': [2, 2] });
    await expect(readFolderDataset(empty)).rejects.toThrow(/looked for labels.csv or labels.json/);
  });
});
