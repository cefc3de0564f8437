/**
 * The Trainer's per-epoch work (lib/training/trainer-run.ts) on its own, against the StrykerJS
 * survivors of 2026-12-02: the loss means, train mode after `begin` and after validation, metric
 * resets and updates in both phases, and the progress line of each batch. A recording model,
 * criterion and metric stand in for real ones, so each call and value is checked exactly.
 */
import assert from 'node:assert/strict';

import { Tensor } from '../../lib/tensor';
import { Batch, BatchLoader, localResults, TrainEpoch, TrainHooks, TrainingRun, Validation } from '../../lib/training/trainer-run';

/** Inputs and targets are plain numbers here (cast): the fakes below only pass them along. */
const t = (v: number) => v as unknown as Tensor;

function fakeRun(log: string[]) {
  const metric = (name: string) => ({
    name,
    greaterIsBetter: true,
    reset: () => log.push(`${name}.reset`),
    update: (output: Tensor, target: Tensor) => log.push(`${name}.update ${String(output)} ${String(target)}`),
    compute: () => 0.5,
  });
  const progress: unknown[] = [];
  const run = {
    model: {
      forward: (x: Tensor) => t((x as unknown as number) * 10),
      train: (mode?: boolean) => log.push(`train(${String(mode)})`),
      eval: () => log.push('eval'),
    },
    trainLoader: { length: 3 },
    params: { seed: 0 },
    plan: { startEpoch: 0, maxEpochs: 4, trainLoaderLen: 3, batchAccumulate: 1, runValidationFreq: 1 },
    // The loss of a batch: |output - target|, a fake tensor with item() and backward().
    criterion: (output: Tensor, target: Tensor) => ({
      item: () => Math.abs((output as unknown as number) - (target as unknown as number)),
      backward: () => log.push('backward'),
    }),
    trainMetrics: [metric('trainAcc')],
    validMetrics: [metric('validAcc')],
    optimizer: { paramGroups: [{ lr: 0.25 }] },
    ema: null,
    ctx: {},
    progress: { update: (p: unknown) => progress.push(p) },
    stopOnNonFinite: true,
    current: undefined,
  } as unknown as TrainingRun;
  const hooks: TrainHooks = {
    trainBatches: () => [],
    optimizerStep: () => {},
    validBatches: (_r, loader) => loader,
    results: (_r, _phase, metrics, lossSum, count) => localResults(metrics, lossSum, count),
  };
  return { run, hooks, progress };
}

describe('trainer-run: one epoch of training and validation work, call by call', () => {
  it('localResults: the mean loss over the counted batches (a sum alone when none counted) and every metric', () => {
    const m = { name: 'Acc', greaterIsBetter: true, reset() {}, update() {}, compute: () => 0.75 };
    assert.deepEqual(localResults([m], 6, 3), { loss: 2, metrics: { Acc: 0.75 } });
    assert.deepEqual(localResults([], 6, 4), { loss: 1.5, metrics: {} });
    assert.deepEqual(localResults([], 5, 0), { loss: 5, metrics: {} });
  });

  it('TrainEpoch: begin resets the metrics in train mode; forward counts loss and metrics; batchEnd reports the running mean and LR', () => {
    const log: string[] = [];
    const { run, hooks, progress } = fakeRun(log);
    const epoch = new TrainEpoch(run, hooks);
    epoch.begin(2);
    assert.deepEqual(log, ['train(true)', 'trainAcc.reset']);
    assert.deepEqual(run.current, { started: run.current.started, lossSum: 0, lossCount: 0, trainLoss: 0, trainMetrics: {}, validLoss: null, validMetrics: {} });
    log.length = 0;
    // Batch 0: output 10, target 4 -> loss 6; batch 1: output 20, target 18 -> loss 2.
    assert.equal(epoch.forward([t(1), t(4)] as Batch, 2, 0), true);
    epoch.backward();
    epoch.batchEnd(2, 1);
    assert.equal(epoch.forward([t(2), t(18)] as Batch, 2, 1), true);
    epoch.backward();
    epoch.batchEnd(2, 2);
    assert.deepEqual(log, ['trainAcc.update 10 4', 'backward', 'trainAcc.update 20 18', 'backward']);
    assert.equal(run.current.lossSum, 8);
    assert.equal(run.current.lossCount, 2);
    assert.equal(run.ctx.loss, 2);
    assert.deepEqual(progress, [
      { epoch: 2, epochs: 4, batch: 1, batches: 3, loss: 6, lr: 0.25 },
      { epoch: 2, epochs: 4, batch: 2, batches: 3, loss: 4, lr: 0.25 },
    ]);
    assert.deepEqual(epoch.end(), { trainAcc: 0.5, loss: 4 });
    assert.equal(run.current.trainLoss, 4);
  });

  it('Validation: eval mode and metric reset before the batches, the mean loss and metric updates of each, train mode again after', () => {
    const log: string[] = [];
    const { run, hooks } = fakeRun(log);
    new TrainEpoch(run, hooks).begin(0);
    log.length = 0;
    // Outputs 10, 20, 30 against targets 7, 25, 30: losses 3, 5, 0 (mean 8/3).
    const loader = [[t(1), t(7)], [t(2), t(25)], [t(3), t(30)]] as unknown as BatchLoader;
    const validation = new Validation(run, loader, hooks);
    const seen: number[] = [];
    validation.around(0, () => validation.batches((b) => seen.push(b)));
    assert.deepEqual(seen, [0, 1, 2]);
    assert.deepEqual(log, ['eval', 'validAcc.reset', 'validAcc.update 10 7', 'validAcc.update 20 25', 'validAcc.update 30 30', 'train(true)']);
    assert.equal(run.current.validLoss, 8 / 3);
    assert.deepEqual(run.current.validMetrics, { validAcc: 0.5 });
    // A second pass starts its sums afresh.
    validation.around(1, () => validation.batches(() => {}));
    assert.equal(run.current.validLoss, 8 / 3);
  });
});
