/**
 * loadStateDict as PyTorch's (groups completed by the reference's __setstate__, all or nothing),
 * live parameter lists, the implementation flags PyTorch checks, and Python's number wording.
 */
import assert from 'node:assert/strict';

import { Adam, Lamb, RMSprop, SGD } from '../../lib/optim';
import { Optimizer } from '../../lib/optim/optimizer';
import { pythonNumber } from '../../lib/optim/option-schema';
import { Tensor, tensor } from '../../lib/tensor';

const f64 = (values: number[], requiresGrad = false) => tensor(values, { dtype: 'float64', requiresGrad });

/** Steps `opt` once with fixed gradients. */
function stepWith(opt: Optimizer, params: Tensor[]): void {
  params.forEach((p, i) => (p.grad = f64(p.toArray().map((_, k) => 0.1 * (i + 1) - 0.05 * k))));
  opt.step();
}

/** A comparable picture of an optimizer: its state dict with tensors as arrays. */
function picture(opt: Optimizer): unknown {
  return JSON.parse(JSON.stringify(opt.stateDict(), (_k, v) => (v instanceof Tensor ? v.toArray() : v)));
}

describe('optimizers: loadStateDict completes groups as __setstate__ and is all or nothing', () => {
  it("a group saved without the flags an older PyTorch lacked loads with the reference's defaults", () => {
    const w = f64([1, 2, 3], true);
    const opt = new Adam([w], { lr: 0.01 });
    stepWith(opt, [w]);
    const sd = opt.stateDict();
    for (const key of ['maximize', 'foreach', 'fused', 'capturable', 'differentiable', 'amsgrad']) delete sd.param_groups[0][key];
    const w2 = f64(w.toArray(), true);
    const opt2 = new Adam([w2], { lr: 0.5, amsgrad: true });
    opt2.loadStateDict(sd);
    assert.equal(opt2.paramGroups[0].amsgrad, false);
    assert.equal(opt2.paramGroups[0].maximize, false);
    assert.equal(opt2.paramGroups[0].lr, 0.01);
    stepWith(opt, [w]);
    stepWith(opt2, [w2]);
    assert.deepEqual(w2.toArray(), w.toArray());
  });

  it("RMSprop's momentum is filled with 0 (its __setstate__), not with the optimizer's own value", () => {
    const w = f64([1, 2], true);
    const opt = new RMSprop([w], { lr: 0.01 });
    stepWith(opt, [w]);
    const sd = opt.stateDict();
    delete sd.param_groups[0].momentum;
    const opt2 = new RMSprop([f64([1, 2], true)], { lr: 0.01, momentum: 0.9 });
    opt2.loadStateDict(sd);
    assert.equal(opt2.paramGroups[0].momentum, 0);
  });

  const missing: Array<[string, () => { opt: Optimizer; params: Tensor[] }, string]> = [
    ['Adam without eps', () => { const p = [f64([1, 2], true)]; return { opt: new Adam(p, { lr: 0.01 }), params: p }; }, 'eps'],
    ['SGD without lr', () => { const p = [f64([1, 2], true)]; return { opt: new SGD(p, { lr: 0.01, momentum: 0.9 }), params: p }; }, 'lr'],
    ['Lamb without betas', () => { const p = [f64([1, 2], true)]; return { opt: new Lamb(p, { lr: 0.01 }), params: p }; }, 'betas'],
  ];
  for (const [title, build, key] of missing) {
    it(`BAD CALL: ${title}: an Error naming '${key}', and the optimizer unchanged and still stepping`, () => {
      const { opt, params } = build();
      stepWith(opt, params);
      const sd = opt.stateDict();
      delete sd.param_groups[0][key];
      const before = picture(opt);
      const values = params.map((p) => p.toArray());
      assert.throws(() => opt.loadStateDict(sd), (err: Error) => err instanceof Error && err.message.includes(`lacks '${key}'`) && err.message.includes('stateDict.param_groups[0]'));
      assert.deepEqual(picture(opt), before);
      assert.deepEqual(params.map((p) => p.toArray()), values);
      stepWith(opt, params);
    });
  }

  it('BAD CALL: a Lamb group step that is not a non-negative integer is a TypeError; the counter stays', () => {
    const w = f64([1, 2, 3], true);
    const opt = new Lamb([w], { lr: 0.01 });
    stepWith(opt, [w]);
    stepWith(opt, [w]);
    const sd = opt.stateDict();
    sd.param_groups[0].step = 'x';
    assert.throws(() => opt.loadStateDict(sd), (err: Error) => err instanceof TypeError && /stateDict\.param_groups\[0\]\.step/.test(err.message) && /non-negative integer/.test(err.message));
    assert.equal(opt.stateDict().param_groups[0].step, 2);
  });

  it('a state native code refuses (wrong dtype of a step) puts the previous state back', () => {
    const w = f64([1, 2], true);
    const opt = new Adam([w], { lr: 0.01 });
    stepWith(opt, [w]);
    const before = picture(opt);
    const sd = opt.stateDict();
    (sd.state[0] as Record<string, unknown>).exp_avg = 'not a tensor';
    assert.throws(() => opt.loadStateDict(sd));
    assert.deepEqual(picture(opt), before);
    stepWith(opt, [w]);
  });
});

describe('optimizers: live parameter lists', () => {
  it('replacing one tensor of a group takes effect at the next step', () => {
    const a = f64([1, 1], true);
    const b = f64([5, 5], true);
    const opt = new SGD([a], { lr: 0.5 });
    opt.paramGroups[0].params[0] = b;
    a.grad = f64([1, 1]);
    b.grad = f64([1, 1]);
    opt.step();
    assert.deepEqual(a.toArray(), [1, 1]);
    assert.deepEqual(b.toArray(), [4.5, 4.5]);
  });
});

describe("optimizers: PyTorch's implementation-flag checks", () => {
  it('BAD CALL: fused and foreach both true', () => {
    for (const Cls of [SGD, Adam]) {
      assert.throws(() => new Cls([f64([1], true)], { lr: 0.1, fused: true, foreach: true }), { message: /`fused` and `foreach` cannot be `True` together/ });
    }
  });
  it('BAD CALL: differentiable: true, which sg-optim does not implement', () => {
    assert.throws(() => new Adam([{ params: [f64([1], true)], differentiable: true }], { lr: 0.1 }), { message: /differentiable: true is not supported \(param_groups\[0\]\.differentiable\)/ });
  });
});

describe('optimizers: numbers in messages as Python prints them', () => {
  it('formats floats as repr() does', () => {
    assert.equal(pythonNumber(-1), '-1');
    assert.equal(pythonNumber(-1e-8), '-1e-08');
    assert.equal(pythonNumber(1.5e-5), '1.5e-05');
    assert.equal(pythonNumber(-0.001), '-0.001');
    assert.equal(pythonNumber(1e16), '1e+16');
    assert.equal(pythonNumber(NaN), 'nan');
    assert.equal(pythonNumber(-Infinity), '-inf');
  });
  it('NaN hyperparameters get PyTorch\'s range message ("Invalid learning rate: nan")', () => {
    assert.throws(() => new SGD([f64([1], true)], { lr: NaN }), (err: Error) => err instanceof RangeError && err.message === 'Invalid learning rate: nan');
    assert.throws(() => new Adam([f64([1], true)], { betas: [0.9, NaN] }), (err: Error) => err instanceof RangeError && err.message === 'Invalid beta parameter at index 1: nan');
  });
});

describe('optimizers: options edited between steps are range-checked at step()', () => {
  for (const [key, value, message] of [
    ['lr', NaN, 'Invalid learning rate: nan (param_groups[0].lr)'],
    ['lr', -0.5, 'Invalid learning rate: -0.5 (param_groups[0].lr)'],
    ['eps', -1e-8, 'Invalid epsilon value: -1e-08 (param_groups[0].eps)'],
  ] as const) {
    it(`BAD CALL: step() after paramGroups[0].${key} = ${value}: a RangeError, parameters and state unchanged`, () => {
      const w = f64([1, 2], true);
      const opt = new Adam([w], { lr: 0.1 });
      stepWith(opt, [w]);
      const before = picture(opt);
      const values = w.toArray();
      opt.paramGroups[0][key] = value;
      w.grad = f64([1, 1]);
      assert.throws(() => opt.step(), (err: Error) => err instanceof RangeError && err.message === message);
      assert.deepEqual(w.toArray(), values);
      opt.paramGroups[0][key] = (before as { param_groups: Array<Record<string, number>> }).param_groups[0][key];
      assert.deepEqual(picture(opt), before);
    });
  }
});
