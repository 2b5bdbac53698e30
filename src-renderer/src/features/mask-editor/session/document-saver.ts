/**
 * Autosave for one open mask: a save runs `delayMs` after the last edit and whenever the editor
 * leaves the image (`flush`). Saved/unsaved is decided by history state ids, so undoing back to the
 * saved state reads as saved again. A failed save keeps the edit in memory, reports the error, and
 * is retried on the next edit, on `flush`, or from a retry button.
 */
import type { History } from '../history/history';
import type { MaskLayer } from '../model/mask-layer';
import type { MaskStorage } from '../storage/mask-storage';
import { errorText } from '@shared/envelope';

export type SaveState = 'saved' | 'unsaved' | 'saving' | 'error';

export interface SaverStatus {
  state: SaveState;
  error: string | null;
}

export class DocumentSaver {
  private savedStateId: number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<void> | null = null;
  private status: SaverStatus = { state: 'saved', error: null };

  constructor(
    readonly id: string,
    private readonly layer: MaskLayer,
    private readonly history: History,
    private readonly storage: MaskStorage,
    private readonly delayMs = 800,
    private readonly onStatus: (s: SaverStatus) => void = () => {},
  ) {
    this.savedStateId = history.stateId;
  }

  get dirty(): boolean {
    return this.history.stateId !== this.savedStateId;
  }

  get current(): SaverStatus {
    return this.status;
  }

  /** Call after every change of the mask (edit, undo, redo). */
  edited(): void {
    if (this.inFlight) return; // the save in flight re-checks `dirty` when it ends
    if (!this.dirty) {
      this.cancelTimer();
      this.set({ state: 'saved', error: null });
      return;
    }
    if (this.status.state !== 'error') this.set({ state: 'unsaved', error: null });
    this.schedule();
  }

  /** Saves now if needed and waits; resolves true when what is in memory is stored. */
  async flush(): Promise<boolean> {
    this.cancelTimer();
    if (this.inFlight) await this.inFlight;
    if (this.dirty) await this.save();
    return !this.dirty;
  }

  dispose(): void {
    this.cancelTimer();
  }

  private schedule(): void {
    this.cancelTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.save();
    }, this.delayMs);
  }

  private cancelTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private save(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const stateId = this.history.stateId;
    const snapshot = { width: this.layer.width, height: this.layer.height, data: this.layer.data.slice() };
    this.set({ state: 'saving', error: null });
    this.inFlight = this.storage
      .save(this.id, snapshot)
      .then(
        () => {
          this.savedStateId = stateId;
          this.set({ state: this.dirty ? 'unsaved' : 'saved', error: null });
        },
        (e: unknown) => {
          this.set({ state: 'error', error: errorText(e) });
        },
      )
      .finally(() => {
        this.inFlight = null;
        if (this.dirty && this.status.state === 'unsaved') this.schedule();
      });
    return this.inFlight;
  }

  private set(status: SaverStatus): void {
    this.status = status;
    this.onStatus(status);
  }
}
