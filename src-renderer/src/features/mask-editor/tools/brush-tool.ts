/** Brush: paints the selected class with a round footprint of `brushSize` pixels. */
import { createStrokeTool } from './stroke-tool';
import type { MaskTool } from './tool';

export function createBrushTool(): MaskTool {
  return createStrokeTool({ id: 'brush', label: 'Brush', shortcut: 'B', value: (ctx) => ctx.options.classIndex });
}
