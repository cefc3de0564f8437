import assert from 'node:assert/strict';

import { Adam, Lamb } from '../../lib/optim';
import { Optimizer } from '../../lib/optim/optimizer';
import { Tensor, tensor } from '../../lib/tensor';
import { describeCase, GOLDEN_OPTIMIZERS, loadGolden, replay, tolerance } from '../helpers/golden';

/** Fresh parameters with the same values, and a fresh optimizer restored from `opt`'s state dict. */
function restore(opt: Optimizer, params: Tensor[], build: (ps: Tensor[]) => Optimizer) {
  const copies = params.map((p) => tensor(p.toTypedArray() as Float64Array, { shape: p.shape, dtype: p.dtype, requiresGrad: true }));
  const fresh = build(copies);
  fresh.loadStateDict(opt.stateDict());
  return { opt: fresh, params: copies };
}

describe('optimizers: state dict', () => {
  for (const name of GOLDEN_OPTIMIZERS) {
    it(`${name}: save after step 5, load into a fresh optimizer over fresh copies, continue = uninterrupted run`, () => {
      loadGolden(name).forEach((c, index) => {
        const uninterrupted = replay(c);
        const resumed = replay(c, { afterStep: (s, opt, params, build) => (s === 4 ? restore(opt, params, build) : undefined) });
        assert.deepEqual(resumed, uninterrupted, describeCase(c, index));
        assert.ok(Math.max(...resumed) <= tolerance(c.dtype));
      });
    });
  }

  it("uses PyTorch's layout: state by index across groups, groups with options and indices", () => {
    const a = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const b = tensor([3], { dtype: 'float64', requiresGrad: true });
    const c = tensor([4, 5, 6], { dtype: 'float64', requiresGrad: true });
    const opt = new Adam([{ params: [a, b] }, { params: [c], lr: 0.1, name: 'head' }], { lr: 0.01 });
    a.grad = tensor([1, 1], { dtype: 'float64' });
    c.grad = tensor([1, 1, 1], { dtype: 'float64' });
    opt.step();
    const sd = opt.stateDict();
    assert.deepEqual(Object.keys(sd.state), ['0', '2']);
    assert.deepEqual(Object.keys(sd.state[0]).sort(), ['exp_avg', 'exp_avg_sq', 'step']);
    const step = sd.state[0].step as Tensor;
    assert.equal(step.dtype, 'float32');
    assert.equal(step.item(), 1);
    assert.deepEqual(sd.param_groups.map((g) => g.params), [[0, 1], [2]]);
    assert.equal(sd.param_groups[1].lr, 0.1);
    assert.equal(sd.param_groups[1].name, 'head');
    assert.deepEqual(sd.param_groups[0].betas, [0.9, 0.999]);
    assert.equal(sd.param_groups[0].amsgrad, false);
  });

  it('Lamb keeps its step counter in param_groups, as SuperGradients', () => {
    const w = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const opt = new Lamb([w], { lr: 0.01 });
    for (let i = 0; i < 3; i++) {
      w.grad = tensor([0.1, -0.2, 0.3], { dtype: 'float64' });
      opt.step();
    }
    const sd = opt.stateDict();
    assert.equal(sd.param_groups[0].step, 3);
    assert.deepEqual(Object.keys(sd.state[0]).sort(), ['exp_avg', 'exp_avg_sq']);
  });
});
