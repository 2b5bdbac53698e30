/**
 * What the CLI prints about data it did not make (file names, class names, ids, reasons) goes through
 * here first (docs/reliability.md): control characters (NUL, BEL, ESC and so CSI/OSC sequences,
 * DEL, the C1 range with its one-byte CSI), line and paragraph separators and bidirectional overrides
 * are shown as escapes, so a hostile name can neither drive the terminal nor fake a line of output.
 */

// C0 (tabs and newlines too: inside a value they would fake layout), DEL, C1, LS/PS, bidi controls.
// eslint-disable-next-line no-control-regex -- matching control characters is this module's job
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

function escapeOne(ch: string): string {
  const code = ch.codePointAt(0)!;
  return NAMED[ch] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/** One value, safe to print on a terminal. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** Raw in JSON.stringify's output although unsafe: DEL, C1, LS/PS, bidi controls (it escapes C0 itself). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** JSON for a terminal: what JSON.stringify leaves raw is escaped as \\uXXXX too; it parses to the same value. */
export function terminalSafeJson(value: unknown, space = 2): string {
  return JSON.stringify(value, null, space).replace(UNSAFE_IN_JSON, (ch) => `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}
