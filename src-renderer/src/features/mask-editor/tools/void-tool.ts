/** Void brush: marks covered pixels as void (255), ignored by training and metrics. */
import { VOID } from '../model/mask-layer';
import { createStrokeTool } from './stroke-tool';
import type { MaskTool } from './tool';

export function createVoidTool(): MaskTool {
  return createStrokeTool({ id: 'void', label: 'Void', shortcut: 'V', value: () => VOID });
}
