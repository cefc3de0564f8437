/** LR schedules and warm-ups against SuperGradients' own test numbers (§15) and §10's formulas. */
import assert from 'node:assert/strict';

import { CosineLRScheduler, LRCallbackBase, LrCallbackArgs, Phase, PhaseContext, simulateLr } from '../../lib/training';

const base = { max_epochs: 5, loss: 'CrossEntropyLoss', initial_lr: 1 };
const close = (actual: number[], expected: number[], rtol = 1e-12) =>
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) <= rtol * Math.max(1, Math.abs(e)), `[${i}] ${actual[i]} vs ${e}`));

describe('LR schedules: SuperGradients lr_warmup_test / lr_cooldown_test', () => {
  it('StepLR with lr_updates [10] and a 3-epoch linear warm-up', () => {
    const sim = simulateLr({ ...base, lr_mode: 'StepLRScheduler', lr_updates: [10], lr_decay_factor: 0.1, lr_warmup_epochs: 3 }, { trainLoaderLen: 2 });
    close(sim.epochEnd.default, [0.25, 0.5, 0.75, 1.0, 1.0]);
  });

  it('cosine r=0.2 after a 3-epoch warm-up', () => {
    const sim = simulateLr({ ...base, lr_mode: 'cosine', cosine_final_lr_ratio: 0.2, lr_warmup_epochs: 3 }, { trainLoaderLen: 2 });
    close(sim.epochEnd.default, [0.25, 0.5, 0.75, 0.9236067977499791, 0.4763932022500211]);
  });

  it('LinearBatchLRWarmup 0.05 → 1 over 100 steps, then cosine r=0.2', () => {
    const sim = simulateLr(
      { ...base, lr_mode: 'cosine', cosine_final_lr_ratio: 0.2, warmup_mode: 'LinearBatchLRWarmup', warmup_initial_lr: 0.05, lr_warmup_steps: 100 },
      { trainLoaderLen: 256 },
    );
    // SG records the LR at on_train_batch_end. While warming up that is the LR the step used; once
    // the cosine runs (from step 100) it is what the cosine wrote after the step, i.e. the next step's.
    const used = sim.steps.map((s) => s.lr.default);
    const table = Array.from({ length: 100 }, (_, i) => 0.05 + (i * (1 - 0.05)) / 99);
    table.forEach((v, g) => assert.ok(Math.abs(used[g] - v) < 1e-12, `step ${g}: ${used[g]} vs ${v}`));
    for (let g = 100; g < 1279; g++) {
      const expected = CosineLRScheduler.computeLearningRate(g - 100, 1180, 1, 0.2);
      assert.ok(Math.abs(used[g + 1] - expected) <= 1e-4 * expected, `step ${g}: ${used[g + 1]} vs ${expected}`);
    }
    assert.equal(sim.lr.default[0][0], 0.05, 'the first step uses the warm-up start');
  });

  it('warmup_initial_lr 4.0 warms down to 1 over 3 epochs', () => {
    const sim = simulateLr({ ...base, lr_mode: 'StepLRScheduler', lr_updates: [10], lr_decay_factor: 0.1, lr_warmup_epochs: 3, warmup_initial_lr: 4.0 }, { trainLoaderLen: 2 });
    close(sim.epochEnd.default, [4, 3, 2, 1, 1]);
  });

  it('a custom warm-up class (exponential, 0.1 → 1 over 3 epochs)', () => {
    class ExponentialWarmup extends LRCallbackBase {
      c1: number;
      c2: number;
      constructor(args: LrCallbackArgs) {
        super(Phase.TRAIN_EPOCH_START, args);
        const W = args.trainingParams.lr_warmup_epochs as number;
        const start = (args.trainingParams.warmup_initial_lr as number) || 0.001;
        const end = this.initialLr.default;
        this.c1 = (end - start) / (Math.exp(W) - 1);
        this.c2 = (start * Math.exp(W) - end) / (Math.exp(W) - 1);
      }
      isLrSchedulingEnabled(ctx: PhaseContext): boolean {
        return (this.trainingParams.lr_warmup_epochs as number) > ctx.epoch;
      }
      performScheduling(ctx: PhaseContext): void {
        this.lr.default = this.c1 * Math.exp(ctx.epoch) + this.c2;
        this.updateLr(ctx.optimizer, ctx.epoch, null);
      }
    }
    const sim = simulateLr({ ...base, lr_mode: 'StepLRScheduler', lr_updates: [10], lr_decay_factor: 0.1, lr_warmup_epochs: 3, warmup_initial_lr: 0.1, warmup_mode: ExponentialWarmup }, { trainLoaderLen: 2 });
    close(sim.epochEnd.default, [0.1, 0.18102751585334242, 0.40128313980266034, 1.0, 1.0], 1e-12);
  });

  it('cool-down: cosine r=0.2, E=7, W=3, C=2 holds the last value', () => {
    const sim = simulateLr({ ...base, max_epochs: 7, lr_mode: 'cosine', cosine_final_lr_ratio: 0.2, lr_warmup_epochs: 3, lr_cooldown_epochs: 2 }, { trainLoaderLen: 2 });
    close(sim.epochEnd.default, [0.25, 0.5, 0.75, 0.9236067977499791, 0.4763932022500211, 0.4763932022500211, 0.4763932022500211]);
  });
});

describe('LR schedules: timing and formulas of §10', () => {
  it('without warm-up, the first two steps both use initial_lr (per-step schedulers write after the step)', () => {
    const sim = simulateLr({ ...base, max_epochs: 2, lr_mode: 'cosine', warmup_mode: 'LinearEpochLRWarmup' }, { trainLoaderLen: 4 });
    assert.equal(sim.lr.default[0][0], 1);
    assert.equal(sim.lr.default[0][1], 1);
    assert.ok(sim.lr.default[0][2]! < 1);
  });

  it('StepLR milestone u changes the LR from epoch u + 1; step_lr_update_freq generates ceil(f·x)', () => {
    const a = simulateLr({ ...base, max_epochs: 6, lr_mode: 'step', lr_updates: [2, 4], lr_decay_factor: 0.5 }, { trainLoaderLen: 3 });
    assert.deepEqual(a.lr.default.map((e) => e[0]), [1, 1, 1, 0.5, 0.5, 0.25]);
    const b = simulateLr({ ...base, max_epochs: 8, lr_mode: 'step', step_lr_update_freq: 2.5, lr_decay_factor: 0.1 }, { trainLoaderLen: 1 });
    // ceil(2.5·x) for x = 1..7 below 8: 3, 5, 8(no) → milestones [3, 5]
    close(b.lr.default.map((e) => e[0]!), [1, 1, 1, 1, 0.1, 0.1, 0.01, 0.01]);
  });

  it('exponential: I · f^(((e − W)·L + b)/L), written after each step', () => {
    const sim = simulateLr({ ...base, max_epochs: 2, lr_mode: 'exp', lr_decay_factor: 0.5 }, { trainLoaderLen: 4 });
    const expected = [1, 1, 0.5 ** (1 / 4), 0.5 ** (2 / 4), 0.5 ** (3 / 4), 0.5 ** (4 / 4), 0.5 ** (5 / 4), 0.5 ** (6 / 4)];
    close(sim.steps.map((s) => s.lr.default), expected);
  });

  it('poly with batch_accumulate 2: steps only every second batch, cur/max in optimizer steps', () => {
    const sim = simulateLr({ ...base, max_epochs: 2, lr_mode: 'poly', batch_accumulate: 2 }, { trainLoaderLen: 4 });
    assert.deepEqual(sim.lr.default[0].map((v) => v !== null), [false, true, false, true]);
    // After the step at b = 1 (epoch 0): cur = (0 + 1)/2, max = 4·2/2
    close([sim.lr.default[0][3]!], [(1 - 0.5 / 4) ** 0.9]);
  });

  it('function scheduler gets {initial_lr, epoch, iter, max_epoch, iters_per_epoch}', () => {
    const seen: unknown[] = [];
    const sim = simulateLr(
      {
        ...base,
        max_epochs: 2,
        lr_mode: 'function',
        lr_schedule_function: (a: { initial_lr: number; epoch: number; iter: number; max_epoch: number; iters_per_epoch: number }) => {
          seen.push(a);
          return a.initial_lr / (1 + a.epoch * a.iters_per_epoch + a.iter);
        },
      },
      { trainLoaderLen: 2 },
    );
    assert.deepEqual(seen[0], { initial_lr: 1, epoch: 0, iter: 0, max_epoch: 2, iters_per_epoch: 2 });
    close(sim.steps.map((s) => s.lr.default), [1, 1, 1 / 2, 1 / 3]);
  });

  it('an initial_lr mapping schedules every group by name', () => {
    const sim = simulateLr({ ...base, max_epochs: 3, initial_lr: { head: 1, default: 0.1 }, lr_mode: 'step', lr_updates: [0], lr_decay_factor: 0.5 }, { trainLoaderLen: 1 });
    assert.deepEqual(sim.groups, ['head', 'default']);
    close(sim.epochEnd.head, [0.5, 0.5, 0.5]);
    close(sim.epochEnd.default, [0.05, 0.05, 0.05]);
  });

  it("the seed's protocol: updateParamGroups keeps the backbone multiplier through warm-up and cosine", () => {
    const net = {
      updateParamGroups(groups: Array<{ lr?: number; name?: string }>, lr: number, _e: number, _i: number | null, tp: Record<string, unknown>) {
        groups[0].lr = lr * (tp.multiply_backbone_lr as number);
        groups[1].lr = lr;
        return groups;
      },
    };
    const sim = simulateLr(
      { ...base, max_epochs: 4, initial_lr: 0.1, lr_mode: 'cosine', lr_warmup_epochs: 2, multiply_backbone_lr: 10 },
      { trainLoaderLen: 3, net, groups: [{ name: 'backbone', lr: 1 }, { name: 'head', lr: 0.1 }] },
    );
    sim.steps.forEach((s) => assert.ok(Math.abs(s.lr.backbone - 10 * s.lr.head) < 1e-15, JSON.stringify(s)));
    assert.ok(sim.steps[0].lr.head < 0.1, 'warm-up starts below initial_lr');
  });

  it("the seed's legacy update_param_groups test: lr·(epoch + 1) with StepLR updates [0, 1, 2] and factor 1", () => {
    const net = {
      updateParamGroups(groups: Array<{ lr?: number }>, lr: number, epoch: number) {
        for (const g of groups) g.lr = lr * (epoch + 1);
        return groups;
      },
    };
    const sim = simulateLr({ ...base, max_epochs: 3, initial_lr: 0.1, lr_mode: 'StepLRScheduler', lr_updates: [0, 1, 2], lr_decay_factor: 1 }, { trainLoaderLen: 1, net });
    close(sim.epochEnd.default, [0.1, 0.2, 0.30000000000000004]);
  });
});

describe('LR schedules: PyTorch schedulers through lr_mode mappings (SG test_train_with_torch_scheduler)', () => {
  const torch = (epochs: number, mode: Record<string, unknown>, metric?: number) => {
    const sim = simulateLr({ ...base, max_epochs: epochs, initial_lr: 0.1, lr_mode: mode }, { trainLoaderLen: 1, groups: [{ name: 'default', lr: 0.1, momentum: 0.9 }] });
    void metric;
    return sim.epochEnd.default[epochs - 1];
  };
  const E = 'TRAIN_EPOCH_END';
  const cases: Array<[string, number, Record<string, unknown>, number]> = [
    ['StepLR', 2, { StepLR: { step_size: 1, gamma: 0.1, phase: E } }, 0.001],
    ['LambdaLR', 2, { LambdaLR: { lr_lambda: (e: number) => 1 / (e + 10), phase: E } }, 0.1 / 12],
    ['MultiStepLR', 2, { MultiStepLR: { milestones: [0, 1], gamma: 0.1, phase: E } }, 0.001],
    ['ConstantLR', 2, { ConstantLR: { factor: 0.5, total_iters: 4, phase: E } }, 0.05],
    ['CosineAnnealingLR', 2, { CosineAnnealingLR: { T_max: 3, phase: E } }, 0.025],
    ['CosineAnnealingWarmRestarts', 4, { CosineAnnealingWarmRestarts: { T_0: 2, phase: E } }, 0.1],
    ['CyclicLR', 4, { CyclicLR: { base_lr: 0.01, max_lr: 0.1, phase: E } }, 0.01018],
    ['ExponentialLR', 4, { ExponentialLR: { gamma: 0.01, phase: E } }, 1e-9],
    ['LinearLR', 4, { LinearLR: { phase: E } }, 0.08666666666666668],
  ];
  for (const [name, epochs, mode, expected] of cases) {
    it(`${name}: final lr ${expected}`, () => {
      const got = torch(epochs, mode);
      assert.ok(Math.abs(got - expected) <= 1e-12 * Math.max(1, expected) + 1e-15, `${got} vs ${expected}`);
    });
  }

  it('errors: unknown lr_mode, unknown warmup_mode with a suggestion, missing phase, bad training params', () => {
    assert.throws(() => simulateLr({ ...base, lr_mode: 'cosinus' }, { trainLoaderLen: 1 }), /unknown lr_mode 'cosinus'; did you mean 'cosine'\?/);
    assert.throws(() => simulateLr({ ...base, warmup_mode: 'LinearEpochWarmup' }, { trainLoaderLen: 1 }), /unknown warmup_mode 'LinearEpochWarmup'; did you mean 'LinearEpochLRWarmup'\?/);
    assert.throws(() => simulateLr({ ...base, warmup_mode: null }, { trainLoaderLen: 1 }), /warmup_mode has to be either a name of a mode \(str\) or a subclass of PhaseCallback/);
    assert.throws(() => simulateLr({ ...base, lr_mode: { StepLR: { step_size: 1 } } }, { trainLoaderLen: 1 }), /lr_mode\.StepLR\.phase is required/);
    assert.throws(() => simulateLr({ ...base, lr_mode: 'StepLRScheduler', lr_updates: [1] }, { trainLoaderLen: 1 }), /lr_decay_factor is required when lr_mode is 'StepLRScheduler'/);
    assert.throws(() => simulateLr({ ...base, lr_warmup_epochs: 11 }, { trainLoaderLen: 1 }), /training_params\.lr_warmup_epochs must be in \[0, 10\], got 11/);
    assert.throws(() => simulateLr({ loss: 'x', initial_lr: 1 }, { trainLoaderLen: 1 }), /training_params\.max_epochs is required/);
    assert.throws(() => simulateLr({ ...base, initial_lr: { 'bad key': 1, default: 1 } }, { trainLoaderLen: 1 }), /invalid group name 'bad key'/);
  });
});
