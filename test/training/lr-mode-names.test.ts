/** lr_mode mappings look up PyTorch scheduler names among their own entries only, with suggestions. */
import assert from 'node:assert/strict';

import { simulateLr } from '../../lib/training';

const sim = (lr_mode: unknown) => simulateLr({ max_epochs: 2, initial_lr: 0.1, lr_mode }, { trainLoaderLen: 2 });

describe('LR schedules: scheduler names in an lr_mode mapping', () => {
  it("Object.prototype's members are unknown names, not schedulers", () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      assert.throws(() => sim(JSON.parse(`{"${name}": {"phase": "TRAIN_EPOCH_END"}}`)), new RegExp(`unknown lr_mode scheduler '${name}'.*known: StepLR, LambdaLR`));
    }
    assert.equal(({} as Record<string, unknown>).phase, undefined);
  });

  it('a misspelt scheduler gets a suggestion', () => {
    assert.throws(() => sim({ CosineAnealingLR: { T_max: 3, phase: 'TRAIN_EPOCH_END' } }), /unknown lr_mode scheduler 'CosineAnealingLR'; did you mean 'CosineAnnealingLR'\?/);
  });

  it('the known ones still work', () => {
    const s = sim({ StepLR: { step_size: 1, gamma: 0.5, phase: 'TRAIN_EPOCH_END' } });
    assert.deepEqual(s.epochEnd.default, [0.05, 0.025]);
  });
});
