/**
 * One event sequence (lib/training/event-sequence.ts) drives both the Trainer and simulateLr:
 * they fire the same phase-callback events, in the same order, at the same (epoch, batchIdx).
 * onValidationLoaderStart and onValidationLoaderEnd fire only in epochs that validate, as in
 * SuperGradients' Trainer (a run without a validation loader: in the epochs that would).
 */
import assert from 'node:assert/strict';

import * as nn from '../../lib/nn';
import * as sg from '../../lib/tensor';
import { Callback, EventName, PhaseContext, simulateLr, Trainer } from '../../lib/training';
import { drain, RunPlan, RunWork, trainingEvents } from '../../lib/training/event-sequence';

type Batch = [sg.Tensor, sg.Tensor];

const EVENTS = Object.getOwnPropertyNames(Callback.prototype).filter((n): n is EventName => n.startsWith('on'));

/** Records every event as "event epoch batchIdx". */
class Recorder extends Callback {
  readonly seen: string[] = [];
  constructor() {
    super();
    for (const event of EVENTS) {
      Object.defineProperty(this, event, { value: (ctx: PhaseContext) => this.seen.push(`${event} ${ctx.epoch} ${ctx.batchIdx}`) });
    }
  }
}

/** A loader over `n` fixed batches (re-iterable, with a length). */
const fixed = (n: number) => {
  sg.manualSeed(3);
  const batches = Array.from({ length: n }, () => [sg.randn([4, 3]), sg.randn([4, 2])] as Batch);
  return { length: n, *[Symbol.iterator]() { yield* batches; } };
};

const quiet = { save_model: false, silent_mode: true };

async function trainerEvents(params: Record<string, unknown>, L: number, V: number | null): Promise<string[]> {
  const recorder = new Recorder();
  const trainer = new Trainer({ experimentName: 'event-order', ckptRootDir: null });
  await trainer.train({
    model: new nn.Linear(3, 2),
    trainingParams: { ...params, phase_callbacks: [recorder] },
    trainLoader: fixed(L),
    validLoader: V === null ? null : fixed(V),
  });
  return recorder.seen;
}

function simulatedEvents(params: Record<string, unknown>, L: number, V: number | null): string[] {
  const recorder = new Recorder();
  simulateLr({ ...params, phase_callbacks: [recorder] }, { trainLoaderLen: L, validLoaderLen: V });
  return recorder.seen;
}

const count = (events: string[], name: string) => events.filter((e) => e.startsWith(`${name} `)).length;

describe('one event sequence for the Trainer and simulateLr', function () {
  const base = { initial_lr: 0.1, optimizer: 'SGD', loss: 'MSELoss', metric_to_watch: 'loss', ...quiet };

  const cases: Array<{ name: string; params: Record<string, unknown>; L: number; V: number | null }> = [
    { name: 'accumulation across epochs, validation every second epoch', params: { ...base, max_epochs: 4, batch_accumulate: 2, run_validation_freq: 2 }, L: 3, V: 2 },
    { name: 'every epoch validates, a cosine schedule with warmup', params: { ...base, max_epochs: 2, lr_mode: 'cosine', lr_warmup_epochs: 1 }, L: 2, V: 1 },
    { name: 'no validation loader', params: { ...base, max_epochs: 2 }, L: 2, V: null },
    // SG's _should_run_validation_for_epoch: epochs 1 (kept checkpoint), 2, 4 and 5 (the last).
    { name: 'validation every second epoch, also in save_ckpt_epoch_list and the last epoch', params: { ...base, max_epochs: 5, run_validation_freq: 2, save_ckpt_epoch_list: [1] }, L: 1, V: 1 },
  ];
  for (const c of cases) {
    it(`${c.name}: the same events, order and positions`, async () => {
      const trained = await trainerEvents(c.params, c.L, c.V);
      const simulated = simulatedEvents(c.params, c.L, c.V);
      assert.deepEqual(simulated, trained);
      const E = c.params.max_epochs as number;
      const freq = (c.params.run_validation_freq as number | undefined) ?? 1;
      const kept = (c.params.save_ckpt_epoch_list as number[] | undefined) ?? [];
      const due = Array.from({ length: E }, (_, e) => (e + 1) % freq === 0 || e + 1 === E || kept.includes(e + 1)).filter(Boolean).length;
      if (c.name.includes('save_ckpt_epoch_list')) assert.equal(due, 4);
      const validating = c.V === null ? 0 : due;
      assert.equal(count(trained, 'onTrainBatchStart'), E * c.L);
      assert.equal(count(trained, 'onValidationLoaderStart'), validating, 'VALIDATION_EPOCH_START only in epochs that validate');
      assert.equal(count(trained, 'onValidationBatchEnd'), validating * (c.V ?? 0));
      assert.equal(count(trained, 'onValidationLoaderEnd'), due, 'VALIDATION_EPOCH_END only in epochs that validate (or would, without a loader)');
    });
  }

  it('the order of one epoch, written out', async () => {
    const events = simulatedEvents({ ...base, max_epochs: 2, batch_accumulate: 2, run_validation_freq: 2 }, 3, 1);
    assert.deepEqual(events, [
      'onTrainingStart 0 null',
      'onTrainLoaderStart 0 null',
      ...['onTrainBatchStart', 'onTrainBatchLossEnd', 'onTrainBatchBackwardEnd', 'onTrainBatchEnd'].map((e) => `${e} 0 0`),
      ...['onTrainBatchStart', 'onTrainBatchLossEnd', 'onTrainBatchBackwardEnd', 'onTrainBatchGradientStepStart', 'onTrainBatchGradientStepEnd', 'onTrainBatchEnd'].map((e) => `${e} 0 1`),
      ...['onTrainBatchStart', 'onTrainBatchLossEnd', 'onTrainBatchBackwardEnd', 'onTrainBatchEnd'].map((e) => `${e} 0 2`),
      'onTrainLoaderEnd 0 2',
      // (0 + 1) % 2 != 0: no validation in epoch 0, so neither VALIDATION_EPOCH_START nor _END.
      'onTrainLoaderStart 1 null',
      // Step 4 = batch 0 of epoch 1 (1 + 3·1): the window straddles the epochs.
      ...['onTrainBatchStart', 'onTrainBatchLossEnd', 'onTrainBatchBackwardEnd', 'onTrainBatchGradientStepStart', 'onTrainBatchGradientStepEnd', 'onTrainBatchEnd'].map((e) => `${e} 1 0`),
      ...['onTrainBatchStart', 'onTrainBatchLossEnd', 'onTrainBatchBackwardEnd', 'onTrainBatchEnd'].map((e) => `${e} 1 1`),
      ...['onTrainBatchStart', 'onTrainBatchLossEnd', 'onTrainBatchBackwardEnd', 'onTrainBatchGradientStepStart', 'onTrainBatchGradientStepEnd', 'onTrainBatchEnd'].map((e) => `${e} 1 2`),
      'onTrainLoaderEnd 1 2',
      'onValidationLoaderStart 1 2',
      'onValidationBatchEnd 1 0',
      'onValidationLoaderEnd 1 0',
      'onTrainingEnd 1 0',
    ]);
  });

  it('a VALIDATION_EPOCH_START scheduler steps only in epochs that validate, in both (simulateLr fired it every epoch before)', async () => {
    const params = { ...base, max_epochs: 6, run_validation_freq: 2, lr_mode: { StepLR: { step_size: 1, gamma: 0.5, phase: 'VALIDATION_EPOCH_START' } } };
    const trainer = new Trainer({ experimentName: 'validation-start', ckptRootDir: null });
    const result = await trainer.train({ model: new nn.Linear(3, 2), trainingParams: params, trainLoader: fixed(2), validLoader: fixed(1) });
    const simulated = simulateLr(params, { trainLoaderLen: 2 });
    assert.deepEqual(simulated.epochEnd.default, [0.1, 0.05, 0.05, 0.025, 0.025, 0.0125]);
    assert.deepEqual(result.epochs.map((e) => e.lr.default), simulated.epochEnd.default);
  });

  it('a VALIDATION_EPOCH_END scheduler steps only in epochs that validate, in both (SG calls on_validation_loader_end inside the same if)', async () => {
    const params = { ...base, max_epochs: 6, run_validation_freq: 3, lr_mode: { StepLR: { step_size: 1, gamma: 0.5, phase: 'VALIDATION_EPOCH_END' } } };
    const trainer = new Trainer({ experimentName: 'validation-end', ckptRootDir: null });
    const result = await trainer.train({ model: new nn.Linear(3, 2), trainingParams: params, trainLoader: fixed(2), validLoader: fixed(1) });
    const simulated = simulateLr(params, { trainLoaderLen: 2 });
    // Epochs 2 and 5 validate: the LR halves after each, and only there.
    assert.deepEqual(simulated.epochEnd.default, [0.1, 0.1, 0.05, 0.05, 0.05, 0.025]);
    assert.deepEqual(result.epochs.map((e) => e.lr.default), simulated.epochEnd.default);
  });

  it('simulateLr: validLoaderLen is an integer ≥ 0 or null', () => {
    assert.throws(() => simulateLr({ max_epochs: 1, initial_lr: 0.1 }, { trainLoaderLen: 1, validLoaderLen: -1 }), {
      name: 'TypeError',
      message: 'Expected an integer ≥ 0 or null (no validation loader) for simulateLr options.validLoaderLen but received -1 (number)',
    });
  });

  describe('trainingEvents on its own', () => {
    /** A run whose batches `skip` do not count (a skipped non-finite loss). */
    function run(plan: RunPlan, skip: number[], work: string[] = []): string[] {
      const ctx: PhaseContext = { epoch: 0, batchIdx: null, optimizer: { paramGroups: [] }, metrics: {}, lrWarmupEpochs: 0, trainingParams: {}, trainLoaderLen: plan.trainLoaderLen };
      const runWork: RunWork<number> = {
        train: {
          begin: (e) => work.push(`begin ${e}`),
          batches: () => Array.from({ length: plan.trainLoaderLen }, (_, b) => b),
          forward: (b, e) => !skip.includes(e * plan.trainLoaderLen + b),
          backward: () => work.push('backward'),
          step: (g) => work.push(`step ${g}`),
          batchEnd: () => {},
          end: () => ({ loss: 1 }),
        },
        validation: { around: (_e, body) => body(), batches: () => {} },
        epoch: { results: () => ({ Accuracy: 0.5 }), end: (e) => work.push(`end ${e}`) },
      };
      drain(trainingEvents(plan, runWork, new Callback(), ctx));
      return work;
    }

    it('a batch that does not count has no backward; a window of only such batches has no step', () => {
      const plan = { startEpoch: 0, maxEpochs: 1, trainLoaderLen: 4, batchAccumulate: 2, runValidationFreq: 1 };
      assert.deepEqual(run(plan, [0, 1]), ['begin 0', 'backward', 'backward', 'step 4', 'end 0']);
      assert.deepEqual(run(plan, [1]), ['begin 0', 'backward', 'step 2', 'backward', 'backward', 'step 4', 'end 0']);
      // A step clears the pending gradients: a later window of only skipped batches does not step again.
      assert.deepEqual(run(plan, [2, 3]), ['begin 0', 'backward', 'backward', 'step 2', 'end 0']);
    });

    it('starts at startEpoch (a resumed run)', () => {
      const plan = { startEpoch: 2, maxEpochs: 3, trainLoaderLen: 1, batchAccumulate: 1, runValidationFreq: 1 };
      assert.deepEqual(run(plan, []), ['begin 2', 'backward', 'step 3', 'end 2']);
    });

    it('yields after every training batch (where the Trainer awaits the event loop)', () => {
      const plan = { startEpoch: 0, maxEpochs: 2, trainLoaderLen: 3, batchAccumulate: 1, runValidationFreq: 1 };
      const ctx: PhaseContext = { epoch: 0, batchIdx: null, optimizer: { paramGroups: [] }, metrics: {}, lrWarmupEpochs: 0, trainingParams: {}, trainLoaderLen: 3 };
      const noop = () => {};
      const work: RunWork<number> = {
        train: { begin: noop, batches: () => [0, 1, 2], forward: () => true, backward: noop, step: noop, batchEnd: noop, end: () => ({}) },
        validation: null,
        epoch: { results: () => ({}), end: noop },
      };
      assert.equal([...trainingEvents(plan, work, new Callback(), ctx)].length, 6);
    });

    it('ctx.metrics: the training results at TRAIN_EPOCH_END, the epoch results at VALIDATION_EPOCH_END', () => {
      const seen: Array<[string, Record<string, number>]> = [];
      const cb = new (class extends Callback {
        override onTrainLoaderEnd(ctx: PhaseContext): void {
          seen.push(['train', ctx.metrics]);
        }
        override onValidationLoaderEnd(ctx: PhaseContext): void {
          seen.push(['valid', ctx.metrics]);
        }
      })();
      const ctx: PhaseContext = { epoch: 0, batchIdx: null, optimizer: { paramGroups: [] }, metrics: {}, lrWarmupEpochs: 0, trainingParams: {}, trainLoaderLen: 1 };
      const noop = () => {};
      const work: RunWork<number> = {
        train: { begin: noop, batches: () => [0], forward: () => true, backward: noop, step: noop, batchEnd: noop, end: () => ({ loss: 2 }) },
        validation: { around: (_e, body) => body(), batches: noop },
        epoch: { results: (_e, validated) => ({ loss: 1, validated: validated ? 1 : 0 }), end: noop },
      };
      drain(trainingEvents({ startEpoch: 0, maxEpochs: 1, trainLoaderLen: 1, batchAccumulate: 1, runValidationFreq: 1 }, work, cb, ctx));
      assert.deepEqual(seen, [['train', { loss: 2 }], ['valid', { loss: 1, validated: 1 }]]);
    });
  });
});
