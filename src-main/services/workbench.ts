/** The main-side services of one app instance, shared by the Electron and host transports. */
import type { AppInfo } from '@shared/domain/app-info';
import { createDispatcher, type Dispatcher } from '../ipc/dispatch';
import { EventBus } from '../ipc/event-bus';
import { createHandlers } from '../ipc/handlers';
import { createDatasetSession, type DatasetSession } from './dataset-session';
import { TrainingControl, type TrainingControlOptions } from './training-control';
import { runsRootFor } from './training-presets';

export interface Workbench {
  events: EventBus;
  datasets: DatasetSession;
  training: TrainingControl;
  dispatcher: Dispatcher;
}

export interface WorkbenchOptions {
  /** The trainer launcher (Electron passes a utilityProcess one); a Node child process by default. */
  trainerLauncher?: TrainingControlOptions['launcher'];
}

export function createWorkbench(transport: AppInfo['transport'], project: string | null, log: (line: string) => void, options: WorkbenchOptions = {}): Workbench {
  const events = new EventBus();
  const datasets = createDatasetSession((progress) => events.emit('dataset:progress', progress));
  const training = new TrainingControl({
    dataset: () => {
      const index = datasets.dataset();
      return { root: index.root, classes: index.classes };
    },
    runsRoot: () => runsRootFor(project),
    events,
    ...(options.trainerLauncher ? { launcher: options.trainerLauncher } : {}),
    log,
  });
  const dispatcher = createDispatcher(createHandlers({ transport, project: () => project, datasets, training }), log);
  return { events, datasets, training, dispatcher };
}
