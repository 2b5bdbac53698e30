/** The tool set, one instance per editor session (tools keep per-gesture state). */
import { createBrushTool } from './brush-tool';
import { createCamBrushTool } from './cam-brush-tool';
import { createEraserTool } from './eraser-tool';
import { createFloodFillTool } from './flood-fill-tool';
import { createPickerTool } from './picker-tool';
import { createPolygonTool } from './polygon-tool';
import { createSuperpixelTool } from './superpixel-tool';
import type { MaskTool, ToolId } from './tool';
import { createVoidTool } from './void-tool';

export const TOOL_IDS: readonly ToolId[] = ['brush', 'eraser', 'void', 'polygon', 'flood', 'cam-brush', 'superpixel', 'picker'];

export function createTools(): Record<ToolId, MaskTool> {
  return {
    brush: createBrushTool(),
    eraser: createEraserTool(),
    void: createVoidTool(),
    polygon: createPolygonTool(),
    flood: createFloodFillTool(),
    'cam-brush': createCamBrushTool(),
    superpixel: createSuperpixelTool(),
    picker: createPickerTool(),
  };
}

export type { MaskTool, ToolId, ToolOptions, ToolContext, ToolEffect } from './tool';
export { DEFAULT_TOOL_OPTIONS } from './tool';
