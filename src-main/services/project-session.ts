/**
 * The open project: created from the open dataset or opened from its folder. While one is open,
 * the dataset session reads review statuses and thumbnails from it, and thumbnails are generated
 * lazily in the background with progress events. The open project holds its lock (one writer at a
 * time): a project another process has open is refused (CONFLICT, naming the holder), and the lock is
 * released when another project is opened or the session closes.
 */
import { resolve } from 'node:path';
import type { ProjectInfo, ReviewUpdate, ThumbProgress } from '@shared/domain/project-view';
import type { ReviewStatus } from '@shared/domain/dataset-view';
import { ApiError, asApiError, type ErrorCode } from '@shared/envelope';
import { LockedError } from '../fs/lock';
import { Project } from '../project/project-store';
import type { DatasetSession } from './dataset-session';

export class ProjectSession {
  private project: Project | null = null;
  private thumbsAbort: AbortController | null = null;

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
    return this.attach(project);
  }

  async open(dir: string): Promise<ProjectInfo> {
    // Re-opening the open project: let go of it first (this process would otherwise hold its own lock).
    if (this.project && this.project.dir === resolve(dir)) await this.close();
    const project = await asApiError(projectErrorCode, () => Project.open(resolve(dir), { purpose: this.purpose }));
    try {
      await this.datasets.open({ path: project.meta.dataset.path });
    } catch (error) {
      await project.close();
      throw error;
    }
    return this.attach(project);
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
    const ids = project.images().map((image) => image.id);
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
