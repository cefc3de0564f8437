import { typeError, unknownNameError } from '../errors';
import { native } from '../native';

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

/** Checks the spelling of a device argument only: 'cpu', 'cuda' or 'cuda:N'. */
export function parseDevice(path: string, value: unknown): Device {
  if (typeof value !== 'string') throw typeError(path, "a device string ('cpu', 'cuda', 'cuda:0')", value);
  if (value === 'cpu' || value === 'cuda' || /^cuda:\d+$/.test(value)) return value as Device;
  throw new RangeError(`Invalid device '${value}' for ${path}; expected 'cpu', 'cuda' or 'cuda:N'`);
}

/**
 * Throws unless `device` exists in this process. Without this, 'cuda' on a CPU-only build fails
 * deep in LibTorch with "Could not run 'aten::empty.memory_format' with arguments from the 'CUDA'
 * backend", which does not say what to change.
 */
export function checkDeviceAvailable(device: Device): void {
  if (device === 'cpu') return;
  if (!native.cudaAvailable()) {
    throw new Error(`device '${device}' requested but CUDA is not available (this build has no CUDA or no GPU is visible); use 'cpu'`);
  }
  const index = device === 'cuda' ? 0 : Number(device.slice('cuda:'.length));
  const count = native.cudaDeviceCount();
  if (index >= count) {
    const visible = count === 1 ? "1 CUDA device is visible ('cuda:0')" : `${count} CUDA devices are visible ('cuda:0' to 'cuda:${count - 1}')`;
    throw new Error(`device '${device}' requested but only ${visible}; use one of them or 'cpu'`);
  }
}

/** Validates a device argument: spelled right and present here. */
export function checkDevice(path: string, value: unknown): Device {
  const device = parseDevice(path, value);
  checkDeviceAvailable(device);
  return device;
}

export function isFloatingDtype(dtype: Dtype): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16';
}
