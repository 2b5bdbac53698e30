/**
 * The editor panel in real Chromium, over the in-memory backend: palette, tools, shortcuts,
 * undo/redo buttons, autosave, a failing save that keeps the edit, navigation and review.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { createPinia } from 'pinia';
import { createApp, h, ref, type App } from 'vue';
import MaskEditor from './MaskEditor.vue';
import type { EditorSession } from './session/editor-session';
import { DEMO_CLASSES, DEMO_PALETTE, makeDemoItems } from './storage/demo-data';
import { createMemoryBackend, type MemoryBackend } from './storage/memory-backend';

interface EditorApi {
  session(): EditorSession | null;
  canvas(): { setViewport(v: { scale: number; x: number; y: number }): void } | null;
  flush(): Promise<boolean>;
}

let app: App | null = null;
let host: HTMLDivElement | null = null;
afterEach(() => {
  app?.unmount();
  host?.remove();
  app = null;
});

function mount(backend: MemoryBackend): { api: () => EditorApi; root: HTMLElement; imageId: () => string; events: string[] } {
  host = document.createElement('div');
  host.style.cssText = 'position:fixed;inset:0;width:900px;height:600px;display:flex;';
  document.body.append(host);
  const index = ref(0);
  const editor = ref<EditorApi | null>(null);
  const events: string[] = [];
  app = createApp({
    render: () =>
      h(MaskEditor, {
        ref: editor,
        imageId: backend.ids[index.value]!,
        backend,
        autosaveMs: 40,
        onNavigate: (d: 1 | -1) => (index.value = Math.min(backend.ids.length - 1, Math.max(0, index.value + d))),
        onSaved: (id: string) => events.push(`saved:${id}`),
        onReview: (id: string) => events.push(`review:${id}`),
      }),
  });
  app.use(createPinia());
  app.mount(host);
  return { api: () => editor.value!, root: host, imageId: () => backend.ids[index.value]!, events };
}

const byTestId = (root: HTMLElement, id: string): HTMLElement => {
  const el = root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  if (!el) throw new Error(`no element with data-testid="${id}"`);
  return el;
};

/** A horizontal stroke in image coordinates at zoom 1, via pointer events on the stage. */
function paint(root: HTMLElement, api: EditorApi, y: number, x0: number, x1: number): void {
  api.canvas()!.setViewport({ scale: 1, x: 0, y: 0 });
  const stage = byTestId(root, 'mask-canvas');
  const box = stage.getBoundingClientRect();
  const target = stage.querySelector('canvas')!;
  const send = (type: string, x: number, buttons: number): boolean =>
    target.dispatchEvent(new PointerEvent(type, { clientX: box.left + x, clientY: box.top + y, button: 0, buttons, pointerId: 1, bubbles: true }));
  send('pointerdown', x0, 1);
  send('pointermove', (x0 + x1) / 2, 1);
  send('pointerup', x1, 0);
}

function setup(): { backend: MemoryBackend } & ReturnType<typeof mount> {
  const backend = createMemoryBackend(makeDemoItems(3, 160, 120), DEMO_CLASSES, DEMO_PALETTE);
  return { backend, ...mount(backend) };
}

describe('MaskEditor (Chromium)', () => {
  it('paints the class picked in the palette, autosaves, and undo/redo buttons restore the bytes', async () => {
    const { backend, api, root, events } = setup();
    await vi.waitFor(() => expect(api().session()).not.toBeNull());
    expect(byTestId(root, 'class-palette').textContent).toContain('bicycle');
    await userEvent.click(byTestId(root, 'class-2'));
    expect(byTestId(root, 'class-2').getAttribute('aria-pressed')).toBe('true');
    const session = api().session()!;
    const original = session.layer.data.slice();
    paint(root, api(), 5, 10, 60);
    expect(session.layer.data[5 * 160 + 30]).toBe(2);
    // The autosave lands shortly after the stroke (DOM state updates on the next tick).
    await vi.waitFor(() => expect(backend.masks.masks.get('demo_001')!.data[5 * 160 + 30]).toBe(2));
    await vi.waitFor(() => expect(byTestId(root, 'save-state').dataset.state).toBe('saved'));
    expect(events).toContain('saved:demo_001');

    const painted = session.layer.data.slice();
    await userEvent.click(byTestId(root, 'undo'));
    expect(session.layer.data).toEqual(original);
    await userEvent.click(byTestId(root, 'redo'));
    expect(session.layer.data).toEqual(painted);
  });

  it('keyboard shortcuts pick tools, classes and brush size, and undo with Ctrl+Z', async () => {
    const { api, root } = setup();
    await vi.waitFor(() => expect(api().session()).not.toBeNull());
    await userEvent.keyboard('e');
    expect(byTestId(root, 'tool-eraser').getAttribute('aria-pressed')).toBe('true');
    expect(api().session()!.toolName).toBe('eraser');
    await userEvent.keyboard('3');
    expect(byTestId(root, 'class-3').getAttribute('aria-pressed')).toBe('true');
    const size = Number(byTestId(root, 'brush-size-value').textContent);
    await userEvent.keyboard(']');
    expect(Number(byTestId(root, 'brush-size-value').textContent)).toBeGreaterThan(size);
    await userEvent.keyboard('v');
    paint(root, api(), 100, 5, 40);
    expect(api().session()!.layer.data[100 * 160 + 20]).toBe(255);
    await userEvent.keyboard('{Control>}z{/Control}');
    expect(api().session()!.layer.data[100 * 160 + 20]).not.toBe(255);
  });

  it('a failed save shows an error, keeps the edit in memory, and Retry stores it', async () => {
    const { backend, api, root } = setup();
    await vi.waitFor(() => expect(api().session()).not.toBeNull());
    backend.masks.failSaves = 1;
    paint(root, api(), 8, 20, 90);
    await vi.waitFor(() => expect(byTestId(root, 'save-state').dataset.state).toBe('error'));
    expect(byTestId(root, 'save-error').textContent).toMatch(/disk full/);
    expect(api().session()!.layer.data[8 * 160 + 50]).toBe(1);
    expect(backend.masks.masks.get('demo_001')!.data[8 * 160 + 50]).not.toBe(1);
    await userEvent.click(byTestId(root, 'save-retry'));
    await vi.waitFor(() => expect(byTestId(root, 'save-state').dataset.state).toBe('saved'));
    expect(backend.masks.masks.get('demo_001')!.data[8 * 160 + 50]).toBe(1);
  });

  it('N saves and moves to the next image; coming back keeps its undo history', async () => {
    const { backend, api, root, imageId } = setup();
    await vi.waitFor(() => expect(api().session()).not.toBeNull());
    paint(root, api(), 12, 10, 50);
    await userEvent.keyboard('n');
    await vi.waitFor(() => expect(root.querySelector('[data-testid="mask-editor"]')!.getAttribute('data-image-id')).toBe('demo_002'));
    expect(imageId()).toBe('demo_002');
    expect(backend.masks.masks.get('demo_001')!.data[12 * 160 + 30]).toBe(1); // flushed on leaving
    await userEvent.keyboard('{Shift>}N{/Shift}');
    await vi.waitFor(() => expect(root.querySelector('[data-testid="mask-editor"]')!.getAttribute('data-image-id')).toBe('demo_001'));
    expect((byTestId(root, 'undo') as HTMLButtonElement).disabled).toBe(false);
    await userEvent.click(byTestId(root, 'undo'));
    expect(api().session()!.layer.data[12 * 160 + 30]).not.toBe(1);
  });

  it('stores a review with its comment', async () => {
    const { backend, api, root, events } = setup();
    await vi.waitFor(() => expect(api().session()).not.toBeNull());
    // Letters typed into the comment are text, not tool shortcuts.
    await userEvent.type(byTestId(root, 'review-comment'), 'wing tip missing');
    expect(byTestId(root, 'tool-brush').getAttribute('aria-pressed')).toBe('true');
    await userEvent.click(byTestId(root, 'review-needs-work'));
    await vi.waitFor(() => expect(byTestId(root, 'review-status').textContent).toBe('needs-work'));
    expect(backend.reviews.reviews.get('demo_001')).toEqual({ status: 'needs-work', comment: 'wing tip missing' });
    expect(events).toContain('review:demo_001');
  });
});
