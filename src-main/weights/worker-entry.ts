/**
 * The weights worker's process entry (built to out/main/weights-worker.js; from the sources, run
 * through tsx). A Node child process or, in the app, an Electron utilityProcess; one download or
 * import per process. See docs/weights.md ("The Training area").
 */
import { FromWeightsWorker, ToWeightsWorker } from '@shared/protocols/weights-worker';
import { PROCESS_ENTRIES } from '../processes/entries';
import { serveParent } from '../processes/serve-parent';
import { serveWeightsTask } from './worker-main';

const port = serveParent(PROCESS_ENTRIES['weights-worker'].title, { toChild: ToWeightsWorker, fromChild: FromWeightsWorker });
port.onDisconnect(() => process.exit(0)); // orphaned: the parent is gone
serveWeightsTask(port);
