import { describe, expect, it } from 'vitest';
import { senderAllowed } from './sender-check';

describe('senderAllowed', () => {
  const file = '/opt/eader/out/renderer/index.html';
  it('accepts our renderer file, with or without a query or hash', () => {
    expect(senderAllowed('file:///opt/eader/out/renderer/index.html', file)).toBe(true);
    expect(senderAllowed('file:///opt/eader/out/renderer/index.html#/masks', file)).toBe(true);
  });
  it('refuses remote pages, other files and missing frames', () => {
    expect(senderAllowed('https://evil.example/index.html', file)).toBe(false);
    expect(senderAllowed('file:///tmp/index.html', file)).toBe(false);
    expect(senderAllowed(undefined, file)).toBe(false);
    expect(senderAllowed(null, file)).toBe(false);
  });
});
