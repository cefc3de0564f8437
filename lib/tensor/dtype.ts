import { typeError, unknownNameError } from '../errors';

/** Element types, named as PyTorch names them without the `torch.` prefix. */
export type Dtype = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'uint8' | 'bool';

/** `'cpu'`, `'cuda'` or `'cuda:N'`. */
export type Device = 'cpu' | 'cuda' | `cuda:${number}`;

export const DTYPES: readonly Dtype[] = ['float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'uint8', 'bool'];

/** Validates a dtype argument; `path` names it in the error. */
export function checkDtype(path: string, value: unknown): Dtype {
  if (typeof value !== 'string') throw typeError(path, 'a dtype string', value);
  if (!(DTYPES as readonly string[]).includes(value)) {
    const err = unknownNameError('dtype', value, DTYPES);
    throw new RangeError(err.message);
  }
  return value as Dtype;
}

/** Validates a device argument. */
export function checkDevice(path: string, value: unknown): Device {
  if (typeof value !== 'string') throw typeError(path, "a device string ('cpu', 'cuda', 'cuda:0')", value);
  if (value === 'cpu' || value === 'cuda' || /^cuda:\d+$/.test(value)) return value as Device;
  throw new RangeError(`Invalid device '${value}' for ${path}; expected 'cpu', 'cuda' or 'cuda:N'`);
}

export function isFloatingDtype(dtype: Dtype): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16';
}
