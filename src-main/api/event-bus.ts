/** Main→renderer events, fanned out to every attached transport (Electron windows, WebSocket clients). */
import type { EventName, EventPayload } from '@shared/events';

export type EventSink = (event: EventName, payload: unknown) => void;

export class EventBus {
  private readonly sinks = new Set<EventSink>();

  attach(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const sink of this.sinks) {
      try {
        sink(event, payload);
      } catch {
        // A broken sink (closed socket, destroyed window) must not stop the others.
      }
    }
  }

  get size(): number {
    return this.sinks.size;
  }
}
