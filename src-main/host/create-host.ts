/** Wires the services into a host: the same handlers Electron uses, a dispatcher, an event bus. */
import type { EventBus } from '../api/event-bus';
import { rendererDir } from '../platform/paths';
import { createWorkbench } from '../workbench';
import { startHost, type HostOptions, type RunningHost } from './server';

export type ServeOptions = Partial<Pick<HostOptions, 'host' | 'port' | 'token' | 'allowedHosts' | 'rendererDir' | 'log' | 'maxFrameBytes' | 'maxCallsInFlight' | 'maxBufferedBytes' | 'hardBufferedBytes'>> & {
  project?: string | null;
};

export async function serveWorkbench(options: ServeOptions = {}): Promise<RunningHost & { events: EventBus }> {
  const log = options.log ?? ((line: string) => console.error(line));
  const workbench = createWorkbench({ transport: 'host', log });
  if (options.project) await workbench.projects.open(options.project);
  const { events, dispatcher } = workbench;
  const running = await startHost({ ...options, dispatcher, events, rendererDir: options.rendererDir ?? rendererDir(), log });
  // Closing the host lets go of the open project too (its lock), after the sockets are gone.
  const close = async (): Promise<void> => {
    await running.close();
    await workbench.projects.close();
  };
  return { ...running, close, events };
}
