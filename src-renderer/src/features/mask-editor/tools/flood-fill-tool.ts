/** Flood fill: fills the 4-connected region of the clicked class (optionally colour-limited) with the selected class. */
import { floodRegion } from '../model/flood';
import { DONE, type MaskTool } from './tool';

export function createFloodFillTool(): MaskTool {
  return {
    id: 'flood',
    label: 'Flood fill',
    shortcut: 'F',
    usesBrush: false,
    down(ctx, p) {
      const { layer, options, image } = ctx;
      const x = Math.floor(p.x);
      const y = Math.floor(p.y);
      if (!layer.contains(x, y)) return DONE;
      const value = options.classIndex;
      const useColour = options.floodUseColour && image !== null;
      if (options.floodUseColour && !image) return { done: true, message: 'Colour-limited fill needs the image; filling by class only is off.' };
      if (image && (image.width !== layer.width || image.height !== layer.height)) return { done: true, message: 'The image does not match the mask size.' };
      if (!useColour && layer.data[y * layer.width + x] === value) return DONE;
      const region = floodRegion(layer.data, layer.width, layer.height, x, y, useColour && image ? { image, tolerance: options.floodTolerance } : undefined);
      layer.touch(region.bounds);
      const { spans, count } = region;
      for (let k = 0; k < count; k++) {
        const row = spans[3 * k]! * layer.width;
        layer.data.fill(value, row + spans[3 * k + 1]!, row + spans[3 * k + 2]!);
      }
      return DONE;
    },
    move: () => ({ done: false }),
    up: () => DONE,
  };
}
