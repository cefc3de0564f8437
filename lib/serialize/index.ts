/**
 * `sg.save(value, path)` / `sg.load(path)`: like torch.save / torch.load, in PyTorch's own format
 * (Python's torch.load reads our files and we read files of the same structure from Python).
 * Values: tensors, numbers, strings, booleans, null, arrays, plain objects and Maps, nested.
 */
import * as fs from 'fs';

import { typeError } from '../errors';
import { native } from '../native';
import { fsErrorText, writeFileAtomic } from './atomic-write';
import { withIntegerStateKeys } from './optimizer-keys';
import { readTorchZip } from './torch-reader';

/**
 * The bytes torch.save would write for `value`. An optimizer state dict anywhere in it is written
 * with integer `state` keys, as torch.optim's own (./optimizer-keys).
 */
export function serialize(value: unknown): Buffer {
  return native.pickle(withIntegerStateKeys(value));
}

/**
 * The value in bytes written by torch.save (or serialize()); tensors become sg Tensors. Only our
 * own strict reader (./torch-reader) parses the bytes: LibTorch's unpickler checks neither bounds
 * nor stack depth, so it never sees a file. See README, "Security".
 */
export function deserialize(data: Buffer): unknown {
  return readTorchZip(data);
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
 * Loads a file written by save() or by Python's torch.save. Safe on untrusted files: only tensors
 * and plain data are read, every structure is checked, and a bad file throws an Error naming it
 * and the fault (README, "Security").
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
    throw new Error(`could not read ${file}: ${fsErrorText(err)}`, { cause: err });
  }
  try {
    return deserialize(data);
  } catch (err) {
    throw new Error(`${file} is not a readable PyTorch checkpoint (truncated or corrupted?): ${(err as Error).message}`, { cause: err });
  }
}
