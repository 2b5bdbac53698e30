/**
 * The shared mechanics of brush-like tools: a round footprint swept along the pointer path,
 * from the previous event to the current one, so fast moves leave no gaps. What a tool writes
 * (a class, background, void, or only pixels passing a test) is given by its spec.
 */
import { capsuleBounds, forEachCapsuleSpan, snapBrushCentre } from '../model/capsule';
import type { Point, Rect } from '../model/rect';
import { CONTINUE, DONE, type MaskTool, type ToolContext, type ToolEffect, type ToolId } from './tool';

export interface StrokeSpec {
  id: ToolId;
  label: string;
  shortcut: string;
  /** The byte written into covered pixels. */
  value(ctx: ToolContext): number;
  /**
   * Optional per-segment test: given the covered region, returns which pixel indices to write,
   * or a message when the tool cannot act at all. Without it every covered pixel is written.
   */
  prepare?(ctx: ToolContext, a: Point, b: Point, r: number, clip: Rect): ((index: number) => boolean) | { message: string };
}

export function createStrokeTool(spec: StrokeSpec): MaskTool {
  let last: Point | null = null;

  function segment(ctx: ToolContext, from: Point, to: Point): ToolEffect {
    const { layer, options } = ctx;
    const size = Math.max(1, Math.round(options.brushSize));
    const r = size / 2;
    const a = snapBrushCentre(from, size);
    const b = snapBrushCentre(to, size);
    const value = spec.value(ctx);
    const bounds = capsuleBounds(a, b, r);
    const clip = { x0: Math.max(0, bounds.x0), y0: Math.max(0, bounds.y0), x1: Math.min(layer.width, bounds.x1), y1: Math.min(layer.height, bounds.y1) };
    if (clip.x1 <= clip.x0 || clip.y1 <= clip.y0) return CONTINUE;
    const test = spec.prepare?.(ctx, a, b, r, clip);
    if (test && typeof test === 'object') return { done: false, message: test.message };
    layer.touch(clip);
    const data = layer.data;
    const width = layer.width;
    forEachCapsuleSpan(a, b, r, clip, (y, x0, x1) => {
      const row = y * width;
      if (!test) {
        data.fill(value, row + x0, row + x1);
        return;
      }
      for (let i = row + x0; i < row + x1; i++) if (test(i)) data[i] = value;
    });
    return CONTINUE;
  }

  return {
    id: spec.id,
    label: spec.label,
    shortcut: spec.shortcut,
    usesBrush: true,
    down(ctx, p) {
      last = p;
      return segment(ctx, p, p);
    },
    move(ctx, p) {
      if (!last) return CONTINUE;
      const effect = segment(ctx, last, p);
      last = p;
      return effect;
    },
    up(ctx, p) {
      if (!last) return DONE;
      const effect = segment(ctx, last, p);
      last = null;
      return { ...effect, done: true };
    },
    cancel() {
      last = null;
    },
  };
}
