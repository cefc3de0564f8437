/**
 * The LR callbacks' edges that the schedule tests (lr, lr-every-step, torch-schedulers) do not
 * reach: warm-up and cool-down epochs around the per-step schedulers, StepLR's generated
 * milestones, cosine after lr_warmup_steps, the seed's protocol, the factory's and the callbacks'
 * checks with their messages, and their warnings. Values from spec §10's formulas (SG's
 * callbacks), written out here.
 */
import assert from 'node:assert/strict';

import {
  createLrCallbacks,
  LinearEpochLRWarmup,
  linspace,
  LRCallbackBase,
  LrCallbackArgs,
  LrParamGroup,
  LRSchedulerCallback,
  Phase,
  PhaseCallback,
  PhaseContext,
  registerLrScheduler,
  registerWarmup,
  resolveWarmup,
  simulateLr,
  StepLRScheduler,
  CosineLRScheduler,
} from '../../lib/training';

const base = { max_epochs: 3, loss: 'CrossEntropyLoss', initial_lr: 1 };
const close = (actual: Array<number | null>, expected: number[], what = '') =>
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i]! - e) <= 1e-12 * Math.max(1, Math.abs(e)), `${what}[${i}] ${actual[i]} vs ${e} (${JSON.stringify(actual)})`));

/** The warnings `fn` emits through process.emitWarning, synchronously. */
function warningsOf(fn: () => void): Array<{ message: string; type: string | undefined }> {
  const seen: Array<{ message: string; type: string | undefined }> = [];
  const original = process.emitWarning;
  process.emitWarning = ((message: string | Error, type?: unknown) => {
    seen.push({ message: String(message), type: typeof type === 'string' ? type : undefined });
  }) as typeof process.emitWarning;
  try {
    fn();
  } finally {
    process.emitWarning = original;
  }
  return seen;
}

const args = (trainingParams: Record<string, unknown>, extra: Partial<LrCallbackArgs> = {}): LrCallbackArgs => ({ initialLr: 1, trainLoaderLen: 4, trainingParams, ...extra });

describe('LR callbacks: per-step schedulers between warm-up and cool-down', () => {
  it('exponential after a 1-epoch warm-up counts steps from epoch W: I·f^(((e − W)·L + b)/L)', () => {
    const sim = simulateLr({ ...base, lr_mode: 'exp', lr_decay_factor: 0.5, lr_warmup_epochs: 1 }, { trainLoaderLen: 2 });
    close(sim.epochEnd.default, [0.5, 0.5 ** (1 / 2), 0.5 ** (3 / 2)]);
  });

  it('poly with a warm-up and a cool-down: cur = L·(e − W) + b, max = L·(E − W − C)', () => {
    const sim = simulateLr({ ...base, max_epochs: 4, lr_mode: 'poly', lr_warmup_epochs: 1, lr_cooldown_epochs: 1 }, { trainLoaderLen: 2 });
    close(sim.epochEnd.default, [0.5, (1 - 1 / 4) ** 0.9, (1 - 3 / 4) ** 0.9, (1 - 3 / 4) ** 0.9]);
  });

  it('function scheduler: epoch counted from W, max_epoch = E − W − C', () => {
    const seen: Array<Record<string, number>> = [];
    simulateLr(
      {
        ...base,
        max_epochs: 5,
        lr_mode: 'function',
        lr_warmup_epochs: 1,
        lr_cooldown_epochs: 2,
        lr_schedule_function: (a: { initial_lr: number; epoch: number; iter: number; max_epoch: number; iters_per_epoch: number }) => (seen.push({ ...a }), a.initial_lr),
      },
      { trainLoaderLen: 2 },
    );
    // Epochs 1 and 2 are scheduled (W = 1 ≤ e < E − C = 3), two steps each.
    assert.deepEqual(
      seen.map((a) => [a.epoch, a.iter, a.max_epoch, a.iters_per_epoch]),
      [
        [0, 0, 2, 2],
        [0, 1, 2, 2],
        [1, 0, 2, 2],
        [1, 1, 2, 2],
      ],
    );
  });

  it('FunctionLRScheduler without a function is refused', () => {
    assert.throws(() => simulateLr({ ...base, lr_mode: 'function' }, { trainLoaderLen: 1 }), {
      name: 'TypeError',
      message: 'FunctionLRScheduler needs training_params.lr_schedule_function to be a function',
    });
  });

  it('cosine with lr_warmup_steps runs from global step S on, also inside the epoch warm-up (S = 1, W = 1)', () => {
    // Epoch 0: the epoch warm-up sets I/2; the cosine writes from step 1 on (cur clamps at 0: I).
    // Epoch 1 starts at I (the warm-up's last epoch), then the cosine with cur = max(0, L·(e − W) + b − S),
    // T = L·(E − W − C) − S = 3, written after each step.
    const sim = simulateLr({ ...base, lr_mode: 'cosine', lr_warmup_epochs: 1, lr_warmup_steps: 1, cosine_final_lr_ratio: 0.2 }, { trainLoaderLen: 2 });
    const T = 2 * (3 - 1) - 1;
    close(
      sim.steps.map((s) => s.lr.default),
      [0.5, 0.5, 1, 1, 1, CosineLRScheduler.computeLearningRate(1, T, 1, 0.2)],
    );
    close(sim.epochEnd.default, [1, 1, CosineLRScheduler.computeLearningRate(2, T, 1, 0.2)]);
  });
});

describe('LR callbacks: StepLRScheduler', () => {
  it('step_lr_update_freq: milestones ceil(f·x) for x = 1 … E − C − 1, kept in [W, E − C)', () => {
    // f = 1.5, E = 10, C = 2, W = 3: ceil(1.5·x) = 2, 3, 5, 6, 8, 9, 11 → [3, 5, 6].
    assert.deepEqual(new StepLRScheduler(args({ max_epochs: 10, lr_cooldown_epochs: 2, lr_warmup_epochs: 3, step_lr_update_freq: 1.5, lr_decay_factor: 0.1 })).lrUpdates, [3, 5, 6]);
    // f = 0.5, E = 10, C = 2, W = 0: x = 1 … 7 gives 1, 1, 2, 2, 3, 3, 4 (a milestone made twice counts twice, as in SG).
    assert.deepEqual(new StepLRScheduler(args({ max_epochs: 10, lr_cooldown_epochs: 2, lr_warmup_epochs: 0, step_lr_update_freq: 0.5, lr_decay_factor: 0.1 })).lrUpdates, [1, 1, 2, 2, 3, 3, 4]);
    assert.deepEqual(new StepLRScheduler(args({ max_epochs: 4, lr_updates: [2, 1], lr_decay_factor: 0.1 })).lrUpdates, [2, 1]);
  });

  it('exactly one of lr_updates and step_lr_update_freq', () => {
    assert.throws(() => simulateLr({ ...base, lr_mode: 'step', lr_updates: [1], step_lr_update_freq: 2, lr_decay_factor: 0.5 }, { trainLoaderLen: 1 }), {
      name: 'RangeError',
      message: 'Only one of [lr_updates, step_lr_update_freq] should be passed to StepLRScheduler',
    });
    assert.throws(() => simulateLr({ ...base, lr_mode: 'step', lr_updates: [], lr_decay_factor: 0.5 }, { trainLoaderLen: 1 }), {
      name: 'RangeError',
      message: 'At least one of [lr_updates, step_lr_update_freq] should be passed to StepLRScheduler',
    });
  });

  it('lr_cooldown_epochs with lr_updates: a warning that it is ignored (none without a cool-down or with a frequency)', () => {
    const tp = { max_epochs: 4, lr_updates: [1], lr_decay_factor: 0.5 };
    assert.deepEqual(warningsOf(() => new StepLRScheduler(args({ ...tp, lr_cooldown_epochs: 1 }))), [{ message: 'lr_cooldown_epochs is ignored by StepLRScheduler when lr_updates is given', type: undefined }]);
    assert.deepEqual(warningsOf(() => new StepLRScheduler(args({ ...tp, lr_cooldown_epochs: 0 }))), []);
    assert.deepEqual(warningsOf(() => new StepLRScheduler(args({ max_epochs: 4, lr_updates: [], step_lr_update_freq: 1, lr_decay_factor: 0.5, lr_cooldown_epochs: 1 }))), []);
  });
});

describe('LR callbacks: warm-ups', () => {
  it('linspace as numpy.linspace: empty for num ≤ 0, [start] for 1, both ends included', () => {
    assert.deepEqual(linspace(0, 1, 0), []);
    assert.deepEqual(linspace(0, 1, -2), []);
    assert.deepEqual(linspace(2, 5, 1), [2]);
    assert.deepEqual(linspace(0, 1, 3), [0, 0.5, 1]);
    assert.deepEqual(linspace(1, 0, 5), [1, 0.75, 0.5, 0.25, 0]);
  });

  it('LinearBatchLRWarmup of one step uses warmup_initial_lr for that step', () => {
    const sim = simulateLr({ ...base, warmup_mode: 'LinearBatchLRWarmup', warmup_initial_lr: 0.25, lr_warmup_steps: 1 }, { trainLoaderLen: 2 });
    assert.deepEqual(sim.lr.default[0], [0.25, 0.25], 'no scheduler: the warm-up value stays');
  });

  it('warmup_initial_lr per group: a mapping names every group; a missing group or a string is refused', () => {
    const params = { ...base, initial_lr: { head: 1, default: 0.5 }, warmup_mode: 'LinearBatchLRWarmup', lr_warmup_steps: 2 };
    const sim = simulateLr({ ...params, warmup_initial_lr: { head: 0.1, default: 0.3 } }, { trainLoaderLen: 2 });
    assert.deepEqual(sim.steps[0].lr, { head: 0.1, default: 0.3 });
    assert.deepEqual(sim.steps[1].lr, { head: 1, default: 0.5 });
    assert.throws(() => simulateLr({ ...params, warmup_initial_lr: { head: 0.1 } }, { trainLoaderLen: 2 }), {
      name: 'TypeError',
      message: 'Expected a number for training_params.warmup_initial_lr.default but received undefined',
    });
    assert.throws(() => simulateLr({ ...params, warmup_initial_lr: 'x' }, { trainLoaderLen: 2 }), { name: 'TypeError', message: 'Warmup initial lr expected to be of type float or Mapping.' });
    // The epoch warm-up falls back to I/(W + 1) for null only.
    assert.throws(() => simulateLr({ ...base, lr_warmup_epochs: 1, warmup_initial_lr: 'x' }, { trainLoaderLen: 2 }), { message: 'Warmup initial lr expected to be of type float or Mapping.' });
  });

  it('LinearEpochLRWarmup without warm-up epochs has step size 0 (no division by W = 0)', () => {
    assert.deepEqual(new LinearEpochLRWarmup(args({ lr_warmup_epochs: 0, warmup_initial_lr: 0.5 })).stepSize, { default: 0 });
    assert.deepEqual(new LinearEpochLRWarmup(args({ lr_warmup_epochs: 2, warmup_initial_lr: 0.5 })).stepSize, { default: 0.25 });
  });

  it('lr_warmup_steps beyond one epoch: a warning, and the warm-up stops after the epoch', () => {
    const tp = (S: number) => ({ lr_warmup_steps: S, warmup_initial_lr: 0.1 });
    const LinearBatch = resolveWarmup('LinearBatchLRWarmup');
    assert.deepEqual(warningsOf(() => new LinearBatch(args(tp(5)))), [
      { message: 'lr_warmup_steps (5) is larger than the number of batches per epoch (4); the warm-up stops after one epoch', type: undefined },
    ]);
    assert.deepEqual(warningsOf(() => new LinearBatch(args(tp(4)))), []);
    assert.deepEqual(warningsOf(() => new LinearBatch(args(tp(3)))), []);
  });

  it("warmup_mode: SG's deprecated names warn and map to the new ones; a class is used as is; anything else is refused", () => {
    let resolved: unknown;
    assert.deepEqual(
      warningsOf(() => (resolved = resolveWarmup('linear_epoch_step'))),
      [{ message: "warmup_mode 'linear_epoch_step' is deprecated; use 'LinearEpochLRWarmup'", type: 'DeprecationWarning' }],
    );
    assert.equal(resolved, LinearEpochLRWarmup);
    assert.deepEqual(
      warningsOf(() => (resolved = resolveWarmup('linear_batch_step'))),
      [{ message: "warmup_mode 'linear_batch_step' is deprecated; use 'LinearBatchLRWarmup'", type: 'DeprecationWarning' }],
    );
    assert.equal(resolved, resolveWarmup('LinearBatchLRWarmup'));
    class OwnWarmup extends LinearEpochLRWarmup {}
    assert.equal(resolveWarmup(OwnWarmup), OwnWarmup);
    assert.throws(() => resolveWarmup(undefined), { name: 'TypeError', message: 'warmup_mode has to be either a name of a mode (str) or a subclass of PhaseCallback' });
    class NotLr extends PhaseCallback {
      call(): void {}
    }
    for (const [bad, shown] of [
      [3, '3 (number)'],
      [NotLr, 'function NotLr (function)'],
      [() => 1, 'a function (function)'],
    ] as const) {
      assert.throws(() => resolveWarmup(bad), { name: 'TypeError', message: `Expected a warm-up name or a subclass of LRCallbackBase for training_params.warmup_mode but received ${shown}` });
    }
  });
});

describe('LR callbacks: the factory and registration', () => {
  const lrArgs = (trainingParams: Record<string, unknown>) => ({ trainingParams: { initial_lr: 0.1, warmup_mode: 'LinearEpochLRWarmup', ...trainingParams }, trainLoaderLen: 2, optimizer: { paramGroups: [{ name: 'default', lr: 0.1 }] } });

  it('no lr_mode (undefined or null): the warm-up alone', () => {
    assert.equal(createLrCallbacks(lrArgs({})).scheduler, null);
    assert.equal(createLrCallbacks(lrArgs({ lr_mode: null })).scheduler, null);
    assert.ok(createLrCallbacks(lrArgs({})).warmup instanceof LinearEpochLRWarmup);
  });

  it('an unknown lr_mode lists the names and the {Name: ...} mappings; a mapping needs exactly one key, a phase, and metric_name for ReduceLROnPlateau', () => {
    assert.throws(
      () => createLrCallbacks(lrArgs({ lr_mode: 'cosinus' })),
      (err: Error) => {
        assert.match(err.message, /^unknown lr_mode 'cosinus'; did you mean 'cosine'\? known: StepLRScheduler, PolyLRScheduler, CosineLRScheduler, /);
        assert.match(err.message, /, \{StepLR: \.\.\.\}, /);
        assert.match(err.message, /, \{ReduceLROnPlateau: \.\.\.\}/);
        return true;
      },
    );
    for (const mode of [{}, { StepLR: { step_size: 1, phase: 'TRAIN_EPOCH_END' }, ExponentialLR: { gamma: 0.5, phase: 'TRAIN_EPOCH_END' } }, 3]) {
      assert.throws(
        () => createLrCallbacks(lrArgs({ lr_mode: mode })),
        (err: Error) => {
          assert.equal(err.name, 'RangeError');
          assert.ok(err.message.startsWith(`Unknown lr_mode: ${JSON.stringify(mode)}; known: StepLRScheduler, PolyLRScheduler, `), err.message);
          assert.match(err.message, /, or \{StepLR\|[A-Za-z|]*ReduceLROnPlateau[A-Za-z|]*: \{\.\.\.\}\}$/);
          return true;
        },
      );
    }
    assert.throws(() => createLrCallbacks(lrArgs({ lr_mode: { StepLR: { step_size: 1, phase: null } } })), { name: 'RangeError', message: 'lr_mode.StepLR.phase is required (e.g. TRAIN_EPOCH_END)' });
    assert.throws(() => createLrCallbacks(lrArgs({ lr_mode: { ReduceLROnPlateau: { phase: 'VALIDATION_EPOCH_END' } } })), {
      name: 'RangeError',
      message: 'lr_mode.ReduceLROnPlateau.metric_name is required',
    });
    const plateau = createLrCallbacks(lrArgs({ lr_mode: { ReduceLROnPlateau: { phase: 'VALIDATION_EPOCH_END', metric_name: 'loss' } } })).scheduler;
    assert.ok(plateau instanceof LRSchedulerCallback && plateau.metricName === 'loss' && plateau.phase === Phase.VALIDATION_EPOCH_END);
    const step = createLrCallbacks(lrArgs({ lr_mode: { StepLR: { step_size: 1, phase: 'TRAIN_EPOCH_END' } } })).scheduler;
    assert.ok(step instanceof LRSchedulerCallback && step.metricName === null);
  });

  it('registerLrScheduler and registerWarmup add names that lr_mode and warmup_mode then find', () => {
    class HalfLr extends LRCallbackBase {
      constructor(a: LrCallbackArgs) {
        super(Phase.TRAIN_EPOCH_END, a);
      }
      isLrSchedulingEnabled(): boolean {
        return true;
      }
      performScheduling(ctx: PhaseContext): void {
        this.lr.default /= 2;
        this.updateLr(ctx.optimizer, ctx.epoch, null);
      }
    }
    class StartAtTenth extends LRCallbackBase {
      constructor(a: LrCallbackArgs) {
        super(Phase.TRAIN_EPOCH_START, a);
      }
      isLrSchedulingEnabled(ctx: PhaseContext): boolean {
        return ctx.epoch === 0;
      }
      performScheduling(ctx: PhaseContext): void {
        this.lr.default = this.initialLr.default / 10;
        this.updateLr(ctx.optimizer, ctx.epoch, null);
      }
    }
    // override: true, so that running the test again in the same process (StrykerJS does) registers afresh.
    registerLrScheduler('LrMutantsHalf', HalfLr, { override: true });
    registerWarmup('LrMutantsTenth', StartAtTenth, { override: true });
    assert.throws(() => registerLrScheduler('LrMutantsHalf', StartAtTenth), /lr_mode 'LrMutantsHalf' is already registered/);
    assert.throws(() => registerWarmup('LrMutantsTenth', HalfLr), /warmup_mode 'LrMutantsTenth' is already registered/);
    registerLrScheduler('LrMutantsHalf', StartAtTenth, { override: true });
    registerLrScheduler('LrMutantsHalf', HalfLr, { override: true });
    const sim = simulateLr({ ...base, lr_mode: 'LrMutantsHalf', warmup_mode: 'LrMutantsTenth' }, { trainLoaderLen: 1 });
    close(sim.steps.map((s) => s.lr.default), [0.1, 0.5, 0.25]);
    close(sim.epochEnd.default, [0.5, 0.25, 0.125]);
  });
});

describe('LR callbacks: LRCallbackBase and the seed protocol', () => {
  it('initial_lr: a number, a mapping (copied), anything else refused', () => {
    const mapping = { default: 1, head: 2 };
    const cb = new LinearEpochLRWarmup(args({ lr_warmup_epochs: 0 }, { initialLr: mapping }));
    mapping.head = 5;
    assert.deepEqual(cb.initialLr, { default: 1, head: 2 });
    assert.deepEqual(cb.lr, { default: 1, head: 2 });
    assert.notEqual(cb.lr, cb.initialLr);
    assert.throws(() => new LinearEpochLRWarmup(args({}, { initialLr: [1] as never })), {
      name: 'TypeError',
      message: 'Expected a number or a {default, <prefix>: lr} mapping for initial_lr but received [1] (array)',
    });
  });

  it('a group whose name has no initial_lr is an error naming the known ones; an unnamed group is default', () => {
    const params = { ...base, initial_lr: { head: 0.2, default: 0.1 }, lr_mode: 'step', lr_updates: [0], lr_decay_factor: 0.5 };
    assert.throws(() => simulateLr(params, { trainLoaderLen: 1, groups: [{ name: 'head', lr: 0.2 }, { name: 'neck', lr: 0.1 }] }), {
      message: "param group 'neck' has no learning rate in initial_lr; known group names: head, default",
    });
    const sim = simulateLr(params, { trainLoaderLen: 1, groups: [{ name: 'head', lr: 0.2 }, { lr: 0.1 }] });
    close(sim.epochEnd.head, [0.1, 0.1, 0.1]);
    close(sim.epochEnd.group_1, [0.05, 0.05, 0.05]);
  });

  it("the protocol gets the default group's LR (else the first group's), and must return an array; a null net has none", () => {
    const seen: number[] = [];
    const net = {
      updateParamGroups(groups: LrParamGroup[], lr: number) {
        seen.push(lr);
        return groups;
      },
    };
    const params = { ...base, max_epochs: 1, lr_mode: 'step', lr_updates: [0], lr_decay_factor: 0.5 };
    simulateLr({ ...params, initial_lr: { head: 0.2, default: 0.1 } }, { trainLoaderLen: 1, net });
    simulateLr({ ...params, initial_lr: { head: 0.2, neck: 0.4 } }, { trainLoaderLen: 1, net });
    assert.deepEqual(seen, [0.05, 0.1]);
    assert.throws(() => simulateLr(params, { trainLoaderLen: 1, net: { updateParamGroups: () => undefined } }), {
      name: 'TypeError',
      message: 'Expected an array of param groups for model.updateParamGroups() result but received undefined',
    });
    close(simulateLr(params, { trainLoaderLen: 1, net: null }).epochEnd.default, [0.5]);
  });
});

describe('LR callbacks: LRSchedulerCallback', () => {
  const recorder = () => {
    const steps: Array<number | undefined> = [];
    return { steps, step: (m?: number) => void steps.push(m), stateDict: () => ({}), loadStateDict: () => undefined };
  };
  const ctx = (over: Partial<PhaseContext>): PhaseContext => ({ epoch: 0, batchIdx: null, lrWarmupEpochs: 0, ...over }) as PhaseContext;

  it('an unknown phase is refused with the known ones', () => {
    assert.throws(() => new LRSchedulerCallback(recorder(), 'NOPE' as Phase), (err: Error) => {
      assert.equal(err.name, 'RangeError');
      assert.ok(err.message.startsWith(`unknown phase 'NOPE' for the LR scheduler; known: ${Phase.PRE_TRAINING}, ${Phase.TRAIN_EPOCH_START}, `), err.message);
      return true;
    });
  });

  it('no step during the warm-up epochs; the watched metric from the phase, or an error listing what there is', () => {
    const s = recorder();
    const cb = new LRSchedulerCallback(s, Phase.TRAIN_EPOCH_END, 'loss');
    cb.onTrainLoaderEnd(ctx({ epoch: 0, lrWarmupEpochs: 1, metrics: {} }));
    cb.onTrainLoaderEnd(ctx({ epoch: 1, lrWarmupEpochs: 1, metrics: { loss: 0.5 } }));
    assert.deepEqual(s.steps, [0.5]);
    assert.throws(() => cb.call(ctx({ metrics: { Accuracy: 1, Top5: 1 } })), { message: "LR scheduler metric 'loss' is not among the metrics of this phase: Accuracy, Top5" });
    assert.throws(() => cb.call(ctx({ metrics: {} })), { message: "LR scheduler metric 'loss' is not among the metrics of this phase: (none)" });
    assert.throws(() => cb.call(ctx({ metrics: undefined })), { message: "LR scheduler metric 'loss' is not among the metrics of this phase: (none)" });
    const plain = recorder();
    new LRSchedulerCallback(plain, Phase.TRAIN_EPOCH_END).call(ctx({ metrics: { loss: 1 } }));
    assert.deepEqual(plain.steps, [undefined]);
  });

  it('a torch scheduler waits for the warm-up epochs (simulateLr: StepLR after a 1-epoch warm-up)', () => {
    const sim = simulateLr({ ...base, lr_warmup_epochs: 1, lr_mode: { StepLR: { step_size: 1, gamma: 0.5, phase: 'TRAIN_EPOCH_END' } } }, { trainLoaderLen: 1 });
    close(sim.epochEnd.default, [0.5, 0.5, 0.25]);
  });
});
