/**
 * Param groups edited as PyTorch users edit them (addParamGroup, groups pushed onto or removed
 * from paramGroups in place), a parameter listed twice in one group, and step(closure): every
 * number, layout, warning and message against torch.optim 2.15 itself
 * (test/optim/fixtures/param-group-edits.json, made by test/optim/python/make_param_group_edits.py).
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

import { packageRoot } from '../../lib/package-root';
import { createOptimizer, DUPLICATE_PARAMS_WARNING, Lamb, Lion, NativeOptimizer, Optimizer, OptimizerStateDict, ParamGroup, ParamsOrGroups, required, RMSpropTF, SGD } from '../../lib/optim';
import { isGradEnabled, noGrad, tensor, Tensor } from '../../lib/tensor';

interface Step {
  grads: Array<number[] | null>;
  params: number[][];
}
interface Encoded {
  tensor: number[];
  shape: number[];
  dtype: string;
}
interface Layout {
  state: Record<string, Record<string, Encoded | number>>;
  param_groups: Array<Record<string, unknown> & { params: number[] }>;
  tensor_keyed_state: number;
}
interface Fixture {
  torch: string;
  shapes: number[][];
  init: number[][];
  optimizers: Record<string, { cls: string; options: Record<string, unknown> }>;
  added_mid_run: Record<string, { steps: Step[]; state_dict: Layout }>;
  pushed_and_removed: Record<string, { steps: Step[]; layouts: { after_push: Layout; after_remove: Layout; final: Layout; state_dict_after_remove_raises?: string } }>;
  duplicate_in_group: Record<string, { warnings: string[]; steps: Step[]; state_dict: Layout }>;
  closure: Record<string, { grad_enabled_in_closure: boolean[]; losses: number[]; params: number[][][]; number_closure_returns: number }>;
  messages: Record<'in_two_groups' | 'add_existing' | 'required' | 'required_add', string> & { filled: Record<string, unknown> };
}

const FIXTURE: Fixture = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'test', 'optim', 'fixtures', 'param-group-edits.json'), 'utf8'));
const KEYS = Object.keys(FIXTURE.optimizers);
/**
 * Options torch.optim 2.15 has that sg-optim's optimizers do not: AdamW's decoupled_weight_decay
 * (always true there, and not an AdamW argument). Where ours has the key (Adam's), it is compared.
 */
const NOT_OURS = new Set(['decoupled_weight_decay']);
/** Options sg-optim's optimizers have that torch.optim 2.15's do not: RMSprop's `fused` (false selects our reference path). */
const OURS_ONLY: Readonly<Record<string, readonly string[]>> = { RMSprop: ['fused'] };
const REL = 1e-10;

function close(actual: number, expected: number, what: string): void {
  const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-12);
  assert.ok(err <= REL || actual === expected, `${what}: ${actual} vs PyTorch's ${expected} (relative error ${err})`);
}

function closeAll(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) close(actual[i], expected[i], `${what}[${i}]`);
}

function fresh(): Tensor[] {
  return FIXTURE.init.map((v, i) => tensor(v, { shape: FIXTURE.shapes[i], dtype: 'float64', requiresGrad: true }));
}

function build(key: string, groups: ParamsOrGroups): Optimizer {
  const { cls, options } = FIXTURE.optimizers[key];
  return createOptimizer(cls, groups, options);
}

function setGrads(params: Tensor[], grads: Array<number[] | null>): void {
  params.forEach((p, i) => {
    const g = grads[i];
    p.grad = g === null ? null : tensor(g, { shape: FIXTURE.shapes[i], dtype: 'float64' });
  });
}

function checkParams(params: Tensor[], expected: number[][], what: string): void {
  params.forEach((p, i) => closeAll(p.toTypedArray() as Float64Array, expected[i], `${what} param ${i}`));
}

/** Our stateDict against PyTorch's: the same state keys and values, the same group indices and options. */
function checkLayout(sd: OptimizerStateDict, expected: Layout, what: string, cls: string): void {
  assert.equal(expected.tensor_keyed_state, 0, `${what}: the fixture has no tensor-keyed state`);
  assert.deepEqual(Object.keys(sd.state).sort(), Object.keys(expected.state).sort(), `${what}: state indices`);
  for (const [index, entry] of Object.entries(expected.state)) {
    const ours = sd.state[Number(index)];
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(entry).sort(), `${what}: state[${index}] keys`);
    for (const [key, value] of Object.entries(entry)) {
      const v = ours[key];
      if (typeof value === 'number') {
        close(v instanceof Tensor ? Number(v.item()) : (v as number), value, `${what}: state[${index}].${key}`);
        continue;
      }
      assert.ok(v instanceof Tensor, `${what}: state[${index}].${key} is a Tensor`);
      assert.deepEqual(v.shape, value.shape, `${what}: state[${index}].${key} shape`);
      closeAll(v.toTypedArray() as Float64Array, value.tensor, `${what}: state[${index}].${key}`);
    }
  }
  assert.equal(sd.param_groups.length, expected.param_groups.length, `${what}: group count`);
  expected.param_groups.forEach((group, g) => {
    const ours = sd.param_groups[g];
    assert.deepEqual(ours.params, group.params, `${what}: param_groups[${g}].params`);
    for (const [key, value] of Object.entries(group)) {
      if (NOT_OURS.has(key) && !(key in ours)) continue;
      assert.ok(key in ours, `${what}: param_groups[${g}] lacks ${key}`);
      assert.deepEqual(ours[key], value, `${what}: param_groups[${g}].${key}`);
    }
    for (const key of Object.keys(ours)) assert.ok(key in group || OURS_ONLY[cls]?.includes(key), `${what}: param_groups[${g}].${key} is not PyTorch's`);
  });
}

/** Runs `fn` with process warnings recorded instead of printed. */
function recordWarnings<T>(fn: () => T): { result: T; warnings: string[] } {
  const warnings: string[] = [];
  const emit = process.emitWarning;
  process.emitWarning = ((w: string | Error) => warnings.push(typeof w === 'string' ? w : w.message)) as typeof process.emitWarning;
  try {
    return { result: fn(), warnings };
  } finally {
    process.emitWarning = emit;
  }
}

/** Parameters, their gradients, state and groups, for "unchanged" checks. */
function snapshot(opt: Optimizer, params: Tensor[]): string {
  const state = [...opt.state.entries()].map(([p, s]) => [
    params.indexOf(p),
    Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? Array.from(v.toTypedArray() as Float64Array) : v])),
  ]);
  const groups = opt.paramGroups.map(({ params: ps, ...rest }) => ({ n: ps.length, ...rest }));
  return JSON.stringify({ params: params.map((p) => Array.from(p.toTypedArray() as Float64Array)), grads: params.map((p) => p.grad?.toArray() ?? null), state, groups });
}

describe(`optim: param groups edited as in PyTorch (against torch ${FIXTURE.torch})`, () => {
  it('the fixture covers every optimizer sg-optim has that torch.optim has', () => {
    assert.deepEqual([...new Set(KEYS.map((k) => FIXTURE.optimizers[k].cls))].sort(), ['Adam', 'AdamW', 'RMSprop', 'SGD']);
  });

  for (const key of KEYS) {
    it(`${key}: addParamGroup after 3 steps, then 3 more: parameters after every step and the state dict`, () => {
      const c = FIXTURE.added_mid_run[key];
      const params = fresh();
      const opt = build(key, [params[0]]);
      c.steps.forEach((s, k) => {
        if (k === 3) opt.addParamGroup({ params: [params[1], params[2]], lr: 0.05 });
        setGrads(params, s.grads);
        opt.step();
        checkParams(params, s.params, `step ${k}`);
      });
      checkLayout(opt.stateDict(), c.state_dict, key, FIXTURE.optimizers[key].cls);
    });

    for (const minimal of [false, true]) {
      it(`${key}: a group pushed onto paramGroups${minimal ? ' with only params and lr (defaults filled)' : ''}, then group 0 removed in place`, () => {
        const c = FIXTURE.pushed_and_removed[key];
        const params = fresh();
        const opt = build(key, [{ params: [params[0]] }, { params: [params[1]], lr: 0.02 }]);
        c.steps.forEach((s, k) => {
          if (k === 2) {
            const group: ParamGroup = minimal ? { params: [params[2]], lr: 0.03 } : { ...structuredClone(opt.defaults), params: [params[2]], lr: 0.03 };
            opt.paramGroups.push(group);
            checkLayout(opt.stateDict(), c.layouts.after_push, `${key} after the push`, FIXTURE.optimizers[key].cls);
            assert.equal(opt.paramGroups[2], group, 'the pushed object stays the group');
            assert.deepEqual(group.momentum ?? group.betas, opt.defaults.momentum ?? opt.defaults.betas, 'defaults filled in');
          }
          if (k === 4) {
            opt.paramGroups.splice(0, 1);
            // PyTorch's state_dict() raises a KeyError here (the removed parameter keeps its state,
            // which no group indexes); ours leaves that state out, as the fixture's layout does.
            assert.equal(c.layouts.state_dict_after_remove_raises, 'KeyError');
            checkLayout(opt.stateDict(), c.layouts.after_remove, `${key} after the removal`, FIXTURE.optimizers[key].cls);
          }
          setGrads(params, s.grads);
          opt.step();
          checkParams(params, s.params, `step ${k}`);
        });
        checkLayout(opt.stateDict(), c.layouts.final, `${key} at the end`, FIXTURE.optimizers[key].cls);
      });
    }

    it(`${key}: the same parameter twice in one group: PyTorch's warning, steps and state dict`, () => {
      const c = FIXTURE.duplicate_in_group[key];
      const params = fresh();
      const { result: opt, warnings } = recordWarnings(() => build(key, [{ params: [params[0], params[1], params[0]] }, { params: [params[2]], lr: 0.02 }]));
      assert.deepEqual(warnings, c.warnings);
      assert.deepEqual(c.warnings, [DUPLICATE_PARAMS_WARNING]);
      c.steps.forEach((s, k) => {
        setGrads(params, s.grads);
        opt.step();
        checkParams(params, s.params, `step ${k}`);
      });
      checkLayout(opt.stateDict(), c.state_dict, key, FIXTURE.optimizers[key].cls);
    });

    it(`${key}: the same parameter twice: save after step 2, load into a fresh optimizer, continue = PyTorch's run`, () => {
      const c = FIXTURE.duplicate_in_group[key];
      const params = fresh();
      const groups = (ps: Tensor[]) => [{ params: [ps[0], ps[1], ps[0]] }, { params: [ps[2]], lr: 0.02 }];
      const opt = recordWarnings(() => build(key, groups(params))).result;
      for (const s of c.steps.slice(0, 2)) {
        setGrads(params, s.grads);
        opt.step();
      }
      const copies = params.map((p, i) => tensor(Array.from(p.toTypedArray() as Float64Array), { shape: FIXTURE.shapes[i], dtype: 'float64', requiresGrad: true }));
      const resumed = recordWarnings(() => build(key, groups(copies))).result;
      resumed.loadStateDict(opt.stateDict());
      c.steps.slice(2).forEach((s, k) => {
        setGrads(copies, s.grads);
        resumed.step();
        checkParams(copies, s.params, `resumed step ${k + 2}`);
      });
    });

    it(`${key}: step(closure) inside noGrad calls the closure with grad on and returns its loss; a number comes back as is`, () => {
      const c = FIXTURE.closure[key];
      const params = fresh();
      const opt = build(key, params);
      const seen: boolean[] = [];
      const closure = () => {
        seen.push(isGradEnabled());
        opt.zeroGrad();
        let loss: Tensor | null = null;
        params.forEach((p, i) => {
          const term = p.mul(p).sum().mul(i + 1);
          loss = loss === null ? term : loss.add(term);
        });
        loss!.backward();
        return loss!;
      };
      c.losses.forEach((expected, k) => {
        const loss = noGrad(() => opt.step(closure));
        assert.ok(loss instanceof Tensor);
        close(Number(loss.item()), expected, `loss ${k}`);
        checkParams(params, c.params[k], `step ${k}`);
      });
      assert.deepEqual(seen, c.grad_enabled_in_closure);
      assert.equal(opt.step(() => 2.5), c.number_closure_returns);
    });
  }

  it('step() without a closure returns undefined and still records the path it took', () => {
    const params = fresh();
    const opt = build('SGD', params) as NativeOptimizer;
    setGrads(params, FIXTURE.added_mid_run.SGD.steps[3].grads);
    assert.equal(opt.step(), undefined);
    assert.equal(typeof opt.lastStepPath, 'string');
  });

  it("PyTorch's messages: a parameter in two groups (constructor and addParamGroup), a missing required option", () => {
    const m = FIXTURE.messages;
    const p = fresh();
    assert.throws(() => new SGD([{ params: [p[0]] }, { params: [p[1], p[0]] }], { lr: 0.1 }), (e: Error) => e.message === `${m.in_two_groups} (param_groups[1].params[1])`);
    const opt = new SGD([p[0], p[1]], { lr: 0.1 });
    assert.throws(() => opt.addParamGroup({ params: [p[1]] }), (e: Error) => e.message === `${m.add_existing} (param_groups[1].params[0])`);
    assert.equal(opt.paramGroups.length, 1);

    class WithRequired extends Optimizer {
      constructor(params: ParamsOrGroups, opts: { lr?: number; momentum?: number } = {}) {
        super(params, { lr: opts.lr ?? required, momentum: opts.momentum ?? 0 });
      }
      step(): void {}
    }
    assert.throws(() => new WithRequired([{ params: [p[0]], momentum: 0.5 }]), (e: Error) => e.message === `${m.required} (param_groups[0])`);
    const o = new WithRequired([{ params: [p[0]], lr: 0.1 }]);
    assert.throws(() => o.addParamGroup({ params: [p[1]] }), (e: Error) => e.message === `${m.required_add} (param_groups[1])`);
    assert.equal(o.paramGroups.length, 1);
    o.addParamGroup({ params: [p[1]], lr: 0.5 });
    assert.deepEqual(o.paramGroups.map((g) => [g.lr, g.momentum]), [[0.1, 0], [0.5, 0]]);
  });

  it("addParamGroup fills the options a group lacks from the optimizer's defaults, as PyTorch", () => {
    const p = fresh();
    const opt = createOptimizer('Adam', [p[0]], { lr: 0.1, betas: [0.8, 0.9] });
    opt.addParamGroup({ params: p[1], eps: 1e-3 });
    const { params, ...options } = opt.paramGroups[1];
    assert.deepEqual(params, [p[1]]);
    const expected = FIXTURE.messages.filled; // Adam's, decoupled_weight_decay included
    assert.deepEqual(options, expected);
  });
});

describe('optim: bad param-group edits are refused and change nothing', () => {
  /** Adam over two parameters, stepped twice, with a third parameter outside it. */
  function setup() {
    const params = fresh();
    const opt = createOptimizer('Adam', [{ params: [params[0]] }, { params: [params[1]], lr: 0.1 }], { lr: 0.01 });
    for (let k = 0; k < 2; k++) {
      setGrads(params, FIXTURE.added_mid_run.Adam.steps[3 + k].grads);
      opt.step();
    }
    return { params, opt };
  }

  const bad: Array<{ name: string; group: (ps: Tensor[]) => unknown; error: RegExp }> = [
    { name: 'a parameter of group 0', group: (ps) => ({ params: [ps[0]] }), error: /^Error: some parameters appear in more than one parameter group \(param_groups\[2\]\.params\[0\]\)$/ },
    { name: 'a non-Tensor parameter', group: () => ({ params: [5] }), error: /^TypeError: Expected a Tensor for param_groups\[2\]\.params\[0\] but received 5 \(number\)$/ },
    { name: 'a negative lr', group: (ps) => ({ params: [ps[2]], lr: -1 }), error: /^RangeError: Invalid learning rate: -1 \(param_groups\[2\]\.lr\)$/ },
    { name: 'an integer parameter', group: () => ({ params: [tensor([1, 2], { dtype: 'int32' })] }), error: /floating point dtype, but param_groups\[2\]\.params\[0\] has dtype int32/ },
    { name: 'params not an array', group: (ps) => ({ params: ps[2].mul(1) }), error: /^TypeError: Expected a param group \{params, \.\.\.options\} for param_groups\[2\]/ },
  ];
  for (const c of bad) {
    it(`BAD EDIT: a group pushed in place with ${c.name}: step, zeroGrad and stateDict throw; nothing changed; removing it recovers`, () => {
      const { params, opt } = setup();
      const reference = setup();
      setGrads(params, FIXTURE.added_mid_run.Adam.steps[5].grads);
      setGrads(reference.params, FIXTURE.added_mid_run.Adam.steps[5].grads);
      const before = snapshot(opt, params);
      const group = c.group(params) as ParamGroup;
      const keys = Object.keys(group);
      opt.paramGroups.push(group);
      assert.throws(() => opt.step(), (e: Error) => c.error.test(String(e)));
      assert.throws(() => opt.zeroGrad(), (e: Error) => c.error.test(String(e)));
      assert.throws(() => opt.stateDict(), (e: Error) => c.error.test(String(e)));
      assert.deepEqual(Object.keys(group), keys, 'the bad group got nothing filled in');
      opt.paramGroups.pop();
      assert.equal(snapshot(opt, params), before);
      assert.equal(snapshot(opt, params), snapshot(reference.opt, reference.params));
      opt.step();
      reference.opt.step();
      assert.equal(snapshot(opt, params), snapshot(reference.opt, reference.params));
    });
  }

  it('BAD EDIT: addParamGroup with a bad group leaves paramGroups as it was', () => {
    const { params, opt } = setup();
    const before = snapshot(opt, params);
    assert.throws(() => opt.addParamGroup({ params: [params[2]], lr: Number.NaN }), /^RangeError: Invalid learning rate: nan \(param_groups\[2\]\.lr\)$/);
    assert.throws(() => opt.addParamGroup({ params: [params[2], params[1]] }), /more than one parameter group \(param_groups\[2\]\.params\[1\]\)/);
    assert.equal(snapshot(opt, params), before);
  });

  it('BAD STEP: Lamb with global clipping cannot step a parameter listed twice; nothing changes; without clipping it steps', () => {
    const w = tensor([1, -2, 3], { dtype: 'float64', requiresGrad: true });
    const opt = recordWarnings(() => new Lamb([{ params: [w, w] }], { lr: 0.01 })).result;
    w.grad = tensor([0.1, 0.2, -0.3], { dtype: 'float64' });
    const before = snapshot(opt, [w]);
    assert.throws(
      () => opt.step(),
      /^Error: Lamb cannot step a param group that lists a parameter more than once while max_grad_norm is 1: its global gradient norm spans every parameter \(set max_grad_norm to null, or list each parameter once\)$/,
    );
    assert.equal(snapshot(opt, [w]), before);
    opt.defaults.max_grad_norm = null;
    opt.step();
    assert.equal(opt.stateDict().param_groups[0].step, 1, "the group's step counts the step once");
  });
});

describe('optim: a parameter twice in one group, for the optimizers torch.optim lacks (their references loop over places too)', () => {
  const grads = [
    [0.3, -0.2, 0.1],
    [-0.1, 0.4, 0.25],
  ];
  const cases: Array<{ name: string; make: (ps: ParamsOrGroups) => Optimizer }> = [
    { name: 'Lion', make: (ps) => new Lion(ps, { lr: 0.01, weight_decay: 0.1 }) },
    { name: 'RMSpropTF', make: (ps) => new RMSpropTF(ps, { lr: 0.01, momentum: 0.9 }) },
    { name: 'Lamb (max_grad_norm null)', make: (ps) => new Lamb(ps, { lr: 0.01, max_grad_norm: null }) },
  ];
  for (const c of cases) {
    it(`${c.name}: [w, w] steps w twice with its one gradient and state, as two steps of [w] (bias correction aside for Lamb)`, () => {
      const w = tensor([1, -2, 3], { dtype: 'float64', requiresGrad: true });
      const v = tensor([1, -2, 3], { dtype: 'float64', requiresGrad: true });
      const twice = recordWarnings(() => c.make([{ params: [w, w] }])).result;
      const once = c.make([v]);
      for (const g of grads) {
        w.grad = tensor(g, { dtype: 'float64' });
        twice.step();
        v.grad = tensor(g, { dtype: 'float64' });
        once.step();
        if (!(once instanceof Lamb)) once.step();
      }
      if (once instanceof Lamb) {
        // Lamb's step counter is per group: both places of a step share one bias correction.
        assert.equal(twice.stateDict().param_groups[0].step, grads.length);
        assert.notDeepEqual(w.toArray(), [1, -2, 3]);
      } else {
        closeAll(w.toTypedArray() as Float64Array, Array.from(v.toTypedArray() as Float64Array), c.name);
      }
      assert.deepEqual(twice.stateDict().param_groups[0].params, [1, 1]);
    });
  }

  it("Lamb's group step follows its group when groups are added and removed in place", () => {
    const [a, b, c] = fresh();
    const opt = new Lamb([{ params: [a] }, { params: [b] }], { lr: 0.01 });
    const g = (t: Tensor) => tensor(Array.from({ length: t.numel() }, (_, i) => 0.1 * (i + 1)), { shape: t.shape, dtype: 'float64' });
    for (const t of [a, b, c]) t.grad = g(t);
    opt.step();
    opt.step();
    opt.paramGroups.push({ params: [c] });
    opt.step();
    assert.deepEqual(opt.stateDict().param_groups.map((grp) => grp.step), [3, 3, 1]);
    opt.paramGroups.splice(0, 1);
    assert.deepEqual(opt.stateDict().param_groups.map((grp) => grp.step), [3, 1]);
    opt.paramGroups = opt.paramGroups.map((grp) => ({ ...grp, lr: 0.02 }));
    opt.step();
    assert.deepEqual(opt.stateDict().param_groups.map((grp) => [grp.step, grp.lr]), [[4, 0.02], [2, 0.02]]);
  });
});

describe('optim: in-place edits that share a parameter list', () => {
  it('BAD EDIT: a copy of group 0 ({...g}) pushed next to it is a parameter in two groups; removing it recovers', () => {
    const params = fresh();
    const opt = createOptimizer('SGD', [{ params: [params[0]] }, { params: [params[1]] }], { lr: 0.1, momentum: 0.9 });
    setGrads(params, FIXTURE.added_mid_run.SGD.steps[3].grads);
    opt.step();
    const before = snapshot(opt, params);
    opt.paramGroups[1] = { ...opt.paramGroups[0], lr: 0.5 };
    assert.throws(() => opt.step(), /^Error: some parameters appear in more than one parameter group \(param_groups\[1\]\.params\[0\]\)$/);
    assert.equal(opt.paramGroups[1].lr, 0.5);
    opt.paramGroups[1] = { ...opt.paramGroups[1], params: [params[1]] };
    const { params: p0, grads: g0, state: s0 } = JSON.parse(before);
    const { params: p1, grads: g1, state: s1 } = JSON.parse(snapshot(opt, params));
    assert.deepEqual([p1, g1, s1], [p0, g0, s0], 'parameters, gradients and state as before the bad edit');
    opt.step();
    assert.equal(opt.stateDict().param_groups[1].lr, 0.5);
  });
});
