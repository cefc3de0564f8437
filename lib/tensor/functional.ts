/**
 * Top-level forms of every op, with PyTorch's argument names in an options object:
 * `sg.crossEntropy(input, target, {label_smoothing: 0.1})`, `sg.conv2d(x, w, b, {stride, padding})`.
 */
import { expectBoolean, expectInteger, expectNumber, rangeError, typeError } from '../errors';
import { native } from '../native';
import { options } from './options';
import { DimOptions, expectTensor, Tensor, ValuesIndices } from './tensor';

type Method<K extends keyof Tensor> = Tensor[K] extends (...args: infer A) => infer R ? (input: Tensor, ...args: A) => R : never;

/** The top-level function of a tensor method: `sg.relu(x)` is `x.relu()`. */
function lift<K extends keyof Tensor>(name: K): Method<K> {
  const fn = (input: Tensor, ...args: unknown[]) => {
    const method = expectTensor(`${String(name)}(input)`, input)[name] as unknown as (...a: unknown[]) => unknown;
    return method.apply(input, args);
  };
  return fn as unknown as Method<K>;
}

export const add = lift('add');
export const sub = lift('sub');
export const mul = lift('mul');
export const div = lift('div');
export const pow = lift('pow');
export const matmul = lift('matmul');
export const neg = lift('neg');
export const sqrt = lift('sqrt');
export const rsqrt = lift('rsqrt');
export const exp = lift('exp');
export const log = lift('log');
export const abs = lift('abs');
export const clamp = lift('clamp');
export const eq = lift('eq');
export const ne = lift('ne');
export const gt = lift('gt');
export const lt = lift('lt');
export const ge = lift('ge');
export const le = lift('le');
export const sum = lift('sum');
export const mean = lift('mean');
export const variance = lift('var');
/** `sg.var(x, {dim})`, PyTorch's name (`variance` is the same function). */
export { variance as var };
export const norm = lift('norm');
export const argmax = lift('argmax');
export const argmin = lift('argmin');
export const t = lift('t');
export const transpose = lift('transpose');
export const permute = lift('permute');
export const reshape = lift('reshape');
export const view = lift('view');
export const flatten = lift('flatten');
export const squeeze = lift('squeeze');
export const unsqueeze = lift('unsqueeze');
export const expand = lift('expand');
export const select = lift('select');
export const slice = lift('slice');
export const indexSelect = lift('indexSelect');
export const gather = lift('gather');
export const maskedFill = lift('maskedFill');
export const relu = lift('relu');
export const sigmoid = lift('sigmoid');
export const tanh = lift('tanh');
export const silu = lift('silu');
export const gelu = lift('gelu');
export const leakyRelu = lift('leakyRelu');
export const softmax = lift('softmax');
export const logSoftmax = lift('logSoftmax');
// In place: `sg.add_(x, y)` is `x.add_(y)` and returns x.
export const add_ = lift('add_');
export const sub_ = lift('sub_');
export const mul_ = lift('mul_');
export const div_ = lift('div_');
export const zero_ = lift('zero_');
export const fill_ = lift('fill_');
export const copy_ = lift('copy_');
export const clamp_ = lift('clamp_');

/** The largest value, or values and indices along `{dim}`. */
export function max(input: Tensor): Tensor;
export function max(input: Tensor, options: DimOptions | number): ValuesIndices;
export function max(input: Tensor, options?: DimOptions | number): Tensor | ValuesIndices {
  const x = expectTensor('max(input)', input);
  return options === undefined ? x.max() : x.max(options);
}

export function min(input: Tensor): Tensor;
export function min(input: Tensor, options: DimOptions | number): ValuesIndices;
export function min(input: Tensor, options?: DimOptions | number): Tensor | ValuesIndices {
  const x = expectTensor('min(input)', input);
  return options === undefined ? x.min() : x.min(options);
}

// ---- helpers ------------------------------------------------------------------------------
/** An int or an (h, w) pair, as PyTorch's _size_2_t. */
export type Pair = number | [number, number];

function pair(path: string, value: unknown, fallback: [number, number]): [number, number] {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number' && Number.isInteger(value)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => Number.isInteger(v))) return value as [number, number];
  throw typeError(path, 'an integer or a pair of integers', value);
}

function optTensor(path: string, value: unknown) {
  if (value === undefined || value === null) return null;
  return expectTensor(path, value)._h;
}

// Optional arguments: `fallback` when undefined, else checked by the shared helpers.
function num(path: string, value: unknown, fallback: number): number {
  return value === undefined ? fallback : expectNumber(path, value);
}

function int(path: string, value: unknown, fallback: number): number {
  return value === undefined ? fallback : expectInteger(path, value);
}

function bool(path: string, value: unknown, fallback: boolean): boolean {
  return value === undefined ? fallback : expectBoolean(path, value);
}

export type Reduction = 'mean' | 'sum' | 'none';

function reduction(path: string, value: unknown): Reduction {
  if (value === undefined) return 'mean';
  if (value !== 'mean' && value !== 'sum' && value !== 'none') {
    throw rangeError(path, `Invalid ${path} ${JSON.stringify(value)}; allowed: 'mean', 'sum', 'none'`);
  }
  return value;
}

// ---- tensor lists ---------------------------------------------------------------------------
function tensorList(path: string, value: unknown) {
  if (!Array.isArray(value) || value.length === 0) throw typeError(path, 'a non-empty array of Tensors', value);
  return value.map((v, i) => expectTensor(`${path}[${i}]`, v)._h);
}

/** Concatenates along an existing dimension. */
export function cat(tensors: Tensor[], options: { dim?: number } | number = {}): Tensor {
  const dim = typeof options === 'number' ? options : int('cat({dim})', options.dim, 0);
  return new Tensor(native.cat(tensorList('cat(tensors)', tensors), dim));
}

/** Stacks along a new dimension. */
export function stack(tensors: Tensor[], options: { dim?: number } | number = {}): Tensor {
  const dim = typeof options === 'number' ? options : int('stack({dim})', options.dim, 0);
  return new Tensor(native.stack(tensorList('stack(tensors)', tensors), dim));
}

/** Elements of `input` where `condition` holds, else of `other` (either may be a number). */
export function where(condition: Tensor, input: Tensor | number, other: Tensor | number): Tensor {
  const c = expectTensor('where(condition)', condition)._h;
  const x = typeof input === 'number' ? input : expectTensor('where(input)', input)._h;
  const y = typeof other === 'number' ? other : expectTensor('where(other)', other)._h;
  return new Tensor(native.where(c, x, y));
}

// ---- layers ---------------------------------------------------------------------------------
/** y = x·Wᵀ + b */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return new Tensor(native.linear(expectTensor('linear(input)', input)._h, expectTensor('linear(weight)', weight)._h, optTensor('linear(bias)', bias)));
}

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}

/** 2-D convolution over NCHW input. */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, opts?: Conv2dOptions): Tensor {
  const o = options('conv2d(options)', opts, ['stride', 'padding', 'dilation', 'groups']);
  return new Tensor(
    native.conv2d(
      expectTensor('conv2d(input)', input)._h,
      expectTensor('conv2d(weight)', weight)._h,
      optTensor('conv2d(bias)', bias),
      pair('conv2d({stride})', o.stride, [1, 1]),
      pair('conv2d({padding})', o.padding, [0, 0]),
      pair('conv2d({dilation})', o.dilation, [1, 1]),
      int('conv2d({groups})', o.groups, 1),
    ),
  );
}

export interface Pool2dOptions {
  kernel_size: Pair;
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  ceil_mode?: boolean;
  count_include_pad?: boolean;
}

/** F.max_pool2d's options (no count_include_pad). */
export type MaxPool2dOptions = Omit<Pool2dOptions, 'count_include_pad'>;
/** F.avg_pool2d's options (no dilation). */
export type AvgPool2dOptions = Omit<Pool2dOptions, 'dilation'>;

function poolArgs(name: string, input: Tensor, opts: Pool2dOptions | Pair, allowed: readonly string[]) {
  const o = typeof opts === 'object' && !Array.isArray(opts) ? options(`${name}(options)`, opts, allowed) : { kernel_size: opts };
  if (o.kernel_size === undefined) throw new TypeError(`${name}: kernel_size is required`);
  const kernel = pair(`${name}({kernel_size})`, o.kernel_size, [1, 1]);
  return { x: expectTensor(`${name}(input)`, input)._h, o, kernel, stride: pair(`${name}({stride})`, o.stride, kernel) };
}

/** Max pooling; `stride` defaults to `kernel_size`. */
export function maxPool2d(input: Tensor, opts: MaxPool2dOptions | Pair): Tensor {
  const { x, o, kernel, stride } = poolArgs('maxPool2d', input, opts, ['kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode']);
  return new Tensor(
    native.maxPool2d(x, kernel, stride, pair('maxPool2d({padding})', o.padding, [0, 0]), pair('maxPool2d({dilation})', o.dilation, [1, 1]), bool('maxPool2d({ceil_mode})', o.ceil_mode, false)),
  );
}

/** Average pooling; `stride` defaults to `kernel_size`. */
export function avgPool2d(input: Tensor, opts: AvgPool2dOptions | Pair): Tensor {
  const { x, o, kernel, stride } = poolArgs('avgPool2d', input, opts, ['kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad']);
  return new Tensor(
    native.avgPool2d(x, kernel, stride, pair('avgPool2d({padding})', o.padding, [0, 0]), bool('avgPool2d({ceil_mode})', o.ceil_mode, false), bool('avgPool2d({count_include_pad})', o.count_include_pad, true)),
  );
}

/** Adaptive average pooling to `output_size`. */
export function adaptiveAvgPool2d(input: Tensor, outputSize: Pair | { output_size: Pair }): Tensor {
  const size = typeof outputSize === 'object' && !Array.isArray(outputSize) ? outputSize.output_size : outputSize;
  return new Tensor(native.adaptiveAvgPool2d(expectTensor('adaptiveAvgPool2d(input)', input)._h, pair('adaptiveAvgPool2d(output_size)', size, [1, 1])));
}

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  momentum?: number;
  eps?: number;
}

/** Batch normalisation; in training mode the running statistics are updated in place. */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, opts?: BatchNormOptions): Tensor {
  const o = options('batchNorm(options)', opts, ['weight', 'bias', 'training', 'momentum', 'eps']);
  return new Tensor(
    native.batchNorm(
      expectTensor('batchNorm(input)', input)._h,
      optTensor('batchNorm(running_mean)', runningMean),
      optTensor('batchNorm(running_var)', runningVar),
      optTensor('batchNorm({weight})', o.weight),
      optTensor('batchNorm({bias})', o.bias),
      bool('batchNorm({training})', o.training, false),
      num('batchNorm({momentum})', o.momentum, 0.1),
      num('batchNorm({eps})', o.eps, 1e-5),
    ),
  );
}

/** Layer normalisation over the trailing `normalizedShape` dimensions. */
export function layerNorm(input: Tensor, normalizedShape: number[], opts?: { weight?: Tensor | null; bias?: Tensor | null; eps?: number }): Tensor {
  const o = options('layerNorm(options)', opts, ['weight', 'bias', 'eps']);
  if (!Array.isArray(normalizedShape) || !normalizedShape.every((d) => Number.isInteger(d))) {
    throw typeError('layerNorm(normalized_shape)', 'an array of integers', normalizedShape);
  }
  return new Tensor(native.layerNorm(expectTensor('layerNorm(input)', input)._h, normalizedShape, optTensor('layerNorm({weight})', o.weight), optTensor('layerNorm({bias})', o.bias), num('layerNorm({eps})', o.eps, 1e-5)));
}

/** Group normalisation. */
export function groupNorm(input: Tensor, numGroups: number, opts?: { weight?: Tensor | null; bias?: Tensor | null; eps?: number }): Tensor {
  const o = options('groupNorm(options)', opts, ['weight', 'bias', 'eps']);
  return new Tensor(native.groupNorm(expectTensor('groupNorm(input)', input)._h, int('groupNorm(num_groups)', numGroups, 1), optTensor('groupNorm({weight})', o.weight), optTensor('groupNorm({bias})', o.bias), num('groupNorm({eps})', o.eps, 1e-5)));
}

/** Zeroes elements with probability p (training) and scales the rest by 1/(1-p). */
export function dropout(input: Tensor, opts?: { p?: number; training?: boolean }): Tensor {
  const o = options('dropout(options)', opts, ['p', 'training']);
  const p = num('dropout({p})', o.p, 0.5);
  if (p < 0 || p > 1) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  return new Tensor(native.dropout(expectTensor('dropout(input)', input)._h, p, bool('dropout({training})', o.training, true)));
}

/** Rows of `weight` picked by integer `input`. */
export function embedding(input: Tensor, weight: Tensor, opts?: { padding_idx?: number | null }): Tensor {
  const o = options('embedding(options)', opts, ['padding_idx']);
  const pad = o.padding_idx == null ? null : int('embedding({padding_idx})', o.padding_idx, -1);
  return new Tensor(native.embedding(expectTensor('embedding(weight)', weight)._h, expectTensor('embedding(input)', input)._h, pad));
}

// ---- losses ---------------------------------------------------------------------------------
export interface CrossEntropyOptions {
  weight?: Tensor | null;
  ignore_index?: number;
  reduction?: Reduction;
  label_smoothing?: number;
}

/** Cross entropy over logits with class-index targets (label smoothing and ignore_index as PyTorch). */
export function crossEntropy(input: Tensor, target: Tensor, opts?: CrossEntropyOptions): Tensor {
  const o = options('crossEntropy(options)', opts, ['weight', 'ignore_index', 'reduction', 'label_smoothing']);
  const smoothing = num('crossEntropy({label_smoothing})', o.label_smoothing, 0);
  if (smoothing < 0 || smoothing > 1) throw new RangeError(`label_smoothing must be between 0.0 and 1.0. Got: ${smoothing}`);
  return new Tensor(
    native.crossEntropy(expectTensor('crossEntropy(input)', input)._h, expectTensor('crossEntropy(target)', target)._h, optTensor('crossEntropy({weight})', o.weight), reduction('crossEntropy({reduction})', o.reduction), int('crossEntropy({ignore_index})', o.ignore_index, -100), smoothing),
  );
}

/** Negative log likelihood over log-probabilities. */
export function nllLoss(input: Tensor, target: Tensor, opts?: { weight?: Tensor | null; ignore_index?: number; reduction?: Reduction }): Tensor {
  const o = options('nllLoss(options)', opts, ['weight', 'ignore_index', 'reduction']);
  return new Tensor(native.nllLoss(expectTensor('nllLoss(input)', input)._h, expectTensor('nllLoss(target)', target)._h, optTensor('nllLoss({weight})', o.weight), reduction('nllLoss({reduction})', o.reduction), int('nllLoss({ignore_index})', o.ignore_index, -100)));
}

/** Mean squared error. */
export function mseLoss(input: Tensor, target: Tensor, opts?: { reduction?: Reduction }): Tensor {
  const o = options('mseLoss(options)', opts, ['reduction']);
  return new Tensor(native.mseLoss(expectTensor('mseLoss(input)', input)._h, expectTensor('mseLoss(target)', target)._h, reduction('mseLoss({reduction})', o.reduction)));
}

/** Mean absolute error. */
export function l1Loss(input: Tensor, target: Tensor, opts?: { reduction?: Reduction }): Tensor {
  const o = options('l1Loss(options)', opts, ['reduction']);
  return new Tensor(native.l1Loss(expectTensor('l1Loss(input)', input)._h, expectTensor('l1Loss(target)', target)._h, reduction('l1Loss({reduction})', o.reduction)));
}

/** Binary cross entropy on logits. */
export function bceWithLogits(input: Tensor, target: Tensor, opts?: { weight?: Tensor | null; pos_weight?: Tensor | null; reduction?: Reduction }): Tensor {
  const o = options('bceWithLogits(options)', opts, ['weight', 'pos_weight', 'reduction']);
  return new Tensor(
    native.bceWithLogits(expectTensor('bceWithLogits(input)', input)._h, expectTensor('bceWithLogits(target)', target)._h, optTensor('bceWithLogits({weight})', o.weight), optTensor('bceWithLogits({pos_weight})', o.pos_weight), reduction('bceWithLogits({reduction})', o.reduction)),
  );
}
