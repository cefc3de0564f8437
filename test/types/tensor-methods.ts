/**
 * Compile-only: every property and method of sg.Tensor, with the PyTorch-style forms (bare dim,
 * keyword objects), the in-place ones returning the same tensor, and what must not compile.
 */
import { inspect } from 'util';

import * as sg from '../../lib';
import { assertType, Equal, expectType } from './helpers';

export function properties(x: sg.Tensor): void {
  expectType<number[]>(x.shape);
  expectType<sg.Dtype>(x.dtype);
  expectType<sg.Device>(x.device);
  expectType<boolean>(x.requiresGrad);
  x.requiresGrad = true;
  assertType<Equal<typeof x.grad, sg.Tensor | null>>();
  x.grad = null;
  x.grad = sg.zerosLike(x);
  expectType<boolean>(x.isLeaf);
  expectType<boolean>(x.isDisposed);
  expectType<number>(x.numel());
  expectType<number>(x.dim());
  expectType<boolean>(x.isContiguous());
  expectType<number[]>(x.toArray());
  expectType<Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array>(x.toTypedArray());
  assertType<Equal<ReturnType<sg.Tensor['item']>, number | boolean>>();
  expectType<string>(x.toString());
  expectType<string>(x[inspect.custom]());
  expectType<void>(x.dispose());

  // @ts-expect-error shape is read-only
  x.shape = [1];
  // @ts-expect-error dtype is read-only (use to())
  x.dtype = 'float64';
  // @ts-expect-error isLeaf is read-only
  x.isLeaf = false;
  // @ts-expect-error grad is a Tensor or null
  x.grad = 1;
  // @ts-expect-error item() is number | boolean: narrow before arithmetic
  x.item().toFixed(2);
  // @ts-expect-error Tensors come from factories: the constructor takes a native handle
  new sg.Tensor({});
}

export function autogradAndConversion(x: sg.Tensor): void {
  expectType<void>(x.backward());
  expectType<void>(x.backward(sg.onesLike(x), { retain_graph: true }));
  expectType<void>(x.backward(null));
  expectType<sg.Tensor>(x.detach());
  expectType<sg.Tensor>(x.clone());
  expectType<sg.Tensor>(x.contiguous());
  assertType<Equal<ReturnType<typeof x.requiresGrad_>, sg.Tensor>>();
  expectType<sg.Tensor>(x.requiresGrad_());
  expectType<sg.Tensor>(x.requiresGrad_(false));
  expectType<sg.Tensor>(x.to('float64'));
  expectType<sg.Tensor>(x.to('cuda:0'));
  expectType<sg.Tensor>(x.to({ dtype: 'float16', device: 'cpu' }));

  // @ts-expect-error retain_graph is PyTorch's spelling
  x.backward(null, { retainGraph: true });
  // @ts-expect-error the gradient is a Tensor
  x.backward([1, 2]);
  // @ts-expect-error neither a dtype nor a device
  x.to('gpu');
  // @ts-expect-error to() takes {dtype, device} only
  x.to({ dtype: 'float32', copy: true });
}

export function arithmetic(x: sg.Tensor, y: sg.Tensor): void {
  expectType<sg.Tensor>(x.add(y));
  expectType<sg.Tensor>(x.add(1, { alpha: 2 }));
  expectType<sg.Tensor>(x.sub(true, { alpha: 0.5 }));
  expectType<sg.Tensor>(x.mul(y).div(2).pow(2));
  expectType<sg.Tensor>(x.matmul(y));
  const unary: Array<() => sg.Tensor> = [
    x.neg, x.sqrt, x.rsqrt, x.exp, x.log, x.log1p, x.abs, x.sign, x.square, x.reciprocal, x.floor, x.ceil,
    x.round, x.sin, x.cos, x.isnan, x.isfinite, x.logicalNot, x.relu, x.sigmoid, x.tanh, x.silu, x.t,
    x.detach, x.clone, x.contiguous,
  ];
  expectType<sg.Tensor>(x.clamp(0, 1));
  expectType<sg.Tensor>(x.clamp({ max: 1 }));
  expectType<sg.Tensor>(x.clamp(null, 6));
  for (const cmp of [x.eq, x.ne, x.gt, x.lt, x.ge, x.le]) expectType<sg.Tensor>(cmp.call(x, 0));
  expectType<sg.Tensor>(x.eq(y));
  expectType<sg.Tensor>(x.where(x.gt(0), 0));
  expectType<sg.Tensor>(x.where(x.gt(0), y));
  expectType<sg.Tensor>(x.maskedFill(x.isnan(), 0));
  expectType<sg.Tensor>(x.gelu({ approximate: 'tanh' }));
  expectType<sg.Tensor>(x.leakyRelu({ negative_slope: 0.1 }));
  expectType<sg.Tensor>(x.softmax(-1));
  expectType<sg.Tensor>(x.logSoftmax({ dim: 1 }));
  void unary;

  // @ts-expect-error a string is not an Operand
  x.add('1');
  // @ts-expect-error matmul takes a Tensor
  x.matmul(2);
  // @ts-expect-error alpha is a number
  x.sub(y, { alpha: true });
  // @ts-expect-error clamp's bounds are numbers
  x.clamp('0', '1');
  // @ts-expect-error maskedFill's mask is a Tensor
  x.maskedFill(true, 0);
}

export function reductionsAndShapes(x: sg.Tensor): void {
  expectType<sg.Tensor>(x.sum());
  expectType<sg.Tensor>(x.sum(1));
  expectType<sg.Tensor>(x.sum([0, 1]));
  expectType<sg.Tensor>(x.sum({ dim: 1, keepdim: true, dtype: 'float64' }));
  expectType<sg.Tensor>(x.mean({ dim: [0] }));
  expectType<sg.Tensor>(x.var({ dim: 0, unbiased: false }));
  expectType<sg.Tensor>(x.var(1));
  expectType<sg.Tensor>(x.norm());
  expectType<sg.Tensor>(x.norm(1));
  expectType<sg.Tensor>(x.norm({ p: 2, dim: 1, keepdim: true }));
  // max()/min(): a Tensor; max(dim)/max({dim}): values and indices.
  assertType<Equal<ReturnType<typeof x.max>, sg.ValuesIndices>>();
  const all: sg.Tensor = x.max();
  const byDim: sg.ValuesIndices = x.max(1);
  const byOpts: sg.ValuesIndices = x.min({ dim: 0, keepdim: true });
  expectType<sg.Tensor>(x.min());
  expectType<sg.Tensor>(x.argmax());
  expectType<sg.Tensor>(x.argmax(1));
  expectType<sg.Tensor>(x.argmin({ dim: 0, keepdim: true }));
  expectType<sg.Tensor>(x.t());
  expectType<sg.Tensor>(x.transpose(0, 1));
  expectType<sg.Tensor>(x.transpose({ dim0: 0, dim1: 1 }));
  expectType<sg.Tensor>(x.permute(1, 0));
  expectType<sg.Tensor>(x.permute([1, 0]));
  expectType<sg.Tensor>(x.reshape(-1));
  expectType<sg.Tensor>(x.reshape([2, -1]));
  expectType<sg.Tensor>(x.view(2, 3));
  expectType<sg.Tensor>(x.flatten());
  expectType<sg.Tensor>(x.flatten(1, -1));
  expectType<sg.Tensor>(x.flatten({ start_dim: 1 }));
  expectType<sg.Tensor>(x.squeeze());
  expectType<sg.Tensor>(x.squeeze(0));
  expectType<sg.Tensor>(x.unsqueeze({ dim: 0 }));
  expectType<sg.Tensor>(x.expand(4, -1));
  expectType<sg.Tensor>(x.expand([4, 3]));
  expectType<sg.Tensor>(x.select(0, 0));
  expectType<sg.Tensor>(x.select({ dim: 1, index: 2 }));
  expectType<sg.Tensor>(x.slice(1, 0, null, 2));
  expectType<sg.Tensor>(x.slice({ dim: 0, start: 1 }));
  expectType<sg.Tensor>(x.indexSelect(0, sg.tensor([0])));
  expectType<sg.Tensor>(x.gather({ dim: 1, index: sg.tensor([[0]]) }));

  // @ts-expect-error ReduceOptions is closed
  x.sum({ axis: 1 });
  // @ts-expect-error max along a dim is not a Tensor
  x.max(1).sum();
  // @ts-expect-error min's options need dim
  x.min({ keepdim: true });
  // @ts-expect-error var's correction is a number
  x.var({ correction: true });
  // @ts-expect-error norm's p is a number
  x.norm({ p: 'fro' });
  // @ts-expect-error reshape takes numbers or one array
  x.reshape('2, 3');
  // @ts-expect-error select's keyword form needs index
  x.select({ dim: 0 });
  // @ts-expect-error slice's start is a number or null
  x.slice(0, '1');
  void [all, byDim, byOpts];
}

export function inPlace(x: sg.Tensor, y: sg.Tensor): void {
  // In-place methods return the same object (typed `this`), so chains keep the subclass type.
  assertType<Equal<ReturnType<typeof x.add_>, sg.Tensor>>();
  const same: sg.Tensor = x.add_(y, { alpha: -0.1 }).sub_(1).mul_(y).div_(2).zero_().fill_(1).copy_(y).clamp_({ min: 0 });
  expectType<sg.Tensor>(x.uniform_());
  expectType<sg.Tensor>(x.uniform_(-1, 1));
  expectType<sg.Tensor>(x.normal_(0, 0.02));
  expectType<sg.Tensor>(x.clamp_(0, 1));
  // @ts-expect-error fill_ takes a number or boolean
  x.fill_('1');
  // @ts-expect-error copy_ takes a Tensor
  x.copy_(1);
  // @ts-expect-error uniform_'s bounds are numbers
  x.uniform_('0');
  void same;
}
