import assert from 'node:assert/strict';

import * as sg from '../../lib/tensor';
import { Tensor } from '../../lib/tensor';
import { gradcheck, leaf } from '../helpers/gradcheck';

type Case = [string, () => { f: (...xs: Tensor[]) => Tensor; inputs: Tensor[] }];

const idx = (values: number[], shape?: number[]) => sg.tensor(values, { dtype: 'int64', shape });

const cases: Case[] = [
  ['add (broadcast)', () => ({ f: (a, b) => sg.add(a, b, { alpha: 2 }), inputs: [leaf([2, 3]), leaf([3])] })],
  ['sub', () => ({ f: (a, b) => a.sub(b), inputs: [leaf([2, 3]), leaf([2, 1])] })],
  ['mul', () => ({ f: (a, b) => a.mul(b), inputs: [leaf([2, 3]), leaf([2, 3])] })],
  ['div', () => ({ f: (a, b) => a.div(b), inputs: [leaf([2, 3]), leaf([3], { positive: true })] })],
  ['neg', () => ({ f: (a) => a.neg(), inputs: [leaf([4])] })],
  ['pow (tensor exponent)', () => ({ f: (a, b) => a.pow(b), inputs: [leaf([3], { positive: true }), leaf([3])] })],
  ['pow (number)', () => ({ f: (a) => a.pow(3), inputs: [leaf([3])] })],
  ['sqrt', () => ({ f: (a) => a.sqrt(), inputs: [leaf([4], { positive: true })] })],
  ['rsqrt', () => ({ f: (a) => a.rsqrt(), inputs: [leaf([4], { positive: true })] })],
  ['exp', () => ({ f: (a) => a.exp(), inputs: [leaf([4])] })],
  ['log', () => ({ f: (a) => a.log(), inputs: [leaf([4], { positive: true })] })],
  ['abs', () => ({ f: (a) => a.abs(), inputs: [leaf([5], { awayFromZero: true })] })],
  ['clamp', () => ({ f: (a) => a.clamp(-0.5, 0.5), inputs: [sg.tensor([-1, -0.2, 0.3, 0.9], { dtype: 'float64', requiresGrad: true })] })],
  ['matmul', () => ({ f: (a, b) => a.matmul(b), inputs: [leaf([2, 3]), leaf([3, 4])] })],
  ['t / transpose / permute', () => ({ f: (a) => a.t().transpose(0, 1).permute(1, 0), inputs: [leaf([2, 3])] })],
  ['reshape / view / flatten', () => ({ f: (a) => a.reshape(3, 2).view([6]).reshape(2, 3).flatten(), inputs: [leaf([2, 3])] })],
  ['squeeze / unsqueeze / expand', () => ({ f: (a) => a.unsqueeze(0).squeeze(0).unsqueeze(1).expand(2, 4, 3), inputs: [leaf([2, 3])] })],
  ['cat / stack', () => ({ f: (a, b) => sg.stack([sg.cat([a, b], { dim: 1 }), sg.cat([b, a], 1)]), inputs: [leaf([2, 2]), leaf([2, 2])] })],
  ['sum / mean (dims, keepdim)', () => ({ f: (a) => a.sum({ dim: 1, keepdim: true }).add(a.mean({ dim: [0, 1] })), inputs: [leaf([3, 4])] })],
  ['var', () => ({ f: (a) => a.var({ dim: 1 }), inputs: [leaf([3, 4])] })],
  ['max / min (dim)', () => ({ f: (a) => a.max({ dim: 1 }).values.add(a.min({ dim: 0 }).values.sum()), inputs: [leaf([3, 4])] })],
  ['max / min (all)', () => ({ f: (a) => a.max().sub(a.min()), inputs: [leaf([5])] })],
  ['norm', () => ({ f: (a) => a.norm({ p: 2, dim: 1 }), inputs: [leaf([3, 4])] })],
  ['relu', () => ({ f: (a) => a.relu(), inputs: [leaf([6], { awayFromZero: true })] })],
  ['leakyRelu', () => ({ f: (a) => sg.leakyRelu(a, { negative_slope: 0.2 }), inputs: [leaf([6], { awayFromZero: true })] })],
  ['sigmoid', () => ({ f: (a) => a.sigmoid(), inputs: [leaf([5])] })],
  ['tanh', () => ({ f: (a) => a.tanh(), inputs: [leaf([5])] })],
  ['gelu (exact and tanh)', () => ({ f: (a) => a.gelu().add(a.gelu({ approximate: 'tanh' })), inputs: [leaf([5])] })],
  ['silu', () => ({ f: (a) => a.silu(), inputs: [leaf([5])] })],
  ['softmax / logSoftmax', () => ({ f: (a) => a.softmax(1).add(a.logSoftmax({ dim: 1 })), inputs: [leaf([2, 5])] })],
  ['linear', () => ({ f: (x, w, b) => sg.linear(x, w, b), inputs: [leaf([2, 3]), leaf([4, 3]), leaf([4])] })],
  ['conv2d (stride, padding)', () => ({ f: (x, w, b) => sg.conv2d(x, w, b, { stride: 2, padding: 1 }), inputs: [leaf([1, 2, 5, 5]), leaf([3, 2, 3, 3]), leaf([3])] })],
  ['maxPool2d', () => ({ f: (x) => sg.maxPool2d(x, { kernel_size: 2 }), inputs: [leaf([1, 1, 4, 4])] })],
  ['avgPool2d', () => ({ f: (x) => sg.avgPool2d(x, { kernel_size: 2, stride: 1 }), inputs: [leaf([1, 2, 3, 3])] })],
  ['adaptiveAvgPool2d', () => ({ f: (x) => sg.adaptiveAvgPool2d(x, [2, 1]), inputs: [leaf([1, 2, 4, 3])] })],
  [
    'batchNorm (training)',
    () => ({ f: (x, w, b) => sg.batchNorm(x, null, null, { weight: w, bias: b, training: true }), inputs: [leaf([4, 3]), leaf([3]), leaf([3])] }),
  ],
  ['layerNorm', () => ({ f: (x, w, b) => sg.layerNorm(x, [4], { weight: w, bias: b }), inputs: [leaf([2, 4]), leaf([4]), leaf([4])] })],
  ['groupNorm', () => ({ f: (x, w, b) => sg.groupNorm(x, 2, { weight: w, bias: b }), inputs: [leaf([2, 4, 3]), leaf([4]), leaf([4])] })],
  ['embedding', () => ({ f: (w) => sg.embedding(idx([0, 2, 2, 1]), w), inputs: [leaf([3, 4])] })],
  // The same mask at every probe: the seed is reset inside f, so dropout is a fixed linear map.
  ['dropout (training, fixed seed)', () => ({ f: (a) => { sg.manualSeed(7); return sg.dropout(a, { p: 0.4, training: true }); }, inputs: [leaf([3, 4])] })],
  ['in-place ops on a non-leaf', () => ({ f: (a, b) => a.mul(1).add_(b).mul_(b).sub_(a).div_(2), inputs: [leaf([2, 3]), leaf([2, 3])] })],
  [
    'crossEntropy (label_smoothing, ignore_index)',
    () => ({ f: (x) => sg.crossEntropy(x, idx([1, 0, 2, 1]), { label_smoothing: 0.1, ignore_index: 2 }), inputs: [leaf([4, 3])] }),
  ],
  ['nllLoss', () => ({ f: (x) => sg.nllLoss(x.logSoftmax(1), idx([1, 0, 2])), inputs: [leaf([3, 3])] })],
  ['mseLoss', () => ({ f: (a, b) => sg.mseLoss(a, b), inputs: [leaf([2, 3]), leaf([2, 3])] })],
  ['l1Loss', () => ({ f: (a, b) => sg.l1Loss(a, b, { reduction: 'sum' }), inputs: [leaf([5], { awayFromZero: true }), sg.zeros([5], { dtype: 'float64' })] })],
  ['bceWithLogits', () => ({ f: (a) => sg.bceWithLogits(a, sg.tensor([0, 1, 1, 0], { dtype: 'float64' })), inputs: [leaf([4])] })],
  ['select / slice', () => ({ f: (a) => a.select(0, 1).add(a.slice(0, 0, 1).squeeze(0)), inputs: [leaf([3, 4])] })],
  ['indexSelect / gather', () => ({ f: (a) => a.indexSelect(1, idx([2, 0])).add(a.gather(1, idx([1, 1, 0, 3, 2, 2], [3, 2]))), inputs: [leaf([3, 4])] })],
  ['maskedFill', () => ({ f: (a) => a.maskedFill(sg.tensor([true, false, true, false]), 0.5), inputs: [leaf([4])] })],
  ['where', () => ({ f: (a, b) => sg.where(a.gt(b), a, b), inputs: [leaf([6]), leaf([6])] })],
];

describe('autograd: every differentiable op against central finite differences (float64)', () => {
  before(() => sg.manualSeed(7));
  for (const [name, make] of cases) {
    it(name, () => {
      const { f, inputs } = make();
      const { maxAbsError, checked } = gradcheck(f, inputs);
      assert.ok(checked > 0, 'some gradient entries were checked');
      assert.ok(maxAbsError < 1e-6, `max relative gradient error ${maxAbsError}`);
    });
  }

  it('the check catches a wrong gradient', () => {
    // x.detach() hides the dependency: autograd says 0 where the numeric derivative is 1.
    const { maxAbsError } = gradcheck((a) => a.mul(a.detach()), [leaf([3], { awayFromZero: true })]);
    assert.ok(maxAbsError > 0.1);
  });
});
