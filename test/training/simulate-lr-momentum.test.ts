/** simulateLr with schedulers that cycle momentum: its stand-in groups carry the optimizer's options. */
import assert from 'node:assert/strict';

import { simulateLr } from '../../lib/training';

const cyclic = (optimizer: string) => ({
  max_epochs: 1,
  loss: 'CrossEntropyLoss',
  initial_lr: 0.1,
  lr_warmup_epochs: 0,
  optimizer,
  optimizer_params: optimizer === 'SGD' ? { momentum: 0.9 } : {},
  lr_mode: { CyclicLR: { base_lr: 0.01, max_lr: 0.1, step_size_up: 2, phase: 'TRAIN_BATCH_STEP' } },
});

describe('simulateLr: momentum-cycling schedulers', () => {
  // torch.optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=2) with cycle_momentum=True (its
  // default), on SGD(momentum=0.9) and on Adam (beta1): the LR before each of 6 steps, PyTorch 2.15's.
  const expected = [0.01, 0.05500000000000001, 0.1, 0.05500000000000001, 0.01, 0.05500000000000001];

  for (const optimizer of ['SGD', 'Adam']) {
    it(`CyclicLR with its default cycle_momentum on ${optimizer}: PyTorch's LRs, no "must support momentum" error`, () => {
      const sim = simulateLr(cyclic(optimizer), { trainLoaderLen: 6 });
      assert.deepEqual(sim.lr.default[0], expected);
    });
  }
});
