/** simulateLr and `sg-optim plot-lr` with metric-driven schedulers (ReduceLROnPlateau). */
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

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

describe('sg-optim plot-lr: a ReduceLROnPlateau recipe', function () {
  it('draws the plateau reductions and says the metric was held constant', () => {
    const out = path.join(os.tmpdir(), `sg-lr-plateau-${process.pid}.svg`);
    const main = path.join(__dirname, '..', '..', 'lib', 'cli', 'main.js');
    const r = spawnSync(
      process.execPath,
      [main, 'plot-lr', '--config-name', 'mnist_lenet', '--out', out, '--train-loader-len', '4', 'epochs=4', 'training_hyperparams.lr_warmup_epochs=0',
        'training_hyperparams.lr_mode={ReduceLROnPlateau: {phase: VALIDATION_EPOCH_END, metric_name: Accuracy, patience: 0, mode: max}}'],
      { encoding: 'utf8', timeout: 1800000 }, // a hang guard only
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrote .*\(2 group\(s\), 4 epochs × 4 batches\)/);
    assert.match(r.stdout, /note: 'Accuracy' held constant \(never improving\)/);
    const svg = fs.readFileSync(out, 'utf8');
    fs.rmSync(out);
    const paths = [...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(paths.length, 2, 'backbone and head');
    for (const d of paths) {
      // Per epoch: lr, lr (epoch 0 set the best), lr/10, lr/100, each held for the epoch's 4 steps.
      const ys = [...d.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
      assert.equal(ys.length, 16);
      const levels = [ys[0], ys[4], ys[8], ys[12]];
      for (let e = 0; e < 4; e++) assert.ok(ys.slice(4 * e, 4 * e + 4).every((y) => y === levels[e]), d);
      assert.equal(levels[0], levels[1], d);
      assert.ok(levels[1] < levels[2] && levels[2] < levels[3], `each reduction is drawn lower (larger y): ${levels}`);
    }
  });
});
