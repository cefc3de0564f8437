/**
 * Tests written for mutants StrykerJS found alive in lib/training (npm run mutate:ts) whose
 * concern has no test file of its own: each `it` names the behaviour a surviving mutant changed
 * without any test noticing.
 */
import assert from 'node:assert/strict';

import * as nn from '../../lib/nn';
import { ModelEMA } from '../../lib/training';

describe('training: ModelEMA defaults and decay schedules', () => {
  it("defaults are SG's: decay 0.9999, decay_type exp, beta 15", () => {
    const ema = new ModelEMA(new nn.Linear(2, 1));
    assert.deepEqual([ema.decay, ema.decayType, ema.beta], [0.9999, 'exp', 15]);
    // exp: decay·(1 − e^(−beta·step/total)); at a fifth of the run e^−3.
    assert.equal(ema.decayAt(2, 10), 0.9999 * (1 - Math.exp(-3)));
    assert.equal(ema.decayAt(0, 10), 0);
  });

  it('threshold: min(decay, (1 + step) / (10 + step)); constant: decay at every step', () => {
    const threshold = new ModelEMA(new nn.Linear(2, 1), { decay: 0.9, decay_type: 'threshold' });
    assert.equal(threshold.decayAt(0, 100), 0.1);
    assert.equal(threshold.decayAt(5, 100), 6 / 15);
    assert.equal(threshold.decayAt(1000, 100), 0.9);
    const constant = new ModelEMA(new nn.Linear(2, 1), { decay: 0.5, decay_type: 'constant' });
    assert.deepEqual([constant.decayAt(0, 10), constant.decayAt(9, 10)], [0.5, 0.5]);
  });

  it('an unknown decay_type is a RangeError naming it and the known ones', () => {
    assert.throws(() => new ModelEMA(new nn.Linear(2, 1), { decay_type: 'linear' as 'exp' }), {
      name: 'RangeError',
      message: "unknown ema_params.decay_type 'linear'; known: constant, threshold, exp",
    });
  });
});
