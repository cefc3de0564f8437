/**
 * A worker for test/nn/sync-batch-norm.test.ts, one per rank: a float64 MLP with BatchNorm1d,
 * converted to SyncBatchNorm and wrapped in DistributedDataParallel, trains K steps on its B rows
 * of each global batch of N·B; the same model with plain BatchNorm trains on all N·B rows here,
 * without the group. Prints the largest relative difference of weights and running statistics.
 */
import { destroyProcessGroup, getRank, getWorldSize, initProcessGroup } from '../../lib/distributed';
import { BatchNorm1d, DistributedDataParallel, Linear, Module, Sequential, SyncBatchNorm, Tanh } from '../../lib/nn';
import { createOptimizer } from '../../lib/optim';
import { manualSeed, randn } from '../../lib/tensor';
import { mseLoss } from '../../lib/tensor/functional';

const [stepsArg, batchArg, ...names] = process.argv.slice(2);
const K = Number(stepsArg);
const B = Number(batchArg);
initProcessGroup({ backend: 'gloo', timeoutMs: 30000 });
const rank = getRank();
const N = getWorldSize();

// No bias before the BatchNorm: its exact gradient is 0, and Adam would turn the rounding noise of
// that 0 into full steps, different in the two runs.
function net(): Module {
  manualSeed(3);
  return new Sequential(new Linear(5, 6, { dtype: 'float64', bias: false }), new BatchNorm1d(6, { momentum: 0.3 }), new Tanh(), new Linear(6, 3, { dtype: 'float64' })).to('float64');
}

manualSeed(99);
const X = randn([K * N * B, 5], { dtype: 'float64' }).mul(3).add(1);
const Y = randn([K * N * B, 3], { dtype: 'float64' });

function train(model: Module, name: string, rows: (s: number) => [number, number]): void {
  const opt = createOptimizer(name, model.parameters(), { lr: 0.05 });
  for (let s = 0; s < K; s++) {
    const [a, b] = rows(s);
    opt.zeroGrad();
    mseLoss(model.call(X.slice(0, a, b)), Y.slice(0, a, b)).backward();
    opt.step();
  }
}

const out: Record<string, unknown> = { rank };
for (const name of names) {
  const synced = SyncBatchNorm.convertSyncBatchnorm(net());
  const converted = synced.modules().filter((m) => m instanceof SyncBatchNorm).length;
  const ddp = new DistributedDataParallel(synced);
  train(ddp, name, (s) => [s * N * B + rank * B, s * N * B + (rank + 1) * B]);
  ddp.detachHooks();
  const single = net();
  train(single, name, (s) => [s * N * B, (s + 1) * N * B]);
  const a = Object.values(synced.stateDict()).flatMap((t) => Array.from(t.to('float64').toTypedArray() as Float64Array));
  const b = Object.values(single.stateDict()).flatMap((t) => Array.from(t.to('float64').toTypedArray() as Float64Array));
  let rel = 0;
  for (let i = 0; i < a.length; i++) rel = Math.max(rel, Math.abs(a[i] - b[i]) / Math.max(1e-12, Math.abs(b[i])));
  out[name] = { rel, converted, keys: Object.keys(synced.stateDict()).join(',') };
}
destroyProcessGroup();
console.log(JSON.stringify(out));
