/** The main-side services of one app instance, shared by the Electron and host transports. */
import type { AppInfo } from '@shared/domain/app-info';
import { createDispatcher, type Dispatcher } from '../ipc/dispatch';
import { EventBus } from '../ipc/event-bus';
import { createHandlers } from '../ipc/handlers';
import { createDatasetSession, type DatasetSession } from './dataset-session';
import { ProjectSession } from './project-session';

export interface Workbench {
  events: EventBus;
  datasets: DatasetSession;
  projects: ProjectSession;
  dispatcher: Dispatcher;
}

export interface WorkbenchOptions {
  transport: AppInfo['transport'];
  log: (line: string) => void;
}

export function createWorkbench({ transport, log }: WorkbenchOptions): Workbench {
  const events = new EventBus();
  const datasets = createDatasetSession((progress) => events.emit('dataset:progress', progress));
  const projects = new ProjectSession(datasets, (progress) => events.emit('project:thumbs', progress));
  const dispatcher = createDispatcher(createHandlers({ transport, datasets, projects }), log);
  return { events, datasets, projects, dispatcher };
}
