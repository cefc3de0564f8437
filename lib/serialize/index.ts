/**
 * `sg.save(value, path)` / `sg.load(path)`: like torch.save / torch.load, in PyTorch's own format
 * (Python's torch.load reads our files and we read files of the same structure from Python).
 * Values: tensors, numbers, strings, booleans, null, arrays, plain objects and Maps, nested.
 */
import * as fs from 'fs';

import { typeError } from '../errors';
import { native } from '../native';
import { Tensor } from '../tensor/tensor';
import { fsErrorText, writeFileAtomic } from './atomic-write';
import { isTorchZip, readTorchZip, verifyZip } from './torch-reader';

export { writeFileAtomic };

/** The bytes torch.save would write for `value`. */
export function serialize(value: unknown): Buffer {
  return native.pickle(value);
}

/**
 * The value in bytes written by torch.save (or serialize()); tensors become sg Tensors. LibTorch's
 * unpickler reads our own files; files from Python (OrderedDict state dicts, ...) go through our
 * TypeScript reader when it cannot.
 */
export function deserialize(data: Buffer): unknown {
  if (isTorchZip(data)) verifyZip(data);
  try {
    return wrapTensors(native.unpickle(data));
  } catch (nativeError) {
    if (!isTorchZip(data)) throw nativeError;
    try {
      return readTorchZip(data);
    } catch (tsError) {
      throw new Error(`${(tsError as Error).message} (LibTorch's reader: ${(nativeError as Error).message.split('\n')[0]})`);
    }
  }
}

function wrapTensors(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof (native.NativeTensor as unknown as new () => object)) return new Tensor(value as never);
  if (Array.isArray(value)) return value.map(wrapTensors);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = wrapTensors(v);
  return out;
}

/**
 * Saves `value` to `file` atomically in PyTorch's format.
 *
 * @example
 * sg.save({ net: model.stateDict(), epoch: 3 }, 'ckpt.pth');
 */
export function save(value: unknown, file: string): void {
  if (typeof file !== 'string' || file.length === 0) throw typeError('save(path)', 'a file path', file);
  writeFileAtomic(file, serialize(value));
}

/**
 * Loads a file written by save() or by Python's torch.save.
 *
 * @example
 * const ckpt = sg.load('ckpt.pth') as { net: Record<string, sg.Tensor>; epoch: number };
 */
export function load(file: string): unknown {
  if (typeof file !== 'string' || file.length === 0) throw typeError('load(path)', 'a file path', file);
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (err) {
    throw new Error(`could not read ${file}: ${fsErrorText(err)}`);
  }
  try {
    return deserialize(data);
  } catch (err) {
    throw new Error(`${file} is not a readable PyTorch checkpoint (truncated or corrupted?): ${(err as Error).message}`);
  }
}
