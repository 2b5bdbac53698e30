/**
 * The preload: exposes `window.api` (invoke + on) and nothing else. Channels and events outside the
 * contract are refused here, before they reach the main process.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isChannel, isEventName } from '@shared/names';
import { IPC_EVENT, IPC_INVOKE } from '@shared/ipc-names';

const api = {
  transport: 'electron' as const,
  invoke(channel: unknown, input: unknown): Promise<unknown> {
    if (!isChannel(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `Unknown channel "${String(channel)}".` } });
    }
    return ipcRenderer.invoke(IPC_INVOKE, channel, input);
  },
  on(event: unknown, listener: (payload: unknown) => void): () => void {
    if (!isEventName(event) || typeof listener !== 'function') return () => {};
    const wrapped = (_e: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => ipcRenderer.removeListener(IPC_EVENT, wrapped);
  },
};

contextBridge.exposeInMainWorld('api', api);
