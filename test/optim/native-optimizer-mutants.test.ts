/**
 * NativeOptimizer (lib/optim/native-optimizer.ts), the TypeScript face of every built-in
 * optimizer: tests written against the mutants StrykerJS left alive in it (npm run mutate:ts),
 * each naming the behaviour a surviving mutant changed without any test noticing.
 */
import assert from 'node:assert/strict';

import { Adam, Lamb, OptimizerStateDict, SGD } from '../../lib/optim';
import { tensor, Tensor } from '../../lib/tensor';
import { thrown } from '../helpers/thrown';

const f64 = (values: number[]) => tensor(values, { dtype: 'float64', requiresGrad: true });
const values = (t: Tensor) => Array.from(t.toTypedArray() as Float64Array);
const message = (fn: () => unknown): string => thrown(fn, true);

describe('optim: NativeOptimizer, the remaining rules', () => {
  it('optimizer_params that are not an object, paramGroups replaced by a non-array, state assigned: errors naming them', () => {
    assert.equal(message(() => new Adam([f64([1])], 5 as never)), 'TypeError: Expected an object for Adam optimizer_params but received 5 (number)');
    const opt = new SGD([f64([1, 2])], { lr: 0.1 });
    const groups = opt.paramGroups;
    opt.paramGroups = 5 as never;
    assert.equal(message(() => opt.step()), 'TypeError: Expected an array of param groups for paramGroups but received 5 (number)');
    opt.paramGroups = groups;
    assert.equal(message(() => opt.step()), 'no error');
    assert.equal(
      message(() => {
        opt.state = new Map();
      }),
      'Error: SGD.state is owned by native code; use loadStateDict()',
    );
  });

  it('a parameter pushed onto a group list in place is stepped from the next step on', () => {
    const a = f64([1, 2]);
    const b = f64([10, 20]);
    const opt = new SGD([a], { lr: 0.5 });
    a.grad = tensor([1, 1], { dtype: 'float64' });
    opt.step();
    opt.paramGroups[0].params.push(b);
    b.grad = tensor([2, 4], { dtype: 'float64' });
    opt.step();
    assert.deepEqual(values(b), [9, 18]);
    assert.deepEqual(values(a), [0, 1]);
  });

  it("a group list edited in place to hold another group's parameter is PyTorch's error at the next step, the group count unchanged", () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    const opt = new SGD([{ params: [a] }, { params: [b] }], { lr: 0.1 });
    opt.step();
    opt.paramGroups[1].params[0] = a;
    assert.equal(message(() => opt.step()), 'Error: some parameters appear in more than one parameter group (param_groups[1].params[0])');
    opt.paramGroups[1].params[0] = b;
    assert.equal(message(() => opt.step()), 'no error');
  });

  it('after a step over a parameter listed twice, the other parameters keep their gradients', () => {
    const w = f64([1, 2]);
    const v = f64([3, 4]);
    const opt = new SGD([w, w, v], { lr: 0.1 });
    const gv = tensor([0.5, 0.5], { dtype: 'float64' });
    w.grad = tensor([1, 1], { dtype: 'float64' });
    v.grad = gv;
    opt.step();
    assert.ok(v.grad !== null, "v's gradient is put back");
    assert.deepEqual(values(v.grad), [0.5, 0.5]);
    assert.deepEqual(values(v), [2.95, 3.95]);
    assert.deepEqual(values(w), [1 - 0.1 - 0.1, 2 - 0.1 - 0.1], 'w stepped twice');
  });

  it("Lamb's group step: a group replaced over a list whose contents changed in place starts a new count", () => {
    const a = f64([1, 2]);
    const c = f64([5, 6]);
    const opt = new Lamb([a], { lr: 0.01 });
    const grads = () => {
      a.grad = tensor([1, -1], { dtype: 'float64' });
      c.grad = tensor([1, 1], { dtype: 'float64' });
    };
    grads();
    opt.step();
    opt.step();
    assert.equal(opt.stateDict().param_groups[0].step, 2);
    // The same object replaced by a copy over the same, unchanged list: the count carries on.
    opt.paramGroups[0] = { ...opt.paramGroups[0] };
    opt.step();
    assert.equal(opt.stateDict().param_groups[0].step, 3);
    // A copy over the same list, changed in place: a new group.
    const g = opt.paramGroups[0];
    g.params.push(c);
    opt.paramGroups[0] = { ...g };
    grads();
    opt.step();
    assert.equal(opt.stateDict().param_groups[0].step, 1);
  });

  it("Lamb's loaded group step: absent is no step (the count starts again), 0 is valid, a negative one is refused", () => {
    const w = f64([1, 2, 3]);
    const opt = new Lamb([w], { lr: 0.01 });
    w.grad = tensor([1, 2, 3], { dtype: 'float64' });
    opt.step();
    opt.step();
    const sd = opt.stateDict();
    const withStep = (step: unknown): OptimizerStateDict => ({ ...sd, param_groups: [{ ...sd.param_groups[0], step } as never] });
    const { step: _step, ...noStep } = sd.param_groups[0];
    opt.loadStateDict({ ...sd, param_groups: [noStep as never] });
    assert.equal('step' in opt.stateDict().param_groups[0], false);
    opt.step();
    assert.equal(opt.stateDict().param_groups[0].step, 1);
    opt.loadStateDict(withStep(5));
    assert.equal(opt.stateDict().param_groups[0].step, 5);
    opt.loadStateDict(withStep(0));
    opt.step();
    assert.equal(opt.stateDict().param_groups[0].step, 1);
    opt.loadStateDict(withStep(tensor(7)));
    assert.equal(opt.stateDict().param_groups[0].step, 7);
    assert.equal(message(() => opt.loadStateDict(withStep(-1))), 'TypeError: Expected a non-negative integer for stateDict.param_groups[0].step but received -1 (number)');
    assert.equal(opt.stateDict().param_groups[0].step, 7);
  });
});
