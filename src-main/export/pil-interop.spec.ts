/** Every PNG the VOC and CVAT exports write, read back by an independent decoder: PIL (system Python). */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VOC_PALETTE } from '../codecs/voc-palette';
import { makeSource, randomMask, runSystemPython, tempDir } from '../testing/export-fixture';
import { exportMasks } from './index';

const CLASSES = ['background', 'a', 'b', 'c', 'd', 'e'];
let dir: string;

beforeAll(async () => {
  dir = await tempDir('pil-export');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const READ_ALL = `
import json, sys, glob, os
from PIL import Image
out = {}
root = sys.argv[1]
for path in sorted(glob.glob(os.path.join(root, '**', '*.png'), recursive=True)):
    im = Image.open(path)
    out[os.path.relpath(path, root)] = {
        'mode': im.mode, 'size': list(im.size),
        'indices': bytes(im.getdata()).hex(),
        'palette': im.getpalette(),
    }
print(json.dumps(out))
`;

interface PilPng {
  mode: string;
  size: [number, number];
  indices: string;
  palette: number[];
}

describe('exported PNGs read by PIL', () => {
  it('VOC and CVAT masks decode to the same indices and palette', async () => {
    const specs = [0, 1, 2].map((i) => ({ id: `m${i}`, mask: randomMask(30 + 11 * i, 20 + 5 * i, CLASSES.length, 77 + i) }));
    const source = await makeSource(dir, CLASSES, specs);
    const voc = await exportMasks('voc', source, join(dir, 'voc'), { images: 'none' });
    const cvat = await exportMasks('cvat', source, join(dir, 'cvat'), { images: 'none' });
    const flatVoc = VOC_PALETTE.flat();

    const vocPngs = JSON.parse(await runSystemPython(READ_ALL, [voc.out])) as Record<string, PilPng>;
    expect(Object.keys(vocPngs).sort()).toEqual(specs.map((s) => `SegmentationClass/${s.id}.png`));
    for (const spec of specs) {
      const png = vocPngs[`SegmentationClass/${spec.id}.png`]!;
      expect(png.mode).toBe('P');
      expect(png.size).toEqual([spec.mask.width, spec.mask.height]);
      expect(png.indices).toBe(Buffer.from(spec.mask.data).toString('hex'));
      expect(png.palette).toEqual(flatVoc);
    }

    const cvatPngs = JSON.parse(await runSystemPython(READ_ALL, [cvat.out])) as Record<string, PilPng>;
    expect(Object.keys(cvatPngs)).toHaveLength(2 * specs.length);
    for (const spec of specs) {
      const cls = cvatPngs[`SegmentationClass/${spec.id}.png`]!;
      expect(cls.mode).toBe('P');
      expect(cls.indices).toBe(Buffer.from(spec.mask.data.map((v) => (v === 255 ? 0 : v))).toString('hex'));
      expect(cls.palette.slice(0, 3 * CLASSES.length)).toEqual(source.palette.flat());
      const obj = cvatPngs[`SegmentationObject/${spec.id}.png`]!;
      expect(obj.mode).toBe('P');
      // Every instance lies within one class, and background stays 0.
      const instances = Buffer.from(obj.indices, 'hex');
      const classOf = new Map<number, number>();
      instances.forEach((inst, i) => {
        const c = spec.mask.data[i] === 255 ? 0 : spec.mask.data[i]!;
        expect(inst === 0).toBe(c === 0);
        if (inst === 0) return;
        expect(classOf.get(inst) ?? c).toBe(c);
        classOf.set(inst, c);
      });
    }
  });
});
