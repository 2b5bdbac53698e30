/**
 * Keyboard shortcuts, as data: a key event maps to one editor action. Letters pick tools, digits
 * pick classes, [ and ] change the brush, Ctrl+Z / Ctrl+Shift+Z (or Ctrl+Y) undo and redo, N and
 * Shift+N (or PageDown / PageUp) move between images. P is the polygon tool, so "previous image"
 * is Shift+N rather than P.
 */
import type { ToolId } from '../tools/tool';

export type EditorAction =
  | { kind: 'tool'; tool: ToolId }
  | { kind: 'class'; index: number }
  | { kind: 'brush-size'; delta: 1 | -1 }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'navigate'; direction: 1 | -1 }
  | { kind: 'commit' }
  | { kind: 'cancel' }
  | { kind: 'fit' }
  | { kind: 'one-to-one' }
  | { kind: 'toggle-mask' };

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
  altKey?: boolean;
}

export const TOOL_KEYS: Readonly<Record<string, ToolId>> = {
  b: 'brush',
  e: 'eraser',
  v: 'void',
  p: 'polygon',
  f: 'flood',
  c: 'cam-brush',
  s: 'superpixel',
  i: 'picker',
};

/** Shortcut list for the help overlay and the docs. */
export const SHORTCUTS: readonly { keys: string; action: string }[] = [
  ...Object.entries(TOOL_KEYS).map(([k, tool]) => ({ keys: k.toUpperCase(), action: `tool: ${tool}` })),
  { keys: '0–9', action: 'select class 0–9' },
  { keys: '[ / ]', action: 'brush smaller / larger' },
  { keys: 'Ctrl+Z', action: 'undo' },
  { keys: 'Ctrl+Shift+Z, Ctrl+Y', action: 'redo' },
  { keys: 'N / Shift+N (PageDown / PageUp)', action: 'next / previous image' },
  { keys: 'Enter / Escape', action: 'close / drop the polygon' },
  { keys: 'Ctrl+0 / Ctrl+1', action: 'fit to window / 1:1' },
  { keys: 'M', action: 'show / hide the mask' },
  { keys: 'Space + drag, middle drag, wheel', action: 'pan, zoom to the cursor' },
];

export function actionForKey(e: KeyLike): EditorAction | null {
  const ctrl = Boolean(e.ctrlKey || e.metaKey);
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (ctrl) {
    if (key === 'z') return e.shiftKey ? { kind: 'redo' } : { kind: 'undo' };
    if (key === 'y') return { kind: 'redo' };
    if (key === '0') return { kind: 'fit' };
    if (key === '1') return { kind: 'one-to-one' };
    return null;
  }
  if (e.altKey) return null;
  if (key === 'n') return { kind: 'navigate', direction: e.shiftKey ? -1 : 1 };
  if (key === 'PageDown') return { kind: 'navigate', direction: 1 };
  if (key === 'PageUp') return { kind: 'navigate', direction: -1 };
  if (key === 'Enter') return { kind: 'commit' };
  if (key === 'Escape') return { kind: 'cancel' };
  if (key === '[') return { kind: 'brush-size', delta: -1 };
  if (key === ']') return { kind: 'brush-size', delta: 1 };
  if (key === 'm') return { kind: 'toggle-mask' };
  if (/^[0-9]$/.test(key)) return { kind: 'class', index: Number(key) };
  const tool = TOOL_KEYS[key];
  return tool && !e.shiftKey ? { kind: 'tool', tool } : null;
}

/** The next brush size for [ / ]: steps of about 15%, at least 1 pixel, within 1..512. */
export function stepBrushSize(size: number, delta: 1 | -1): number {
  const step = Math.max(1, Math.round(size * 0.15));
  return Math.min(512, Math.max(1, size + delta * step));
}
