import { describe, expect, it } from 'vitest';
import { terminalSafe, terminalSafeJson } from './print';

describe('terminal-safe printing', () => {
  it('shows OSC, CSI, BEL, NUL, C1 and layout characters as escapes', () => {
    expect(terminalSafe('\u001b]0;owned\u0007cat')).toBe('\\e]0;owned\\x07cat');
    expect(terminalSafe('a\u001b[2Jb\u0000c\u009b31md')).toBe('a\\e[2Jb\\x00c\\x9b31md');
    expect(terminalSafe('fake\nProblems: none\t\r')).toBe('fake\\nProblems: none\\t\\r');
    expect(terminalSafe('gpj.exe\u202e')).toBe('gpj.exe\\u202e');
    expect(terminalSafe('plain chat, café, 猫')).toBe('plain chat, café, 猫');
  });
  it('keeps JSON parseable and equal while escaping what JSON.stringify leaves raw', () => {
    const value = { name: 'a\u009b2Jb\u001bc\u007f' };
    const text = terminalSafeJson(value);
    expect([...text].some((ch) => ch === '\u001b' || (ch >= '\u007f' && ch <= '\u009f'))).toBe(false);
    expect(JSON.parse(text)).toEqual(value);
  });
});
