/**
 * Polygon fill: each click adds a vertex; clicking near the first vertex (or Enter) closes the
 * polygon and fills it with the selected class (even-odd rule). Escape drops it.
 */
import { forEachPolygonSpan, polygonBounds } from '../model/polygon-raster';
import type { Point } from '../model/rect';
import { CONTINUE, DONE, type MaskTool, type ToolContext, type ToolEffect } from './tool';

export function createPolygonTool(): MaskTool {
  let points: Point[] = [];

  function fill(ctx: ToolContext): ToolEffect {
    const vertices = points;
    points = [];
    if (vertices.length < 3) return { done: true, message: 'A polygon needs at least three points.' };
    const { layer } = ctx;
    const clip = layer.touch(polygonBounds(vertices));
    const value = ctx.options.classIndex;
    forEachPolygonSpan(vertices, clip, (y, x0, x1) => layer.data.fill(value, y * layer.width + x0, y * layer.width + x1));
    return DONE;
  }

  return {
    id: 'polygon',
    label: 'Polygon',
    shortcut: 'P',
    usesBrush: false,
    down(ctx, p) {
      const first = points[0];
      if (first && points.length >= 3 && Math.hypot(p.x - first.x, p.y - first.y) <= ctx.options.closeDistance) return fill(ctx);
      points.push({ x: p.x, y: p.y });
      return CONTINUE;
    },
    move: () => CONTINUE,
    up: () => CONTINUE,
    commit: (ctx) => fill(ctx),
    cancel() {
      points = [];
    },
    preview: () => points,
  };
}
