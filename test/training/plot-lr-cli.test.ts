/**
 * `sg-optim plot-lr` on a ReduceLROnPlateau recipe, in a child process (left out of StrykerJS runs,
 * where a mutant is active only in its own process; the in-process simulateLr checks of the same
 * scheduler are in simulate-lr-metrics.test.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

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
