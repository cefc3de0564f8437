import assert from 'node:assert/strict';

import { LeNet } from '../../lib/models';
import * as nn from '../../lib/nn';
import { AdamW, createOptimizer, Optimizer, ParamsOrGroups, registerOptimizer, SGD } from '../../lib/optim';
import { buildOptimizerAndRecord as buildOptimizer } from '../../lib/training/build-optimizer';
import * as sg from '../../lib/tensor';
import { Tensor } from '../../lib/tensor';

/** The net of spec §4.5: conv without bias, BN, Linear, LayerNorm and a bare parameter. */
class Toy extends nn.Module {
  conv = new nn.Conv2d(3, 4, 3, { bias: false });
  bn = new nn.BatchNorm2d(4);
  head = new nn.Linear(4, 2);
  ln = new nn.LayerNorm(2);
  extra = nn.Parameter(sg.ones([2]));
  forward(x: Tensor): Tensor {
    return x;
  }
}

const names = (model: nn.Module, params: Tensor[]) => {
  const byTensor = new Map(model.namedParameters().map(([n, p]) => [p, n]));
  return params.map((p) => byTensor.get(p));
};

describe('optim: buildOptimizer and param groups (SuperGradients §3–§4)', () => {
  it('scalar lr, zero-wd off: one default group with every parameter and SG default optimizer_params', () => {
    const model = new Toy();
    const tp: Record<string, unknown> = { optimizer: 'SGD', optimizer_params: {} };
    const opt = buildOptimizer(model, 0.1, tp);
    assert.ok(opt instanceof SGD);
    assert.equal(opt.paramGroups.length, 1);
    const g = opt.paramGroups[0];
    assert.equal(g.params.length, 8);
    assert.equal(g.lr, 0.1);
    assert.equal(g.name, 'default');
    assert.equal(g.momentum, 0.9);
    assert.equal(g.weight_decay, 1e-4);
    assert.deepEqual(tp.optimizer_params, { weight_decay: 1e-4, momentum: 0.9 }, 'merged params are written back');
  });

  it('zero_weight_decay_on_bias_and_bn splits each group: no-decay first (norm weights/biases, biases)', () => {
    const model = new Toy();
    const opt = buildOptimizer(model, 0.1, { optimizer: 'SGD', optimizer_params: { weight_decay: 5e-4 }, zero_weight_decay_on_bias_and_bn: true });
    assert.deepEqual(opt.paramGroups.map((g) => [g.params.length, g.weight_decay, g.lr, g.name]), [
      [5, 0, 0.1, 'default'],
      [3, 5e-4, 0.1, 'default'],
    ]);
    assert.deepEqual(names(model, opt.paramGroups[0].params), ['bn.weight', 'bn.bias', 'head.bias', 'ln.weight', 'ln.bias']);
    // Root-level parameters come first, as in PyTorch's named_parameters().
    assert.deepEqual(names(model, opt.paramGroups[1].params), ['extra', 'conv.weight', 'head.weight']);
  });

  it('an initial_lr mapping with zero-wd and AdamW: 4 groups, all weight_decay 0 (SG quirk §4.3.4)', () => {
    const model = new Toy();
    const opt = buildOptimizer(model, { head: 0.01, default: 0.1 }, { optimizer: 'AdamW', optimizer_params: {}, zero_weight_decay_on_bias_and_bn: true });
    assert.ok(opt instanceof AdamW);
    assert.deepEqual(opt.paramGroups.map((g) => [g.name, g.lr, g.params.length, g.weight_decay]), [
      ['head', 0.01, 1, 0],
      ['head', 0.01, 1, 0],
      ['default', 0.1, 4, 0],
      ['default', 0.1, 2, 0],
    ]);
    assert.deepEqual(names(model, opt.paramGroups[0].params), ['head.bias']);
  });

  it('a prefix at 0 freezes its parameters; default 0 freezes the rest', () => {
    const model = new Toy();
    const opt = buildOptimizer(model, { default: 0.1, 'head.': 0 }, { optimizer: 'SGD', optimizer_params: {} });
    assert.equal(model.head.weight.requiresGrad, false);
    assert.equal(opt.paramGroups.length, 1);
    assert.equal(opt.paramGroups[0].params.length, 6);
    const other = new Toy();
    const only = buildOptimizer(other, { default: 0, conv: 0.5 }, { optimizer: 'SGD', optimizer_params: {} });
    assert.deepEqual(only.paramGroups.map((g) => [g.name, g.params.length]), [['conv', 1]]);
    assert.equal(other.bn.weight!.requiresGrad, false);
  });

  it("the seed's protocol: the model's initializeParamGroups decides the groups (and sees extra training params)", () => {
    sg.manualSeed(0);
    const model = new LeNet();
    const opt = buildOptimizer(model, 0.1, { optimizer: 'Adam', optimizer_params: { eps: 1e-3 }, multiply_backbone_lr: 10 });
    assert.deepEqual(opt.paramGroups.map((g) => [g.name, g.lr, g.eps, g.weight_decay]), [
      ['backbone', 1, 1e-3, 1e-4],
      ['head', 0.1, 1e-3, 1e-4],
    ]);
    assert.equal(opt.paramGroups[0].params.length + opt.paramGroups[1].params.length, model.parameters().length);
  });

  it('errors: no default in a mapping, params in optimizer_params, unknown keys with a suggestion', () => {
    const model = new Toy();
    assert.throws(() => buildOptimizer(model, { head: 0.1 }, { optimizer: 'SGD' }), /When passing initial_lr as dictionary, must pass 'default'\./);
    assert.throws(() => buildOptimizer(model, 0.1, { optimizer: 'SGD', optimizer_params: { params: [] } }), /optimizer_params\.params is not allowed/);
    assert.throws(() => buildOptimizer(model, 0.1, { optimizer: 'SGD', optimizer_params: { momentun: 0.9 } }), /unknown SGD option 'momentun'; did you mean 'momentum'\?/);
    assert.throws(() => buildOptimizer(model, 0.1, { optimizer: 'Adamm' }), /unknown optimizer 'Adamm'; did you mean 'Adam'\?/);
  });
});

/** SuperGradients' ToySgModule (tests/unit_tests/zero_weight_decay_on_bias_bn_test.py), 2-D. */
class ToyKernel extends nn.Module {
  weight: Tensor;
  bias: Tensor | null;
  constructor(inF: number, outF: number, bias: boolean) {
    super();
    this.weight = nn.Parameter(sg.zeros([outF, inF]));
    this.bias = bias ? nn.Parameter(sg.zeros([outF])) : null;
  }
  forward(x: Tensor): Tensor {
    return sg.linear(x, this.weight, this.bias);
  }
}

class ToySgModule extends nn.Module {
  base: nn.Sequential;
  head: nn.Sequential;
  constructor(readonly multipleGroups = false, linear: (i: number, o: number, b: boolean) => nn.Module = (i, o, b) => new nn.Linear(i, o, { bias: b })) {
    super();
    // A conv without bias comes with a BatchNorm (2 no-decay) as in SG's toy; ConvTranspose, which
    // we do not have, is a custom module with a bias parameter: the rule counts it the same way.
    const conv = (cin: number, cout: number, bias: boolean) =>
      bias ? new nn.Conv2d(cin, cout, 1, { bias: true }) : new nn.Sequential(new nn.Conv2d(cin, cout, 1, { bias: false }), new nn.BatchNorm2d(cout), new nn.ReLU());
    const convT = (cin: number, cout: number, bias: boolean) =>
      bias ? new ToyKernel(cin, cout, true) : new nn.Sequential(new ToyKernel(cin, cout, false), new nn.BatchNorm2d(cout), new nn.ReLU());
    this.base = new nn.Sequential(conv(3, 8, false), conv(8, 8, true), convT(8, 8, false), convT(8, 8, true));
    this.head = new nn.Sequential(
      new nn.Sequential(conv(8, 8, false), conv(8, 8, true), convT(8, 8, false)),
      new nn.AdaptiveAvgPool2d(1),
      new nn.Sequential(linear(8, 20, false), linear(20, 10, true)),
    );
  }
  forward(x: Tensor): Tensor {
    return x;
  }
  initializeParamGroups(lr: number): Array<{ named_params: Array<[string, Tensor]>; lr: number }> {
    if (!this.multipleGroups) return [{ named_params: this.namedParameters(), lr }];
    return [
      { named_params: this.base.namedParameters(), lr },
      { named_params: this.head.namedParameters(), lr: lr * 10 },
    ];
  }
}

describe("optim: SuperGradients' zero_weight_decay_on_bias_bn_test numbers", () => {
  const tp = () => ({ optimizer: 'SGD', optimizer_params: { weight_decay: 0.01, momentum: 0.9 }, zero_weight_decay_on_bias_and_bn: true });
  const counts = (opt: { paramGroups: Array<{ params: Tensor[]; weight_decay?: unknown }> }) => opt.paramGroups.map((g) => [g.params.length, g.weight_decay]);
  const quiet = <T>(fn: () => T): T => {
    const emit = process.emitWarning;
    process.emitWarning = () => undefined;
    try {
      return fn();
    } finally {
      process.emitWarning = emit;
    }
  };

  it('one group → [12, 9] with weight decay [0, 0.01]', () => {
    assert.deepEqual(counts(quiet(() => buildOptimizer(new ToySgModule(), 0.1, tp()))), [[12, 0], [9, 0.01]]);
  });

  it('two groups (base lr, head lr·10) → [6, 4, 6, 5]', () => {
    const opt = quiet(() => buildOptimizer(new ToySgModule(true), 0.1, tp()));
    assert.deepEqual(counts(opt), [[6, 0], [4, 0.01], [6, 0], [5, 0.01]]);
    assert.deepEqual(opt.paramGroups.map((g) => g.lr), [0.1, 0.1, 1, 1]);
  });

  it('a custom module with a bias parameter (not Linear/Conv) is no-decay too, with a warning → [12, 9]', () => {
    const warnings: string[] = [];
    const emit = process.emitWarning;
    process.emitWarning = ((w: string) => warnings.push(String(w))) as typeof process.emitWarning;
    try {
      const opt = buildOptimizer(new ToySgModule(false, (i, o, b) => new ToyKernel(i, o, b)), 0.1, tp());
      assert.deepEqual(counts(opt), [[12, 0], [9, 0.01]]);
    } finally {
      process.emitWarning = emit;
    }
    assert.ok(warnings.some((w) => /has a bias parameter and is not Linear or Conv/.test(w)));
  });
});

describe('optim: custom optimizers with static optionNames', () => {
  /** A sign-SGD written in TypeScript that declares its options. */
  class Sign extends Optimizer {
    static override optionNames = ['lr', 'weight_decay'];
    constructor(params: ParamsOrGroups, opts: { lr?: number; weight_decay?: number } = {}) {
      super(params, { lr: opts.lr ?? 0.01, weight_decay: opts.weight_decay ?? 0 });
    }
    step(): void {}
  }
  /** The same without optionNames: keys are not checked (the base class cannot know them). */
  class Unchecked extends Optimizer {
    constructor(params: ParamsOrGroups, opts: { lr?: number } = {}) {
      super(params, { lr: opts.lr ?? 0.01 });
    }
    step(): void {}
  }
  const model = () => new nn.Sequential(new nn.Linear(3, 2));

  it('an unknown optimizer_params key is refused with the key, the valid ones and the nearest', () => {
    assert.throws(
      () => buildOptimizer(model(), 0.1, { optimizer: Sign, optimizer_params: { weight_decai: 1e-4 } }),
      (e: Error) => e instanceof TypeError && e.message === "unknown Sign option 'weight_decai'; did you mean 'weight_decay'? known: lr, weight_decay (at optimizer_params.weight_decai)",
    );
    assert.throws(() => buildOptimizer(model(), 0.1, { optimizer: Sign, optimizer_params: { zzz: 1 } }), /^TypeError: unknown Sign option 'zzz'; known: lr, weight_decay \(at optimizer_params\.zzz\)$/);
    // By registered name too (the recipe path).
    registerOptimizer('ParamGroupsTestSign', Sign, { override: true });
    assert.throws(() => buildOptimizer(model(), 0.1, { optimizer: 'ParamGroupsTestSign', optimizer_params: { weight_decai: 1e-4 } }), /unknown Sign option 'weight_decai'/);
    // And through createOptimizer, by class and by name.
    assert.throws(() => createOptimizer(Sign, model().parameters(), { weight_decai: 1e-4 }), /unknown Sign option 'weight_decai'/);
    assert.throws(() => createOptimizer('ParamGroupsTestSign', model().parameters(), { lrr: 1 }), /unknown Sign option 'lrr'; did you mean 'lr'\?/);
  });

  it('listed keys pass through to the constructor; zero-wd groups still get their weight_decay', () => {
    const opt = buildOptimizer(model(), 0.1, { optimizer: Sign, optimizer_params: { weight_decay: 0.02 } });
    assert.ok(opt instanceof Sign);
    assert.equal(opt.defaults.weight_decay, 0.02);
    const split = buildOptimizer(model(), 0.1, { optimizer: Sign, optimizer_params: { weight_decay: 0.02 }, zero_weight_decay_on_bias_and_bn: true });
    assert.deepEqual(split.paramGroups.map((g) => g.weight_decay), [0, 0.02]);
  });

  it('without optionNames nothing is checked; a malformed optionNames is named', () => {
    const opt = buildOptimizer(model(), 0.1, { optimizer: Unchecked, optimizer_params: { typo: 1 } });
    assert.ok(opt instanceof Unchecked);
    class Bad extends Sign {
      static override optionNames = 'lr' as unknown as string[];
    }
    assert.throws(() => buildOptimizer(model(), 0.1, { optimizer: Bad, optimizer_params: {} }), /Expected an array of option names \(strings\) for Bad\.optionNames but received 'lr' \(string\)/);
  });

  it("built-ins keep their own check (SG's defaults merged under the user's keys are not flagged)", () => {
    assert.throws(() => buildOptimizer(model(), 0.1, { optimizer: 'Adam', optimizer_params: { lrr: 1 } }), /unknown Adam option 'lrr'; did you mean 'lr'\?/);
    const sgd = buildOptimizer(model(), 0.1, { optimizer: 'SGD', optimizer_params: { nesterov: true } });
    assert.equal(sgd.paramGroups[0].momentum, 0.9);
  });
});
