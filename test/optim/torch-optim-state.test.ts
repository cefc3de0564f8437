/**
 * Adagrad, Adadelta, Adamax, NAdam and RAdam against torch.optim 2.15 at the edges the golden
 * trajectories do not reach: PyTorch's range errors (texts printed by PyTorch 2.15 itself), its
 * state-dict layout (keys and their order, `step` and NAdam's `mu_product` as float32 scalar
 * tensors), and Adagrad's state made at construction.
 */
import assert from 'node:assert/strict';

import { Adadelta, Adagrad, Adamax, createOptimizer, NAdam, OptimizerClass, RAdam } from '../../lib/optim';
import { Tensor, tensor } from '../../lib/tensor';

const f64 = (values: number[]) => tensor(values, { dtype: 'float64', requiresGrad: true });

// [optimizer, options, PyTorch 2.15's ValueError text]
const RANGE_ERRORS: Array<[OptimizerClass, Record<string, unknown>, string]> = [
  [Adagrad as never, { lr: -0.5 }, 'Invalid learning rate: -0.5'],
  [Adagrad as never, { lr_decay: -1 }, 'Invalid lr_decay value: -1'],
  [Adagrad as never, { weight_decay: -1e-5 }, 'Invalid weight_decay value: -1e-05'],
  [Adagrad as never, { initial_accumulator_value: -0.1 }, 'Invalid initial_accumulator_value value: -0.1'],
  [Adagrad as never, { eps: -1e-10 }, 'Invalid epsilon value: -1e-10'],
  [Adadelta as never, { rho: 1.5 }, 'Invalid rho value: 1.5'],
  [Adadelta as never, { rho: -0.1 }, 'Invalid rho value: -0.1'],
  [Adadelta as never, { lr: -1 }, 'Invalid learning rate: -1'],
  [Adadelta as never, { eps: -1e-6 }, 'Invalid epsilon value: -1e-06'],
  [Adadelta as never, { weight_decay: -0.01 }, 'Invalid weight_decay value: -0.01'],
  [Adamax as never, { betas: [0.9, -0.1] }, 'Invalid beta parameter at index 1: -0.1'],
  [Adamax as never, { eps: -1 }, 'Invalid epsilon value: -1'],
  [NAdam as never, { momentum_decay: -0.004 }, 'Invalid momentum_decay value: -0.004'],
  [NAdam as never, { weight_decay: -1 }, 'Invalid weight_decay value: -1'],
  [RAdam as never, { betas: [-0.5, 0.9] }, 'Invalid beta parameter at index 0: -0.5'],
  [RAdam as never, { lr: NaN }, 'Invalid learning rate: nan'],
  [RAdam as never, { eps: -1e-8 }, 'Invalid epsilon value: -1e-08'],
];

// PyTorch 2.15's state keys (in order) and param-group keys after a step; ours add `fused` where
// PyTorch has none (sg-optim's path choice).
const LAYOUT: Record<string, { state: string[]; group: string[] }> = {
  Adagrad: {
    state: ['step', 'sum'],
    group: ['lr', 'lr_decay', 'eps', 'weight_decay', 'initial_accumulator_value', 'foreach', 'maximize', 'differentiable', 'fused', 'params'],
  },
  Adadelta: { state: ['step', 'square_avg', 'acc_delta'], group: ['lr', 'rho', 'eps', 'weight_decay', 'maximize', 'capturable', 'foreach', 'differentiable', 'params'] },
  Adamax: { state: ['step', 'exp_avg', 'exp_inf'], group: ['lr', 'betas', 'eps', 'weight_decay', 'foreach', 'maximize', 'differentiable', 'capturable', 'params'] },
  NAdam: {
    state: ['step', 'mu_product', 'exp_avg', 'exp_avg_sq'],
    group: ['lr', 'betas', 'eps', 'weight_decay', 'momentum_decay', 'decoupled_weight_decay', 'maximize', 'foreach', 'capturable', 'differentiable', 'params'],
  },
  RAdam: {
    state: ['step', 'exp_avg', 'exp_avg_sq'],
    group: ['lr', 'betas', 'eps', 'weight_decay', 'maximize', 'foreach', 'capturable', 'decoupled_weight_decay', 'differentiable', 'params'],
  },
};

/** Three steps of the optimizer's defaults on w = [1, -2, 3] with grad [0.5, 0.25, -1] (as the PyTorch run). */
function threeSteps(name: string, fused: boolean | null) {
  const w = f64([1, -2, 3]);
  const opt = createOptimizer(name, [w], { fused });
  for (let i = 0; i < 3; i++) {
    w.grad = tensor([0.5, 0.25, -1], { dtype: 'float64' });
    opt.step();
  }
  return { w, opt };
}

describe('Adagrad, Adadelta, Adamax, NAdam, RAdam: torch.optim 2.15 at the edges', () => {
  it("range errors are PyTorch's, word for word", () => {
    for (const [Cls, options, message] of RANGE_ERRORS) {
      assert.throws(() => new Cls([f64([1])], options), { name: 'RangeError', message }, `${Cls.name} ${JSON.stringify(options)}`);
    }
    assert.throws(() => new Adagrad([f64([1])], { fused: true, foreach: true }), /`fused` and `foreach` cannot be `True` together/);
    assert.throws(() => new NAdam([f64([1])], { differentiable: true }), /differentiable: true is not supported/);
  });

  for (const [name, layout] of Object.entries(LAYOUT)) {
    it(`${name}: the state dict has PyTorch's keys in PyTorch's order, step a float32 scalar tensor`, () => {
      const { opt } = threeSteps(name, null);
      const sd = opt.stateDict();
      const state = sd.state[0];
      assert.deepEqual(Object.keys(state), layout.state);
      const step = state.step as Tensor;
      assert.ok(step instanceof Tensor && step.dtype === 'float32' && step.dim() === 0 && step.item() === 3);
      const expectedGroup = layout.group.includes('fused') ? layout.group : [...layout.group.slice(0, -1), 'fused', 'params'];
      assert.deepEqual(Object.keys(sd.param_groups[0]).sort(), [...expectedGroup].sort());
    });
  }

  it("NAdam's mu_product is a float32 scalar tensor with PyTorch's value, on both paths, and survives a state dict", () => {
    // PyTorch 2.15, three steps of NAdam's defaults: mu_product 0.09121428430080414 (float32), w below.
    const expectedW = [0.9948552935428464, -2.00514470635426, 3.0051447065086005];
    for (const fused of [null, false]) {
      const { w, opt } = threeSteps('NAdam', fused);
      const mu = opt.stateDict().state[0].mu_product as Tensor;
      assert.ok(mu instanceof Tensor && mu.dtype === 'float32' && mu.dim() === 0);
      assert.equal(mu.item(), 0.09121428430080414);
      w.toArray().forEach((v, i) => assert.ok(Math.abs(v - expectedW[i]) <= 1e-12 * Math.abs(expectedW[i]), `fused ${fused}: ${v} vs ${expectedW[i]}`));
      // The saved value is a copy: a later step does not change it.
      w.grad = tensor([0.5, 0.25, -1], { dtype: 'float64' });
      opt.step();
      assert.equal(mu.item(), 0.09121428430080414);
    }
    // A loaded mu_product that is not one number is refused, and nothing changes.
    const { opt } = threeSteps('NAdam', null);
    const sd = opt.stateDict();
    // (A tensor of the parameter's shape passes the generic shape check: NAdam's own refuses it.)
    sd.state[0].mu_product = tensor([1, 2, 3], { dtype: 'float32' });
    const before = JSON.stringify(opt.stateDict().state[0].exp_avg);
    assert.throws(() => opt.loadStateDict(sd), /state\[0\]\.mu_product must hold one number, got shape \[3\]/);
    assert.equal(JSON.stringify(opt.stateDict().state[0].exp_avg), before);
    assert.equal((opt.stateDict().state[0].mu_product as Tensor).item(), 0.09121428430080414);
  });

  it('Adagrad has every parameter\'s state from construction (sum = initial_accumulator_value), as PyTorch', () => {
    // PyTorch 2.15: Adagrad([w], lr=0.1, initial_accumulator_value=0.3).state_dict()['state'] is
    // {0: {'step': tensor(0.), 'sum': tensor([0.3, 0.3])}} before any step.
    const w = f64([1, 2]);
    const v = f64([3]);
    const opt = new Adagrad([{ params: [w] }, { params: [v], initial_accumulator_value: 5 }], { lr: 0.1, initial_accumulator_value: 0.3 });
    const sd = opt.stateDict();
    assert.deepEqual(Object.keys(sd.state), ['0', '1']);
    assert.equal((sd.state[0].step as Tensor).item(), 0);
    assert.deepEqual((sd.state[0].sum as Tensor).toArray(), [0.3, 0.3]);
    // A group's own initial_accumulator_value is not used (PyTorch reads the optimizer's).
    assert.deepEqual((sd.state[1].sum as Tensor).toArray(), [0.3]);
    // A group added later gets its state at its first step, from the optimizer's defaults.
    const u = f64([7]);
    opt.addParamGroup({ params: [u], initial_accumulator_value: 9 });
    assert.equal(opt.stateDict().state[2], undefined);
    u.grad = tensor([2], { dtype: 'float64' });
    opt.step();
    // sum = 0.3 + 2², step 0.1·2/sqrt(4.3)
    assert.deepEqual((opt.stateDict().state[2].sum as Tensor).toArray(), [0.3 + 4]);
    assert.ok(Math.abs(u.toArray()[0] - (7 - (0.1 * 2) / (Math.sqrt(4.3) + 1e-10))) < 1e-15);
  });
});
