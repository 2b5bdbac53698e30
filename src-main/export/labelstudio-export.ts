/**
 * Label Studio import files:
 *   tasks.json         a JSON array of tasks, one per image; each class present in the mask is one
 *                      `brushlabels` region (brush RLE, see ls-rle.ts) in the task's `predictions`
 *                      (pre-annotations) or `annotations`
 *   label-config.xml   the labeling config those regions refer to (<Image name="image">,
 *                      <BrushLabels name="tag">, one <Label> per class with its colour)
 * Images are referenced, not copied: `data.image` is `<imageUrlPrefix><path relative to imageRoot>`,
 * by default `/data/local-files/?d=…` for Label Studio's local-files storage with
 * LOCAL_FILES_DOCUMENT_ROOT set to the dataset root. Background and void are not regions.
 */
import { relative } from 'node:path';
import { toPosix } from './export-dir';
import { selectionToLsRle } from './ls-rle';
import type { FormatFactory } from './run-export';
import type { ExportItem, ExportSource } from './types';

export interface LabelStudioOptions {
  /** Default '/data/local-files/?d='. */
  imageUrlPrefix?: string;
  /** Where the regions go: 'predictions' (default; pre-annotations to review) or 'annotations'. */
  target?: 'predictions' | 'annotations';
  /** model_version of predictions (default 'eader-workbench'). */
  modelVersion?: string;
}

export const LS_FROM_NAME = 'tag';
export const LS_TO_NAME = 'image';

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function hex(value: number): string {
  return value.toString(16).padStart(2, '0');
}

export function labelConfigXml(source: ExportSource): string {
  const labels = source.classes
    .slice(1)
    .map((name, k) => {
      const [r, g, b] = source.palette[k + 1] ?? [255, 0, 0];
      return `    <Label value="${escapeXml(name)}" background="#${hex(r)}${hex(g)}${hex(b)}"/>`;
    })
    .join('\n');
  return `<View>\n  <Image name="${LS_TO_NAME}" value="$image" zoom="true"/>\n  <BrushLabels name="${LS_FROM_NAME}" toName="${LS_TO_NAME}">\n${labels}\n  </BrushLabels>\n</View>\n`;
}

export function imageUrl(item: ExportItem, source: ExportSource, prefix: string): string {
  const path = source.imageRoot ? toPosix(relative(source.imageRoot, item.imageFile)) : toPosix(item.imageFile).replace(/^\/+/, '');
  return prefix + path.split('/').map(encodeURIComponent).join('/');
}

export function labelStudioExporter(ls: LabelStudioOptions = {}): FormatFactory {
  const prefix = ls.imageUrlPrefix ?? '/data/local-files/?d=';
  const target = ls.target ?? 'predictions';
  return (dir, source) => {
    const chunks: string[] = [];
    return {
      async add(item) {
        const { data } = item.mask;
        const histogram = new Uint32Array(256);
        for (let i = 0; i < data.length; i++) histogram[data[i]!]!++;
        const present: number[] = [];
        for (let v = 1; v < 255; v++) if (histogram[v]! > 0) present.push(v);
        const result = present.map((classIndex) => ({
          id: `${item.id}-${classIndex}`,
          type: 'brushlabels',
          from_name: LS_FROM_NAME,
          to_name: LS_TO_NAME,
          original_width: item.width,
          original_height: item.height,
          image_rotation: 0,
          value: {
            format: 'rle',
            rle: selectionToLsRle(data.length, (i) => data[i] === classIndex),
            brushlabels: [source.classes[classIndex]!],
          },
        }));
        const entry =
          target === 'predictions'
            ? { model_version: ls.modelVersion ?? 'eader-workbench', result }
            : { result, ground_truth: false };
        const task = {
          data: { image: imageUrl(item, source, prefix), eader_id: item.id, eader_review: item.review },
          [target]: [entry],
        };
        chunks.push(JSON.stringify(task));
        await Promise.resolve();
      },
      async finish() {
        await dir.writeFile('tasks.json', `[\n${chunks.join(',\n')}\n]\n`);
        await dir.writeFile('label-config.xml', labelConfigXml(source));
      },
    };
  };
}
