/**
 * torch.optim.lr_scheduler parity: every scheduler against PyTorch's own numbers
 * (torch-lr-golden.json, made by python/make_torch_lr_golden.py with PyTorch 2.15): the LR and
 * momentum (beta1) of every group after construction and after each step, the state dict after
 * k steps (PyTorch's keys and values), a resume from our state dict and from PyTorch's, and
 * PyTorch's error messages for bad arguments.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

import { Adam, SGD } from '../../../lib/optim';
import { deserialize, serialize } from '../../../lib/serialize';
import * as sg from '../../../lib/tensor';
import {
  ChainedScheduler, ConstantLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, createTorchScheduler, CyclicLR, ExponentialLR, LambdaLR, LinearLR, LrParamGroup, MultiStepLR, OneCycleLR, ReduceLROnPlateau,
  SequentialLR, StepLR, TORCH_SCHEDULERS,
} from '../../../lib/training';

const GOLDEN = path.join(__dirname, '..', '..', '..', '..', 'test', 'training', 'lr', 'torch-lr-golden.json');

interface Case {
  name: string;
  scheduler: string;
  optimizer?: string;
  groups: Array<Record<string, unknown>>;
  kwargs: Record<string, unknown>;
  steps: number;
  metrics?: number[];
  state_at: number;
  lrs: number[][];
  momentums?: Array<Array<number | null>>;
  state: Record<string, unknown>;
  resumed_lrs: number[][];
  optimizer_groups_at_state: Array<Record<string, unknown>>;
}
interface ErrorCase {
  scheduler: string;
  optimizer?: string;
  groups: Array<Record<string, unknown>>;
  kwargs: Record<string, unknown>;
  steps?: number;
  error: string;
  message: string;
}
const golden = JSON.parse(fs.readFileSync(GOLDEN, 'utf8')) as { torch_version: string; cases: Case[]; errors: ErrorCase[] };

/** The generator's functions, by the same names. */
const FNS: Record<string, (e: number) => number> = {
  pow95: (e) => 0.95 ** e,
  inv10: (e) => 1 / (e + 10),
  floor3: (e) => Math.floor(e / 3),
  const09: () => 0.9,
  half_after2: (e) => (e >= 2 ? 0.5 : 1.0),
  sqrt1: (e) => 1 / Math.sqrt(e + 1),
};

/** JSON → JS: {$fn} → function, {$float: inf} → Infinity; arrays and objects copied. */
function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$fn === 'string') return FNS[o.$fn];
    if (typeof o.$float === 'string') return { inf: Infinity, '-inf': -Infinity, nan: NaN }[o.$float];
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x)]));
  }
  return v;
}

/** JS → the generator's JSON form: Maps → objects with string keys, infinities → {$float}. */
function encode(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return { $float: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' };
  if (typeof v === 'function') return { $fn: v.name };
  if (Array.isArray(v)) return v.map(encode);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), encode(x)]));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
  return v;
}

const close = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));

/** Deep equality with numbers within 1e-12 relative, same keys, same array lengths. */
function assertClose(got: unknown, want: unknown, where: string): void {
  if (typeof want === 'number') {
    assert.equal(typeof got, 'number', `${where}: ${String(got)} is not a number (want ${want})`);
    assert.ok(close(got as number, want), `${where}: ${String(got)} vs PyTorch's ${want}`);
  } else if (Array.isArray(want)) {
    assert.ok(Array.isArray(got), `${where}: not an array: ${JSON.stringify(got)}`);
    assert.equal((got as unknown[]).length, want.length, `${where}: length`);
    want.forEach((w, i) => assertClose((got as unknown[])[i], w, `${where}[${i}]`));
  } else if (want !== null && typeof want === 'object') {
    assert.ok(got !== null && typeof got === 'object', `${where}: not an object: ${JSON.stringify(got)}`);
    assert.deepEqual(Object.keys(got as object).sort(), Object.keys(want).sort(), `${where}: keys`);
    for (const [k, w] of Object.entries(want)) assertClose((got as Record<string, unknown>)[k], w, `${where}.${k}`);
  } else {
    assert.equal(got, want, where);
  }
}

/** A real optimizer as the generator's (SGD lr 0.1 momentum 0.9, Adam lr 0.1); Adagrad: one without momentum or betas. */
function makeOptimizer(kind: string | undefined, groups: Array<Record<string, unknown>>): { paramGroups: LrParamGroup[]; defaults?: Record<string, unknown> } {
  const withParams = groups.map((g) => ({ params: [sg.zeros([1], { requiresGrad: true })], ...(decode(g) as object) }));
  if (kind === undefined || kind === 'SGD') return new SGD(withParams, { lr: 0.1, momentum: 0.9 });
  if (kind === 'Adam') return new Adam(withParams, { lr: 0.1 });
  return { paramGroups: groups.map((g) => ({ ...(decode(g) as object) })), defaults: { lr: 0.1 } };
}

type Stepper = { step(metric?: number): void; stateDict(): Record<string, unknown>; loadStateDict(s: Record<string, unknown>): void };

function build(c: { scheduler: string; kwargs: Record<string, unknown> }, opt: { paramGroups: LrParamGroup[] }): Stepper {
  const Ctor = TORCH_SCHEDULERS[c.scheduler];
  return new Ctor(opt, decode(c.kwargs) as Record<string, unknown>) as Stepper;
}

const lrsOf = (opt: { paramGroups: LrParamGroup[] }) => opt.paramGroups.map((g) => g.lr as number);
/** Adam's beta1, SGD's momentum (and SGD's groups must not have gained betas). */
const momentumsOf = (opt: { paramGroups: LrParamGroup[] }) =>
  opt.paramGroups.map((g) => {
    if (opt instanceof Adam) {
      assert.equal(g.momentum, undefined, 'momentum set on a group with betas');
      return (g.betas as number[])[0];
    }
    assert.equal(g.betas, undefined, 'betas set on a group without them');
    return (g.momentum as number | undefined) ?? null;
  });

function stepOnce(s: Stepper, c: Case, k: number): void {
  if (c.metrics) s.step(c.metrics[k]);
  else s.step();
}

describe(`torch.optim.lr_scheduler against PyTorch ${golden.torch_version}'s numbers`, () => {
  it('the golden file covers every scheduler of torch.optim.lr_scheduler', () => {
    const names = new Set(golden.cases.map((c) => c.scheduler));
    const all = ['LambdaLR', 'MultiplicativeLR', 'StepLR', 'MultiStepLR', 'ConstantLR', 'LinearLR', 'ExponentialLR', 'PolynomialLR', 'CosineAnnealingLR',
      'CosineAnnealingWarmRestarts', 'CyclicLR', 'OneCycleLR', 'SequentialLR', 'ChainedScheduler', 'ReduceLROnPlateau'];
    assert.deepEqual([...names].sort(), [...all].sort());
    assert.deepEqual(Object.keys(TORCH_SCHEDULERS).sort(), [...all].sort());
  });

  for (const c of golden.cases) {
    describe(c.name, () => {
      it(`the LR${c.momentums ? ' and momentum' : ''} of every group at every one of ${c.steps} steps`, () => {
        const opt = makeOptimizer(c.optimizer, c.groups);
        const s = build(c, opt);
        const lrs = [lrsOf(opt)];
        const moms = [momentumsOf(opt)];
        for (let k = 0; k < c.steps; k++) {
          stepOnce(s, c, k);
          lrs.push(lrsOf(opt));
          moms.push(momentumsOf(opt));
        }
        assertClose(lrs, c.lrs, 'lrs');
        if (c.momentums) assertClose(moms, c.momentums, 'momentums');
      });

      it(`stateDict() after ${c.state_at} steps is PyTorch's state_dict()`, () => {
        const opt = makeOptimizer(c.optimizer, c.groups);
        const s = build(c, opt);
        for (let k = 0; k < c.state_at; k++) stepOnce(s, c, k);
        assertClose(encode(s.stateDict()), c.state, 'state');
        // What the scheduler keeps in the groups is PyTorch's too (initial_lr, OneCycleLR's max_lr
        // and min_lr, CyclicLR's and OneCycleLR's max_momentum and base_momentum).
        const KEYS = ['lr', 'initial_lr', 'max_lr', 'min_lr', 'max_momentum', 'base_momentum'];
        opt.paramGroups.forEach((g, i) => {
          const theirs = c.optimizer_groups_at_state[i];
          for (const k of KEYS) assertClose(g[k], theirs[k] ?? undefined, `param_groups[${i}].${k}`);
        });
      });

      const resume = (state: Record<string, unknown>) => {
        const opt = makeOptimizer(c.optimizer, c.groups);
        const s = build(c, opt);
        opt.paramGroups.forEach((g, i) => Object.assign(g, decode(c.optimizer_groups_at_state[i])));
        s.loadStateDict(state);
        const lrs: number[][] = [];
        for (let k = c.state_at; k < c.steps; k++) {
          stepOnce(s, c, k);
          lrs.push(lrsOf(opt));
        }
        assertClose(lrs, c.resumed_lrs, 'resumed lrs');
        assertClose(lrs, c.lrs.slice(c.state_at + 1), 'resumed lrs vs the uninterrupted run');
      };

      it('resumes from its own state dict, saved in a checkpoint file and read back', () => {
        const opt = makeOptimizer(c.optimizer, c.groups);
        const s = build(c, opt);
        for (let k = 0; k < c.state_at; k++) stepOnce(s, c, k);
        const back = deserialize(serialize({ sched: s.stateDict() })) as { sched: Record<string, unknown> };
        resume(back.sched);
      });

      it("resumes from PyTorch's state dict", () => {
        resume(decode(c.state) as Record<string, unknown>);
      });
    });
  }
});

const ERROR_CLASS: Record<string, ErrorConstructor> = { ValueError: RangeError, ZeroDivisionError: RangeError, TypeError: TypeError, KeyError: Error, RuntimeError: Error };

describe("torch.optim.lr_scheduler: PyTorch's errors for bad arguments, in PyTorch's words", () => {
  for (const e of golden.errors) {
    it(`${e.scheduler}(${JSON.stringify(e.kwargs)})${e.steps ? ` stepped ${e.steps}×` : ''}: ${e.error} ${e.message.split('\n')[0]}`, () => {
      const opt = makeOptimizer(e.optimizer, e.groups);
      const before = JSON.stringify(opt.paramGroups.map(({ params: _p, ...g }) => g));
      const Cls = ERROR_CLASS[e.error];
      assert.ok(Cls, e.error);
      assert.throws(
        () => {
          const s = build(e, opt);
          for (let k = 0; k < (e.steps ?? 0); k++) s.step();
        },
        (err: Error) => {
          assert.ok(err instanceof Cls, `${err.name} is not a ${Cls.name}: ${err.message}`);
          assert.equal(err.message, e.message);
          return true;
        },
      );
      // A constructor that refuses its arguments leaves the optimizer as it was.
      if (!e.steps) assert.equal(JSON.stringify(opt.paramGroups.map(({ params: _p, ...g }) => g)), before);
    });
  }
});

describe('torch.optim.lr_scheduler: state dicts', () => {
  const sgd = () => new SGD([{ params: [sg.zeros([1], { requiresGrad: true })], lr: 0.1 }, { params: [sg.zeros([1], { requiresGrad: true })], lr: 0.02 }], { lr: 0.1, momentum: 0.9 });

  it("LambdaLR saves a plain function as null and a function's own properties as PyTorch saves a callable object's __dict__", () => {
    const plain = (e: number) => 0.9 ** e;
    const withState = Object.assign((e: number) => withState.factor ** e, { factor: 0.5 });
    const opt = sgd();
    const s = new TORCH_SCHEDULERS.LambdaLR(opt, { lr_lambda: [plain, withState] });
    s.step();
    const state = s.stateDict() as Record<string, unknown>;
    assert.deepEqual(state.lr_lambdas, [null, { factor: 0.5 }]);
    // Loading restores the properties into the function given to the new scheduler.
    const other = Object.assign((e: number) => other.factor ** e, { factor: 0.25 });
    const s2 = new TORCH_SCHEDULERS.LambdaLR(sgd(), { lr_lambda: [plain, other] });
    s2.loadStateDict(deserialize(serialize(state)) as Record<string, unknown>);
    assert.equal(other.factor, 0.5);
    s.step();
    s2.step();
    assert.deepEqual(lrsOf((s2 as unknown as { optimizer: { paramGroups: LrParamGroup[] } }).optimizer), lrsOf(opt));
    assert.deepEqual(lrsOf(opt), [0.1 * 0.81, 0.02 * 0.25]);
  });

  it('ReduceLROnPlateau: loading restores mode, factor, patience, threshold, threshold_mode, cooldown, min_lrs, eps and the counters', () => {
    const a = new ReduceLROnPlateau(sgd(), { mode: 'max', factor: 0.5, patience: 3, threshold: 0.2, threshold_mode: 'abs', cooldown: 4, min_lr: [0.01, 0.001], eps: 1e-3 });
    a.step(1);
    a.step(0.5);
    const b = new ReduceLROnPlateau(sgd(), {});
    b.loadStateDict(deserialize(serialize(a.stateDict())) as Record<string, unknown>);
    assert.deepEqual(
      [b.mode, b.factor, b.patience, b.threshold, b.thresholdMode, b.cooldown, b.minLrs, b.eps, b.best, b.numBadEpochs, b.cooldownCounter, b.lastEpoch, b.modeWorse],
      ['max', 0.5, 3, 0.2, 'abs', 4, [0.01, 0.001], 1e-3, 1, 1, 0, 2, -Infinity],
    );
    assert.deepEqual(b.stateDict(), a.stateDict());
    assert.throws(() => b.loadStateDict({ ...a.stateDict(), mode: 'maximum' }), /^RangeError: mode maximum is unknown!$/);
    assert.equal(b.mode, 'max', 'a refused state changes nothing');
  });

  it("checkpoints written before the PyTorch layout (main's own property names) still resume", () => {
    // What sg-optim's schedulers saved before (made with main's build, through save/load).
    const old = {
      StepLR: { lastEpoch: 3, baseLrs: [0.1], lastLr: [0.05], stepCount: 4, stepSize: 2, gamma: 0.5 },
      MultiStepLR: { lastEpoch: 2, baseLrs: [0.1], lastLr: [0.05], stepCount: 3, milestones: { '1': 1, '3': 2 }, gamma: 0.5 },
      CosineAnnealingWarmRestarts: { lastEpoch: 3, baseLrs: [0.1], lastLr: [0.08535533905932738], stepCount: 4, t0: 2, tMult: 2, etaMin: 0, tI: 4, tCur: 1 },
    };
    const next = (name: keyof typeof old, kw: Record<string, unknown>, lr: number) => {
      const o = { paramGroups: [{ lr, initial_lr: 0.1, momentum: 0.9 }] };
      const s = new TORCH_SCHEDULERS[name](o, kw);
      s.loadStateDict(old[name]);
      s.step();
      return o.paramGroups[0].lr;
    };
    assert.equal(next('StepLR', { step_size: 2, gamma: 0.5 }, 0.05), 0.025); // epoch 4: ×0.5
    assert.equal(next('MultiStepLR', { milestones: [1, 3, 3], gamma: 0.5 }, 0.05), 0.0125); // epoch 3 counted twice
    assert.equal(next('CosineAnnealingWarmRestarts', { T_0: 2, T_mult: 2 }, 0.085), 0.05 * (1 + Math.cos(Math.PI / 2))); // T_cur 2 of 4
    const plateau = new ReduceLROnPlateau(sgd(), { patience: 1 });
    plateau.loadStateDict({ best: 1, numBadEpochs: 1, cooldownCounter: 0, lastEpoch: 2 });
    assert.deepEqual([plateau.best, plateau.numBadEpochs, plateau.lastEpoch], [1, 1, 2]);
    plateau.step(1);
    assert.deepEqual(lrsOf(plateau.optimizer), [0.010000000000000002, 0.002]);
  });

  it('a state dict of another kind is refused, naming what it lacks', () => {
    const s = new TORCH_SCHEDULERS.StepLR(sgd(), { step_size: 2 });
    assert.throws(() => s.loadStateDict({ best: 1 }), /StepLR\.loadStateDict: not a StepLR state dict \(it has none of step_size, gamma, base_lrs/);
    assert.throws(() => s.loadStateDict(null as never), /TypeError: Expected an object for StepLR\.loadStateDict\(state\)/);
  });

  it('lr_mode mappings build the composites from nested {Name: kwargs} mappings', () => {
    const opt = sgd();
    const { scheduler } = createTorchScheduler(
      { SequentialLR: { schedulers: [{ LinearLR: { start_factor: 0.5, total_iters: 2 } }, { ExponentialLR: { gamma: 0.5 } }], milestones: [2], phase: 'TRAIN_EPOCH_END' } },
      opt,
    );
    const lrs = [lrsOf(opt)[0]];
    for (let k = 0; k < 4; k++) {
      scheduler.step();
      lrs.push(lrsOf(opt)[0]);
    }
    assert.deepEqual(lrs, [0.05, 0.07500000000000001, 0.1, 0.05, 0.025]);
    assert.throws(() => createTorchScheduler({ SequentialLR: { schedulers: [{ LinearLR: { phase: 'x' } }], milestones: [] } }, sgd()), /^TypeError: LinearLR\.__init__\(\) got an unexpected keyword argument 'phase'$/);
    assert.throws(() => createTorchScheduler({ ChainedScheduler: { schedulers: [{ CosineAnealingLR: { T_max: 2 } }] } }, sgd()), /did you mean 'CosineAnnealingLR'\?/);
  });
});

describe('torch.optim.lr_scheduler: our own checks (where PyTorch fails later or not at all)', () => {
  const sgd2 = () => new SGD([{ params: [sg.zeros([1], { requiresGrad: true })], lr: 0.1 }, { params: [sg.zeros([1], { requiresGrad: true })], lr: 0.02 }], { lr: 0.1, momentum: 0.9 });
  const S = { ChainedScheduler, ConstantLR, CosineAnnealingWarmRestarts, CyclicLR, ExponentialLR, LambdaLR, LinearLR, MultiStepLR, OneCycleLR, SequentialLR, StepLR };
  // [what, call, error class, message pattern]: each refused before the optimizer's groups change.
  const table: Array<[string, (o: SGD) => unknown, ErrorConstructor, RegExp]> = [
    ['kwargs that are not a mapping', (o) => new S.StepLR(o, 5 as never), TypeError, /^Expected a mapping of keyword arguments for StepLR arguments but received 5/],
    ['a string step_size', (o) => new S.StepLR(o, { step_size: '2' }), TypeError, /^Expected a number for StepLR\.step_size but received '2' \(string\)$/],
    ['a non-integer last_epoch', (o) => new S.StepLR(o, { step_size: 2, last_epoch: 0.5 }), TypeError, /^Expected an integer for last_epoch but received 0\.5/],
    ['milestones that are not an array', (o) => new S.MultiStepLR(o, { milestones: 3 }), TypeError, /^Expected an array of epochs for MultiStepLR\.milestones but received 3/],
    ['milestones that are not numbers', (o) => new S.MultiStepLR(o, { milestones: [1, '2'] }), TypeError, /^Expected an array of epochs for MultiStepLR\.milestones/],
    ['a string mode', (o) => new S.CyclicLR(o, { base_lr: 0.01, max_lr: 0.1, mode: 3 }), TypeError, /^Expected a string for CyclicLR\.mode but received 3/],
    ['a string cycle_momentum', (o) => new S.CyclicLR(o, { base_lr: 0.01, max_lr: 0.1, cycle_momentum: 'yes' }), TypeError, /^Expected a boolean for CyclicLR\.cycle_momentum but received 'yes'/],
    ['a string in a per-group list', (o) => new S.CyclicLR(o, { base_lr: [0.01, 'x'], max_lr: 0.1 }), TypeError, /^Expected a number for CyclicLR\.base_lr\[1\] but received 'x'/],
    ['a string for a per-group value', (o) => new S.CyclicLR(o, { base_lr: 'x', max_lr: 0.1 }), TypeError, /^Expected a number or one number per param group for CyclicLR\.base_lr but received 'x'/],
    ['a scale_fn that is not a function', (o) => new S.CyclicLR(o, { base_lr: 0.01, max_lr: 0.1, scale_fn: 3 }), TypeError, /^Expected a function or null for CyclicLR\.scale_fn but received 3/],
    ['an unknown scale_mode', (o) => new S.CyclicLR(o, { base_lr: 0.01, max_lr: 0.1, scale_mode: 'epochs' }), RangeError, /^scale_mode must be 'cycle' or 'iterations', got 'epochs'$/],
    ['a string three_phase', (o) => new S.OneCycleLR(o, { max_lr: 0.1, total_steps: 4, three_phase: 'no' }), TypeError, /^Expected a boolean for OneCycleLR\.three_phase/],
    ['schedulers that are not an array', (o) => new S.SequentialLR(o, { schedulers: 'x', milestones: [] }), TypeError, /^Expected an array of schedulers for SequentialLR\.schedulers/],
    ['milestones that are not an array', (o) => new S.SequentialLR(o, { schedulers: [{ StepLR: { step_size: 1 } }], milestones: 'x' }), TypeError, /^Expected an array of steps for SequentialLR\.milestones/],
    ['milestones that are not numbers', (o) => new S.SequentialLR(o, { schedulers: [{ StepLR: { step_size: 1 } }, { StepLR: { step_size: 1 } }], milestones: ['2'] }), TypeError, /^Expected an array of steps for SequentialLR\.milestones/],
    ['a mapping with more than the scheduler name', (o) => new S.SequentialLR(o, { schedulers: [{ StepLR: { step_size: 1 }, phase: 'x' }], milestones: [] }), TypeError, /^SequentialLR at index 0 should have `optimizer` as its attribute\.$/],
    ['a function for eta_min', (o) => new S.CosineAnnealingWarmRestarts(o, { T_0: 2, eta_min: function etaMin() { return 0; } }), RangeError, /^Expected float or int eta_min, but got <function etaMin> of type <class 'function'>$/],
    ['chained schedulers that are not an array', (o) => new S.ChainedScheduler(o, { schedulers: 5 }), TypeError, /^Expected an array of schedulers for ChainedScheduler\.schedulers/],
    ['a scheduler entry without an optimizer', (o) => new S.SequentialLR(o, { schedulers: [42], milestones: [] }), TypeError, /^SequentialLR at index 0 should have `optimizer` as its attribute\.$/],
    ['a ReduceLROnPlateau instance', (o) => new S.ChainedScheduler(o, { schedulers: [new ReduceLROnPlateau(o, {})] }), RangeError, /^ChainedScheduler does not support `ReduceLROnPlateau` scheduler .* at index 0 in/],
    ['a scheduler of another optimizer', (o) => new S.ChainedScheduler(o, { schedulers: [new S.ExponentialLR(sgd2(), { gamma: 0.5 })] }), RangeError,
      /^ChainedScheduler expects all schedulers to belong to the same optimizer, but got scheduler ExponentialLR at index 0 has SGD, which is different from SGD\.$/],
    ['a string min_lr in a list', (o) => new ReduceLROnPlateau(o, { min_lr: [0, 'x'] }), TypeError, /^Expected a number for ReduceLROnPlateau\.min_lr\[1\] but received 'x'/],
    ['a string min_lr', (o) => new ReduceLROnPlateau(o, { min_lr: 'x' }), TypeError, /^Expected a number for ReduceLROnPlateau\.min_lr but received 'x'/],
    ['no optimizer', () => new S.StepLR(null as never, { step_size: 1 }), TypeError, /^NoneType is not an Optimizer$/],
    ['a number for the optimizer', () => new S.StepLR(3 as never, { step_size: 1 }), TypeError, /^int is not an Optimizer$/],
    ['an object without paramGroups', () => new S.StepLR({} as never, { step_size: 1 }), TypeError, /^Object is not an Optimizer$/],
  ];
  for (const [what, call, Cls, pattern] of table) {
    it(`${what}: ${Cls.name} ${pattern.source}`, () => {
      const o = sgd2();
      const before = JSON.stringify(o.paramGroups.map(({ params: _p, ...g }) => g));
      assert.throws(() => call(o), (err: Error) => err instanceof Cls && pattern.test(err.message));
      assert.equal(JSON.stringify(o.paramGroups.map(({ params: _p, ...g }) => g)), before);
    });
  }

  it('ReduceLROnPlateau.step needs a number', () => {
    assert.throws(() => new ReduceLROnPlateau(sgd2(), {}).step('0.5' as never), /^TypeError: Expected a number for ReduceLROnPlateau\.step\(metric\) but received '0\.5'/);
  });

  it('a group added after the scheduler was made: an error where PyTorch has one (zip strict; ReduceLROnPlateau with a min_lr list: its RuntimeError)', () => {
    const o = sgd2();
    const s = new S.LambdaLR(o, { lr_lambda: () => 0.5 }); // one LR per base_lr: 2 for 3 groups (PyTorch: zip() argument 2 is shorter)
    const e = new S.ExponentialLR(o, { gamma: 0.5 }); // from the groups' LRs: the new group too, as in PyTorch
    const p = new ReduceLROnPlateau(o, { patience: 0, min_lr: [0, 0] });
    const q = new ReduceLROnPlateau(o, { patience: 0, min_lr: 0.001 });
    o.addParamGroup({ params: [sg.zeros([1], { requiresGrad: true })], lr: 0.5 });
    assert.throws(() => s.step(), /^RangeError: the scheduler has 2 learning rates for 3 param groups/);
    e.step();
    assert.deepEqual(lrsOf(o), [0.025, 0.005, 0.25]);
    p.step(1);
    assert.throws(() => p.step(1), /^Error: The number of param groups in the `optimizer` \(3\) differs from when `ReduceLROnPlateau` was initialized \(2\)/);
    // A single min_lr is spread over the groups there are now (PyTorch's default_min_lr).
    q.step(1);
    q.step(1);
    assert.deepEqual(q.minLrs, [0.001, 0.001, 0.001]);
    assert.deepEqual(lrsOf(o), [0.0025000000000000005, 0.001, 0.025]); // the second group held at min_lr
    assert.deepEqual(q.getLastLr(), lrsOf(o));
  });

  it('an argument given as undefined counts as not given (an unknown one too)', () => {
    const o = sgd2();
    const s = new S.StepLR(o, { step_size: 1, gamma: undefined, verbose: undefined });
    assert.equal(s.gamma, 0.1);
  });

  it('stateDict() and loadStateDict() copy: the scheduler shares no array with a state dict', () => {
    const s = new S.MultiStepLR(sgd2(), { milestones: [1, 2] });
    const state = s.stateDict();
    (state.base_lrs as number[]).push(1);
    (state.milestones as Map<number, number>).set(9, 9);
    assert.deepEqual(s.baseLrs, [0.1, 0.02]);
    assert.deepEqual([...s.milestones], [[1, 1], [2, 1]]);
    const t = new S.OneCycleLR(sgd2(), { max_lr: 0.1, total_steps: 4 });
    const saved = t.stateDict();
    const u = new S.OneCycleLR(sgd2(), { max_lr: 0.1, total_steps: 4 });
    u.loadStateDict(saved);
    (saved._schedule_phases as Array<Record<string, number>>)[0].end_step = 99;
    assert.notEqual(u.schedulePhases[0].end_step, 99);
  });

  it("CosineAnnealingLR's closed form at a first step after loading a state with _step_count 0 (PyTorch 2.15's numbers)", () => {
    // PyTorch: state_dict() with _step_count 0 and last_epoch 3 loaded, then step(), step().
    const o = new SGD([sg.zeros([1], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
    const s = new CosineAnnealingLR(o, { T_max: 10, eta_min: 0.01 });
    s.loadStateDict({ ...s.stateDict(), _step_count: 0, last_epoch: 3 });
    s.step();
    assert.equal(o.paramGroups[0].lr, 0.06890576474687264);
    s.step();
    assert.equal(o.paramGroups[0].lr, 0.05500000000000001);
  });

  it("loadStateDict takes the keys it is given and keeps the rest, as PyTorch's __dict__.update", () => {
    const s = new S.StepLR(sgd2(), { step_size: 3, gamma: 0.5 });
    s.loadStateDict({ last_epoch: 5 });
    assert.deepEqual([s.lastEpoch, s.stepSize, s.gamma, s.baseLrs], [5, 3, 0.5, [0.1, 0.02]]);
    const seq = new S.SequentialLR(sgd2(), { schedulers: [{ StepLR: { step_size: 1 } }], milestones: [] });
    seq.loadStateDict({ last_epoch: 4 });
    assert.equal(seq.lastEpoch, 4);
    const lambda = new S.LambdaLR(sgd2(), { lr_lambda: () => 1 });
    lambda.loadStateDict({ last_epoch: 2 });
    assert.equal(lambda.lastEpoch, 2);
  });

  it('getLastLr() returns a copy of the LRs after the last step', () => {
    const o = sgd2();
    const s = new S.StepLR(o, { step_size: 1, gamma: 0.5 });
    s.step();
    const last = s.getLastLr();
    assert.deepEqual(last, [0.05, 0.01]);
    last[0] = 7;
    assert.deepEqual(s.getLastLr(), [0.05, 0.01]);
  });

  it('SequentialLR and ChainedScheduler take scheduler instances, as in PyTorch', () => {
    const o = sgd2();
    const warm = new S.LinearLR(o, { start_factor: 0.5, total_iters: 2 });
    const decay = new S.ExponentialLR(o, { gamma: 0.5 });
    const seq = new S.SequentialLR(o, { schedulers: [warm, decay], milestones: [2] });
    const lrs = [lrsOf(o)[0]];
    for (let k = 0; k < 4; k++) {
      seq.step();
      lrs.push(lrsOf(o)[0]);
    }
    // PyTorch 2.15: SequentialLR(LinearLR(0.5, 2), ExponentialLR(0.5), [2]) on lr 0.1.
    assert.deepEqual(lrs, [0.05, 0.07500000000000001, 0.1, 0.05, 0.025]);
    const o2 = sgd2();
    const chained = new S.ChainedScheduler(o2, { schedulers: [new S.ConstantLR(o2, { factor: 0.5, total_iters: 1 }), new S.ExponentialLR(o2, { gamma: 0.5 })] });
    chained.step();
    assert.deepEqual(lrsOf(o2), [0.05, 0.01]);
  });

  it('loadStateDict refuses states of the wrong shape', () => {
    const o = sgd2();
    assert.throws(() => new S.LambdaLR(o, { lr_lambda: () => 1 }).loadStateDict(5 as never), /^TypeError: Expected an object for LambdaLR\.loadStateDict\(state\)/);
    const lambda = new S.LambdaLR(sgd2(), { lr_lambda: () => 1 });
    assert.throws(() => lambda.loadStateDict({ ...lambda.stateDict(), lr_lambdas: [5, null] }), /^TypeError: Expected null or an object for lr_lambdas state but received 5/);
    const ms = new S.MultiStepLR(sgd2(), { milestones: [1] });
    assert.throws(() => ms.loadStateDict({ ...ms.stateDict(), milestones: 5 }), /^TypeError: Expected a \{milestone: count\} mapping for MultiStepLR state milestones/);
    const seq = new S.SequentialLR(sgd2(), { schedulers: [{ StepLR: { step_size: 1 } }], milestones: [] });
    assert.throws(() => seq.loadStateDict({ ...seq.stateDict(), _schedulers: [] }), /^TypeError: Expected an array of 1 state dicts for SequentialLR state _schedulers/);
    const ch = new S.ChainedScheduler(sgd2(), { schedulers: [{ StepLR: { step_size: 1 } }] });
    assert.throws(() => ch.loadStateDict({ _last_lr: [0.1, 0.02], _schedulers: 'x' }), /^TypeError: Expected an array of 1 state dicts for ChainedScheduler state _schedulers/);
    assert.throws(() => new S.CyclicLR(sgd2(), { base_lr: 0.01, max_lr: 0.1 }).loadStateDict([] as never), /^TypeError: Expected an object for CyclicLR\.loadStateDict/);
    assert.throws(() => new S.SequentialLR(sgd2(), { schedulers: [{ StepLR: { step_size: 1 } }], milestones: [] }).loadStateDict(null as never), /^TypeError: Expected an object for SequentialLR\.loadStateDict/);
    assert.throws(() => new S.ChainedScheduler(sgd2(), { schedulers: [{ StepLR: { step_size: 1 } }] }).loadStateDict('x' as never), /^TypeError: Expected an object for ChainedScheduler\.loadStateDict/);
    assert.throws(() => new S.OneCycleLR(sgd2(), { max_lr: 0.1, total_steps: 4 }).loadStateDict(3 as never), /^TypeError: Expected an object for OneCycleLR\.loadStateDict/);
    const p = new ReduceLROnPlateau(sgd2(), {});
    assert.throws(() => p.loadStateDict(5 as never), /^TypeError: Expected an object for ReduceLROnPlateau\.loadStateDict\(state\)/);
    assert.throws(() => p.loadStateDict({}), /^Error: ReduceLROnPlateau\.loadStateDict: not a ReduceLROnPlateau state dict \(keys: \(none\)\)$/);
    assert.throws(() => new S.StepLR(sgd2(), { step_size: 1 }).loadStateDict({}), /it has none of step_size, gamma, base_lrs, last_epoch, _step_count, _is_initial, _get_lr_called_within_step, _last_lr; keys: \(none\)\)$/);
  });

  it("ReduceLROnPlateau: mode_worse follows the loaded mode (PyTorch's _init_is_better)", () => {
    const max = new ReduceLROnPlateau(sgd2(), { mode: 'max' });
    max.loadStateDict(new ReduceLROnPlateau(sgd2(), { mode: 'min' }).stateDict());
    assert.equal(max.modeWorse, Infinity);
    assert.equal(max.mode, 'min');
  });

  it('CyclicLR: a state with cycle_momentum loaded into one without it brings the momentum fields', () => {
    const off = new S.CyclicLR(sgd2(), { base_lr: 0.01, max_lr: 0.1, cycle_momentum: false });
    off.loadStateDict(new S.CyclicLR(sgd2(), { base_lr: 0.01, max_lr: 0.1, base_momentum: 0.7 }).stateDict());
    assert.equal(off.cycleMomentum, true);
    assert.deepEqual([off.baseMomentums, off.maxMomentums, off.useBeta1], [[0.7, 0.7], [0.9, 0.9], false]);
    const one = new S.OneCycleLR(new Adam([sg.zeros([1], { requiresGrad: true })], { lr: 0.1 }), { max_lr: 0.1, total_steps: 4, cycle_momentum: false });
    one.loadStateDict(new S.OneCycleLR(new Adam([sg.zeros([1], { requiresGrad: true })], { lr: 0.1 }), { max_lr: 0.1, total_steps: 4 }).stateDict());
    assert.deepEqual([one.cycleMomentum, one.useBeta1], [true, true]);
  });

  it('CyclicLR and OneCycleLR: a loaded cycle_momentum decides which momentum fields are kept', () => {
    const on = new S.CyclicLR(sgd2(), { base_lr: 0.01, max_lr: 0.1 });
    on.loadStateDict(new S.CyclicLR(sgd2(), { base_lr: 0.01, max_lr: 0.1, cycle_momentum: false }).stateDict());
    assert.equal(on.cycleMomentum, false);
    assert.equal('use_beta1' in on.stateDict(), false);
    const one = new S.OneCycleLR(sgd2(), { max_lr: 0.1, total_steps: 4 });
    one.loadStateDict(new S.OneCycleLR(sgd2(), { max_lr: 0.1, total_steps: 4, cycle_momentum: false }).stateDict());
    assert.equal(one.cycleMomentum, false);
    assert.equal('use_beta1' in one.stateDict(), false);
  });

  it('lr_mode: the scheduler arguments must be a mapping', () => {
    assert.throws(() => createTorchScheduler({ StepLR: 3 }, sgd2()), /^TypeError: Expected a mapping of scheduler arguments for lr_mode\.StepLR but received 3/);
  });
});
