/**
 * DistributedTrainer (lib/training/distributed-trainer.ts) in this process, in a one-process Gloo
 * group: its argument checks, how it joins the group (timeout, env://), what it hands the
 * process group, DistributedDataParallel and ZeroRedundancyOptimizer, that rank 0 writes, and the
 * sharding and cross-rank reduction it does for other ranks (shardLoader and reducedPhaseResults,
 * with a rank and world size given). test/training/distributed-trainer.test.ts runs it on 2
 * processes; those runs cannot kill a StrykerJS mutant (it is active only in Stryker's process).
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { DataLoader, DistributedSampler, TensorDataset } from '../../lib/data';
import { DEFAULT_TIMEOUT_MS, destroyProcessGroup, getRank, initProcessGroup, isInitialized } from '../../lib/distributed';
import { freePort } from '../../lib/distributed/launcher';
import { native } from '../../lib/native';
import * as nn from '../../lib/nn';
import { SGD, ZeroRedundancyOptimizer } from '../../lib/optim';
import * as sg from '../../lib/tensor';
import { Trainer } from '../../lib/training';
import { DistributedTrainer, reducedPhaseResults, shardLoader } from '../../lib/training/distributed-trainer';
import type { TrainArgs } from '../../lib/training/trainer';
import type { TrainingRun } from '../../lib/training/trainer-run';

/** 8 rows whose one feature is the row's index (0..7), labels 0/1. */
function rows(): TensorDataset {
  return new TensorDataset(sg.arange(0, 8, 1, { dtype: 'float32' }).reshape([8, 1]), sg.tensor([0, 1, 0, 1, 0, 1, 0, 1], { dtype: 'int64' }));
}

/** The feature values (row indices) of every batch of a loader. */
function indexBatches(loader: Iterable<unknown>): number[][] {
  return [...loader].map((b) => Array.from((b as sg.Tensor[])[0].toTypedArray() as Float32Array));
}

describe('training: DistributedTrainer helpers for another rank (shardLoader, reducedPhaseResults)', () => {
  it("shardLoader: rank 1 of 3 gets DistributedSampler's indices 1, 4, 7 (8 rows padded to 9), in the loader's batch size", () => {
    const sharded = shardLoader(new DataLoader(rows(), { batch_size: 2 }), 1, 3, 'train({trainLoader})');
    assert.deepEqual(indexBatches(sharded), [[1, 4], [7]]);
    assert.deepEqual(indexBatches(shardLoader(new DataLoader(rows(), { batch_size: 2 }), 2, 3, 'x')), [[2, 5], [0]], 'rank 2: the padding repeats index 0');
    assert.deepEqual(indexBatches(shardLoader(new DataLoader(rows(), { batch_size: 4 }), 0, 2, 'x')), [[0, 2, 4, 6]]);
  });

  it("shardLoader: a shuffling loader's shard is shuffled by its seed (the sampler's order), not the plain order", () => {
    const expected = (seed: number) => [...new DistributedSampler(rows(), { num_replicas: 3, rank: 1, shuffle: true, seed })];
    const shuffled = indexBatches(shardLoader(new DataLoader(rows(), { batch_size: 8, shuffle: true, seed: 5 }), 1, 3, 'x'));
    assert.deepEqual(shuffled, [expected(5)]);
    assert.notDeepEqual(expected(5), [1, 4, 7]);
    assert.notDeepEqual(expected(5), expected(0), 'seeds 5 and 0 give other orders: the seed is passed on');
  });

  it('shardLoader: a loader with its own sampler is kept; another iterable is an error naming the argument', () => {
    const own = new DataLoader(rows(), { batch_size: 2, sampler: [7, 6] });
    assert.equal(shardLoader(own, 1, 3, 'x'), own);
    assert.throws(() => shardLoader([[sg.zeros([1]), sg.zeros([1])]] as never, 0, 2, 'train({validLoader})'), {
      message: 'train({validLoader}): a data-parallel run shards an sg.data.DataLoader with a DistributedSampler; got another iterable (shard it yourself and use the plain Trainer)',
    });
  });

  it("reducedPhaseResults: loss = summed loss / summed batches; metrics the mean of the ranks' values; 0 batches keep the sum", () => {
    assert.deepEqual(reducedPhaseResults([12, 8, 1.5, 0.3], ['Accuracy', 'Top5'], 3), { loss: 1.5, metrics: { Accuracy: 0.5, Top5: 0.3 / 3 } });
    assert.deepEqual(reducedPhaseResults([2.5, 0], [], 4), { loss: 2.5, metrics: {} });
    assert.deepEqual(reducedPhaseResults([3, 0.5], [], 2), { loss: 3, metrics: {} }, 'a count below 1 divides by 1');
  });
});

const quiet = { silent_mode: true };
const base = { max_epochs: 2, initial_lr: 0.1, optimizer: 'SGD', loss: 'CrossEntropyLoss', train_metrics_list: ['Accuracy'], valid_metrics_list: ['Accuracy'], lr_warmup_epochs: 0 };

/** A model with a BatchNorm (for sync_bn), built from a seed. */
function bnNet(): nn.Module {
  sg.manualSeed(11);
  return new nn.Sequential(new nn.Linear(1, 4), new nn.BatchNorm1d(4), new nn.ReLU(), new nn.Linear(4, 2));
}

const flat = (m: nn.Module) => m.parameters().flatMap((p) => Array.from(p.toTypedArray() as Float32Array));

/** A DistributedTrainer whose test reaches isMainProcess and the DDP wrapper's syncBuffers calls. */
class ProbedTrainer extends DistributedTrainer {
  readonly events: string[] = [];
  mainProcess(): boolean {
    return this.isMainProcess();
  }
  protected override prepare(args: TrainArgs): TrainingRun {
    const run = super.prepare(args);
    const ddp = this.ddp!;
    const sync = ddp.syncBuffers.bind(ddp);
    ddp.syncBuffers = () => {
      this.events.push('sync');
      sync();
    };
    return run;
  }
  protected override optimizerStep(run: TrainingRun, globalStep: number): void {
    this.events.push('step');
    super.optimizerStep(run, globalStep);
  }
}

describe('training: DistributedTrainer outside a process group', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-dtrainer-'));
  });
  after(() => {
    if (isInitialized()) destroyProcessGroup();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("options: the Trainer's checks (no options, a bad experimentName) come first", () => {
    for (const options of [undefined, null, 42]) {
      const message = new RegExp(`^Expected an object \\{experimentName, ckptRootDir\\?\\} for Trainer\\(options\\) but received ${String(options)}`);
      assert.throws(() => new Trainer(options as never), { message });
      assert.throws(() => new DistributedTrainer(options as never), { message });
    }
    assert.throws(() => new DistributedTrainer({ experimentName: '' }), { message: /Trainer\(\{experimentName\}\)/ });
  });

  it('train(null) is refused as the plain Trainer refuses it, before any rendezvous', async () => {
    const message = 'Expected an object {model, trainingParams, trainLoader, validLoader} for train(args) but received null';
    await assert.rejects(new Trainer({ experimentName: 'x', ckptRootDir: root }).train(null as never), { message });
    await assert.rejects(new DistributedTrainer({ experimentName: 'x', ckptRootDir: root }).train(null as never), { message });
    assert.equal(isInitialized(), false);
  });

  it('joins the group with its timeoutMs: 0 is refused by initProcessGroup; without RANK/WORLD_SIZE the error names the launcher', async () => {
    const args = { model: bnNet(), trainingParams: { ...base, ...quiet }, trainLoader: new DataLoader(rows(), { batch_size: 4 }) };
    await assert.rejects(new DistributedTrainer({ experimentName: 'x', ckptRootDir: root, timeoutMs: 0 }).train(args), { message: 'timeoutMs must be at least 1, got 0' });
    await assert.rejects(new DistributedTrainer({ experimentName: 'x', ckptRootDir: root, timeoutMs: 1.5 }).train(args), { path: 'timeoutMs' });
    const saved = { RANK: process.env.RANK, WORLD_SIZE: process.env.WORLD_SIZE };
    delete process.env.RANK;
    delete process.env.WORLD_SIZE;
    try {
      await assert.rejects(new DistributedTrainer({ experimentName: 'x', ckptRootDir: root }).train(args), { message: /WORLD_SIZE is required .*sg-optim launch/ });
    } finally {
      Object.assign(process.env, saved);
      for (const k of ['RANK', 'WORLD_SIZE'] as const) if (saved[k] === undefined) delete process.env[k];
    }
    assert.equal(isInitialized(), false);
  });

  it("joins the default group from RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT (Gloo, its timeoutMs; the default PyTorch's 30 minutes)", async () => {
    const keys = ['RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'] as const;
    const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
    const args = () => ({ model: bnNet(), trainingParams: { ...base, max_epochs: 1, save_model: false, ...quiet }, trainLoader: new DataLoader(rows(), { batch_size: 4 }) });
    try {
      for (const timeoutMs of [45000, undefined]) {
        Object.assign(process.env, { RANK: '0', WORLD_SIZE: '1', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(await freePort()) });
        const trainer = new DistributedTrainer({ experimentName: 'x', ckptRootDir: root, timeoutMs });
        const result = await trainer.train(args());
        assert.equal(result.epochs.length, 1);
        assert.equal(isInitialized(), true);
        assert.deepEqual(native.processGroupInfo(), { backend: 'gloo', rank: 0, worldSize: 1, timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS });
        destroyProcessGroup();
      }
    } finally {
      for (const k of keys) if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('isMainProcess: true without a group (the plain Trainer)', () => {
    assert.equal(isInitialized(), false);
    assert.equal(new ProbedTrainer({ experimentName: 'x', ckptRootDir: root }).mainProcess(), true);
  });
});

describe('training: DistributedTrainer in a one-process Gloo group (rank 0 of 1)', () => {
  let root: string;
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-dtrainer-'));
    initProcessGroup({ backend: 'gloo', timeoutMs: 30000, env: { RANK: '0', WORLD_SIZE: '1', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(await freePort()) } });
  });
  after(() => {
    if (isInitialized()) destroyProcessGroup();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const loaders = () => ({ trainLoader: new DataLoader(rows(), { batch_size: 4 }), validLoader: new DataLoader(rows(), { batch_size: 3 }) });

  it('trains as the plain Trainer does (same weights, losses, metrics), in the group it found; rank 0 writes checkpoints and the log', async () => {
    const plainModel = bnNet();
    const plain = await new Trainer({ experimentName: 'plain', ckptRootDir: root }).train({ model: plainModel, trainingParams: { ...base, ...quiet }, ...loaders() });
    const model = bnNet();
    const trainer = new ProbedTrainer({ experimentName: 'ddp', ckptRootDir: root });
    const result = await trainer.train({ model, trainingParams: { ...base, ...quiet }, ...loaders() });
    assert.equal(getRank(), 0);
    assert.deepEqual(flat(model), flat(plainModel));
    assert.deepEqual(result.epochs.map((e) => [e.train_loss, e.valid_loss, e.valid_metrics]), plain.epochs.map((e) => [e.train_loss, e.valid_loss, e.valid_metrics]));
    assert.ok((result.epochs[0].train_loss as number) > 0);
    assert.equal(trainer.mainProcess(), true);
    const dir = path.join(root, 'ddp');
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.pth')).sort(), ['ckpt_best.pth', 'ckpt_latest.pth']);
    assert.equal(fs.readFileSync(path.join(dir, 'log.jsonl'), 'utf8').trim().split('\n').length, 2);
    // The model is wrapped (its own module, hooks on its parameters) and BatchNorm stays one without sync_bn.
    assert.ok(trainer.ddp instanceof nn.DistributedDataParallel);
    assert.equal(trainer.ddp.module, model);
    assert.equal(trainer.ddp.reducedPasses, 4, '2 epochs × 2 batches averaged');
    assert.equal(model.modules()[2].constructor.name, 'BatchNorm1d');
    // The buffer broadcast comes before each training batch (2 per epoch), before its step.
    assert.deepEqual(trainer.events, ['sync', 'step', 'sync', 'step', 'sync', 'step', 'sync', 'step']);
  });

  it('a second train() detaches the first wrapper: its hooks average no more passes', async () => {
    const model = bnNet();
    const trainer = new DistributedTrainer({ experimentName: 'twice', ckptRootDir: root });
    await trainer.train({ model, trainingParams: { ...base, max_epochs: 1, save_model: false, ...quiet }, ...loaders() });
    const first = trainer.ddp!;
    assert.equal(first.reducedPasses, 2);
    await trainer.train({ model, trainingParams: { ...base, max_epochs: 1, save_model: false, ...quiet }, ...loaders() });
    assert.notEqual(trainer.ddp, first);
    assert.equal(trainer.ddp!.reducedPasses, 2);
    assert.throws(() => first.reducedPasses, /gradient reducer \d+ is detached/, 'the first wrapper no longer hooks the parameters');
  });

  it('bucketCapMb goes to DistributedDataParallel (default 25 MiB: one bucket; a few bytes: one per parameter)', async () => {
    const run = async (bucketCapMb: number | undefined) => {
      const trainer = new DistributedTrainer({ experimentName: 'buckets', ckptRootDir: root, bucketCapMb });
      await trainer.train({ model: bnNet(), trainingParams: { ...base, max_epochs: 1, save_model: false, ...quiet }, ...loaders() });
      return trainer.ddp!.buckets.length;
    };
    assert.equal(await run(undefined), 1);
    assert.equal(await run(1e-6), 6, '6 parameters (2 Linear, 1 BatchNorm: weight and bias each)');
    await assert.rejects(run(-1), { message: 'bucketCapMb must be a positive number of MiB, got -1' });
  });

  it('sync_bn: true turns the BatchNorm into a SyncBatchNorm; false, null or absent keep it; another value is a TypeError naming the key', async () => {
    for (const [syncBn, name] of [[true, 'SyncBatchNorm'], [false, 'BatchNorm1d'], [null, 'BatchNorm1d'], [undefined, 'BatchNorm1d']] as const) {
      const model = bnNet();
      await new DistributedTrainer({ experimentName: 'bn', ckptRootDir: root }).train({ model, trainingParams: { ...base, max_epochs: 1, save_model: false, sync_bn: syncBn, ...quiet }, ...loaders() });
      assert.equal(model.modules()[2].constructor.name, name, String(syncBn));
    }
    await assert.rejects(new DistributedTrainer({ experimentName: 'bn', ckptRootDir: root }).train({ model: bnNet(), trainingParams: { ...base, sync_bn: 'yes', ...quiet }, ...loaders() }), {
      name: 'TypeError',
      path: 'training_params.sync_bn',
      message: "Expected a boolean for training_params.sync_bn but received 'yes' (string)",
    });
  });

  it("argument errors are the Trainer's: no trainingParams, an iterable that is no DataLoader (train or valid), no validLoader is fine", async () => {
    const trainer = new DistributedTrainer({ experimentName: 'args', ckptRootDir: root });
    await assert.rejects(trainer.train({ model: bnNet(), trainLoader: new DataLoader(rows(), { batch_size: 4 }) } as never), { message: 'Expected an object for training_params but received undefined' });
    const batches = [[sg.zeros([4, 1]), sg.zeros([4], { dtype: 'int64' })]];
    await assert.rejects(trainer.train({ model: bnNet(), trainingParams: { ...base, ...quiet }, trainLoader: batches as never }), {
      message: /^train\(\{trainLoader\}\): a data-parallel run shards an sg.data.DataLoader/,
    });
    await assert.rejects(trainer.train({ model: bnNet(), trainingParams: { ...base, ...quiet }, trainLoader: new DataLoader(rows(), { batch_size: 4 }), validLoader: batches as never }), {
      message: /^train\(\{validLoader\}\): a data-parallel run shards an sg.data.DataLoader/,
    });
    const result = await trainer.train({ model: bnNet(), trainingParams: { ...base, max_epochs: 1, save_model: false, ...quiet }, trainLoader: new DataLoader(rows(), { batch_size: 4 }) });
    assert.equal(result.epochs.length, 1);
  });

  it('zero_redundancy: true shards the optimizer (same class, groups and options; same weights on one rank); false/null/absent keep it; another value is a TypeError', async () => {
    const plainModel = bnNet();
    const plainTrainer = new Trainer({ experimentName: 'zero-plain', ckptRootDir: root });
    const lamb = { ...base, optimizer: 'Lamb', optimizer_params: { max_grad_norm: 0.5, weight_decay: 0.01 }, ...quiet };
    await plainTrainer.train({ model: plainModel, trainingParams: lamb, ...loaders() });
    const model = bnNet();
    const trainer = new DistributedTrainer({ experimentName: 'zero', ckptRootDir: root });
    await trainer.train({ model, trainingParams: { ...lamb, zero_redundancy: true }, ...loaders() });
    const zero = trainer.optimizer as ZeroRedundancyOptimizer;
    assert.ok(zero instanceof ZeroRedundancyOptimizer);
    assert.equal(zero.optimizerClass, plainTrainer.optimizer!.constructor);
    assert.equal(zero.defaults.max_grad_norm, 0.5);
    assert.equal(zero.paramGroups.length, plainTrainer.optimizer!.paramGroups.length);
    assert.deepEqual(zero.paramGroups.map((g) => g.params.length), plainTrainer.optimizer!.paramGroups.map((g) => g.params.length));
    assert.deepEqual(flat(model), flat(plainModel));
    // The checkpoint holds the consolidated (unsharded) state.
    assert.ok(fs.existsSync(path.join(root, 'zero', 'ckpt_latest.pth')));
    for (const value of [false, null, undefined]) {
      const t = new DistributedTrainer({ experimentName: 'zero', ckptRootDir: root });
      await t.train({ model: bnNet(), trainingParams: { ...base, max_epochs: 1, save_model: false, zero_redundancy: value, ...quiet }, ...loaders() });
      assert.ok(t.optimizer instanceof SGD, String(value));
    }
    await assert.rejects(new DistributedTrainer({ experimentName: 'zero', ckptRootDir: root }).train({ model: bnNet(), trainingParams: { ...base, zero_redundancy: 1, ...quiet }, ...loaders() }), {
      name: 'TypeError',
      path: 'training_params.zero_redundancy',
      message: 'Expected a boolean for training_params.zero_redundancy but received 1 (number)',
    });
  });

  it('an optimizer instance that is already a ZeroRedundancyOptimizer is used as it is', async () => {
    const model = bnNet();
    const zero = new ZeroRedundancyOptimizer(model.parameters(), 'SGD', { lr: 0.1 });
    const trainer = new DistributedTrainer({ experimentName: 'zero-given', ckptRootDir: root });
    await trainer.train({ model, trainingParams: { ...base, initial_lr: null, optimizer: zero, zero_redundancy: true, ...quiet } as never, ...loaders() });
    assert.equal(trainer.optimizer, zero);
  });
});
