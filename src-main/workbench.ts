/** The main-side services of one app instance, shared by the Electron and host transports. */
import type { AppInfo } from '@shared/domain/app-info';
import { createDispatcher, type Dispatcher } from './api/dispatch';
import { EventBus } from './api/event-bus';
import { createHandlers } from './api/handlers';
import { camWorkers, forkedCamRunner, shardedCamRunner } from './pseudo/cam-runner';
import { forkedHeadRunner } from './pseudo/head-runner';
import type { ProcessKind } from './processes/spawn';
import { trainerLauncher } from './trainer/launch';
import { createDatasetSession, type DatasetSession } from './services/dataset-session';
import { TrainingControl, type TrainingControlOptions } from './services/training-control';
import { runsRootsFor } from './runs/run-roots';
import { ExportService } from './services/export-service';
import { MaskService } from './services/mask-service';
import { ProjectSession } from './services/project-session';
import { PseudoAnalysis } from './services/pseudo-analysis';
import { PseudoService } from './services/pseudo-service';
import { AffinityService } from './services/affinity-service';
import { WeightsService } from './services/weights-service';
import { RoundsService } from './services/rounds-service';

export interface Workbench {
  events: EventBus;
  datasets: DatasetSession;
  projects: ProjectSession;
  training: TrainingControl;
  dispatcher: Dispatcher;
}

export interface WorkbenchOptions {
  transport: AppInfo['transport'];
  log: (line: string) => void;
  pickFolder?: (title: string, files: boolean) => Promise<string | null>;
  /** How the trainer and the pseudo-mask workers run: Node child processes by default; the app passes its utilityProcess. */
  childProcesses?: ProcessKind;
  /** The trainer launcher port (default: the toolkit's, of `childProcesses` kind); a scripted trainer in specs. */
  trainerLauncher?: TrainingControlOptions['launcher'];
}

export function createWorkbench({ transport, log, pickFolder, childProcesses, trainerLauncher: launcher }: WorkbenchOptions): Workbench {
  const events = new EventBus();
  // One store for the weights panel and for the runs' weights checks ($EADER_HOME/weights, as the trainer sees it).
  const weights = new WeightsService({ emit: (job) => events.emit('weights:progress', job), ...(childProcesses ? { processes: childProcesses } : {}) });
  const datasets = createDatasetSession((progress) => events.emit('dataset:progress', progress));
  const projects = new ProjectSession(datasets, (progress) => events.emit('project:thumbs', progress));
  const training = new TrainingControl({
    dataset: () => {
      const index = datasets.dataset();
      return { root: index.root, ...datasets.source(), classes: index.classes };
    },
    // The open project's runs/, else $EADER_HOME/runs.
    runsRoots: () => runsRootsFor(projects.current()?.dir ?? null),
    events,
    launcher: launcher ?? (() => trainerLauncher(childProcesses)),
    log,
    weights: weights.store,
  });
  const pseudoService = new PseudoService({ datasets, projects, runsRoots: () => runsRootsFor(projects.current()?.dir ?? null), emit: (state) => events.emit('pseudo:progress', state), runner: shardedCamRunner(forkedCamRunner(childProcesses ? { kind: childProcesses } : {}), camWorkers()) });
  const heads = new AffinityService({ pseudo: pseudoService, emit: (state) => events.emit('pseudo:head-progress', state), runner: forkedHeadRunner(childProcesses ? { kind: childProcesses } : {}) });
  const pseudo = { service: pseudoService, analysis: new PseudoAnalysis(pseudoService), heads };
  const rounds = new RoundsService({ datasets, projects, pseudo: pseudo.service, analysis: pseudo.analysis, training, emit: (job) => events.emit('rounds:progress', job) });
  const dispatcher = createDispatcher(
    createHandlers({ transport, datasets, projects, masks: new MaskService(datasets, projects), exports: new ExportService(projects, (p) => events.emit('export:progress', p)), pickFolder, training, pseudo, weights, rounds }),
    log,
  );
  return { events, datasets, projects, training, dispatcher };
}
