/**
 * The fused CPU path (default for contiguous CPU float32/float64) against the reference path
 * (`fused: false`: torch::optim for the four built-ins, the ATen-op classes for ours).
 */
import assert from 'node:assert/strict';

import { createOptimizer } from '../../lib/optim';
import { Optimizer } from '../../lib/optim/optimizer';
import * as sg from '../../lib/tensor';
import { Tensor } from '../../lib/tensor';
import { describeCase, GOLDEN_OPTIMIZERS, loadGolden, maxRelativeError, replay, tolerance } from '../helpers/golden';

describe('optimizers: reference path (fused: false) on the golden files', () => {
  for (const name of GOLDEN_OPTIMIZERS) {
    it(`${name}: every case, bit-exact or within tolerance`, () => {
      loadGolden(name).forEach((c, i) => {
        const worst = Math.max(...replay(c, { extra: { fused: false } }));
        assert.ok(worst <= tolerance(c.dtype), `${describeCase(c, i)}: ${worst}`);
      });
    });
  }
});

/** Many float64 tensors (sizes 1 … 70,000, to cross chunk boundaries) in three groups; some without grads. */
function problem(seed: number) {
  sg.manualSeed(seed);
  const sizes = [1, 3, 7, 70000, 257, 33000, 1, 5000, 12, 40000, 9, 2];
  const params = sizes.map((n) => sg.randn([n], { dtype: 'float64' }).requiresGrad_(true));
  const grads = Array.from({ length: 4 }, () => sizes.map((n) => sg.randn([n], { dtype: 'float64' })));
  return { params, grads };
}

const OPTIONS: Record<string, Array<Record<string, unknown>>> = {
  SGD: [{ lr: 0.1 }, { lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 1e-3 }, { lr: 0.05, momentum: 0.8, dampening: 0.3, maximize: true }],
  Adam: [{ lr: 0.01 }, { lr: 0.01, amsgrad: true, weight_decay: 0.01, betas: [0.8, 0.99], eps: 1e-3 }],
  AdamW: [{ lr: 0.01 }, { lr: 0.01, weight_decay: 0.1, amsgrad: true, maximize: true }],
  RMSprop: [{ lr: 0.01 }, { lr: 0.01, momentum: 0.9, centered: true, weight_decay: 0.01 }],
  RMSpropTF: [{ lr: 0.01 }, { lr: 0.01, momentum: 0.9, lr_in_momentum: false, centered: true }, { lr: 0.01, weight_decay: 0.01, decoupled_decay: true, momentum: 0.5 }],
  Lamb: [{ lr: 0.01 }, { lr: 0.01, weight_decay: 0, always_adapt: true }, { lr: 0.01, trust_clip: true, max_grad_norm: 0.5 }, { lr: 0.01, max_grad_norm: null, bias_correction: false, grad_averaging: false }],
  Lion: [{ lr: 0.001 }, { lr: 0.001, weight_decay: 0.1, betas: [0.95, 0.98] }],
};

function run(name: string, options: Record<string, unknown>, seed: number, switchAt: number | null = null): number[][] {
  const { params, grads } = problem(seed);
  const groups = [
    { params: params.slice(0, 4) },
    { params: params.slice(4, 9), lr: (options.lr as number) * 0.5 },
    { params: params.slice(9) },
  ];
  const opt: Optimizer = createOptimizer(name, groups, { ...options, fused: switchAt === null ? null : true });
  grads.forEach((gs, step) => {
    if (switchAt !== null && step === switchAt) opt.paramGroups.forEach((g) => (g.fused = false));
    params.forEach((p, i) => (p.grad = (i + step) % 5 === 0 ? null : gs[i].clone()));
    opt.step();
  });
  return params.map((p) => p.toArray());
}

function reference(name: string, options: Record<string, unknown>, seed: number): number[][] {
  return run(name, { ...options, fused: false }, seed);
}

describe('optimizers: fused CPU path agrees with the reference path (float64, within 1e-12)', () => {
  for (const [name, list] of Object.entries(OPTIONS)) {
    it(`${name}: ${list.length} option sets, 12 tensors in 3 groups, missing grads`, () => {
      list.forEach((options, k) => {
        const fused = run(name, options, 10 + k);
        const ref = reference(name, options, 10 + k);
        let worst = 0;
        fused.forEach((values, i) => (worst = Math.max(worst, maxRelativeError(values, ref[i]))));
        assert.ok(worst <= 1e-12, `${name} ${JSON.stringify(options)}: ${worst}`);
      });
    });
  }

  it('switching from fused to reference mid-run shares the state (same trajectory)', () => {
    for (const name of Object.keys(OPTIONS)) {
      const options = OPTIONS[name][OPTIONS[name].length - 1];
      const mixed = run(name, options, 99, 2);
      const ref = reference(name, options, 99);
      let worst = 0;
      mixed.forEach((values, i) => (worst = Math.max(worst, maxRelativeError(values, ref[i]))));
      assert.ok(worst <= 1e-12, `${name}: ${worst}`);
    }
  });

  it('non-contiguous parameters fall back to the reference path', () => {
    const base = sg.randn([4, 6], { dtype: 'float64' });
    const p = base.t().contiguous().t().detach().requiresGrad_(true);
    assert.equal(p.isContiguous(), false);
    const q = p.detach().clone().requiresGrad_(true);
    const a = createOptimizer('Adam', [p], { lr: 0.1 });
    const b = createOptimizer('Adam', [q], { lr: 0.1, fused: false });
    const g: Tensor = sg.randn([4, 6], { dtype: 'float64' });
    p.grad = g.t().contiguous().t();
    q.grad = g.clone();
    a.step();
    b.step();
    assert.deepEqual(p.toArray(), q.toArray());
  });
});
