/**
 * The memory budget of a load (1 MiB + 32 bytes per pickle byte) leaves room over what real
 * checkpoints need: each of these loads with a budget of 16 bytes per pickle byte and no floor
 * (they take about 11), and fails with 4 (so the budget is really charged, not ignored).
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

import { MnistMlp } from '../../lib/models';
import { createOptimizer } from '../../lib/optim';
import { serialize } from '../../lib/serialize';
import { readTorchZip } from '../../lib/serialize/torch-reader';
import { limitsFor } from '../../lib/serialize/torch-reader/limits';
import * as sg from '../../lib/tensor';
import { optimizerStateForSaving } from '../../lib/training/checkpoints';
import { CORPUS } from './fuzz/seeds';

const budget = (perByte: number) => (n: number) => ({ ...limitsFor(n), budgetBytes: perByte * n });

describe('sg.load: the memory budget fits real checkpoints', () => {
  const real: Array<[string, () => Buffer]> = [
    [
      'a Trainer-style checkpoint of MnistMlp with an Adam state',
      () => {
        const model = new MnistMlp({ hidden: 16 });
        const opt = createOptimizer('Adam', model.parameters(), { lr: 0.1 });
        model.parameters().forEach((p) => (p.grad = sg.onesLike(p)));
        opt.step();
        return serialize({ net: model.stateDict(), optimizer_state_dict: optimizerStateForSaving(opt.stateDict() as never), epoch: 1, acc: 0.5, metrics: { Accuracy: 0.5 } });
      },
    ],
    ['a state dict of 2000 small tensors', () => serialize(Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`layer${i}.weight`, sg.ones([2])])))],
    ['Python: a training checkpoint (OrderedDict state dict, SGD state)', () => fs.readFileSync(path.join(CORPUS, 'python-trainer.pth'))],
    ['Python: every storage type, shared storages, a Parameter', () => fs.readFileSync(path.join(CORPUS, 'python-dtypes.pth'))],
  ];
  for (const [name, make] of real) {
    it(name, () => {
      const bytes = make();
      assert.ok(readTorchZip(bytes, budget(16)) !== undefined);
      assert.throws(() => readTorchZip(bytes, budget(4)), /would take more than \d+ bytes of memory to hold/);
    });
  }
});
