/**
 * sg.nn.DistributedDataParallel on c10d Gloo: N workers × batch B train to the same weights as
 * one process with batch N·B on the same rows (float64, 1e-10 relative), for N = 2 and 3 and
 * every built-in optimizer; the replicas start from rank 0's weights and stay equal.
 */
import assert from 'node:assert/strict';
import * as path from 'path';

import { launch } from '../../lib/distributed/launcher';
import { DistributedDataParallel, Linear } from '../../lib/nn';
import { BUILT_IN_OPTIMIZERS } from '../../lib/optim';
import { cleanEnv, Sink } from '../helpers/launch';

const worker = path.join(__dirname, 'ddp-worker.js');

interface PerOptimizer {
  rel: number;
  weights: number[];
  moved: number;
  passes: number;
  buckets: number;
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
      const out = new Sink();
      const l = await launch({ nprocPerNode: n, command: [process.execPath, worker, String(K), String(B), ...names], env: cleanEnv(), stdout: out, stderr: out, graceMs: 2000 });
      const result = await l.result;
      assert.equal(result.exitCode, 0, out.text);
      const byRank = new Map<number, Record<string, PerOptimizer>>();
      for (const m of out.text.matchAll(/^\[rank(\d+)\]:(\{.*\})$/gm)) byRank.set(Number(m[1]), JSON.parse(m[2]) as Record<string, PerOptimizer>);
      assert.equal(byRank.size, n, out.text);
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
        }
      }
    });
  }

  it('needs an initialised process group, and checks its options', () => {
    assert.throws(() => new DistributedDataParallel(new Linear(2, 2)), /needs the default process group: call sg.distributed.initProcessGroup\(\) first/);
    assert.throws(() => new DistributedDataParallel({} as never), /Expected an nn.Module for DistributedDataParallel\(module\)/);
    assert.throws(() => new DistributedDataParallel(new Linear(2, 2), { bucketCapMb: 0 }), /bucketCapMb must be a positive number of MiB, got 0/);
    assert.throws(() => new DistributedDataParallel(new Linear(2, 2), { bucket_cap_mb: 1 } as never), /unknown DistributedDataParallel option 'bucket_cap_mb'/);
  });
});
