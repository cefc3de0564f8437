/** BAD CALL table for tensors: each throws the right class with a clear message; the process lives. */
import assert from 'node:assert/strict';

import * as sg from '../../lib/tensor';

const cases: Array<[string, () => unknown, new (...a: never[]) => Error, RegExp]> = [
  ['unknown dtype', () => sg.zeros([2], { dtype: 'float' as never }), RangeError, /unknown dtype 'float'; did you mean 'float32'\? known: float32, float64, float16, bfloat16, int64, int32, uint8, bool/],
  ['unknown device', () => sg.zeros([2], { device: 'gpu' as never }), RangeError, /Invalid device 'gpu' for zeros\(options\)\.device; expected 'cpu', 'cuda' or 'cuda:N'/],
  ['a string where a tensor goes', () => sg.ones([2]).add('x' as never), TypeError, /Expected a Tensor or a number for other but received 'x' \(string\)/],
  ['mismatched shapes name both', () => sg.ones([2, 3]).add(sg.ones([4])), Error, /must match.*\(shapes \[2, 3\] and \[4\]\)/],
  ['matmul shapes', () => sg.ones([2, 3]).matmul(sg.ones([2, 3])), Error, /cannot be multiplied \(2x3 and 2x3\)/],
  ['reshape to a wrong size', () => sg.ones([6]).reshape(4, 2), Error, /shape '\[4, 2\]' is invalid for input of size 6/],
  ['ragged nested arrays', () => sg.tensor([[1, 2], [3]]), RangeError, /nested arrays must be rectangular/],
  ['a string inside data', () => sg.tensor([1, 'a' as never]), TypeError, /Expected a number or boolean for tensor\(values\)\[1\] but received 'a' \(string\)/],
  ['shape that does not fit the data', () => sg.tensor([1, 2, 3], { shape: [2, 2] }), RangeError, /shape \[2, 2\] needs 4 values but the data has 3/],
  ['an unknown option', () => sg.tensor([1], { dtyp: 'float32' } as never), TypeError, /Unknown option 'dtyp' for tensor\(options\)/],
  ['negative dimension', () => sg.zeros([-1]), TypeError, /Expected an array of non-negative integers for zeros\(shape\)/],
  ['item of many elements', () => sg.ones([3]).item(), RangeError, /a Tensor with 3 elements cannot be converted to a number/],
  ['backward of a non-scalar', () => sg.ones([3], { requiresGrad: true }).mul(2).backward(), Error, /grad can be implicitly created only for scalar outputs; the tensor has shape \[3\]/],
  ['grad of the wrong shape', () => (sg.ones([3], { requiresGrad: true }).grad = sg.ones([2])), RangeError, /assigned grad has shape \[2\] but the tensor has shape \[3\]/],
  ['grad of the wrong dtype', () => (sg.ones([3], { requiresGrad: true }).grad = sg.ones([3], { dtype: 'float64' })), TypeError, /assigned grad has dtype float64 but the tensor has dtype float32/],
  ['in-place on a leaf that requires grad', () => sg.ones([2], { requiresGrad: true }).add_(1), Error, /leaf Variable that requires grad is being used in an in-place operation/],
  [
    'use after dispose',
    () => {
      const t = sg.ones([2]);
      t.dispose();
      return t.add(1);
    },
    Error,
    /Tensor used after dispose\(\)/,
  ],
  ['conv2d with mismatched channels', () => sg.conv2d(sg.ones([1, 3, 4, 4]), sg.ones([2, 2, 3, 3])), Error, /conv2d: input of shape \[1, 3, 4, 4\] and weight of shape \[2, 2, 3, 3\]/],
  ['crossEntropy with a float target of the wrong shape', () => sg.crossEntropy(sg.ones([2, 3]), sg.ones([5])), Error, /./],
  ['label_smoothing out of range', () => sg.crossEntropy(sg.ones([2, 3]), sg.tensor([0, 1]), { label_smoothing: 2 }), RangeError, /label_smoothing must be between 0\.0 and 1\.0\. Got: 2/],
  ['an unknown reduction', () => sg.mseLoss(sg.ones([2]), sg.ones([2]), { reduction: 'avg' as never }), RangeError, /Invalid mseLoss\(\{reduction\}\) "avg"; allowed: 'mean', 'sum', 'none'/],
  ['dropout probability', () => sg.dropout(sg.ones([2]), { p: 1.5 }), RangeError, /dropout probability has to be between 0 and 1, but got 1\.5/],
  ['index out of range', () => sg.ones([2, 3]).select(0, 5), RangeError, /select\(\): index 5 out of range for tensor of size \[2, 3\] at dimension 0/],
];

describe('tensors: BAD CALL table', () => {
  for (const [name, act, cls, message] of cases) {
    it(`BAD CALL: ${name}`, () => {
      assert.throws(act, (err: Error) => {
        assert.ok(err instanceof cls, `expected ${cls.name}, got ${err.constructor.name}: ${err.message}`);
        assert.match(err.message, message);
        assert.doesNotMatch(err.message, /frame #0|Exception raised from/, 'no C++ backtrace');
        return true;
      });
    });
  }

  it('the process is still fine after all of them', () => {
    assert.equal(sg.ones([2]).add(1).sum().item(), 4);
  });
});
