import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeIndexedPng } from '../codecs/indexed-png';
import { maskFromRows, makeSource, randomMask, tempDir } from '../testing/export-fixture';
import { exportMasks } from './index';

const CLASSES = ['background', 'cat', 'dog'];
let dir: string;

beforeAll(async () => {
  dir = await tempDir('cvat-ls');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Label Studio brush RLE decoder (thi.ng/rle-pack decode), kept minimal for this spec. */
function decodeBrush(bytes: number[]): Uint8Array {
  let pos = 0;
  const read = (n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++, pos++) v = v * 2 + ((bytes[pos >> 3]! >> (7 - (pos & 7))) & 1);
    return v;
  };
  const out = new Uint8Array(read(32));
  const word = read(5) + 1;
  const sizes = [0, 0, 0, 0].map(() => read(4) + 1);
  for (let i = 0; i < out.length; ) {
    const repeat = read(1);
    const end = i + 1 + read(sizes[read(2)]!);
    if (repeat) {
      out.fill(read(word), i, end);
      i = end;
    } else for (; i < end; i++) out[i] = read(word);
  }
  return out;
}

describe('CVAT Segmentation mask 1.1 export', () => {
  it('writes labelmap, class and object masks and the default list', async () => {
    const mask = maskFromRows(['11..2', '1...2', '..v..', '22...']);
    const source = await makeSource(dir, CLASSES, [{ id: 'a', mask }, { id: 'b', mask: randomMask(9, 7, 3, 5) }]);
    const summary = await exportMasks('cvat', source, join(dir, 'cvat'));
    expect(await readFile(join(summary.out, 'labelmap.txt'), 'utf8')).toBe(
      '# label:color_rgb:parts:actions\nbackground:0,0,0::\ncat:128,0,0::\ndog:0,128,0::\n',
    );
    expect(await readFile(join(summary.out, 'ImageSets/Segmentation/default.txt'), 'utf8')).toBe('a\nb\n');
    const cls = decodeIndexedPng(await readFile(join(summary.out, 'SegmentationClass/a.png')));
    expect(Array.from(cls.mask.data)).toEqual(Array.from(mask.data).map((v) => (v === 255 ? 0 : v)));
    expect(cls.palette?.slice(0, 3)).toEqual([
      [0, 0, 0],
      [128, 0, 0],
      [0, 128, 0],
    ]);
    const obj = decodeIndexedPng(await readFile(join(summary.out, 'SegmentationObject/a.png')));
    // Instances in scan order: cat block = 1, dog column = 2, dog bottom-left = 3.
    expect(Array.from(obj.mask.data)).toEqual([1, 1, 0, 0, 2, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0]);
    expect(summary.warnings.some((w) => /void/.test(w))).toBe(true);
    expect(summary.files).toContain('JPEGImages/a.jpg');
  });

  it('refuses classes that share a colour', async () => {
    const source = await makeSource(dir, CLASSES, [{ id: 'c', mask: randomMask(4, 4, 3, 1) }]);
    source.palette[2] = [128, 0, 0];
    await expect(exportMasks('cvat', source, join(dir, 'cvat-dup'))).rejects.toThrow(/colour 128,0,0/);
  });
});

describe('Label Studio export', () => {
  it('writes tasks whose brush regions decode to each class of the mask', async () => {
    const specs = [
      { id: 'p one', mask: randomMask(23, 17, 3, 11) },
      { id: 'q', mask: maskFromRows(['...', '...']) },
    ];
    const source = await makeSource(dir, CLASSES, specs);
    const summary = await exportMasks('labelstudio', source, join(dir, 'ls'));
    const tasks = JSON.parse(await readFile(join(summary.out, 'tasks.json'), 'utf8')) as {
      data: { image: string; eader_id: string };
      predictions: { model_version: string; result: { from_name: string; to_name: string; type: string; original_width: number; original_height: number; value: { format: string; rle: number[]; brushlabels: string[] } }[] }[];
    }[];
    expect(tasks.map((t) => t.data.image)).toEqual(['/data/local-files/?d=images/p%20one.jpg', '/data/local-files/?d=images/q.jpg']);
    expect(tasks[1]!.predictions[0]!.result).toEqual([]);
    const { mask } = specs[0]!;
    const result = tasks[0]!.predictions[0]!.result;
    const present = [...new Set(mask.data)].filter((v) => v !== 0 && v !== 255).sort();
    expect(result.map((r) => r.value.brushlabels[0])).toEqual(present.map((c) => CLASSES[c]));
    for (const region of result) {
      expect(region).toMatchObject({ type: 'brushlabels', from_name: 'tag', to_name: 'image', original_width: 23, original_height: 17 });
      expect(region.value.format).toBe('rle');
      const rgba = decodeBrush(region.value.rle);
      const classIndex = CLASSES.indexOf(region.value.brushlabels[0]!);
      expect(rgba.length).toBe(23 * 17 * 4);
      for (let i = 0; i < mask.data.length; i++) expect(rgba[i * 4 + 3]).toBe(mask.data[i] === classIndex ? 255 : 0);
    }
    const config = await readFile(join(summary.out, 'label-config.xml'), 'utf8');
    expect(config).toContain('<BrushLabels name="tag" toName="image">');
    expect(config).toContain('<Label value="dog" background="#008000"/>');
  });

  it('can write regions as annotations with another image URL prefix', async () => {
    const source = await makeSource(dir, CLASSES, [{ id: 'r', mask: maskFromRows(['.1', '2.']) }]);
    const summary = await exportMasks('labelstudio', source, join(dir, 'ls-ann'), {
      labelStudio: { target: 'annotations', imageUrlPrefix: 'https://data.example/' },
    });
    const [task] = JSON.parse(await readFile(join(summary.out, 'tasks.json'), 'utf8')) as { data: { image: string }; annotations: { result: unknown[] }[] }[];
    expect(task!.data.image).toBe('https://data.example/images/r.jpg');
    expect(task!.annotations[0]!.result).toHaveLength(2);
  });
});
