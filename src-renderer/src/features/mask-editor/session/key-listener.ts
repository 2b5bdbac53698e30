/** Window-level shortcut listening that leaves typing in text fields alone. */
import { actionForKey, type EditorAction } from './keymap';

export function isTextField(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

/** Calls `run` for every key that maps to an editor action; returns the function that stops listening. */
export function listenForShortcuts(run: (action: EditorAction) => void): () => void {
  const onKey = (e: KeyboardEvent): void => {
    if (isTextField(e.target)) return;
    const action = actionForKey(e);
    if (!action) return;
    e.preventDefault();
    run(action);
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
