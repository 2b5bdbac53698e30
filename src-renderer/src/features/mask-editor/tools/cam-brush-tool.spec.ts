import { describe, expect, it } from 'vitest';
import { MaskLayer } from '../model/mask-layer';
import { context, rowsOf } from '../../../testing/mask-helpers';
import { createCamBrushTool } from './cam-brush-tool';

describe('cam-threshold brush', () => {
  it('inside the brush, paints only pixels whose cam is above the local threshold; leaves the rest unchanged', () => {
    const layer = new MaskLayer(7, 3);
    layer.data.fill(9, 14, 21); // the last row holds class 9, which low-cam pixels must keep
    const cam = new Float32Array([
      0.1, 0.2, 0.9, 1.0, 0.8, 0.3, 0.0,
      0.1, 0.6, 0.9, 1.0, 0.9, 0.4, 0.0,
      0.0, 0.2, 0.7, 0.8, 0.6, 0.2, 0.0,
    ]);
    const tool = createCamBrushTool();
    const ctx = context(layer, { classIndex: 2, brushSize: 9, camRatio: 0.5, camFloor: 0.15 }, { cam });
    tool.down(ctx, { x: 3.5, y: 1.5 });
    tool.up(ctx, { x: 3.5, y: 1.5 });
    // Local max 1.0 → threshold 0.5.
    expect(rowsOf(layer)).toEqual(['..222..', '.2222..', '9922299']);
  });

  it('never paints below the floor, even where the local cam is weak', () => {
    const layer = new MaskLayer(4, 1);
    const cam = new Float32Array([0.05, 0.1, 0.12, 0.02]);
    const tool = createCamBrushTool();
    const ctx = context(layer, { classIndex: 1, brushSize: 9, camRatio: 0.5, camFloor: 0.15 }, { cam });
    tool.down(ctx, { x: 2, y: 0.5 });
    tool.up(ctx, { x: 2, y: 0.5 });
    expect(rowsOf(layer)).toEqual(['....']);
  });

  it('says so when there is no cam for the class', () => {
    const tool = createCamBrushTool();
    expect(tool.down(context(new MaskLayer(3, 3)), { x: 1, y: 1 }).message).toMatch(/needs a cam/);
  });
});
