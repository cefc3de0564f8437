/**
 * Resume keeps the best metric: a run whose last finished epoch was not its best, interrupted and
 * resumed, must not let a model worse than the best overwrite ckpt_best.pth, and must return the
 * same best metric, best checkpoint and epochs as the uninterrupted run.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { DataLoader, TensorDataset } from '../../lib/data';
import * as nn from '../../lib/nn';
import { load } from '../../lib/serialize';
import * as sg from '../../lib/tensor';
import { Tensor } from '../../lib/tensor';
import { Callback, Metric, PhaseContext, Trainer, TrainResult } from '../../lib/training';

/** A validation metric whose value per epoch is scripted: 0.5, 0.9 (best), 0.6, 0.7, 0.8. */
const SCRIPT = [0.5, 0.9, 0.6, 0.7, 0.8];
class ScriptedScore implements Metric {
  readonly name = 'Score';
  readonly greaterIsBetter = true;
  private epoch = -1;
  reset(): void {
    this.epoch++;
  }
  update(_output: Tensor, _target: Tensor): void {}
  compute(): number {
    return SCRIPT[this.epoch];
  }
  /** The epochs the run will skip on resume (reset() counts the validations seen). */
  startAt(epoch: number): this {
    this.epoch = epoch - 1;
    return this;
  }
}

class CrashAtEpoch extends Callback {
  constructor(private readonly epoch: number) {
    super();
  }
  override onTrainLoaderStart(ctx: PhaseContext): void {
    if (ctx.epoch === this.epoch) throw new Error(`simulated crash at epoch ${this.epoch}`);
  }
}

describe('Trainer: resume keeps the best metric and the best checkpoint', function () {
  let root: string;
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-resume-best-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  async function train(experiment: string, options: { resume?: boolean; crashAt?: number; metric: ScriptedScore }): Promise<TrainResult> {
    sg.manualSeed(0);
    const x = sg.randn([16, 4]);
    const y = sg.randint(0, 3, [16]);
    const trainLoader = new DataLoader(new TensorDataset(x, y), { batch_size: 8, shuffle: true, seed: 1 });
    const validLoader = new DataLoader(new TensorDataset(x, y), { batch_size: 16 });
    const model = new nn.Sequential(new nn.Linear(4, 3));
    return new Trainer({ experimentName: experiment, ckptRootDir: root }).train({
      model,
      trainingParams: {
        max_epochs: SCRIPT.length,
        initial_lr: 0.1,
        optimizer: 'SGD',
        optimizer_params: { momentum: 0.9 },
        loss: 'CrossEntropyLoss',
        valid_metrics_list: [options.metric],
        metric_to_watch: 'Score',
        greater_metric_to_watch_is_better: true,
        resume: options.resume ?? false,
        silent_mode: true,
        seed: 3,
        phase_callbacks: options.crashAt === undefined ? [] : [new CrashAtEpoch(options.crashAt)],
      },
      trainLoader,
      validLoader,
    });
  }

  const bestOf = (experiment: string) => load(path.join(root, experiment, 'ckpt_best.pth')) as { acc: number; epoch: number; net: Record<string, Tensor> };

  it('a run interrupted after an epoch that was not its best resumes with the best metric of its ckpt_best.pth', async () => {
    const full = await train('full', { metric: new ScriptedScore() });
    assert.equal(full.bestMetric, 0.9);
    assert.deepEqual(full.epochs.map((e) => e.valid_metrics.Score), SCRIPT);

    // Epochs 0–2 finish (0.5, 0.9, 0.6: the last checkpoint's acc is 0.6), then the run dies.
    await assert.rejects(train('resumed', { metric: new ScriptedScore(), crashAt: 3 }), /simulated crash at epoch 3/);
    assert.equal((load(path.join(root, 'resumed', 'ckpt_latest.pth')) as { acc: number }).acc, 0.6);
    assert.equal(bestOf('resumed').acc, 0.9);

    // Epochs 3–4 score 0.7 and 0.8: better than 0.6, worse than the best 0.9.
    const resumed = await train('resumed', { resume: true, metric: new ScriptedScore().startAt(3) });
    assert.deepEqual(resumed.epochs.map((e) => e.epoch), [3, 4]);
    assert.equal(resumed.bestMetric, full.bestMetric, 'the returned best metric is the run’s best, not the last epoch’s');
    assert.deepEqual(resumed.metrics, full.metrics);

    const [a, b] = [bestOf('full'), bestOf('resumed')];
    assert.equal(b.acc, 0.9, 'ckpt_best.pth was not overwritten by a worse model');
    assert.equal(b.epoch, 2);
    assert.equal(a.epoch, 2);
    for (const k of Object.keys(a.net)) assert.deepEqual(Array.from(b.net[k].toTypedArray() as Float32Array), Array.from(a.net[k].toTypedArray() as Float32Array), k);
    const latest = (name: string) => load(path.join(root, name, 'ckpt_latest.pth')) as { net: Record<string, Tensor>; epoch: number };
    assert.equal(latest('resumed').epoch, 5);
    for (const k of Object.keys(a.net)) assert.deepEqual(Array.from(latest('resumed').net[k].toTypedArray() as Float32Array), Array.from(latest('full').net[k].toTypedArray() as Float32Array), `latest ${k}`);
  });
});
