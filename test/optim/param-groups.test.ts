import assert from 'node:assert/strict';

import * as nn from '../../lib/nn';
import { AdamW, buildOptimizer, SGD } from '../../lib/optim';
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
    const { LeNet } = require('../../lib/models') as typeof import('../../lib/models');
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
