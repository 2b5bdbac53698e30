/**
 * The view transform of the canvas, as plain numbers: screen = image × scale + (x, y).
 * Zooming keeps the image point under the cursor fixed; fit and 1:1 centre the image.
 */
import type { Point } from '../model/rect';

export interface Viewport {
  scale: number;
  x: number;
  y: number;
}

export const MIN_SCALE = 1 / 64;
export const MAX_SCALE = 64;

export function screenToImage(v: Viewport, p: Point): Point {
  return { x: (p.x - v.x) / v.scale, y: (p.y - v.y) / v.scale };
}

export function imageToScreen(v: Viewport, p: Point): Point {
  return { x: p.x * v.scale + v.x, y: p.y * v.scale + v.y };
}

/** Multiplies the scale by `factor`, keeping the image point under `anchor` (screen) in place. */
export function zoomAt(v: Viewport, anchor: Point, factor: number): Viewport {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, v.scale * factor));
  const at = screenToImage(v, anchor);
  return { scale, x: anchor.x - at.x * scale, y: anchor.y - at.y * scale };
}

export function panBy(v: Viewport, dx: number, dy: number): Viewport {
  return { ...v, x: v.x + dx, y: v.y + dy };
}

/** The whole image, centred, with `margin` screen pixels around it. */
export function fitViewport(stageW: number, stageH: number, imageW: number, imageH: number, margin = 8): Viewport {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, Math.min((stageW - 2 * margin) / imageW, (stageH - 2 * margin) / imageH)));
  return { scale, x: (stageW - imageW * scale) / 2, y: (stageH - imageH * scale) / 2 };
}

/** One image pixel per screen pixel, keeping the image point at the stage centre in place. */
export function oneToOne(v: Viewport, stageW: number, stageH: number): Viewport {
  const centre = { x: stageW / 2, y: stageH / 2 };
  const at = screenToImage(v, centre);
  return { scale: 1, x: Math.round(centre.x - at.x), y: Math.round(centre.y - at.y) };
}

/** Wheel delta (pixels or lines) to a zoom factor: one notch ≈ 1.2×. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const pixels = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-pixels * 0.0018);
}
