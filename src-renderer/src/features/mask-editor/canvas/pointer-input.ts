/**
 * DOM pointer handling for the canvas: left button draws, middle button or Space + drag pans, the
 * wheel zooms to the cursor. Positions are reported in image coordinates.
 */
import type { Point } from '../model/rect';
import { isTextField } from '../session/key-listener';
import { panBy, screenToImage, wheelFactor, zoomAt, type Viewport } from './viewport';

export interface PointerTarget {
  viewport(): Viewport;
  setViewport(v: Viewport): void;
  down(p: Point): void;
  move(p: Point): void;
  up(p: Point): void;
  /** The pointer moved over the canvas (or left it: null), drawing or not. */
  hover(p: Point | null): void;
}

export function attachPointerInput(el: HTMLElement, target: PointerTarget): () => void {
  let mode: 'idle' | 'draw' | 'pan' = 'idle';
  let spaceHeld = false;
  let last = { x: 0, y: 0 };

  const local = (e: { clientX: number; clientY: number }): Point => {
    const box = el.getBoundingClientRect();
    return { x: e.clientX - box.left, y: e.clientY - box.top };
  };
  const toImage = (e: PointerEvent): Point => screenToImage(target.viewport(), local(e));

  const onDown = (e: PointerEvent): void => {
    if (mode !== 'idle') return;
    if (e.button === 1 || (e.button === 0 && spaceHeld)) {
      mode = 'pan';
      last = local(e);
    } else if (e.button === 0) {
      mode = 'draw';
      target.down(toImage(e));
    } else return;
    e.preventDefault();
    try {
      el.setPointerCapture(e.pointerId);
    } catch {
      // Synthetic events carry no active pointer to capture; drawing still works.
    }
  };
  const onMove = (e: PointerEvent): void => {
    if (mode === 'pan') {
      const p = local(e);
      target.setViewport(panBy(target.viewport(), p.x - last.x, p.y - last.y));
      last = p;
      return;
    }
    const p = toImage(e);
    if (mode === 'draw') target.move(p);
    target.hover(p);
  };
  const onUp = (e: PointerEvent): void => {
    if (mode === 'draw') target.up(toImage(e));
    mode = 'idle';
    try {
      if (el.hasPointerCapture(e.pointerId)) el.releasePointerCapture(e.pointerId);
    } catch {
      // nothing captured
    }
  };
  const onLeave = (): void => {
    if (mode === 'idle') target.hover(null);
  };
  const onWheel = (e: WheelEvent): void => {
    e.preventDefault();
    target.setViewport(zoomAt(target.viewport(), local(e), wheelFactor(e.deltaY, e.deltaMode)));
  };
  const onKey = (e: KeyboardEvent): void => {
    if (e.code !== 'Space' || isTextField(e.target)) return;
    spaceHeld = e.type === 'keydown';
    el.style.cursor = spaceHeld ? 'grab' : '';
    e.preventDefault();
  };
  const onAux = (e: MouseEvent): void => {
    if (e.button === 1) e.preventDefault(); // no autoscroll on middle click
  };

  el.addEventListener('pointerdown', onDown);
  el.addEventListener('pointermove', onMove);
  el.addEventListener('pointerup', onUp);
  el.addEventListener('pointercancel', onUp);
  el.addEventListener('pointerleave', onLeave);
  el.addEventListener('wheel', onWheel, { passive: false });
  el.addEventListener('mousedown', onAux);
  window.addEventListener('keydown', onKey);
  window.addEventListener('keyup', onKey);
  return () => {
    el.removeEventListener('pointerdown', onDown);
    el.removeEventListener('pointermove', onMove);
    el.removeEventListener('pointerup', onUp);
    el.removeEventListener('pointercancel', onUp);
    el.removeEventListener('pointerleave', onLeave);
    el.removeEventListener('wheel', onWheel);
    el.removeEventListener('mousedown', onAux);
    window.removeEventListener('keydown', onKey);
    window.removeEventListener('keyup', onKey);
  };
}
