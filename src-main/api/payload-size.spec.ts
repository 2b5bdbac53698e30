import { describe, expect, it } from 'vitest';
import { payloadSize } from './payload-size';

describe('payloadSize', () => {
  it('counts typed arrays by bytes and strings by characters', () => {
    expect(payloadSize(new Uint8Array(1000))).toBe(1000);
    expect(payloadSize({ a: new Float32Array(10) })).toBeGreaterThanOrEqual(40);
    expect(payloadSize('abc')).toBeGreaterThanOrEqual(6);
  });

  it('survives cycles and stops early past the budget', () => {
    const a: Record<string, unknown> = { name: 'x' };
    a.self = a;
    expect(payloadSize(a)).toBeLessThan(100);
    const wide = Array.from({ length: 1e5 }, () => 'xxxxxxxx');
    expect(payloadSize(wide, 1000)).toBeGreaterThan(1000);
  });
});
