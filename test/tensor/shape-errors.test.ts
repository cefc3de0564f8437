/** Shape errors name the full shape of every input, whichever op raised them. */
import assert from 'node:assert/strict';

import * as sg from '../../lib/tensor';

const cases: Array<[string, () => unknown, RegExp]> = [
  ['reshape to a wrong size', () => sg.zeros([2, 3]).reshape([7]), /shape '\[7\]' is invalid for input of size 6 \(reshaping a tensor of shape \[2, 3\] to \[7\]\)/],
  ['view across strides', () => sg.zeros([2, 3]).t().view([6]), /\(viewing a tensor of shape \[3, 2\] as \[6\]\)/],
  ['cat of mismatched sizes', () => sg.cat([sg.zeros([2, 3]), sg.zeros([2, 4])]), /\(tensors \[2, 3\], \[2, 4\]\)/],
  ['stack of mismatched sizes', () => sg.stack([sg.zeros([2]), sg.zeros([3])]), /\(tensors \[2\], \[3\]\)/],
  ['where with a non-broadcastable branch', () => sg.where(sg.zeros([3]).gt(0), sg.zeros([3]), sg.zeros([4])), /\(condition \[3\], input \[3\], other \[4\]\)/],
  ['mseLoss of mismatched shapes', () => sg.mseLoss(sg.zeros([3]), sg.zeros([4])), /\(input \[3\], target \[4\]\)/],
  ['l1Loss of mismatched shapes', () => sg.l1Loss(sg.zeros([3]), sg.zeros([4])), /\(input \[3\], target \[4\]\)/],
  ['bceWithLogits of mismatched shapes', () => sg.bceWithLogits(sg.zeros([3]), sg.zeros([4])), /\(input \[3\], target \[4\]\)/],
  ['crossEntropy with another batch size', () => sg.crossEntropy(sg.zeros([2, 3]), sg.tensor([0, 1, 2])), /batch_size \(2\).*batch_size \(3\).*\(input \[2, 3\], target \[3\]\)/],
  ['nllLoss with another batch size', () => sg.nllLoss(sg.zeros([2, 3]), sg.tensor([0, 1, 2])), /\(input \[2, 3\], target \[3\]\)/],
  ['batchNorm with running stats of another size', () => sg.batchNorm(sg.zeros([2, 3]), sg.zeros([4]), sg.ones([4]), { training: false }), /\(input \[2, 3\], running_mean \[4\], running_var \[4\]\)/],
];

describe('tensors: shape errors name every shape', () => {
  for (const [title, call, message] of cases) {
    it(`BAD CALL: ${title}`, () => {
      assert.throws(call, (err: Error) => err instanceof Error && message.test(err.message));
    });
  }
});
