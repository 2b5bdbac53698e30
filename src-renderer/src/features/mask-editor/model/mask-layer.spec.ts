import { describe, expect, it } from 'vitest';
import { MaskLayer } from './mask-layer';

describe('MaskLayer', () => {
  it('rejects data of the wrong size and non-integer sizes', () => {
    expect(() => new MaskLayer(4, 4, new Uint8Array(15))).toThrow(/expected 4×4/);
    expect(() => new MaskLayer(0, 4)).toThrow(/positive/);
  });

  it('accumulates the dirty rect of touches, clamped to the image, and clears it on take', () => {
    const layer = new MaskLayer(10, 8);
    layer.touch({ x0: -3, y0: 2, x1: 2, y1: 4 });
    layer.touch({ x0: 7, y0: 6, x1: 20, y1: 20 });
    expect(layer.takeDirty()).toEqual({ x0: 0, y0: 2, x1: 10, y1: 8 });
    expect(layer.takeDirty().x1).toBe(0);
  });

  it('records only the bounding box of pixels that really changed, with exact before/after bytes', () => {
    const layer = new MaskLayer(150, 100);
    layer.data[5 * 150 + 140] = 7; // outside the edit, must not appear
    layer.beginRecording();
    layer.touch({ x0: 0, y0: 0, x1: 150, y1: 100 }); // touching everything is allowed…
    layer.data[10 * 150 + 70] = 3; // …but only these two pixels change
    layer.data[12 * 150 + 72] = 4;
    const patch = layer.endRecording();
    expect(patch?.rect).toEqual({ x0: 70, y0: 10, x1: 73, y1: 13 });
    expect([...patch!.before]).toEqual(new Array(9).fill(0));
    expect([...patch!.after]).toEqual([3, 0, 0, 0, 0, 0, 0, 0, 4]);
  });

  it('returns no patch when a recorded edit wrote the values already there', () => {
    const layer = new MaskLayer(20, 20);
    layer.data.fill(2);
    layer.beginRecording();
    layer.touch({ x0: 0, y0: 0, x1: 20, y1: 20 });
    layer.data.fill(2, 0, 100);
    expect(layer.endRecording()).toBeNull();
  });

  it('keeps the before-bytes of a tile from its first touch even when later touches rewrite it', () => {
    const layer = new MaskLayer(70, 70);
    layer.beginRecording();
    layer.touch({ x0: 65, y0: 65, x1: 67, y1: 67 });
    layer.data[65 * 70 + 65] = 1;
    layer.touch({ x0: 65, y0: 65, x1: 67, y1: 67 });
    layer.data[65 * 70 + 65] = 2;
    const patch = layer.endRecording()!;
    expect(patch.rect).toEqual({ x0: 65, y0: 65, x1: 66, y1: 66 });
    expect([...patch.before, ...patch.after]).toEqual([0, 2]);
  });
});
