/**
 * A child for crash specs: it posts a valid pseudo-worker `{type:'ready', pid}` (past any
 * validation), then kills itself with SIGKILL on the first message it gets, as a worker dying
 * mid-job would. Point an entry at it with EADER_<NAME>_ENTRY.
 */
process.on('message', () => process.kill(process.pid, 'SIGKILL'));
process.send?.({ type: 'ready', pid: process.pid });
