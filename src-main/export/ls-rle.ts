/**
 * Label Studio's brush RLE ("format": "rle"), the encoding of label-studio-converter's
 * `brush.encode_rle` (label_studio_converter/brush.py) and of the decoder the Label Studio
 * frontend uses (thi.ng/rle-pack). The input is the flat RGBA byte array of the mask image
 * (height × width × 4, row-major); a brush region is the pixels whose bytes are non-zero — the
 * converter's `mask2rle` repeats each grey value into R, G, B and A, and so do we (255 = painted).
 *
 * Bit stream, most significant bit first:
 *   header  32 bits: number of values; 5 bits: word size − 1 (7); 4 × 4 bits: run-length field
 *           sizes − 1 for the sizes [3, 4, 8, 16]
 *   per run of equal values (length n, value v):
 *     n = 1:        0 00 000 v(8)                 (a literal of one word)
 *     2 ≤ n ≤ 8:    1 00 (n−1 in 3 bits) v(8)
 *     9 ≤ n ≤ 16:   1 01 (n−1 in 4 bits) v(8)
 *     17 ≤ n ≤ 256: 1 10 (n−1 in 8 bits) v(8)
 *     n > 256:      1 11 (n−1 in 16 bits) v(8), runs over 65536 split into 65536-long pieces first
 *   then 1..8 zero bits so the length is a whole number of bytes (always at least one, as the
 *   converter does), and the bytes are listed as integers 0..255.
 */

class BitWriter {
  private bytes = new Uint8Array(1024);
  private bitLength = 0;

  write(value: number, bits: number): void {
    for (let i = bits - 1; i >= 0; i--) {
      const bit = bits > 30 ? Math.floor(value / 2 ** i) % 2 : (value >>> i) & 1;
      if (bit) this.setBit();
      else this.skipBit();
    }
  }

  private ensure(): void {
    if (this.bitLength >> 3 >= this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
  }

  private setBit(): void {
    this.ensure();
    this.bytes[this.bitLength >> 3]! |= 0x80 >> (this.bitLength & 7);
    this.bitLength++;
  }

  private skipBit(): void {
    this.ensure();
    this.bitLength++;
  }

  /** Pad with 8 − (length mod 8) zero bits (1..8) and return the bytes. */
  finish(): number[] {
    const pad = 8 - (this.bitLength % 8);
    for (let i = 0; i < pad; i++) this.skipBit();
    return Array.from(this.bytes.subarray(0, this.bitLength >> 3));
  }
}

const RLE_SIZES = [3, 4, 8, 16] as const;
const MAX_PIECE = 2 ** 16;

function writeRun(out: BitWriter, length: number, value: number): void {
  if (length === 1) {
    out.write(0, 1);
    out.write(0, 2);
    out.write(0, 3);
    out.write(value, 8);
    return;
  }
  if (length <= 256) {
    const sizeIndex = length <= 8 ? 0 : length <= 16 ? 1 : 2;
    out.write(1, 1);
    out.write(sizeIndex, 2);
    out.write(length - 1, RLE_SIZES[sizeIndex]);
    out.write(value, 8);
    return;
  }
  let rest = length;
  while (rest > MAX_PIECE) {
    out.write(1, 1);
    out.write(3, 2);
    out.write(MAX_PIECE - 1, 16);
    out.write(value, 8);
    rest -= MAX_PIECE;
  }
  out.write(1, 1);
  out.write(3, 2);
  out.write(rest - 1, 16);
  out.write(value, 8);
}

/** Encode runs `[length, value]` of a byte array with `total` values. */
export function encodeRuns(total: number, runs: Iterable<readonly [number, number]>): number[] {
  if (!Number.isInteger(total) || total < 0 || total >= 2 ** 32) throw new RangeError(`cannot encode ${total} values`);
  const out = new BitWriter();
  out.write(total, 32);
  out.write(8 - 1, 5);
  for (const size of RLE_SIZES) out.write(size - 1, 4);
  for (const [length, value] of runs) writeRun(out, length, value);
  return out.finish();
}

/** Encode a flat byte array (e.g. RGBA pixels) exactly as `encode_rle(arr)` does. */
export function encodeLsRle(values: ArrayLike<number>): number[] {
  function* runs(): Generator<[number, number]> {
    let i = 0;
    while (i < values.length) {
      const v = values[i]!;
      let j = i + 1;
      while (j < values.length && values[j] === v) j++;
      yield [j - i, v];
      i = j;
    }
  }
  return encodeRuns(values.length, runs());
}

/**
 * A brush region from a row-major selection (`selected(i)` true = painted): the same bytes as
 * `mask2rle(mask * 255)` (RGBA = 255,255,255,255 where painted, 0 elsewhere), without building
 * the 4× array.
 */
export function selectionToLsRle(pixelCount: number, selected: (i: number) => boolean): number[] {
  function* runs(): Generator<[number, number]> {
    let i = 0;
    while (i < pixelCount) {
      const on = selected(i);
      let j = i + 1;
      while (j < pixelCount && selected(j) === on) j++;
      yield [(j - i) * 4, on ? 255 : 0];
      i = j;
    }
  }
  return encodeRuns(pixelCount * 4, runs());
}
