import { describe, expect, it } from 'vitest';
import type { RgbImage } from '@shared/domain/dataset';
import { MaskLayer } from '../model/mask-layer';
import { computeSlic } from '../model/slic';
import { components, context, pixelsOf } from '../../../testing/mask-helpers';
import { createSuperpixelTool } from './superpixel-tool';

/** 60×40: a red disc (r = 10 at 20,20) on a blue background, with mild noise. */
function discImage(): RgbImage {
  const width = 60;
  const height = 40;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = Math.hypot(x + 0.5 - 20, y + 0.5 - 20) <= 10;
      const noise = ((x * 7 + y * 13) % 5) - 2;
      data.set(inside ? [200 + noise, 30, 30] : [30, 40 + noise, 190], (y * width + x) * 3);
    }
  }
  return { width, height, data };
}

describe('SLIC superpixels', () => {
  it('labels every pixel; each superpixel is one 4-connected region with a correct bounding box', () => {
    const image = discImage();
    const map = computeSlic(image, { regionSize: 8 });
    expect(map.count).toBeGreaterThan(10);
    expect(map.count).toBeLessThan(80);
    const layer = new MaskLayer(60, 40);
    for (let label = 0; label < map.count; label++) {
      for (let i = 0; i < layer.data.length; i++) layer.data[i] = map.labels[i] === label ? 1 : 0;
      expect(components(layer, 1, 4)).toBe(1);
      const px = [...pixelsOf(layer, 1)].map((k) => k.split(',').map(Number) as [number, number]);
      expect(Math.min(...px.map((p) => p[0]))).toBe(map.bounds[4 * label]);
      expect(Math.max(...px.map((p) => p[1])) + 1).toBe(map.bounds[4 * label + 3]);
    }
  });

  it('follows the colour edge: superpixels do not straddle the disc boundary', () => {
    const image = discImage();
    const map = computeSlic(image, { regionSize: 8, compactness: 5 });
    let straddling = 0;
    for (let label = 0; label < map.count; label++) {
      let inside = 0;
      let total = 0;
      for (let i = 0; i < map.labels.length; i++) {
        if (map.labels[i] !== label) continue;
        total++;
        if (image.data[i * 3]! > 128) inside++;
      }
      if (inside / total > 0.1 && inside / total < 0.9) straddling++;
    }
    expect(straddling).toBe(0);
  });
});

describe('superpixel fill', () => {
  it('a click fills exactly the superpixel under the pointer', () => {
    const image = discImage();
    const map = computeSlic(image, { regionSize: 8 });
    const layer = new MaskLayer(60, 40);
    const tool = createSuperpixelTool();
    expect(tool.down(context(layer, { classIndex: 4 }, { image, superpixels: () => map }), { x: 20.2, y: 20.7 }).done).toBe(true);
    const label = map.labels[20 * 60 + 20]!;
    for (let i = 0; i < layer.data.length; i++) expect(layer.data[i]).toBe(map.labels[i] === label ? 4 : 0);
  });

  it('explains when there is no image to compute superpixels from', () => {
    expect(createSuperpixelTool().down(context(new MaskLayer(4, 4)), { x: 1, y: 1 }).message).toMatch(/needs the RGB image/);
  });
});
