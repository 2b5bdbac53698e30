/**
 * Instances files past V8's longest string are streamed (coco-stream.ts); the tests force the
 * streaming path with a small threshold and require the very records and issues of the whole-file
 * parse: on a generated file of a few MB (several read chunks, element boundaries anywhere in a
 * chunk), and on a hand-made hostile file whose annotations come before its images and categories.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCocoScale } from '../../../scripts/bench/coco-scale';
import { tempDir, writeImage } from '../../testing/folder-fixture';
import { readFile } from 'node:fs/promises';
import { parseCocoInstances } from './coco-json';
import { readCocoDataset } from './coco-reader';
import { readCocoInstances, streamCocoInstances } from './coco-stream';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('coco-stream');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('streamed instances files', () => {
  it('give the same index as the whole-file parse on a generated file of several MB', async () => {
    const generated = await generateCocoScale(join(dir, 'gen'), 1500, () => undefined);
    expect(generated.jsonBytes).toBeGreaterThan(4 << 20); // several 1 MiB read chunks
    const whole = await readCocoDataset(generated.root);
    const streamed = await readCocoDataset(generated.root, { streamAboveBytes: 1024 });
    expect(whole.images).toHaveLength(1500);
    expect(whole.images.filter((r) => r.labels.length > 0).length).toBeGreaterThan(1400);
    expect(streamed).toEqual(whole);
    // The kept annotations too, masks and all.
    const text = await readFile(generated.annotationFile, 'utf8');
    const masks = await streamCocoInstances(generated.annotationFile, 'masks', { label: 'x.json' });
    expect(masks).toEqual(parseCocoInstances(text, 'x.json', 'masks'));
    expect(masks.annotations.length).toBe(generated.annotations);
  });

  it('give the same records and issues for a hostile file listing annotations before images and categories', async () => {
    const file = join(dir, 'hostile.json');
    const doc = {
      info: { note: 'annotations first' },
      annotations: [
        { id: 1, image_id: 1, category_id: 5, segmentation: [[1, 1, 5, 1, 5, 4]] },
        { id: 2, image_id: 1, category_id: 9, segmentation: [[0, 0, 2, 0, 2, 2]] }, // unknown category
        { id: 3, image_id: 7, category_id: 5, segmentation: [[0, 0, 2, 0, 2, 2]] }, // unknown image
        { id: 4, image_id: 2, category_id: 5, segmentation: [[0, 0, 1]] }, // odd coordinates
        { id: 5, image_id: 2, category_id: 6, segmentation: [[-500, -500, 600, -500, 600, 600]] }, // far outside: clipped
        { id: 6, image_id: 2, category_id: 6, segmentation: { size: [4, 6], counts: [3, 2] } }, // counts do not sum
        { id: 7, image_id: 2, category_id: 6, iscrowd: 1, segmentation: { size: [6, 8], counts: [10, 4, 34] } },
        { id: 8, image_id: 1, category_id: 6 }, // box only
        'not an annotation',
      ],
      categories: [{ id: 6, name: 'dog' }, { id: 5, name: 'cat' }, { id: 5, name: 'again' }, { name: '' }],
      images: [
        { id: 1, file_name: 'a.jpg', width: 8, height: 6 },
        { id: 2, file_name: 'sub\\b.jpg', width: 8, height: 6 },
        { id: 2, file_name: 'dup.jpg', width: 8, height: 6 },
        { id: 3, file_name: 'c.jpg', width: 0, height: 6 },
      ],
    };
    const text = JSON.stringify(doc, null, 1);
    await writeFile(file, text);
    for (const keep of ['index', 'masks'] as const) {
      const whole = parseCocoInstances(text, 'hostile.json', keep);
      expect(whole.issues.length).toBeGreaterThanOrEqual(9);
      expect(await streamCocoInstances(file, keep, { label: 'hostile.json' })).toEqual(whole);
      expect(await readCocoInstances(file, keep, { label: 'hostile.json', streamAboveBytes: 0 })).toEqual(whole);
    }
    // Index mode keeps no polygons, only whether there is a mask.
    const index = parseCocoInstances(text, 'hostile.json', 'index');
    expect(index.annotations.map((a) => [a.id, a.hasSegmentation])).toEqual([
      [1, true],
      [5, true],
      [7, true],
      [8, false],
    ]);
    expect(Object.keys(index.annotations[0]!)).not.toContain('segmentation');
  });

  it('refuse what is not an instances file, naming the file and the problem', async () => {
    const cases: [string, RegExp][] = [
      ['[{"images": []}]', /bad\.json is not a COCO instances file \(expected a JSON object\)/],
      ['{"images": [{"id": 1, "file_name": "a.jpg", "width": 2, "height": 2}], "categories": [{"id": 1, "name": "a"}], "annotations": [', /bad\.json is not valid JSON \(the file ends before its top-level object does: truncated\?\)/],
      ['{"images": {"a": 1}, "categories": []}', /bad\.json is not a COCO instances file: "images" is missing or not an array/],
      ['{"images": [{"id": 1, "file_name": "a.jpg", "width": 2, "height": 2}]}', /bad\.json is not a COCO instances file: no element of "categories"/],
      ['{"images": [1, 2,, 3]}', /bad\.json is not valid JSON \(/],
    ];
    for (const [text, error] of cases) {
      const file = join(dir, 'bad.json');
      await writeFile(file, text);
      await expect(streamCocoInstances(file, 'index', { label: 'bad.json' })).rejects.toThrow(error);
    }
  });

  it('stream a dataset whose instances file is picked through the reader, images and all', async () => {
    const root = join(dir, 'small');
    await writeImage(join(root, 'val/a.jpg'), 8, 6);
    await writeFile(join(root, 'instances_val.json'), JSON.stringify({ images: [{ id: 1, file_name: 'a.jpg', width: 8, height: 6 }], categories: [{ id: 3, name: 'cat' }], annotations: [{ id: 1, image_id: 1, category_id: 3, segmentation: [[1, 1, 5, 1, 5, 4]] }] }));
    const streamed = await readCocoDataset(root, { streamAboveBytes: 0 });
    expect(streamed.images.map((r) => [r.id, r.labels, r.splits])).toEqual([['a', [1], ['val']]]);
    expect(streamed).toEqual(await readCocoDataset(root));
  });
});
