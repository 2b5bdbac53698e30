import { describe, expect, it } from 'vitest';
import { MaskLayer } from '../model/mask-layer';
import { components, context, pixelsOf, rowsOf } from '../../../testing/mask-helpers';
import { createBrushTool } from './brush-tool';
import { createEraserTool } from './eraser-tool';
import { createVoidTool } from './void-tool';

describe('brush', () => {
  it('a click paints a round footprint of the brush diameter in the selected class', () => {
    const layer = new MaskLayer(9, 9);
    const brush = createBrushTool();
    const ctx = context(layer, { brushSize: 5, classIndex: 3 });
    brush.down(ctx, { x: 4.2, y: 4.9 });
    expect(brush.up(ctx, { x: 4.2, y: 4.9 }).done).toBe(true);
    expect(rowsOf(layer)).toEqual([
      '.........',
      '.........',
      '...333...',
      '..33333..',
      '..33333..',
      '..33333..',
      '...333...',
      '.........',
      '.........',
    ]);
  });

  it('even diameters centre on a pixel corner: size 2 is a 2×2 block', () => {
    const layer = new MaskLayer(6, 6);
    const brush = createBrushTool();
    const ctx = context(layer, { brushSize: 2, classIndex: 1 });
    brush.down(ctx, { x: 3.1, y: 2.8 });
    brush.up(ctx, { x: 3.1, y: 2.8 });
    expect([...pixelsOf(layer, 1)].sort()).toEqual(['2,2', '2,3', '3,2', '3,3']);
  });

  it('interpolates between pointer events: a fast 1-pixel stroke is one 8-connected line', () => {
    const layer = new MaskLayer(120, 80);
    const brush = createBrushTool();
    const ctx = context(layer, { brushSize: 1, classIndex: 2 });
    // Three events far apart, as a fast mouse delivers them.
    brush.down(ctx, { x: 3, y: 3 });
    brush.move(ctx, { x: 100, y: 41 });
    brush.up(ctx, { x: 20, y: 77 });
    const painted = pixelsOf(layer, 2);
    expect(components(layer, 2, 8)).toBe(1);
    for (const key of ['3,3', '100,41', '20,77']) expect(painted.has(key)).toBe(true);
    // Every column crossed by the first segment holds a painted pixel.
    for (let x = 3; x <= 100; x++) expect([...painted].some((k) => k.startsWith(`${x},`))).toBe(true);
  });

  it('a wide fast stroke is a solid band: 4-connected, covering every pixel centre on its path', () => {
    const layer = new MaskLayer(200, 200);
    const brush = createBrushTool();
    const ctx = context(layer, { brushSize: 7, classIndex: 1 });
    brush.down(ctx, { x: 10, y: 10 });
    brush.move(ctx, { x: 190, y: 150 });
    brush.up(ctx, { x: 190, y: 150 });
    expect(components(layer, 1, 4)).toBe(1);
    for (let t = 0; t <= 1; t += 0.01) {
      const x = Math.floor(10.5 + t * 180);
      const y = Math.floor(10.5 + t * 140);
      expect(layer.data[y * 200 + x]).toBe(1);
    }
    // Nothing far from the segment is painted.
    expect(layer.data[150 * 200 + 10]).toBe(0);
  });

  it('clips at the image border without throwing', () => {
    const layer = new MaskLayer(10, 10);
    const brush = createBrushTool();
    const ctx = context(layer, { brushSize: 9, classIndex: 1 });
    brush.down(ctx, { x: -3, y: -3 });
    brush.move(ctx, { x: 50, y: 0 });
    brush.up(ctx, { x: 50, y: 0 });
    expect(layer.data[0]).toBe(1);
    expect(layer.data[9 * 10 + 9]).toBe(0);
  });
});

describe('eraser and void', () => {
  it('the eraser writes background and the void brush writes 255, whatever the class option', () => {
    const layer = new MaskLayer(12, 3);
    layer.data.fill(4);
    const ctx = context(layer, { brushSize: 1, classIndex: 4 });
    const eraser = createEraserTool();
    eraser.down(ctx, { x: 0, y: 0 });
    eraser.up(ctx, { x: 5, y: 0 });
    const voidBrush = createVoidTool();
    voidBrush.down(ctx, { x: 0, y: 2 });
    voidBrush.up(ctx, { x: 11, y: 2 });
    expect(rowsOf(layer)).toEqual(['......444444', '444444444444', 'vvvvvvvvvvvv']);
  });
});
