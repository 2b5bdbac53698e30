/** One line per channel: the contract's channels bound to the services. */
import type { AppInfo } from '@shared/domain/app-info';
import { ApiError } from '@shared/envelope';
import type { Handlers } from './dispatch';
import { appInfo } from '../services/app-info';
import type { DatasetSession } from '../services/dataset-session';
import type { ExportService } from '../services/export-service';
import type { MaskService } from '../services/mask-service';
import type { ProjectSession } from '../services/project-session';
import type { PseudoAnalysis } from '../services/pseudo-analysis';
import type { PseudoService } from '../services/pseudo-service';
import type { RoundsService } from '../services/rounds-service';
import type { AffinityService } from '../services/affinity-service';
import type { TrainingControl } from '../services/training-control';
import type { WeightsService } from '../services/weights-service';

export interface HandlerContext {
  transport: AppInfo['transport'];
  datasets: DatasetSession;
  projects: ProjectSession;
  masks: MaskService;
  exports: ExportService;
  /** A native folder dialog; only Electron has one. */
  pickFolder?: (title: string, files: boolean) => Promise<string | null>;
  /** Absent in processes without training (some tests): its channels answer UNAVAILABLE. */
  training?: TrainingControl;
  /** Pseudo-masks (absent in some tests: its channels answer UNAVAILABLE). */
  pseudo?: { service: PseudoService; analysis: PseudoAnalysis; heads?: AffinityService };
  /** The weights store (absent in some tests: its channels answer UNAVAILABLE). */
  weights?: WeightsService;
  /** The loop's rounds (absent in some tests: its channels answer UNAVAILABLE). */
  rounds?: RoundsService;
}

export function createHandlers(ctx: HandlerContext): Handlers {
  const { datasets, projects, masks, exports } = ctx;
  const training = (): TrainingControl => ctx.training ?? unavailable('Training is not available in this process.');
  const pseudo = (): NonNullable<HandlerContext['pseudo']> => ctx.pseudo ?? unavailable('Pseudo-masks are not available in this process.');
  const heads = (): AffinityService => pseudo().heads ?? unavailable('Affinity heads are not available in this process.');
  const weights = (): WeightsService => ctx.weights ?? unavailable('The weights store is not available in this process.');
  const rounds = (): RoundsService => ctx.rounds ?? unavailable('Rounds are not available in this process.');
  return {
    'app:info': () => appInfo(ctx.transport, projects.current()?.dir ?? null),
    'app:ping': ({ sentAt }) => ({ sentAt, receivedAt: Date.now() }),
    'app:echo-bytes': ({ bytes }) => ({ length: bytes.length, checksum: checksum(bytes) }),
    'app:pick-folder': ({ title, files }) =>
      ctx.pickFolder ? ctx.pickFolder(title, files ?? false) : unavailable('No native dialog in the browser host: type the path instead.'),
    'dataset:open': (target) => datasets.open(target),
    'dataset:current': () => datasets.current(),
    'dataset:images': (query) => datasets.query(query),
    'dataset:thumbnail': ({ id }) => datasets.thumbnail(id),
    'dataset:image': ({ id, maxSide }) => datasets.image(id, maxSide),
    'dataset:gt': ({ id }) => datasets.gt(id),
    'project:create': ({ dir, datasetPath }) => projects.create(dir, datasetPath),
    'project:open': ({ dir }) => projects.open(dir),
    'project:current': () => projects.info(),
    'project:set-review': async (update) => {
      await projects.setReview(update);
      return null;
    },
    'project:review': ({ id }) => masks.review(id),
    'mask:load': ({ id }) => masks.load(id),
    'mask:save': (input) => masks.save(input),
    'mask:revisions': ({ id }) => masks.revisions(id),
    'mask:revert': ({ id, n }) => masks.revert(id, n),
    'mask:import': ({ dir }) => masks.importFolder(dir),
    'export:run': (request) => exports.run(request),
    'training:presets': () => training().presets(),
    'training:start': ({ config, preset }) => training().start({ config, preset: preset ?? null }),
    'training:control': ({ action }) => training().control(action),
    'training:status': () => training().status(),
    'training:runs': () => training().runs(),
    'training:run': ({ runId }) => training().run(runId),
    'training:delete': ({ runId }) => training().deleteRun(runId),
    'training:resume-run': ({ runId }) => training().resumeRun(runId),
    'pseudo:generate': (input) => pseudo().service.generate(input),
    'pseudo:status': () => pseudo().service.status(),
    'pseudo:cancel': () => pseudo().service.cancel(),
    'pseudo:cache': ({ runId }) => pseudo().service.cacheInfo(runId),
    'pseudo:cams': ({ runId, ids }) => pseudo().service.cams(runId, ids),
    'pseudo:evaluate': (input) => pseudo().analysis.evaluate(input),
    'pseudo:queue': (input) => pseudo().analysis.queue(input),
    'pseudo:accept': (input) => pseudo().analysis.accept(input),
    'pseudo:train-head': (input) => heads().train(input),
    'pseudo:head-status': () => heads().status(),
    'pseudo:head-cancel': () => heads().cancel(),
    'weights:list': () => weights().list(),
    'weights:download': ({ release, name }) => weights().download(release, name),
    'weights:import': ({ path, name }) => weights().importFile(path, name),
    'weights:cancel': () => weights().cancel(),
    'rounds:list': ({ localizerRunId }) => rounds().list(localizerRunId),
    'rounds:start': ({ localizerRunId, settings }) => rounds().start(localizerRunId, settings),
  };
}

function unavailable(message: string): never {
  throw new ApiError('UNAVAILABLE', message);
}

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum * 31 + b) >>> 0;
  return sum;
}
