/**
 * PyTorch-style schedulers through the real Trainer, with SuperGradients' own test numbers (§15):
 * test_train_with_torch_scheduler.py (ReduceLROnPlateau, resume by one epoch) and
 * train_with_intialized_param_args_test.py (an external scheduler in an LRSchedulerCallback).
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { DataLoader, TensorDataset } from '../../lib/data';
import * as nn from '../../lib/nn';
import { SGD } from '../../lib/optim';
import * as sg from '../../lib/tensor';
import { LRSchedulerCallback, Metric, MultiStepLR, Phase, ReduceLROnPlateau, Trainer } from '../../lib/training';

/** SG's DummyMetric / ToyTestClassificationMetric: the same value every epoch, so nothing improves. */
class ConstantMetric implements Metric {
  readonly greaterIsBetter = true;
  constructor(readonly name: string, private readonly value = 1.0) {}
  reset(): void {}
  update(): void {}
  compute(): number {
    return this.value;
  }
}

// SG's classification_test_dataloader in miniature: random inputs, 5 classes, 2 batches.
const loader = () => {
  sg.manualSeed(0);
  const ds = new TensorDataset(sg.randn([20, 6]), sg.randint(0, 5, [20]));
  return new DataLoader(ds, { batch_size: 10 });
};
const model = () => {
  sg.manualSeed(1);
  return new nn.Sequential(new nn.Linear(6, 8), new nn.ReLU(), new nn.Linear(8, 5));
};

describe('Trainer with PyTorch schedulers: SG test_train_with_torch_scheduler', function () {
  let root: string;
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-torch-sched-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  // SG's _run_scheduler_test: SGD 0.1 (momentum 0.9, wd 1e-4), no warm-up, DummyMetric watched.
  const run = async (name: string, schedulerName: string, schedulerParams: Record<string, unknown>, epochs = 2, testResume = false) => {
    const trainer = new Trainer({ experimentName: name, ckptRootDir: root });
    const net = model();
    const trainingParams = (extra: Record<string, unknown> = {}) => ({
      max_epochs: epochs,
      lr_mode: { [schedulerName]: schedulerParams },
      lr_warmup_epochs: 0,
      initial_lr: 0.1,
      loss: 'CrossEntropyLoss',
      optimizer: 'SGD',
      optimizer_params: { weight_decay: 1e-4, momentum: 0.9 },
      train_metrics_list: [new ConstantMetric('DummyMetric')],
      valid_metrics_list: [new ConstantMetric('DummyMetric')],
      metric_to_watch: 'DummyMetric',
      greater_metric_to_watch_is_better: true,
      silent_mode: true,
      ...extra,
    });
    const lrs: number[] = [];
    const first = await trainer.train({ model: net, trainingParams: trainingParams(), trainLoader: loader(), validLoader: loader() });
    lrs.push(...first.epochs.map((e) => e.lr.default));
    if (testResume) {
      const second = await trainer.train({ model: net, trainingParams: trainingParams({ max_epochs: epochs + 1, resume: true }), trainLoader: loader(), validLoader: loader() });
      assert.equal(second.epochs.length, 1, 'the resumed run trains only the added epoch');
      lrs.push(...second.epochs.map((e) => e.lr.default));
    }
    return { lr: trainer.optimizer!.paramGroups[0].lr as number, lrs };
  };

  it('ReduceLROnPlateau(patience 0) at TRAIN_EPOCH_END on a constant training metric → 0.01', async () => {
    // The metric comes from this epoch's training metrics (SG puts them in the context at
    // TRAIN_EPOCH_END): epoch 0 sets the best, epoch 1 does not improve → 0.1 · 0.1.
    const { lr, lrs } = await run('plateau', 'ReduceLROnPlateau', { patience: 0, phase: Phase.TRAIN_EPOCH_END, metric_name: 'DummyMetric' });
    assert.ok(Math.abs(lr - 0.01) <= 1e-8, `${lr}`);
    assert.deepEqual(lrs.map((x) => +x.toPrecision(12)), [0.1, 0.01]);
  });

  it('resume by one epoch: StepLR(γ 0.1, step 1) → 0.0001 (scheduler state restored from the checkpoint)', async () => {
    const { lr, lrs } = await run('resume_step', 'StepLR', { gamma: 0.1, step_size: 1, phase: Phase.TRAIN_EPOCH_END }, 2, true);
    assert.ok(Math.abs(lr - 0.0001) <= 1e-8, `${lr}`);
    assert.deepEqual(lrs.map((x) => +x.toPrecision(12)), [0.01, 0.001, 0.0001]);
  });

  it('resume by one epoch: ReduceLROnPlateau → 0.001 (its best value survives the resume)', async () => {
    const { lr, lrs } = await run('resume_plateau', 'ReduceLROnPlateau', { patience: 0, phase: Phase.TRAIN_EPOCH_END, metric_name: 'DummyMetric' }, 2, true);
    assert.ok(Math.abs(lr - 0.001) <= 1e-8, `${lr}`);
    assert.deepEqual(lrs.map((x) => +x.toPrecision(12)), [0.1, 0.01, 0.001]);
  });
});

describe('Trainer with an external scheduler: SG train_with_intialized_param_args_test', function () {

  const params = (optimizer: SGD, callback: LRSchedulerCallback, validMetrics: Array<string | Metric>) => ({
    max_epochs: 2,
    phase_callbacks: [callback],
    lr_warmup_epochs: 0,
    loss: 'CrossEntropyLoss',
    optimizer,
    train_metrics_list: ['Accuracy', 'Top5'],
    valid_metrics_list: validMetrics,
    metric_to_watch: 'Accuracy',
    greater_metric_to_watch_is_better: true,
    save_model: false,
    silent_mode: true,
  });

  it('MultiStepLR([1, 2], 0.1) on an SGD instance, stepped at TRAIN_EPOCH_END → 0.3 · 0.1 · 0.1', async () => {
    const lr = 0.3;
    const net = model();
    const optimizer = new SGD(net.parameters(), { lr });
    const scheduler = new MultiStepLR(optimizer, { milestones: [1, 2], gamma: 0.1 });
    const trainer = new Trainer({ experimentName: 'external_scheduler', ckptRootDir: null });
    await trainer.train({ model: net, trainingParams: params(optimizer, new LRSchedulerCallback(scheduler, Phase.TRAIN_EPOCH_END), ['Accuracy', 'Top5']), trainLoader: loader(), validLoader: loader() });
    assert.equal(scheduler.lastLr[0], lr * 0.1 * 0.1);
    assert.equal(optimizer.paramGroups[0].lr, lr * 0.1 * 0.1);
  });

  it('ReduceLROnPlateau(patience 0) at VALIDATION_EPOCH_END on a constant validation metric → 0.3 · 0.1', async () => {
    const lr = 0.3;
    const net = model();
    const optimizer = new SGD(net.parameters(), { lr });
    const scheduler = new ReduceLROnPlateau(optimizer, { patience: 0 });
    const callback = new LRSchedulerCallback(scheduler, Phase.VALIDATION_EPOCH_END, 'ToyTestClassificationMetric');
    const trainer = new Trainer({ experimentName: 'external_plateau', ckptRootDir: null });
    await trainer.train({ model: net, trainingParams: params(optimizer, callback, ['Accuracy', 'Top5', new ConstantMetric('ToyTestClassificationMetric', 0)]), trainLoader: loader(), validLoader: loader() });
    assert.equal(optimizer.paramGroups[0].lr, lr * 0.1);
  });
});
