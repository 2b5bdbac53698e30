/** Helpers shared by the mask-editor specs (imported only from *.spec.ts files). */
import type { ToolContext, ToolOptions } from '../features/mask-editor/tools/tool';
import { DEFAULT_TOOL_OPTIONS } from '../features/mask-editor/tools/tool';
import { MaskLayer } from '../features/mask-editor/model/mask-layer';

export function context(layer: MaskLayer, options: Partial<ToolOptions> = {}, extra: Partial<ToolContext> = {}): ToolContext {
  return { layer, options: { ...DEFAULT_TOOL_OPTIONS, ...options }, image: null, cam: null, superpixels: () => null, ...extra };
}

/** The set of "x,y" keys of pixels holding `value`. */
export function pixelsOf(layer: MaskLayer, value: number): Set<string> {
  const out = new Set<string>();
  for (let y = 0; y < layer.height; y++) for (let x = 0; x < layer.width; x++) if (layer.data[y * layer.width + x] === value) out.add(`${x},${y}`);
  return out;
}

/** Number of connected components of `value` pixels (4- or 8-connectivity). */
export function components(layer: MaskLayer, value: number, connectivity: 4 | 8): number {
  const seen = new Uint8Array(layer.width * layer.height);
  const steps = connectivity === 4 ? [[1, 0], [-1, 0], [0, 1], [0, -1]] : [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [1, -1], [-1, 1], [-1, -1]];
  let count = 0;
  for (let i = 0; i < seen.length; i++) {
    if (seen[i] || layer.data[i] !== value) continue;
    count++;
    const stack = [i];
    seen[i] = 1;
    while (stack.length) {
      const j = stack.pop()!;
      const x = j % layer.width;
      const y = (j - x) / layer.width;
      for (const [dx, dy] of steps) {
        const nx = x + dx!;
        const ny = y + dy!;
        if (!layer.contains(nx, ny)) continue;
        const k = ny * layer.width + nx;
        if (!seen[k] && layer.data[k] === value) {
          seen[k] = 1;
          stack.push(k);
        }
      }
    }
  }
  return count;
}

/** A mask from rows of characters: '.' = 0, '#' = 1, digits = that class, 'v' = 255. */
export function maskFromRows(rows: string[]): MaskLayer {
  const layer = new MaskLayer(rows[0]!.length, rows.length);
  rows.forEach((row, y) => [...row].forEach((ch, x) => (layer.data[y * layer.width + x] = ch === '.' ? 0 : ch === '#' ? 1 : ch === 'v' ? 255 : Number(ch))));
  return layer;
}

export function rowsOf(layer: MaskLayer): string[] {
  const rows: string[] = [];
  for (let y = 0; y < layer.height; y++) {
    let row = '';
    for (let x = 0; x < layer.width; x++) {
      const v = layer.data[y * layer.width + x]!;
      row += v === 0 ? '.' : v === 255 ? 'v' : v === 1 ? '#' : String(v);
    }
    rows.push(row);
  }
  return rows;
}
