/** The main-side services of one app instance, shared by the Electron and host transports. */
import type { AppInfo } from '@shared/domain/app-info';
import { createDispatcher, type Dispatcher } from '../ipc/dispatch';
import { EventBus } from '../ipc/event-bus';
import { createHandlers } from '../ipc/handlers';
import { createDatasetSession, type DatasetSession } from './dataset-session';

export interface Workbench {
  events: EventBus;
  datasets: DatasetSession;
  dispatcher: Dispatcher;
}

export function createWorkbench(transport: AppInfo['transport'], project: string | null, log: (line: string) => void): Workbench {
  const events = new EventBus();
  const datasets = createDatasetSession((progress) => events.emit('dataset:progress', progress));
  const dispatcher = createDispatcher(createHandlers({ transport, project: () => project, datasets }), log);
  return { events, datasets, dispatcher };
}
