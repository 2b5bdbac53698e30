/** Class picker (eyedropper): reports the class under the pointer; the editor selects it. */
import { DONE, type MaskTool } from './tool';

export function createPickerTool(): MaskTool {
  return {
    id: 'picker',
    label: 'Pick class',
    shortcut: 'I',
    usesBrush: false,
    down(ctx, p) {
      const value = ctx.layer.valueAt(p.x, p.y);
      return value < 0 ? DONE : { done: true, picked: value };
    },
    move: () => ({ done: false }),
    up: () => DONE,
  };
}
