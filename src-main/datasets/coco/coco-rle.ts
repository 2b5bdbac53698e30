/**
 * COCO run-length encoding, written from the format as the COCO API (maskApi.c) defines it:
 *
 * - A binary mask of H×W is read in column-major (Fortran) order, top to bottom, then left to right.
 *   `counts` alternates run lengths of 0s and 1s and always starts with a run of 0s (possibly 0 long).
 *   The counts sum to H*W.
 * - "Uncompressed" RLE is `{ size: [h, w], counts: number[] }`.
 * - "Compressed" RLE is `{ size: [h, w], counts: string }`: each count is a signed integer written in
 *   6-bit groups (5 data bits + a "more" bit 0x20), least significant group first, each group stored as
 *   the character 48 + group. The final group's bit 0x10 is the sign. From the 4th count on (index > 2)
 *   the value written is the difference to the count two places before (the run of the same colour).
 *
 * Masks here are row-major `Uint8Array`s of 0/1, like everything else in the app.
 */

export interface Rle {
  height: number;
  width: number;
  /** Alternating run lengths, starting with a run of 0s, column-major. */
  counts: number[];
}

export class CocoRleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CocoRleError';
  }
}

/** Decode a compressed counts string (the LEB128-like 6-bit form). */
export function decodeCountsString(text: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < text.length) {
    let value = 0;
    let shift = 0;
    let more = true;
    while (more) {
      if (p >= text.length) throw new CocoRleError('compressed RLE string ends inside a number');
      const group = text.charCodeAt(p) - 48;
      if (group < 0 || group > 63) throw new CocoRleError(`invalid character "${text[p] ?? ''}" in compressed RLE at ${p}`);
      value += (group & 0x1f) * 2 ** shift;
      more = (group & 0x20) !== 0;
      p++;
      shift += 5;
      if (!more && (group & 0x10) !== 0) value -= 2 ** shift; // sign-extend
      if (shift > 50) throw new CocoRleError('compressed RLE number too long');
    }
    const m = counts.length;
    if (m > 2) value += counts[m - 2]!;
    counts.push(value);
  }
  return counts;
}

/** Encode counts into the compressed string form (inverse of decodeCountsString). */
export function encodeCountsString(counts: readonly number[]): string {
  let out = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i]!;
    if (i > 2) x -= counts[i - 2]!;
    let more = true;
    while (more) {
      // x & 0x1f and an arithmetic shift by 5, done with floor division so large values are safe.
      let group = ((x % 32) + 32) % 32;
      x = Math.floor(x / 32);
      more = (group & 0x10) !== 0 ? x !== -1 : x !== 0;
      if (more) group |= 0x20;
      out += String.fromCharCode(group + 48);
    }
  }
  return out;
}

/** Check counts against the size: non-negative integers summing to h*w. */
export function validateRle(rle: Rle): void {
  const { height, width, counts } = rle;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height <= 0 || width <= 0) {
    throw new CocoRleError(`invalid RLE size [${height}, ${width}]`);
  }
  let total = 0;
  for (const c of counts) {
    if (!Number.isInteger(c) || c < 0) throw new CocoRleError(`invalid RLE count ${c}`);
    total += c;
  }
  if (total !== height * width) {
    throw new CocoRleError(`RLE counts sum to ${total}, expected ${height}×${width} = ${height * width}`);
  }
}

/** Decode an RLE into a row-major 0/1 mask (H*W bytes). Validates first. */
export function rleToMask(rle: Rle): Uint8Array {
  validateRle(rle);
  const { height, width, counts } = rle;
  const mask = new Uint8Array(height * width);
  let pos = 0; // column-major position
  for (let i = 0; i < counts.length; i++) {
    const run = counts[i]!;
    if (i % 2 === 1) {
      for (let k = pos; k < pos + run; k++) {
        const x = Math.floor(k / height);
        const y = k - x * height;
        mask[y * width + x] = 1;
      }
    }
    pos += run;
  }
  return mask;
}

/** Encode a row-major mask (any non-zero byte is "on") into RLE counts. */
export function maskToRle(mask: Uint8Array, height: number, width: number): Rle {
  if (mask.length !== height * width) throw new CocoRleError(`mask has ${mask.length} bytes, expected ${height * width}`);
  const counts: number[] = [];
  let current = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const on = mask[y * width + x]! !== 0 ? 1 : 0;
      if (on !== current) {
        counts.push(run);
        run = 0;
        current = on;
      }
      run++;
    }
  }
  counts.push(run);
  return { height, width, counts };
}

/** Pixels set in an RLE (the sum of its runs of 1s). */
export function rleArea(rle: Rle): number {
  let area = 0;
  for (let i = 1; i < rle.counts.length; i += 2) area += rle.counts[i]!;
  return area;
}

/** The union of two RLEs of one size, computed on the runs (no dense mask). */
export function rleUnion(a: Rle, b: Rle): Rle {
  if (a.height !== b.height || a.width !== b.width) throw new CocoRleError(`RLE sizes differ: [${a.height}, ${a.width}] and [${b.height}, ${b.width}]`);
  const spans = (rle: Rle): [number, number][] => {
    const out: [number, number][] = [];
    let pos = 0;
    rle.counts.forEach((run, i) => {
      if (i % 2 === 1 && run > 0) out.push([pos, pos + run]);
      pos += run;
    });
    return out;
  };
  const all = [...spans(a), ...spans(b)].sort((p, q) => p[0] - q[0]);
  const counts: number[] = [];
  let end = 0;
  let open: [number, number] | null = null;
  const close = (span: [number, number]): void => {
    counts.push(span[0] - end, span[1] - span[0]);
    end = span[1];
  };
  for (const span of all) {
    if (open && span[0] <= open[1]) open[1] = Math.max(open[1], span[1]);
    else {
      if (open) close(open);
      open = [span[0], span[1]];
    }
  }
  if (open) close(open);
  counts.push(a.height * a.width - end);
  return { height: a.height, width: a.width, counts };
}

/**
 * Write `value` into a row-major h×w mask at every pixel the RLE sets, where `paintable` allows it
 * (work: the RLE's area, no dense copy).
 */
export function paintRle(target: Uint8Array, rle: Rle, value: number, paintable: (current: number) => boolean = () => true): void {
  const { height, width } = rle;
  let pos = 0;
  for (let i = 0; i < rle.counts.length; i++) {
    const run = rle.counts[i]!;
    if (i % 2 === 1) {
      for (let k = pos; k < pos + run; k++) {
        const x = Math.floor(k / height);
        const at = (k - x * height) * width + x;
        if (paintable(target[at]!)) target[at] = value;
      }
    }
    pos += run;
  }
}
