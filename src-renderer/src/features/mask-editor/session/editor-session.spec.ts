import { describe, expect, it } from 'vitest';
import { MaskLayer } from '../model/mask-layer';
import { EditorSession, type SessionEvent } from './editor-session';

function session(width = 50, height = 40): { s: EditorSession; events: SessionEvent[] } {
  const s = new EditorSession({ layer: new MaskLayer(width, height), options: { brushSize: 3, classIndex: 2 } });
  const events: SessionEvent[] = [];
  s.on((e) => events.push(e));
  return { s, events };
}

describe('EditorSession', () => {
  it('one stroke of many events is one history command, undone in one step', () => {
    const { s } = session();
    s.pointerDown({ x: 5, y: 5 });
    for (let x = 6; x < 40; x += 3) s.pointerMove({ x, y: 5 + x / 4 });
    s.pointerUp({ x: 40, y: 15 });
    expect(s.history.undoCount).toBe(1);
    expect(s.layer.data.some((v) => v === 2)).toBe(true);
    s.undo();
    expect(s.layer.data.every((v) => v === 0)).toBe(true);
    s.redo();
    expect(s.layer.data[5 * 50 + 5]).toBe(2);
  });

  it('history survives tool switches, and a polygon spanning several clicks is still one command', () => {
    const { s } = session();
    s.pointerDown({ x: 2, y: 2 });
    s.pointerUp({ x: 2, y: 2 });
    s.setTool('polygon');
    for (const p of [{ x: 10, y: 10 }, { x: 30, y: 10 }, { x: 30, y: 30 }]) {
      s.pointerDown(p);
      s.pointerUp(p);
    }
    s.commit();
    s.setTool('eraser');
    expect(s.history.undoCount).toBe(2);
    expect(s.layer.data[20 * 50 + 25]).toBe(2);
    s.undo();
    expect(s.layer.data[20 * 50 + 25]).toBe(0);
    expect(s.layer.data[2 * 50 + 2]).toBe(2);
  });

  it('switching tool in the middle of a polygon drops it without a command', () => {
    const { s } = session();
    s.setTool('polygon');
    s.pointerDown({ x: 1, y: 1 });
    s.pointerDown({ x: 9, y: 1 });
    expect(s.preview()).toHaveLength(2);
    s.setTool('brush');
    expect(s.preview()).toHaveLength(0);
    expect(s.history.undoCount).toBe(0);
  });

  it('the picker reports the class under the pointer without an edit', () => {
    const { s, events } = session();
    s.layer.data[3 * 50 + 4] = 7;
    s.setTool('picker');
    s.pointerDown({ x: 4.5, y: 3.5 });
    s.pointerUp({ x: 4.5, y: 3.5 });
    expect(events).toContainEqual({ kind: 'picked', value: 7 });
    expect(events.some((e) => e.kind === 'edit' || e.kind === 'history')).toBe(false);
  });

  it('a flood fill is one command; undo during a stroke first closes the stroke', () => {
    const { s } = session(20, 20);
    s.setTool('flood');
    s.pointerDown({ x: 1, y: 1 });
    s.pointerUp({ x: 1, y: 1 });
    expect(s.layer.data.every((v) => v === 2)).toBe(true);
    s.setTool('eraser');
    s.pointerDown({ x: 5, y: 5 });
    s.pointerMove({ x: 9, y: 5 });
    s.undo(); // mid-stroke: the partial stroke becomes a command and is undone
    expect(s.layer.data.every((v) => v === 2)).toBe(true);
    expect(s.history.undoCount).toBe(1);
  });

  it('the cam brush uses the cam of the selected class', () => {
    const { s, events } = session(10, 10);
    s.setTool('cam-brush');
    s.pointerDown({ x: 5, y: 5 });
    s.pointerUp({ x: 5, y: 5 });
    expect(events).toContainEqual({ kind: 'message', text: 'The cam brush needs a cam for the selected class.' });
    s.setCam(2, new Float32Array(100).fill(0.9));
    s.pointerDown({ x: 5, y: 5 });
    s.pointerUp({ x: 5, y: 5 });
    expect(s.layer.data[5 * 10 + 5]).toBe(2);
    expect(() => s.setCam(1, new Float32Array(3))).toThrow(/size/);
  });
});
