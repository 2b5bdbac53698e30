/**
 * The weights store for the Training area: the listing (entries, the downloadable ImageNet
 * releases and which entry holds each), and one job at a time — a release download or a file
 * import — run in a weights worker process (the toolkit's `weights-worker` entry: a Node child
 * process, or in the app a utilityProcess), so neither the transfer, nor the SHA-256 over hundreds
 * of MB, nor the import's tfjs check runs on the main event loop. Job changes go out as
 * `weights:progress` events. Cancelling ends the worker: a download's partial file stays and the
 * next download of that release resumes it. No electron here.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ApiError, errorText } from '@shared/envelope';
import { IMAGENET_RELEASES, RELEASE_KEYS, WeightsName, entryHoldsRelease, type WeightsJob, type WeightsListing } from '@shared/domain/weights';
import { FromWeightsWorker, ToWeightsWorker, type WeightsTask } from '@shared/protocols/weights-worker';
import { describeExit } from '../processes/channel';
import { FORK, spawnChild, type ProcessKind } from '../processes/spawn';
import { RELEASES, type Release } from '../weights/download';
import { defaultName } from '../weights/import';
import { WeightsStore } from '../weights/store';

export interface WeightsServiceOptions {
  /** Default: $EADER_HOME/weights. */
  store?: WeightsStore;
  emit: (job: WeightsJob) => void;
  /** How the worker runs (default: a Node child process; the app passes its utilityProcess). */
  processes?: ProcessKind;
  env?: NodeJS.ProcessEnv;
  /** Where each release is fetched from (default: torchvision's URLs; tests: a local server). */
  releases?: Record<string, Release>;
}

export class WeightsService {
  readonly store: WeightsStore;
  private current: WeightsJob | null = null;
  private kill: (() => void) | null = null;
  private ended: Promise<void> = Promise.resolve();
  private nextId = 1;

  constructor(private readonly options: WeightsServiceOptions) {
    this.store = options.store ?? new WeightsStore();
  }

  async list(): Promise<WeightsListing> {
    const { entries, problems } = await this.store.list();
    const releases = RELEASE_KEYS.map((key) => {
      const { file, backbone, weights } = IMAGENET_RELEASES[key];
      return { key, backbone, weights, file, stored: entries.find((e) => entryHoldsRelease(e, key))?.name ?? null };
    });
    return { root: this.store.root, entries, problems, releases, job: this.job() };
  }

  /** The running job, or the last one (until the next starts). */
  job(): WeightsJob | null {
    return this.current ? { ...this.current } : null;
  }

  /** Download a release into the store under its own name (or `name`). */
  async download(key: string, name?: string): Promise<WeightsJob> {
    const release: Release | undefined = { ...RELEASES, ...this.options.releases }[key];
    if (!release) throw new ApiError('INVALID_INPUT', `Unknown release ${key}; choose one of ${RELEASE_KEYS.join(', ')}.`);
    const target = await this.freeName(name ?? key);
    return this.launch({ kind: 'download', release, name: target }, key);
  }

  /** Import a weights file (a .pth, .safetensors or tfjs manifest) into the store. */
  async importFile(path: string, name?: string): Promise<WeightsJob> {
    const file = resolve(path);
    const isFile = await stat(file).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!isFile) throw new ApiError('INVALID_INPUT', `${file}: no such file (give a .pth, .safetensors or tfjs model.json file).`);
    const target = await this.freeName(name ?? defaultName(file));
    return this.launch({ kind: 'import', file, name: target }, file);
  }

  /** End the running job's worker (a download keeps what arrived, to resume). */
  cancel(): WeightsJob | null {
    if (this.current?.status === 'running') {
      this.update({ status: 'cancelled', message: this.current.kind === 'download' ? 'Cancelled; what arrived is kept, and the next download of this release resumes it.' : 'Cancelled.' });
      this.kill?.();
    }
    return this.job();
  }

  /** Resolves once the running job (if any) has ended; for shutdown and tests. */
  async settled(): Promise<void> {
    await this.ended;
  }

  private async freeName(name: string): Promise<string> {
    const parsed = WeightsName.safeParse(name);
    if (!parsed.success) throw new ApiError('INVALID_INPUT', `Invalid weights name "${name}": ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
    if (await this.store.has(parsed.data)) throw new ApiError('CONFLICT', `Weights named ${parsed.data} already exist in ${this.store.root}; choose another name.`);
    return parsed.data;
  }

  private launch(task: WeightsTask, source: string): WeightsJob {
    if (this.current?.status === 'running') throw new ApiError('CONFLICT', `A weights ${this.current.kind} (${this.current.source}) is running; wait for it or cancel it.`);
    this.current = { id: this.nextId++, kind: task.kind, source, name: task.name, status: 'running', phase: 'starting', progress: null, entry: null, message: null };
    const job = this.current;
    const child = spawnChild({ entry: 'weights-worker', ...(this.options.processes ?? FORK), toChild: ToWeightsWorker, fromChild: FromWeightsWorker, env: this.options.env ?? process.env });
    this.kill = () => child.kill();
    let failure: string | null = null;
    child.on((message) => {
      if (job !== this.current || job.status !== 'running') return;
      switch (message.type) {
        case 'ready':
          try {
            child.send({ type: 'run', task, root: this.store.root });
            this.update({ phase: task.kind === 'download' ? 'download' : 'import' });
          } catch (error) {
            failure ??= errorText(error);
            child.kill();
          }
          return;
        case 'progress':
          this.update({ phase: 'download', progress: message.progress });
          return;
        case 'phase':
          this.update({ phase: message.phase });
          return;
        case 'done':
          this.update({ status: 'done', entry: message.entry, message: `Stored as ${message.entry.name} (${message.entry.backbone}, SHA-256 ${message.entry.sha256.slice(0, 12)}…).` });
          return;
        case 'error':
          failure ??= message.message;
          return;
      }
    });
    child.onRejected((error) => {
      failure ??= error.message;
      child.kill();
    });
    this.ended = child.exit.then((exit) => {
      if (job === this.current && job.status === 'running') this.update({ status: 'failed', message: failure ?? `${describeExit(child.title, exit)} before finishing.` });
      if (job === this.current) this.kill = null;
    });
    this.emit();
    return { ...job };
  }

  private update(patch: Partial<WeightsJob>): void {
    if (!this.current) return;
    Object.assign(this.current, patch);
    this.emit();
  }

  private emit(): void {
    if (this.current) this.options.emit({ ...this.current });
  }
}
