/**
 * `eader export --project DIR --format voc|coco|labelstudio|cvat --out DIR [--only accepted|all]`:
 * the project's saved masks (masks/<id>.png) in an annotation tool's import layout, written
 * atomically (see docs/export.md).
 */
import type { Command } from 'commander';
import { EXPORT_FORMATS, ExportError, type ExportFormat, type ImageMode, exportMasks } from '../export';
import { sourceFromProject } from '../export/project-source';
import { terminalSafe } from './print';

interface ExportCliOptions {
  project: string;
  format: string;
  out: string;
  only: string;
  images: string;
  overwrite?: boolean;
  cocoGrouping: string;
  lsTarget: string;
  lsUrlPrefix?: string;
  quiet?: boolean;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new ExportError(`${name} must be one of ${allowed.join(', ')}; got "${value}"`);
  return value as T;
}

export async function runExportCommand(opts: ExportCliOptions, log: (line: string) => void = console.log): Promise<void> {
  const format = oneOf<ExportFormat>('--format', opts.format, EXPORT_FORMATS);
  const only = oneOf('--only', opts.only, ['accepted', 'all'] as const);
  const images = oneOf<ImageMode>('--images', opts.images, ['copy', 'link', 'none']);
  const grouping = oneOf('--coco-grouping', opts.cocoGrouping, ['component', 'class'] as const);
  const target = oneOf('--ls-target', opts.lsTarget, ['predictions', 'annotations'] as const);
  const source = await sourceFromProject(opts.project);
  const started = Date.now();
  let lastReport = 0;
  const summary = await exportMasks(format, source, opts.out, {
    only,
    images,
    overwrite: opts.overwrite,
    coco: { grouping },
    labelStudio: { target, imageUrlPrefix: opts.lsUrlPrefix },
    onProgress: (p) => {
      if (opts.quiet || p.phase !== 'item' || Date.now() - lastReport < 1000) return;
      lastReport = Date.now();
      log(`  ${p.done}/${p.total} images`);
    },
  });
  log(`exported ${summary.exported} image(s) as ${format} to ${terminalSafe(summary.out)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (summary.skipped > 0) log(`  ${summary.skipped} image(s) left out by --only ${only}`);
  if (source.withoutMask.length > 0) log(`  ${source.withoutMask.length} image(s) have no saved mask and were not exported`);
  for (const warning of summary.warnings) log(`  warning: ${terminalSafe(warning)}`);
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description("Export a project's masks to Pascal VOC, COCO instances, Label Studio or CVAT (Segmentation mask 1.1).")
    .requiredOption('--project <dir>', 'project folder (project.json, masks/)')
    .requiredOption('--format <format>', `one of ${EXPORT_FORMATS.join(', ')}`)
    .requiredOption('--out <dir>', 'export folder to create (built as <dir>.partial-<pid>, renamed when complete)')
    .option('--only <which>', 'accepted (reviewed and accepted masks only) or all', 'all')
    .option('--images <mode>', 'copy, link (hard link, copy across devices) or none (VOC, COCO, CVAT)', 'copy')
    .option('--overwrite', 'replace an existing export folder')
    .option('--coco-grouping <g>', 'component (one annotation per connected region) or class (one crowd RLE per class)', 'component')
    .option('--ls-target <t>', 'Label Studio: predictions (pre-annotations) or annotations', 'predictions')
    .option('--ls-url-prefix <prefix>', 'Label Studio: image URL prefix (default /data/local-files/?d=)')
    .option('--quiet', 'no progress lines')
    .action(async (opts: ExportCliOptions) => {
      await runExportCommand(opts);
    });
}
