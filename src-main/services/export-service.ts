/**
 * Exports from the UI: the open project's masks into <project>/exports/<name>, so the renderer
 * never names a path outside the project. The CLI (`eader export --out`) writes anywhere.
 */
import { join } from 'node:path';
import type { ExportRequest, ExportResult } from '@shared/domain/export-view';
import { ApiError, asApiError, type ErrorCode } from '@shared/envelope';
import { ExportError, exportMasks, type ExportProgress } from '../export';
import { sourceFromProject } from '../export/project-source';
import { EXPORTS_DIR } from '../project/project-paths';
import type { ProjectSession } from './project-session';

/** A refused destination (it exists, it is not ours) is a conflict; anything else is ours. */
const exportErrorCode = (error: unknown): ErrorCode => (error instanceof ExportError ? 'CONFLICT' : 'INTERNAL');

export class ExportService {
  private running = false;

  constructor(
    private readonly projects: ProjectSession,
    private readonly onProgress: (p: Pick<ExportProgress, 'done' | 'total' | 'phase'>) => void,
  ) {}

  async run(request: ExportRequest): Promise<ExportResult> {
    const project = this.projects.require();
    if (this.running) throw new ApiError('CONFLICT', 'An export is already running.');
    this.running = true;
    const started = performance.now();
    try {
      return await asApiError(exportErrorCode, async () => {
        await project.flush();
        const source = await sourceFromProject(project.dir);
        const out = join(project.dir, EXPORTS_DIR, request.name);
        let last = 0;
        const summary = await exportMasks(request.format, source, out, {
          only: request.only,
          overwrite: request.overwrite ?? false,
          onProgress: (p) => {
            if (p.phase !== 'item' || Date.now() - last > 100) {
              last = Date.now();
              this.onProgress({ done: p.done, total: p.total, phase: p.phase });
            }
          },
        });
        return {
          out: summary.out,
          exported: summary.exported,
          skipped: summary.skipped,
          withoutMask: source.withoutMask.length,
          files: summary.files.length,
          warnings: summary.warnings,
          seconds: (performance.now() - started) / 1000,
        };
      });
    } finally {
      this.running = false;
    }
  }
}
