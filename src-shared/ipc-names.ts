/** The two raw Electron IPC channels; every contract channel travels inside them. */
export const IPC_INVOKE = 'eader:invoke';
export const IPC_EVENT = 'eader:event';
