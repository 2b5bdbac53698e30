/**
 * A project folder (docs/projects.md): project.json, the image index (images.json), masks/ with a
 * revision history, runs/ and a thumbs/ cache. Every write is atomic (atomic-write.ts); the dataset
 * folder is only ever read. Reviews are kept in memory and each change is written before the call
 * resolves; writes that arrive while one is in flight are coalesced into the next one.
 *
 * One writer at a time (docs/reliability.md): a project opened for writing holds its lock file
 * (LOCK_FILE, fs/lock.ts) until `close()`; a second writer is refused with the holder's pid and since
 * when. `open(dir, { readOnly: true })` takes no lock and writes nothing (exports use it). A project
 * folder never lies inside its dataset (fs/output-guard.ts), and every image path read from
 * images.json stays inside the dataset root.
 */
import { mkdir, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { DatasetIndex } from '@shared/domain/dataset';
import type { ReviewStatus } from '@shared/domain/dataset-view';
import { removeStaleTemps, writeFileAtomic } from '../fs/atomic-write';
import { UnknownImageError } from './errors';
import { isInside, resolveInside } from '../fs/confine';
import { acquireLock, type Lock } from '../fs/lock';
import { datasetFolders, refuseProtectedOutput } from '../fs/output-guard';
import { readRegularText } from '../fs/read-regular';
import { MaskStore } from './mask-store';
import { HISTORY_DIR, LOCK_FILE, MASKS_DIR, RUNS_DIR, THUMBS_DIR } from './project-paths';
import {
  INDEX_COLUMNS,
  INDEX_FILE,
  type IndexFile,
  type IndexRow,
  type Migration,
  PROJECT_FILE,
  PROJECT_SCHEMA_VERSION,
  ProjectMeta,
  type ProjectImage,
  ProjectSchemaError,
  checkIndexRows,
  imageToRow,
  migrate,
  rowToImage,
} from './project-schema';
import { ThumbnailCache } from './thumbnails';

export interface CreateProjectOptions {
  /** The opened dataset (its root is recorded; the folder is never written). */
  dataset: DatasetIndex;
  /** The path the user picked (may be a COCO .json file); defaults to dataset.root. */
  datasetPath?: string;
  name?: string;
  settings?: Record<string, unknown>;
}

export interface OpenProjectOptions {
  /** Migration hooks (tests inject some; the app uses MIGRATIONS). */
  migrations?: Record<number, { project?: Migration; index?: Migration }>;
  /** Open without the lock and write nothing (migrations stay in memory); every write throws. */
  readOnly?: boolean;
  /** Who holds the lock, in words (default "eader (pid …)"), shown to a second writer. */
  purpose?: string;
}

export class ProjectReadOnlyError extends Error {
  constructor(dir: string) {
    super(`the project ${dir} is open read-only; nothing can be saved`);
    this.name = 'ProjectReadOnlyError';
  }
}

const defaultPurpose = (): string => `eader ${process.argv[2] ?? 'app'}`;

const projectLock = (dir: string, purpose: string | undefined): Promise<Lock> => acquireLock(join(dir, LOCK_FILE), purpose ?? defaultPurpose(), `the project ${dir}`);

/** Every row's image path must stay inside the dataset root (a crafted images.json cannot reach out). */
function checkRowFiles(rows: readonly IndexRow[], datasetRoot: string): void {
  for (const [i, row] of rows.entries()) {
    const file = row[1];
    if (file === '' || file.startsWith('/') || /^[a-zA-Z]:/.test(file) || !isInside(datasetRoot, resolve(datasetRoot, file))) {
      throw new ProjectSchemaError(`${INDEX_FILE}: row ${i} (image "${row[0]}") has file "${file}", which leaves the dataset folder`);
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The revision folders under masks/.history (their temp files are swept when the project opens). */
async function historyDirs(dir: string): Promise<string[]> {
  const history = join(dir, MASKS_DIR, HISTORY_DIR);
  try {
    return (await readdir(history, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => join(history, e.name));
  } catch {
    return [];
  }
}

async function readJson(path: string): Promise<unknown> {
  const text = await readRegularText(path, { kind: 'json', label: basename(path) });
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ProjectSchemaError(`${basename(path)} is not valid JSON (${(err as Error).message})`);
  }
}

export class Project {
  readonly masks: MaskStore;
  readonly thumbs: ThumbnailCache;
  private readonly byId: Map<string, ProjectImage>;
  private writing: Promise<void> | null = null;
  private pending: Promise<void> | null = null;

  private constructor(
    readonly dir: string,
    private metaDoc: ProjectMeta,
    private readonly list: ProjectImage[],
    /** The held lock; null when opened read-only. */
    private lock: Lock | null,
  ) {
    this.byId = new Map(list.map((im) => [im.id, im]));
    this.masks = new MaskStore(dir, this);
    this.thumbs = new ThumbnailCache(dir, metaDoc.dataset.root, this);
  }

  /** Make a new project in `dir` (created if needed; must not already hold a project). */
  static async create(dirPath: string, options: CreateProjectOptions & Pick<OpenProjectOptions, 'purpose'>): Promise<Project> {
    const dir = resolve(dirPath);
    const { dataset } = options;
    await refuseProtectedOutput(dir, datasetFolders(dataset.root, options.datasetPath), { label: 'the project folder' });
    if (await exists(join(dir, PROJECT_FILE))) throw new Error(`${dir} already holds a project (${PROJECT_FILE}); open it instead`);
    for (const sub of [MASKS_DIR, join(MASKS_DIR, HISTORY_DIR), RUNS_DIR, THUMBS_DIR]) await mkdir(join(dir, sub), { recursive: true });
    const lock = await projectLock(dir, options.purpose);
    const meta: ProjectMeta = {
      schemaVersion: PROJECT_SCHEMA_VERSION,
      app: 'eader-workbench',
      name: options.name ?? basename(dir),
      createdAt: new Date().toISOString(),
      dataset: { path: resolve(options.datasetPath ?? dataset.root), format: dataset.format, root: dataset.root },
      classes: dataset.classes,
      palette: dataset.palette,
      settings: options.settings ?? {},
    };
    const images: ProjectImage[] = dataset.images.map((im) => ({
      id: im.id,
      file: im.file,
      splits: im.splits,
      labels: im.labels,
      width: im.width ?? null,
      height: im.height ?? null,
      hasGt: im.gt !== null,
      review: 'unreviewed',
      comment: '',
      reviewedAt: null,
    }));
    checkRowFiles(images.map(imageToRow), dataset.root);
    const project = new Project(dir, meta, images, lock);
    try {
      await project.writeIndex();
      await writeFileAtomic(join(dir, PROJECT_FILE), `${JSON.stringify(meta, null, 2)}\n`);
    } catch (err) {
      await lock.release();
      throw err;
    }
    return project;
  }

  /** Open an existing project; migrates older schema versions (writing the result atomically). */
  static async open(dirPath: string, options: OpenProjectOptions = {}): Promise<Project> {
    const dir = resolve(dirPath);
    const projectFile = join(dir, PROJECT_FILE);
    if (!(await exists(projectFile))) throw new Error(`${dir} is not an EADER Workbench project: ${PROJECT_FILE} not found`);
    const rawMeta = migrate(await readJson(projectFile), 'project', PROJECT_FILE, options.migrations);
    const parsed = ProjectMeta.safeParse(rawMeta.doc);
    if (!parsed.success) throw new ProjectSchemaError(`${PROJECT_FILE} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const rawIndex = migrate(await readJson(join(dir, INDEX_FILE)), 'index', INDEX_FILE, options.migrations);
    const rows = checkIndexRows(rawIndex.doc as unknown as IndexFile, INDEX_FILE);
    checkRowFiles(rows, parsed.data.dataset.root);
    if (options.readOnly) return new Project(dir, parsed.data, rows.map(rowToImage), null);
    await refuseProtectedOutput(dir, datasetFolders(parsed.data.dataset.root, parsed.data.dataset.path), { label: 'the project folder' });
    const lock = await projectLock(dir, options.purpose);
    const project = new Project(dir, parsed.data, rows.map(rowToImage), lock);
    try {
      await Promise.all([dir, join(dir, MASKS_DIR), join(dir, THUMBS_DIR), ...(await historyDirs(dir))].map(removeStaleTemps));
      if (rawIndex.migratedFrom !== null) await project.writeIndex();
      if (rawMeta.migratedFrom !== null) await project.writeMeta();
    } catch (err) {
      await lock.release();
      throw err;
    }
    return project;
  }

  /** Opened for writing (holding the lock), or read-only? */
  get writable(): boolean {
    return this.lock !== null;
  }

  /** Wait for writes in flight, then release the lock. The project is read-only afterwards. */
  async close(): Promise<void> {
    await this.flush();
    const lock = this.lock;
    this.lock = null;
    await lock?.release();
  }

  /** Throws unless the project is open for writing (the mask store asks before every save). */
  assertWritable(): void {
    if (!this.lock) throw new ProjectReadOnlyError(this.dir);
  }

  get meta(): Readonly<ProjectMeta> {
    return this.metaDoc;
  }

  images(): readonly ProjectImage[] {
    return this.list;
  }

  image(id: string): ProjectImage {
    const image = this.byId.get(id);
    if (!image) throw new UnknownImageError(id, this.metaDoc.name);
    return image;
  }

  /**
   * Absolute path of an image in the (read-only) dataset, confined to its root lexically; readers
   * (thumbnails, exports) also check it by real path when they open it.
   */
  imagePath(id: string): string {
    return resolveInside(this.metaDoc.dataset.root, this.image(id).file);
  }

  async setReview(id: string, review: ReviewStatus, comment?: string): Promise<ProjectImage> {
    this.assertWritable();
    const image = this.image(id);
    image.review = review;
    if (comment !== undefined) image.comment = comment;
    image.reviewedAt = new Date().toISOString();
    await this.saveIndex();
    return image;
  }

  async updateSettings(patch: Record<string, unknown>): Promise<void> {
    this.assertWritable();
    this.metaDoc = { ...this.metaDoc, settings: { ...this.metaDoc.settings, ...patch } };
    await this.writeMeta();
  }

  /** Write the index; concurrent calls share writes, and each resolves once its change is on disk. */
  saveIndex(): Promise<void> {
    if (!this.writing) {
      this.writing = this.writeIndex().finally(() => (this.writing = null));
      return this.writing;
    }
    this.pending ??= this.writing.catch(() => undefined).then(() => {
      this.pending = null;
      return this.saveIndex();
    });
    return this.pending;
  }

  /** Wait for writes in flight. */
  async flush(): Promise<void> {
    while (this.writing || this.pending) await (this.pending ?? this.writing);
  }

  private async writeIndex(): Promise<void> {
    this.assertWritable();
    const file: IndexFile = { schemaVersion: PROJECT_SCHEMA_VERSION, columns: INDEX_COLUMNS, rows: this.list.map(imageToRow) };
    // One row per line: readable in a diff, and still one JSON document.
    const body = file.rows.map((r) => JSON.stringify(r)).join(',\n');
    const text = `{"schemaVersion":${file.schemaVersion},"columns":${JSON.stringify(file.columns)},"rows":[\n${body}\n]}\n`;
    await writeFileAtomic(join(this.dir, INDEX_FILE), text);
  }

  private async writeMeta(): Promise<void> {
    this.assertWritable();
    await writeFileAtomic(join(this.dir, PROJECT_FILE), `${JSON.stringify(this.metaDoc, null, 2)}\n`);
  }
}
