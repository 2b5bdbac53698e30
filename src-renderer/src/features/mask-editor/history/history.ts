/**
 * Undo/redo for one image as a command stack (after CVAT's ~90-line history). Each command is one
 * stroke or one fill and stores only the bytes of its dirty rectangle, before and after. The stack
 * is capped by memory: when the commands held exceed `capBytes`, the oldest undo steps go first
 * (the newest one is always kept, so the last edit can be undone even if it alone is larger).
 */
import type { MaskLayer } from '../model/mask-layer';
import type { Rect } from '../model/rect';
import type { Patch } from '../model/stroke-recorder';

export interface HistoryCommand extends Patch {
  /** Unique, increasing: the id of the mask state this command leads to. */
  id: number;
  label: string;
}

/** Bookkeeping bytes counted per command on top of its two patches. */
const COMMAND_OVERHEAD = 64;
export const DEFAULT_HISTORY_CAP_BYTES = 64 << 20;

let nextId = 1;

export function commandBytes(c: Patch): number {
  return c.before.byteLength + c.after.byteLength + COMMAND_OVERHEAD;
}

export class History {
  private readonly undoStack: HistoryCommand[] = [];
  private readonly redoStack: HistoryCommand[] = [];
  private held = 0;
  /** The state id reached when nothing is left to undo (0, or the last evicted command's id). */
  private baseId = 0;

  constructor(readonly capBytes = DEFAULT_HISTORY_CAP_BYTES) {
    if (!(capBytes > 0)) throw new Error('history cap must be a positive number of bytes');
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  get undoCount(): number {
    return this.undoStack.length;
  }

  get redoCount(): number {
    return this.redoStack.length;
  }

  /** Bytes held by both stacks. */
  get bytes(): number {
    return this.held;
  }

  /** Identifies the current mask state; equal ids mean equal masks (used for saved/unsaved). */
  get stateId(): number {
    return this.undoStack.at(-1)?.id ?? this.baseId;
  }

  /** Records an edit that has already been applied to the mask. Clears the redo stack. */
  push(patch: Patch, label: string): HistoryCommand {
    for (const c of this.redoStack) this.held -= commandBytes(c);
    this.redoStack.length = 0;
    const command: HistoryCommand = { ...patch, id: nextId++, label };
    this.undoStack.push(command);
    this.held += commandBytes(command);
    this.evict();
    return command;
  }

  /** Restores the bytes before the newest command; returns the changed rect, or null. */
  undo(layer: MaskLayer): Rect | null {
    const command = this.undoStack.pop();
    if (!command) return null;
    layer.writeRect(command.rect, command.before);
    this.redoStack.push(command);
    return command.rect;
  }

  redo(layer: MaskLayer): Rect | null {
    const command = this.redoStack.pop();
    if (!command) return null;
    layer.writeRect(command.rect, command.after);
    this.undoStack.push(command);
    return command.rect;
  }

  clear(): void {
    this.baseId = this.stateId;
    this.undoStack.length = 0;
    this.redoStack.length = 0;
    this.held = 0;
  }

  private evict(): void {
    // push() has just emptied the redo stack, so only undo steps can be evicted here.
    while (this.held > this.capBytes && this.undoStack.length > 1) {
      const oldest = this.undoStack.shift()!;
      this.held -= commandBytes(oldest);
      this.baseId = oldest.id;
    }
  }
}
