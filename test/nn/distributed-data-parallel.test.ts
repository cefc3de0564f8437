/**
 * sg.nn.DistributedDataParallel on c10d Gloo: N workers × batch B train to the same weights as
 * one process with batch N·B on the same rows (float64, 1e-10 relative), for N = 2 and 3 and
 * every built-in optimizer; the replicas start from rank 0's weights and stay equal. Then the
 * overlap (ddp-overlap-worker.ts): buckets all-reduced as they fill during backward, a weight
 * used twice per graph, noSync accumulation, and a parameter one rank leaves without gradient.
 */
import assert from 'node:assert/strict';
import * as path from 'path';

import { launch } from '../../lib/distributed/launcher';
import { DistributedDataParallel, Linear } from '../../lib/nn';
import { BUILT_IN_OPTIMIZERS } from '../../lib/optim';
import { cleanEnv, Sink } from '../helpers/launch';

const worker = path.join(__dirname, 'ddp-worker.js');
const overlapWorker = path.join(__dirname, 'ddp-overlap-worker.js');

interface PassStats {
  bucketsLaunchedInBackward: number;
  gradientHookCalls: number;
}

interface Trained {
  rel: number;
  weights: number[];
  stats: PassStats[];
  buckets: number[][];
  params: number;
  passes: number;
}

interface OverlapResult {
  deep: Trained;
  shared: Trained;
  accumulate: { relLocal: number[]; passes: number[]; rel: number; grads: number[]; stats: PassStats; buckets: number; finalPasses: number };
  unused: { local: number[]; averaged: number[]; stats: PassStats; buckets: number[][]; passes: number; relAfterDetach: number };
  failed: { error: string; passesAfterFailure: number; passes: number; rel: number; stats: PassStats; buckets: number };
}

async function runWorkers<T>(n: number, command: string[]): Promise<Map<number, T>> {
  const out = new Sink();
  const l = await launch({ nprocPerNode: n, command: [process.execPath, ...command], env: cleanEnv(), stdout: out, stderr: out, graceMs: 2000 });
  const result = await l.result;
  assert.equal(result.exitCode, 0, out.text);
  const byRank = new Map<number, T>();
  for (const m of out.text.matchAll(/^\[rank(\d+)\]:(\{.*\})$/gm)) byRank.set(Number(m[1]), JSON.parse(m[2]) as T);
  assert.equal(byRank.size, n, out.text);
  return byRank;
}

interface PerOptimizer {
  rel: number;
  weights: number[];
  moved: number;
  passes: number;
  buckets: number;
  launchedInBackward: number;
}

describe('nn: DistributedDataParallel (c10d Gloo)', function () {
  this.timeout(300000); // a hang guard only

  const K = 3;
  const B = 4;
  for (const n of [2, 3]) {
    it(`${n} workers × batch ${B} == 1 process × batch ${n * B} after ${K} steps, for every optimizer`, async () => {
      // The built-ins (the workers know no optimizer another test file of this process registered).
      const names = BUILT_IN_OPTIMIZERS.map((info) => info.name);
      assert.ok(names.length >= 7);
      const byRank = await runWorkers<Record<string, PerOptimizer>>(n, [worker, String(K), String(B), ...names]);
      for (let r = 0; r < n; r++) {
        // [at wrap, after an eval forward, after a training forward] of a buffer set to 10r+1, then 100+r.
        assert.deepEqual((byRank.get(r) as unknown as { bufferTrace: number[] }).bufferTrace, [1, 100 + r, 100], `rank ${r}'s buffer`);
      }
      for (const name of names) {
        const zero = byRank.get(0)![name];
        assert.ok(zero.moved > 1e-4, `${name}: training moved the weights`);
        for (let r = 0; r < n; r++) {
          const o = byRank.get(r)![name];
          assert.ok(o.rel <= 1e-10, `${name} rank ${r}: relative difference ${o.rel} to the single-process run`);
          assert.deepEqual(o.weights, zero.weights, `${name}: rank ${r} equals rank 0 exactly`);
          assert.equal(o.passes, K, `${name}: one averaged backward per step`);
          assert.equal(o.buckets, 1, 'a small model fits one 25 MiB bucket');
          assert.equal(o.launchedInBackward, 1, `${name}: the bucket started during backward`);
        }
      }
    });
  }

  for (const n of [2, 3]) {
    it(`${n} workers: buckets start their allreduce as they fill during backward, with the single-process results`, async () => {
      const byRank = await runWorkers<OverlapResult>(n, [overlapWorker, String(K), String(B)]);
      const zero = byRank.get(0)!;
      // An MLP of 4 layers (8 parameters) in buckets of about 200 bytes: several, some of several parameters.
      assert.ok(zero.deep.buckets.length >= 3, `deep: ${zero.deep.buckets.length} buckets`);
      assert.ok(zero.deep.buckets.some((b) => b.length > 1), 'deep: a bucket of several parameters');
      assert.equal(zero.deep.params, 8);
      // Every parameter its own bucket in the shared-weights model.
      assert.equal(zero.shared.buckets.length, 4);
      for (let r = 0; r < n; r++) {
        const o = byRank.get(r)!;
        for (const name of ['deep', 'shared'] as const) {
          const t = o[name];
          assert.ok(t.rel <= 1e-10, `${name} rank ${r}: relative difference ${t.rel} to the single-process run`);
          assert.deepEqual(t.weights, zero[name].weights, `${name}: rank ${r} equals rank 0 exactly`);
          assert.equal(t.passes, K, `${name}: one averaged backward per step`);
          // Every bucket started before backward ended, each parameter's hook ran once per pass
          // (the shared Linear too, whose gradient arrives from both uses).
          assert.deepEqual(
            t.stats,
            Array.from({ length: K }, () => ({ bucketsLaunchedInBackward: t.buckets.length, gradientHookCalls: t.params })),
            `${name} rank ${r}`,
          );
        }
        // noSync: the two first passes keep the local gradients (bit for bit those of a local
        // model); the synced third averages all three, as one process summing three N·B batches.
        const acc = o.accumulate;
        assert.deepEqual(acc.relLocal, [0, 0], `accumulate rank ${r}: noSync gradients are the local ones`);
        assert.deepEqual(acc.passes, [0, 0]);
        assert.equal(acc.finalPasses, 1);
        assert.ok(acc.rel <= 1e-10, `accumulate rank ${r}: relative difference ${acc.rel} to one process's accumulated gradients`);
        assert.deepEqual(acc.grads, zero.accumulate.grads, `accumulate: rank ${r} equals rank 0 exactly`);
        assert.ok(acc.buckets >= 3);
        assert.deepEqual(acc.stats, { bucketsLaunchedInBackward: acc.buckets, gradientHookCalls: 8 }, `accumulate rank ${r}`);
        // Head b unused on rank 0: its gradients count as zeros there, everyone gets the mean.
        const u = o.unused;
        assert.equal(u.passes, 1);
        assert.equal(u.buckets.length, 6);
        for (let i = 0; i < u.averaged.length; i++) {
          let sum = 0;
          for (let q = 0; q < n; q++) sum += byRank.get(q)!.unused.local[i];
          const mean = sum / n;
          assert.ok(Math.abs(u.averaged[i] - mean) <= 1e-13 * Math.max(1, Math.abs(mean)), `unused rank ${r}, gradient ${i}: ${u.averaged[i]} vs the mean ${mean}`);
        }
        assert.deepEqual(u.averaged, zero.unused.averaged, `unused: rank ${r} equals rank 0 exactly`);
        assert.equal(u.relAfterDetach, 0, `unused rank ${r}: after detachHooks() the gradients stay local`);
        // A backward that threw after the last layer's buckets had started: not counted, and
        // the next pass starts clean (its final callback queued again) and averages.
        const f = o.failed;
        assert.match(f.error, /modified by an inplace operation/);
        assert.equal(f.passesAfterFailure, 0);
        assert.equal(f.passes, 1);
        assert.ok(f.rel <= 1e-10, `failed rank ${r}: relative difference ${f.rel} to one process's gradients`);
        assert.deepEqual(f.stats, { bucketsLaunchedInBackward: 4, gradientHookCalls: 4 });
        // Bucket 0 holds head b's bias (last parameter first): never ready on rank 0, so there
        // nothing starts before the pass ends (buckets start in order); the others start all 6.
        assert.deepEqual(u.stats, r === 0 ? { bucketsLaunchedInBackward: 0, gradientHookCalls: 4 } : { bucketsLaunchedInBackward: 6, gradientHookCalls: 6 }, `unused rank ${r}`);
      }
      // Rank 0's head b: zeros locally, a non-zero average from the other ranks.
      assert.ok(zero.unused.local.slice(-15).every((v) => v === 0));
      assert.ok(zero.unused.averaged.slice(-15).some((v) => v !== 0));
    });
  }

  it('needs an initialised process group, and checks its options', () => {
    assert.throws(() => new DistributedDataParallel(new Linear(2, 2)), /needs the default process group: call sg.distributed.initProcessGroup\(\) first/);
    assert.throws(() => new DistributedDataParallel({} as never), /Expected an nn.Module for DistributedDataParallel\(module\)/);
    assert.throws(() => new DistributedDataParallel(new Linear(2, 2), { bucketCapMb: 0 }), /bucketCapMb must be a positive number of MiB, got 0/);
    assert.throws(() => new DistributedDataParallel(new Linear(2, 2), { bucket_cap_mb: 1 } as never), /unknown DistributedDataParallel option 'bucket_cap_mb'/);
  });
});
