/**
 * MaskCanvas in real Chromium: pointer events on the Konva stage paint the expected mask pixels,
 * at zoom 1 and at zoom 3 with a pan, and only the stroke's dirty rect is uploaded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, h, markRaw, ref, type App } from 'vue';
import MaskCanvas from './MaskCanvas.vue';
import { MaskLayer } from './model/mask-layer';
import { EditorSession } from './session/editor-session';
import type { Viewport } from './canvas/viewport';
import type { SceneStats } from './canvas/mask-scene';

interface CanvasApi {
  setViewport(v: Viewport): void;
  viewport(): Viewport;
  flush(): void;
  stats(): SceneStats | null;
}

let app: App | null = null;
let host: HTMLDivElement | null = null;

afterEach(() => {
  app?.unmount();
  host?.remove();
  app = null;
});

function mount(session: EditorSession): { api: CanvasApi; el: HTMLElement } {
  host = document.createElement('div');
  host.style.cssText = 'position:fixed;left:20px;top:30px;width:400px;height:300px;';
  document.body.append(host);
  const canvasRef = ref<CanvasApi | null>(null);
  app = createApp({ render: () => h(MaskCanvas, { ref: canvasRef, session, palette: [[0, 0, 0], [200, 0, 0], [0, 200, 0]], opacity: 1 }) });
  app.mount(host);
  const el = host.querySelector<HTMLElement>('[data-testid="mask-canvas"]')!;
  return { api: canvasRef.value!, el };
}

function pointer(el: HTMLElement, type: string, sx: number, sy: number, buttons: number): void {
  const box = el.getBoundingClientRect();
  el.querySelector('canvas')!.dispatchEvent(
    new PointerEvent(type, { clientX: box.left + sx, clientY: box.top + sy, button: 0, buttons, pointerId: 1, pointerType: 'mouse', bubbles: true, cancelable: true }),
  );
}

function stroke(el: HTMLElement, points: [number, number][]): void {
  const [first, ...rest] = points;
  pointer(el, 'pointerdown', first![0], first![1], 1);
  for (const [x, y] of rest) pointer(el, 'pointermove', x, y, 1);
  const end = points.at(-1)!;
  pointer(el, 'pointerup', end[0], end[1], 0);
}

function newSession(): EditorSession {
  return markRaw(new EditorSession({ layer: new MaskLayer(120, 90), options: { brushSize: 1, classIndex: 1 } }));
}

/** Reads back the pixel the stage shows at a screen point (what the user sees). */
async function shownAt(api: CanvasApi, el: HTMLElement, sx: number, sy: number): Promise<number[]> {
  api.flush();
  await new Promise((r) => requestAnimationFrame(() => r(null)));
  const canvases = [...el.querySelectorAll('canvas')];
  const mask = canvases[1]!; // image layer, mask layer, overlay
  const ratio = mask.width / el.clientWidth;
  return [...mask.getContext('2d')!.getImageData(Math.floor(sx * ratio), Math.floor(sy * ratio), 1, 1).data];
}

describe('MaskCanvas (Chromium)', () => {
  it('at zoom 1, a stroke paints the image pixels under the pointer', async () => {
    const session = newSession();
    const { api, el } = mount(session);
    api.setViewport({ scale: 1, x: 0, y: 0 });
    stroke(el, [[10, 20], [60, 20], [60, 50]]);
    const at = (x: number, y: number): number => session.layer.data[y * 120 + x]!;
    expect(at(10, 20)).toBe(1);
    expect(at(35, 20)).toBe(1);
    expect(at(60, 35)).toBe(1);
    expect(at(60, 50)).toBe(1);
    expect(at(35, 21)).toBe(0);
    expect(session.history.undoCount).toBe(1);
    expect(await shownAt(api, el, 35.5, 20.5)).toEqual([200, 0, 0, 255]);
    expect((await shownAt(api, el, 35.5, 40.5))[3]).toBe(0);
  });

  it('at zoom 3 with a pan, screen points map through the view transform', async () => {
    const session = newSession();
    session.options.brushSize = 3;
    const { api, el } = mount(session);
    api.setViewport({ scale: 3, x: -60, y: -45 });
    // Screen (150, 90) is image ((150 + 60) / 3, (90 + 45) / 3) = (70, 45).
    stroke(el, [[150, 90], [240, 90]]);
    const at = (x: number, y: number): number => session.layer.data[y * 120 + x]!;
    for (let x = 70; x <= 100; x++) expect(at(x, 45)).toBe(1);
    expect(at(85, 44)).toBe(1); // brush 3 covers one row above and below
    expect(at(85, 47)).toBe(0);
    expect(at(69 - 2, 45)).toBe(0);
    expect(at(101 + 2, 45)).toBe(0);
    // The pixel shown at screen (3 * 80 - 60 + 1, 3 * 45 - 45 + 1) is image pixel (80, 45).
    expect(await shownAt(api, el, 181.5, 91.5)).toEqual([200, 0, 0, 255]);
  });

  it('uploads only the dirty rectangle of a stroke and redraws after undo', async () => {
    const session = newSession();
    session.options.brushSize = 5;
    const { api, el } = mount(session);
    api.setViewport({ scale: 1, x: 0, y: 0 });
    const before = api.stats()!;
    stroke(el, [[30, 30], [50, 40]]);
    api.flush();
    const after = api.stats()!;
    expect(after.fullUploads).toBe(before.fullUploads);
    expect(after.partialUploads).toBeGreaterThan(before.partialUploads);
    expect(after.lastRect).toEqual({ x0: 28, y0: 28, x1: 53, y1: 43 });
    session.undo();
    expect(session.layer.data.every((v) => v === 0)).toBe(true);
    expect((await shownAt(api, el, 40.5, 35.5))[3]).toBe(0);
  });

  it('wheel zooms about the cursor', () => {
    const session = newSession();
    const { api, el } = mount(session);
    api.setViewport({ scale: 1, x: 0, y: 0 });
    const box = el.getBoundingClientRect();
    el.dispatchEvent(new WheelEvent('wheel', { clientX: box.left + 100, clientY: box.top + 50, deltaY: -200, bubbles: true, cancelable: true }));
    const v = api.viewport();
    expect(v.scale).toBeGreaterThan(1.3);
    expect((100 - v.x) / v.scale).toBeCloseTo(100);
    expect((50 - v.y) / v.scale).toBeCloseTo(50);
  });
});
