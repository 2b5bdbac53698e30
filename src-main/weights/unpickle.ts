/**
 * A small, bounded unpickler for what a PyTorch state_dict pickle holds, and nothing else.
 *
 * Python's pickle is a stack machine that may import and call any function it names (GLOBAL then
 * REDUCE); a hostile `.pth` uses that to run `os.system`. This one knows only the opcodes that
 * `torch.save` emits for dicts of tensors (protocol 2, plus the protocol-4 framing opcodes), and it
 * resolves a GLOBAL only through the caller's allow-list: any other name is an error at the GLOBAL
 * itself, before anything could be called, so nothing is ever loaded from a file that names one.
 * REDUCE calls only allow-listed JavaScript functions; BUILD only records attributes on a dict.
 * Input size, the stack, the memo and string lengths are bounded by the bytes actually present.
 */

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** A Python dict (or OrderedDict) with str/int keys; `attributes` gets BUILD's state (e.g. `_metadata`). */
export class PyDict {
  readonly map = new Map<string | number, PyValue>();
  attributes: PyValue = null;
}

/** A name imported by GLOBAL from the allow-list. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** Host objects the allow-listed callables return (tensors, storages). */
export class PyOpaque<T = unknown> {
  constructor(readonly value: T) {}
}

export type PyValue = null | boolean | number | bigint | string | PyValue[] | PyTuple | PyDict | PyGlobal | PyOpaque;

export interface UnpickleHooks {
  /** `module name` → the function REDUCE calls with the argument tuple's items, or null: a reference only (a storage type). */
  globals: ReadonlyMap<string, ((args: PyValue[]) => PyValue) | null>;
  /** BINPERSID: turn a persistent id into a value. */
  persistentLoad(pid: PyValue): PyValue;
}

const MARK = Symbol('mark');
type Slot = PyValue | typeof MARK;
const MAX_STACK = 1_000_000;

/** Unpickle `bytes` with `hooks`; errors are one line starting with `label`. */
export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks, label: string): PyValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const stack: Slot[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PyValue>();
  let pos = 0;
  const fail = (message: string): never => {
    throw new Error(`${label}: ${message}`);
  };
  const need = (n: number): void => {
    if (n < 0 || pos + n > bytes.length) fail(`pickle ends early at byte ${pos} (truncated or corrupt)`);
  };
  const u8 = (): number => {
    need(1);
    return bytes[pos++]!;
  };
  const u16 = (): number => {
    need(2);
    const v = view.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = (): number => {
    need(4);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const text = (n: number): string => {
    need(n);
    try {
      return decoder.decode(bytes.subarray(pos, (pos += n)));
    } catch {
      return fail(`invalid UTF-8 in a pickle string at byte ${pos - n}`);
    }
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('pickle ends inside a GLOBAL name');
    const s = text(end - pos);
    pos += 1;
    return s;
  };
  const push = (v: PyValue): void => {
    if (stack.length >= MAX_STACK) fail('pickle stack too deep');
    stack.push(v);
  };
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) return fail(`pickle stack underflow at byte ${pos}`);
    return v;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) return fail(`pickle stack underflow at byte ${pos}`);
    return v;
  };
  const popMark = (): PyValue[] => {
    const at = marks.pop();
    if (at === undefined) return fail(`pickle has no MARK at byte ${pos}`);
    const items = stack.splice(at);
    items.shift(); // the mark itself
    return items as PyValue[];
  };
  const global = (module: string, name: string): PyGlobal => {
    const key = `${module} ${name}`;
    if (!hooks.globals.has(key)) {
      fail(`the pickle names the global ${module}.${name}; only tensor-rebuild globals are allowed in a state dict (refusing to load it)`);
    }
    return new PyGlobal(module, name);
  };
  const key = (k: PyValue): string | number => {
    if (typeof k === 'string' || typeof k === 'number') return k;
    return fail(`a dict key is not a string or an integer at byte ${pos}`);
  };
  const setItems = (dict: PyValue, items: PyValue[]): void => {
    if (!(dict instanceof PyDict)) fail(`SETITEM on something that is not a dict at byte ${pos}`);
    const d = dict as PyDict;
    for (let i = 0; i + 1 < items.length; i += 2) d.map.set(key(items[i]!), items[i + 1]!);
  };

  for (;;) {
    const at = pos;
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('unsupported pickle protocol');
        break;
      case 0x95: // FRAME (protocol 4): a length hint
        need(8);
        pos += 8;
        break;
      case 0x2e: // STOP
        if (stack.length !== 1) fail(`pickle stops with ${stack.length} values on the stack`);
        return pop();
      case 0x63: // GLOBAL
        push(global(line(), line()));
        break;
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof name !== 'string' || typeof module !== 'string') fail('STACK_GLOBAL needs two strings');
        push(global(module as string, name as string));
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const index = op === 0x68 ? u8() : u32();
        if (!memo.has(index)) fail(`pickle memo has no entry ${index}`);
        push(memo.get(index)!);
        break;
      }
      case 0x28: // MARK
        marks.push(stack.length);
        stack.push(MARK);
        break;
      case 0x7d: // EMPTY_DICT
        push(new PyDict());
        break;
      case 0x5d: // EMPTY_LIST
        push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        push(new PyTuple([]));
        break;
      case 0x74: // TUPLE
        push(new PyTuple(popMark()));
        break;
      case 0x85: // TUPLE1
        push(new PyTuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        push(new PyTuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        push(new PyTuple([pop(), b, c]));
        break;
      }
      case 0x58: // BINUNICODE
        push(text(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        push(text(u8()));
        break;
      case 0x4a: // BININT
        need(4);
        push(view.getInt32(pos, true));
        pos += 4;
        break;
      case 0x4b: // BININT1
        push(u8());
        break;
      case 0x4d: // BININT2
        push(u16());
        break;
      case 0x8a: {
        // LONG1: little-endian two's complement
        const n = u8();
        need(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[pos + i]!);
        if (n > 0 && bytes[pos + n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
        pos += n;
        push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        need(8);
        push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x88: // NEWTRUE
        push(true);
        break;
      case 0x89: // NEWFALSE
        push(false);
        break;
      case 0x4e: // NONE
        push(null);
        break;
      case 0x51: // BINPERSID
        push(hooks.persistentLoad(pop()));
        break;
      case 0x52: {
        // REDUCE
        const args = pop();
        const callable = pop();
        if (!(callable instanceof PyGlobal) || !(args instanceof PyTuple)) fail(`REDUCE on something that is not an allowed global at byte ${at}`);
        const fn = hooks.globals.get(`${(callable as PyGlobal).module} ${(callable as PyGlobal).name}`);
        if (!fn) fail(`the pickle calls ${(callable as PyGlobal).qualified}, which is a type, not a function`);
        push(fn!((args as PyTuple).items));
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const k = pop();
        setItems(top(), [k, value]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: {
        // APPEND
        const value = pop();
        const list = top();
        if (!Array.isArray(list)) fail(`APPEND on something that is not a list at byte ${at}`);
        (list as PyValue[]).push(value);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = top();
        if (!Array.isArray(list)) fail(`APPENDS on something that is not a list at byte ${at}`);
        (list as PyValue[]).push(...items);
        break;
      }
      case 0x62: {
        // BUILD: only a dict's attributes (OrderedDict's `_metadata`)
        const state = pop();
        const target = top();
        if (!(target instanceof PyDict)) fail(`BUILD on something that is not a dict at byte ${at}`);
        (target as PyDict).attributes = state;
        break;
      }
      default:
        fail(`unexpected pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at} (not one a state dict uses)`);
    }
  }
}
