/** Eraser: sets covered pixels back to background (0). */
import { BACKGROUND } from '../model/mask-layer';
import { createStrokeTool } from './stroke-tool';
import type { MaskTool } from './tool';

export function createEraserTool(): MaskTool {
  return createStrokeTool({ id: 'eraser', label: 'Eraser', shortcut: 'E', value: () => BACKGROUND });
}
