/**
 * The renderer's only door to the main side. In Electron the preload provides `window.api`;
 * in a browser served by the host, the same contract runs over a WebSocket.
 */
import type { WorkbenchApi } from '@shared/api';
import { ApiError } from '@shared/envelope';
import type { Channel, ChannelInput, ChannelOutput } from '@shared/contract';
import { createSocketApi } from './socket-api';

declare global {
  interface Window {
    api?: WorkbenchApi;
  }
}

let instance: WorkbenchApi | null = null;

export function api(): WorkbenchApi {
  instance ??= window.api ?? createSocketApi(window.location);
  return instance;
}

/** Calls a channel and unwraps the envelope: resolves with the value or throws ApiError. */
export async function call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
  const result = await api().invoke(channel, input);
  if (!result.ok) throw new ApiError(result.error.code, result.error.message);
  return result.value;
}
