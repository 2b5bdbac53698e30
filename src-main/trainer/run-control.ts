/** Pause / resume / stop, honoured between training steps (never in the middle of one). */
export class RunControl {
  private paused = false;
  private stopping = false;
  private wake: (() => void) | null = null;

  get isPaused(): boolean {
    return this.paused;
  }

  get stopRequested(): boolean {
    return this.stopping;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  /**
   * Call between steps. Yields to the event loop (so commands can arrive), waits while paused,
   * and returns false when the run should stop.
   */
  async between(onPaused?: () => void): Promise<boolean> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.paused && !this.stopping) {
      onPaused?.();
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
    return !this.stopping;
  }
}
