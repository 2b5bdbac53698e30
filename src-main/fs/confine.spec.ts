import { describe, expect, it } from 'vitest';
import { isInside, resolveInside } from './confine';

describe('path confinement', () => {
  it('keeps relative paths inside the root', () => {
    expect(resolveInside('/data/voc', 'JPEGImages/a.jpg')).toBe('/data/voc/JPEGImages/a.jpg');
    expect(isInside('/data/voc', '/data/voc')).toBe(true);
  });
  it('refuses ../ and absolute escapes, and look-alike siblings', () => {
    expect(() => resolveInside('/data/voc', '../../etc/passwd')).toThrow(/leaves/);
    expect(() => resolveInside('/data/voc', 'JPEGImages/../../secret')).toThrow(/leaves/);
    expect(() => resolveInside('/data/voc', '/etc/passwd')).toThrow(/relative/);
    expect(isInside('/data/voc', '/data/voc-other/x')).toBe(false);
  });
});
