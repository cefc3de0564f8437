/** sg.tidy: a synchronous loop frees its tensors without waiting for the event loop. */
import assert from 'node:assert/strict';

import { Linear } from '../../lib/nn';
import { SGD } from '../../lib/optim';
import * as sg from '../../lib/tensor';

describe('tensors: tidy scopes', () => {
  it('disposes what fn created, keeps what it returns (also inside arrays and objects) and what it keeps', () => {
    const outside = sg.ones([2]);
    let inner: sg.Tensor | undefined;
    let kept: sg.Tensor | undefined;
    const result = sg.tidy(() => {
      inner = outside.mul(2);
      kept = sg.keep(outside.add(1));
      const a = outside.add(3);
      return { list: [a], n: 1 };
    });
    assert.equal(inner!.isDisposed, true);
    assert.equal(kept!.isDisposed, false);
    assert.equal(outside.isDisposed, false);
    assert.deepEqual(result.list[0].toArray(), [4, 4]);
  });

  it('nested scopes: what an inner scope returns is freed by the outer one unless returned again', () => {
    let fromInner: sg.Tensor | undefined;
    const out = sg.tidy(() => {
      fromInner = sg.tidy(() => sg.zeros([3]).add(1));
      assert.equal(fromInner.isDisposed, false);
      return fromInner.sum();
    });
    assert.equal(fromInner!.isDisposed, true);
    assert.deepEqual(out.toArray(), [3]);
  });

  it('training steps in a synchronous loop free their intermediates at once (500 steps of ~4 MB each)', () => {
    sg.manualSeed(0);
    const layer = new Linear(256, 256);
    const opt = new SGD(layer.parameters(), { lr: 1e-3, momentum: 0.9 });
    const x = sg.randn([1024, 256]);
    const step = () =>
      sg.tidy(() => {
        const loss = layer.forward(x).pow(2).mean();
        opt.zeroGrad();
        loss.backward();
        opt.step();
        return Number(loss.item());
      });
    for (let i = 0; i < 20; i++) step();
    const before = process.memoryUsage().rss;
    let last = 0;
    for (let i = 0; i < 500; i++) last = step();
    const grown = (process.memoryUsage().rss - before) / 2 ** 20;
    // Held until the loop ends, the intermediates would take 500 × 4 MB = 2 GB. What remains is
    // the allocator's: the small native wrappers are freed only when the event loop turns (README).
    assert.ok(grown < 1000, `RSS grew by ${grown.toFixed(0)} MB`);
    assert.ok(Number.isFinite(last));
    assert.equal(layer.weight.isDisposed, false);
  });

  it('BAD CALL: tidy of a non-function, or of an async function', () => {
    assert.throws(() => sg.tidy(3 as never), { name: 'TypeError', message: 'Expected a function for tidy(fn) but received number' });
    assert.throws(() => sg.tidy(async () => 1), { name: 'TypeError', message: /returned a Promise/ });
  });
});
