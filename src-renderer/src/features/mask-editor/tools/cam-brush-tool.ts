/**
 * Cam-threshold brush: inside the brush, paints the selected class only where the class's cam is
 * above a local threshold, max(camFloor, camRatio × the highest cam value under this segment of
 * the stroke). Pixels below it are left as they were. It lets a rough stroke follow the object.
 */
import { forEachCapsuleSpan } from '../model/capsule';
import { createStrokeTool } from './stroke-tool';
import type { MaskTool } from './tool';

export function createCamBrushTool(): MaskTool {
  return createStrokeTool({
    id: 'cam-brush',
    label: 'Cam brush',
    shortcut: 'C',
    value: (ctx) => ctx.options.classIndex,
    prepare(ctx, a, b, r, clip) {
      const cam = ctx.cam;
      const { layer, options } = ctx;
      if (!cam) return { message: 'The cam brush needs a cam for the selected class.' };
      if (cam.length !== layer.width * layer.height) return { message: 'The cam does not match the mask size.' };
      let localMax = 0;
      forEachCapsuleSpan(a, b, r, clip, (y, x0, x1) => {
        const row = y * layer.width;
        for (let i = row + x0; i < row + x1; i++) if (cam[i]! > localMax) localMax = cam[i]!;
      });
      const threshold = Math.max(options.camFloor, options.camRatio * localMax);
      return (i) => cam[i]! > threshold;
    },
  });
}
