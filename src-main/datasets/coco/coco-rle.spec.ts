import { describe, expect, it } from 'vitest';
import { polygonToRle } from './coco-polygon';
import { decodeCountsString, encodeCountsString, maskToRle, rleToMask, CocoRleError } from './coco-rle';

/** Rows of a mask as strings, e.g. ["0110", "0000"]. */
function rows(mask: Uint8Array, width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < mask.length; i += width) out.push([...mask.subarray(i, i + width)].join(''));
  return out;
}

describe('COCO RLE', () => {
  // Hand-made: h=4, w=3. Column-major reading: col0 0000, col1 0110, col2 1000
  // → runs 5 zeros, 2 ones, 1 zero, 1 one, 3 zeros = [5,2,1,1,3].
  // String: 5→'5', 2→'2', 1→'1'; from index 3 on, deltas to counts[i-2]: 1-2 = -1 → group 0x1f,
  // no "more" bit (sign bit set and the rest is -1) → chr(31+48) = 'O'; 3-1 = 2 → '2'.
  const handMask = ['001', '010', '010', '000'];
  const handCounts = [5, 2, 1, 1, 3];
  const handString = '521O2';

  it('encodes a hand-made mask into the counts and string derived by hand', () => {
    const mask = Uint8Array.from(handMask.join(''), (c) => Number(c));
    const rle = maskToRle(mask, 4, 3);
    expect(rle.counts).toEqual(handCounts);
    expect(encodeCountsString(rle.counts)).toBe(handString);
  });

  it('decodes the hand-derived string back to the mask', () => {
    const counts = decodeCountsString(handString);
    expect(counts).toEqual(handCounts);
    expect(rows(rleToMask({ height: 4, width: 3, counts }), 3)).toEqual(handMask);
  });

  it('writes multi-group numbers: 100 = 3·32 + 4 → "T3" (4|0x20 = 36 → "T")', () => {
    expect(encodeCountsString([0, 100])).toBe('0T3');
    expect(decodeCountsString('0T3')).toEqual([0, 100]);
  });

  it('round-trips large counts and negative deltas', () => {
    const counts = [1_000_000, 3, 5, 2_000_000, 7, 1];
    expect(decodeCountsString(encodeCountsString(counts))).toEqual(counts);
  });

  it('decodes uncompressed counts that start with a zero-length background run', () => {
    // h=2, w=2, column-major [1,1,0,1] → counts [0,2,1,1]
    expect(rows(rleToMask({ height: 2, width: 2, counts: [0, 2, 1, 1] }), 2)).toEqual(['10', '11']);
  });

  it('rejects counts that do not sum to h*w and bad characters', () => {
    expect(() => rleToMask({ height: 2, width: 2, counts: [1, 2] })).toThrow(/sum to 3/);
    expect(() => decodeCountsString('5 2')).toThrow(CocoRleError);
    expect(() => decodeCountsString('T')).toThrow(/ends inside a number/);
  });
});

describe('COCO polygon rasterisation (pycocotools semantics)', () => {
  it('a square (0,0)-(2,2) covers pixels 0..1: centres 0.5 and 1.5 are inside, 2.5 is not', () => {
    const mask = rleToMask(polygonToRle([0, 0, 2, 0, 2, 2, 0, 2], 3, 3));
    expect(rows(mask, 3)).toEqual(['110', '110', '000']);
  });

  it('a square (0.5,0.5)-(2.5,2.5) covers pixels 1..2: a centre on a left/top edge is out, on a right/bottom edge in', () => {
    const mask = rleToMask(polygonToRle([0.5, 0.5, 2.5, 0.5, 2.5, 2.5, 0.5, 2.5], 4, 4));
    expect(rows(mask, 4)).toEqual(['0000', '0110', '0110', '0000']);
  });

  it('a rectangle (1,1)-(4,3) in a 6×5 image, with its column-major counts', () => {
    const rle = polygonToRle([1, 1, 4, 1, 4, 3, 1, 3], 5, 6);
    expect(rows(rleToMask(rle), 6)).toEqual(['000000', '011100', '011100', '000000', '000000']);
    // col0: 5 zeros, col1: 0 1 1 0 0 → 6 zeros, 2 ones; 2+1 zeros, 2 ones; 3 zeros, 2 ones; 2+5+5 zeros.
    expect(rle.counts).toEqual([6, 2, 3, 2, 3, 2, 12]);
    expect(encodeCountsString(rle.counts)).toBe('6230009'); // deltas from index 3: 0, 0, 0, 12-3=9
  });

  it('a triangle (1,0),(3,2),(1,4): edges evaluated on the 1/5-pixel grid around each column centre', () => {
    const mask = rleToMask(polygonToRle([1, 0, 3, 2, 1, 4], 5, 4));
    // Column 1 (centre x = 1.5) is sampled between x = 1.4 and 1.6. Upper edge y = x - 1: min(0.4, 0.6)
    // + 0.1 = 0.5 → first row ceil(0.5 - 0.5) = 0. Lower edge y = 5 - x: min(3.6, 3.4) + 0.1 = 3.5 →
    // rows below ceil(3.0) = 3, so rows 0..2. Column 2 (x = 2.5): upper min(1.4, 1.6) + 0.1 = 1.5 → from
    // row 1; lower min(2.6, 2.4) + 0.1 = 2.5 → below row 2: row 1 only. Columns 0 and 3 are outside.
    expect(rows(mask, 4)).toEqual(['0100', '0110', '0100', '0000', '0000']);
  });

  it('clips a polygon that leaves the image', () => {
    const mask = rleToMask(polygonToRle([-2, -2, 2, -2, 2, 2, -2, 2], 3, 3));
    expect(rows(mask, 3)).toEqual(['110', '110', '000']);
  });
});
