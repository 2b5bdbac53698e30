import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { History } from '../history/history';
import { MaskLayer } from '../model/mask-layer';
import { MemoryMaskStorage } from '../storage/memory-backend';
import { DocumentCache } from './document-cache';
import { DocumentSaver, type SaveState } from './document-saver';
import { EditorSession } from './editor-session';

function setup(): { session: EditorSession; storage: MemoryMaskStorage; saver: DocumentSaver; states: SaveState[] } {
  const layer = new MaskLayer(20, 10);
  const history = new History();
  const storage = new MemoryMaskStorage(['background', 'cat'], [[0, 0, 0], [64, 0, 128]]);
  const states: SaveState[] = [];
  const saver = new DocumentSaver('img1', layer, history, storage, 500, (s) => states.push(s.state));
  const session = new EditorSession({ layer, history, options: { brushSize: 1, classIndex: 1 } });
  session.on((e) => e.kind === 'history' && saver.edited());
  return { session, storage, saver, states };
}

function stroke(s: EditorSession, x: number): void {
  s.pointerDown({ x, y: 1 });
  s.pointerUp({ x, y: 5 });
}

describe('DocumentSaver', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('saves shortly after the last edit, once, with the current bytes', async () => {
    const { session, storage, states } = setup();
    stroke(session, 2);
    await vi.advanceTimersByTimeAsync(300);
    stroke(session, 4);
    await vi.advanceTimersByTimeAsync(300);
    expect(storage.saves).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(300);
    expect(storage.saves).toHaveLength(1);
    expect(storage.masks.get('img1')?.data[3 * 20 + 4]).toBe(1);
    expect(states.at(-1)).toBe('saved');
  });

  it('undoing back to the saved state reads as saved without another save', async () => {
    const { session, storage, saver } = setup();
    stroke(session, 2);
    await saver.flush();
    stroke(session, 8);
    expect(saver.current.state).toBe('unsaved');
    session.undo();
    expect(saver.current.state).toBe('saved');
    await vi.advanceTimersByTimeAsync(2000);
    expect(storage.saves).toHaveLength(1);
  });

  it('a failed save keeps the edit in memory, reports the error, and a later flush stores it', async () => {
    const { session, storage, saver } = setup();
    storage.failSaves = 1;
    stroke(session, 3);
    expect(await saver.flush()).toBe(false);
    expect(saver.current).toEqual({ state: 'error', error: expect.stringMatching(/disk full/) as unknown as string });
    expect(session.layer.data[2 * 20 + 3]).toBe(1);
    expect(saver.dirty).toBe(true);
    expect(await saver.flush()).toBe(true);
    expect(storage.masks.get('img1')?.data[2 * 20 + 3]).toBe(1);
    expect(saver.current.state).toBe('saved');
  });

  it('edits made while a save is in flight are saved afterwards', async () => {
    const { session, storage, saver } = setup();
    storage.saveDelayMs = 100;
    stroke(session, 1);
    const first = saver.flush();
    stroke(session, 9);
    await vi.advanceTimersByTimeAsync(100);
    await first;
    expect(saver.current.state).toBe('unsaved');
    await vi.advanceTimersByTimeAsync(700);
    expect(storage.saves).toHaveLength(2);
    expect(storage.masks.get('img1')?.data[2 * 20 + 9]).toBe(1);
  });
});

describe('DocumentCache', () => {
  it('evicts the least recently used saved documents over the byte budget, never unsaved ones', () => {
    const storage = new MemoryMaskStorage(['background'], [[0, 0, 0]]);
    const cache = new DocumentCache(250);
    const make = (id: string): { id: string; layer: MaskLayer; history: History; saver: DocumentSaver; classes: string[]; palette: [number, number, number][] } => {
      const layer = new MaskLayer(10, 10);
      const history = new History();
      return { id, layer, history, saver: new DocumentSaver(id, layer, history, storage), classes: [], palette: [] };
    };
    const a = make('a');
    a.layer.beginRecording();
    a.layer.touch({ x0: 0, y0: 0, x1: 1, y1: 1 });
    a.layer.data[0] = 1;
    a.history.push(a.layer.endRecording()!, 'edit'); // a is unsaved now
    cache.put(a);
    cache.put(make('b'));
    cache.put(make('c'));
    expect(cache.get('a')).toBe(a);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(2);
    a.saver.dispose();
  });
});
