import { inspect } from 'util';

import { expectInteger, typeError } from '../errors';
import { native, NativeTensorHandle } from '../native';
import type { NativeScalar } from '../native-api';
import { checkDevice, checkDtype, Device, Dtype, DTYPES } from './dtype';
import { options as optionsObject, optionsOr } from './options';
import { trackTensor } from './tidy';

/** A tensor operand: a Tensor, or a number/boolean used as a scalar. */
export type Operand = Tensor | number | boolean;

/** Reduction options shared by sum and mean. */
export interface ReduceOptions {
  dim?: number | number[];
  keepdim?: boolean;
  dtype?: Dtype;
}

export interface VarOptions {
  dim?: number | number[];
  /** Bessel's correction (PyTorch's default true). */
  unbiased?: boolean;
  /** PyTorch 2 spelling: 1 = unbiased, 0 = biased. */
  correction?: number;
  keepdim?: boolean;
}

export interface NormOptions {
  p?: number;
  dim?: number | number[];
  keepdim?: boolean;
}

export interface DimOptions {
  dim: number;
  keepdim?: boolean;
}

/** Result of max/min along a dimension, as PyTorch's (values, indices) pair. */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

function operand(path: string, value: unknown): NativeTensorHandle | number | boolean {
  if (value instanceof Tensor) return value._h;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  throw typeError(path, 'a Tensor or a number', value);
}

/**
 * operand() where native code reads only a Tensor (or only a scalar): the other kind is passed on
 * as it is, so the error stays native's ("Expected a Tensor for other"), as before the binding
 * was typed.
 */
function tensorOperand(path: string, value: unknown): NativeTensorHandle {
  return operand(path, value) as NativeTensorHandle;
}

function scalarOperand(path: string, value: unknown): NativeScalar {
  return operand(path, value) as NativeScalar;
}

function dims(path: string, value: unknown): number[] | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') value = [value];
  if (!Array.isArray(value) || !value.every((d) => Number.isInteger(d))) {
    throw typeError(path, 'an integer or an array of integers', value);
  }
  return value as number[];
}

/** The shared integer check (TypeError "Expected an integer for <path> ..."). */
const integer = expectInteger;

/** Accepts f(1, 2, 3) and f([1, 2, 3]). */
function sizeArgs(path: string, args: unknown[]): number[] {
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  if (!list.every((d) => typeof d === 'number' && Number.isInteger(d))) {
    throw typeError(path, 'integers', list.length === 1 ? list[0] : list);
  }
  return list as number[];
}

/**
 * The arguments of a method PyTorch calls with positional or keyword arguments: an options object
 * as the first argument holds them by name, otherwise they are `positional` in `names` order.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function named(method: string, first: unknown, names: readonly string[], positional: unknown[]): Record<string, any> {
  if (first !== null && typeof first === 'object' && !(first instanceof Tensor) && !Array.isArray(first)) {
    return optionsObject(`${method}(options)`, first as Record<string, unknown>, names);
  }
  const out: Record<string, unknown> = {};
  names.forEach((n, i) => (out[n] = positional[i]));
  return out;
}

function dimArg(path: string, value: number | { dim: number } | undefined): number {
  if (typeof value === 'object' && value !== null) return integer(path, value.dim);
  return integer(path, value);
}

/**
 * A LibTorch tensor. Operations record autograd history when an input requires grad.
 * Native memory is released when the object is garbage-collected, or at once by `dispose()`.
 *
 * @example
 * const x = sg.tensor([[1, 2], [3, 4]], { dtype: 'float64', requiresGrad: true });
 * x.mul(x).sum().backward();
 * x.grad!.toArray(); // [2, 4, 6, 8]
 */
export class Tensor {
  /** @internal The native handle; shared storage, never copied. */
  readonly _h: NativeTensorHandle;

  /** @internal Use sg.tensor() and the other factories. */
  constructor(handle: NativeTensorHandle) {
    this._h = handle;
    trackTensor(this);
  }

  // ---- properties -------------------------------------------------------------------------
  get shape(): number[] {
    return native.shape(this._h);
  }
  get dtype(): Dtype {
    return native.dtype(this._h);
  }
  get device(): Device {
    return native.device(this._h);
  }
  get requiresGrad(): boolean {
    return native.requiresGrad(this._h);
  }
  set requiresGrad(value: boolean) {
    if (typeof value !== 'boolean') throw typeError('requiresGrad', 'a boolean', value);
    native.setRequiresGrad(this._h, value);
  }
  /** The accumulated gradient, or null. Assign a Tensor of the same shape, dtype and device, or null. */
  get grad(): Tensor | null {
    const g = native.grad(this._h);
    return g === null ? null : new Tensor(g);
  }
  set grad(value: Tensor | null) {
    if (value !== null && !(value instanceof Tensor)) throw typeError('grad', 'a Tensor or null', value);
    native.setGrad(this._h, value === null ? null : value._h);
  }
  get isLeaf(): boolean {
    return native.isLeaf(this._h);
  }
  /** True once dispose() has released the native memory. */
  get isDisposed(): boolean {
    return native.isDisposed(this._h);
  }
  numel(): number {
    return native.numel(this._h);
  }
  dim(): number {
    return native.dim(this._h);
  }
  isContiguous(): boolean {
    return native.isContiguous(this._h);
  }

  // ---- data out ---------------------------------------------------------------------------
  /** All values as flat numbers, row-major. */
  toArray(): number[] {
    return Array.from(native.toNumbers(this._h));
  }
  /** A copy in the dtype's typed array (Float32Array, Float64Array, Int32Array, BigInt64Array, Uint8Array). */
  toTypedArray(): Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array {
    return native.toTypedArray(this._h);
  }
  /** The value of a one-element tensor. */
  item(): number | boolean {
    return native.item(this._h);
  }
  /** Releases the native memory now; any later use throws. */
  dispose(): void {
    native.dispose(this._h);
  }
  toString(): string {
    return native.formatTensor(this._h);
  }
  [inspect.custom](): string {
    if (this.isDisposed) return 'Tensor(disposed)';
    const head = `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype}, device=${this.device}${
      this.requiresGrad ? ', requiresGrad=true' : ''
    })`;
    return this.numel() <= 64 ? `${head}\n${this.toString()}` : head;
  }

  // ---- autograd ---------------------------------------------------------------------------
  /** Computes gradients of this tensor (a scalar unless `gradient` is given) into the leaves' `.grad`. */
  backward(gradient?: Tensor | null, options: { retain_graph?: boolean } = {}): void {
    if (gradient != null && !(gradient instanceof Tensor)) throw typeError('gradient', 'a Tensor', gradient);
    native.backward(this._h, gradient ? gradient._h : null, options.retain_graph ?? false);
  }
  detach(): Tensor {
    return new Tensor(native.detach(this._h));
  }
  clone(): Tensor {
    return new Tensor(native.clone(this._h));
  }
  contiguous(): Tensor {
    return new Tensor(native.contiguous(this._h));
  }
  /** Sets requiresGrad in place and returns this tensor. */
  requiresGrad_(value = true): this {
    this.requiresGrad = value;
    return this;
  }

  /** Converts to a device ('cpu', 'cuda:0') or a dtype ('float64'), or both: `to({dtype, device})`. */
  to(target: Dtype | Device | { dtype?: Dtype; device?: Device }): Tensor {
    let dtype: Dtype | null = null;
    let device: Device | null = null;
    if (typeof target === 'string') {
      if ((DTYPES as readonly string[]).includes(target)) dtype = target as Dtype;
      else if (/^(cpu|cuda|mps|meta)\b/.test(target)) device = checkDevice('to(device)', target);
      // Neither a device nor a known dtype: most likely a misspelt dtype ('float33').
      else dtype = checkDtype('to(dtype)', target);
    } else if (target && typeof target === 'object') {
      if (target.dtype !== undefined) dtype = checkDtype('to({dtype})', target.dtype);
      if (target.device !== undefined) device = checkDevice('to({device})', target.device);
    } else {
      throw typeError('to()', 'a dtype, a device or {dtype, device}', target);
    }
    return new Tensor(native.to(this._h, dtype, device));
  }

  // ---- arithmetic -------------------------------------------------------------------------
  add(other: Operand, options: { alpha?: number } = {}): Tensor {
    return new Tensor(native.add(this._h, operand('other', other), options.alpha ?? null));
  }
  sub(other: Operand, options: { alpha?: number } = {}): Tensor {
    return new Tensor(native.sub(this._h, operand('other', other), options.alpha ?? null));
  }
  mul(other: Operand): Tensor {
    return new Tensor(native.mul(this._h, operand('other', other)));
  }
  div(other: Operand): Tensor {
    return new Tensor(native.div(this._h, operand('other', other)));
  }
  pow(exponent: Operand): Tensor {
    return new Tensor(native.pow(this._h, operand('exponent', exponent)));
  }
  matmul(other: Tensor): Tensor {
    return new Tensor(native.matmul(this._h, tensorOperand('other', other)));
  }
  neg(): Tensor {
    return new Tensor(native.neg(this._h));
  }
  sqrt(): Tensor {
    return new Tensor(native.sqrt(this._h));
  }
  rsqrt(): Tensor {
    return new Tensor(native.rsqrt(this._h));
  }
  exp(): Tensor {
    return new Tensor(native.exp(this._h));
  }
  log(): Tensor {
    return new Tensor(native.log(this._h));
  }
  log1p(): Tensor {
    return new Tensor(native.log1p(this._h));
  }
  abs(): Tensor {
    return new Tensor(native.abs(this._h));
  }
  sign(): Tensor {
    return new Tensor(native.sign(this._h));
  }
  square(): Tensor {
    return new Tensor(native.square(this._h));
  }
  reciprocal(): Tensor {
    return new Tensor(native.reciprocal(this._h));
  }
  floor(): Tensor {
    return new Tensor(native.floor(this._h));
  }
  ceil(): Tensor {
    return new Tensor(native.ceil(this._h));
  }
  round(): Tensor {
    return new Tensor(native.round(this._h));
  }
  sin(): Tensor {
    return new Tensor(native.sin(this._h));
  }
  cos(): Tensor {
    return new Tensor(native.cos(this._h));
  }
  isnan(): Tensor {
    return new Tensor(native.isnan(this._h));
  }
  isfinite(): Tensor {
    return new Tensor(native.isfinite(this._h));
  }
  logicalNot(): Tensor {
    return new Tensor(native.logicalNot(this._h));
  }
  /** clamp(min, max) or clamp({min, max}); either bound may be omitted. */
  clamp(min?: number | null | { min?: number | null; max?: number | null }, max?: number | null): Tensor {
    const [lo, hi] = clampBounds(min, max);
    return new Tensor(native.clamp(this._h, lo, hi));
  }

  // ---- comparisons ------------------------------------------------------------------------
  eq(other: Operand): Tensor {
    return new Tensor(native.eq(this._h, operand('other', other)));
  }
  ne(other: Operand): Tensor {
    return new Tensor(native.ne(this._h, operand('other', other)));
  }
  gt(other: Operand): Tensor {
    return new Tensor(native.gt(this._h, operand('other', other)));
  }
  lt(other: Operand): Tensor {
    return new Tensor(native.lt(this._h, operand('other', other)));
  }
  ge(other: Operand): Tensor {
    return new Tensor(native.ge(this._h, operand('other', other)));
  }
  le(other: Operand): Tensor {
    return new Tensor(native.le(this._h, operand('other', other)));
  }

  // ---- reductions -------------------------------------------------------------------------
  /** Sum over all elements, or over `{dim}` (`x.sum(1)` is `x.sum({dim: 1})`, as in PyTorch). */
  sum(options: ReduceOptions | number | number[] = {}): Tensor {
    const o = optionsOr<ReduceOptions>('sum(options)', options, ['dim', 'keepdim', 'dtype'], 'dim');
    const d = dims('sum({dim})', o.dim);
    return new Tensor(native.sum(this._h, d, o.keepdim ?? false, o.dtype ? checkDtype('dtype', o.dtype) : null));
  }
  mean(options: ReduceOptions | number | number[] = {}): Tensor {
    const o = optionsOr<ReduceOptions>('mean(options)', options, ['dim', 'keepdim', 'dtype'], 'dim');
    const d = dims('mean({dim})', o.dim);
    return new Tensor(native.mean(this._h, d, o.keepdim ?? false, o.dtype ? checkDtype('dtype', o.dtype) : null));
  }
  var(options: VarOptions | number | number[] = {}): Tensor {
    const o = optionsOr<VarOptions>('var(options)', options, ['dim', 'unbiased', 'correction', 'keepdim'], 'dim');
    const unbiased = o.correction !== undefined ? o.correction !== 0 : o.unbiased ?? true;
    return new Tensor(native.var(this._h, dims('var({dim})', o.dim), unbiased, o.keepdim ?? false));
  }
  /** The p-norm (`x.norm(1)` is `x.norm({p: 1})`, as in PyTorch), over everything or `{dim}`. */
  norm(options: NormOptions | number = {}): Tensor {
    const o = optionsOr<NormOptions>('norm(options)', options, ['p', 'dim', 'keepdim'], 'p');
    if (o.p !== undefined && typeof o.p !== 'number') throw typeError('norm({p})', 'a number', o.p);
    return new Tensor(native.norm(this._h, o.p ?? 2, dims('norm({dim})', o.dim), o.keepdim ?? false));
  }
  /** The largest value, or with {dim} (or a bare dim) the values and indices along that dimension. */
  max(): Tensor;
  max(options: DimOptions | number): ValuesIndices;
  max(options?: DimOptions | number): Tensor | ValuesIndices {
    if (options === undefined) return new Tensor(native.max(this._h));
    const o = optionsOr<DimOptions>('max(options)', options, ['dim', 'keepdim'], 'dim');
    const [values, indices] = native.maxDim(this._h, integer('max({dim})', o.dim), o.keepdim ?? false);
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }
  min(): Tensor;
  min(options: DimOptions | number): ValuesIndices;
  min(options?: DimOptions | number): Tensor | ValuesIndices {
    if (options === undefined) return new Tensor(native.min(this._h));
    const o = optionsOr<DimOptions>('min(options)', options, ['dim', 'keepdim'], 'dim');
    const [values, indices] = native.minDim(this._h, integer('min({dim})', o.dim), o.keepdim ?? false);
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }
  argmax(options: { dim?: number; keepdim?: boolean } | number = {}): Tensor {
    const o = optionsOr<{ dim?: number; keepdim?: boolean }>('argmax(options)', options, ['dim', 'keepdim'], 'dim');
    const dim = o.dim === undefined ? null : integer('argmax({dim})', o.dim);
    return new Tensor(native.argmax(this._h, dim, o.keepdim ?? false));
  }
  argmin(options: { dim?: number; keepdim?: boolean } | number = {}): Tensor {
    const o = optionsOr<{ dim?: number; keepdim?: boolean }>('argmin(options)', options, ['dim', 'keepdim'], 'dim');
    const dim = o.dim === undefined ? null : integer('argmin({dim})', o.dim);
    return new Tensor(native.argmin(this._h, dim, o.keepdim ?? false));
  }

  // ---- shapes -----------------------------------------------------------------------------
  t(): Tensor {
    return new Tensor(native.t(this._h));
  }
  /** transpose(dim0, dim1) or transpose({dim0, dim1}). */
  transpose(dim0: number | { dim0: number; dim1: number }, dim1?: number): Tensor {
    const o = named('transpose', dim0, ['dim0', 'dim1'], [dim0, dim1]);
    return new Tensor(native.transpose(this._h, integer('dim0', o.dim0), integer('dim1', o.dim1)));
  }
  permute(...dims: number[] | [number[]]): Tensor {
    return new Tensor(native.permute(this._h, sizeArgs('permute(dims)', dims)));
  }
  reshape(...shape: number[] | [number[]]): Tensor {
    return new Tensor(native.reshape(this._h, sizeArgs('reshape(shape)', shape)));
  }
  view(...shape: number[] | [number[]]): Tensor {
    return new Tensor(native.view(this._h, sizeArgs('view(shape)', shape)));
  }
  flatten(startDim: number | { start_dim?: number; end_dim?: number } = 0, endDim = -1): Tensor {
    let start = startDim;
    let end = endDim;
    if (typeof startDim === 'object') {
      start = startDim.start_dim ?? 0;
      end = startDim.end_dim ?? -1;
    }
    return new Tensor(native.flatten(this._h, integer('start_dim', start), integer('end_dim', end)));
  }
  squeeze(dim?: number | { dim?: number }): Tensor {
    const o = named('squeeze', dim, ['dim'], [dim]);
    return new Tensor(native.squeeze(this._h, o.dim === undefined ? null : integer('dim', o.dim)));
  }
  unsqueeze(dim: number | { dim: number }): Tensor {
    const o = named('unsqueeze', dim, ['dim'], [dim]);
    return new Tensor(native.unsqueeze(this._h, integer('dim', o.dim)));
  }
  expand(...sizes: number[] | [number[]]): Tensor {
    return new Tensor(native.expand(this._h, sizeArgs('expand(sizes)', sizes)));
  }

  // ---- indexing ---------------------------------------------------------------------------
  /** select(dim, index) or select({dim, index}): the slice at `index` along `dim`, that dim removed. */
  select(dim: number | { dim: number; index: number }, index?: number): Tensor {
    const o = named('select', dim, ['dim', 'index'], [dim, index]);
    return new Tensor(native.select(this._h, integer('dim', o.dim), integer('index', o.index)));
  }
  /** Elements start..end (exclusive) along dim, like `x[:, start:end:step]`; or slice({dim, start, end, step}). */
  slice(dim: number | { dim: number; start?: number | null; end?: number | null; step?: number }, start?: number | null, end?: number | null, step?: number): Tensor {
    const o = named('slice', dim, ['dim', 'start', 'end', 'step'], [dim, start, end, step]);
    const s = o.start == null ? null : integer('start', o.start);
    const e = o.end == null ? null : integer('end', o.end);
    return new Tensor(native.slice(this._h, integer('dim', o.dim), s, e, integer('step', o.step ?? 1)));
  }
  /** indexSelect(dim, index) or indexSelect({dim, index}). */
  indexSelect(dim: number | { dim: number; index: Tensor }, index?: Tensor): Tensor {
    const o = named('indexSelect', dim, ['dim', 'index'], [dim, index]);
    return new Tensor(native.indexSelect(this._h, integer('dim', o.dim), tensorOperand('index', o.index)));
  }
  /** gather(dim, index) or gather({dim, index}). */
  gather(dim: number | { dim: number; index: Tensor }, index?: Tensor): Tensor {
    const o = named('gather', dim, ['dim', 'index'], [dim, index]);
    return new Tensor(native.gather(this._h, integer('dim', o.dim), tensorOperand('index', o.index)));
  }
  /** Elements of this tensor where `condition` holds, else of `other` (PyTorch's `x.where(cond, y)`). */
  where(condition: Tensor, other: Tensor | number): Tensor {
    const y = typeof other === 'number' ? other : expectTensor('where(other)', other)._h;
    return new Tensor(native.where(expectTensor('where(condition)', condition)._h, this._h, y));
  }
  maskedFill(mask: Tensor, value: number | boolean): Tensor {
    return new Tensor(native.maskedFill(this._h, tensorOperand('mask', mask), scalarOperand('value', value)));
  }

  // ---- activations ------------------------------------------------------------------------
  relu(): Tensor {
    return new Tensor(native.relu(this._h));
  }
  sigmoid(): Tensor {
    return new Tensor(native.sigmoid(this._h));
  }
  tanh(): Tensor {
    return new Tensor(native.tanh(this._h));
  }
  silu(): Tensor {
    return new Tensor(native.silu(this._h));
  }
  gelu(options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
    return new Tensor(native.gelu(this._h, options.approximate ?? 'none'));
  }
  leakyRelu(options: { negative_slope?: number } = {}): Tensor {
    return new Tensor(native.leakyRelu(this._h, options.negative_slope ?? 0.01));
  }
  softmax(dim: number | { dim: number }): Tensor {
    return new Tensor(native.softmax(this._h, dimArg('softmax(dim)', dim)));
  }
  logSoftmax(dim: number | { dim: number }): Tensor {
    return new Tensor(native.logSoftmax(this._h, dimArg('logSoftmax(dim)', dim)));
  }

  // ---- in place (return this) ---------------------------------------------------------------
  add_(other: Operand, options: { alpha?: number } = {}): this {
    native.add_(this._h, operand('other', other), options.alpha ?? null);
    return this;
  }
  sub_(other: Operand, options: { alpha?: number } = {}): this {
    native.sub_(this._h, operand('other', other), options.alpha ?? null);
    return this;
  }
  mul_(other: Operand): this {
    native.mul_(this._h, operand('other', other));
    return this;
  }
  div_(other: Operand): this {
    native.div_(this._h, operand('other', other));
    return this;
  }
  zero_(): this {
    native.zero_(this._h);
    return this;
  }
  fill_(value: number | boolean): this {
    native.fill_(this._h, scalarOperand('value', value));
    return this;
  }
  copy_(src: Tensor): this {
    native.copy_(this._h, tensorOperand('src', src));
    return this;
  }
  /** Fills with samples of U(from, to), as PyTorch's uniform_. */
  uniform_(from = 0, to = 1): this {
    if (typeof from !== 'number' || typeof to !== 'number') throw typeError('uniform_(from, to)', 'numbers', [from, to]);
    native.uniform_(this._h, from, to);
    return this;
  }
  /** Fills with samples of N(mean, std²), as PyTorch's normal_. */
  normal_(mean = 0, std = 1): this {
    if (typeof mean !== 'number' || typeof std !== 'number') throw typeError('normal_(mean, std)', 'numbers', [mean, std]);
    native.normal_(this._h, mean, std);
    return this;
  }
  /** @internal `tensor.data = src`: keeps this object (and optimizer references), swaps its storage. */
  _setData(src: Tensor): void {
    native.setData(this._h, src._h);
  }
  clamp_(min?: number | null | { min?: number | null; max?: number | null }, max?: number | null): this {
    const [lo, hi] = clampBounds(min, max);
    native.clamp_(this._h, lo, hi);
    return this;
  }
}

function clampBounds(
  min: number | null | undefined | { min?: number | null; max?: number | null },
  max: number | null | undefined,
): [number | null, number | null] {
  let lo: unknown = min;
  let hi: unknown = max;
  if (min !== null && typeof min === 'object') {
    lo = min.min;
    hi = min.max;
  }
  lo = lo ?? null;
  hi = hi ?? null;
  if (lo !== null && typeof lo !== 'number') throw typeError('clamp(min)', 'a number', lo);
  if (hi !== null && typeof hi !== 'number') throw typeError('clamp(max)', 'a number', hi);
  if (lo === null && hi === null) throw new TypeError('clamp: at least one of min or max must be given');
  return [lo as number | null, hi as number | null];
}

/** Throws a TypeError naming `path` unless `value` is a Tensor. */
export function expectTensor(path: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) throw typeError(path, 'a Tensor', value);
  return value;
}

/** True for a live or disposed sg-optim Tensor (a type guard). */
export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}
