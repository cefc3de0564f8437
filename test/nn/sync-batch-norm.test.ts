/**
 * sg.nn.SyncBatchNorm on c10d Gloo: N workers × batch B with SyncBatchNorm (and
 * DistributedDataParallel) train to the same weights and running statistics as one process with
 * plain BatchNorm on batch N·B (float64, 1e-10 relative), for N = 2 and 3.
 */
import assert from 'node:assert/strict';
import * as path from 'path';

import { launch } from '../../lib/distributed/launcher';
import { BatchNorm1d, Sequential, SyncBatchNorm } from '../../lib/nn';
import { randn } from '../../lib/tensor';
import { cleanEnv, Sink } from '../helpers/launch';

const worker = path.join(__dirname, 'sync-batch-norm-worker.js');

describe('nn: SyncBatchNorm (c10d Gloo)', function () {
  this.timeout(300000); // a hang guard only

  for (const n of [2, 3]) {
    it(`${n} workers × batch 4 with SyncBatchNorm == 1 process × batch ${4 * n} with BatchNorm: weights and running statistics`, async () => {
      const out = new Sink();
      const l = await launch({ nprocPerNode: n, command: [process.execPath, worker, '3', '4', 'SGD', 'Adam'], env: cleanEnv(), stdout: out, stderr: out, graceMs: 2000 });
      const result = await l.result;
      assert.equal(result.exitCode, 0, out.text);
      const lines = [...out.text.matchAll(/^\[rank(\d+)\]:(\{.*\})$/gm)].map((m) => JSON.parse(m[2]) as Record<string, { rel: number; converted: number; keys: string }>);
      assert.equal(lines.length, n, out.text);
      for (const o of lines) {
        for (const name of ['SGD', 'Adam']) {
          assert.equal(o[name].converted, 1);
          assert.match(o[name].keys, /1\.running_mean,1\.running_var,1\.num_batches_tracked/);
          assert.ok(o[name].rel <= 1e-10, `${name}: relative difference ${o[name].rel}`);
        }
      }
    });
  }

  it('without a process group it is a plain BatchNorm; convertSyncBatchnorm keeps the tensors', () => {
    const bn = new BatchNorm1d(3).to('float64');
    const seq = new Sequential(bn);
    const weight = bn.weight;
    const converted = SyncBatchNorm.convertSyncBatchnorm(seq) as Sequential;
    const sync = converted.at(0) as SyncBatchNorm;
    assert.ok(sync instanceof SyncBatchNorm);
    assert.equal(sync.weight, weight);
    const x = randn([5, 3], { dtype: 'float64' });
    const plain = new BatchNorm1d(3).to('float64');
    assert.deepEqual(sync.forward(x).toArray(), plain.forward(x).toArray());
    assert.deepEqual(sync.running_mean!.toArray(), plain.running_mean!.toArray());
  });
});
