/** Superpixel fill: a click fills the whole SLIC superpixel under the pointer with the selected class. */
import { DONE, type MaskTool } from './tool';

export function createSuperpixelTool(): MaskTool {
  return {
    id: 'superpixel',
    label: 'Superpixel fill',
    shortcut: 'S',
    usesBrush: false,
    down(ctx, p) {
      const { layer } = ctx;
      const x = Math.floor(p.x);
      const y = Math.floor(p.y);
      if (!layer.contains(x, y)) return DONE;
      const map = ctx.superpixels();
      if (!map) return { done: true, message: 'Superpixel fill needs the RGB image.' };
      if (map.width !== layer.width || map.height !== layer.height) return { done: true, message: 'The superpixels do not match the mask size.' };
      const label = map.labels[y * layer.width + x]!;
      const b = map.bounds;
      const rect = layer.touch({ x0: b[4 * label]!, y0: b[4 * label + 1]!, x1: b[4 * label + 2]!, y1: b[4 * label + 3]! });
      const value = ctx.options.classIndex;
      for (let yy = rect.y0; yy < rect.y1; yy++) {
        for (let i = yy * layer.width + rect.x0, end = yy * layer.width + rect.x1; i < end; i++) {
          if (map.labels[i] === label) layer.data[i] = value;
        }
      }
      return DONE;
    },
    move: () => ({ done: false }),
    up: () => DONE,
  };
}
