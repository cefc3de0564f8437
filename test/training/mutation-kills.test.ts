/**
 * Tests written for mutants StrykerJS found alive in lib/training (npm run mutate:ts) whose
 * concern has no test file of its own: each `it` names the behaviour a surviving mutant changed
 * without any test noticing.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import * as nn from '../../lib/nn';
import { load } from '../../lib/serialize';
import { SGD } from '../../lib/optim';
import { readRunData, REPORT_FILE } from '../../lib/report/run-files';
import * as sg from '../../lib/tensor';
import { Callback, Checkpoint, CheckpointDir, Metric, ModelEMA, PhaseContext, Trainer } from '../../lib/training';
import { fixedBatches } from './fixed-batches';
import { warningsDuring } from './warnings';

describe('training: ModelEMA defaults and decay schedules', () => {
  it("defaults are SG's: decay 0.9999, decay_type exp, beta 15", () => {
    const ema = new ModelEMA(new nn.Linear(2, 1));
    assert.deepEqual([ema.decay, ema.decayType, ema.beta], [0.9999, 'exp', 15]);
    // exp: decay·(1 − e^(−beta·step/total)); at a fifth of the run e^−3.
    assert.equal(ema.decayAt(2, 10), 0.9999 * (1 - Math.exp(-3)));
    assert.equal(ema.decayAt(0, 10), 0);
  });

  it('threshold: min(decay, (1 + step) / (10 + step)); constant: decay at every step', () => {
    const threshold = new ModelEMA(new nn.Linear(2, 1), { decay: 0.9, decay_type: 'threshold' });
    assert.equal(threshold.decayAt(0, 100), 0.1);
    assert.equal(threshold.decayAt(5, 100), 6 / 15);
    assert.equal(threshold.decayAt(1000, 100), 0.9);
    const constant = new ModelEMA(new nn.Linear(2, 1), { decay: 0.5, decay_type: 'constant' });
    assert.deepEqual([constant.decayAt(0, 10), constant.decayAt(9, 10)], [0.5, 0.5]);
  });

  it('an unknown decay_type is a RangeError naming it and the known ones', () => {
    assert.throws(() => new ModelEMA(new nn.Linear(2, 1), { decay_type: 'linear' as 'exp' }), {
      name: 'RangeError',
      message: "unknown ema_params.decay_type 'linear'; known: constant, threshold, exp",
    });
  });
});

/** Two fixed batches of 4 samples, 3 features, 2 classes. */
const twoBatches = () => fixedBatches(2);

const quiet = { save_model: false, silent_mode: true };
const base = { max_epochs: 2, initial_lr: 0.1, optimizer: 'SGD', loss: 'CrossEntropyLoss' };

describe('training: the Trainer, what its own tests left unchecked', () => {
  let root: string;
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-trainer-kills-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('Trainer(options): an object with a non-empty experimentName; ckptRootDir defaults to ./checkpoints', () => {
    assert.throws(() => new Trainer(3 as never), { name: 'TypeError', message: 'Expected an object {experimentName, ckptRootDir?} for Trainer(options) but received 3 (number)' });
    assert.throws(() => new Trainer({ experimentName: '' }), { name: 'TypeError', message: "Expected a non-empty string for Trainer({experimentName}) but received '' (string)" });
    assert.throws(() => new Trainer({ experimentName: 7 as never }), { name: 'TypeError', message: 'Expected a non-empty string for Trainer({experimentName}) but received 7 (number)' });
    const trainer = new Trainer({ experimentName: 'x' });
    assert.equal(trainer.ckptRootDir, path.resolve('checkpoints'));
    assert.equal(new Trainer({ experimentName: 'x', ckptRootDir: null }).ckptRootDir, path.resolve('checkpoints'));
    assert.equal(trainer.experimentDir, path.join(path.resolve('checkpoints'), 'x'));
  });

  it('train(args): the model and the loaders are checked before anything runs, naming the argument', async () => {
    const trainer = new Trainer({ experimentName: 'args', ckptRootDir: root });
    const model = new nn.Linear(3, 2);
    const trainingParams = { ...base, ...quiet };
    await assert.rejects(trainer.train(3 as never), { name: 'TypeError', message: 'Expected an object {model, trainingParams, trainLoader, validLoader} for train(args) but received 3 (number)' });
    await assert.rejects(trainer.train({ model: {} as never, trainingParams, trainLoader: twoBatches() }), { name: 'TypeError', message: 'Expected an sg.nn.Module for train({model}) but received {} (object)' });
    const noParams = { forward: () => sg.zeros([1]) };
    await assert.rejects(trainer.train({ model: noParams as never, trainingParams, trainLoader: twoBatches() }), { name: 'TypeError', message: /^Expected an sg\.nn\.Module for train\(\{model\}\)/ });
    await assert.rejects(trainer.train({ model, trainingParams, trainLoader: { length: 2 } as never }), {
      name: 'TypeError',
      message: 'Expected a DataLoader or an iterable of [inputs, targets] with a length for train({trainLoader}) but received {"length":2} (object)',
    });
    await assert.rejects(trainer.train({ model, trainingParams, trainLoader: null as never }), { name: 'TypeError', message: /for train\(\{trainLoader\}\) but received null$/ });
    for (const length of [0, 1.5, undefined]) {
      const loader = { length, *[Symbol.iterator]() {} } as never;
      await assert.rejects(trainer.train({ model, trainingParams, trainLoader: loader }), {
        name: 'TypeError',
        message: `Expected a positive integer (number of batches) for train({trainLoader}).length but received ${length === undefined ? 'undefined' : `${length} (number)`}`,
      });
      await assert.rejects(trainer.train({ model, trainingParams, trainLoader: twoBatches(), validLoader: loader }), { message: /for train\(\{validLoader\}\)\.length but received/ });
    }
  });

  it('optimizer: a name needs initial_lr; anything but a name, class or instance is refused', async () => {
    const trainer = new Trainer({ experimentName: 'opt', ckptRootDir: root });
    const model = new nn.Linear(3, 2);
    await assert.rejects(trainer.train({ model, trainingParams: { ...base, initial_lr: null, ...quiet }, trainLoader: twoBatches() }), {
      name: 'Error',
      path: 'training_params.initial_lr',
      code: 'ERR_REQUIRED',
      message: 'training_params.initial_lr is required (a number or a {default, <prefix>: lr} mapping)',
    });
    await assert.rejects(trainer.train({ model, trainingParams: { ...base, optimizer: 3, ...quiet }, trainLoader: twoBatches() }), {
      name: 'TypeError',
      message: 'Expected an optimizer name, class or instance for training_params.optimizer but received 3 (number)',
    });
  });

  it('an optimizer instance: unnamed groups become default or group_<i>, initial_lr is read from them, and initial_lr alongside is refused', async () => {
    const model = new nn.Linear(3, 2);
    const two = new SGD([{ params: [model.weight] }, { params: [model.bias!], lr: 0.01 }], { lr: 0.1 });
    const trainer = new Trainer({ experimentName: 'instance', ckptRootDir: root });
    const result = await trainer.train({ model, trainingParams: { max_epochs: 1, optimizer: two, loss: 'CrossEntropyLoss', ...quiet }, trainLoader: twoBatches() });
    assert.deepEqual(two.paramGroups.map((g) => g.name), ['group_0', 'group_1']);
    assert.deepEqual(trainer.trainingParams!.initial_lr, { group_0: 0.1, group_1: 0.01 });
    assert.deepEqual(result.epochs[0].lr, { group_0: 0.1, group_1: 0.01 });

    const named = new SGD([{ params: model.parameters(), name: 'head' }], { lr: 0.2 });
    await trainer.train({ model, trainingParams: { max_epochs: 1, optimizer: named, loss: 'CrossEntropyLoss', ...quiet }, trainLoader: twoBatches() });
    assert.equal(named.paramGroups[0].name, 'head', 'a name it has is kept');
    assert.equal(trainer.trainingParams!.initial_lr, 0.2);

    const single = new SGD(model.parameters(), { lr: 0.05 });
    const alone = await trainer.train({ model, trainingParams: { max_epochs: 1, optimizer: single, loss: 'CrossEntropyLoss', ...quiet }, trainLoader: twoBatches() });
    assert.equal(single.paramGroups[0].name, 'default', 'a single unnamed group is the default group');
    assert.deepEqual([trainer.trainingParams!.initial_lr, alone.epochs[0].lr], [0.05, { default: 0.05 }]);

    // The first group named: the groups keep what they have, and the epoch's lr names an unnamed one by its index.
    const mixed = new SGD([{ params: [model.weight], name: 'head' }, { params: [model.bias!], lr: 0.01 }], { lr: 0.1 });
    const partly = await trainer.train({ model, trainingParams: { max_epochs: 1, optimizer: mixed, loss: 'CrossEntropyLoss', ...quiet }, trainLoader: twoBatches() });
    assert.deepEqual(partly.epochs[0].lr, { head: 0.1, group_1: 0.01 });

    const one = new SGD(model.parameters(), { lr: 0.3 });
    await assert.rejects(trainer.train({ model, trainingParams: { max_epochs: 1, optimizer: one, initial_lr: 0.3, loss: 'CrossEntropyLoss', ...quiet }, trainLoader: twoBatches() }), {
      message: 'An instantiated optimizer cannot be passed along initial_lr != None',
    });
  });

  it('the run report of a model without parameters, trained through an optimizer instance over other tensors, names the device cpu', async () => {
    // The weight lives outside the module: model.parameters() is empty, the optimizer holds it.
    sg.manualSeed(5);
    const weight = sg.randn([3, 2]).requiresGrad_();
    const before = Array.from(weight.toTypedArray() as Float32Array);
    class OutsideWeight extends nn.Module {
      forward(x: sg.Tensor): sg.Tensor {
        return x.matmul(weight);
      }
    }
    const model = new OutsideWeight();
    assert.equal(model.parameters().length, 0);
    const trainer = new Trainer({ experimentName: 'no-params-report', ckptRootDir: root });
    await trainer.train({
      model,
      trainingParams: {
        max_epochs: 1,
        optimizer: new SGD([weight], { lr: 0.1 }),
        loss: 'CrossEntropyLoss',
        train_metrics_list: ['Accuracy'],
        silent_mode: true,
        sg_logger_params: { tb: false, report: true },
      },
      trainLoader: twoBatches(),
    });
    assert.notDeepEqual(Array.from(weight.toTypedArray() as Float32Array), before, 'the optimizer trained the outside weight');
    assert.equal(readRunData(trainer.experimentDir).run!.environment.device, 'cpu');
    assert.match(fs.readFileSync(path.join(trainer.experimentDir, REPORT_FILE), 'utf8'), /<td>device<\/td><td>cpu<\/td>/);
  });

  it('zero_redundancy in one process is an error pointing to DDP; false and null are no sharding', async () => {
    const trainer = new Trainer({ experimentName: 'zero', ckptRootDir: root });
    for (const value of [true, 'yes']) {
      await assert.rejects(trainer.train({ model: new nn.Linear(3, 2), trainingParams: { ...base, zero_redundancy: value, ...quiet }, trainLoader: twoBatches() }), {
        path: 'training_params.zero_redundancy',
        code: 'ERR_RANGE',
        message: `training_params.zero_redundancy: ${String(value)} shards the optimizer state across the processes of a data-parallel run: use it with multi_gpu: DDP (the DistributedTrainer)`,
      });
    }
    for (const value of [false, null, undefined]) {
      const result = await trainer.train({ model: new nn.Linear(3, 2), trainingParams: { ...base, max_epochs: 1, zero_redundancy: value, ...quiet }, trainLoader: twoBatches() });
      assert.equal(result.epochs.length, 1);
    }
  });

  it('checkpoints: acc is the watched metric, epoch the epochs done; ckpt_epoch_<n>.pth for save_ckpt_epoch_list; a lower-is-better metric', async () => {
    const trainer = new Trainer({ experimentName: 'ckpts', ckptRootDir: root });
    const result = await trainer.train({
      model: new nn.Linear(3, 2),
      trainingParams: { ...base, max_epochs: 3, valid_metrics_list: ['Accuracy'], metric_to_watch: 'loss', greater_metric_to_watch_is_better: false, save_ckpt_epoch_list: [2], silent_mode: true },
      trainLoader: twoBatches(),
      validLoader: twoBatches(),
    });
    const dir = path.join(root, 'ckpts');
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.pth')).sort(), ['ckpt_best.pth', 'ckpt_epoch_2.pth', 'ckpt_latest.pth']);
    const losses = result.epochs.map((e) => e.valid_loss as number);
    assert.equal(result.bestMetric, Math.min(...losses));
    const latest = load(path.join(dir, 'ckpt_latest.pth')) as Checkpoint;
    assert.deepEqual([latest.epoch, latest.acc, latest.metrics], [3, losses[2], result.epochs[2].valid_metrics]);
    const second = load(path.join(dir, 'ckpt_epoch_2.pth')) as Checkpoint;
    assert.deepEqual([second.epoch, second.acc], [2, losses[1]]);
    const best = load(path.join(dir, 'ckpt_best.pth')) as Checkpoint;
    assert.equal(best.acc, Math.min(...losses));
    assert.equal(best.epoch, losses.indexOf(Math.min(...losses)) + 1);
    // The log: one JSON line per epoch with the experiment's name and the epoch's record.
    const lines = fs.readFileSync(path.join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.map((l) => [l.experiment, l.epoch, l.valid_loss]), result.epochs.map((e) => ['ckpts', e.epoch, e.valid_loss]));
    assert.deepEqual(lines[0].lr, { default: 0.1 });
  });

  it('no metric computed: a warning that ckpt_best is not written (only when saving), and no best', async () => {
    const trainer = new Trainer({ experimentName: 'no-metric', ckptRootDir: root });
    const params = { ...base, max_epochs: 1, silent_mode: true, ckpt_best_name: 'best.pth' };
    const warnings = await warningsDuring('SG_NO_METRIC_TO_WATCH', () => trainer.train({ model: new nn.Linear(3, 2), trainingParams: params, trainLoader: twoBatches() }));
    assert.deepEqual(warnings, ["training_params.metric_to_watch 'Accuracy': no metric is computed (valid_metrics_list / train_metrics_list are empty), so best.pth is not written"]);
    assert.equal(fs.existsSync(path.join(root, 'no-metric', 'best.pth')), false);
    assert.equal(fs.existsSync(path.join(root, 'no-metric', 'ckpt_latest.pth')), true);
    const silent = await warningsDuring('SG_NO_METRIC_TO_WATCH', () => trainer.train({ model: new nn.Linear(3, 2), trainingParams: { ...params, save_model: false }, trainLoader: twoBatches() }));
    assert.deepEqual(silent, []);
    // With a validation loader the results hold only the validation loss: still nothing to watch.
    const validated = await warningsDuring('SG_NO_METRIC_TO_WATCH', () => trainer.train({ model: new nn.Linear(3, 2), trainingParams: params, trainLoader: twoBatches(), validLoader: twoBatches() }));
    assert.equal(validated.length, 1);
  });

  it('the epoch summary on stderr: losses, metrics and each group\'s lr; nothing with silent_mode', async () => {
    const written: string[] = [];
    const original = process.stderr.write;
    const run = (silent: boolean) =>
      new Trainer({ experimentName: 'summary', ckptRootDir: root }).train({
        model: new nn.Linear(3, 2),
        trainingParams: { ...base, max_epochs: 1, initial_lr: { default: 0.1, bias: 0.01 }, train_metrics_list: ['Accuracy'], valid_metrics_list: ['Accuracy', { Top5: { top_k: 2 } }], save_model: false, silent_mode: silent },
        trainLoader: twoBatches(),
        validLoader: twoBatches(),
      });
    let result;
    process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      result = await run(false);
      await run(true);
    } finally {
      process.stderr.write = original;
    }
    const e = result.epochs[0];
    const summary = written.filter((w) => w.startsWith('Epoch '));
    assert.equal(summary.length, 1, written.join(''));
    assert.equal(
      summary[0].replace(/\(\d+\.\d s\)/, '(T s)'),
      `Epoch 1/1  train loss ${e.train_loss.toFixed(4)}  Accuracy ${e.train_metrics.Accuracy.toFixed(4)}  |  valid loss ${(e.valid_loss as number).toFixed(4)}  Accuracy ${e.valid_metrics.Accuracy.toFixed(4)}  Top5 ${e.valid_metrics.Top5.toFixed(4)}  |  lr bias=0.0100 default=0.100  (T s)\n`,
    );
  });

  /** A validation metric whose value per epoch is scripted. */
  class Scripted implements Metric {
    readonly name = 'Score';
    private epoch = -1;
    constructor(private readonly script: number[], readonly greaterIsBetter: boolean) {}
    reset(): void {
      this.epoch++;
    }
    update(): void {}
    compute(): number {
      return this.script[this.epoch];
    }
  }

  for (const [greater, script, bestEpoch] of [[true, [0.5, 0.9, 0.6, 0.9], 2], [false, [0.5, 0.3, 0.4, 0.3], 2]] as const) {
    it(`ckpt_best.pth: only a strictly better metric replaces it (${greater ? 'greater' : 'lower'} is better, a tie keeps the first)`, async () => {
      const name = `best-${greater}`;
      const result = await new Trainer({ experimentName: name, ckptRootDir: root }).train({
        model: new nn.Linear(3, 2),
        trainingParams: { ...base, max_epochs: 4, valid_metrics_list: [new Scripted([...script], greater)], metric_to_watch: 'Score', greater_metric_to_watch_is_better: greater, silent_mode: true },
        trainLoader: twoBatches(),
        validLoader: twoBatches(),
      });
      assert.equal(result.bestMetric, script[bestEpoch - 1]);
      const best = load(path.join(root, name, 'ckpt_best.pth')) as Checkpoint;
      assert.deepEqual([best.epoch, best.acc], [bestEpoch, script[bestEpoch - 1]]);
    });
  }

  it('VALIDATION_EPOCH_END callbacks see the validation loss as metrics.loss beside the metrics', async () => {
    const seen: Array<Record<string, number>> = [];
    class Sees extends Callback {
      override onValidationLoaderEnd(ctx: PhaseContext): void {
        seen.push({ ...ctx.metrics });
      }
    }
    const result = await new Trainer({ experimentName: 'sees', ckptRootDir: root }).train({
      model: new nn.Linear(3, 2),
      trainingParams: { ...base, valid_metrics_list: ['Accuracy'], phase_callbacks: [new Sees()], ...quiet },
      trainLoader: twoBatches(),
      validLoader: twoBatches(),
    });
    assert.deepEqual(seen, result.epochs.map((e) => ({ Accuracy: e.valid_metrics.Accuracy, loss: e.valid_loss })));
  });

  it('metric_to_watch null watches Accuracy; an optimizer instance with initial_lr undefined is accepted', async () => {
    const model = new nn.Linear(3, 2);
    const result = await new Trainer({ experimentName: 'watch-null', ckptRootDir: root }).train({
      model,
      trainingParams: { max_epochs: 1, optimizer: new SGD(model.parameters(), { lr: 0.1 }), initial_lr: undefined, loss: 'CrossEntropyLoss', valid_metrics_list: ['Accuracy'], metric_to_watch: null, silent_mode: true },
      trainLoader: twoBatches(),
      validLoader: twoBatches(),
    });
    assert.equal(result.bestMetric, result.epochs[0].valid_metrics.Accuracy);
  });

  it("a model with initializeParamGroups but no updateParamGroups gets SG's default update: every group at the scheduled lr", async () => {
    class SeedProtocol extends nn.Linear {
      initializeParamGroups(lr: number) {
        return [
          { named_params: [['weight', this.weight]], lr, name: 'w' },
          { named_params: [['bias', this.bias!]], lr: lr * 10, name: 'b' },
        ];
      }
    }
    const result = await new Trainer({ experimentName: 'seed-protocol', ckptRootDir: root }).train({
      model: new SeedProtocol(3, 2) as never,
      trainingParams: { ...base, lr_mode: 'StepLRScheduler', lr_updates: [1], lr_decay_factor: 0.5, ...quiet },
      trainLoader: twoBatches(),
    });
    // SgModule.update_param_groups sets every group to the scheduled lr: the 10× of group b lasts
    // until the first update (at the start of epoch 0).
    assert.deepEqual(result.epochs.map((e) => e.lr), [{ w: 0.1, b: 0.1 }, { w: 0.05, b: 0.05 }]);
  });

  it('a model with both initializeParamGroups and updateParamGroups keeps its own update', async () => {
    class OwnUpdate extends nn.Linear {
      initializeParamGroups(lr: number) {
        return [
          { named_params: [['weight', this.weight]], lr, name: 'w' },
          { named_params: [['bias', this.bias!]], lr: lr * 10, name: 'b' },
        ];
      }
      updateParamGroups(groups: Array<{ lr?: number; name?: string }>, lr: number) {
        groups.forEach((g) => (g.lr = g.name === 'b' ? lr * 10 : lr));
        return groups;
      }
    }
    const result = await new Trainer({ experimentName: 'own-update', ckptRootDir: root }).train({
      model: new OwnUpdate(3, 2) as never,
      trainingParams: { ...base, lr_mode: 'StepLRScheduler', lr_updates: [1], lr_decay_factor: 0.5, ...quiet },
      trainLoader: twoBatches(),
    });
    assert.deepEqual(result.epochs.map((e) => e.lr), [{ w: 0.1, b: 1 }, { w: 0.05, b: 0.5 }]);
  });

  describe('resume', () => {
    const run = (name: string, extra: Record<string, unknown>) =>
      new Trainer({ experimentName: name, ckptRootDir: root }).train({
        model: new nn.Linear(3, 2),
        trainingParams: { ...base, optimizer_params: { momentum: 0.9 }, train_metrics_list: ['Accuracy'], silent_mode: true, ...extra },
        trainLoader: twoBatches(),
      });
    const momentum = (sd: unknown) => Object.values((sd as { state: Record<string, { momentum_buffer?: sg.Tensor }> }).state).map((s) => s.momentum_buffer?.toArray());

    it('load_opt_params: false leaves the optimizer fresh; true (the default) loads its state', async () => {
      await run('resume-opt', { max_epochs: 1 });
      const saved = load(path.join(root, 'resume-opt', 'ckpt_latest.pth')) as Checkpoint;
      assert.equal(momentum(saved.optimizer_state_dict).length, 2);
      const seen: unknown[] = [];
      class StateAtStart extends Callback {
        override onTrainingStart(ctx: PhaseContext): void {
          seen.push(momentum((ctx.optimizer as unknown as { stateDict(): unknown }).stateDict()));
        }
      }
      await run('resume-opt', { max_epochs: 2, resume: true, load_opt_params: false, save_model: false, phase_callbacks: [new StateAtStart()] });
      await run('resume-opt', { max_epochs: 2, resume: true, save_model: false, phase_callbacks: [new StateAtStart()] });
      assert.deepEqual(seen, [[], momentum(saved.optimizer_state_dict)]);
    });

    it('a checkpoint without optimizer state, or with scheduler state the run has no scheduler for, resumes its weights', async () => {
      const weights = { weight: sg.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' }), bias: sg.tensor([0.5, -0.5], { dtype: 'float32' }) };
      new CheckpointDir(path.join(root, 'resume-bare')).write('ckpt_latest.pth', { net: weights, acc: null, epoch: 1, optimizer_state_dict: null, metrics: {}, torch_scheduler_state_dict: { last_epoch: 0 } });
      const seen: number[][] = [];
      class WeightsAtStart extends Callback {
        override onTrainingStart(ctx: PhaseContext): void {
          seen.push(((ctx.net as nn.Linear).bias as sg.Tensor).toArray());
        }
      }
      const result = await run('resume-bare', { max_epochs: 2, resume: true, save_model: false, phase_callbacks: [new WeightsAtStart()] });
      assert.deepEqual(seen, [[0.5, -0.5]]);
      assert.deepEqual(result.epochs.map((e) => e.epoch), [1]);
    });
  });
});
