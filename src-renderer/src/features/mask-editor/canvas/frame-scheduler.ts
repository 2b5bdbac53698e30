/** Runs `work` at most once per animation frame however often it is requested; `now()` runs it at once. */
export interface FrameScheduler {
  request(): void;
  now(): void;
  dispose(): void;
}

export function createFrameScheduler(work: () => void): FrameScheduler {
  let handle = 0;
  const run = (): void => {
    handle = 0;
    work();
  };
  return {
    request() {
      if (!handle) handle = requestAnimationFrame(run);
    },
    now() {
      if (handle) cancelAnimationFrame(handle);
      run();
    },
    dispose() {
      if (handle) cancelAnimationFrame(handle);
      handle = 0;
    },
  };
}
