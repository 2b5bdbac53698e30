/**
 * The trainer process entry (built to out/main/trainer.js). Runs as an Electron utilityProcess or a
 * Node child process (child_process.fork); never imports electron. See docs/training.md.
 */
import { ParentMessage, PROTOCOL_VERSION, TrainerMessage } from '@shared/trainer-protocol';
import { PROCESS_ENTRIES } from '../processes/entries';
import { serveParent } from '../processes/serve-parent';
import { createEngine } from './engine-adapter';
import { classifyError, startSession } from './session';

const port = serveParent(PROCESS_ENTRIES.trainer.title, { toChild: ParentMessage, fromChild: TrainerMessage });
// A malformed command is refused whole and the parent hears why (startSession: a refused start ends the session).

let exiting = false;
function exitSoon(code: number): void {
  if (exiting) return;
  exiting = true;
  // Let the last messages flush through the IPC channel before the process goes.
  setTimeout(() => process.exit(code), 100);
}

process.on('uncaughtException', (error) => {
  const { code, message } = classifyError(error);
  port.send({ type: 'error', code, message: `uncaught: ${message}`, step: null });
  exitSoon(code === 'OOM' ? 3 : 1);
});
process.on('unhandledRejection', (reason) => {
  const { code, message } = classifyError(reason);
  port.send({ type: 'error', code, message: `unhandled rejection: ${message}`, step: null });
  exitSoon(code === 'OOM' ? 3 : 1);
});

// Orphaned (the parent died or closed the channel): stop at once, the last checkpoint stands.
port.onDisconnect(() => process.exit(0));

startSession(port, createEngine, exitSoon);
port.send({ type: 'ready', protocol: PROTOCOL_VERSION, pid: process.pid });
