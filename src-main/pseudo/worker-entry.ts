/**
 * Entry of the pseudo-mask worker process. The parent forks this very module (its URL is exported,
 * so the bundled chunk is found wherever the build put it) with EADER_PSEUDO_WORKER=1; anywhere
 * else importing it does nothing.
 */
export const WORKER_ENTRY_URL = import.meta.url;

if (process.env.EADER_PSEUDO_WORKER === '1' && typeof process.send === 'function') {
  delete process.env.EADER_PSEUDO_WORKER;
  void import('./worker-main').then((m) => m.serveWorker());
}
