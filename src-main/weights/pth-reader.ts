/**
 * PyTorch `torch.save` files (the zip format of PyTorch ≥ 1.6): `<archive>/data.pkl` is a pickle of
 * the state dict whose tensors point, through persistent ids, at raw little-endian storages
 * `<archive>/data/<key>`. The pickle goes through ./unpickle with an allow-list of exactly the
 * globals a state dict needs (`collections.OrderedDict`, `torch._utils._rebuild_tensor_v2`,
 * `torch._utils._rebuild_parameter` and the storage types); storages are read lazily, one tensor at
 * a time. A checkpoint that wraps the state dict (`{'state_dict': …}` or `{'model': …}`) is
 * unwrapped. The legacy non-zip format (PyTorch < 1.6) is refused with a way out.
 */
import { open } from 'node:fs/promises';
import type { SourceTensor, WeightDtype } from '../engine/backbones/weight-source';
import { DTYPE_BYTES, toFloat32 } from './dtypes';
import type { OpenedWeights } from './open-weights';
import { PyDict, PyGlobal, PyOpaque, PyTuple, unpickle, type PyValue } from './unpickle';
import { ZipReader } from './zip-reader';

const MAX_PICKLE_BYTES = 64 * 1024 * 1024;

const STORAGE_TYPES: Record<string, WeightDtype> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

interface StorageRef {
  key: string;
  dtype: WeightDtype;
  numel: number;
}

interface TensorRef {
  storage: StorageRef;
  offset: number;
  shape: number[];
  strides: number[];
}

const isInt = (v: PyValue): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function intTuple(v: PyValue | undefined, what: string, label: string): number[] {
  if (!(v instanceof PyTuple) || !v.items.every(isInt)) throw new Error(`${label}: ${what} is not a tuple of non-negative integers`);
  return v.items as number[];
}

function hooksFor(label: string) {
  const globals = new Map<string, ((args: PyValue[]) => PyValue) | null>();
  globals.set('collections OrderedDict', (args) => {
    if (args.length !== 0) throw new Error(`${label}: OrderedDict called with arguments`);
    return new PyDict();
  });
  globals.set('torch._utils _rebuild_tensor_v2', (args) => {
    const [storage, offset, size, stride] = args;
    if (!(storage instanceof PyOpaque) || !isInt(offset ?? null)) throw new Error(`${label}: malformed tensor record in the pickle`);
    const ref: TensorRef = { storage: storage.value as StorageRef, offset: offset as number, shape: intTuple(size, 'a tensor size', label), strides: intTuple(stride, 'a tensor stride', label) };
    if (ref.shape.length !== ref.strides.length) throw new Error(`${label}: a tensor has ${ref.shape.length} sizes but ${ref.strides.length} strides`);
    return new PyOpaque(ref);
  });
  globals.set('torch._utils _rebuild_parameter', (args) => args[0] ?? null);
  for (const name of Object.keys(STORAGE_TYPES)) globals.set(`torch ${name}`, null);
  const persistentLoad = (pid: PyValue): PyValue => {
    const items = pid instanceof PyTuple ? pid.items : [];
    const [tag, type, key, , numel] = items;
    if (tag !== 'storage' || !(type instanceof PyGlobal) || typeof key !== 'string' || !/^[A-Za-z0-9_]+$/.test(key) || !isInt(numel ?? null)) {
      throw new Error(`${label}: malformed storage reference in the pickle`);
    }
    const dtype = STORAGE_TYPES[type.name];
    if (!dtype) throw new Error(`${label}: unknown storage type ${type.qualified}`);
    return new PyOpaque<StorageRef>({ key, dtype, numel: numel as number });
  };
  return { globals, persistentLoad };
}

const isTensor = (v: PyValue | undefined): v is PyOpaque<TensorRef> => v instanceof PyOpaque;

/** The dict of tensors inside the pickle's root: the root itself, or its `state_dict` / `model`. */
function stateDictOf(root: PyValue, label: string): { dict: PyDict; container: string | null } {
  if (!(root instanceof PyDict)) throw new Error(`${label}: the pickle holds no dict (not a state dict)`);
  const hasTensors = (d: PyDict): boolean => [...d.map.values()].some(isTensor);
  if (hasTensors(root)) return { dict: root, container: null };
  for (const key of ['state_dict', 'model', 'model_state_dict', 'net']) {
    const inner = root.map.get(key);
    if (inner instanceof PyDict && hasTensors(inner)) return { dict: inner, container: key };
  }
  throw new Error(`${label}: no tensors in the pickle (expected a state dict, or a checkpoint with 'state_dict' or 'model')`);
}

async function sniff(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const head = new Uint8Array(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export async function openPth(file: string): Promise<OpenedWeights> {
  const head = await sniff(file);
  if (head[0] === 0x80 && head[2] === 0x8a && head[3] === 0x0a) {
    throw new Error(
      `${file}: the legacy torch.save format (PyTorch < 1.6) is not read; re-save it with PyTorch ≥ 1.6: torch.save(torch.load(f), 'new.pth')`,
    );
  }
  if (!(head[0] === 0x50 && head[1] === 0x4b)) throw new Error(`${file}: not a PyTorch zip checkpoint (torch.save ≥ 1.6), a .safetensors file or a tfjs model.json`);
  const zip = await ZipReader.open(file);
  try {
    const pickles = zip.entries.filter((e) => /^[^/]+\/data\.pkl$/.test(e.name));
    if (pickles.length !== 1) throw new Error(`${file}: expected one <archive>/data.pkl in the zip, found ${pickles.length}`);
    const pickleEntry = pickles[0]!;
    const prefix = pickleEntry.name.slice(0, -'data.pkl'.length);
    const order = zip.entry(`${prefix}byteorder`);
    if (order) {
      const text = new TextDecoder().decode(await zip.read(order, 16)).trim();
      if (text !== 'little') throw new Error(`${file}: storages are ${text}-endian; only little-endian checkpoints are read`);
    }
    const root = unpickle(await zip.read(pickleEntry, MAX_PICKLE_BYTES), hooksFor(file), file);
    const { dict, container } = stateDictOf(root, file);
    const tensors: SourceTensor[] = [];
    const nonTensors: string[] = [];
    for (const [key, value] of dict.map) {
      const name = String(key);
      if (!isTensor(value)) {
        nonTensors.push(name);
        continue;
      }
      const ref = value.value;
      const entry = zip.entry(`${prefix}data/${ref.storage.key}`);
      if (!entry) throw new Error(`${file}: tensor ${name} points at storage ${ref.storage.key}, which the zip lacks`);
      const needed = ref.storage.numel * DTYPE_BYTES[ref.storage.dtype];
      if (entry.size < needed) throw new Error(`${file}: storage ${ref.storage.key} of ${name} holds ${entry.size} bytes, ${needed} needed (truncated or corrupt)`);
      tensors.push({
        name,
        dtype: ref.storage.dtype,
        shape: ref.shape,
        read: async () => toFloat32(await zip.read(entry, entry.size), { dtype: ref.storage.dtype, shape: ref.shape, strides: ref.strides, offset: ref.offset }, `${file}: ${name}`),
      });
    }
    return { file, format: 'pth', layout: 'torch', tensors, notes: container ? [`state dict taken from the checkpoint's '${container}'`] : [], nonTensors, close: () => zip.close() };
  } catch (err) {
    await zip.close();
    throw err;
  }
}
