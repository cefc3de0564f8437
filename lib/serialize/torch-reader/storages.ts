/**
 * Storages and tensors of a torch.save archive. A storage is one zip entry holding exactly
 * numel × itemsize bytes; it is copied once into LibTorch, and every tensor on it is a view
 * (as_strided) whose elements are all checked to lie inside it, so two tensors saved on one
 * storage share memory here as they do in PyTorch.
 */
import { native, NativeTensorHandle } from '../../native';
import { Dtype, isFloatingDtype } from '../../tensor/dtype';
import { Tensor } from '../../tensor/tensor';
import { describe } from './describe';

export interface StorageKind {
  name: string;
  itemsize: number;
  /** The dtype tensors get here; 16- and 8-bit integers are widened to int32 (sg has no int16/int8). */
  dtype: Dtype;
}

const KINDS: StorageKind[] = [
  { name: 'FloatStorage', itemsize: 4, dtype: 'float32' },
  { name: 'DoubleStorage', itemsize: 8, dtype: 'float64' },
  { name: 'HalfStorage', itemsize: 2, dtype: 'float16' },
  { name: 'BFloat16Storage', itemsize: 2, dtype: 'bfloat16' },
  { name: 'LongStorage', itemsize: 8, dtype: 'int64' },
  { name: 'IntStorage', itemsize: 4, dtype: 'int32' },
  { name: 'ShortStorage', itemsize: 2, dtype: 'int32' },
  { name: 'CharStorage', itemsize: 1, dtype: 'int32' },
  { name: 'ByteStorage', itemsize: 1, dtype: 'uint8' },
  { name: 'BoolStorage', itemsize: 1, dtype: 'bool' },
];

/** torch.<name> storage classes, by name (no sparse, quantized or complex storage is read). */
export const STORAGE_KINDS: ReadonlyMap<string, StorageKind> = new Map(KINDS.map((k) => [k.name, k]));

export class LoadedStorage {
  constructor(
    readonly key: string,
    readonly kind: StorageKind,
    readonly numel: number,
    readonly handle: NativeTensorHandle,
  ) {}
}

/** The bytes in LibTorch's layout for `kind`'s dtype; throws on values the dtype cannot hold. */
function nativeBytes(kind: StorageKind, bytes: Buffer, key: string): Uint8Array {
  if (kind.name === 'BoolStorage') {
    const bad = bytes.findIndex((b) => b > 1);
    if (bad >= 0) throw new Error(`storage ${key}: bool element ${bad} is ${bytes[bad]}, not 0 or 1`);
  }
  if (kind.name !== 'ShortStorage' && kind.name !== 'CharStorage') return bytes;
  const n = bytes.length / kind.itemsize;
  const wide = new Int32Array(n);
  for (let i = 0; i < n; i++) wide[i] = kind.itemsize === 2 ? bytes.readInt16LE(2 * i) : bytes.readInt8(i);
  return new Uint8Array(wide.buffer);
}

/** A storage from its zip entry, which must hold exactly `numel` elements. */
export function loadStorage(key: string, kind: StorageKind, numel: number, bytes: Buffer): LoadedStorage {
  if (bytes.length !== numel * kind.itemsize) {
    throw new Error(`storage ${key} (${kind.name}) declares ${numel} elements = ${numel * kind.itemsize} bytes but its record holds ${bytes.length}`);
  }
  return new LoadedStorage(key, kind, numel, native.fromBytes(nativeBytes(kind, bytes, key), kind.dtype));
}

function checkIntList(v: unknown, what: string): number[] {
  if (!Array.isArray(v) || v.length > 64) throw new Error(`tensor ${what} ${describe(v)} is not a tuple of at most 64 integers`);
  for (const x of v) if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) throw new Error(`tensor ${what} ${describe(v)} has a negative or non-integer entry`);
  return v as number[];
}

/** _rebuild_tensor_v2's geometry, checked: every element the view reaches lies in the storage. */
export function tensorView(storage: LoadedStorage, offset: unknown, sizeArg: unknown, strideArg: unknown, requiresGrad: unknown): Tensor {
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw new Error(`tensor on storage ${storage.key}: storage offset ${describe(offset)} is not a non-negative integer`);
  const size = checkIntList(sizeArg, 'size');
  const stride = checkIntList(strideArg, 'stride');
  if (size.length !== stride.length) throw new Error(`tensor on storage ${storage.key}: size has ${size.length} dimensions, stride ${stride.length}`);
  if (typeof requiresGrad !== 'boolean') throw new Error(`tensor on storage ${storage.key}: requires_grad is not a bool`);
  // BigInt: sizes and strides up to 2^53 multiply past what a double holds exactly.
  let numel = 1n;
  let last = BigInt(offset);
  size.forEach((s, d) => {
    numel *= BigInt(s);
    if (s > 0) last += BigInt(s - 1) * BigInt(stride[d]);
  });
  if (numel > 1n << 62n) throw new Error(`tensor on storage ${storage.key}: ${numel} elements is more than int64 can index`);
  const inside = numel === 0n ? offset <= storage.numel : last < BigInt(storage.numel);
  if (!inside) {
    throw new Error(`tensor on storage ${storage.key} (size [${size}], stride [${stride}], offset ${offset}) reaches element ${last} of a storage of ${storage.numel}`);
  }
  if (requiresGrad && !isFloatingDtype(storage.kind.dtype)) throw new Error(`tensor on storage ${storage.key}: requires_grad on a ${storage.kind.dtype} tensor`);
  const t = new Tensor(native.asStrided(storage.handle, size, stride, offset));
  if (requiresGrad) t.requiresGrad = true;
  return t;
}
