/** The loop every exporter shares: filter, validate, write item by item, finish, commit atomically. */
import { VOID_LABEL } from '@shared/domain/dataset';
import { refuseProtectedOutput } from '../fs/output-guard';
import { ExportDir } from './export-dir';
import { ExportError, type ExportFormat, type ExportItem, type ExportOptions, type ExportSource, type ExportSummary } from './types';

/** One format's writer: `add` per item (files go to `dir`), `finish` once (lists, JSON). */
export interface FormatWriter {
  add(item: ExportItem): Promise<void>;
  finish(): Promise<void>;
  /** Things the user should know (e.g. a lossy step), collected into the summary. */
  warnings?: string[];
}

export type FormatFactory = (dir: ExportDir, source: ExportSource, options: ExportOptions) => FormatWriter;

/** Ids become file names in every format: no separators, no characters Windows refuses, no control characters. */
const ID_PATTERN = /^[^/\\:*?"<>|\p{Cc}]+$/u;

export function checkSource(source: ExportSource): void {
  const { classes, palette } = source;
  if (classes.length < 1 || classes.length > 255) throw new ExportError(`the class list must have 1..255 entries (got ${classes.length})`);
  if (palette.length < classes.length) throw new ExportError(`the palette has ${palette.length} colours for ${classes.length} classes`);
  const seen = new Set<string>();
  for (const name of classes) {
    if (name.trim() === '' || /[\r\n]/.test(name)) throw new ExportError(`invalid class name ${JSON.stringify(name)}`);
    if (seen.has(name)) throw new ExportError(`class "${name}" is listed twice`);
    seen.add(name);
  }
}

export function checkItem(item: ExportItem, classCount: number): void {
  const { id, mask, width, height } = item;
  if (!ID_PATTERN.test(id) || id === '.' || id === '..' || id.startsWith('.tmp-')) {
    throw new ExportError(`image id ${JSON.stringify(id)} cannot be used as a file name`);
  }
  if (mask.width !== width || mask.height !== height) {
    throw new ExportError(`mask of "${id}" is ${mask.width}×${mask.height} but its image is ${width}×${height}`);
  }
  if (mask.data.length !== width * height) {
    throw new ExportError(`mask of "${id}" has ${mask.data.length} bytes, expected ${width * height}`);
  }
  for (let i = 0; i < mask.data.length; i++) {
    const v = mask.data[i]!;
    if (v >= classCount && v !== VOID_LABEL) {
      throw new ExportError(`mask of "${id}" has value ${v} at (${i % width}, ${Math.floor(i / width)}), which is no class index (${classCount} classes)`);
    }
  }
}

export async function runExport(
  format: ExportFormat,
  factory: FormatFactory,
  source: ExportSource,
  out: string,
  options: ExportOptions = {},
): Promise<ExportSummary> {
  checkSource(source);
  await refuseProtectedOutput(out, source.protect ?? [], { label: 'the export folder', replaces: true });
  const dir = await ExportDir.create(out, { overwrite: options.overwrite });
  const total = source.total ?? 0;
  let exported = 0;
  let skipped = 0;
  try {
    const writer = factory(dir, source, options);
    const ids = new Set<string>();
    for await (const item of source.items) {
      options.signal?.throwIfAborted();
      if (options.only === 'accepted' && item.review !== 'accepted') {
        skipped++;
        continue;
      }
      checkItem(item, source.classes.length);
      if (ids.has(item.id)) throw new ExportError(`image id "${item.id}" appears twice`);
      ids.add(item.id);
      await writer.add(item);
      exported++;
      options.onProgress?.({ done: exported + skipped, total, id: item.id, phase: 'item' });
    }
    options.signal?.throwIfAborted();
    options.onProgress?.({ done: exported + skipped, total, id: null, phase: 'finishing' });
    await writer.finish();
    await dir.commit();
    options.onProgress?.({ done: exported + skipped, total, id: null, phase: 'done' });
    return { format, out: dir.out, exported, skipped, files: dir.files(), warnings: writer.warnings ?? [] };
  } catch (err) {
    await dir.abort();
    throw err;
  }
}
