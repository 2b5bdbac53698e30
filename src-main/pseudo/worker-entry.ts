/**
 * The pseudo-mask worker's process entry (built to out/main/pseudo-worker.js; from the sources,
 * run through tsx). A Node child process or, in the app, an Electron utilityProcess; one cam job
 * per process. See docs/pseudo-masks.md.
 */
import { FromPseudoWorker, ToPseudoWorker } from '@shared/protocols/pseudo-worker';
import { PROCESS_ENTRIES } from '../processes/entries';
import { serveParent } from '../processes/serve-parent';
import { serveCamJobs } from './worker-main';

const port = serveParent(PROCESS_ENTRIES['pseudo-worker'].title, { toChild: ToPseudoWorker, fromChild: FromPseudoWorker });
port.onDisconnect(() => process.exit(0)); // orphaned: the parent is gone
serveCamJobs(port);
