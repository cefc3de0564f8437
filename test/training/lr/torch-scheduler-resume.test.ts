/**
 * PyTorch schedulers through the real Trainer across a checkpoint: 2 epochs with a checkpoint,
 * then `resume: true` to epoch 4, must use at every optimizer step the LR (and momentum / beta1)
 * that an uninterrupted 4-epoch run uses, and those of PyTorch's own formulas. LambdaLR's
 * function is saved as null in `torch_scheduler_state_dict` (PyTorch saves None) and the resumed
 * run keeps the function given in its lr_mode.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { DataLoader, TensorDataset } from '../../../lib/data';
import * as nn from '../../../lib/nn';
import { Adam, SGD } from '../../../lib/optim';
import { load } from '../../../lib/serialize';
import * as sg from '../../../lib/tensor';
import { Trainer } from '../../../lib/training';

const L = 3; // batches per epoch

/** What every optimizer step used: [lr, momentum or beta1] of each group. */
const used: number[][][] = [];
const record = (groups: Array<Record<string, unknown>>) =>
  used.push(groups.map((g) => [g.lr as number, Array.isArray(g.betas) ? (g.betas as number[])[0] : (g.momentum as number)]));
class RecordingSGD extends SGD {
  override step(closure?: () => unknown): unknown {
    record(this.paramGroups);
    return super.step(closure);
  }
}
class RecordingAdam extends Adam {
  override step(closure?: () => unknown): unknown {
    record(this.paramGroups);
    return super.step(closure);
  }
}

const data = () => {
  sg.manualSeed(0);
  return new DataLoader(new TensorDataset(sg.randn([12, 4]), sg.randint(0, 3, [12])), { batch_size: 4 });
};

describe('Trainer: PyTorch schedulers saved in a checkpoint and resumed', function () {
  let root: string;
  before(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-lr-resume-'))));
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const train = async (name: string, lrMode: Record<string, unknown>, optimizer: typeof SGD | typeof Adam, maxEpochs: number, resume: boolean) => {
    sg.manualSeed(1);
    const model = new nn.Sequential(new nn.Linear(4, 3));
    const trainingParams = {
      max_epochs: maxEpochs, initial_lr: 0.1, lr_mode: lrMode, lr_warmup_epochs: 0, loss: 'CrossEntropyLoss',
      optimizer, optimizer_params: optimizer === RecordingSGD ? { momentum: 0.9, weight_decay: 0 } : { weight_decay: 0 },
      train_metrics_list: ['Accuracy'], metric_to_watch: 'Accuracy', silent_mode: true, resume,
    };
    const start = used.length;
    await new Trainer({ experimentName: name, ckptRootDir: root }).train({ model, trainingParams, trainLoader: data() });
    return used.slice(start);
  };

  /** Uninterrupted 4 epochs, and 2 + resumed 2: the same LR and momentum at each of the 12 steps. */
  const compare = async (name: string, lrMode: () => Record<string, unknown>, optimizer: typeof SGD | typeof Adam) => {
    const full = await train(`${name}-full`, lrMode(), optimizer, 4, false);
    const first = await train(`${name}-split`, lrMode(), optimizer, 2, false);
    const ckpt = load(path.join(root, `${name}-split`, 'ckpt_latest.pth')) as Record<string, unknown>;
    const second = await train(`${name}-split`, lrMode(), optimizer, 4, true);
    assert.equal(full.length, 4 * L);
    assert.equal(first.length, 2 * L);
    assert.equal(second.length, 2 * L, 'the resumed run trains epochs 2 and 3 only');
    assert.deepEqual([...first, ...second], full);
    return { full, state: ckpt.torch_scheduler_state_dict as Record<string, unknown> };
  };

  it('LambdaLR (a plain function) at TRAIN_BATCH_STEP: the checkpoint holds lr_lambdas [null] and the resume continues the schedule', async () => {
    const { full, state } = await compare('lambda', () => ({ LambdaLR: { lr_lambda: (k: number) => 0.9 ** k, phase: 'TRAIN_BATCH_STEP' } }), RecordingSGD);
    assert.deepEqual(state.lr_lambdas, [null]);
    assert.equal(state.last_epoch, 2 * L);
    assert.deepEqual(state.base_lrs, [0.1]);
    full.forEach(([[lr, momentum]], k) => {
      assert.ok(Math.abs(lr - 0.1 * 0.9 ** k) <= 1e-15, `step ${k}: ${lr}`);
      assert.equal(momentum, 0.9);
    });
  });

  it('OneCycleLR (cos, momentum cycling) over the 12 steps: PyTorch 2.15\'s lrs and momentums at every step', async () => {
    const { full, state } = await compare('onecycle', () => ({ OneCycleLR: { max_lr: 0.5, total_steps: 13, phase: 'TRAIN_BATCH_STEP' } }), RecordingSGD);
    assert.equal(state._anneal_func_type, 'cos');
    // torch.optim.lr_scheduler.OneCycleLR(SGD(lr 0.1, momentum 0.9), max_lr=0.5, total_steps=13): lr and momentum before each of 12 steps.
    const torchLrs = [0.020000000000000018, 0.14758197423205038, 0.39468489568697174, 0.4998510357336271, 0.48218913127508545, 0.4371279385320271,
      0.36998488955246867, 0.28868317896823553, 0.2028167898743663, 0.12251835883507048, 0.057263477254429894, 0.014752527157061277];
    const torchMomentums = [0.95, 0.9234204220349895, 0.8719406467318809, 0.8500297929724464, 0.8535621879937348, 0.8625744625914449,
      0.8760031261020107, 0.8922635332604859, 0.9094368797726458, 0.9254966302195068, 0.938547658739749, 0.9470498827681187];
    full.forEach(([[lr, momentum]], k) => {
      assert.ok(Math.abs(lr - torchLrs[k]) <= 1e-12 * torchLrs[k], `lr at step ${k}: ${lr} vs ${torchLrs[k]}`);
      assert.ok(Math.abs(momentum - torchMomentums[k]) <= 1e-12, `momentum at step ${k}: ${momentum} vs ${torchMomentums[k]}`);
    });
  });

  it("CyclicLR on Adam cycles beta1 (PyTorch's use_beta1) and resumes", async () => {
    const { full, state } = await compare('cyclic-adam', () => ({ CyclicLR: { base_lr: 0.01, max_lr: 0.1, step_size_up: 2, phase: 'TRAIN_BATCH_STEP' } }), RecordingAdam);
    assert.equal(state.use_beta1, true);
    // torch.optim.lr_scheduler.CyclicLR(Adam(lr 0.1), 0.01, 0.1, step_size_up=2): lr and betas[0] before each step.
    const expected = [0.01, 0.05500000000000001, 0.1, 0.05500000000000001, 0.01, 0.05500000000000001, 0.1, 0.05500000000000001, 0.01, 0.05500000000000001, 0.1, 0.05500000000000001];
    const betas = [0.9, 0.8500000000000001, 0.8, 0.8500000000000001, 0.9, 0.8500000000000001, 0.8, 0.8500000000000001, 0.9, 0.8500000000000001, 0.8, 0.8500000000000001];
    full.forEach(([[lr, beta1]], k) => {
      assert.ok(lr === expected[k], `lr at step ${k}: ${lr}`);
      assert.ok(beta1 === betas[k], `beta1 at step ${k}: ${beta1}`);
    });
  });

  it('SequentialLR (LinearLR warm-up, then CosineAnnealingLR) at TRAIN_EPOCH_END resumes with its sub-schedulers', async () => {
    const mode = () => ({ SequentialLR: { schedulers: [{ LinearLR: { start_factor: 0.5, total_iters: 2 } }, { CosineAnnealingLR: { T_max: 2 } }], milestones: [2], phase: 'TRAIN_EPOCH_END' } });
    const { full, state } = await compare('sequential', mode, RecordingSGD);
    assert.equal((state._schedulers as unknown[]).length, 2);
    // Per epoch: 0.05, 0.075 (LinearLR), then 0.1 (cosine at its epoch 0), 0.05.
    const perEpoch = [0.05, 0.07500000000000001, 0.1, 0.05]; // PyTorch 2.15's
    full.forEach(([[lr]], k) => assert.ok(lr === perEpoch[Math.floor(k / L)], `step ${k}: ${lr}`));
  });
});
