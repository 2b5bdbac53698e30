/**
 * The open project: created from the open dataset or opened from its folder. While one is open,
 * the dataset session reads review statuses and thumbnails from it, and thumbnails are generated
 * lazily in the background with progress events.
 */
import { resolve } from 'node:path';
import type { ProjectInfo, ReviewUpdate, ThumbProgress } from '@shared/domain/project-view';
import type { ReviewStatus } from '@shared/domain/dataset-view';
import { ApiError, asApiError } from '@shared/envelope';
import { Project } from '../project/project-store';
import type { DatasetSession } from './dataset-session';

export class ProjectSession {
  private project: Project | null = null;
  private thumbsAbort: AbortController | null = null;

  constructor(
    private readonly datasets: DatasetSession,
    private readonly onThumbProgress: (p: ThumbProgress) => void,
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
    const project = await asApiError('BAD_DATA', () => Project.create(resolve(dir), { dataset, datasetPath: datasetPath ?? this.datasets.source().path }));
    return this.attach(project);
  }

  async open(dir: string): Promise<ProjectInfo> {
    const project = await asApiError('BAD_DATA', () => Project.open(resolve(dir)));
    await this.datasets.open({ path: project.meta.dataset.path });
    return this.attach(project);
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
    this.project = project;
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
