/**
 * clipGradNorm against torch.nn.utils.clip_grad_norm_ computed by hand: the total L2 norm of every
 * gradient, returned before clipping; every gradient scaled by max_norm / (total + 1e-6) when that
 * is below 1, untouched otherwise; parameters without a gradient skipped.
 */
import assert from 'node:assert/strict';

import * as sg from '../../lib/tensor';
import { Tensor } from '../../lib/tensor';
import { clipGradNorm } from '../../lib/training/clip-grad';

/** A float64 leaf whose gradient is `grad` (null: none). */
function param(values: number[], grad: number[] | null): Tensor {
  const p = sg.tensor(values, { dtype: 'float64', requiresGrad: true });
  if (grad !== null) p.grad = sg.tensor(grad, { dtype: 'float64' });
  return p;
}

const values = (t: Tensor | null): number[] => Array.from(t!.toTypedArray() as Float64Array);

describe('training: clipGradNorm (torch.nn.utils.clip_grad_norm_)', () => {
  it('returns the total norm over every gradient (3-4-12-… : 13) and scales by max_norm / (13 + 1e-6)', () => {
    const a = param([1, 1], [3, 4]);
    const b = param([1], [12]);
    const total = clipGradNorm([a, b], 6.5);
    assert.equal(total, 13);
    const coef = 6.5 / (13 + 1e-6);
    assert.deepEqual(values(a.grad), [3 * coef, 4 * coef]);
    assert.deepEqual(values(b.grad), [12 * coef]);
    // The parameters themselves are untouched.
    assert.deepEqual(values(a), [1, 1]);
  });

  it('leaves the gradients as they are when the norm is within max_norm (coef ≥ 1), and returns the norm', () => {
    const a = param([0, 0], [3, 4]);
    assert.equal(clipGradNorm([a], 100), 5);
    assert.deepEqual(values(a.grad), [3, 4]);
    // max_norm exactly total + 1e-6: coef is 1, nothing changes either.
    const b = param([0, 0], [0.6, 0.8]);
    assert.equal(clipGradNorm([b], 1 + 1e-6), 1);
    assert.deepEqual(values(b.grad), [0.6, 0.8]);
  });

  it('skips parameters without a gradient; none at all gives 0 and touches nothing', () => {
    const none = param([5, 5], null);
    const a = param([0], [-2]);
    assert.equal(clipGradNorm([none, a, param([1], null)], 1), 2);
    assert.equal(none.grad, null);
    assert.deepEqual(values(a.grad), [-2 * (1 / (2 + 1e-6))]);
    assert.equal(clipGradNorm([param([1], null), param([2], null)], 1), 0);
    assert.equal(clipGradNorm([], 1), 0);
  });
});
