/**
 * simulateLr with metric-driven schedulers (ReduceLROnPlateau). In-process only, so StrykerJS can
 * run it; `sg-optim plot-lr` on such a recipe (a child process) is in plot-lr-cli.test.ts.
 */
import assert from 'node:assert/strict';

import { simulateLr } from '../../lib/training';

const plateau = (kw: Record<string, unknown> = {}) => ({
  max_epochs: 4,
  loss: 'CrossEntropyLoss',
  initial_lr: 0.1,
  lr_mode: { ReduceLROnPlateau: { phase: 'VALIDATION_EPOCH_END', metric_name: 'Accuracy', patience: 0, mode: 'max', ...kw } },
});
const near = (a: number[], b: number[]) => b.forEach((x, i) => assert.ok(Math.abs(a[i] - x) <= 1e-15, `[${i}] ${a[i]} vs ${x} (${JSON.stringify(a)})`));

describe('simulateLr: metric-driven schedulers', () => {
  it('default: the watched metric is constant, so the plateau scheduler reduces after every epoch but the first', () => {
    const sim = simulateLr(plateau(), { trainLoaderLen: 2 });
    near(sim.epochEnd.default, [0.1, 0.01, 0.001, 0.0001]);
    assert.deepEqual(sim.constantMetrics, ['Accuracy']);
    // The reduction at the end of epoch 1 is what epoch 2's steps use.
    assert.deepEqual(sim.lr.default[1], [0.1, 0.1]);
    near(sim.lr.default[2] as number[], [0.01, 0.01]);
  });

  it('metrics(epoch) drives it: an improving metric keeps the LR, a stall past patience reduces it', () => {
    const improving = simulateLr(plateau(), { trainLoaderLen: 1, metrics: (e) => ({ Accuracy: 0.5 + e / 10 }) });
    near(improving.epochEnd.default, [0.1, 0.1, 0.1, 0.1]);
    assert.deepEqual(improving.constantMetrics, []);
    const acc = [0.5, 0.6, 0.6, 0.6, 0.6];
    const seen: number[] = [];
    const stalled = simulateLr({ ...plateau({ patience: 1 }), max_epochs: 5 }, { trainLoaderLen: 1, metrics: (e) => (seen.push(e), { Accuracy: acc[e] }) });
    // best 0.6 at epoch 1; bad epochs 2 and 3 → 2 > patience 1 at epoch 3.
    near(stalled.epochEnd.default, [0.1, 0.1, 0.1, 0.01, 0.01]);
    assert.deepEqual(seen, [0, 1, 2, 3, 4], 'called once per epoch, in order');
  });

  it('a mode min scheduler at TRAIN_EPOCH_END on the loss works the same way', () => {
    const sim = simulateLr(
      { ...plateau(), lr_mode: { ReduceLROnPlateau: { phase: 'TRAIN_EPOCH_END', metric_name: 'loss', patience: 0, factor: 0.5 } } },
      { trainLoaderLen: 1, metrics: (e) => ({ loss: [2, 1, 1.5, 0.5][e] }) },
    );
    near(sim.epochEnd.default, [0.1, 0.1, 0.05, 0.05]);
  });

  it('errors name the metric and the bad value', () => {
    assert.throws(
      () => simulateLr(plateau(), { trainLoaderLen: 1, metrics: () => ({ loss: 1 }) }),
      /LR scheduler metric 'Accuracy' is not among the metrics of this phase: loss/,
    );
    assert.throws(
      () => simulateLr(plateau(), { trainLoaderLen: 1, metrics: (e) => ({ Accuracy: e === 2 ? ('0.5' as unknown as number) : 0.5 }) }),
      /Expected a number for simulateLr options\.metrics\(2\)\.Accuracy but received '0\.5' \(string\)/,
    );
    assert.throws(
      () => simulateLr(plateau(), { trainLoaderLen: 1, metrics: 3 as never }),
      /Expected a function \(epoch\) => \{metric name: number\} for simulateLr options\.metrics but received 3 \(number\)/,
    );
  });

  it('schedulers without a metric report no assumed metric', () => {
    const sim = simulateLr({ ...plateau(), lr_mode: 'cosine' }, { trainLoaderLen: 2 });
    assert.deepEqual(sim.constantMetrics, []);
  });
});
