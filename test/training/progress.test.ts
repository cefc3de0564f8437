/** The terminal progress bar and the plain per-epoch lines (lib/training/progress.ts). */
import assert from 'node:assert/strict';

import { DataLoader, TensorDataset } from '../../lib/data';
import * as nn from '../../lib/nn';
import * as sg from '../../lib/tensor';
import { Trainer } from '../../lib/training';
import { Progress } from '../../lib/training/progress';

/** A stand-in for process.stderr that records what is written. */
function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

const line = { epoch: 0, epochs: 3, batches: 4, loss: 0.123456, lr: 0.00125 };

describe('Progress', () => {
  it('on a terminal: redraws one bar in place with epoch, batch, loss and LR; the summary clears it', () => {
    const { stream, writes } = fakeStream(true);
    // A controlled clock, so the 100 ms redraw throttle is tested, not the machine's speed.
    const realNow = Date.now;
    let now = 10_000;
    Date.now = () => now;
    try {
      const progress = new Progress(stream);
      progress.update({ ...line, batch: 1 });
      assert.deepEqual(writes, [`\rEpoch 1/3 ${'█'.repeat(6)}${'░'.repeat(18)} 1/4  loss 0.1235  lr 0.00125   `]);
      // Within 100 ms of the last draw a mid-epoch update is skipped (no flicker, no cost)...
      now += 50;
      progress.update({ ...line, batch: 2, loss: 0.2 });
      assert.equal(writes.length, 1);
      now += 100;
      progress.update({ ...line, batch: 2, loss: 0.2 });
      assert.equal(writes[1], `\rEpoch 1/3 ${'█'.repeat(12)}${'░'.repeat(12)} 2/4  loss 0.2000  lr 0.00125   `);
      // Exactly 100 ms after the last draw is late enough to draw again.
      now += 100;
      progress.update({ ...line, batch: 3, loss: 0.3 });
      assert.equal(writes.length, 3);
      assert.equal(writes[2], `\rEpoch 1/3 ${'█'.repeat(18)}${'░'.repeat(6)} 3/4  loss 0.3000  lr 0.00125   `);
      writes.pop();
      // ...but the epoch's last batch is always drawn: a full bar.
      now += 1;
      progress.update({ ...line, batch: 4, loss: 0.5, lr: 3e-5 });
      assert.equal(writes.length, 3);
      assert.equal(writes[2], `\rEpoch 1/3 ${'█'.repeat(24)} 4/4  loss 0.5000  lr 0.0000300   `);
      progress.summary('Epoch 1/3  train loss 0.5000');
      assert.deepEqual(writes.slice(3), ['\r\x1b[K', 'Epoch 1/3  train loss 0.5000\n']);
    } finally {
      Date.now = realNow;
    }
  });

  it('not a terminal (CI logs, files): no bar, only the summary line', () => {
    const { stream, writes } = fakeStream(false);
    const progress = new Progress(stream);
    for (let b = 1; b <= 4; b++) progress.update({ ...line, batch: b });
    progress.summary('Epoch 1/3  train loss 0.1235');
    assert.deepEqual(writes, ['Epoch 1/3  train loss 0.1235\n']);
  });

  it('silent_mode: nothing at all, terminal or not', () => {
    for (const tty of [true, false]) {
      const { stream, writes } = fakeStream(tty);
      const progress = new Progress(stream, true);
      progress.update({ ...line, batch: 4 });
      progress.summary('x');
      assert.deepEqual(writes, []);
    }
  });

  it('the Trainer prints one summary line per epoch with losses, metrics and every group LR', async function () {
    sg.manualSeed(0);
    const data = () => new DataLoader(new TensorDataset(sg.randn([16, 5]), sg.randint(0, 3, [16])), { batch_size: 8 });
    const model = new nn.Sequential(new nn.Linear(5, 3));
    const written: string[] = [];
    const original = process.stderr.write;
    process.stderr.write = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      await new Trainer({ experimentName: 'progress', ckptRootDir: null }).train({
        model,
        trainingParams: { max_epochs: 2, initial_lr: 0.1, loss: 'CrossEntropyLoss', valid_metrics_list: ['Accuracy'], save_model: false },
        trainLoader: data(),
        validLoader: data(),
      });
    } finally {
      process.stderr.write = original;
    }
    const summaries = written.filter((w) => w.startsWith('Epoch ') && w.endsWith('\n'));
    assert.equal(summaries.length, 2, JSON.stringify(written));
    summaries.forEach((s, e) =>
      assert.match(s, new RegExp(`^Epoch ${e + 1}/2  train loss \\d+\\.\\d{4}  \\|  valid loss \\d+\\.\\d{4}  Accuracy \\d\\.\\d{4}  \\|  lr default=0\\.100  \\(\\d+\\.\\d s\\)\\n$`)),
    );
  });
});
