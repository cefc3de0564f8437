/**
 * The LR of every optimizer step, not only each epoch's last one: an off-by-one at an epoch
 * boundary (the epoch warm-up's `epoch <= W` written as `<` makes the first batch of epoch W use
 * epoch W−1's LR) changes a single step per run, which an epoch-end check cannot see. Checked on
 * simulateLr's table against §10's formulas written out here, and through a real Trainer, whose
 * optimizer records the LR its step() actually used.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { DataLoader, TensorDataset } from '../../lib/data';
import * as nn from '../../lib/nn';
import { SGD } from '../../lib/optim';
import * as sg from '../../lib/tensor';
import { simulateLr, Trainer } from '../../lib/training';

/** SG's cosine: 0.5·(1 + cos(π·cur/(T + 1))), from I down towards I·r. */
const cosine = (cur: number, T: number, I: number, r: number) => I * (0.5 * (1 + Math.cos((cur / (T + 1)) * Math.PI)) * (1 - r) + r);

interface Schedule {
  title: string;
  params: Record<string, unknown>;
  /** The LR the step of epoch e, batch b must use (L batches per epoch). */
  expected: (e: number, b: number, L: number) => number;
}

/** LinearEpochLRWarmup: from I/(W+1) (or warmup_initial_lr) to I, set at the start of epochs 0…W. */
const warm = (e: number, W: number, I: number, w0 = I / (W + 1)) => w0 + (e * (I - w0)) / W;

const E = 5;
const SCHEDULES: Schedule[] = [
  {
    title: 'StepLR after a 3-epoch linear warm-up (epoch W starts at initial_lr)',
    params: { max_epochs: E, initial_lr: 1, lr_mode: 'StepLRScheduler', lr_updates: [10], lr_decay_factor: 0.1, lr_warmup_epochs: 3 },
    expected: (e) => (e <= 3 ? warm(e, 3, 1) : 1),
  },
  {
    title: 'warm-down from warmup_initial_lr 4 to 1 over 3 epochs',
    params: { max_epochs: E, initial_lr: 1, lr_mode: 'StepLRScheduler', lr_updates: [10], lr_decay_factor: 0.1, lr_warmup_epochs: 3, warmup_initial_lr: 4 },
    expected: (e) => (e <= 3 ? warm(e, 3, 1, 4) : 1),
  },
  {
    title: 'StepLR milestones [2, 4] ×0.5 after a 1-epoch warm-up (a milestone u changes the LR from epoch u + 1)',
    params: { max_epochs: 6, initial_lr: 0.8, lr_mode: 'StepLRScheduler', lr_updates: [2, 4], lr_decay_factor: 0.5, lr_warmup_epochs: 1 },
    expected: (e) => (e < 1 ? 0.4 : e <= 2 ? 0.8 : e <= 4 ? 0.4 : 0.2),
  },
  {
    title: 'per-step cosine r=0.2 after a 2-epoch warm-up: epoch W’s first step at initial_lr, then the value written after each step',
    params: { max_epochs: E, initial_lr: 1, lr_mode: 'cosine', cosine_final_lr_ratio: 0.2, lr_warmup_epochs: 2 },
    expected: (e, b, L) => (e < 2 ? warm(e, 2, 1) : e === 2 && b === 0 ? 1 : cosine(L * (e - 2) + b - 1, L * (E - 2), 1, 0.2)),
  },
  {
    title: 'cosine with a 2-epoch cool-down holds the last value written',
    params: { max_epochs: 7, initial_lr: 1, lr_mode: 'cosine', cosine_final_lr_ratio: 0.2, lr_warmup_epochs: 3, lr_cooldown_epochs: 2 },
    expected: (e, b, L) => {
      if (e < 3) return warm(e, 3, 1);
      if (e === 3 && b === 0) return 1;
      const T = L * (7 - 3 - 2);
      return cosine(Math.min(L * (e - 3) + b - 1, T - 1), T, 1, 0.2);
    },
  },
  {
    title: 'LinearBatchLRWarmup over the first epoch’s 3 steps, then the per-step cosine from the next',
    params: { max_epochs: E, initial_lr: 1, lr_mode: 'cosine', cosine_final_lr_ratio: 0.1, warmup_mode: 'LinearBatchLRWarmup', warmup_initial_lr: 0.1, lr_warmup_steps: 3 },
    expected: (e, b, L) => {
      const g = e * L + b;
      if (g < 3) return [0.1, 0.55, 1][g];
      // The cosine writes after each step from global step 3 on, with cur = g − 3 and T = L·E − 3.
      return g === 3 ? 1 : cosine(g - 1 - 3, L * E - 3, 1, 0.1);
    },
  },
];

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual}, expected ${expected}`);

describe('LR schedules: the LR of every step (simulateLr)', () => {
  for (const s of SCHEDULES) {
    it(s.title, () => {
      const L = 3;
      const sim = simulateLr({ loss: 'CrossEntropyLoss', ...s.params }, { trainLoaderLen: L });
      const epochs = s.params.max_epochs as number;
      assert.equal(sim.steps.length, epochs * L, 'one optimizer step per batch');
      for (let e = 0; e < epochs; e++) for (let b = 0; b < L; b++) close(sim.lr.default[e][b]!, s.expected(e, b, L), `epoch ${e} batch ${b}`);
    });
  }
});

describe('LR schedules: the LR every step of a real Trainer used', function () {
  let root: string;
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-lr-steps-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  /** SGD that records, at each step(), the LR of its groups: what the update really used. */
  const used: number[][] = [];
  class RecordingSGD extends SGD {
    override step(closure?: () => unknown): unknown {
      used.push(this.paramGroups.map((g) => g.lr as number));
      return super.step(closure);
    }
  }

  for (const s of SCHEDULES) {
    it(s.title, async () => {
      sg.manualSeed(0);
      const L = 3;
      const x = sg.randn([12, 4]);
      const y = sg.randint(0, 3, [12]);
      const trainLoader = new DataLoader(new TensorDataset(x, y), { batch_size: 4 });
      const model = new nn.Sequential(new nn.Linear(4, 3));
      used.length = 0;
      const trainingParams = { loss: 'CrossEntropyLoss', optimizer: RecordingSGD, optimizer_params: {}, silent_mode: true, save_model: false, ...s.params };
      await new Trainer({ experimentName: `lr-${SCHEDULES.indexOf(s)}`, ckptRootDir: root }).train({ model, trainingParams, trainLoader });
      const epochs = s.params.max_epochs as number;
      assert.equal(used.length, epochs * L);
      const sim = simulateLr({ loss: 'CrossEntropyLoss', ...s.params }, { trainLoaderLen: L });
      used.forEach((lrs, k) => {
        const [e, b] = [Math.floor(k / L), k % L];
        lrs.forEach((lr) => close(lr, s.expected(e, b, L), `Trainer step ${k} (epoch ${e}, batch ${b})`));
        close(lrs[0], sim.steps[k].lr.default, `simulateLr agrees at step ${k}`);
      });
    });
  }
});

describe('LR schedules with max_train_batches: simulateLr runs the steps a Trainer runs', function () {
  let root: string;
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-lr-cut-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const used: number[] = [];
  class RecordingSGD extends SGD {
    override step(closure?: () => unknown): unknown {
      used.push(this.paramGroups[0].lr as number);
      return super.step(closure);
    }
  }

  // A loader of L = 4 batches cut at 2: the schedules still count 4 batches an epoch (§10.2),
  // and so does the accumulation window ((b + 1 + 4·e) % 3).
  const cases: Array<{ title: string; params: Record<string, unknown>; steps: Array<[number, number]> }> = [
    {
      title: 'per-step cosine after a 1-epoch warm-up, a step every batch',
      params: { max_epochs: 3, initial_lr: 1, lr_mode: 'cosine', cosine_final_lr_ratio: 0.2, lr_warmup_epochs: 1, max_train_batches: 2 },
      steps: [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]],
    },
    {
      title: 'LinearBatchLRWarmup then cosine, batch_accumulate 3 (global steps 6 and 9 fall in the cut epochs)',
      params: { max_epochs: 3, initial_lr: 1, lr_mode: 'cosine', cosine_final_lr_ratio: 0.1, warmup_mode: 'LinearBatchLRWarmup', warmup_initial_lr: 0.1, lr_warmup_steps: 3, batch_accumulate: 3, max_train_batches: 2 },
      steps: [[1, 1], [2, 0]],
    },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      sg.manualSeed(0);
      const trainLoader = new DataLoader(new TensorDataset(sg.randn([16, 4]), sg.randint(0, 3, [16])), { batch_size: 4 });
      used.length = 0;
      const trainingParams = { loss: 'CrossEntropyLoss', optimizer: RecordingSGD, optimizer_params: {}, silent_mode: true, save_model: false, ...c.params };
      await new Trainer({ experimentName: `lr-cut-${cases.indexOf(c)}`, ckptRootDir: root }).train({ model: new nn.Sequential(new nn.Linear(4, 3)), trainingParams, trainLoader });
      const sim = simulateLr({ loss: 'CrossEntropyLoss', ...c.params }, { trainLoaderLen: 4 });
      assert.deepEqual(
        sim.steps.map((s) => [s.epoch, s.batch]),
        c.steps,
      );
      assert.equal(used.length, c.steps.length, 'the Trainer steps as often');
      assert.deepEqual(
        sim.steps.map((s) => s.lr.default),
        used,
      );
      assert.equal(sim.batchesPerEpoch, 2);
      assert.deepEqual(
        sim.lr.default.map((epoch) => epoch.length),
        [2, 2, 2],
        'one entry per batch run',
      );
    });
  }
});
