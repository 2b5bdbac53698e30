import { describe, expect, it } from 'vitest';
import { MaskLayer } from '../model/mask-layer';
import { History, commandBytes } from './history';

function edit(layer: MaskLayer, history: History, x0: number, y0: number, size: number, value: number): void {
  layer.beginRecording();
  layer.touch({ x0, y0, x1: x0 + size, y1: y0 + size });
  for (let y = y0; y < y0 + size; y++) layer.data.fill(value, y * layer.width + x0, y * layer.width + x0 + size);
  const patch = layer.endRecording();
  if (patch) history.push(patch, 'test');
}

describe('History', () => {
  it('undo then redo restores the exact bytes at every step', () => {
    const layer = new MaskLayer(40, 30);
    for (let i = 0; i < layer.data.length; i++) layer.data[i] = (i * 31) % 7; // a busy starting mask
    const history = new History();
    const states = [layer.data.slice()];
    edit(layer, history, 3, 4, 10, 9);
    states.push(layer.data.slice());
    edit(layer, history, 8, 8, 12, 255);
    states.push(layer.data.slice());
    edit(layer, history, 0, 0, 5, 0);
    states.push(layer.data.slice());

    for (let k = states.length - 2; k >= 0; k--) {
      history.undo(layer);
      expect(layer.data).toEqual(states[k]);
    }
    expect(history.canUndo).toBe(false);
    for (let k = 1; k < states.length; k++) {
      history.redo(layer);
      expect(layer.data).toEqual(states[k]);
    }
    expect(history.canRedo).toBe(false);
  });

  it('stores only the dirty rectangle of each command', () => {
    const layer = new MaskLayer(1000, 1000);
    const history = new History();
    edit(layer, history, 100, 200, 10, 3);
    expect(history.bytes).toBe(commandBytes({ rect: { x0: 0, y0: 0, x1: 0, y1: 0 }, before: new Uint8Array(100), after: new Uint8Array(100) }));
  });

  it('a new edit after undo drops the redo branch', () => {
    const layer = new MaskLayer(20, 20);
    const history = new History();
    edit(layer, history, 0, 0, 4, 1);
    history.undo(layer);
    edit(layer, history, 10, 10, 4, 2);
    expect(history.canRedo).toBe(false);
    expect(history.redo(layer)).toBeNull();
    expect(layer.data[0]).toBe(0);
  });

  it('evicts the oldest commands when the memory cap is exceeded, never the newest', () => {
    const layer = new MaskLayer(100, 100);
    const one = 2 * 100 + 64; // two 10×10 patches plus overhead
    const history = new History(3 * one);
    for (let k = 0; k < 5; k++) edit(layer, history, k * 12, 0, 10, k + 1);
    expect(history.undoCount).toBe(3);
    expect(history.bytes).toBeLessThanOrEqual(3 * one);
    while (history.canUndo) history.undo(layer);
    // The two oldest strokes can no longer be undone; the three newest were.
    expect(layer.data[0]).toBe(1);
    expect(layer.data[12]).toBe(2);
    expect(layer.data[24]).toBe(0);
    expect(layer.data[48]).toBe(0);

    const tiny = new History(10);
    edit(layer, tiny, 50, 50, 20, 9);
    expect(tiny.undoCount).toBe(1);
    tiny.undo(layer);
    expect(layer.data[55 * 100 + 55]).toBe(0);
  });

  it('gives each mask state an id, so undoing back to a saved state is recognisable', () => {
    const layer = new MaskLayer(10, 10);
    const history = new History();
    const base = history.stateId;
    edit(layer, history, 0, 0, 2, 1);
    const afterFirst = history.stateId;
    edit(layer, history, 4, 4, 2, 1);
    expect(history.stateId).not.toBe(afterFirst);
    history.undo(layer);
    expect(history.stateId).toBe(afterFirst);
    history.undo(layer);
    expect(history.stateId).toBe(base);
  });
});
