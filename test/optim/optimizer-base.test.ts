/**
 * The Optimizer base class (lib/optim/optimizer.ts) as a custom TypeScript optimizer sees it, and
 * the checks every optimizer shares: written against the mutants StrykerJS left alive in it (npm
 * run mutate:ts). A custom optimizer uses the base class's own zeroGrad, state, stateDict and
 * loadStateDict (the built-ins override them), so each is tried here through `Sign`.
 */
import assert from 'node:assert/strict';

import { checkOptionNames, createOptimizer, DUPLICATE_PARAMS_WARNING, Optimizer, OptimizerStateDict, ParamsOrGroups, SGD } from '../../lib/optim';
import { noGrad, tensor, Tensor } from '../../lib/tensor';
import { thrown } from '../helpers/thrown';

/** signSGD with a momentum buffer (float state) and a step count (int64 state). */
class Sign extends Optimizer {
  constructor(params: ParamsOrGroups, opts: { lr?: number } = {}) {
    super(params, { lr: opts.lr ?? 0.1, betas: [0.9, 0.99] });
  }
  step(closure?: () => unknown): unknown {
    const loss = this.evaluateClosure(closure);
    noGrad(() => {
      for (const g of this.paramGroups) {
        for (const p of g.params) {
          if (p.grad === null) continue;
          const s = this.state.get(p) ?? { buf: p.grad.mul(0), count: tensor([0], { dtype: 'int64' }) };
          (s.buf as Tensor).mul_(0.5).add_(p.grad.sign());
          (s.count as Tensor).add_(1);
          this.state.set(p, s);
          p.sub_((s.buf as Tensor).mul(g.lr!));
        }
      }
    });
    return loss;
  }
}

const param = (values: number[] = [1, -2, 3], dtype: 'float32' | 'float64' = 'float64') => tensor(values, { dtype, requiresGrad: true });
const message = (fn: () => unknown): string => thrown(fn, true);

/** Sign over p with two steps taken on the gradient [0.5, -1, 2]. */
function stepped(p = param()): Sign {
  const opt = new Sign([p]);
  for (let k = 0; k < 2; k++) {
    p.grad = tensor([0.5, -1, 2], { dtype: p.dtype });
    opt.step();
  }
  return opt;
}

describe('optim: the Optimizer base class (a custom TypeScript optimizer)', () => {
  it('defaults that are not an object, a group that is not an object, a disposed parameter: errors naming them', () => {
    class Bad extends Optimizer {
      constructor(params: ParamsOrGroups, defaults: unknown) {
        super(params, defaults as Record<string, unknown>);
      }
      step(): void {}
    }
    assert.equal(message(() => new Bad([param()], 5)), 'TypeError: Expected an object for defaults but received 5 (number)');
    assert.equal(message(() => new Sign([5 as never])), 'TypeError: Expected a param group {params, ...options} for param_groups[0] but received 5 (number)');
    const gone = param();
    gone.dispose();
    assert.equal(message(() => new Sign([param(), gone])), 'Error: param_groups[0].params[1] has been disposed');
    assert.equal(message(() => new SGD([{ params: [param()] }, { params: [gone] }], { lr: 0.1 })), 'Error: param_groups[1].params[0] has been disposed');
  });

  it('a parameter twice in a group: PyTorch\'s warning, as a UserWarning, once per list', async () => {
    const warnings: Error[] = [];
    const listen = (w: Error) => warnings.push(w);
    process.on('warning', listen);
    try {
      const p = param();
      const opt = new Sign([p, p]);
      opt.addParamGroup({ params: [param()] });
      await new Promise((r) => setImmediate(r));
      const ours = warnings.filter((w) => w.message === DUPLICATE_PARAMS_WARNING);
      assert.equal(ours.length, 1);
      assert.equal(ours[0].name, 'UserWarning');
    } finally {
      process.off('warning', listen);
    }
  });

  it("zeroGrad: the base class's sets gradients to null by default, zeroes them in place with false", () => {
    const p = param();
    const q = param();
    const opt = new Sign([p, q]);
    p.grad = tensor([1, 2, 3], { dtype: 'float64' });
    opt.zeroGrad();
    assert.equal(p.grad, null);
    assert.equal(q.grad, null);
    const g = tensor([1, 2, 3], { dtype: 'float64' });
    p.grad = g;
    opt.zeroGrad(false);
    assert.ok(p.grad !== null);
    assert.deepEqual(Array.from(p.grad.toTypedArray() as Float64Array), [0, 0, 0]);
    assert.deepEqual(Array.from(g.toTypedArray() as Float64Array), [0, 0, 0], 'zeroed in place');
    assert.equal(q.grad, null);
  });

  it('step(closure): undefined or null is no closure (step returns undefined); anything else but a function is refused', () => {
    for (const opt of [new Sign([param()]), new SGD([param()], { lr: 0.1 })]) {
      assert.equal(opt.step(null as never), undefined);
      assert.equal(opt.step(undefined), undefined);
      assert.equal(opt.step(() => 4), 4);
      assert.equal(message(() => opt.step(5 as never)), 'TypeError: Expected a function for step(closure) but received 5 (number)');
    }
  });

  it("state: the base class's accessor stores what is set", () => {
    const p = param();
    const opt = new Sign([p]);
    const mine = new Map<Tensor, Record<string, unknown>>([[p, { buf: tensor([7, 7, 7], { dtype: 'float64' }), count: tensor([3], { dtype: 'int64' }) }]]);
    opt.state = mine;
    assert.equal(opt.state, mine);
    p.grad = tensor([1, 1, 1], { dtype: 'float64' });
    opt.step();
    // The step went on from the state set: 7 * 0.5 + 1, the fourth count.
    assert.deepEqual(Array.from((opt.state.get(p)!.buf as Tensor).toTypedArray() as Float64Array), [4.5, 4.5, 4.5]);
    assert.deepEqual(Array.from((opt.state.get(p)!.count as Tensor).toTypedArray() as BigInt64Array, Number), [4]);
  });

  it('loadStateDict: state copied into the parameters\' dtype (floating state only) and device, never shared; a Map or no state at all is accepted', () => {
    const source = stepped(param([1, -2, 3], 'float32'));
    const sd = source.stateDict();
    const bufBefore = Array.from((sd.state[0].buf as Tensor).toTypedArray() as Float32Array);
    const p = param([5, 5, 5], 'float64');
    const opt = new Sign([p], { lr: 0.25 });
    opt.loadStateDict(sd);
    const s = opt.state.get(p)!;
    assert.equal((s.buf as Tensor).dtype, 'float64', 'floating state takes the parameter dtype');
    assert.equal((s.count as Tensor).dtype, 'int64', 'integer state keeps its dtype');
    assert.deepEqual(Array.from((s.count as Tensor).toTypedArray() as BigInt64Array, Number), [2]);
    assert.deepEqual(Array.from((s.buf as Tensor).toTypedArray() as Float64Array), bufBefore);
    assert.equal(opt.paramGroups[0].lr, 0.1, 'the group options come from the state dict');
    assert.equal(opt.paramGroups[0].params[0], p);
    // A copy: stepping the loaded optimizer leaves the source's state alone.
    p.grad = tensor([1, 1, 1], { dtype: 'float64' });
    opt.step();
    assert.deepEqual(Array.from((sd.state[0].buf as Tensor).toTypedArray() as Float32Array), bufBefore);
    assert.deepEqual(Array.from((source.state.get(source.paramGroups[0].params[0])!.count as Tensor).toTypedArray() as BigInt64Array, Number), [2]);
    // state as a Map (PyTorch's layout read from elsewhere), or absent: accepted.
    const viaMap = new Sign([param()]);
    viaMap.loadStateDict({ state: new Map([[0, sd.state[0]]]) as never, param_groups: sd.param_groups });
    assert.deepEqual(Array.from((viaMap.stateDict().state[0].count as Tensor).toTypedArray() as BigInt64Array, Number), [2]);
    const none = stepped();
    none.loadStateDict({ param_groups: [{ lr: 0.5, params: [0] }] } as unknown as OptimizerStateDict);
    assert.equal(none.state.size, 0);
    assert.equal(none.paramGroups[0].lr, 0.5);
  });

  it('loadStateDict refuses, naming the place: param_groups not an array, state not an object, a group or its params of the wrong type, a state entry not an object, a state tensor of another shape', () => {
    const opt = stepped();
    const groups = opt.stateDict().param_groups;
    const cases: Array<[unknown, string]> = [
      [{ state: {}, param_groups: 5 }, 'TypeError: Expected an array for stateDict.param_groups but received 5 (number)'],
      [{ state: 5, param_groups: groups }, 'TypeError: Expected an object for stateDict.state but received 5 (number)'],
      [{ state: [], param_groups: groups }, 'TypeError: Expected an object for stateDict.state but received [] (array)'],
      [{ state: null, param_groups: groups }, 'TypeError: Expected an object for stateDict.state but received null'],
      [{ state: {}, param_groups: [5] }, 'TypeError: Expected an object for stateDict.param_groups[0] but received 5 (number)'],
      [{ state: {}, param_groups: [{ lr: 0.1, params: 0 }] }, 'TypeError: Expected an array of indices for stateDict.param_groups[0].params but received 0 (number)'],
      [{ state: { 0: 5 }, param_groups: groups }, 'TypeError: Expected an object for stateDict.state[0] but received 5 (number)'],
      [
        { state: { 0: { buf: tensor([[1, 2, 3]], { dtype: 'float64' }) } }, param_groups: groups },
        'RangeError: stateDict.state[0].buf has shape [1, 3] but its parameter has shape [3]',
      ],
    ];
    for (const [sd, expected] of cases) {
      const before = opt.stateDict();
      assert.equal(message(() => opt.loadStateDict(sd as OptimizerStateDict)), expected);
      assert.deepEqual(opt.stateDict().param_groups, before.param_groups);
    }
    // The shape message lists every dimension of both shapes.
    const m = new Sign([tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64', requiresGrad: true })]);
    assert.equal(
      message(() => m.loadStateDict({ state: { 0: { buf: tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' }) } }, param_groups: [{ lr: 0.1, params: [0] }] })),
      'RangeError: stateDict.state[0].buf has shape [3, 2] but its parameter has shape [2, 3]',
    );
  });
});

describe('optim: checkOptionNames (custom optimizers\' optionNames)', () => {
  it('null or absent optionNames: nothing is checked; a list with a non-string, or not a list: an error naming the class', () => {
    const cls = (optionNames: unknown) => ({ name: 'Mine', optionNames: optionNames as string[] });
    assert.doesNotThrow(() => checkOptionNames(cls(null), { anything: 1 }));
    assert.doesNotThrow(() => checkOptionNames(cls(undefined), { anything: 1 }));
    assert.equal(message(() => checkOptionNames(cls(['lr', 5]), { lr: 1 })), 'TypeError: Expected an array of option names (strings) for Mine.optionNames but received ["lr",5] (array)');
    assert.match(message(() => checkOptionNames(cls([5]), {})), /^TypeError: Expected an array of option names \(strings\) for Mine\.optionNames/);
    assert.doesNotThrow(() => checkOptionNames(cls([]), {}));
    class Nulls extends Sign {
      static override optionNames = null as unknown as string[];
    }
    assert.ok(createOptimizer(Nulls as never, [param()], { whatever: 1 }) instanceof Nulls);
  });

  it('params is refused as such, even where optionNames lists it; the message names the path', () => {
    const cls = { name: 'Mine', optionNames: ['lr', 'params'] };
    assert.equal(
      message(() => checkOptionNames(cls, { params: [] })),
      'TypeError: optimizer_params.params is not allowed: the parameters are given separately (they come from the model)',
    );
    assert.equal(
      message(() => checkOptionNames({ name: 'Mine', optionNames: ['lr'] }, { params: [] }, 'training_params.optimizer_params')),
      'TypeError: training_params.optimizer_params.params is not allowed: the parameters are given separately (they come from the model)',
    );
    assert.equal(message(() => checkOptionNames({ name: 'Mine', optionNames: ['lr'] }, { lrr: 1 })), "TypeError: unknown Mine option 'lrr'; did you mean 'lr'? known: lr (at optimizer_params.lrr)");
  });
});
