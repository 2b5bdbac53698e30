import { describe, expect, it } from 'vitest';
import { colourCam, colourMaskRect, heatmapLut, paletteLut } from './colours';
import { fitViewport, imageToScreen, oneToOne, screenToImage, zoomAt } from './viewport';

function bytes(words: Uint32Array): number[] {
  return [...new Uint8Array(words.buffer)];
}

describe('mask colouring', () => {
  it('recolours only the dirty rect: palette colours, transparent background, grey void', () => {
    const mask = new Uint8Array([1, 2, 255, 0, 1, 1]); // 3×2
    const rgba = new Uint32Array(6);
    colourMaskRect(mask, 3, { x0: 0, y0: 0, x1: 3, y1: 1 }, paletteLut([[0, 0, 0], [128, 0, 0], [0, 128, 0]]), rgba);
    expect(bytes(rgba)).toEqual([128, 0, 0, 255, 0, 128, 0, 255, 224, 224, 192, 255, ...new Array(12).fill(0)]);
    colourMaskRect(mask, 3, { x0: 0, y0: 1, x1: 1, y1: 2 }, paletteLut([[9, 9, 9]]), rgba);
    expect(bytes(rgba).slice(12, 16)).toEqual([9, 9, 9, 0]);
  });

  it('maps cam 0 to transparent and 1 to opaque red', () => {
    const rgba = new Uint32Array(2);
    colourCam(new Float32Array([0, 1]), heatmapLut(), rgba);
    const b = bytes(rgba);
    expect(b[3]).toBe(0);
    expect(b.slice(4)).toEqual([128, 0, 0, 255]);
  });
});

describe('viewport', () => {
  it('zooming keeps the image point under the cursor fixed', () => {
    const v = { scale: 2, x: 10, y: -4 };
    const anchor = { x: 123, y: 77 };
    const before = screenToImage(v, anchor);
    const zoomed = zoomAt(v, anchor, 1.7);
    expect(zoomed.scale).toBeCloseTo(3.4);
    const after = screenToImage(zoomed, anchor);
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
    expect(imageToScreen(zoomed, after).x).toBeCloseTo(123);
  });

  it('fit centres the whole image and 1:1 keeps the centre point', () => {
    const fit = fitViewport(400, 300, 800, 400, 0);
    expect(fit).toEqual({ scale: 0.5, x: 0, y: 50 });
    const one = oneToOne(fit, 400, 300);
    expect(one.scale).toBe(1);
    expect(screenToImage(one, { x: 200, y: 150 })).toEqual(screenToImage(fit, { x: 200, y: 150 }));
  });
});
