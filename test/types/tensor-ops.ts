/**
 * Compile-only: the top-level forms of the tensor ops (sg.add(x, y), sg.sum(x, {dim}), ...) and
 * their option interfaces (ReduceOptions, VarOptions, NormOptions, DimOptions, ValuesIndices).
 */
import * as sg from '../../lib';
import { assertType, Equal, expectType } from './helpers';

type Op = (input: sg.Tensor, ...rest: never[]) => sg.Tensor;

export function elementwise(): void {
  const x = sg.randn([2, 3]);
  const y = sg.randn([2, 3]);
  const operands: sg.Operand[] = [y, 2, true];
  for (const other of operands) {
    expectType<sg.Tensor>(sg.add(x, other));
    expectType<sg.Tensor>(sg.sub(x, other, { alpha: 2 }));
    expectType<sg.Tensor>(sg.mul(x, other));
    expectType<sg.Tensor>(sg.div(x, other));
    expectType<sg.Tensor>(sg.pow(x, other));
    for (const cmp of [sg.eq, sg.ne, sg.gt, sg.lt, sg.ge, sg.le]) expectType<sg.Tensor>(cmp(x, other));
  }
  expectType<sg.Tensor>(sg.add(x, y, { alpha: 0.5 }));
  expectType<sg.Tensor>(sg.matmul(x, y.t()));
  const unary: Op[] = [sg.neg, sg.sqrt, sg.rsqrt, sg.exp, sg.log, sg.abs, sg.relu, sg.sigmoid, sg.tanh, sg.silu, sg.t, sg.zero_];
  for (const f of unary) expectType<sg.Tensor>(f(x));
  expectType<sg.Tensor>(sg.gelu(x, { approximate: 'tanh' }));
  expectType<sg.Tensor>(sg.leakyRelu(x, { negative_slope: 0.2 }));
  expectType<sg.Tensor>(sg.softmax(x, 1));
  expectType<sg.Tensor>(sg.logSoftmax(x, { dim: -1 }));
  expectType<sg.Tensor>(sg.clamp(x, -1, 1));
  expectType<sg.Tensor>(sg.clamp(x, { min: 0 }));
  expectType<sg.Tensor>(sg.clamp(x, null, 1));
  expectType<sg.Tensor>(sg.maskedFill(x, x.gt(0), 0));
  expectType<sg.Tensor>(sg.where(x.gt(0), x, 0));
  expectType<sg.Tensor>(sg.where(x.gt(0), 1, y));
  // In place.
  expectType<sg.Tensor>(sg.add_(x, y, { alpha: 2 }));
  expectType<sg.Tensor>(sg.sub_(x, 1));
  expectType<sg.Tensor>(sg.mul_(x, y));
  expectType<sg.Tensor>(sg.div_(x, 2));
  expectType<sg.Tensor>(sg.fill_(x, 0));
  expectType<sg.Tensor>(sg.copy_(x, y));
  expectType<sg.Tensor>(sg.clamp_(x, { min: -1, max: 1 }));

  // @ts-expect-error a string where a Tensor goes
  sg.relu('x');
  // @ts-expect-error a string is not an Operand
  sg.add(x, '1');
  // @ts-expect-error matmul takes a Tensor, not a scalar
  sg.matmul(x, 2);
  // @ts-expect-error alpha is a number
  sg.add(x, y, { alpha: '2' });
  // @ts-expect-error gelu's approximate is 'none' or 'tanh'
  sg.gelu(x, { approximate: 'erf' });
  // @ts-expect-error softmax needs a dim
  sg.softmax(x);
  // @ts-expect-error where's condition is a Tensor
  sg.where(true, x, y);
  // @ts-expect-error copy_ takes a Tensor source
  sg.copy_(x, [1, 2, 3]);
  // @ts-expect-error leakyRelu's option is negative_slope
  sg.leakyRelu(x, { slope: 0.2 });
}

export function reductions(): void {
  const x = sg.randn([2, 3]);
  const reduce: sg.ReduceOptions = { dim: [0, 1], keepdim: true, dtype: 'float64' };
  const varOpts: sg.VarOptions = { dim: 1, unbiased: false, correction: 0, keepdim: false };
  const normOpts: sg.NormOptions = { p: 1, dim: 0, keepdim: true };
  const dimOpts: sg.DimOptions = { dim: 1, keepdim: true };
  expectType<sg.Tensor>(sg.sum(x));
  expectType<sg.Tensor>(sg.sum(x, 1));
  expectType<sg.Tensor>(sg.sum(x, [0, 1]));
  expectType<sg.Tensor>(sg.sum(x, reduce));
  expectType<sg.Tensor>(sg.mean(x, { dim: 0 }));
  expectType<sg.Tensor>(sg.variance(x, varOpts));
  expectType<sg.Tensor>(sg.var(x, 1));
  assertType<Equal<typeof sg.var, typeof sg.variance>>();
  expectType<sg.Tensor>(sg.norm(x, normOpts));
  expectType<sg.Tensor>(sg.norm(x, 2));
  expectType<sg.Tensor>(sg.argmax(x, 1));
  expectType<sg.Tensor>(sg.argmin(x, { dim: 0, keepdim: true }));
  // max/min: a Tensor overall, values and indices along a dim.
  assertType<Equal<ReturnType<typeof sg.max>, sg.ValuesIndices>>();
  const overall: sg.Tensor = sg.max(x);
  const along: sg.ValuesIndices = sg.max(x, dimOpts);
  const { values, indices } = sg.min(x, { dim: 0 });
  expectType<sg.Tensor>(sg.min(x));
  expectType<sg.Tensor>(values);
  expectType<sg.Tensor>(indices);

  // @ts-expect-error ReduceOptions is closed: dims is spelt dim
  sg.sum(x, { dims: 1 });
  // @ts-expect-error keepdim is a boolean
  sg.mean(x, { dim: 0, keepdim: 1 });
  // @ts-expect-error max along a dim gives values and indices, not a Tensor
  const notTensor: sg.Tensor = sg.max(x, { dim: 1 });
  // @ts-expect-error DimOptions requires dim
  const noDim: sg.DimOptions = { keepdim: true };
  // @ts-expect-error unbiased is a boolean
  const badVar: sg.VarOptions = { unbiased: 1 };
  void [overall, along, notTensor, noDim, badVar];
}

export function shapes(): void {
  const x = sg.randn([2, 3, 4]);
  const idx = sg.tensor([0, 1]);
  expectType<sg.Tensor>(sg.transpose(x, 0, 1));
  expectType<sg.Tensor>(sg.transpose(x, { dim0: 0, dim1: 2 }));
  expectType<sg.Tensor>(sg.permute(x, 2, 0, 1));
  expectType<sg.Tensor>(sg.permute(x, [2, 0, 1]));
  expectType<sg.Tensor>(sg.reshape(x, 6, 4));
  expectType<sg.Tensor>(sg.reshape(x, [-1]));
  expectType<sg.Tensor>(sg.view(x, [2, 12]));
  expectType<sg.Tensor>(sg.flatten(x, 1));
  expectType<sg.Tensor>(sg.flatten(x, { start_dim: 0, end_dim: 1 }));
  expectType<sg.Tensor>(sg.squeeze(x));
  expectType<sg.Tensor>(sg.squeeze(x, { dim: 0 }));
  expectType<sg.Tensor>(sg.unsqueeze(x, 0));
  expectType<sg.Tensor>(sg.expand(sg.zeros([1, 3]), 4, 3));
  expectType<sg.Tensor>(sg.select(x, 0, 1));
  expectType<sg.Tensor>(sg.select(x, { dim: 0, index: 1 }));
  expectType<sg.Tensor>(sg.slice(x, 1, 0, 2));
  expectType<sg.Tensor>(sg.slice(x, { dim: 1, start: null, end: -1, step: 1 }));
  expectType<sg.Tensor>(sg.indexSelect(x, 0, idx));
  expectType<sg.Tensor>(sg.indexSelect(x, { dim: 0, index: idx }));
  expectType<sg.Tensor>(sg.gather(x, { dim: 2, index: sg.zeros([2, 3, 1], { dtype: 'int64' }) }));
  expectType<sg.Tensor>(sg.cat([x, x]));
  expectType<sg.Tensor>(sg.cat([x, x], 1));
  expectType<sg.Tensor>(sg.stack([x, x], { dim: 0 }));

  // @ts-expect-error a shape is numbers, or one array of numbers
  sg.reshape(x, [2], 3);
  // @ts-expect-error cat takes an array of Tensors
  sg.cat(x);
  // @ts-expect-error unsqueeze needs a dim
  sg.unsqueeze(x);
  // @ts-expect-error indexSelect's index is a Tensor
  sg.indexSelect(x, 0, [0, 1]);
  // @ts-expect-error transpose's keyword form needs dim1
  sg.transpose(x, { dim0: 0 });
  // @ts-expect-error flatten's keywords are start_dim and end_dim
  sg.flatten(x, { startDim: 1 });
}

// A bare dim, as x.max(1) and torch.max(x, 1).
export function maxMinBareDim(x: sg.Tensor): void {
  const m: sg.ValuesIndices = sg.max(x, 1);
  const n: sg.ValuesIndices = sg.min(x, 0);
  void m;
  void n;
  // Pooling functions take only the options their PyTorch function has.
  sg.maxPool2d(x, { kernel_size: 2, dilation: 1 });
  sg.avgPool2d(x, { kernel_size: 2, count_include_pad: false });
  // @ts-expect-error max_pool2d has no count_include_pad
  sg.maxPool2d(x, { kernel_size: 2, count_include_pad: true });
  // @ts-expect-error avg_pool2d has no dilation
  sg.avgPool2d(x, { kernel_size: 2, dilation: 1 });
}
