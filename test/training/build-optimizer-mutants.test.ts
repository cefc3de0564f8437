/**
 * buildOptimizer's checks and group rules that the StrykerJS run over lib/training/build-optimizer.ts
 * left alive (2026-12-02): bad named_params / initial_lr / optimizer_params / initializeParamGroups
 * results (with the messages that name the bad value), prefix groups with several prefixes, no
 * empty default group, the bias warning's module name, and the finetune seed-protocol copy.
 */
import assert from 'node:assert/strict';

import * as nn from '../../lib/nn';
import * as sg from '../../lib/tensor';
import { Tensor } from '../../lib/tensor';
import { buildOptimizer, ModuleClassifier, NamedParams, ParamGroupsModel, separateLrGroups, separateZeroWdGroups } from '../../lib/training/build-optimizer';
import { Net } from './conv-bn-head';

/** A Net whose initializeParamGroups returns `groups(net)` as given (the seed protocol). */
function seedNet(groups: (net: Net) => unknown, extra: Record<string, unknown> = {}): Net {
  const net = new Net();
  Object.assign(net, { initializeParamGroups: () => groups(net) }, extra);
  return net;
}

/** Runs `fn` and returns the warnings it emitted (process.emitWarning is synchronous to stub). */
function warningsOf(fn: () => unknown): string[] {
  const warnings: string[] = [];
  const emit = process.emitWarning;
  process.emitWarning = ((w: string) => warnings.push(String(w))) as typeof process.emitWarning;
  try {
    fn();
  } finally {
    process.emitWarning = emit;
  }
  return warnings;
}

/** assert.throws' check on the message alone (a RegExp alone is matched against `Name: message`). */
const withMessage = (re: RegExp) => (e: unknown) => e instanceof Error && re.test(e.message);

const namesOf = (net: nn.Module, params: Tensor[]) => {
  const byTensor = new Map(net.namedParameters().map(([n, p]) => [p, n]));
  return params.map((p) => byTensor.get(p));
};

describe('training: buildOptimizer input checks and group rules (build-optimizer.ts survivors)', () => {
  it('named_params that are not an iterable of [name, Tensor] pairs: a TypeError naming the group, with or without the zero-wd split', () => {
    for (const zero of [false, true]) {
      const tp = { optimizer: 'SGD', zero_weight_decay_on_bias_and_bn: zero };
      const t = sg.zeros([2]);
      const good = { named_params: [['w', t]] as NamedParams, lr: 0.1 };
      const cases: Array<[unknown, RegExp]> = [
        [null, /^Expected an array of \[name, Tensor\] pairs for param_groups\[1\]\.named_params but received null/],
        [5, /^Expected an array of \[name, Tensor\] pairs for param_groups\[1\]\.named_params but received/],
        [{}, /^Expected an array of \[name, Tensor\] pairs for param_groups\[1\]\.named_params but received/],
        [[['a', sg.zeros([1])], ['b', t, 1]], /^Expected a \[name, Tensor\] pair for param_groups\[1\]\.named_params\[1\] but received/],
        [[[1, t]], /^Expected a \[name, Tensor\] pair for param_groups\[1\]\.named_params\[0\] but received/],
        [[['w', [1, 2]]], /^Expected a \[name, Tensor\] pair for param_groups\[1\]\.named_params\[0\] but received/],
      ];
      for (const [namedParams, message] of cases) {
        const net = seedNet(() => [good, { named_params: namedParams, lr: 0.1 }]);
        assert.throws(() => buildOptimizer(net, 0.1, tp), (e: Error) => e instanceof TypeError && message.test(e.message), `${JSON.stringify(namedParams)} zero=${zero}`);
      }
    }
  });

  it('initial_lr mappings: not a plain object, default null, a prefix or default that is not a number', () => {
    const net = new Net();
    assert.throws(() => separateLrGroups(net, 0.1 as never), withMessage(/^Expected a number or a \{default, <prefix>: lr\} mapping for initial_lr but received/));
    assert.throws(() => separateLrGroups(net, [0.1] as never), withMessage(/^Expected a number or a \{default, <prefix>: lr\} mapping for initial_lr but received/));
    assert.throws(() => separateLrGroups(net, { default: null } as never), withMessage(/^When passing initial_lr as dictionary, must pass 'default'\.$/));
    assert.throws(() => separateLrGroups(net, { default: 0.1, 'head.': '0.01' } as never), withMessage(/^Expected a number for initial_lr\.head\. but received/));
    assert.throws(() => separateLrGroups(net, { default: NaN }), withMessage(/^Expected a number for initial_lr\.default but received NaN/));
    assert.throws(() => separateLrGroups(net, { 'head.': NaN, default: 0.1 }), withMessage(/^Expected a number for initial_lr\.head\. but received NaN/));
    // Nothing was frozen by a refused mapping.
    assert.ok(net.parameters().every((p) => p.requiresGrad));
  });

  it('several prefixes: the default group holds what no prefix matches; no empty default group when the prefixes take everything', () => {
    const net = new Net();
    const groups = separateLrGroups(net, { 'conv.': 0.01, 'head.': 0.02, default: 0.1 });
    assert.deepEqual(
      groups.map((g) => [g.name, g.lr, (g.named_params as NamedParams).map(([n]) => n)]),
      [
        ['conv.', 0.01, ['conv.weight', 'conv.bias']],
        ['head.', 0.02, ['head.weight', 'head.bias']],
        ['default', 0.1, ['bn.weight', 'bn.bias']],
      ],
    );
    const all = separateLrGroups(new Net(), { 'conv.': 0.01, 'bn.': 0.03, 'head.': 0.02, default: 0.1 });
    assert.deepEqual(all.map((g) => g.name), ['conv.', 'bn.', 'head.']);
  });

  it("a bias outside Linear/Conv warns with the module's name, '(root)' for the model itself; Linear/Conv biases and norms do not", () => {
    const bias = sg.zeros([2]);
    const inner = sg.zeros([3]);
    const linearBias = sg.zeros([4]);
    const roots = { root: { bias }, inner: { bias: inner }, linear: { bias: linearBias } };
    const classifier: ModuleClassifier = {
      isNorm: () => false,
      isLinearOrConv: (m) => m === roots.linear,
      ownBias: (m) => (m as { bias: Tensor }).bias,
      ownWeight: () => null,
    };
    const model: ParamGroupsModel = {
      namedParameters: () => [['bias', bias], ['block.bias', inner], ['fc.bias', linearBias]],
      namedModules: () => [['', roots.root], ['block', roots.inner], ['fc', roots.linear]],
    };
    let out: ReturnType<typeof separateZeroWdGroups> = [];
    const warnings = warningsOf(() => (out = separateZeroWdGroups(model, [{ named_params: model.namedParameters(), lr: 0.1 }], 0.5, classifier)));
    assert.deepEqual(warnings, [
      "Module '(root)' has a bias parameter and is not Linear or Conv: its bias gets no weight decay",
      "Module 'block' has a bias parameter and is not Linear or Conv: its bias gets no weight decay",
    ]);
    assert.deepEqual(out.map((g) => [g.params.length, g.weight_decay]), [[3, 0], [0, 0.5]]);
    // A real model of Linear, Conv and BatchNorm: no warning at all.
    assert.deepEqual(warningsOf(() => buildOptimizer(new Net(), 0.1, { optimizer: 'SGD', zero_weight_decay_on_bias_and_bn: true })), []);
  });

  it('optimizer_params: not an object, or with params, is refused; lr warns that it has no effect, and only then', () => {
    const net = new Net();
    for (const bad of [[1], 'x', 3]) {
      assert.throws(() => buildOptimizer(net, 0.1, { optimizer: 'SGD', optimizer_params: bad }), withMessage(/^Expected an object for training_params\.optimizer_params but received/));
    }
    assert.throws(
      () => buildOptimizer(net, 0.1, { optimizer: 'SGD', optimizer_params: { params: [] } }),
      (e: Error) => e instanceof TypeError && e.message === 'training_params.optimizer_params.params is not allowed: the parameters come from the model',
    );
    let opt: ReturnType<typeof buildOptimizer> | null = null;
    assert.deepEqual(
      warningsOf(() => (opt = buildOptimizer(net, 0.1, { optimizer: 'SGD', optimizer_params: { lr: 5 } }))),
      ['training_params.optimizer_params.lr has no effect: initial_lr sets the learning rate of every group'],
    );
    assert.equal(opt!.paramGroups[0].lr, 0.1);
    assert.deepEqual(warningsOf(() => buildOptimizer(net, 0.1, { optimizer: 'SGD', optimizer_params: { momentum: 0.5 } })), []);
  });

  it('finetune: needs getFinetuneLrDict and a scalar initial_lr; the seed protocol needs a number and sees the finetuned initial_lr', () => {
    assert.throws(() => buildOptimizer(new Net(), 0.1, { finetune: true }), withMessage(/^finetune=True needs a model with getFinetuneLrDict\(lr\)$/));
    const ft = Object.assign(new Net(), { getFinetuneLrDict: (lr: number) => ({ default: lr }) });
    assert.throws(() => buildOptimizer(ft, { default: 0.1 }, { finetune: true }), withMessage(/^When training with fine_tune=True, initial_lr must be a scalar\.$/));
    // A seed-protocol model given a mapping (here from getFinetuneLrDict).
    const seedMapping = seedNet((n) => [{ named_params: n.namedParameters(), lr: 0.1 }], { getFinetuneLrDict: (lr: number) => ({ default: lr }) });
    assert.throws(
      () => buildOptimizer(seedMapping, 0.1, { finetune: true }),
      withMessage(/^initial_lr must be a number when the model defines initializeParamGroups \(the seed protocol\)$/),
    );
    // getFinetuneLrDict may return a number: the model's copy of the params holds it as initial_lr.
    let seen: Record<string, unknown> | null = null;
    const seedNumber = Object.assign(new Net(), {
      getFinetuneLrDict: ((lr: number) => lr / 4) as unknown as (lr: number) => Record<string, number>,
      initializeParamGroups(this: Net, lr: number, tp: Record<string, unknown>) {
        seen = tp;
        return [{ named_params: this.namedParameters(), lr }];
      },
    });
    const opt = buildOptimizer(seedNumber, 0.2, { optimizer: 'SGD', finetune: true, initial_lr: 0.2 });
    assert.equal(seen!.initial_lr, 0.05);
    assert.equal(opt.paramGroups[0].lr, 0.05);
  });

  it("initializeParamGroups results: not an array, empty, or a group that is not an object are refused; a group without lr gets the run's", () => {
    for (const bad of [null, {}, []]) {
      assert.throws(
        () => buildOptimizer(seedNet(() => bad), 0.1, {}),
        withMessage(/^Expected a non-empty array of \{named_params, lr, \.\.\.\} groups for model\.initializeParamGroups\(\) result but received/),
      );
    }
    assert.throws(
      () => buildOptimizer(seedNet((n) => [{ named_params: n.namedParameters() }, [n.namedParameters()]]), 0.1, {}),
      withMessage(/^Expected a \{named_params, lr, \.\.\.\} group for model\.initializeParamGroups\(\)\[1\] but received/),
    );
    const net = seedNet((n) => [
      { named_params: n.namedParameters().slice(0, 2), name: 'a' },
      { named_params: n.namedParameters().slice(2), lr: 0.5, name: 'b' },
    ]);
    const opt = buildOptimizer(net, 0.1, { optimizer: 'SGD' });
    assert.deepEqual(opt.paramGroups.map((g) => [g.name, g.lr, namesOf(net, g.params)]), [
      ['a', 0.1, ['conv.weight', 'conv.bias']],
      ['b', 0.5, ['bn.weight', 'bn.bias', 'head.weight', 'head.bias']],
    ]);
  });
});
