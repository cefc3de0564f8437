/**
 * c10d NCCL (CUDA builds): without NCCL in the binary or without a GPU, backend 'nccl' is a clear
 * Error before any rendezvous; with a GPU (scripts/gpu-check.sh on a lent machine) one process
 * runs the collectives and DistributedDataParallel on cuda:0 over ProcessGroupNCCL. With several
 * GPUs, the multi-process Gloo tests' equivalence holds for NCCL too (not run here: one GPU).
 */
import assert from 'node:assert/strict';

import { allGather, allReduce, barrier, broadcast, destroyProcessGroup, getBackend, initProcessGroup, isInitialized } from '../../lib/distributed';
import { freePort } from '../../lib/distributed/launcher';
import { native } from '../../lib/native';
import { DistributedDataParallel, Linear } from '../../lib/nn';
import * as sg from '../../lib/tensor';

const hasNccl = (): boolean => native.distributedBackends().includes('nccl');

async function soloEnv(): Promise<Record<string, string>> {
  return { RANK: '0', WORLD_SIZE: '1', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(await freePort()) };
}

describe('distributed: NCCL', function () {
  this.timeout(120000); // a hang guard only

  it('a binary without NCCL refuses the backend, naming what it has', async function () {
    if (hasNccl()) this.skip();
    assert.throws(() => initProcessGroup({ backend: 'nccl', env: { RANK: '0', WORLD_SIZE: '1', MASTER_ADDR: '127.0.0.1', MASTER_PORT: '1' } }), /built without c10d NCCL: .*\(this binary has: gloo\)/);
    assert.equal(isInitialized(), false);
  });

  it('a NCCL build without a usable GPU refuses the backend before any rendezvous', async function () {
    if (!hasNccl() || sg.cudaAvailable()) this.skip();
    // Port 1 is never listened on: reaching the rendezvous would be a different error.
    assert.throws(() => initProcessGroup({ backend: 'nccl', env: { RANK: '0', WORLD_SIZE: '1', MASTER_ADDR: '127.0.0.1', MASTER_PORT: '1' } }), /backend 'nccl' needs a CUDA device, and none is usable here/);
    assert.equal(isInitialized(), false);
  });

  describe('on cuda:0 (a GPU is lent)', () => {
    before(function () {
      if (!hasNccl() || !sg.cudaAvailable()) {
        console.log('      (skipped: needs a NCCL build and a GPU — scripts/gpu-check.sh)');
        this.skip();
      }
    });
    afterEach(() => {
      if (isInitialized()) destroyProcessGroup();
    });

    it('one rank: allReduce (sum, avg, max), broadcast, allGather and barrier on CUDA tensors', async () => {
      initProcessGroup({ backend: 'nccl', env: await soloEnv(), timeoutMs: 60000 });
      assert.equal(getBackend(), 'nccl');
      const values = [1.5, -2, 3];
      for (const op of ['sum', 'avg', 'max'] as const) {
        const t = sg.tensor(values, { dtype: 'float32', device: 'cuda:0' });
        allReduce(t, { op });
        assert.deepEqual(t.to('cpu').toArray(), values, op);
      }
      const b = sg.tensor([7, 8], { dtype: 'float64', device: 'cuda:0' });
      broadcast(b, { src: 0 });
      assert.deepEqual(b.to('cpu').toArray(), [7, 8]);
      const gathered = allGather(sg.tensor([4, 5], { dtype: 'float32', device: 'cuda:0' }));
      assert.deepEqual(gathered.map((g) => g.to('cpu').toArray()), [[4, 5]]);
      barrier();
    });

    it('DistributedDataParallel on cuda:0: the averaged gradients of one rank are its own', async () => {
      initProcessGroup({ backend: 'nccl', env: await soloEnv(), timeoutMs: 60000 });
      sg.manualSeed(0);
      const model = new Linear(4, 3);
      model.to('cuda:0');
      const x = sg.randn([8, 4]).to('cuda:0');
      model.call(x).pow(2).mean().backward();
      const local = model.parameters().map((p) => p.grad!.to('cpu').toArray());
      model.zeroGrad();
      const ddp = new DistributedDataParallel(model, { bucketCapMb: 1e-5 });
      ddp.call(x).pow(2).mean().backward();
      assert.equal(ddp.reducedPasses, 1);
      assert.deepEqual(model.parameters().map((p) => p.grad!.to('cpu').toArray()), local);
      ddp.detachHooks();
    });
  });
});
