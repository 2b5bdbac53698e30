/**
 * A 4096×4096 mask in Chromium: a stroke's segments upload only their dirty rectangles, and the
 * per-segment paint + upload time and the full stage redraw time are reported (not asserted
 * tightly: this machine is shared and its load varies).
 */
import { afterEach, expect, it } from 'vitest';
import { createApp, h, markRaw, ref, type App } from 'vue';
import type Konva from 'konva';
import MaskCanvas from './MaskCanvas.vue';
import type { SceneStats } from './canvas/mask-scene';
import type { Viewport } from './canvas/viewport';
import { MaskLayer } from './model/mask-layer';
import { EditorSession } from './session/editor-session';

let app: App | null = null;
let host: HTMLDivElement | null = null;
afterEach(() => {
  app?.unmount();
  host?.remove();
});

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1]!;

it('paints on a 4096² mask uploading only dirty rects', () => {
  const session = markRaw(new EditorSession({ layer: new MaskLayer(4096, 4096), options: { brushSize: 40, classIndex: 1 } }));
  host = document.createElement('div');
  host.style.cssText = 'position:fixed;left:0;top:0;width:800px;height:600px;';
  document.body.append(host);
  const api = ref<{ setViewport(v: Viewport): void; flush(): void; stats(): SceneStats; stage(): Konva.Stage } | null>(null);
  app = createApp({ render: () => h(MaskCanvas, { ref: api, session, palette: [[0, 0, 0], [200, 0, 0]] }) });
  app.mount(host);
  const canvas = api.value!;
  canvas.setViewport({ scale: 0.5, x: 0, y: 0 });
  const target = host.querySelector('canvas')!;
  const send = (type: string, x: number, y: number, buttons: number): void => {
    target.dispatchEvent(new PointerEvent(type, { clientX: x, clientY: y, buttons, pointerId: 1, bubbles: true }));
  };

  const segment: number[] = [];
  send('pointerdown', 50, 50, 1);
  for (let k = 1; k <= 40; k++) {
    const t = performance.now();
    send('pointermove', 50 + k * 15, 50 + k * 10, 1); // 18 screen px = 36 mask px per event
    canvas.flush(); // paint → recolour dirty rect → putImageData
    segment.push(performance.now() - t);
  }
  send('pointerup', 650, 450, 0);
  const stats = canvas.stats();
  expect(stats.fullUploads).toBe(1); // only when the mask was opened
  expect(stats.partialUploads).toBeGreaterThanOrEqual(40);
  expect(stats.partialPixels / stats.partialUploads).toBeLessThan(120 * 120); // ≈ 80×60 per segment, not 16 M
  expect(session.layer.data[(50 * 2 + 200) * 4096 + (50 * 2 + 300)]).toBe(1);

  const draws: number[] = [];
  for (let k = 0; k < 10; k++) {
    const t = performance.now();
    canvas.stage().draw();
    draws.push(performance.now() - t);
  }
  console.log(`4096² mask: paint+upload per segment median ${median(segment).toFixed(2)} ms; full stage draw median ${median(draws).toFixed(2)} ms`);
  expect(median(segment)).toBeLessThan(50);
});
