/**
 * Connected components of a class-index mask, 8-connected, per class (background 0 and void 255
 * are never part of a component). Components are numbered 1..N in the order their first pixel
 * appears in a row-major scan, so the numbering is deterministic.
 */
import type { IndexMask } from '@shared/domain/dataset';
import { VOID_LABEL } from '@shared/domain/dataset';

export interface Component {
  /** 1-based, as stored in `labels`. */
  id: number;
  classIndex: number;
  /** Pixel count. */
  area: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export interface ComponentMap {
  width: number;
  height: number;
  /** Component id per pixel (row-major), 0 where none. */
  labels: Int32Array;
  components: Component[];
}

export function connectedComponents(mask: IndexMask): ComponentMap {
  const { width, height, data } = mask;
  const labels = new Int32Array(width * height);
  const components: Component[] = [];
  const stack = new Int32Array(width * height);
  for (let start = 0; start < data.length; start++) {
    const value = data[start]!;
    if (value === 0 || value === VOID_LABEL || labels[start] !== 0) continue;
    const id = components.length + 1;
    const comp: Component = { id, classIndex: value, area: 0, minX: width, minY: height, maxX: -1, maxY: -1 };
    let top = 0;
    stack[top++] = start;
    labels[start] = id;
    while (top > 0) {
      const p = stack[--top]!;
      const y = Math.floor(p / width);
      const x = p - y * width;
      comp.area++;
      if (x < comp.minX) comp.minX = x;
      if (x > comp.maxX) comp.maxX = x;
      if (y < comp.minY) comp.minY = y;
      if (y > comp.maxY) comp.maxY = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width || (dx === 0 && dy === 0)) continue;
          const q = ny * width + nx;
          if (labels[q] === 0 && data[q] === value) {
            labels[q] = id;
            stack[top++] = q;
          }
        }
      }
    }
    components.push(comp);
  }
  return { width, height, labels, components };
}

/**
 * COCO RLE counts (column-major, starting with a run of 0s) of the pixels where `labels === id`,
 * walking only the component's bounding box.
 */
export function componentCounts(map: ComponentMap, comp: Component): number[] {
  const { width, height, labels } = map;
  const counts: number[] = [];
  let end = 0; // column-major index just after the last run of 1s
  let runStart = -1;
  let runLength = 0;
  const flush = (): void => {
    if (runLength === 0) return;
    counts.push(runStart - end, runLength);
    end = runStart + runLength;
    runLength = 0;
  };
  for (let x = comp.minX; x <= comp.maxX; x++) {
    for (let y = comp.minY; y <= comp.maxY; y++) {
      const k = x * height + y;
      if (labels[y * width + x] === comp.id) {
        if (runLength > 0 && runStart + runLength === k) runLength++;
        else {
          flush();
          runStart = k;
          runLength = 1;
        }
      }
    }
  }
  flush();
  counts.push(width * height - end);
  return counts;
}
