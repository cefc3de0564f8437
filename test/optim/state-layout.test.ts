/**
 * No silent wrong results from memory layouts and aliasing: optimizer state loaded in another
 * layout than its parameter's (channels-last buffers for a contiguous weight), and one gradient
 * tensor shared by several parameters under maximize.
 */
import assert from 'node:assert/strict';

import { createOptimizer } from '../../lib/optim';
import { NativeOptimizer } from '../../lib/optim/native-optimizer';
import * as sg from '../../lib/tensor';
import { Tensor } from '../../lib/tensor';
import { GOLDEN_OPTIMIZERS, maxRelativeError, NO_FUSED_CPU } from '../helpers/golden';

/** The same values in channels-last order (NHWC strides): not contiguous as PyTorch defines it. */
const channelsLast = (t: Tensor) => t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

const OPTIONS: Record<string, Record<string, unknown>> = {
  SGD: { lr: 0.1, momentum: 0.9 },
  Adam: { lr: 0.01, amsgrad: true },
  AdamW: { lr: 0.01, weight_decay: 0.1 },
  RMSprop: { lr: 0.01, momentum: 0.9, centered: true },
  RMSpropTF: { lr: 0.01, momentum: 0.9, centered: true },
  Lamb: { lr: 0.01 },
  Lion: { lr: 0.001 },
  Adagrad: { lr: 0.1, lr_decay: 0.01, initial_accumulator_value: 0.1 },
  Adadelta: { lr: 1.0, weight_decay: 0.01 },
  Adamax: { lr: 0.01 },
  NAdam: { lr: 0.01, weight_decay: 0.01, decoupled_weight_decay: true },
  RAdam: { lr: 0.01 },
  ASGD: { lr: 0.01, t0: 1, weight_decay: 0.01 },
  Rprop: { lr: 0.01 },
  Adafactor: { lr: 0.01, weight_decay: 0.01 },
};

describe('optimizers: state loaded in another memory layout', () => {
  // Muon takes matrices only, which have no channels-last layout.
  for (const name of GOLDEN_OPTIMIZERS.filter((n) => n !== 'Muon')) {
    it(`${name}: channels-last state for a contiguous weight steps exactly as fused: false`, () => {
      sg.manualSeed(1);
      const w0 = sg.randn([4, 3, 5, 6], { dtype: 'float64' });
      const grads = [0, 1, 2].map(() => sg.randn([4, 3, 5, 6], { dtype: 'float64' }));
      // Two steps to get state, then save it with every buffer made channels-last.
      const warm = w0.clone().requiresGrad_(true);
      const first = createOptimizer(name, [warm], OPTIONS[name]);
      for (const g of grads.slice(0, 2)) {
        warm.grad = g.clone();
        first.step();
      }
      const sd = first.stateDict();
      const state = sd.state as Record<string, Record<string, unknown>>;
      let permuted = 0;
      for (const entry of Object.values(state)) {
        for (const [k, v] of Object.entries(entry)) {
          if (v instanceof Tensor && v.dim() === 4) {
            entry[k] = channelsLast(v);
            assert.equal((entry[k] as Tensor).isContiguous(), false);
            permuted++;
          }
        }
      }
      assert.ok(permuted > 0, 'the state has tensors to permute');

      const run = (fused: boolean | null) => {
        const w = warm.detach().clone().requiresGrad_(true);
        const opt = createOptimizer(name, [w], { ...OPTIONS[name], fused }) as NativeOptimizer;
        opt.loadStateDict(sd);
        opt.paramGroups.forEach((group) => (group.fused = fused)); // the loaded groups carry the saved flag
        w.grad = grads[2].clone();
        opt.step();
        assert.equal(opt.lastStepPath, fused === false || name in NO_FUSED_CPU ? 'reference' : 'fused-cpu');
        return w.toArray();
      };
      const ref = run(false);
      const fused = run(null);
      // The control: the fused step from the original (contiguous) state, bit for bit.
      warm.grad = grads[2].clone();
      first.step();
      assert.deepEqual(fused, warm.toArray());
      assert.ok(maxRelativeError(ref, fused) <= 1e-12, `reference path: ${maxRelativeError(ref, fused)}`);
    });
  }

  it('a loaded step that is not a non-negative integer is refused before anything changes', () => {
    const w = sg.randn([3], { dtype: 'float64' }).requiresGrad_(true);
    const opt = createOptimizer('Adam', [w], { lr: 0.1 });
    w.grad = sg.ones([3], { dtype: 'float64' });
    opt.step();
    const sd = opt.stateDict();
    const before = JSON.stringify(Object.values(opt.state.get(w)!).map((v) => (v instanceof Tensor ? v.toArray() : v)));
    for (const bad of [NaN, -1, 1.5, 2 ** 64, Infinity]) {
      const state = { ...(sd.state as Record<string, Record<string, unknown>>) };
      state['0'] = { ...state['0'], step: bad };
      assert.throws(() => opt.loadStateDict({ ...sd, state } as never), /step/, String(bad));
      assert.equal(JSON.stringify(Object.values(opt.state.get(w)!).map((v) => (v instanceof Tensor ? v.toArray() : v))), before);
    }
  });
});

describe('optimizers: maximize with one gradient tensor shared by several parameters', () => {
  for (const name of ['SGD', 'Adam', 'AdamW', 'RMSprop', 'ASGD', 'Rprop', 'Adafactor']) {
    for (const fused of [null, false]) {
      it(`${name} (fused: ${fused}): a shared gradient is negated once for each parameter, and left as it was`, () => {
        sg.manualSeed(2);
        const g = sg.randn([5, 7], { dtype: 'float64' });
        const w0 = [0, 1, 2].map(() => sg.randn([5, 7], { dtype: 'float64' }));
        const run = (share: boolean) => {
          const ws = w0.map((w) => w.clone().requiresGrad_(true));
          // Groups 0 and 1 maximize, group 2 minimizes: all three see the same gradient tensor.
          const opt = createOptimizer(name, [{ params: [ws[0], ws[1]] }, { params: [ws[2]], maximize: false }], { lr: 0.05, maximize: true, fused });
          for (let step = 0; step < 2; step++) {
            ws.forEach((w) => (w.grad = share ? g : g.clone()));
            opt.step();
          }
          return ws.map((w) => w.toArray());
        };
        const separate = run(false);
        const before = g.toArray();
        const shared = run(true);
        assert.deepEqual(shared, separate);
        assert.deepEqual(g.toArray(), before, 'the shared gradient is unchanged');
      });
    }
  }
});
