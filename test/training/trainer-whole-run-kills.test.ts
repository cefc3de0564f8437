/**
 * Tests written for the mutants of lib/training/trainer.ts that the first whole-folder Stryker
 * run of lib/training left alive (README, mutation testing): each `it` names the behaviour a
 * surviving mutant changed without any test noticing.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import * as nn from '../../lib/nn';
import { SGD } from '../../lib/optim';
import { load } from '../../lib/serialize';
import { REPORT_FILE, RUN_FILE } from '../../lib/report/run-files';
import * as sg from '../../lib/tensor';
import { Callback, PhaseContext, registerLrScheduler, StepLRScheduler, Trainer, TrainingRun } from '../../lib/training';
import { fixedBatches as batches } from './fixed-batches';
import { warningsDuring } from './warnings';

const values = (t: sg.Tensor) => Array.from(t.toTypedArray() as Float32Array);
const quiet = { save_model: false, silent_mode: true };
const base = { max_epochs: 1, initial_lr: 0.1, optimizer: 'SGD', loss: 'CrossEntropyLoss' };

describe('training: the Trainer, what the whole lib/training mutation run found unchecked', () => {
  let root: string;
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-trainer-whole-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('clip_grad_norm scales the step: the update of one SGD step (lr 1) is the gradient times max_norm / (‖g‖ + 1e-6)', async () => {
    const trained = async (clip: number | null) => {
      sg.manualSeed(1);
      const model = new nn.Linear(3, 2);
      const before = [...values(model.weight), ...values(model.bias!)];
      await new Trainer({ experimentName: 'clip', ckptRootDir: root }).train({
        model,
        trainingParams: { ...base, initial_lr: 1, optimizer_params: { momentum: 0, weight_decay: 0 }, clip_grad_norm: clip, ...quiet },
        trainLoader: batches(1),
      });
      const after = [...values(model.weight), ...values(model.bias!)];
      return before.map((b, i) => b - after[i]);
    };
    const gradient = await trained(null); // lr 1, no momentum: the update is the gradient
    const norm = Math.hypot(...gradient);
    const maxNorm = 0.01;
    assert.ok(norm > 10 * maxNorm, `the gradient's norm ${norm} is large enough to be clipped`);
    const clipped = await trained(maxNorm);
    const scale = maxNorm / (norm + 1e-6);
    clipped.forEach((d, i) => assert.ok(Math.abs(d - gradient[i] * scale) < 1e-6, `element ${i}: ${d} vs ${gradient[i] * scale}`));
    assert.ok(Math.abs(Math.hypot(...clipped) - maxNorm) < 1e-6);
  });

  it('a plain model with an initial_lr mapping: each group follows its own lr through the scheduler (no seed-protocol wrapper), and ctx.net is the model', async () => {
    const model = new nn.Linear(3, 2);
    let seenNet: unknown;
    const probe = new (class extends Callback {
      override onTrainingStart(ctx: PhaseContext): void {
        seenNet = ctx.net;
      }
    })();
    const result = await new Trainer({ experimentName: 'mapping', ckptRootDir: root }).train({
      model,
      trainingParams: { ...base, max_epochs: 2, initial_lr: { default: 0.1, bias: 0.01 }, lr_mode: 'StepLRScheduler', lr_updates: [1], lr_decay_factor: 0.5, phase_callbacks: [probe], ...quiet },
      trainLoader: batches(2),
    });
    assert.deepEqual(
      result.epochs.map((e) => e.lr),
      [
        { default: 0.1, bias: 0.01 },
        { default: 0.05, bias: 0.005 },
      ],
    );
    assert.equal(seenNet, model);
  });

  it("the epoch's lr names each group once, with the lr of the first group of that name", async () => {
    const model = new nn.Linear(3, 2);
    const optimizer = new SGD(
      [
        { params: [model.weight], name: 'shared', lr: 0.1 },
        { params: [model.bias!], name: 'shared', lr: 0.01 },
      ],
      { lr: 0.1 },
    );
    const result = await new Trainer({ experimentName: 'dup-names', ckptRootDir: root }).train({ model, trainingParams: { max_epochs: 1, optimizer, loss: 'CrossEntropyLoss', ...quiet }, trainLoader: batches(1) });
    assert.deepEqual(optimizer.paramGroups.map((g) => g.lr), [0.1, 0.01], 'no scheduler touched the groups');
    assert.deepEqual(result.epochs[0].lr, { shared: 0.1 });
  });

  it('an optimizer instance without param groups is refused, naming training_params.optimizer', async () => {
    const model = new nn.Linear(3, 2);
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    optimizer.paramGroups = [];
    await assert.rejects(new Trainer({ experimentName: 'no-groups', ckptRootDir: root }).train({ model, trainingParams: { max_epochs: 1, optimizer, loss: 'CrossEntropyLoss', ...quiet }, trainLoader: batches(1) }), {
      name: 'Error',
      path: 'training_params.optimizer',
      code: 'ERR_RANGE',
      message: 'training_params.optimizer: the optimizer instance has no param groups (nothing to train)',
    });
  });

  it('the model needs forward as well as namedParameters; initial_lr: undefined is as missing as null', async () => {
    const trainer = new Trainer({ experimentName: 'model-check', ckptRootDir: root });
    const noForward = { forward: 3, namedParameters: () => [], parameters: () => [] };
    await assert.rejects(trainer.train({ model: noForward as never, trainingParams: { ...base, ...quiet }, trainLoader: batches(1) }), { name: 'TypeError', message: /^Expected an sg\.nn\.Module for train\(\{model\}\)/ });
    await assert.rejects(trainer.train({ model: new nn.Linear(3, 2), trainingParams: { ...base, initial_lr: undefined, ...quiet }, trainLoader: batches(1) }), {
      path: 'training_params.initial_lr',
      code: 'ERR_REQUIRED',
      message: 'training_params.initial_lr is required (a number or a {default, <prefix>: lr} mapping)',
    });
  });

  it('metric and callback lists name their own key in errors', async () => {
    const trainer = new Trainer({ experimentName: 'lists', ckptRootDir: root });
    const attempt = (extra: Record<string, unknown>) => trainer.train({ model: new nn.Linear(3, 2), trainingParams: { ...base, ...extra, ...quiet }, trainLoader: batches(1) });
    await assert.rejects(attempt({ train_metrics_list: ['Acuracy'] }), { path: 'training_params.train_metrics_list[0]', message: /^unknown metric 'Acuracy'; did you mean 'Accuracy'\? known: Accuracy, Top5/ });
    await assert.rejects(attempt({ valid_metrics_list: [3] }), { path: 'training_params.valid_metrics_list[0]', message: 'Expected a metric name or a Metric for training_params.valid_metrics_list[0] but received 3 (number)' });
    await assert.rejects(attempt({ phase_callbacks: ['Nope'] }), { path: 'training_params.phase_callbacks[0]', message: /^training_params\.phase_callbacks\[0\]: unknown callback 'Nope'/ });
  });

  it('save_ckpt_epoch_list must be an array of epoch numbers: null or a string is refused', async () => {
    const trainer = new Trainer({ experimentName: 'kept', ckptRootDir: root });
    for (const value of [null, '15', [2, 1.5]]) {
      await assert.rejects(trainer.train({ model: new nn.Linear(3, 2), trainingParams: { ...base, save_ckpt_epoch_list: value, ...quiet }, trainLoader: batches(1) }), {
        name: 'TypeError',
        path: 'training_params.save_ckpt_epoch_list',
        message: /^Expected an array of epoch numbers \(\[\] for none\) for training_params\.save_ckpt_epoch_list but received /,
      });
    }
  });

  it('the experiment folder exists from the first callback when saving, and is never made with save_model: false', async () => {
    const seen: boolean[] = [];
    const probe = (dir: () => string) =>
      new (class extends Callback {
        override onTrainingStart(): void {
          seen.push(fs.existsSync(dir()));
        }
      })();
    const saving = new Trainer({ experimentName: 'made-early', ckptRootDir: root });
    await saving.train({ model: new nn.Linear(3, 2), trainingParams: { ...base, silent_mode: true, train_metrics_list: ['Accuracy'], sg_logger_params: { tb: false, report: false }, phase_callbacks: [probe(() => saving.experimentDir)] }, trainLoader: batches(1) });
    const notSaving = new Trainer({ experimentName: 'never-made', ckptRootDir: root });
    await notSaving.train({ model: new nn.Linear(3, 2), trainingParams: { ...base, ...quiet, phase_callbacks: [probe(() => notSaving.experimentDir)] }, trainLoader: batches(1) });
    assert.deepEqual(seen, [true, false]);
    assert.equal(fs.existsSync(notSaving.experimentDir), false);
  });

  it('sg_logger_params: tb alone writes event files and no report; neither writes no run files', async () => {
    const run = async (name: string, tb: boolean, report: boolean) => {
      const trainer = new Trainer({ experimentName: name, ckptRootDir: root });
      await trainer.train({
        model: new nn.Linear(3, 2),
        trainingParams: { ...base, silent_mode: true, valid_metrics_list: ['Accuracy'], sg_logger_params: { tb, report } },
        trainLoader: batches(1),
        validLoader: batches(1, 4),
        additionalConfigsToLog: { recipe_config: { note: 'kept' } },
      });
      return fs.readdirSync(trainer.experimentDir).sort();
    };
    const tbOnly = await run('tb-only', true, false);
    assert.ok(tbOnly.some((f) => f.startsWith('events.out.tfevents.')), tbOnly.join(', '));
    assert.ok(!tbOnly.includes(REPORT_FILE));
    assert.deepEqual(await run('no-logger', false, false), ['ckpt_best.pth', 'ckpt_latest.pth', 'log.jsonl']);
    const reportOnly = await run('report-only', false, true);
    assert.ok(reportOnly.includes(REPORT_FILE) && !reportOnly.some((f) => f.startsWith('events.out.tfevents.')), reportOnly.join(', '));
  });

  it("additionalConfigsToLog reaches the run's recorded recipe", async () => {
    const trainer = new Trainer({ experimentName: 'configs', ckptRootDir: root });
    await trainer.train({
      model: new nn.Linear(3, 2),
      trainingParams: { ...base, silent_mode: true, train_metrics_list: ['Accuracy'], sg_logger_params: { tb: false, report: true } },
      trainLoader: batches(1),
      additionalConfigsToLog: { recipe_config: { note: 'kept' } },
    });
    const run = JSON.parse(fs.readFileSync(path.join(trainer.experimentDir, RUN_FILE), 'utf8'));
    assert.deepEqual(run.recipe.recipe_config, { note: 'kept' });
  });

  it('without a validation loader, metric_to_watch loss is not the training loss: an unknown metric, naming the training metrics', async () => {
    await assert.rejects(
      new Trainer({ experimentName: 'train-loss', ckptRootDir: root }).train({
        model: new nn.Linear(3, 2),
        trainingParams: { ...base, silent_mode: true, train_metrics_list: ['Accuracy'], metric_to_watch: 'loss', sg_logger_params: { tb: false, report: false } },
        trainLoader: batches(1),
      }),
      { message: "training_params.metric_to_watch: unknown metric 'loss'; known: Accuracy (the names of valid_metrics_list, or of train_metrics_list without a validation loader, and loss when a validation loss is computed)" },
    );
  });

  it('an epoch without validation does not decide the watched metric: it is found at the first validated epoch', async () => {
    const trainer = new Trainer({ experimentName: 'every-second', ckptRootDir: root });
    let result;
    const warnings = await warningsDuring('SG_NO_METRIC_TO_WATCH', async () => {
      result = await trainer.train({
        model: new nn.Linear(3, 2),
        trainingParams: { ...base, max_epochs: 2, run_validation_freq: 2, valid_metrics_list: ['Accuracy'], silent_mode: true, sg_logger_params: { tb: false, report: false } },
        trainLoader: batches(1),
        validLoader: batches(2, 4),
      });
    });
    assert.deepEqual(warnings, []);
    assert.equal(result!.bestMetric, result!.epochs[1].valid_metrics.Accuracy);
    assert.ok(fs.existsSync(path.join(trainer.experimentDir, 'ckpt_best.pth')));
  });

  it('no metric at all: one warning for the run (naming ckpt_best_name), not one per epoch', async () => {
    const warnings = await warningsDuring('SG_NO_METRIC_TO_WATCH', () =>
      new Trainer({ experimentName: 'no-metric', ckptRootDir: root }).train({
        model: new nn.Linear(3, 2),
        trainingParams: { ...base, max_epochs: 3, ckpt_best_name: 'best_of_run.pth', silent_mode: true, sg_logger_params: { tb: false, report: false } },
        trainLoader: batches(1),
      }),
    );
    assert.deepEqual(warnings, [
      "training_params.metric_to_watch 'Accuracy': no metric is computed (valid_metrics_list / train_metrics_list are empty), so best_of_run.pth is not written",
    ]);
  });

  it('beforeCheckpoint runs once per epoch when saving, never with save_model: false', async () => {
    class Counting extends Trainer {
      calls = 0;
      protected override beforeCheckpoint(_run: TrainingRun): void {
        this.calls++;
      }
    }
    const saving = new Counting({ experimentName: 'before-ckpt', ckptRootDir: root });
    await saving.train({ model: new nn.Linear(3, 2), trainingParams: { ...base, max_epochs: 2, silent_mode: true, train_metrics_list: ['Accuracy'], sg_logger_params: { tb: false, report: false } }, trainLoader: batches(1) });
    const notSaving = new Counting({ experimentName: 'before-ckpt-off', ckptRootDir: root });
    await notSaving.train({ model: new nn.Linear(3, 2), trainingParams: { ...base, max_epochs: 2, ...quiet }, trainLoader: batches(1) });
    assert.deepEqual([saving.calls, notSaving.calls], [2, 0]);
  });

  it("an epoch's seconds: the wall time since the run started, in seconds", async () => {
    // The epoch waits until the clock moved 5 ms, so seconds cannot be 0 however fast the machine.
    const waiting = new (class extends Callback {
      override onTrainLoaderEnd(): void {
        const until = Date.now() + 5;
        while (Date.now() < until);
      }
    })();
    const started = Date.now();
    const result = await new Trainer({ experimentName: 'seconds', ckptRootDir: root }).train({ model: new nn.Linear(3, 2), trainingParams: { ...base, phase_callbacks: [waiting], ...quiet }, trainLoader: batches(1) });
    const wall = (Date.now() - started) / 1000;
    const { seconds } = result.epochs[0];
    assert.ok(seconds >= 0.005 && seconds <= wall, `${seconds} s in a run of ${wall} s`);
  });

  it('the event loop gets a turn during training: an immediate scheduled at the start runs before the last batch ends', async () => {
    const seen: boolean[] = [];
    let fired = false;
    const probe = new (class extends Callback {
      override onTrainingStart(): void {
        setImmediate(() => (fired = true));
      }
      override onTrainBatchEnd(): void {
        seen.push(fired);
      }
    })();
    await new Trainer({ experimentName: 'turns', ckptRootDir: root }).train({ model: new nn.Linear(3, 2), trainingParams: { ...base, phase_callbacks: [probe], ...quiet }, trainLoader: batches(3) });
    assert.deepEqual(seen, [false, true, true]);
  });

  it('the summary of an epoch without validation ends with the lr, no validation part', async () => {
    const written: string[] = [];
    const original = process.stderr.write;
    process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stderr.write;
    let result;
    try {
      result = await new Trainer({ experimentName: 'summary', ckptRootDir: root }).train({ model: new nn.Linear(3, 2), trainingParams: { ...base, save_model: false }, trainLoader: batches(1) });
    } finally {
      process.stderr.write = original;
    }
    const summary = written.filter((w) => w.startsWith('Epoch '));
    assert.deepEqual(
      summary.map((s) => s.replace(/\(\d+\.\d s\)/, '(T s)')),
      [`Epoch 1/1  train loss ${result.epochs[0].train_loss.toFixed(4)}  |  lr default=0.100  (T s)\n`],
    );
  });

  it('a registered lr_mode whose stateDict / loadStateDict are data, not methods: nothing of it saved, nothing loaded on resume', async () => {
    class WithData extends StepLRScheduler {
      stateDict = { note: 'not a method' };
      loadStateDict = 'not a method either';
    }
    class SavesOnly extends StepLRScheduler {
      stateDict(): unknown {
        return { saved: 1 };
      }
      loadStateDict = 'not a method';
    }
    registerLrScheduler('TrainerKillsDataState', WithData as never);
    registerLrScheduler('TrainerKillsSavesOnly', SavesOnly as never);
    for (const lrMode of ['TrainerKillsDataState', 'TrainerKillsSavesOnly']) {
      const params = { ...base, max_epochs: 1, train_metrics_list: ['Accuracy'], lr_mode: lrMode, lr_updates: [1], lr_decay_factor: 0.5, silent_mode: true, sg_logger_params: { tb: false, report: false } };
      const trainer = new Trainer({ experimentName: `data-state-${lrMode}`, ckptRootDir: root });
      const model = new nn.Linear(3, 2);
      await trainer.train({ model, trainingParams: params, trainLoader: batches(1) });
      const saved = load(path.join(trainer.experimentDir, 'ckpt_latest.pth')) as Record<string, unknown>;
      assert.deepEqual(saved.torch_scheduler_state_dict, lrMode === 'TrainerKillsSavesOnly' ? { saved: 1 } : undefined);
      const resumed = await trainer.train({ model, trainingParams: { ...params, max_epochs: 2, resume: true }, trainLoader: batches(1) });
      assert.deepEqual(resumed.epochs.map((e) => e.epoch), [1]);
    }
  });
});
