/**
 * `sg-optim train` with SG's recipe keys `multi_gpu: DDP` and `num_gpus: 2`: the command
 * relaunches itself as 2 workers (DistributedTrainer: Gloo, sharded loaders, averaged
 * gradients and metrics, rank 0 writes); the run equals the 1-process run with twice the batch
 * (float32 weights within 1e-5), and it resumes. Process timeouts are hang guards only.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { launch } from '../../lib/distributed/launcher';
import { load } from '../../lib/serialize';
import { Tensor } from '../../lib/tensor';
import { cleanEnv, Sink } from '../helpers/launch';

const main = path.join(__dirname, '..', '..', 'lib', 'cli', 'main.js');

const cli = (args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: cleanEnv(), timeout: 600000 }); // a hang guard only

const COMMON = ['train', '--config-name', 'mnist_mlp', 'dataset_params.shuffle=False', 'dataset_params.train_size=128', 'dataset_params.test_size=64', 'val_batch_size=16', 'training_hyperparams.silent_mode=True'];

function weights(file: string): Record<string, number[]> {
  const ckpt = load(file) as { net: Record<string, Tensor> };
  return Object.fromEntries(Object.entries(ckpt.net).map(([k, t]) => [k, Array.from(t.toTypedArray() as Float32Array)]));
}

function logLines(dir: string): Array<Record<string, unknown>> {
  return fs.readFileSync(path.join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('training: multi_gpu DDP recipe runs (sg-optim train relaunches itself)', function () {
  this.timeout(900000); // a hang guard only

  it('2 processes × batch 16 == 1 process × batch 32: same weights (1e-5), same validation metrics; rank 0 alone writes; resume continues', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-ddp-train-'));
    // The model is built before the Trainer seeds: a --require'd module seeds first, so that both
    // runs start from the same weights (the 2-process run takes rank 0's anyway).
    const seed = path.join(root, 'seed.js');
    fs.writeFileSync(seed, `require(${JSON.stringify(path.join(__dirname, '..', '..', 'lib', 'tensor'))}).manualSeed(0);\n`);
    const common = [...COMMON, '--require', seed];
    const one = cli([...common, 'epochs=2', 'batch_size=32', `ckpt_root_dir=${root}`, 'experiment_name=one']);
    assert.equal(one.status, 0, one.stderr);
    const two = cli([...common, 'epochs=2', 'batch_size=16', '+multi_gpu=DDP', '+num_gpus=2', `ckpt_root_dir=${root}`, 'experiment_name=two']);
    assert.equal(two.status, 0, two.stdout + two.stderr);
    assert.match(two.stdout, /^\[rank0\]:Done: Accuracy/m);
    assert.doesNotMatch(two.stdout, /^\[rank1\]:Done/m, 'rank 1 prints no summary');

    const a = weights(path.join(root, 'one', 'ckpt_latest.pth'));
    const b = weights(path.join(root, 'two', 'ckpt_latest.pth'));
    assert.deepEqual(Object.keys(b), Object.keys(a), "the model's own keys (unwrapped)");
    let moved = 0;
    for (const k of Object.keys(a)) {
      for (let i = 0; i < a[k].length; i++) {
        assert.ok(Math.abs(a[k][i] - b[k][i]) <= 1e-5 * Math.max(1, Math.abs(a[k][i])), `${k}[${i}]: ${b[k][i]} vs ${a[k][i]}`);
        moved = Math.max(moved, Math.abs(a[k][i]));
      }
    }
    assert.ok(moved > 0);
    const la = logLines(path.join(root, 'one'));
    const lb = logLines(path.join(root, 'two'));
    assert.equal(lb.length, 2, 'one log line per epoch: rank 0 alone writes');
    for (let e = 0; e < 2; e++) {
      assert.ok(Math.abs((la[e].valid_loss as number) - (lb[e].valid_loss as number)) <= 1e-5, `epoch ${e} valid loss`);
      const ma = la[e].valid_metrics as Record<string, number>;
      const mb = lb[e].valid_metrics as Record<string, number>;
      assert.deepEqual(Object.keys(mb), Object.keys(ma));
      for (const k of Object.keys(ma)) assert.ok(Math.abs(ma[k] - mb[k]) <= 1e-6, `epoch ${e} ${k}: ${mb[k]} vs ${ma[k]}`);
    }

    // Resume the 2-process run for a third epoch; the 1-process run too; they still agree.
    const twoMore = cli([...common, 'epochs=3', 'batch_size=16', '+multi_gpu=DDP', '+num_gpus=2', 'resume=True', `ckpt_root_dir=${root}`, 'experiment_name=two']);
    assert.equal(twoMore.status, 0, twoMore.stdout + twoMore.stderr);
    const oneMore = cli([...common, 'epochs=3', 'batch_size=32', 'resume=True', `ckpt_root_dir=${root}`, 'experiment_name=one']);
    assert.equal(oneMore.status, 0, oneMore.stderr);
    assert.equal(logLines(path.join(root, 'two')).length, 3);
    const a3 = weights(path.join(root, 'one', 'ckpt_latest.pth'));
    const b3 = weights(path.join(root, 'two', 'ckpt_latest.pth'));
    for (const k of Object.keys(a3)) for (let i = 0; i < a3[k].length; i++) assert.ok(Math.abs(a3[k][i] - b3[k][i]) <= 1e-5 * Math.max(1, Math.abs(a3[k][i])), `resumed ${k}[${i}]`);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('a worker SIGKILLed mid-epoch ends the run naming its rank; the last finished epoch\'s checkpoint is intact and resuming continues', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-ddp-kill-'));
    const seed = path.join(root, 'seed.js');
    fs.writeFileSync(seed, `require(${JSON.stringify(path.join(__dirname, '..', '..', 'lib', 'tensor'))}).manualSeed(0);\n`);
    // Rank 1 kills itself at its 6th optimizer step (4 per epoch: in the second epoch).
    const kill = path.join(root, 'kill.js');
    const trainerModule = JSON.stringify(path.join(__dirname, '..', '..', 'lib', 'training', 'distributed-trainer'));
    fs.writeFileSync(
      kill,
      `const { DistributedTrainer } = require(${trainerModule});\n` +
        'const step = DistributedTrainer.prototype.optimizerStep;\nlet n = 0;\n' +
        "DistributedTrainer.prototype.optimizerStep = function (run, g) { if (process.env.RANK === '1' && ++n === 6) process.kill(process.pid, 'SIGKILL'); return step.call(this, run, g); };\n",
    );
    const args = [...COMMON, '--require', seed, 'epochs=3', 'batch_size=16', '+multi_gpu=DDP', '+num_gpus=2', `ckpt_root_dir=${root}`, 'experiment_name=two'];
    const killed = cli([...args, '--require', kill]);
    assert.equal(killed.status, 1, killed.stdout + killed.stderr);
    assert.match(killed.stderr, /rank 1 \(local rank 1, pid \d+\) was killed by SIGKILL/);
    const ckpt = load(path.join(root, 'two', 'ckpt_latest.pth')) as { epoch: number };
    assert.equal(ckpt.epoch, 1, 'the checkpoint of the one finished epoch');
    const resumed = cli([...args, 'resume=True']);
    assert.equal(resumed.status, 0, resumed.stdout + resumed.stderr);
    assert.deepEqual(logLines(path.join(root, 'two')).map((l) => l.epoch), [0, 1, 2]);
    // Same weights as the uninterrupted 1-process run with twice the batch.
    const one = cli([...COMMON, '--require', seed, 'epochs=3', 'batch_size=32', `ckpt_root_dir=${root}`, 'experiment_name=one']);
    assert.equal(one.status, 0, one.stderr);
    const a = weights(path.join(root, 'one', 'ckpt_latest.pth'));
    const b = weights(path.join(root, 'two', 'ckpt_latest.pth'));
    for (const k of Object.keys(a)) for (let i = 0; i < a[k].length; i++) assert.ok(Math.abs(a[k][i] - b[k][i]) <= 1e-5 * Math.max(1, Math.abs(a[k][i])), `${k}[${i}]`);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('sync_bn: true makes the BatchNorms SyncBatchNorms: 2 × batch 4 == 1 × batch 8 (float64, 1e-10); without it they differ', async () => {
    const worker = path.join(__dirname, 'sync-bn-trainer-worker.js');
    const run = async (sync: boolean) => {
      const out = new Sink();
      const l = await launch({ nprocPerNode: 2, command: [process.execPath, worker, String(sync)], env: cleanEnv(), stdout: out, stderr: out, graceMs: 2000 });
      assert.equal((await l.result).exitCode, 0, out.text);
      return [...out.text.matchAll(/^\[rank(\d+)\]:(\{.*\})$/gm)].map((m) => JSON.parse(m[2]) as { rel: number; bn: string });
    };
    const synced = await run(true);
    assert.equal(synced.length, 2);
    for (const o of synced) {
      assert.equal(o.bn, 'SyncBatchNorm');
      assert.ok(o.rel <= 1e-10, `relative difference ${o.rel}`);
    }
    const local = await run(false);
    for (const o of local) {
      assert.equal(o.bn, 'BatchNorm1d');
      assert.ok(o.rel > 1e-6, 'per-rank statistics give other weights');
    }
  });

  it('zero_redundancy: true shards the optimizer (ZeRO-1): 2 × batch 4 == 1 × batch 8 (float64, 1e-10); the checkpoint holds the unsharded state, and the run resumes', async () => {
    const worker = path.join(__dirname, 'zero-trainer-worker.js');
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-zero-'));
    const out = new Sink();
    const l = await launch({ nprocPerNode: 2, command: [process.execPath, worker, root], env: cleanEnv(), stdout: out, stderr: out, graceMs: 2000 });
    assert.equal((await l.result).exitCode, 0, out.text);
    const ranks = [...out.text.matchAll(/^\[rank(\d+)\]:(\{.*\})$/gm)].map((m) => JSON.parse(m[2]) as Record<string, number | string | boolean>);
    assert.equal(ranks.length, 2, out.text);
    for (const o of ranks) {
      assert.equal(o.sharded, true, 'the trainer stepped a ZeroRedundancyOptimizer');
      assert.ok((o.moved as number) > 1e-3, 'training moved the weights');
      assert.ok((o.rel2 as number) <= 1e-10, `after 2 epochs: relative difference ${o.rel2}`);
      assert.ok((o.rel3 as number) <= 1e-10, `resumed for a third: relative difference ${o.rel3}`);
      assert.equal(o.stateLayout, 'same', "the checkpoint's optimizer state has the plain optimizer's layout");
      assert.ok((o.stateRel as number) <= 1e-10, `checkpointed optimizer state vs plain: ${o.stateRel}`);
      assert.ok((o.bytes as number) > 0 && (o.bytes as number) < (o.plainBytes as number), `rank ${o.rank} holds ${o.bytes} of ${o.plainBytes} state bytes`);
    }
    assert.equal((ranks[0].bytes as number) + (ranks[1].bytes as number), ranks[0].plainBytes, 'the two shards hold the whole state once');
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('the recipe key training_hyperparams.zero_redundancy: with multi_gpu: DDP the run equals the unsharded one and checkpoints every state; in one process an error', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-zero-cli-'));
    // The model's initial weights are drawn before the recipe's seed: seeded here, as the kill test does.
    const seed = path.join(root, 'seed.js');
    fs.writeFileSync(seed, `require(${JSON.stringify(path.join(__dirname, '..', '..', 'lib', 'tensor'))}).manualSeed(0);\n`);
    const args = [...COMMON, '--require', seed, 'epochs=2', 'batch_size=16', '+multi_gpu=DDP', '+num_gpus=2', `ckpt_root_dir=${root}`];
    const sharded = cli([...args, 'experiment_name=zero', '+training_hyperparams.zero_redundancy=True']);
    assert.equal(sharded.status, 0, sharded.stdout + sharded.stderr);
    const plain = cli([...args, 'experiment_name=plain']);
    assert.equal(plain.status, 0, plain.stdout + plain.stderr);
    const a = weights(path.join(root, 'plain', 'ckpt_latest.pth'));
    const b = weights(path.join(root, 'zero', 'ckpt_latest.pth'));
    for (const k of Object.keys(a)) for (let i = 0; i < a[k].length; i++) assert.ok(Math.abs(a[k][i] - b[k][i]) <= 1e-5 * Math.max(1, Math.abs(a[k][i])), `${k}[${i}]`);
    const state = (file: string) => (load(file) as { optimizer_state_dict: { state: Record<string, unknown>; param_groups: unknown } }).optimizer_state_dict;
    const zs = state(path.join(root, 'zero', 'ckpt_latest.pth'));
    const ps = state(path.join(root, 'plain', 'ckpt_latest.pth'));
    assert.deepEqual(Object.keys(zs.state), Object.keys(ps.state));
    assert.deepEqual(zs.param_groups, ps.param_groups);
    const one = cli([...COMMON, 'epochs=1', `ckpt_root_dir=${root}`, 'experiment_name=one', '+training_hyperparams.zero_redundancy=True']);
    assert.equal(one.status, 1);
    assert.match(one.stderr, /training_params.zero_redundancy: true shards the optimizer state across the processes of a data-parallel run: use it with multi_gpu: DDP/);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('bad multi_gpu / num_gpus values are errors naming the key', () => {
    const dp = cli([...COMMON, '+multi_gpu=DP', '+num_gpus=2']);
    assert.equal(dp.status, 1);
    assert.match(dp.stderr, /multi_gpu: DP \(DataParallel\) is not supported; use multi_gpu: DDP/);
    const zero = cli([...COMMON, '+multi_gpu=DDP', '+num_gpus=0']);
    assert.equal(zero.status, 1);
    assert.match(zero.stderr, /Expected a positive integer \(the number of processes\) for recipe mnist_mlp: num_gpus but received 0/);
  });
});
