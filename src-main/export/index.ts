/**
 * Export corrected masks to annotation pipelines: Pascal VOC, COCO instances, Label Studio, CVAT.
 * Every export is built in `<out>.partial-<pid>` (each file written atomically) and renamed into
 * place only when complete. See docs/export.md for the formats.
 */
import { type CocoGrouping, cocoExporter } from './coco-export';
import { cvatExporter } from './cvat-export';
import { type LabelStudioOptions, labelStudioExporter } from './labelstudio-export';
import { type FormatFactory, runExport } from './run-export';
import type { ExportFormat, ExportOptions, ExportSource, ExportSummary } from './types';
import { vocExporter } from './voc-export';

export * from './types';
export type { CocoGrouping } from './coco-export';
export type { LabelStudioOptions } from './labelstudio-export';

export interface ExportMasksOptions extends ExportOptions {
  coco?: { grouping?: CocoGrouping };
  labelStudio?: LabelStudioOptions;
}

function factoryFor(format: ExportFormat, options: ExportMasksOptions): FormatFactory {
  switch (format) {
    case 'voc':
      return vocExporter;
    case 'coco':
      return cocoExporter(options.coco?.grouping);
    case 'labelstudio':
      return labelStudioExporter(options.labelStudio);
    case 'cvat':
      return cvatExporter;
  }
}

export function exportMasks(format: ExportFormat, source: ExportSource, out: string, options: ExportMasksOptions = {}): Promise<ExportSummary> {
  return runExport(format, factoryFor(format, options), source, out, options);
}
