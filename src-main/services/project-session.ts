/**
 * The open project: created from the open dataset or opened from its folder. While one is open,
 * the dataset session reads review statuses and thumbnails from it. Thumbnails are made lazily: the
 * grid's requests make and cache the ones on screen, and a background pass with progress events
 * makes only the first THUMB_PREFETCH (what the grid shows first), so a 118k-image project does not
 * spend half an hour of both cores on thumbnails nobody scrolled to. The open project holds its lock (one writer at a
 * time): a project another process has open is refused (CONFLICT, naming the holder), and the lock is
 * released when another project is opened or the session closes.
 */
import { join, resolve } from 'node:path';
import type { ProjectInfo, ReviewUpdate, ThumbProgress } from '@shared/domain/project-view';
import type { ReviewStatus } from '@shared/domain/dataset-view';
import { ApiError, asApiError, type ErrorCode } from '@shared/envelope';
import { LockedError } from '../fs/lock';
import { readIndexSnapshot, writeIndexSnapshot } from '../datasets/index-snapshot';
import { INDEX_SNAPSHOT_FILE } from '../project/project-paths';
import { Project } from '../project/project-store';
import type { DatasetSession } from './dataset-session';

/** Thumbnails made in the background when a project opens: the first images of the grid. */
export const THUMB_PREFETCH = 500;

export class ProjectSession {
  private project: Project | null = null;
  private thumbsAbort: AbortController | null = null;
  /** Where the last `open` took its dataset index from: the project's snapshot, or why that was not usable. */
  lastIndexSource: 'snapshot' | 'missing' | 'corrupt' | 'foreign' | 'changed' | null = null;

  constructor(
    private readonly datasets: DatasetSession,
    private readonly onThumbProgress: (p: ThumbProgress) => void,
    /** Who holds the project lock, in words, as a second writer will read it. */
    private readonly purpose = `eader ${process.argv[2] ?? 'app'}`,
  ) {}

  /** The open project; opening another dataset closes it. */
  current(): Project | null {
    return this.datasets.projectLink() === this ? this.project : null;
  }

  info(): ProjectInfo | null {
    const project = this.current();
    if (!project) return null;
    const reviewed: Record<ReviewStatus, number> = { unreviewed: 0, accepted: 0, 'needs-work': 0 };
    for (const image of project.images()) reviewed[image.review]++;
    return { dir: project.dir, name: project.meta.name, datasetPath: project.meta.dataset.path, imageCount: project.images().length, reviewed };
  }

  /** Make a project in `dir` for the open dataset (or the one at datasetPath). */
  async create(dir: string, datasetPath?: string): Promise<ProjectInfo> {
    if (datasetPath) await this.datasets.open({ path: datasetPath });
    const dataset = this.datasets.dataset();
    const project = await asApiError(projectErrorCode, () => Project.create(resolve(dir), { dataset, datasetPath: datasetPath ?? this.datasets.source().path, purpose: this.purpose }));
    await this.snapshot(project);
    return this.attach(project);
  }

  /**
   * Open a project and its dataset. The dataset comes from the project's snapshot of its index when
   * nothing in the dataset changed since (datasets/index-snapshot.ts), else it is scanned again and
   * the snapshot renewed: a 118k-image COCO project reopens without parsing its instances file.
   */
  async open(dir: string): Promise<ProjectInfo> {
    // Re-opening the open project: let go of it first (this process would otherwise hold its own lock).
    if (this.project && this.project.dir === resolve(dir)) await this.close();
    const project = await asApiError(projectErrorCode, () => Project.open(resolve(dir), { purpose: this.purpose }));
    try {
      const started = performance.now();
      const { path, root } = project.meta.dataset;
      const snapshot = await readIndexSnapshot(join(project.dir, INDEX_SNAPSHOT_FILE), { path, root });
      this.lastIndexSource = 'index' in snapshot ? 'snapshot' : snapshot.rejected;
      if ('index' in snapshot) this.datasets.adopt(snapshot.index, path, started);
      else {
        await this.datasets.open({ path });
        await this.snapshot(project);
      }
    } catch (error) {
      await project.close();
      throw error;
    }
    return this.attach(project);
  }

  /** Keep the open dataset's index in the project (a cache: failing to write it costs only the next scan). */
  private async snapshot(project: Project): Promise<void> {
    const scannedAt = this.datasets.scanStartedAt();
    if (!project.writable || scannedAt === 0) return;
    const { path } = this.datasets.source();
    await writeIndexSnapshot(join(project.dir, INDEX_SNAPSHOT_FILE), this.datasets.dataset(), path, scannedAt).catch(() => false);
  }

  /** Stop thumbnails, wait for writes in flight and release the open project's lock. */
  async close(): Promise<void> {
    this.thumbsAbort?.abort();
    const project = this.project;
    this.project = null;
    await project?.close();
  }

  async setReview(update: ReviewUpdate): Promise<void> {
    const project = this.require();
    await asApiError('BAD_DATA', () => project.setReview(update.id, update.status, update.comment));
  }

  review(id: string): ReviewStatus {
    try {
      return this.project?.image(id).review ?? 'unreviewed';
    } catch {
      return 'unreviewed';
    }
  }

  thumbnail(id: string): Promise<Buffer> | null {
    return this.project ? this.project.thumbs.get(id) : null;
  }

  require(): Project {
    const project = this.current();
    if (!project) throw new ApiError('CONFLICT', 'No project is open: create or open one first.');
    return project;
  }

  private attach(project: Project): ProjectInfo {
    this.thumbsAbort?.abort();
    const previous = this.project;
    this.project = project;
    if (previous && previous !== project) void previous.close().catch(() => undefined);
    this.datasets.setProject(this);
    const abort = new AbortController();
    this.thumbsAbort = abort;
    const ids = project
      .images()
      .slice(0, THUMB_PREFETCH)
      .map((image) => image.id);
    void project.thumbs
      .generate(ids, {
        concurrency: 2,
        signal: abort.signal,
        onProgress: (p) => {
          if (p.done % 50 === 0 || p.done === p.total) this.onThumbProgress({ done: p.done, total: p.total, failed: p.failed.length, finished: false });
        },
      })
      .then((r) => this.onThumbProgress({ done: r.done, total: r.total, failed: r.failed.length, finished: true }))
      .catch(() => undefined);
    return this.info()!;
  }
}

/** Another writer holds the project: a conflict; anything else about the folder: bad data. */
const projectErrorCode = (error: unknown): ErrorCode => (error instanceof LockedError ? 'CONFLICT' : 'BAD_DATA');
