/** Electron transport: one invoke channel, checked sender, the shared dispatcher. */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { IPC_EVENT, IPC_INVOKE } from '@shared/ipc-names';
import { fail } from '@shared/envelope';
import type { Dispatcher } from '../api/dispatch';
import type { EventBus } from '../api/event-bus';
import { senderAllowed } from './sender-check';

export function registerElectronIpc(dispatcher: Dispatcher, rendererFile: string): void {
  ipcMain.handle(IPC_INVOKE, async (event: IpcMainInvokeEvent, channel: unknown, input: unknown) => {
    if (!senderAllowed(event.senderFrame?.url, rendererFile)) {
      return fail('UNAUTHORIZED', 'IPC from an unexpected frame was refused.');
    }
    return dispatcher.dispatch(channel, input);
  });
}

export function attachWindowEvents(contents: WebContents, events: EventBus): void {
  const detach = events.attach((event, payload) => {
    if (!contents.isDestroyed()) contents.send(IPC_EVENT, event, payload);
  });
  contents.once('destroyed', detach);
}
