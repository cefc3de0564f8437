/**
 * The Trainer's phase methods are hook points for a multi-process trainer: a subclass can shard
 * the batches, reduce the results and keep a non-main process from writing anything, while the
 * event order stays the one of lib/training/event-sequence.ts.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import * as nn from '../../lib/nn';
import * as sg from '../../lib/tensor';
import { Batch, Callback, Metric, PhaseContext, PhaseResults, Trainer, TrainingRun } from '../../lib/training';

const fixed = (n: number) => {
  sg.manualSeed(3);
  const batches = Array.from({ length: n }, () => [sg.randn([4, 3]), sg.randint(0, 2, [4])] as Batch);
  return { length: n, *[Symbol.iterator]() { yield* batches; } };
};

class Counter extends Callback {
  batches = 0;
  trainEnd: Array<Record<string, number>> = [];
  override onTrainBatchStart(): void {
    this.batches += 1;
  }
  override onTrainLoaderEnd(ctx: PhaseContext): void {
    this.trainEnd.push({ ...ctx.metrics });
  }
}

/** "Rank 1 of 2": every second batch, results halved (a stand-in for a reduction), no files. */
class SecondRank extends Trainer {
  readonly phases: string[] = [];
  steps: number[] = [];
  protected override *trainBatches(run: TrainingRun, epoch: number): Iterable<Batch> {
    let i = 0;
    for (const batch of super.trainBatches(run, epoch)) if (i++ % 2 === 1) yield batch;
  }
  protected override optimizerStep(run: TrainingRun, globalStep: number): void {
    this.steps.push(globalStep);
    super.optimizerStep(run, globalStep);
  }
  protected override phaseResults(run: TrainingRun, phase: 'train' | 'valid', metrics: Metric[], lossSum: number, count: number): PhaseResults {
    this.phases.push(phase);
    const local = super.phaseResults(run, phase, metrics, lossSum, count);
    return { loss: local.loss / 2, metrics: local.metrics };
  }
  protected override isMainProcess(): boolean {
    return false;
  }
}

describe('Trainer: hook points for a multi-process trainer', () => {
  let root: string;
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-hooks-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('a subclass shards the batches, reduces the results and writes no files', async () => {
    const counter = new Counter();
    const trainer = new SecondRank({ experimentName: 'rank1', ckptRootDir: root });
    const result = await trainer.train({
      model: new nn.Linear(3, 2),
      trainingParams: { max_epochs: 2, initial_lr: 0.1, loss: 'CrossEntropyLoss', valid_metrics_list: ['Accuracy'], phase_callbacks: [counter] },
      trainLoader: fixed(4),
      validLoader: fixed(2),
    });
    assert.equal(counter.batches, 4, 'two of the four batches per epoch');
    // The step counter still uses len(train_loader) = 4: the shard's batches are 0 and 1 of each epoch.
    assert.deepEqual(trainer.steps, [1, 2, 5, 6]);
    assert.deepEqual(trainer.phases, ['train', 'valid', 'train', 'valid']);
    assert.equal(result.epochs.length, 2);
    assert.deepEqual(counter.trainEnd.map((m) => m.loss), result.epochs.map((e) => e.train_loss), 'callbacks and the record see the reduced loss');
    assert.equal(fs.existsSync(path.join(root, 'rank1')), false, 'no experiment folder, checkpoint or log on a non-main process');
  });

  it('the default Trainer writes its checkpoints and log (the main process)', async () => {
    const trainer = new Trainer({ experimentName: 'rank0', ckptRootDir: root });
    await trainer.train({ model: new nn.Linear(3, 2), trainingParams: { max_epochs: 1, initial_lr: 0.1, loss: 'CrossEntropyLoss', valid_metrics_list: ['Accuracy'], silent_mode: true }, trainLoader: fixed(2), validLoader: fixed(1) });
    const files = fs.readdirSync(path.join(root, 'rank0')).sort();
    // The run's record (lib/report, on by default as SG's TensorBoard logger): one event file, the LR of every step, the report.
    assert.equal(files.filter((f) => f.startsWith('events.out.tfevents.')).length, 1, files.join(', '));
    assert.deepEqual(files.filter((f) => !f.startsWith('events.out.tfevents.')), ['ckpt_best.pth', 'ckpt_latest.pth', 'log.jsonl', 'lr_steps.jsonl', 'report.html', 'run.json']);
  });
});
