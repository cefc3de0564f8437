import assert from 'node:assert/strict';

import { Adam, AdamW, createOptimizer, listOptimizers, Optimizer, ParamsOrGroups, registerOptimizer, RMSpropTF, SGD } from '../../lib/optim';
import { noGrad, tensor, Tensor } from '../../lib/tensor';

const f64 = (values: number[]) => tensor(values, { dtype: 'float64', requiresGrad: true });

describe('optimizers: API', () => {
  it('merges defaults into every group (Python semantics) and keeps extra keys', () => {
    const a = f64([1]);
    const b = f64([2]);
    const opt = new Adam([{ params: [a], name: 'backbone' }, { params: [b], lr: 0.5, weight_decay: 0.1 }], { lr: 0.01, eps: 1e-6 });
    assert.equal(opt.paramGroups[0].lr, 0.01);
    assert.equal(opt.paramGroups[0].eps, 1e-6);
    assert.equal(opt.paramGroups[0].name, 'backbone');
    assert.deepEqual(opt.paramGroups[0].betas, [0.9, 0.999]);
    assert.equal(opt.paramGroups[1].lr, 0.5);
    assert.equal(opt.paramGroups[1].weight_decay, 0.1);
    assert.equal(opt.defaults.lr, 0.01);
    assert.equal(opt.defaults.amsgrad, false);
  });

  it('takes a changed group lr at the next step', () => {
    const w = f64([1, 1]);
    const opt = new SGD([w], { lr: 0.1 });
    w.grad = tensor([1, 2], { dtype: 'float64' });
    opt.step();
    assert.deepEqual(w.toArray(), [0.9, 0.8]);
    opt.paramGroups[0].lr = 1;
    opt.step();
    assert.deepEqual(w.toArray(), [0.9 - 1, 0.8 - 2]);
  });

  it('accepts group objects replaced wholesale (as updateParamGroups may return)', () => {
    const w = f64([1]);
    const opt = new SGD([w], { lr: 0.1 });
    opt.paramGroups = opt.paramGroups.map((g) => ({ ...g, lr: 0.5 }));
    w.grad = tensor([1], { dtype: 'float64' });
    opt.step();
    assert.deepEqual(w.toArray(), [0.5]);
  });

  it('addParamGroup: the new group is stepped with its own options and the defaults', () => {
    const a = f64([1]);
    const b = f64([1]);
    const opt = new SGD([a], { lr: 0.1, momentum: 0.9 });
    opt.addParamGroup({ params: [b], lr: 0.01 });
    assert.equal(opt.paramGroups[1].momentum, 0.9);
    a.grad = tensor([1], { dtype: 'float64' });
    b.grad = tensor([1], { dtype: 'float64' });
    opt.step();
    assert.deepEqual(a.toArray(), [0.9]);
    assert.deepEqual(b.toArray(), [0.99]);
  });

  it('skips parameters without a gradient and leaves their state alone', () => {
    const a = f64([1]);
    const b = f64([1]);
    const opt = new Adam([a, b], { lr: 0.1 });
    a.grad = tensor([1], { dtype: 'float64' });
    opt.step();
    assert.equal(opt.state.has(b), false);
    assert.deepEqual(b.toArray(), [1]);
    assert.equal(opt.state.get(a)!.step, 1);
  });

  it('zeroGrad sets gradients to null by default, or zeroes them', () => {
    const w = f64([1, 2]);
    const opt = new SGD([w], { lr: 0.1 });
    w.grad = tensor([1, 1], { dtype: 'float64' });
    opt.zeroGrad(false);
    assert.deepEqual(w.grad!.toArray(), [0, 0]);
    opt.zeroGrad();
    assert.equal(w.grad, null);
  });

  it('step(closure) evaluates the closure with autograd on and returns its loss', () => {
    const w = f64([3]);
    const opt = new SGD([w], { lr: 0.1 });
    const loss = noGrad(() =>
      opt.step(() => {
        opt.zeroGrad();
        const l = w.mul(w).sum();
        l.backward();
        return l;
      }),
    ) as Tensor;
    assert.equal(loss.item(), 9);
    assert.ok(Math.abs((w.toArray()[0]) - (3 - 0.1 * 6)) < 1e-12);
  });

  it('maximize steps along the gradient (Adam with maximize = Adam on the negated gradient)', () => {
    const a = f64([1, -1]);
    const b = f64([1, -1]);
    const up = new Adam([a], { lr: 0.1, maximize: true, weight_decay: 0.01 });
    const down = new Adam([b], { lr: 0.1, weight_decay: 0.01 });
    for (let i = 0; i < 3; i++) {
      a.grad = tensor([0.5, 2], { dtype: 'float64' });
      b.grad = tensor([-0.5, -2], { dtype: 'float64' });
      up.step();
      down.step();
    }
    assert.deepEqual(a.toArray(), b.toArray());
    assert.deepEqual(a.grad!.toArray(), [0.5, 2], 'the gradient is restored after the step');
  });

  it('accepts foreach and fused flags', () => {
    const opt = new AdamW([f64([1])], { foreach: false, fused: null });
    assert.equal(opt.paramGroups[0].foreach, false);
  });

  it("resolves names exactly, then by SuperGradients' fuzzy rule", () => {
    const w = f64([1]);
    assert.ok(createOptimizer('adam_w', [w]) instanceof AdamW);
    assert.ok(createOptimizer('RMSPROP-TF', [f64([1])]) instanceof RMSpropTF);
    assert.ok(createOptimizer('AdAm_', [f64([1])]) instanceof Adam);
    assert.ok(createOptimizer(SGD as never, [f64([1])], { lr: 0.1 }) instanceof SGD);
    assert.deepEqual(listOptimizers().slice(0, 7), ['SGD', 'Adam', 'AdamW', 'RMSprop', 'RMSpropTF', 'Lamb', 'Lion']);
  });

  it('runs a custom TypeScript optimizer registered by decorator, and one extending a built-in', () => {
    @registerOptimizer()
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- registered by its decorator, used by name
    class SignDescent extends Optimizer {
      constructor(params: ParamsOrGroups, options: { lr?: number; alpha?: number } = {}) {
        super(params, { lr: options.lr ?? 0.1, alpha: options.alpha ?? 1 });
      }
      step(): void {
        noGrad(() => {
          for (const g of this.paramGroups) {
            for (const p of g.params) {
              const grad = p.grad;
              if (grad === null) continue;
              const st = this.state.get(p) ?? { count: 0 };
              st.count = (st.count as number) + 1;
              this.state.set(p, st);
              p.sub_(grad.sign().mul((g.lr as number) * (g.alpha as number)));
            }
          }
        });
      }
    }
    const w = f64([1, -1]);
    const opt = createOptimizer('SignDescent', [w], { lr: 0.5 });
    w.grad = tensor([3, -0.1], { dtype: 'float64' });
    opt.step();
    assert.deepEqual(w.toArray(), [0.5, -0.5]);
    assert.deepEqual(opt.stateDict().state[0], { count: 1 });

    registerOptimizer('DoubleStepSGD', class extends SGD {
      override step(): unknown {
        super.step();
        return super.step();
      }
    } as never);
    const v = f64([1]);
    const twice = createOptimizer('DoubleStepSGD', [v], { lr: 0.25 });
    v.grad = tensor([1], { dtype: 'float64' });
    twice.step();
    assert.deepEqual(v.toArray(), [0.5]);
    assert.throws(() => registerOptimizer('DoubleStepSGD', SGD as never), /already registered; pass \{override: true\}/);
  });
});
