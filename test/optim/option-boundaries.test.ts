/**
 * The edges of the optimizers' own range checks (adadelta.ts, adafactor.ts, muon.ts, rprop.ts):
 * the boundary values PyTorch 2.15 accepts are accepted and the nearest ones it refuses are
 * refused (checked against torch.optim in .venv-torch: `torch.optim.X([w], **options)`). Written
 * against the StrykerJS survivors of those files (a `>=` made `>` or a check made `true` passed
 * the tests, which tried only values far from the edge). Also: a state tensor of the wrong shape
 * under Adafactor's `variance` (a key that keeps its parameter's shape) is refused on load.
 */
import assert from 'node:assert/strict';

import { Adadelta, Adafactor, createOptimizer, Muon, Rprop } from '../../lib/optim';
import * as sg from '../../lib/tensor';
import { Tensor } from '../../lib/tensor';

/** [optimizer, options] that PyTorch 2.15 accepts, each on an edge of a check. */
const ACCEPTED: Array<[string, Record<string, unknown>]> = [
  ['Adadelta', { rho: 0 }],
  ['Adadelta', { rho: 1 }],
  ['Adafactor', { eps: [0, 0] }],
  ['Adafactor', { eps: [1e-30, 1e-3] }],
  ['Adafactor', { beta2_decay: 0 }],
  ['Muon', { lr: 0 }],
  ['Rprop', { etas: [1e-9, 1.0000001] }],
];

/** [optimizer, options, PyTorch 2.15's ValueError message]: just past an edge. */
const REFUSED: Array<[string, Record<string, unknown>, string]> = [
  ['Adadelta', { rho: -0.01 }, 'Invalid rho value: -0.01'],
  ['Adadelta', { rho: 1.01 }, 'Invalid rho value: 1.01'],
  ['Adafactor', { eps: [-1e-30, 1e-3] }, 'epsilon1 should be >= 0 but is: -1e-30'],
  ['Adafactor', { beta2_decay: 1e-9 }, 'beta2_decay should be <= 0 but is: 1e-09'],
  ['Muon', { lr: -1e-9 }, 'Learning rate should be >= 0 but is: -1e-09'],
  ['Rprop', { etas: [0, 1.2] }, 'Invalid eta values: 0, 1.2'],
  ['Rprop', { etas: [1, 1.2] }, 'Invalid eta values: 1, 1.2'],
  ['Rprop', { etas: [0.5, 1] }, 'Invalid eta values: 0.5, 1'],
];

describe('optimizer option checks at their edges (as torch.optim 2.15)', () => {
  const vector = () => sg.zeros([2], { requiresGrad: true });
  const matrix = () => sg.zeros([2, 2], { requiresGrad: true });

  it('accepts the boundary values PyTorch accepts, and keeps them', () => {
    for (const [name, options] of ACCEPTED) {
      const opt = createOptimizer(name, [name === 'Muon' ? matrix() : vector()], options);
      for (const [key, value] of Object.entries(options)) assert.deepEqual(opt.paramGroups[0][key], value, `${name} ${key}`);
    }
    assert.equal(new Adadelta([vector()], { rho: 1 }).defaults.rho, 1);
    assert.deepEqual(new Adafactor([vector()], { eps: [0, 0] }).defaults.eps, [0, 0]);
    assert.deepEqual(new Rprop([vector()], { etas: [1e-9, 1.0000001] }).defaults.etas, [1e-9, 1.0000001]);
  });

  it("refuses the nearest values PyTorch refuses, in PyTorch's words", () => {
    for (const [name, options, message] of REFUSED) {
      assert.throws(() => createOptimizer(name, [name === 'Muon' ? matrix() : vector()], options), { name: 'RangeError', message }, `${name} ${JSON.stringify(options)}`);
    }
  });

  // PyTorch checks ns_steps only when it steps (`ns_steps >= 100` in its Newton–Schulz helper);
  // sg-optim refuses it at construction, with PyTorch's message, and also refuses what is not a
  // non-negative integer.
  it('Muon: ns_steps 0 and 99 are accepted; 100, a fraction and a negative number are refused', () => {
    assert.equal(new Muon([matrix()], { ns_steps: 0 }).defaults.ns_steps, 0);
    assert.equal(new Muon([matrix()], { ns_steps: 99 }).defaults.ns_steps, 99);
    assert.throws(() => new Muon([matrix()], { ns_steps: 100 }), { name: 'RangeError', message: 'Number of steps must be less than 100 for computational efficiency' });
    assert.throws(() => new Muon([matrix()], { ns_steps: 2.5 }), { name: 'RangeError', message: 'ns_steps must be a non-negative integer, got 2.5' });
    assert.throws(() => new Muon([matrix()], { ns_steps: -1 }), { name: 'RangeError', message: 'ns_steps must be a non-negative integer, got -1' });
  });

  it("Adafactor: a vector's variance of another shape is refused on load (only row_var and col_var have shapes of their own)", () => {
    const q = sg.zeros([3], { requiresGrad: true });
    const opt = new Adafactor([q]);
    q.grad = sg.ones([3]);
    opt.step();
    const sd = opt.stateDict();
    const before = (opt.state.get(q)!.variance as Tensor).toArray();
    const bad = { ...sd, state: { 0: { ...sd.state[0], variance: sg.zeros([4]) } } };
    assert.throws(() => opt.loadStateDict(bad), { name: 'RangeError', message: 'stateDict.state[0].variance has shape [4] but its parameter has shape [3]' });
    assert.deepEqual((opt.state.get(q)!.variance as Tensor).toArray(), before);
  });
});
