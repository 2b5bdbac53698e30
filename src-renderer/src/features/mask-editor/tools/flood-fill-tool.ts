/** Flood fill: fills the 4-connected region of the clicked class (optionally colour-limited) with the selected class. */
import { floodFill } from '../model/flood';
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
      if (options.floodUseColour && !image) return { done: true, message: 'Colour-limited fill needs the image, which is not loaded.' };
      if (image && (image.width !== layer.width || image.height !== layer.height)) return { done: true, message: 'The image does not match the mask size.' };
      floodFill(layer, x, y, value, useColour && image ? { image, tolerance: options.floodTolerance } : undefined);
      return DONE;
    },
    move: () => ({ done: false }),
    up: () => DONE,
  };
}
