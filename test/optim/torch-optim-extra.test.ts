/**
 * ASGD, Rprop, Adafactor (and Muon's and LBFGS's range errors) beyond their golden trajectories: PyTorch 2.15's range errors (the
 * messages torch.optim itself raised for the same values) and its state-dict layouts (keys,
 * shapes, 0-dim float32 scalars).
 */
import assert from 'node:assert/strict';

import { Adafactor, ASGD, createOptimizer, Muon, Rprop } from '../../lib/optim';
import * as sg from '../../lib/tensor';
import { Tensor } from '../../lib/tensor';

// [optimizer, options, PyTorch 2.15's ValueError message] (python: torch.optim.X([w], **options)).
const RANGE_ERRORS: Array<[string, Record<string, unknown>, string]> = [
  ['ASGD', { lr: -1 }, 'Invalid learning rate: -1'],
  ['ASGD', { lambd: -0.5 }, 'Invalid lambd value: -0.5'],
  ['ASGD', { alpha: -1 }, 'Invalid alpha value: -1'],
  ['ASGD', { weight_decay: -1e-5 }, 'Invalid weight_decay value: -1e-05'],
  ['Rprop', { etas: [1.5, 1.2] }, 'Invalid eta values: 1.5, 1.2'],
  ['Rprop', { lr: -0.1 }, 'Invalid learning rate: -0.1'],
  ['Adafactor', { lr: -1 }, 'Learning rate should be >= 0 but is: -1'],
  ['Adafactor', { beta2_decay: 0.5 }, 'beta2_decay should be <= 0 but is: 0.5'],
  ['Adafactor', { eps: [-1, 1e-3] }, 'epsilon1 should be >= 0 but is: -1'],
  ['Adafactor', { eps: [null, -0.001] }, 'epsilon2 should be >= 0 but is: -0.001'],
  ['Adafactor', { d: 0.5 }, 'Clipping threshold d should be >= 1 but is: 0.5'],
  ['Adafactor', { weight_decay: -0.1 }, 'weight_decay should be >= 0 but is: -0.1'],
  ['LBFGS', { lr: -1 }, 'Invalid learning rate: -1'],
  ['Muon', { lr: -1 }, 'Learning rate should be >= 0 but is: -1'],
  ['Muon', { momentum: -0.5 }, 'momentum should be >= 0 but is: -0.5'],
  ['Muon', { weight_decay: -0.1 }, 'weight decay should be >= 0 but is: -0.1'],
  ['Muon', { adjust_lr_fn: 'foo' }, 'Adjust learning rate function foo is not supported'],
];

function shapes(state: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(state)) out[k] = v instanceof Tensor ? [v.dtype, v.shape] : v;
  return out;
}

describe('torch.optim ASGD, Rprop, Adafactor: errors and state layouts as PyTorch 2.15', () => {
  it("range errors in PyTorch's words; a group's bad value names its place", () => {
    const w = sg.zeros([2], { requiresGrad: true });
    const m = sg.zeros([2, 2], { requiresGrad: true });
    for (const [name, options, message] of RANGE_ERRORS) {
      assert.throws(() => createOptimizer(name, [name === 'Muon' ? m : w], options), { name: 'RangeError', message }, `${name} ${JSON.stringify(options)}`);
    }
    assert.throws(() => new Rprop([{ params: [w], etas: [0.5, 0.9] }]), { name: 'RangeError', message: 'Invalid eta values: 0.5, 0.9 (param_groups[0].etas)' });
    assert.throws(() => new Adafactor([w], { eps: [null, 'x'] as never }), /TypeError: Expected a pair \[number or null, number\] for optimizer_params\.eps/);
    assert.throws(() => new ASGD([w], { fused: true, foreach: true }), /`fused` and `foreach` cannot be `True` together/);
    assert.throws(() => new ASGD([w], { differentiable: true }), /differentiable: true is not supported/);
    // Muon takes matrices only (PyTorch's ValueError, with torch.Size as PyTorch prints it).
    assert.throws(() => new Muon([m, w]), { name: 'Error', message: 'Muon only supports 2D parameters whereas we found a parameter with size: torch.Size([2])' });
    assert.throws(() => new Muon([sg.zeros([2, 3, 4], { requiresGrad: true })]), /torch\.Size\(\[2, 3, 4\]\)$/);
  });

  it("ASGD's state: step, eta and mu as 0-dim float32 tensors (eta after one step as torch 2.15 computes it), ax like the parameter", () => {
    const q = sg.zeros([3], { requiresGrad: true });
    const opt = new ASGD([q]);
    q.grad = sg.ones([3]);
    opt.step();
    const st = opt.stateDict().state[0];
    assert.deepEqual(shapes(st), { step: ['float32', []], eta: ['float32', []], mu: ['float32', []], ax: ['float32', [3]] });
    // torch.optim.ASGD([q]).step(): state['eta'].item() (lr / (1 + lambd·lr·1)^0.75 in float32).
    assert.equal(Number((st.eta as Tensor).item()), 0.009999992325901985);
    assert.equal(Number((st.mu as Tensor).item()), 1);
    assert.equal(Number((st.step as Tensor).item()), 1);
    // A state dict whose eta and mu are plain numbers (PyTorch's __setstate__ takes them too).
    const other = new ASGD([q]);
    other.loadStateDict({ ...opt.stateDict(), state: { 0: { ...st, eta: 0.5, mu: 0.25 } } });
    const loaded = other.stateDict().state[0];
    assert.equal(Number((loaded.eta as Tensor).item()), 0.5);
    assert.equal(Number((loaded.mu as Tensor).item()), 0.25);
  });

  it("Rprop's state: step, prev and step_size (filled with lr at the start)", () => {
    const q = sg.zeros([3], { requiresGrad: true, dtype: 'float64' });
    const opt = new Rprop([q], { lr: 0.25 });
    q.grad = sg.tensor([1, -1, 0], { dtype: 'float64' });
    opt.step();
    const st = opt.stateDict().state[0];
    assert.deepEqual(shapes(st), { step: ['float32', []], prev: ['float64', [3]], step_size: ['float64', [3]] });
    assert.deepEqual((st.step_size as Tensor).toArray(), [0.25, 0.25, 0.25]);
    assert.deepEqual(q.toArray(), [-0.25, 0.25, 0]);
  });

  it("Adafactor's state: row_var and col_var for a matrix, variance for a vector; a wrong shape on load is refused, nothing changed", () => {
    const p = sg.zeros([4, 5], { requiresGrad: true });
    const q = sg.zeros([3], { requiresGrad: true });
    const opt = new Adafactor([p, q]);
    p.grad = sg.ones([4, 5]);
    q.grad = sg.ones([3]);
    opt.step();
    const sd = opt.stateDict();
    assert.deepEqual(shapes(sd.state[0]), { step: ['float32', []], row_var: ['float32', [4, 1]], col_var: ['float32', [1, 5]] });
    assert.deepEqual(shapes(sd.state[1]), { step: ['float32', []], variance: ['float32', [3]] });
    assert.deepEqual(sd.param_groups[0].eps, [null, 1e-3]);
    const before = (opt.state.get(p)!.row_var as Tensor).toArray();
    const bad = { ...sd, state: { ...sd.state, 0: { ...sd.state[0], row_var: sg.zeros([1, 5]) } } };
    assert.throws(() => opt.loadStateDict(bad), /state\[0\]\.row_var has shape \[1, 5\] but a parameter of shape \[4, 5\] needs \[4, 1\]/);
    assert.deepEqual((opt.state.get(p)!.row_var as Tensor).toArray(), before);
  });
});
