import { describe, expect, it } from 'vitest';
import { actionForKey, stepBrushSize } from './keymap';

describe('keymap', () => {
  it('maps letters to tools, digits to classes and brackets to brush size', () => {
    expect(actionForKey({ key: 'b' })).toEqual({ kind: 'tool', tool: 'brush' });
    expect(actionForKey({ key: 'F' })).toEqual({ kind: 'tool', tool: 'flood' });
    expect(actionForKey({ key: 's' })).toEqual({ kind: 'tool', tool: 'superpixel' });
    expect(actionForKey({ key: 'i' })).toEqual({ kind: 'tool', tool: 'picker' });
    expect(actionForKey({ key: '3' })).toEqual({ kind: 'class', index: 3 });
    expect(actionForKey({ key: '[' })).toEqual({ kind: 'brush-size', delta: -1 });
    expect(actionForKey({ key: 'q' })).toBeNull();
  });

  it('maps Ctrl/Cmd+Z to undo, with Shift (or Ctrl+Y) to redo, and N / Shift+N to images', () => {
    expect(actionForKey({ key: 'z', ctrlKey: true })).toEqual({ kind: 'undo' });
    expect(actionForKey({ key: 'Z', ctrlKey: true, shiftKey: true })).toEqual({ kind: 'redo' });
    expect(actionForKey({ key: 'z', metaKey: true })).toEqual({ kind: 'undo' });
    expect(actionForKey({ key: 'y', ctrlKey: true })).toEqual({ kind: 'redo' });
    expect(actionForKey({ key: 'n' })).toEqual({ kind: 'navigate', direction: 1 });
    expect(actionForKey({ key: 'N', shiftKey: true })).toEqual({ kind: 'navigate', direction: -1 });
    expect(actionForKey({ key: 'b', ctrlKey: true })).toBeNull();
  });

  it('steps the brush by about 15% and keeps it within 1..512', () => {
    expect(stepBrushSize(20, 1)).toBe(23);
    expect(stepBrushSize(20, -1)).toBe(17);
    expect(stepBrushSize(1, -1)).toBe(1);
    expect(stepBrushSize(510, 1)).toBe(512);
  });
});
