/** Wires the services into a host: the same handlers Electron uses, a dispatcher, an event bus. */
import { createDispatcher } from '../ipc/dispatch';
import { EventBus } from '../ipc/event-bus';
import { createHandlers } from '../ipc/handlers';
import { rendererDir } from '../services/paths';
import { startHost, type HostOptions, type RunningHost } from './server';

export type ServeOptions = Partial<Pick<HostOptions, 'host' | 'port' | 'token' | 'allowedHosts' | 'rendererDir' | 'log' | 'maxFrameBytes'>> & {
  project?: string | null;
};

export async function serveWorkbench(options: ServeOptions = {}): Promise<RunningHost & { events: EventBus }> {
  const events = new EventBus();
  const project = options.project ?? null;
  const log = options.log ?? ((line: string) => console.error(line));
  const dispatcher = createDispatcher(createHandlers({ transport: 'host', project: () => project }), log);
  const running = await startHost({ ...options, dispatcher, events, rendererDir: options.rendererDir ?? rendererDir(), log });
  return { ...running, events };
}
