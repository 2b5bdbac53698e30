import { describe, expect, it } from 'vitest';
import { PyDict, PyGlobal, PyTuple, unpickle, type PyValue, type UnpickleHooks } from './unpickle';

const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? Array.from(new TextEncoder().encode(p)) : p)));

let called = 0;
const hooks: UnpickleHooks = {
  globals: new Map<string, ((args: PyValue[]) => PyValue) | null>([
    ['collections OrderedDict', () => new PyDict()],
    ['torch FloatStorage', null],
    ['test call', (args) => ((called += 1), new PyTuple(args))],
  ]),
  persistentLoad: (pid) => pid,
};
const run = (b: Uint8Array): unknown => unpickle(b, hooks, 'x.pkl');

describe('the state-dict unpickler', () => {
  it('builds dicts, tuples, lists, ints, floats, strings and booleans as protocol 2 writes them', () => {
    // {'a': (1, -2, 300, 70000, 2**70), 'b': [True, None, 1.5], 'c': OrderedDict()}
    const pkl = bytes(
      [0x80, 2, 0x7d, 0x71, 0, 0x28],
      [0x58, 1, 0, 0, 0], 'a', [0x28, 0x4b, 1, 0x4a, 0xfe, 0xff, 0xff, 0xff, 0x4d, 0x2c, 0x01, 0x4a, 0x70, 0x11, 0x01, 0x00, 0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x74],
      [0x58, 1, 0, 0, 0], 'b', [0x5d, 0x28, 0x88, 0x4e, 0x47, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0x65],
      [0x58, 1, 0, 0, 0], 'c', 'ccollections\nOrderedDict\n', [0x29, 0x52],
      [0x75, 0x2e],
    );
    const root = run(pkl) as PyDict;
    const a = root.map.get('a') as PyTuple;
    expect(a.items).toEqual([1, -2, 300, 70000, 2n ** 70n]);
    expect(root.map.get('b')).toEqual([true, null, 1.5]);
    expect(root.map.get('c')).toBeInstanceOf(PyDict);
  });

  it('refuses a global outside the allow-list at the GLOBAL itself, before any call', () => {
    called = 0;
    const viaStack = bytes([0x80, 4, 0x8c, 8], 'builtins', [0x8c, 4], 'eval', [0x93, 0x8c, 1], '1', [0x85, 0x52, 0x2e]);
    expect(() => run(viaStack)).toThrow(/^x\.pkl: the pickle names the global builtins\.eval; only tensor-rebuild globals are allowed/);
    const afterAllowed = bytes([0x80, 2], 'ctest\ncall\n', [0x29, 0x52], 'cposix\nsystem\n', [0x2e]);
    expect(() => run(afterAllowed)).toThrow(/names the global posix\.system/);
    expect(called).toBe(1);
  });

  it('calls only functions: a storage type named by GLOBAL cannot be REDUCEd', () => {
    expect(() => run(bytes([0x80, 2], 'ctorch\nFloatStorage\n', [0x29, 0x52, 0x2e]))).toThrow(/calls torch\.FloatStorage, which is a type, not a function/);
  });

  it('unknown opcodes, a missing memo entry, truncation and a bad final stack are errors with the byte position', () => {
    expect(() => run(bytes([0x80, 2, 0x63]))).toThrow(/pickle ends inside a GLOBAL name/);
    expect(() => run(bytes([0x80, 2, 0x69]))).toThrow(/unexpected pickle opcode 0x69 at byte 2/);
    expect(() => run(bytes([0x80, 2, 0x68, 9, 0x2e]))).toThrow(/memo has no entry 9/);
    expect(() => run(bytes([0x80, 2, 0x58, 0xff, 0, 0, 0], 'ab'))).toThrow(/pickle ends early at byte 7/);
    expect(() => run(bytes([0x80, 2, 0x4e, 0x4e, 0x2e]))).toThrow(/pickle stops with 2 values on the stack/);
    expect(() => run(bytes([0x80, 2, 0x74]))).toThrow(/no MARK/);
    expect(() => run(bytes([0x80, 2, 0x4e, 0x4b, 1, 0x73, 0x2e]))).toThrow(/stack underflow|not a dict/);
  });

  it('keeps a global value as a reference when nothing calls it', () => {
    const g = run(bytes([0x80, 2], 'ctorch\nFloatStorage\n', [0x2e]));
    expect(g).toBeInstanceOf(PyGlobal);
    expect((g as PyGlobal).qualified).toBe('torch.FloatStorage');
  });
});
