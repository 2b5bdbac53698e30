import { describe, expect, it } from 'vitest';
import { encodeLsRle, selectionToLsRle } from './ls-rle';

/**
 * An independent decoder, written from the decoder Label Studio runs (thi.ng/rle-pack `decode`,
 * also label-studio-converter's `decode_rle`): header, then per run a flag bit, a 2-bit size index,
 * a length field, and one word (repeat) or `length` words (literal).
 */
function decodeLsRle(bytes: number[]): Uint8Array {
  let pos = 0;
  const read = (bits: number): number => {
    let value = 0;
    for (let i = 0; i < bits; i++) {
      const byte = bytes[pos >> 3];
      if (byte === undefined) throw new Error('read past the end');
      value = value * 2 + ((byte >> (7 - (pos & 7))) & 1);
      pos++;
    }
    return value;
  };
  const count = read(32);
  const wordSize = read(5) + 1;
  const sizes = [read(4) + 1, read(4) + 1, read(4) + 1, read(4) + 1];
  const out = new Uint8Array(count);
  let i = 0;
  while (i < count) {
    const repeat = read(1);
    const end = i + 1 + read(sizes[read(2)]!);
    if (end > count) throw new Error('run past the end');
    if (repeat) out.fill(read(wordSize), i, end);
    else for (; i < end; i++) out[i] = read(wordSize);
    i = end;
  }
  return out;
}

describe('Label Studio brush RLE', () => {
  it('encodes one value to the hand-computed bytes', () => {
    // 32-bit count 1 | 00111 (word 8) | 0010 0011 0111 1111 (sizes 3,4,8,16) | 0 00 000 00000101 | 5 pad bits
    expect(encodeLsRle([5])).toEqual([0, 0, 0, 1, 57, 27, 248, 0, 160]);
  });

  it('pads with a full zero byte when the bits already fill whole bytes (as the converter does)', () => {
    // 53 header bits + one run of 20 (1 + 2 + 8 + 8 = 19 bits) = 72 bits: a whole 9 bytes, plus a zero byte.
    const bytes = encodeLsRle(new Array<number>(20).fill(9));
    expect(bytes.length).toBe(10);
    expect(bytes[9]).toBe(0);
    // 53 + 14 = 67 bits → 5 pad bits → 9 bytes.
    expect(encodeLsRle([3]).length).toBe(9);
  });

  it('round-trips runs of every length class, including runs over 65536', () => {
    const parts: [number, number][] = [
      [1, 7],
      [2, 255],
      [8, 0],
      [9, 3],
      [16, 4],
      [17, 5],
      [256, 6],
      [257, 8],
      [65536, 9],
      [65537, 10],
      [200000, 11],
      [1, 12],
    ];
    const total = parts.reduce((s, [n]) => s + n, 0);
    const values = new Uint8Array(total);
    let at = 0;
    for (const [n, v] of parts) {
      values.fill(v, at, at + n);
      at += n;
    }
    expect(Buffer.compare(decodeLsRle(encodeLsRle(values)), values)).toBe(0);
  });

  it('encodes a selection as the RGBA bytes of a 0/255 mask, identical to encoding the 4× array', () => {
    const width = 37;
    const height = 23;
    const selected = new Uint8Array(width * height).map((_, i) => (((i * 7919) % 13 < 5 || (i > 300 && i < 700)) ? 1 : 0));
    const rgba = new Uint8Array(selected.length * 4);
    for (let i = 0; i < selected.length; i++) rgba.fill(selected[i] ? 255 : 0, i * 4, i * 4 + 4);
    const fromSelection = selectionToLsRle(selected.length, (i) => selected[i] === 1);
    expect(fromSelection).toEqual(encodeLsRle(rgba));
    const decoded = decodeLsRle(fromSelection);
    expect(decoded.length).toBe(width * height * 4);
    for (let i = 0; i < selected.length; i++) expect(decoded[i * 4 + 3]).toBe(selected[i] ? 255 : 0);
  });

  it('encodes an empty array to the header alone', () => {
    const bytes = encodeLsRle([]);
    expect(decodeLsRle(bytes)).toEqual(new Uint8Array(0));
    expect(bytes.length).toBe(7); // 53 bits + 3 pad
  });
});
