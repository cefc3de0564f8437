/**
 * Reads PyTorch checkpoints written by Python's torch.save (zip format) without LibTorch's
 * restricted unpickler: OrderedDict state dicts, tensors of every storage type, shared and
 * strided storages.
 */
import { tensor } from '../../tensor/creation';
import { Dtype } from '../../tensor/dtype';
import { Tensor } from '../../tensor/tensor';
import { unpickle } from './unpickler';
import { readZipEntries, verifyZip } from './zip';

export { verifyZip };

interface StorageType {
  storageType: string;
  dtype: Dtype;
  bytes: number;
}

const STORAGES: Record<string, StorageType> = {
  FloatStorage: { storageType: 'FloatStorage', dtype: 'float32', bytes: 4 },
  DoubleStorage: { storageType: 'DoubleStorage', dtype: 'float64', bytes: 8 },
  HalfStorage: { storageType: 'HalfStorage', dtype: 'float16', bytes: 2 },
  BFloat16Storage: { storageType: 'BFloat16Storage', dtype: 'bfloat16', bytes: 2 },
  LongStorage: { storageType: 'LongStorage', dtype: 'int64', bytes: 8 },
  IntStorage: { storageType: 'IntStorage', dtype: 'int32', bytes: 4 },
  ShortStorage: { storageType: 'ShortStorage', dtype: 'int32', bytes: 2 },
  CharStorage: { storageType: 'CharStorage', dtype: 'int32', bytes: 1 },
  ByteStorage: { storageType: 'ByteStorage', dtype: 'uint8', bytes: 1 },
  BoolStorage: { storageType: 'BoolStorage', dtype: 'bool', bytes: 1 },
};

interface Storage {
  type: StorageType;
  data: Buffer;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Elements start..: a typed array of the storage, in the storage's own type (widened for 16-bit floats). */
function storageValues(st: Storage): Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array {
  const b = st.data;
  const n = b.length / st.type.bytes;
  switch (st.type.storageType) {
    case 'FloatStorage':
      return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
    case 'DoubleStorage':
      return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
    case 'LongStorage':
      return new BigInt64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
    case 'IntStorage':
      return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
    case 'ShortStorage':
      return Int32Array.from({ length: n }, (_, i) => b.readInt16LE(2 * i));
    case 'CharStorage':
      return Int32Array.from({ length: n }, (_, i) => b.readInt8(i));
    case 'HalfStorage':
      return Float32Array.from({ length: n }, (_, i) => halfToFloat(b.readUInt16LE(2 * i)));
    case 'BFloat16Storage':
      return Float32Array.from({ length: n }, (_, i) => new Float32Array(new Uint32Array([b.readUInt16LE(2 * i) << 16]).buffer)[0]);
    default:
      return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  }
}

function rebuildTensor(storage: Storage, offset: number, size: number[], stride: number[]): Tensor {
  const values = storageValues(storage);
  const numel = size.reduce((a, b) => a * b, 1);
  const Ctor = values.constructor as { new (n: number): typeof values };
  const out = new Ctor(numel);
  // Walk the strided view in row-major order.
  const index = new Array(size.length).fill(0);
  for (let k = 0; k < numel; k++) {
    let src = offset;
    for (let d = 0; d < size.length; d++) src += index[d] * stride[d];
    (out as unknown as Array<number | bigint>)[k] = (values as unknown as Array<number | bigint>)[src];
    for (let d = size.length - 1; d >= 0; d--) {
      if (++index[d] < size[d]) break;
      index[d] = 0;
    }
  }
  const t = tensor(out, { shape: size });
  return t.dtype === storage.type.dtype ? t : t.to(storage.type.dtype);
}

/** Whether `data` looks like a torch.save zip archive. */
export function isTorchZip(data: Buffer): boolean {
  return data.length > 4 && data.readUInt32LE(0) === 0x04034b50;
}

/** The value in a torch.save zip archive; tensors become sg Tensors. */
export function readTorchZip(data: Buffer): unknown {
  const entries = readZipEntries(data);
  const pklName = [...entries.keys()].find((n) => n.endsWith('/data.pkl') || n === 'data.pkl');
  if (!pklName) throw new Error('no data.pkl in the archive');
  const prefix = pklName.slice(0, pklName.length - 'data.pkl'.length);
  const storages = new Map<string, Storage>();
  const resolveGlobal = (module: string, name: string): unknown => {
    if (module === 'collections' && name === 'OrderedDict') return () => ({});
    if (module === 'torch._utils' && name === '_rebuild_tensor_v2') {
      return (storage: Storage, offset: number, size: number[], stride: number[], requiresGrad: boolean) => {
        const t = rebuildTensor(storage, offset, size, stride);
        if (requiresGrad) t.requiresGrad = true;
        return t;
      };
    }
    if (module === 'torch._utils' && name === '_rebuild_parameter') return (data: Tensor) => data;
    if (module === 'torch' && name in STORAGES) return STORAGES[name];
    if (module === 'torch' && name === 'device') return (d: string) => d;
    if (module === 'builtins' && name === 'set') return (items: unknown[]) => items;
    throw new Error(`unsupported Python object ${module}.${name} in the checkpoint`);
  };
  const persistentLoad = (pid: unknown[]): Storage => {
    const [tag, type, key] = pid as [string, StorageType, string];
    if (tag !== 'storage') throw new Error(`unsupported persistent id '${String(tag)}'`);
    const cached = storages.get(key);
    if (cached) return cached;
    const bytes = entries.get(`${prefix}data/${key}`);
    if (!bytes) throw new Error(`storage ${key} is missing from the archive`);
    const st = { type, data: bytes };
    storages.set(key, st);
    return st;
  };
  return unpickle(entries.get(pklName)!, resolveGlobal, persistentLoad);
}
