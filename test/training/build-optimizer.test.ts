/**
 * SuperGradients' buildOptimizer in lib/training: it only reads the caller's training params (a
 * deep-frozen object works and is unchanged), prepareOptimizer returns the effective values, and
 * buildOptimizerAndRecord (the Trainer's variant, on its own merged copy) records exactly those.
 */
import assert from 'node:assert/strict';

import * as sgPublic from '../../lib';
import { SGD } from '../../lib/optim';
import * as sg from '../../lib/tensor';
import { buildOptimizer, buildOptimizerAndRecord, prepareOptimizer } from '../../lib/training/build-optimizer';
import { Net } from './conv-bn-head';

/** A fine-tunable Net: the head at the given lr, the rest at a tenth. */
class FinetuneNet extends Net {
  getFinetuneLrDict(lr: number): Record<string, number> {
    return { 'head.': lr, default: lr / 10 };
  }
}

/** A Net with the seed's protocol; it keeps the training params it was shown. */
class SeedNet extends Net {
  seen: Record<string, unknown> | null = null;
  initializeParamGroups(lr: number, trainingParams: Record<string, unknown>) {
    this.seen = trainingParams;
    return [{ named_params: this.namedParameters(), lr: lr * (trainingParams.multiply_lr as number), name: 'all' }];
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const summary = (opt: { paramGroups: Array<Record<string, unknown> & { params: unknown[] }> }): Array<Record<string, unknown>> =>
  opt.paramGroups.map(({ params, ...rest }) => ({ n: params.length, ...rest }));

describe('training: buildOptimizer reads the training params, never writes them', () => {
  it('a deep-frozen training params object works and is unchanged (zero-wd split, SG defaults)', () => {
    const tp = deepFreeze({ optimizer: 'SGD', optimizer_params: { weight_decay: 5e-4 }, zero_weight_decay_on_bias_and_bn: true, initial_lr: 0.1 });
    const before = structuredClone(tp);
    const opt = buildOptimizer(new Net(), tp.initial_lr, tp);
    assert.deepEqual(tp, before);
    assert.ok(opt instanceof SGD);
    assert.deepEqual(opt.paramGroups.map((g) => [g.params.length, g.weight_decay, g.momentum, g.lr]), [
      [4, 0, 0.9, 0.1],
      [2, 5e-4, 0.9, 0.1],
    ]);
  });

  it('a frozen initial_lr mapping and a frozen finetune run: prepareOptimizer returns the effective values', () => {
    const lrs = deepFreeze({ default: 0.1, 'head.': 0.01 });
    const tp = deepFreeze({ optimizer: 'Adam', optimizer_params: {}, initial_lr: lrs });
    const opt = buildOptimizer(new Net(), lrs, tp);
    assert.deepEqual(opt.paramGroups.map((g) => [g.name, g.lr]), [['head.', 0.01], ['default', 0.1]]);
    assert.deepEqual(tp, { optimizer: 'Adam', optimizer_params: {}, initial_lr: { default: 0.1, 'head.': 0.01 } });

    const ft = deepFreeze({ optimizer: 'SGD', optimizer_params: { momentum: 0.5 }, finetune: true, initial_lr: 0.1 });
    const prepared = prepareOptimizer(new FinetuneNet(), 0.1, ft);
    assert.deepEqual(prepared.initialLr, { 'head.': 0.1, default: 0.01 });
    assert.deepEqual(prepared.optimizerParams, { weight_decay: 1e-4, momentum: 0.5 });
    assert.deepEqual(prepared.optimizer.paramGroups.map((g) => [g.name, g.lr, g.momentum]), [['head.', 0.1, 0.5], ['default', 0.01, 0.5]]);
    assert.deepEqual(ft, { optimizer: 'SGD', optimizer_params: { momentum: 0.5 }, finetune: true, initial_lr: 0.1 });
  });

  it("the model's initializeParamGroups sees a copy holding the effective optimizer_params, not the caller's object", () => {
    const tp = deepFreeze({ optimizer: 'RMSprop', optimizer_params: { eps: 1e-3 }, multiply_lr: 2 });
    const model = new SeedNet();
    const opt = buildOptimizer(model, 0.05, tp);
    assert.deepEqual(summary(opt).map((g) => [g.name, g.lr, g.eps, g.momentum]), [['all', 0.1, 1e-3, 0.9]]);
    assert.notEqual(model.seen, tp);
    assert.deepEqual(model.seen, { optimizer: 'RMSprop', optimizer_params: { weight_decay: 1e-4, momentum: 0.9, eps: 1e-3 }, multiply_lr: 2 });
    assert.deepEqual(tp.optimizer_params, { eps: 1e-3 });
  });

  it('buildOptimizerAndRecord records what prepareOptimizer returns, in the object it is given (the Trainer passes its own copy)', () => {
    sg.manualSeed(0);
    const fresh = () => ({ optimizer: 'SGD', optimizer_params: { momentum: 0.5 }, finetune: true, initial_lr: 0.1 }) as Record<string, unknown>;
    const prepared = prepareOptimizer(new FinetuneNet(), 0.1, fresh());
    const own = fresh();
    const opt = buildOptimizerAndRecord(new FinetuneNet(), 0.1, own);
    assert.deepEqual(own.optimizer_params, prepared.optimizerParams);
    assert.deepEqual(own.initial_lr, prepared.initialLr);
    assert.deepEqual(summary(opt).map(({ n, ...g }) => [n, g]), summary(prepared.optimizer).map(({ n, ...g }) => [n, g]));
    // Without finetune initial_lr stays as given; the seed protocol's model sees that very object.
    const seedParams: Record<string, unknown> = { optimizer: 'SGD', optimizer_params: {}, multiply_lr: 1 };
    const model = new SeedNet();
    buildOptimizerAndRecord(model, 0.1, seedParams);
    assert.equal(model.seen, seedParams);
    assert.deepEqual(seedParams, { optimizer: 'SGD', optimizer_params: { weight_decay: 1e-4, momentum: 0.9 }, multiply_lr: 1 });
  });

  it('sg.optim keeps the param-group helpers: the very functions of sg.training', () => {
    assert.equal(sgPublic.optim.buildOptimizer, sgPublic.training.buildOptimizer);
    assert.equal(sgPublic.optim.separateZeroWdGroups, sgPublic.training.separateZeroWdGroups);
    assert.equal(sgPublic.optim.SG_DEFAULT_OPTIMIZER_PARAMS, sgPublic.training.SG_DEFAULT_OPTIMIZER_PARAMS);
  });
});
