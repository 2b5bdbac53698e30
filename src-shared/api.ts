/** The shape of `window.api` and of the WebSocket client: the renderer sees only this. */
import type { Channel, ChannelInput, ChannelOutput } from './contract';
import type { Envelope } from './envelope';
import type { EventName, EventPayload } from './events';

export interface WorkbenchApi {
  /** Calls a channel; resolves with the envelope, never rejects for a service error. */
  invoke<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<Envelope<ChannelOutput<C>>>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  readonly transport: 'electron' | 'host';
}
