/** ModelEMA averages floating entries only, as SG's: integer buffers keep their first value. */
import assert from 'node:assert/strict';

import { BatchNorm1d } from '../../lib/nn';
import * as sg from '../../lib/tensor';
import { ModelEMA } from '../../lib/training';

describe('EMA: buffers', () => {
  it('averages running statistics but leaves num_batches_tracked as it was', () => {
    const bn = new BatchNorm1d(2);
    const ema = new ModelEMA(bn, { decay: 0.5, decay_type: 'constant' });
    bn.train();
    for (let i = 0; i < 3; i++) bn.forward(sg.tensor([[1, 2], [3, 6]], { dtype: 'float32' }));
    ema.update(bn, 1, 10);
    assert.equal(bn.num_batches_tracked!.item(), 3);
    assert.equal(ema.state.num_batches_tracked.item(), 0);
    // running_mean after 3 batches of mean [2, 4] with momentum 0.1: 0.271·[2, 4]; halfway from 0.
    const rm = ema.state.running_mean.toArray();
    assert.ok(Math.abs(rm[0] - 0.5 * 0.271 * 2) < 1e-6 && Math.abs(rm[1] - 0.5 * 0.271 * 4) < 1e-6, String(rm));
  });
});
