/**
 * BAD CALL table: every bad construction or call throws the right error class with a clear message
 * (PyTorch's wording where PyTorch has one) and leaves parameters, state and groups as they were.
 */
import assert from 'node:assert/strict';

import { Adadelta, Adagrad, Adam, Adamax, createOptimizer, Lamb, Lion, NAdam, RAdam, RMSprop, RMSpropTF, SGD } from '../../lib/optim';
import { describeValue } from '../../lib/errors';
import { Optimizer } from '../../lib/optim/optimizer';
import { tensor, Tensor, zeros } from '../../lib/tensor';

interface Fixture {
  w: Tensor;
  b: Tensor;
  opt: Optimizer;
}

/** Two parameters and an Adam optimizer that has stepped twice (so there is state to protect). */
function fixture(): Fixture {
  const w = tensor([[1, -2], [3, 0.5]], { dtype: 'float64', requiresGrad: true });
  const b = tensor([0.1, 0.2], { dtype: 'float64', requiresGrad: true });
  const opt = new Adam([{ params: [w] }, { params: [b], lr: 0.1 }], { lr: 0.01 });
  for (let i = 0; i < 2; i++) {
    w.grad = tensor([[0.1, 0.2], [-0.3, 0.4]], { dtype: 'float64' });
    b.grad = tensor([1, -1], { dtype: 'float64' });
    opt.step();
  }
  return { w, b, opt };
}

function snapshot(f: Fixture): string {
  const state = [...f.opt.state.entries()].map(([, s]) =>
    Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? v.toArray() : v])),
  );
  const groups = f.opt.paramGroups.map(({ params, ...rest }) => ({ n: params.length, ...rest }));
  return JSON.stringify({ w: f.w.toArray(), b: f.b.toArray(), state, groups });
}

interface Case {
  name: string;
  act: (f: Fixture) => unknown;
  error: new (...args: never[]) => Error;
  message: string | RegExp;
}

const f64 = (values: number[]) => tensor(values, { dtype: 'float64', requiresGrad: true });

const cases: Case[] = [
  { name: 'a single Tensor instead of a list', act: (f) => new Adam(f.w as never), error: TypeError, message: /should be an array of Tensors or of param groups, but got a single Tensor/ },
  { name: 'an empty parameter list', act: () => new Adam([]), error: Error, message: 'optimizer got an empty parameter list' },
  { name: 'params that are not an array', act: () => new SGD('weights' as never), error: TypeError, message: /Expected an array of Tensors or of \{params, \.\.\.\} groups for params but received 'weights' \(string\)/ },
  { name: 'negative learning rate', act: (f) => new Adam([f.w], { lr: -1 }), error: RangeError, message: 'Invalid learning rate: -1' },
  { name: 'negative eps', act: (f) => new Adam([f.w], { eps: -1e-8 }), error: RangeError, message: 'Invalid epsilon value: -1e-08' },
  { name: 'beta1 = 1', act: (f) => new Adam([f.w], { betas: [1, 0.999] }), error: RangeError, message: 'Invalid beta parameter at index 0: 1' },
  { name: 'negative beta2', act: (f) => new AdamWLike([f.w], { betas: [0.9, -0.1] }), error: RangeError, message: 'Invalid beta parameter at index 1: -0.1' },
  { name: 'negative weight decay', act: (f) => new Adam([f.w], { weight_decay: -0.1 }), error: RangeError, message: 'Invalid weight_decay value: -0.1' },
  { name: 'negative SGD momentum', act: (f) => new SGD([f.w], { lr: 0.1, momentum: -0.5 }), error: RangeError, message: 'Invalid momentum value: -0.5' },
  { name: 'nesterov without momentum', act: (f) => new SGD([f.w], { lr: 0.1, nesterov: true }), error: RangeError, message: 'Nesterov momentum requires a momentum and zero dampening' },
  { name: 'negative RMSprop alpha', act: (f) => new RMSprop([f.w], { alpha: -1 }), error: RangeError, message: 'Invalid alpha value: -1' },
  { name: 'negative RMSpropTF eps', act: (f) => new RMSpropTF([f.w], { eps: -1 }), error: RangeError, message: 'Invalid epsilon value: -1' },
  { name: 'Lion beta1 out of range', act: (f) => new Lion([f.w], { betas: [1.5, 0.99] }), error: RangeError, message: 'Invalid beta parameter at index 0: 1.5' },
  { name: 'Lion negative lr', act: (f) => new Lion([f.w], { lr: -0.1 }), error: RangeError, message: 'Invalid learning rate: -0.1' },
  { name: 'lr given as a string', act: (f) => new Adam([f.w], { lr: '0.1' as never }), error: TypeError, message: "Expected a number for optimizer_params.lr but received '0.1' (string)" },
  { name: 'betas not a pair', act: (f) => new Adam([f.w], { betas: 0.9 as never }), error: TypeError, message: 'Expected a pair of numbers [b1, b2] for optimizer_params.betas but received 0.9 (number)' },
  { name: 'amsgrad not a boolean', act: (f) => new Adam([f.w], { amsgrad: 'yes' as never }), error: TypeError, message: "Expected a boolean for optimizer_params.amsgrad but received 'yes' (string)" },
  { name: 'an unknown option', act: (f) => new Adam([f.w], { lrr: 0.1 } as never), error: TypeError, message: /unknown Adam option 'lrr'; did you mean 'lr'\? known: lr, betas, eps/ },
  { name: 'maximize on an optimizer without it', act: (f) => new Lamb([f.w], { maximize: true } as never), error: TypeError, message: /unknown Lamb option 'maximize'/ },
  { name: 'optimizer_params.params', act: (f) => new SGD([f.w], { params: [f.b] } as never), error: TypeError, message: /optimizer_params\.params is not allowed/ },
  { name: 'an integer parameter', act: () => new SGD([zeros([3], { dtype: 'int64' })]), error: TypeError, message: 'optimizer can only optimize Tensors of floating point dtype, but param_groups[0].params[0] has dtype int64' },
  { name: 'a non-leaf parameter', act: (f) => new SGD([f.w.mul(2)]), error: Error, message: "can't optimize a non-leaf Tensor (param_groups[0].params[0])" },
  { name: 'one parameter in two groups', act: (f) => new SGD([{ params: [f.w] }, { params: [f.b, f.w] }]), error: Error, message: 'some parameters appear in more than one parameter group (param_groups[1].params[1])' },
  { name: 'a group whose params are not an array', act: () => new SGD([{ params: 3 as never }]), error: TypeError, message: 'Expected an array of Tensors for param_groups[0].params but received 3 (number)' },
  { name: 'a group holding a non-tensor', act: (f) => new SGD([{ params: [f.w, [1, 2] as never] }]), error: TypeError, message: 'Expected a Tensor for param_groups[0].params[1] but received [1,2] (array)' },
  { name: 'a negative lr in a group', act: (f) => new SGD([{ params: [f.w] }, { params: [f.b], lr: -1 }], { lr: 0.1 }), error: RangeError, message: 'Invalid learning rate: -1 (param_groups[1].lr)' },
  { name: 'an unknown optimizer name', act: (f) => createOptimizer('Adamm', [f.w]), error: Error, message: /^unknown optimizer 'Adamm'; did you mean 'Adam'\? known: SGD, Adam, AdamW, RMSprop, RMSpropTF, Lamb, Lion/ },
  {
    name: 'step() after a group lr became a string',
    act: (f) => {
      f.opt.paramGroups[1].lr = 'fast' as never;
      try {
        f.opt.step();
      } finally {
        f.opt.paramGroups[1].lr = 0.1;
      }
    },
    error: TypeError,
    message: "Expected a number for param_groups[1].lr but received 'fast' (string)",
  },
  {
    name: 'step() after a group betas lost an entry',
    act: (f) => {
      f.opt.paramGroups[0].betas = [0.9];
      try {
        f.opt.step();
      } finally {
        f.opt.paramGroups[0].betas = [0.9, 0.999];
      }
    },
    error: TypeError,
    message: /Expected a pair of numbers \[b1, b2\] for param_groups\[0\]\.betas/,
  },
  { name: 'step(closure) with a non-function', act: (f) => f.opt.step(5 as never), error: TypeError, message: 'Expected a function for step(closure) but received 5 (number)' },
  { name: 'addParamGroup with a parameter already optimized', act: (f) => f.opt.addParamGroup({ params: [f.w] }), error: Error, message: 'some parameters appear in more than one parameter group (param_groups[2].params[0])' },
  { name: 'addParamGroup with a negative lr', act: (f) => f.opt.addParamGroup({ params: [f64([1])], lr: -2 }), error: RangeError, message: 'Invalid learning rate: -2 (param_groups[2].lr)' },
  { name: 'loadStateDict of a non-object', act: (f) => f.opt.loadStateDict(null as never), error: TypeError, message: 'Expected an object {state, param_groups} for loadStateDict(stateDict) but received null' },
  {
    name: 'loadStateDict with another number of groups',
    act: (f) => {
      const sd = f.opt.stateDict();
      f.opt.loadStateDict({ ...sd, param_groups: sd.param_groups.slice(0, 1) });
    },
    error: Error,
    message: 'loaded state dict has a different number of parameter groups (1, the optimizer has 2)',
  },
  {
    name: 'loadStateDict with a group of another size',
    act: (f) => {
      const sd = f.opt.stateDict();
      sd.param_groups[1].params = [1, 2];
      f.opt.loadStateDict(sd);
    },
    error: Error,
    message: /doesn't match the size of optimizer's group \(param_groups\[1\] has 2 parameters, the optimizer's has 1\)/,
  },
  {
    name: 'loadStateDict with a state tensor of the wrong shape',
    act: (f) => {
      const sd = f.opt.stateDict();
      sd.state[1] = { ...sd.state[1], exp_avg: zeros([5], { dtype: 'float64' }) };
      f.opt.loadStateDict(sd);
    },
    error: RangeError,
    message: 'stateDict.state[1].exp_avg has shape [5] but its parameter has shape [2]',
  },
  {
    name: 'loadStateDict with state for an unknown parameter index',
    act: (f) => {
      const sd = f.opt.stateDict();
      sd.state[7] = { ...sd.state[0] };
      f.opt.loadStateDict(sd);
    },
    error: Error,
    message: 'stateDict.state has an entry for parameter 7, which no group lists',
  },
  {
    name: 'loadStateDict with a negative lr in a group',
    act: (f) => {
      const sd = f.opt.stateDict();
      sd.param_groups[0].lr = -1;
      f.opt.loadStateDict(sd);
    },
    error: RangeError,
    message: 'Invalid learning rate: -1 (stateDict.param_groups[0].lr)',
  },
];

// AdamW shares Adam's checks; one case goes through it.
import { AdamW as AdamWLike } from '../../lib/optim';

/**
 * NaN hyperparameters: `NaN < 0` is false, so a plain `v < 0` check would let them through and
 * every later step would turn the parameters into NaN. Where the reference range-checks an option
 * (`0.0 <= v` is false for NaN) the error is its RangeError, with NaN printed as Python prints it
 * (`nan`); options the reference does not check (all of timm's Lamb, Lion's weight_decay) are
 * refused as not a number, with NaN shown as NaN (not as JSON's null) inside arrays too.
 */
type OptimizerClass = new (params: Tensor[], options: Record<string, unknown>) => Optimizer;
const RANGE_MESSAGES: Record<string, string> = {
  lr: 'Invalid learning rate: nan',
  eps: 'Invalid epsilon value: nan',
  momentum: 'Invalid momentum value: nan',
  weight_decay: 'Invalid weight_decay value: nan',
  lr_decay: 'Invalid lr_decay value: nan',
  initial_accumulator_value: 'Invalid initial_accumulator_value value: nan',
  rho: 'Invalid rho value: nan',
  momentum_decay: 'Invalid momentum_decay value: nan',
};
// [optimizer, class, its NaN-able hyperparameters, those the reference range-checks]
const HYPERPARAMETERS: Array<[string, OptimizerClass, string[], string[]]> = [
  ['SGD', SGD as never, ['lr', 'momentum', 'weight_decay'], ['lr', 'momentum', 'weight_decay']],
  ['Adam', Adam as never, ['lr', 'eps', 'betas', 'weight_decay'], ['lr', 'eps', 'betas', 'weight_decay']],
  ['AdamW', AdamWLike as never, ['lr', 'eps', 'betas', 'weight_decay'], ['lr', 'eps', 'betas', 'weight_decay']],
  ['RMSprop', RMSprop as never, ['lr', 'eps', 'momentum', 'weight_decay'], ['lr', 'eps', 'momentum', 'weight_decay']],
  ['RMSpropTF', RMSpropTF as never, ['lr', 'eps', 'momentum', 'weight_decay'], ['lr', 'eps', 'momentum', 'weight_decay']],
  ['Lamb', Lamb as never, ['lr', 'eps', 'betas', 'weight_decay'], []],
  ['Lion', Lion as never, ['lr', 'betas', 'weight_decay'], ['lr', 'betas']],
  ['Adagrad', Adagrad as never, ['lr', 'lr_decay', 'weight_decay', 'initial_accumulator_value', 'eps'], ['lr', 'lr_decay', 'weight_decay', 'initial_accumulator_value', 'eps']],
  ['Adadelta', Adadelta as never, ['lr', 'rho', 'eps', 'weight_decay'], ['lr', 'rho', 'eps', 'weight_decay']],
  ['Adamax', Adamax as never, ['lr', 'eps', 'betas', 'weight_decay'], ['lr', 'eps', 'betas', 'weight_decay']],
  ['NAdam', NAdam as never, ['lr', 'eps', 'betas', 'weight_decay', 'momentum_decay'], ['lr', 'eps', 'betas', 'weight_decay', 'momentum_decay']],
  ['RAdam', RAdam as never, ['lr', 'eps', 'betas', 'weight_decay'], ['lr', 'eps', 'betas', 'weight_decay']],
];

function nanCase(name: string, Ctor: OptimizerClass, option: string, value: unknown, rangeChecked: boolean, betaIndex = 0): Case {
  // SGD has no default lr; the others get one so only the NaN option is wrong.
  const base = name === 'SGD' ? { lr: 0.1 } : {};
  const shown = option === 'betas' ? `betas ${(value as number[]).join(', ')}` : `NaN ${option}`;
  let error: Case['error'] = TypeError;
  let message: string;
  if (rangeChecked) {
    error = RangeError;
    message = option === 'betas' ? `Invalid beta parameter at index ${betaIndex}: nan` : RANGE_MESSAGES[option];
  } else if (option === 'betas') {
    message = `Expected a pair of numbers [b1, b2] for optimizer_params.betas but received [${(value as number[]).join(',')}] (array)`;
  } else {
    message = `Expected a number for optimizer_params.${option} but received NaN (number)`;
  }
  return { name: `${name} with ${shown}`, act: (f) => new Ctor([f.w], { ...base, [option]: value }), error, message };
}

function nanCases(): Case[] {
  const out: Case[] = [];
  for (const [name, Ctor, options, checked] of HYPERPARAMETERS) {
    for (const option of options) {
      const rangeChecked = checked.includes(option);
      if (option !== 'betas') out.push(nanCase(name, Ctor, option, NaN, rangeChecked));
      else {
        out.push(nanCase(name, Ctor, option, [NaN, 0.999], rangeChecked, 0));
        out.push(nanCase(name, Ctor, option, [0.9, NaN], rangeChecked, 1));
      }
    }
  }
  return out;
}

cases.push(
  ...nanCases(),
  { name: 'a NaN lr in one group', act: (f) => new SGD([{ params: [f.w] }, { params: [f.b], lr: NaN }], { lr: 0.1 }), error: RangeError, message: 'Invalid learning rate: nan (param_groups[1].lr)' },
  {
    name: 'loadStateDict with a NaN entry in a group betas',
    act: (f) => {
      const sd = f.opt.stateDict();
      sd.param_groups[0].betas = [NaN, 0.999];
      f.opt.loadStateDict(sd);
    },
    error: RangeError,
    message: 'Invalid beta parameter at index 0: nan (stateDict.param_groups[0].betas)',
  },
  {
    name: 'loadStateDict with a NaN lr in a group',
    act: (f) => {
      const sd = f.opt.stateDict();
      sd.param_groups[1].lr = NaN;
      f.opt.loadStateDict(sd);
    },
    error: RangeError,
    message: 'Invalid learning rate: nan (stateDict.param_groups[1].lr)',
  },
);

describe('optimizers: BAD CALL table', () => {
  it('has at least 25 cases, 55 of them NaN hyperparameters', () => {
    assert.ok(cases.length >= 25, `${cases.length} cases`);
    assert.equal(cases.filter((c) => /^[A-Za-z]+ with (NaN |betas )/.test(c.name)).length, 55);
  });
  for (const c of cases) {
    it(`BAD CALL: ${c.name}`, () => {
      const f = fixture();
      const before = snapshot(f);
      assert.throws(
        () => c.act(f),
        (err: Error) => {
          assert.equal(err.constructor, c.error, `error class ${err.constructor.name}: ${err.message}`);
          if (typeof c.message === 'string') assert.equal(err.message, c.message);
          else assert.match(err.message, c.message);
          return true;
        },
      );
      assert.equal(snapshot(f), before, 'parameters, state and groups are unchanged');
      // The optimizer still works afterwards.
      f.w.grad = tensor([[0.1, 0.2], [-0.3, 0.4]], { dtype: 'float64' });
      f.opt.step();
    });
  }
});

describe('describeValue: numbers JSON cannot show', () => {
  const shown: Array<[unknown, string]> = [
    [NaN, 'NaN (number)'],
    [-Infinity, '-Infinity (number)'],
    [[NaN, 0.9], '[NaN,0.9] (array)'],
    [[0.9, Infinity], '[0.9,Infinity] (array)'],
    [{ lr: -Infinity, betas: [1, NaN] }, '{"lr":-Infinity,"betas":[1,NaN]} (object)'],
    [[2n, 3], '[2n,3] (array)'],
    [['NaN', null], '["NaN",null] (array)'],
    [[1, 2], '[1,2] (array)'],
  ];
  for (const [value, text] of shown) {
    it(`shows ${text}`, () => assert.equal(describeValue(value), text));
  }
});
