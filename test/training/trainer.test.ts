import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { DataLoader, MnistDataset } from '../../lib/data';
import { LeNet, MnistMlp } from '../../lib/models';
import * as nn from '../../lib/nn';
import { SGD } from '../../lib/optim';
import { load } from '../../lib/serialize';
import * as sg from '../../lib/tensor';
import { Callback, PhaseContext, Trainer } from '../../lib/training';

const loaders = (trainSize: number, testSize: number, batch = 32) => ({
  trainLoader: new DataLoader(new MnistDataset({ split: 'train', limit: trainSize }), { batch_size: batch, shuffle: true, seed: 0 }),
  validLoader: new DataLoader(new MnistDataset({ split: 'test', limit: testSize }), { batch_size: 250 }),
});

describe('Trainer: end to end on an MNIST subset', function () {
  let root: string;
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-trainer-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('trains LeNet with the param-groups protocol, warm-up and cosine; writes checkpoints and a JSON-lines log', async () => {
    sg.manualSeed(0);
    const model = new LeNet();
    const seen: Array<{ backbone: number; head: number }> = [];
    class RecordLr extends Callback {
      override onTrainBatchGradientStepStart(ctx: PhaseContext): void {
        const [b, h] = ctx.optimizer.paramGroups;
        seen.push({ backbone: b.lr as number, head: h.lr as number });
      }
    }
    const trainer = new Trainer({ experimentName: 'lenet', ckptRootDir: root });
    const result = await trainer.train({
      model,
      trainingParams: {
        max_epochs: 3,
        initial_lr: 0.02,
        multiply_backbone_lr: 0.5,
        optimizer: 'Adam',
        optimizer_params: {},
        lr_mode: 'cosine',
        lr_warmup_epochs: 1,
        loss: 'CrossEntropyLoss',
        criterion_params: { smooth_eps: 0.05 },
        train_metrics_list: ['Accuracy'],
        valid_metrics_list: ['Accuracy', 'Top5'],
        metric_to_watch: 'Accuracy',
        phase_callbacks: [new RecordLr()],
        silent_mode: true,
      },
      ...loaders(2000, 500),
    });
    assert.ok(result.metrics.Accuracy >= 0.85, `accuracy ${result.metrics.Accuracy}`);
    assert.ok(result.metrics.Top5 >= result.metrics.Accuracy);
    assert.equal(result.epochs.length, 3);
    assert.ok(seen.length > 0);
    seen.forEach((s) => assert.ok(Math.abs(s.backbone - 0.5 * s.head) < 1e-12, JSON.stringify(s)));
    assert.ok(seen[0].head < 0.02, 'the first epoch warms up');
    assert.equal(trainer.optimizer!.paramGroups[0].name, 'backbone');
    assert.deepEqual(trainer.trainingParams!.optimizer_params, { weight_decay: 1e-4 });
    const dir = path.join(root, 'lenet');
    for (const f of ['ckpt_latest.pth', 'ckpt_best.pth', 'log.jsonl']) assert.ok(fs.existsSync(path.join(dir, f)), f);
    const ckpt = load(path.join(dir, 'ckpt_latest.pth')) as Record<string, unknown>;
    assert.equal(ckpt.epoch, 3);
    assert.deepEqual(Object.keys(ckpt.net as object), Object.keys(model.stateDict()));
    const log = fs.readFileSync(path.join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(log.length, 3);
    assert.ok('backbone' in log[2].lr && 'head' in log[2].lr);
  });

  it('resume: true continues from ckpt_latest and ends where an uninterrupted run ends', async () => {
    const params = (extra: Record<string, unknown>) => ({
      max_epochs: 3,
      initial_lr: 0.05,
      optimizer: 'SGD',
      optimizer_params: { momentum: 0.9 },
      lr_mode: 'step',
      lr_updates: [1],
      lr_decay_factor: 0.5,
      loss: 'CrossEntropyLoss',
      valid_metrics_list: ['Accuracy'],
      silent_mode: true,
      seed: 3,
      ...extra,
    });
    const run = async (name: string, extra: Record<string, unknown>) => {
      sg.manualSeed(1);
      const model = new MnistMlp({ hidden: 32 });
      const trainer = new Trainer({ experimentName: name, ckptRootDir: root });
      await trainer.train({ model, trainingParams: params(extra), ...loaders(600, 100) });
      return model;
    };
    const full = await run('full', {});
    await run('resumed', { max_epochs: 2 });
    const resumed = await run('resumed', { resume: true });
    const a = full.stateDict();
    const b = resumed.stateDict();
    for (const k of Object.keys(a)) assert.deepEqual(b[k].toArray(), a[k].toArray(), k);
  });

  it('accepts an optimizer instance (groups get names, initial_lr comes from it) and clips gradients', async () => {
    const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 10));
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const trainer = new Trainer({ experimentName: 'instance', ckptRootDir: root });
    await trainer.train({
      model,
      trainingParams: { max_epochs: 1, optimizer, loss: 'CrossEntropyLoss', clip_grad_norm: 1.0, save_model: false, silent_mode: true, lr_mode: 'cosine' },
      ...loaders(200, 50),
    });
    assert.equal(trainer.optimizer, optimizer);
    assert.equal(optimizer.paramGroups[0].name, 'default');
    assert.equal(trainer.trainingParams!.initial_lr, 0.1);
  });

  it('stops with a clear message on a non-finite loss', async () => {
    const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 10));
    const trainer = new Trainer({ experimentName: 'nan', ckptRootDir: root });
    await assert.rejects(
      trainer.train({ model, trainingParams: { max_epochs: 1, initial_lr: 1e30, optimizer: 'SGD', loss: 'MSELoss', save_model: false, silent_mode: true }, trainLoader: {
        length: 2,
        *[Symbol.iterator]() {
          for (let i = 0; i < 2; i++) yield [sg.full([4, 1, 28, 28], 1e30), sg.zeros([4, 10])] as [sg.Tensor, sg.Tensor];
        },
      } }),
      /non-finite loss \((NaN|Infinity)\) at epoch 0, batch [01]; training stopped/,
    );
  });

  it('rejects bad training params with the field named', async () => {
    const model = new MnistMlp();
    const trainer = new Trainer({ experimentName: 'bad', ckptRootDir: root });
    const { trainLoader } = loaders(64, 10);
    await assert.rejects(trainer.train({ model, trainingParams: { initial_lr: 0.1, loss: 'CrossEntropyLoss' }, trainLoader }), /training_params\.max_epochs is required/);
    await assert.rejects(trainer.train({ model, trainingParams: { max_epochs: 1, initial_lr: 0.1, loss: 'CrossEntopyLoss' }, trainLoader }), /unknown loss 'CrossEntopyLoss'; did you mean 'CrossEntropyLoss'\?/);
    await assert.rejects(trainer.train({ model, trainingParams: { max_epochs: 1, initial_lr: 0.1, loss: 'CrossEntropyLoss', clip_grad_norm: -1 }, trainLoader }), /Invalid clip_grad_norm -1/);
  });
});
