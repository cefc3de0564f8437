import { isPlainObject, typeError } from '../errors';
import { native } from '../native';
import { checkDevice, checkDtype, Device, Dtype } from './dtype';
import { Tensor } from './tensor';

/** Options of every factory. */
export interface TensorOptions {
  dtype?: Dtype;
  device?: Device;
  requiresGrad?: boolean;
}

export interface TensorDataOptions extends TensorOptions {
  /** Shape of the result; default: inferred from nested arrays, or 1-D for flat data. */
  shape?: number[];
}

/** Nested arrays of numbers or booleans, any depth. */
export type NestedArray = number | boolean | NestedArray[];

export type TensorData = NestedArray | Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

function readOptions(path: string, options: unknown): TensorDataOptions {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw typeError(path, 'an options object', options);
  for (const key of Object.keys(options)) {
    if (!['dtype', 'device', 'requiresGrad', 'shape'].includes(key)) {
      throw new TypeError(`Unknown option '${key}' for ${path}; allowed: dtype, device, requiresGrad, shape`);
    }
  }
  return options as TensorDataOptions;
}

function finish(handle: unknown, options: TensorOptions, path: string): Tensor {
  const t = new Tensor(handle as never);
  if (options.requiresGrad !== undefined) {
    if (typeof options.requiresGrad !== 'boolean') throw typeError(`${path}.requiresGrad`, 'a boolean', options.requiresGrad);
    if (options.requiresGrad) t.requiresGrad = true;
  }
  return t;
}

function dtypeOf(options: TensorOptions, path: string): Dtype | null {
  return options.dtype === undefined ? null : checkDtype(`${path}.dtype`, options.dtype);
}

function deviceOf(options: TensorOptions, path: string): Device | null {
  return options.device === undefined ? null : checkDevice(`${path}.device`, options.device);
}

function shapeOf(path: string, value: unknown): number[] {
  if (!Array.isArray(value) || !value.every((d) => Number.isInteger(d) && d >= 0)) {
    throw typeError(path, 'an array of non-negative integers', value);
  }
  return value as number[];
}

/** Flattens nested arrays, checking that they are rectangular. */
function flattenNested(values: NestedArray): { flat: (number | boolean)[]; shape: number[] } {
  const shape: number[] = [];
  let level: unknown = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const flat: (number | boolean)[] = [];
  const walk = (node: unknown, depth: number, where: string): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number' && typeof node !== 'boolean') {
        throw typeError(`tensor(values)${where}`, 'a number or boolean', node);
      }
      flat.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new RangeError(
        `tensor(values): nested arrays must be rectangular; expected ${shape[depth]} entries at ${where || 'the top'} but found ${
          Array.isArray(node) ? node.length : 'a non-array'
        }`,
      );
    }
    node.forEach((child, i) => walk(child, depth + 1, `${where}[${i}]`));
  };
  walk(values, 0, '');
  return { flat, shape };
}

/**
 * A tensor from JavaScript data: nested arrays, a number, or a typed array.
 * Like `torch.tensor`, integer numbers give int64, other numbers float32, booleans bool;
 * typed arrays keep their type (Float64Array → float64).
 *
 * @example
 * sg.tensor([[1, 2], [3, 4]], { dtype: 'float32', requiresGrad: true });
 * sg.tensor(new Float64Array(6), { shape: [2, 3] });
 */
export function tensor(values: TensorData, options?: TensorDataOptions): Tensor {
  const opts = readOptions('tensor(options)', options);
  const dtype = dtypeOf(opts, 'tensor(options)');
  const device = deviceOf(opts, 'tensor(options)');
  let data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
  let shape: number[];
  let inferred: Dtype | null = null;
  if (ArrayBuffer.isView(values)) {
    if (
      !(values instanceof Float32Array || values instanceof Float64Array || values instanceof Int32Array ||
        values instanceof BigInt64Array || values instanceof Uint8Array)
    ) {
      throw typeError('tensor(values)', 'a Float32Array, Float64Array, Int32Array, BigInt64Array or Uint8Array', values);
    }
    data = values;
    shape = [values.length];
  } else if (typeof values === 'number' || typeof values === 'boolean' || Array.isArray(values)) {
    const nested = flattenNested(values);
    shape = nested.shape;
    const allBool = nested.flat.length > 0 && nested.flat.every((v) => typeof v === 'boolean');
    const allInt = nested.flat.every((v) => typeof v === 'number' && Number.isInteger(v));
    inferred = allBool ? 'bool' : allInt && nested.flat.length > 0 ? 'int64' : 'float32';
    data = Float64Array.from(nested.flat, (v) => Number(v));
  } else {
    throw typeError('tensor(values)', 'an array, a number or a typed array', values);
  }
  if (opts.shape !== undefined) shape = shapeOf('tensor(options).shape', opts.shape);
  const handle = native.fromData(data, shape, dtype ?? inferred, device);
  return finish(handle, opts, 'tensor(options)');
}

function factory(name: string, fn: (shape: number[], dtype: Dtype | null, device: Device | null) => unknown) {
  return (shape: number[] | number, options?: TensorOptions): Tensor => {
    const path = `${name}(options)`;
    const opts = readOptions(path, options);
    const dims = typeof shape === 'number' ? [shape] : shapeOf(`${name}(shape)`, shape);
    return finish(fn(dims, dtypeOf(opts, path), deviceOf(opts, path)), opts, path);
  };
}

/** Zeros of the given shape (float32 unless `dtype`). */
export const zeros = factory('zeros', (s, dt, dev) => native.zeros(s, dt, dev));
/** Ones of the given shape. */
export const ones = factory('ones', (s, dt, dev) => native.ones(s, dt, dev));
/** Uninitialised memory of the given shape. */
export const empty = factory('empty', (s, dt, dev) => native.empty(s, dt, dev));
/** Uniform samples in [0, 1). */
export const rand = factory('rand', (s, dt, dev) => native.rand(s, dt, dev));
/** Standard normal samples. */
export const randn = factory('randn', (s, dt, dev) => native.randn(s, dt, dev));

/** A tensor filled with `value`. */
export function full(shape: number[] | number, value: number | boolean, options?: TensorOptions): Tensor {
  if (typeof value !== 'number' && typeof value !== 'boolean') throw typeError('full(fill_value)', 'a number', value);
  return factory('full', (s, dt, dev) => native.full(s, value, dt, dev))(shape, options);
}

/** Random integers in [low, high) (int64 unless `dtype`). */
export function randint(low: number, high: number, shape: number[] | number, options?: TensorOptions): Tensor {
  if (!Number.isInteger(low)) throw typeError('randint(low)', 'an integer', low);
  if (!Number.isInteger(high)) throw typeError('randint(high)', 'an integer', high);
  return factory('randint', (s, dt, dev) => native.randint(low, high, s, dt, dev))(shape, options);
}

/**
 * Values from start to end (exclusive) by step: `arange(5)`, `arange(1, 4)`, `arange(0, 1, 0.25)`.
 * Integer arguments give int64 as in PyTorch.
 */
export function arange(start: number, end?: number | TensorOptions, step?: number | TensorOptions, options?: TensorOptions): Tensor {
  if (typeof end === 'object') {
    options = end;
    end = undefined;
  }
  if (typeof step === 'object') {
    options = step;
    step = undefined;
  }
  if (end === undefined) {
    end = start;
    start = 0;
  }
  for (const [name, v] of [['start', start], ['end', end], ['step', step ?? 1]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw typeError(`arange(${name})`, 'a finite number', v);
  }
  const opts = readOptions('arange(options)', options);
  const handle = native.arange(start, end, step ?? 1, dtypeOf(opts, 'arange(options)'), deviceOf(opts, 'arange(options)'));
  return finish(handle, opts, 'arange(options)');
}

/** The n×m identity (m defaults to n). */
export function eye(n: number, m?: number | TensorOptions, options?: TensorOptions): Tensor {
  if (typeof m === 'object') {
    options = m;
    m = undefined;
  }
  if (!Number.isInteger(n)) throw typeError('eye(n)', 'an integer', n);
  if (m !== undefined && !Number.isInteger(m)) throw typeError('eye(m)', 'an integer', m);
  const opts = readOptions('eye(options)', options);
  return finish(native.eye(n, m ?? null, dtypeOf(opts, 'eye(options)'), deviceOf(opts, 'eye(options)')), opts, 'eye(options)');
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, options?: TensorOptions): Tensor {
  if (typeof start !== 'number') throw typeError('linspace(start)', 'a number', start);
  if (typeof end !== 'number') throw typeError('linspace(end)', 'a number', end);
  if (!Number.isInteger(steps)) throw typeError('linspace(steps)', 'an integer', steps);
  const opts = readOptions('linspace(options)', options);
  const handle = native.linspace(start, end, steps, dtypeOf(opts, 'linspace(options)'), deviceOf(opts, 'linspace(options)'));
  return finish(handle, opts, 'linspace(options)');
}

/** Zeros with the shape, dtype and device of `t`. */
export function zerosLike(t: Tensor): Tensor {
  if (!(t instanceof Tensor)) throw typeError('zerosLike(input)', 'a Tensor', t);
  return new Tensor(native.zerosLike(t._h));
}

/** Ones with the shape, dtype and device of `t`. */
export function onesLike(t: Tensor): Tensor {
  if (!(t instanceof Tensor)) throw typeError('onesLike(input)', 'a Tensor', t);
  return new Tensor(native.onesLike(t._h));
}

/** `value` with the shape, dtype and device of `t`. */
export function fullLike(t: Tensor, value: number): Tensor {
  if (!(t instanceof Tensor)) throw typeError('fullLike(input)', 'a Tensor', t);
  if (typeof value !== 'number') throw typeError('fullLike(fill_value)', 'a number', value);
  return new Tensor(native.fullLike(t._h, value));
}

/** Normal samples with the shape, dtype and device of `t`. */
export function randnLike(t: Tensor): Tensor {
  if (!(t instanceof Tensor)) throw typeError('randnLike(input)', 'a Tensor', t);
  return new Tensor(native.randnLike(t._h));
}

/** Seeds LibTorch's generators (CPU and CUDA), like `torch.manual_seed`. */
export function manualSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0) throw typeError('manualSeed(seed)', 'a non-negative integer', seed);
  native.manualSeed(seed);
}

/** Whether LibTorch was built with CUDA and a GPU is visible. */
export function cudaAvailable(): boolean {
  return native.cudaAvailable();
}

/** LibTorch's version string, e.g. '1.13.0'. */
export const torchVersion: string = native.torchVersion();

/** Intra-op threads LibTorch uses (defaults to the number of cores; OMP_NUM_THREADS overrides). */
export function getNumThreads(): number {
  return native.getNumThreads();
}

export function setNumThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) throw typeError('setNumThreads(threads)', 'a positive integer', threads);
  native.setNumThreads(threads);
}
