import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from './wire';

describe('wire codec', () => {
  it('round-trips typed arrays inside JSON', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    const decoded = decodeWire(encodeWire({ id: 1, nested: { bytes } })) as { id: number; nested: { bytes: Uint8Array } };
    expect(decoded.id).toBe(1);
    expect(decoded.nested.bytes).toBeInstanceOf(Uint8Array);
    expect(Array.from(decoded.nested.bytes)).toEqual(Array.from(bytes));
  });
  it('leaves ordinary objects alone', () => {
    expect(decodeWire(encodeWire({ $bytes: 3, other: 'x' }))).toEqual({ $bytes: 3, other: 'x' });
  });
});
