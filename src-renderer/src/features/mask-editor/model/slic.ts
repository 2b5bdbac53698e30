/**
 * Compact SLIC superpixels (Achanta et al., TPAMI 2012): k-means in CIELAB + xy, each centre
 * searching only a 2S×2S window, then a connectivity pass that gives every superpixel a single
 * 4-connected region (small fragments join a neighbour). Computed once per image.
 */
import type { RgbImage } from '@shared/domain/dataset';

export interface SuperpixelMap {
  width: number;
  height: number;
  /** [H*W] superpixel index per pixel, 0..count-1. */
  labels: Int32Array;
  count: number;
  /** [count*4] bounding boxes x0, y0, x1, y1 (half-open). */
  bounds: Int32Array;
}

export interface SlicOptions {
  /** Grid step S in pixels; by default about `targetCount` superpixels over the image. */
  regionSize?: number;
  targetCount?: number;
  /** Colour vs space weight m: larger gives more compact, more square superpixels. */
  compactness?: number;
  iterations?: number;
}

function toLab(image: RgbImage): [Float32Array, Float32Array, Float32Array] {
  const n = image.width * image.height;
  const L = new Float32Array(n);
  const A = new Float32Array(n);
  const B = new Float32Array(n);
  const lin = new Float32Array(256);
  for (let v = 0; v < 256; v++) {
    const c = v / 255;
    lin[v] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }
  const f = (t: number): number => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const d = image.data;
  for (let i = 0; i < n; i++) {
    const r = lin[d[3 * i]!]!;
    const g = lin[d[3 * i + 1]!]!;
    const b = lin[d[3 * i + 2]!]!;
    const fx = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
    const fy = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
    const fz = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
    L[i] = 116 * fy - 16;
    A[i] = 500 * (fx - fy);
    B[i] = 200 * (fy - fz);
  }
  return [L, A, B];
}

export function computeSlic(image: RgbImage, options: SlicOptions = {}): SuperpixelMap {
  const { width, height } = image;
  const n = width * height;
  if (image.data.length !== n * 3) throw new Error(`RGB image has ${image.data.length} bytes, expected ${n * 3}`);
  const S = Math.max(2, Math.round(options.regionSize ?? Math.sqrt(n / (options.targetCount ?? 1200))));
  const m = options.compactness ?? 10;
  const iterations = options.iterations ?? 6;
  const [L, A, B] = toLab(image);

  // Centres on a grid, nudged to the lowest gradient of their 3×3 neighbourhood.
  const centres: number[] = []; // l, a, b, x, y per centre
  const grad = (x: number, y: number): number => {
    const i = y * width + x;
    const dx = (L[i + 1] ?? 0) - (L[i - 1] ?? 0);
    const dy = (L[i + width] ?? 0) - (L[i - width] ?? 0);
    return dx * dx + dy * dy;
  };
  for (let y = Math.floor(S / 2); y < height; y += S) {
    for (let x = Math.floor(S / 2); x < width; x += S) {
      let bx = x;
      let by = y;
      let best = Infinity;
      for (let yy = Math.max(1, y - 1); yy <= Math.min(height - 2, y + 1); yy++) {
        for (let xx = Math.max(1, x - 1); xx <= Math.min(width - 2, x + 1); xx++) {
          const g = grad(xx, yy);
          if (g < best) [best, bx, by] = [g, xx, yy];
        }
      }
      const i = by * width + bx;
      centres.push(L[i]!, A[i]!, B[i]!, bx, by);
    }
  }
  const k = centres.length / 5;
  const assign = new Int32Array(n).fill(-1);
  const dist = new Float32Array(n);
  const spatial = (m * m) / (S * S);
  const sums = new Float64Array(k * 6);

  for (let it = 0; it < iterations; it++) {
    dist.fill(Infinity);
    for (let c = 0; c < k; c++) {
      const cl = centres[5 * c]!;
      const ca = centres[5 * c + 1]!;
      const cb = centres[5 * c + 2]!;
      const cx = centres[5 * c + 3]!;
      const cy = centres[5 * c + 4]!;
      const y0 = Math.max(0, Math.floor(cy - S));
      const y1 = Math.min(height, Math.ceil(cy + S));
      const x0 = Math.max(0, Math.floor(cx - S));
      const x1 = Math.min(width, Math.ceil(cx + S));
      for (let y = y0; y < y1; y++) {
        const dyy = (y - cy) * (y - cy);
        for (let x = x0, i = y * width + x0; x < x1; x++, i++) {
          const dl = L[i]! - cl;
          const da = A[i]! - ca;
          const db = B[i]! - cb;
          const D = dl * dl + da * da + db * db + ((x - cx) * (x - cx) + dyy) * spatial;
          if (D < dist[i]!) {
            dist[i] = D;
            assign[i] = c;
          }
        }
      }
    }
    sums.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assign[i]!;
      if (c < 0) continue;
      const o = 6 * c;
      sums[o] = sums[o]! + L[i]!;
      sums[o + 1] = sums[o + 1]! + A[i]!;
      sums[o + 2] = sums[o + 2]! + B[i]!;
      sums[o + 3] = sums[o + 3]! + (i % width);
      sums[o + 4] = sums[o + 4]! + Math.floor(i / width);
      sums[o + 5] = sums[o + 5]! + 1;
    }
    for (let c = 0; c < k; c++) {
      const count = sums[6 * c + 5]!;
      if (count === 0) continue;
      for (let j = 0; j < 5; j++) centres[5 * c + j] = sums[6 * c + j]! / count;
    }
  }
  return enforceConnectivity(assign, width, height, Math.max(1, Math.floor((S * S) / 4)));
}

/** Relabels into 4-connected components; components under `minSize` join an already-labelled neighbour. */
function enforceConnectivity(assign: Int32Array, width: number, height: number, minSize: number): SuperpixelMap {
  const n = width * height;
  const labels = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let next = 0;
  for (let start = 0; start < n; start++) {
    if (labels[start]! >= 0) continue;
    const x = start % width;
    let adjacent = -1;
    if (x > 0) adjacent = labels[start - 1]!;
    if (adjacent < 0 && start >= width) adjacent = labels[start - width]!;
    const old = assign[start]!;
    labels[start] = next;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    while (head < tail) {
      const i = queue[head++]!;
      const ix = i % width;
      const visit = (j: number): void => {
        if (labels[j]! < 0 && assign[j] === old) {
          labels[j] = next;
          queue[tail++] = j;
        }
      };
      if (ix > 0) visit(i - 1);
      if (ix < width - 1) visit(i + 1);
      if (i >= width) visit(i - width);
      if (i + width < n) visit(i + width);
    }
    if (tail < minSize && adjacent >= 0) {
      for (let q = 0; q < tail; q++) labels[queue[q]!] = adjacent;
    } else {
      next++;
    }
  }
  const bounds = new Int32Array(next * 4);
  for (let c = 0; c < next; c++) bounds.set([width, height, 0, 0], 4 * c);
  for (let i = 0; i < n; i++) {
    const c = 4 * labels[i]!;
    const x = i % width;
    const y = (i - x) / width;
    if (x < bounds[c]!) bounds[c] = x;
    if (y < bounds[c + 1]!) bounds[c + 1] = y;
    if (x + 1 > bounds[c + 2]!) bounds[c + 2] = x + 1;
    if (y + 1 > bounds[c + 3]!) bounds[c + 3] = y + 1;
  }
  return { width, height, labels, count: next, bounds };
}
