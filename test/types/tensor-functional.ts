/**
 * Compile-only: layers and losses as functions (sg.linear, sg.conv2d, pooling, normalisation,
 * dropout, embedding, crossEntropy, nllLoss, mseLoss, l1Loss, bceWithLogits) and their options.
 */
import * as sg from '../../lib';
import { expectType } from './helpers';

export function layers(): void {
  const x = sg.randn([1, 2, 8, 8]);
  const w = sg.randn([4, 2, 3, 3]);
  const conv: sg.Conv2dOptions = { stride: 1, padding: [1, 1], dilation: 1, groups: 1 };
  const pool: sg.Pool2dOptions = { kernel_size: 2, stride: [2, 2], padding: 0, dilation: 1, ceil_mode: false, count_include_pad: true };
  const bn: sg.BatchNormOptions = { weight: null, bias: sg.zeros([2]), training: true, momentum: 0.1, eps: 1e-5 };
  expectType<sg.Tensor>(sg.linear(sg.randn([3, 4]), sg.randn([5, 4])));
  expectType<sg.Tensor>(sg.linear(sg.randn([3, 4]), sg.randn([5, 4]), sg.zeros([5])));
  expectType<sg.Tensor>(sg.conv2d(x, w));
  expectType<sg.Tensor>(sg.conv2d(x, w, null, conv));
  expectType<sg.Tensor>(sg.maxPool2d(x, 2));
  expectType<sg.Tensor>(sg.maxPool2d(x, [2, 2]));
  expectType<sg.Tensor>(sg.maxPool2d(x, { kernel_size: 2, ceil_mode: true }));
  expectType<sg.Tensor>(sg.avgPool2d(x, { kernel_size: 3, stride: 1, padding: 1, count_include_pad: false }));
  expectType<sg.Tensor>(sg.adaptiveAvgPool2d(x, 1));
  expectType<sg.Tensor>(sg.adaptiveAvgPool2d(x, { output_size: [2, 2] }));
  expectType<sg.Tensor>(sg.batchNorm(x, sg.zeros([2]), sg.ones([2]), bn));
  expectType<sg.Tensor>(sg.batchNorm(x, null, null, { training: true }));
  expectType<sg.Tensor>(sg.layerNorm(x, [8, 8], { eps: 1e-6 }));
  expectType<sg.Tensor>(sg.groupNorm(x, 1, { weight: sg.ones([2]), bias: null }));
  expectType<sg.Tensor>(sg.dropout(x, { p: 0.2, training: false }));
  expectType<sg.Tensor>(sg.embedding(sg.tensor([0, 2]), sg.randn([3, 4]), { padding_idx: 0 }));
  void pool;

  // @ts-expect-error a pair is two numbers
  sg.conv2d(x, w, null, { stride: [1, 1, 1] });
  // @ts-expect-error Conv2dOptions is closed (padding is numbers, there is no padding_mode)
  sg.conv2d(x, w, null, { padding_mode: 'zeros' });
  // @ts-expect-error the bias is a Tensor or null
  sg.conv2d(x, w, 0);
  // @ts-expect-error pooling options need kernel_size
  sg.maxPool2d(x, { stride: 2 });
  // @ts-expect-error normalizedShape is an array
  sg.layerNorm(x, 8);
  // @ts-expect-error dropout's p is a number
  sg.dropout(x, { p: '0.5' });
  // @ts-expect-error batchNorm's running stats are Tensors or null
  sg.batchNorm(x, [0, 0], null);
  // @ts-expect-error a string where a Tensor goes
  sg.linear('x', w);
}

export function losses(): void {
  const logits = sg.randn([4, 3]);
  const target = sg.tensor([0, 1, 2, 0]);
  const reductions: sg.Reduction[] = ['mean', 'sum', 'none'];
  const ce: sg.CrossEntropyOptions = { weight: sg.ones([3]), ignore_index: -100, reduction: 'sum', label_smoothing: 0.1 };
  expectType<sg.Tensor>(sg.crossEntropy(logits, target));
  expectType<sg.Tensor>(sg.crossEntropy(logits, target, ce));
  expectType<sg.Tensor>(sg.nllLoss(logits.logSoftmax(1), target, { reduction: reductions[0], ignore_index: 0, weight: null }));
  expectType<sg.Tensor>(sg.mseLoss(logits, sg.zerosLike(logits), { reduction: 'none' }));
  expectType<sg.Tensor>(sg.l1Loss(logits, sg.zerosLike(logits)));
  expectType<sg.Tensor>(sg.bceWithLogits(logits, sg.onesLike(logits), { pos_weight: sg.ones([3]), weight: null, reduction: 'mean' }));

  // @ts-expect-error a string where a Tensor goes
  sg.crossEntropy(logits, 'y');
  // @ts-expect-error label_smoothing is a number
  sg.crossEntropy(logits, target, { label_smoothing: '0.1' });
  // @ts-expect-error no such reduction
  sg.crossEntropy(logits, target, { reduction: 'avg' });
  // @ts-expect-error CrossEntropyOptions is closed: PyTorch's spelling is label_smoothing
  sg.crossEntropy(logits, target, { labelSmoothing: 0.1 });
  // @ts-expect-error mseLoss takes only reduction
  sg.mseLoss(logits, logits, { weight: null });
  // @ts-expect-error no such reduction
  const r: sg.Reduction = 'batchmean';
  void r;
}
