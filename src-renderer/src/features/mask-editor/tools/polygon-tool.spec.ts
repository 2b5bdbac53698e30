import { describe, expect, it } from 'vitest';
import { MaskLayer } from '../model/mask-layer';
import { forEachPolygonSpan } from '../model/polygon-raster';
import { context, pixelsOf, rowsOf } from '../../../testing/mask-helpers';
import { createPolygonTool } from './polygon-tool';

describe('polygon fill', () => {
  it('clicks add vertices; clicking near the first closes and fills the pixels whose centres are inside', () => {
    const layer = new MaskLayer(8, 6);
    const tool = createPolygonTool();
    const ctx = context(layer, { classIndex: 2, closeDistance: 1 });
    for (const p of [{ x: 1, y: 1 }, { x: 6, y: 1 }, { x: 6, y: 4 }, { x: 1, y: 4 }]) expect(tool.down(ctx, p).done).toBe(false);
    expect(tool.preview?.()).toHaveLength(4);
    expect(layer.data.every((v) => v === 0)).toBe(true); // nothing is written before closing
    expect(tool.down(ctx, { x: 1.4, y: 1.3 }).done).toBe(true);
    expect(rowsOf(layer)).toEqual(['........', '.22222..', '.22222..', '.22222..', '........', '........']);
    expect(tool.preview?.()).toHaveLength(0);
  });

  it('uses the even-odd rule: the inner square of a self-overlapping outline stays empty', () => {
    const layer = new MaskLayer(12, 12);
    // Outer square then inner square, walked as one polygon joined by a zero-width seam at x=1.
    const points = [
      { x: 1, y: 1 }, { x: 11, y: 1 }, { x: 11, y: 11 }, { x: 1, y: 11 },
      { x: 1, y: 4 }, { x: 4, y: 4 }, { x: 4, y: 8 }, { x: 8, y: 8 }, { x: 8, y: 4 }, { x: 1, y: 4 },
    ];
    forEachPolygonSpan(points, layer.bounds, (y, x0, x1) => layer.data.fill(1, y * 12 + x0, y * 12 + x1));
    expect(layer.data[6 * 12 + 6]).toBe(0); // inside the hole
    expect(layer.data[2 * 12 + 6]).toBe(1); // inside the ring
    expect(layer.data[9 * 12 + 9]).toBe(1);
    expect(layer.data[0]).toBe(0);
  });

  it('fills a triangle with the expected pixel count and closes on Enter (commit)', () => {
    const layer = new MaskLayer(20, 20);
    const tool = createPolygonTool();
    const ctx = context(layer, { classIndex: 1 });
    tool.down(ctx, { x: 0, y: 0 });
    tool.down(ctx, { x: 20, y: 0 });
    tool.down(ctx, { x: 0, y: 20 });
    expect(tool.commit?.(ctx).done).toBe(true);
    // Pixel (x, y) is inside when x + 0.5 + y + 0.5 < 20: 190 of them.
    expect(pixelsOf(layer, 1).size).toBe(190);
  });

  it('refuses to fill fewer than three points, and cancel drops the vertices', () => {
    const layer = new MaskLayer(5, 5);
    const tool = createPolygonTool();
    const ctx = context(layer);
    tool.down(ctx, { x: 0, y: 0 });
    tool.down(ctx, { x: 4, y: 4 });
    expect(tool.commit?.(ctx).message).toMatch(/three points/);
    tool.down(ctx, { x: 1, y: 1 });
    tool.cancel?.();
    expect(tool.preview?.()).toHaveLength(0);
  });
});
