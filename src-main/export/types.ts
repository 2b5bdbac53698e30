/**
 * What an exporter takes and reports. Exporters never read a project or a dataset themselves: they
 * get a plain `ExportSource` (classes, palette, items with their masks), so the project store, the
 * CLI's folder reader and the tests all feed them the same way.
 */
import type { IndexMask } from '@shared/domain/dataset';
import type { ReviewStatus } from '@shared/domain/dataset-view';
import type { RgbTriple } from '../codecs/voc-palette';
import type { ProtectedFolder } from '../fs/output-guard';

export type ExportFormat = 'voc' | 'coco' | 'labelstudio' | 'cvat';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['voc', 'coco', 'labelstudio', 'cvat'];

export interface ExportItem {
  /** Stable image id (a file stem); becomes the exported file names. */
  id: string;
  /** Absolute path of the image file. */
  imageFile: string;
  width: number;
  height: number;
  /** Class indices, 0 = background, 255 = void. */
  mask: IndexMask;
  review: ReviewStatus;
  /** Splits the image belongs to (e.g. ["train"]); optional. */
  splits?: string[];
}

export interface ExportSource {
  /** classes[0] is "background". */
  classes: string[];
  /** One colour per class index. */
  palette: RgbTriple[];
  /** Folder the image paths are relative to in exports that reference images (Label Studio, COCO file_name). */
  imageRoot?: string;
  items: AsyncIterable<ExportItem> | Iterable<ExportItem>;
  /** Number of items, when known (for progress). */
  total?: number;
  /**
   * Folders the export must never be, contain or lie inside (the project, its dataset), checked by
   * the output guard before anything is written.
   */
  protect?: ProtectedFolder[];
}

/** How exported image files are provided next to the masks (VOC, COCO, CVAT). */
export type ImageMode = 'copy' | 'link' | 'none';

export interface ExportProgress {
  done: number;
  /** Items known to come (0 when unknown). */
  total: number;
  /** Id of the item just written, or null for the final step. */
  id: string | null;
  phase: 'item' | 'finishing' | 'done';
}

export interface ExportOptions {
  /** Which items to include (default: all). */
  only?: 'accepted' | 'all';
  /** Default 'copy' (VOC/COCO/CVAT); Label Studio references images by URL instead. */
  images?: ImageMode;
  /** Replace an existing export folder (default false: refuse). */
  overwrite?: boolean;
  onProgress?: (progress: ExportProgress) => void;
  /** Abort between items. */
  signal?: AbortSignal;
}

export interface ExportSummary {
  format: ExportFormat;
  /** Absolute path of the finished export folder. */
  out: string;
  /** Items written. */
  exported: number;
  /** Items left out by the review filter. */
  skipped: number;
  /** Relative paths of the files written, sorted. */
  files: string[];
  /** Lossy steps or other things worth telling the user. */
  warnings: string[];
}

export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}
