/**
 * The Trainer's guards and accumulation on tiny synthetic problems: non-finite losses,
 * metric_to_watch resolution, and batch_accumulate against a hand-derived reference.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import * as nn from '../../lib/nn';
import * as sg from '../../lib/tensor';
import { Callback, PhaseContext, Trainer } from '../../lib/training';
import { warningsDuring } from './warnings';

type Batch = [sg.Tensor, sg.Tensor];

/** A loader over fixed batches (re-iterable, with a length). */
const fixed = (batches: Batch[]) => ({
  length: batches.length,
  *[Symbol.iterator]() {
    yield* batches;
  },
});

const quiet = { save_model: false, silent_mode: true };

describe('Trainer: guards and accumulation', function () {
  let root: string;
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-guards-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  describe('a non-finite loss', () => {
    // Batch 1 of each epoch has a NaN input, hence a NaN loss; batches 0 and 2 are finite.
    const batches = (): Batch[] => {
      sg.manualSeed(5);
      return [0, 1, 2].map((i) => [i === 1 ? sg.full([4, 3], NaN) : sg.randn([4, 3]), sg.randn([4, 2])] as Batch);
    };
    const params = { max_epochs: 2, initial_lr: 0.1, optimizer: 'SGD', loss: 'MSELoss', ...quiet };

    it('stops by default, naming epoch and batch', async () => {
      const trainer = new Trainer({ experimentName: 'nan-stop', ckptRootDir: root });
      await assert.rejects(
        trainer.train({ model: new nn.Linear(3, 2), trainingParams: params, trainLoader: fixed(batches()) }),
        /^Error: non-finite loss \(NaN\) at epoch 0, batch 1; training stopped \(set training_params\.stop_on_non_finite_loss: false to continue\)$/,
      );
    });

    it('with stop_on_non_finite_loss: false, skips that batch: weights stay finite, one warning per occurrence, train_loss over finite batches', async () => {
      const data = batches();
      sg.manualSeed(0);
      const model = new nn.Linear(3, 2);
      // The reference: the same run without the NaN batch (the LR is constant: no schedule).
      sg.manualSeed(0);
      const reference = new nn.Linear(3, 2);
      let steps = 0;
      class CountSteps extends Callback {
        override onTrainBatchGradientStepEnd(_ctx: PhaseContext): void {
          steps += 1;
        }
      }
      const trainer = new Trainer({ experimentName: 'nan-continue', ckptRootDir: root });
      let result: Awaited<ReturnType<Trainer['train']>> | undefined;
      const warnings = await warningsDuring('SG_NON_FINITE_LOSS', async () => {
        result = await trainer.train({ model, trainingParams: { ...params, stop_on_non_finite_loss: false, phase_callbacks: [new CountSteps()] }, trainLoader: fixed(data) });
      });
      assert.deepEqual(warnings, [
        'non-finite loss (NaN) at epoch 0, batch 1: batch skipped (no backward pass, no optimizer step) because training_params.stop_on_non_finite_loss is false',
        'non-finite loss (NaN) at epoch 1, batch 1: batch skipped (no backward pass, no optimizer step) because training_params.stop_on_non_finite_loss is false',
      ]);
      assert.equal(steps, 4, '2 epochs × 2 finite batches');
      for (const [name, p] of Object.entries(model.stateDict())) assert.ok(p.toArray().every(Number.isFinite), `${name} is finite`);
      assert.equal(result!.epochs.length, 2, 'training continued to the end');
      for (const e of result!.epochs) assert.ok(Number.isFinite(e.train_loss), `epoch ${e.epoch} train_loss ${e.train_loss}`);

      const referenceResult = await new Trainer({ experimentName: 'nan-reference', ckptRootDir: root }).train({
        model: reference,
        trainingParams: params,
        trainLoader: fixed([data[0], data[2]]),
      });
      result!.epochs.forEach((e, i) => assert.ok(Math.abs(e.train_loss - referenceResult.epochs[i].train_loss) < 1e-6, `epoch ${i}: train_loss averages the finite batches`));
      const got = model.stateDict();
      for (const [name, p] of Object.entries(reference.stateDict())) {
        got[name].toArray().forEach((v, i) => assert.ok(Math.abs(v - p.toArray()[i]) < 1e-6, `${name}[${i}]: ${v} vs ${p.toArray()[i]}`));
      }
    });

    it('stop_on_non_finite_loss must be a boolean', async () => {
      const trainer = new Trainer({ experimentName: 'nan-bad', ckptRootDir: root });
      await assert.rejects(
        trainer.train({ model: new nn.Linear(3, 2), trainingParams: { ...params, stop_on_non_finite_loss: 'no' }, trainLoader: fixed(batches()) }),
        { name: 'TypeError', message: "Expected a boolean for training_params.stop_on_non_finite_loss but received 'no' (string)" },
      );
    });
  });

  describe('metric_to_watch', () => {
    // 6-class problem: enough classes for Top5.
    const data = (): { train: Batch[]; valid: Batch[] } => {
      sg.manualSeed(2);
      const batch = (): Batch => [sg.randn([8, 4]), sg.randint(0, 6, [8], { dtype: 'int64' })];
      return { train: [batch(), batch()], valid: [batch()] };
    };
    const params = (extra: Record<string, unknown>) => ({
      max_epochs: 3,
      initial_lr: 0.1,
      loss: 'CrossEntropyLoss',
      valid_metrics_list: ['Accuracy', 'Top5'],
      silent_mode: true,
      ...extra,
    });

    it('is found by SuperGradients’ fuzzy rule (case, underscores): ckpt_best.pth is written', async () => {
      const { train, valid } = data();
      const trainer = new Trainer({ experimentName: 'watch-fuzzy', ckptRootDir: root });
      const result = await trainer.train({ model: new nn.Linear(4, 6), trainingParams: params({ metric_to_watch: 'top_5' }), trainLoader: fixed(train), validLoader: fixed(valid) });
      assert.ok(fs.existsSync(path.join(root, 'watch-fuzzy', 'ckpt_best.pth')));
      const best = Math.max(...result.epochs.map((e) => e.valid_metrics.Top5));
      assert.equal(result.bestMetric, best, 'the best is the best Top5 of the epochs');
    });

    it('watches the validation loss by name, smaller is better', async () => {
      const { train, valid } = data();
      const trainer = new Trainer({ experimentName: 'watch-loss', ckptRootDir: root });
      const result = await trainer.train({
        model: new nn.Linear(4, 6),
        trainingParams: params({ metric_to_watch: 'loss', greater_metric_to_watch_is_better: false }),
        trainLoader: fixed(train),
        validLoader: fixed(valid),
      });
      assert.equal(result.bestMetric, Math.min(...result.epochs.map((e) => e.valid_loss as number)));
    });

    it('a name that matches no metric fails after the first validation, with did-you-mean and the available names', async () => {
      const { train, valid } = data();
      let epochsRun = 0;
      class CountEpochs extends Callback {
        override onTrainLoaderEnd(_ctx: PhaseContext): void {
          epochsRun += 1;
        }
      }
      const trainer = new Trainer({ experimentName: 'watch-typo', ckptRootDir: root });
      await assert.rejects(
        trainer.train({ model: new nn.Linear(4, 6), trainingParams: params({ metric_to_watch: 'Acuracy', phase_callbacks: [new CountEpochs()] }), trainLoader: fixed(train), validLoader: fixed(valid) }),
        (err: Error) => {
          assert.match(err.message, /^training_params\.metric_to_watch: unknown metric 'Acuracy'; did you mean 'Accuracy'\? known: loss, Accuracy, Top5 /);
          return true;
        },
      );
      assert.equal(epochsRun, 1, 'it stops at the first validation');
      assert.equal(fs.existsSync(path.join(root, 'watch-typo', 'ckpt_best.pth')), false);
    });

    it('without a validation loader the training metrics are watched', async () => {
      const { train } = data();
      const trainer = new Trainer({ experimentName: 'watch-train', ckptRootDir: root });
      await assert.rejects(
        trainer.train({ model: new nn.Linear(4, 6), trainingParams: params({ train_metrics_list: ['Accuracy'], metric_to_watch: 'Top5' }), trainLoader: fixed(train) }),
        /unknown metric 'Top5'; known: Accuracy /,
      );
      const ok = await trainer.train({ model: new nn.Linear(4, 6), trainingParams: params({ train_metrics_list: ['Accuracy'], metric_to_watch: 'ACCURACY' }), trainLoader: fixed(train) });
      assert.equal(ok.bestMetric, Math.max(...ok.epochs.map((e) => e.train_metrics.Accuracy)));
    });
  });

  describe('batch_accumulate', () => {
    it('2 over two batches = one step on the concatenated batch at twice the LR (gradients of per-batch means add up)', async () => {
      // SG's _backward_step does not divide the loss by batch_accumulate: the step uses
      // g1 + g2, the gradients of the two batch means. The concatenated batch's mean has the
      // gradient (g1 + g2) / 2, so the same update needs lr 2η (plain SGD: no momentum, no
      // weight decay, whose SG defaults 0.9 / 1e-4 are switched off).
      sg.manualSeed(11);
      const x1 = sg.randn([4, 3], { dtype: 'float64' });
      const y1 = sg.randn([4, 2], { dtype: 'float64' });
      const x2 = sg.randn([4, 3], { dtype: 'float64' });
      const y2 = sg.randn([4, 2], { dtype: 'float64' });
      const start = new nn.Linear(3, 2, { dtype: 'float64' });
      const copyOf = () => {
        const m = new nn.Linear(3, 2, { dtype: 'float64' });
        m.loadStateDict(Object.fromEntries(Object.entries(start.stateDict()).map(([k, v]) => [k, v.clone()])));
        return m;
      };
      const run = async (name: string, lr: number, accumulate: number, batches: Batch[]) => {
        const model = copyOf();
        await new Trainer({ experimentName: name, ckptRootDir: root }).train({
          model,
          trainingParams: { max_epochs: 1, initial_lr: lr, optimizer: 'SGD', optimizer_params: { momentum: 0, weight_decay: 0 }, batch_accumulate: accumulate, loss: 'MSELoss', ...quiet },
          trainLoader: fixed(batches),
        });
        return model.stateDict();
      };
      const eta = 0.1;
      const accumulated = await run('acc2', eta, 2, [
        [x1, y1],
        [x2, y2],
      ]);
      const concatenated = sg.cat([x1, x2]);
      const reference = await run('acc-ref', 2 * eta, 1, [[concatenated, sg.cat([y1, y2])]]);
      const sameLr = await run('acc-same-lr', eta, 1, [[concatenated, sg.cat([y1, y2])]]);
      const initial = start.stateDict();
      let differsFromSameLr = 0;
      for (const k of Object.keys(reference)) {
        const a = accumulated[k].toArray();
        const r = reference[k].toArray();
        assert.equal(accumulated[k].dtype, 'float64');
        a.forEach((v, i) => assert.ok(Math.abs(v - r[i]) < 1e-12, `${k}[${i}]: ${v} vs ${r[i]}`));
        assert.notDeepEqual(a, initial[k].toArray(), `${k} moved`);
        differsFromSameLr += sameLr[k].toArray().filter((v, i) => Math.abs(v - a[i]) > 1e-6).length;
      }
      assert.ok(differsFromSameLr > 0, 'the lr factor 2 matters: the mean over 8 samples is not the sum of two means');
    });
  });
});
