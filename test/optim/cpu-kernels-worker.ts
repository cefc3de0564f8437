/**
 * Runs every optimizer on the fused CPU path (several option sets, float32 and float64, sizes with
 * chunk tails) and prints a SHA-256 of all parameter and state bytes. Run by cpu-kernels.test.ts
 * under SG_OPTIM_KERNELS=generic and with the loops the CPU picks.
 */
import { createHash } from 'crypto';

import { native } from '../../lib/native';
import { createOptimizer } from '../../lib/optim';
import { Tensor } from '../../lib/tensor';
import * as sg from '../../lib/tensor';

const CASES: Array<[string, Record<string, unknown>]> = [
  ['SGD', { lr: 0.1 }],
  ['SGD', { lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 1e-3 }],
  ['Adam', { lr: 0.01, weight_decay: 0.1 }],
  ['Adam', { lr: 0.01, amsgrad: true }],
  ['AdamW', { lr: 0.01, weight_decay: 0.1 }],
  ['RMSprop', { lr: 0.01, momentum: 0.9, centered: true }],
  ['RMSprop', { lr: 0.01 }],
  ['RMSpropTF', { lr: 0.01, momentum: 0.9 }],
  ['RMSpropTF', { lr: 0.01, centered: true, weight_decay: 0.01, decoupled_decay: true }],
  ['Lamb', { lr: 0.01 }],
  ['Lamb', { lr: 0.01, max_grad_norm: 1e6, weight_decay: 0, always_adapt: true }],
  ['Lion', { lr: 1e-3, weight_decay: 0.1 }],
  ['Adagrad', { lr: 0.1, lr_decay: 0.01, weight_decay: 0.01, initial_accumulator_value: 0.1 }],
  ['Adadelta', { lr: 1.0, weight_decay: 0.01 }],
  ['Adamax', { lr: 0.01, weight_decay: 0.01 }],
  ['NAdam', { lr: 0.01, weight_decay: 0.01 }],
  ['NAdam', { lr: 0.01, weight_decay: 0.1, decoupled_weight_decay: true }],
  ['RAdam', { lr: 0.01, weight_decay: 0.1, decoupled_weight_decay: true }],
];

const hash = createHash('sha256');
const add = (t: Tensor) => hash.update(Buffer.from((t.toTypedArray() as Float32Array).buffer));
for (const [name, options] of CASES) {
  for (const dtype of ['float32', 'float64'] as const) {
    sg.manualSeed(3);
    const params = [[70001], [33, 7], [5]].map((shape) => sg.randn(shape, { dtype }).requiresGrad_(true));
    const opt = createOptimizer(name, params, options);
    for (let step = 0; step < 3; step++) {
      params.forEach((p) => (p.grad = sg.randn(p.shape, { dtype })));
      opt.step();
    }
    params.forEach(add);
    for (const state of opt.state.values()) for (const v of Object.values(state)) if (v instanceof Tensor) add(v);
  }
}
console.log(JSON.stringify({ kernels: native.buildInfo().cpuKernels, sha256: hash.digest('hex') }));
