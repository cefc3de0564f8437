/**
 * `opt.defaults` edited after construction, for the optimizers whose step reads the optimizer's
 * defaults rather than a group's options: SuperGradients' Lamb clips against
 * self.defaults["max_grad_norm"] at every step, and torch.optim.Adagrad 2.15 starts a parameter's
 * sum from self.defaults["initial_accumulator_value"] when it first steps it. Native code keeps
 * its own copy of the defaults, refreshed from JavaScript at every step.
 */
import assert from 'node:assert/strict';

import { Adagrad, Lamb } from '../../lib/optim';
import { tensor, Tensor } from '../../lib/tensor';

/** A float64 parameter with its gradient set. */
function param(values: number[], grad: number[]): Tensor {
  const p = tensor(values, { dtype: 'float64', requiresGrad: true });
  p.grad = tensor(grad, { dtype: 'float64' });
  return p;
}

/** Lamb stepped once over one parameter whose gradient norm is 0.5 (> 0.05: clipped there). */
function lambStep(options: Record<string, unknown>, edit?: (opt: Lamb) => void): number[] {
  const p = param([1, -2, 3, 0.5], [0.3, -0.4, 0, 0]);
  const opt = new Lamb([p], { lr: 0.1, weight_decay: 0, ...options });
  edit?.(opt);
  opt.step();
  assert.equal(opt.lastStepPath, options.fused === false ? 'reference' : 'fused-cpu');
  return p.toArray() as number[];
}

describe('optim: opt.defaults edited after construction reach the step', () => {
  for (const fused of [true, false]) {
    const path = fused ? 'fused CPU path' : 'reference path';
    it(`Lamb (${path}): defaults.max_grad_norm set to 0.05 after construction clips as a Lamb built with 0.05`, () => {
      const built = lambStep({ fused, max_grad_norm: 0.05 });
      const edited = lambStep({ fused, max_grad_norm: 1 }, (opt) => (opt.defaults.max_grad_norm = 0.05));
      const unedited = lambStep({ fused, max_grad_norm: 1 });
      assert.deepEqual(edited, built);
      // The clipping changes the step (a gradient norm of 0.5 is clipped at 0.05, not at 1).
      assert.notDeepEqual(built, unedited);
    });

    it(`Lamb (${path}): defaults.max_grad_norm set to null after construction stops clipping, as a Lamb built with null`, () => {
      const built = lambStep({ fused, max_grad_norm: null });
      const edited = lambStep({ fused, max_grad_norm: 0.05 }, (opt) => (opt.defaults.max_grad_norm = null));
      assert.deepEqual(edited, built);
      assert.notDeepEqual(built, lambStep({ fused, max_grad_norm: 0.05 }));
    });
  }

  it('Adagrad: a group added after defaults.initial_accumulator_value is edited starts its sum there (torch.optim.Adagrad 2.15: [0.66, 0.54])', () => {
    const p = param([1, -2, 3], [0.1, 0.2, -0.3]);
    const q = param([0.5, 0.25], [0.4, -0.2]);
    const opt = new Adagrad([p], { lr: 0.1, initial_accumulator_value: 0 });
    opt.defaults.initial_accumulator_value = 0.5;
    opt.addParamGroup({ params: [q] });
    opt.step();
    // Values printed by torch 2.15.0 for the same script (sum = 0.5 + grad²; p's state was made at construction, from 0).
    const sum = (t: Tensor) => (opt.state.get(t)?.sum as Tensor).toArray() as number[];
    assert.deepEqual(sum(q).map((v) => Number(v.toFixed(12))), [0.66, 0.54]);
    assert.deepEqual(sum(p).map((v) => Number(v.toFixed(12))), [0.01, 0.04, 0.09]);
    assert.deepEqual(q.toArray(), [0.4507634036143275, 0.2772165526938872]);
  });
});
