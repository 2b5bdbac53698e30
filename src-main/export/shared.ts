/** Small pieces more than one exporter uses: image placement, split lists, palettes. */
import { extname } from 'node:path';
import { VOC_PALETTE, type RgbTriple } from '../codecs/voc-palette';
import type { ExportDir } from './export-dir';
import { ExportError, type ExportItem, type ImageMode } from './types';

/**
 * Copy or link an item's image to `<folder>/<id><ext>`; returns that relative path, or null for mode
 * 'none'. With `imageRoot` (the dataset), the image must lie inside it by real path.
 */
export async function placeImage(dir: ExportDir, item: ExportItem, folder: string, mode: ImageMode, imageRoot?: string): Promise<string | null> {
  if (mode === 'none') return null;
  const rel = `${folder}/${item.id}${extname(item.imageFile)}`;
  await dir.placeFile(rel, item.imageFile, mode, imageRoot);
  return rel;
}

/**
 * Ids per split in first-seen order; every id is also in `all`. A list holds one id per line, split
 * at whitespace by the tools that read it (VOC's ImageSets), so an id with a space, a tab, a newline
 * or another control character cannot round-trip and is refused.
 */
export class SplitLists {
  private readonly lists = new Map<string, string[]>();

  constructor(private readonly all: string | null) {}

  add(id: string, splits: readonly string[] | undefined): void {
    if (/[\s\p{Cc}]/u.test(id)) {
      throw new ExportError(`image id ${JSON.stringify(id)} holds whitespace or a control character; split lists (one id per line) cannot hold it. Rename the image.`);
    }
    const names = new Set(splits ?? []);
    if (this.all) names.add(this.all);
    for (const name of names) {
      if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('.')) continue;
      const list = this.lists.get(name) ?? [];
      list.push(id);
      this.lists.set(name, list);
    }
  }

  /** Write `<folder>/<split>.txt` for every split (one id per line). */
  async write(dir: ExportDir, folder: string): Promise<void> {
    for (const [name, ids] of [...this.lists.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      await dir.writeFile(`${folder}/${name}.txt`, ids.map((id) => `${id}\n`).join(''));
    }
  }
}

/** A 256-entry palette: the source colours for class indices, the VOC colours elsewhere. */
export function fullPalette(palette: readonly RgbTriple[], classCount: number): RgbTriple[] {
  return VOC_PALETTE.map((voc, i) => {
    const own = i < classCount ? palette[i] : undefined;
    return own ? [own[0], own[1], own[2]] : [voc[0], voc[1], voc[2]];
  });
}
