import assert from 'node:assert/strict';

import * as sg from '../../lib/tensor';

describe('tensors: memory', () => {
  // Node-API runs finalizers when the event loop turns, so a program that never yields must
  // dispose(); one that yields now and then (as every Node program does) stays bounded.
  // Bounded by count (20 GB of short-lived tensors, close to this machine's memory), not by time.
  it('20k creations of 1 MB tensors keep RSS bounded (collected tensors free native memory)', async () => {
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    for (let i = 0; i < 20000; i++) {
      sg.zeros([262144]);
      if (i % 250 === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        peak = Math.max(peak, process.memoryUsage().rss);
      }
    }
    const growthMb = (peak - rssBefore) / 2 ** 20;
    assert.ok(growthMb < 600, `RSS grew by ${growthMb.toFixed(0)} MB for 20 GB of short-lived tensors`);
  });

  it('dispose() frees at once', () => {
    const t = sg.zeros([262144]);
    t.dispose();
    assert.equal(t.isDisposed, true);
  });
});
