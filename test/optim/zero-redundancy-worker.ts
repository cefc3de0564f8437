/**
 * A worker for test/optim/zero-redundancy.test.ts, one per rank: for each optimizer named on the
 * command line it trains a float64 MLP for K steps with DistributedDataParallel and a
 * ZeroRedundancyOptimizer on its B rows of each global batch of N·B, and the same model with the
 * plain optimizer on all N·B rows in this process (an lr edit halfway in both). It prints one
 * JSON line: per optimizer the largest relative weight difference, rank 0's consolidated state
 * dict compared with the plain optimizer's (layout and values), and the state bytes per rank.
 */
import { destroyProcessGroup } from '../../lib/distributed';
import { DistributedDataParallel, Module, Parameter } from '../../lib/nn';
import { createOptimizer, Optimizer, OptimizerStateDict, ZeroRedundancyOptimizer } from '../../lib/optim';
import { manualSeed, randn, Tensor } from '../../lib/tensor';
import { mseLoss } from '../../lib/tensor/functional';
import { compareWithSingle, dataParallelProblem, flatWeights, mlp } from '../helpers/data-parallel-problem';

const { K, B, names, rank, N, X, Y } = dataParallelProblem();
const OPTIONS: Record<string, Record<string, unknown>> = { SGD: { lr: 0.05, momentum: 0.9, weight_decay: 1e-3 }, Adadelta: { lr: 1.0 } };

/** Muon takes matrices only (PyTorch's rule): the weights, not the biases. */
const paramsFor = (name: string, model: Module) => (name === 'Muon' ? model.parameters().filter((p) => p.dim() === 2) : model.parameters());

function train(model: Module, opt: Optimizer, rows: (step: number) => [number, number]): void {
  for (let s = 0; s < K; s++) {
    if (s === 1) for (const g of opt.paramGroups) g.lr = (g.lr as number) * 0.5; // an edit the shard optimizer must see
    const [a, b] = rows(s);
    opt.step(() => {
      opt.zeroGrad();
      const loss = mseLoss(model.call(X.slice(0, a, b)), Y.slice(0, a, b));
      loss.backward();
      return loss;
    });
  }
}

function bytesOf(sd: OptimizerStateDict): number {
  let n = 0;
  for (const s of Object.values(sd.state)) for (const v of Object.values(s)) if (v instanceof Tensor) n += v.numel() * (v.dtype === 'float64' || v.dtype === 'int64' ? 8 : 4);
  return n;
}

/** The largest relative difference of two state dicts' values, or a string saying where their layouts differ. */
function compareStateDicts(a: OptimizerStateDict, b: OptimizerStateDict): number | string {
  if (JSON.stringify(a.param_groups) !== JSON.stringify(b.param_groups)) return `param_groups ${JSON.stringify(a.param_groups)} vs ${JSON.stringify(b.param_groups)}`;
  if (Object.keys(a.state).join() !== Object.keys(b.state).join()) return `state keys ${Object.keys(a.state).join()} vs ${Object.keys(b.state).join()}`;
  let rel = 0;
  for (const i of Object.keys(a.state)) {
    const sa = a.state[Number(i)];
    const sb = b.state[Number(i)];
    if (Object.keys(sa).join() !== Object.keys(sb).join()) return `state[${i}] keys ${Object.keys(sa).join()} vs ${Object.keys(sb).join()}`;
    for (const key of Object.keys(sa)) {
      const va = sa[key];
      const vb = sb[key];
      if (va instanceof Tensor && vb instanceof Tensor) {
        if (va.shape.join() !== vb.shape.join() || va.dtype !== vb.dtype) return `state[${i}].${key}: [${va.shape.join()}] ${va.dtype} vs [${vb.shape.join()}] ${vb.dtype}`;
        const x = Array.from(va.toTypedArray() as Float64Array, Number);
        const y = Array.from(vb.toTypedArray() as Float64Array, Number);
        x.forEach((v, k) => (rel = Math.max(rel, Math.abs(v - y[k]) / Math.max(1e-12, Math.abs(y[k])))));
      } else if (JSON.stringify(va) !== JSON.stringify(vb)) return `state[${i}].${key}: ${JSON.stringify(va)} vs ${JSON.stringify(vb)}`;
    }
  }
  return rel;
}

const out: Record<string, unknown> = { rank, worldSize: N };
for (const name of names) {
  if (name === 'LBFGS') {
    try {
      new ZeroRedundancyOptimizer(mlp(7).parameters(), name, { lr: 0.5 });
      out[name] = { error: null };
    } catch (e) {
      out[name] = { error: (e as Error).message };
    }
    continue;
  }
  const ddp = new DistributedDataParallel(mlp(rank === 0 ? 7 : 100 + rank));
  const zero = new ZeroRedundancyOptimizer(paramsFor(name, ddp.module), name, OPTIONS[name] ?? { lr: 0.01 });
  train(ddp, zero, (s) => [s * N * B + rank * B, s * N * B + (rank + 1) * B]);
  const single = mlp(7);
  const plain = createOptimizer(name, paramsFor(name, single), OPTIONS[name] ?? { lr: 0.01 });
  train(single, plain, (s) => [s * N * B, (s + 1) * N * B]);
  const { rel, moved, weights: a } = compareWithSingle(ddp.module, single);
  const plainSd = plain.stateDict();
  zero.consolidateStateDict(0);
  const stateVsPlain = rank === 0 ? compareStateDicts(zero.stateDict(), plainSd) : null;
  // loadStateDict shards the plain optimizer's state dict; consolidated again it is the same.
  const fresh = new ZeroRedundancyOptimizer(paramsFor(name, mlp(7)), name, OPTIONS[name] ?? { lr: 0.01 });
  fresh.loadStateDict(plainSd);
  fresh.consolidateStateDict(0);
  const reloaded = rank === 0 ? compareStateDicts(fresh.stateDict(), plainSd) : null;
  const owned = zero.paramsOfRank(rank)[0].map((p) => p.shape.join('x'));
  out[name] = { owned, rel, weights: a, moved, stateVsPlain, reloaded, bytes: zero.stateBytes(), fullBytes: bytesOf(plainSd) };
  ddp.detachHooks();
}

// Lamb's global clipping (max_grad_norm: 0.05, which these gradients exceed) over DDP: ZeRO's
// is plain Lamb's exactly (same averaged gradients), and differs from no clipping. (Against the
// single process it is not compared: Lamb's float32 norm turns a last-bit difference of the
// averaged gradients into a float32 step of the clip factor, ~1e-8.)
const lambRun = (zeroed: boolean, maxGradNorm: number | null) => {
  const ddp = new DistributedDataParallel(mlp(7));
  const opts = { lr: 0.01, max_grad_norm: maxGradNorm };
  const opt = zeroed ? new ZeroRedundancyOptimizer(ddp.module.parameters(), 'Lamb', opts) : createOptimizer('Lamb', ddp.module.parameters(), opts);
  train(ddp, opt, (s) => [s * N * B + rank * B, s * N * B + (rank + 1) * B]);
  ddp.detachHooks();
  return flatWeights(ddp.module);
};
const lambZero = lambRun(true, 0.05);
const lambPlain = lambRun(false, 0.05);
const lambUnclipped = lambRun(false, null);
out.lambClip = { equal: lambZero.every((v, i) => v === lambPlain[i]), clipped: lambZero.some((v, i) => Math.abs(v - lambUnclipped[i]) > 1e-6) };

// Memory: 12 equal [16, 16] parameters under Adam: each rank holds exactly 12/N of them.
manualSeed(5);
const equal = Array.from({ length: 12 }, () => Parameter(randn([16, 16], { dtype: 'float64' })));
const zeroAdam = new ZeroRedundancyOptimizer(equal, 'Adam', { lr: 0.01 });
for (const p of equal) p.grad = p.detach().mul(0.1);
zeroAdam.step();
out.memory = { bytes: zeroAdam.stateBytes(), owned: zeroAdam.paramsOfRank(rank).flat().length };
const message = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
};
out.unconsolidated = message(() => zeroAdam.stateDict());
out.badRank = message(() => zeroAdam.consolidateStateDict(N));
// Consolidated to the last rank: only there does stateDict() answer.
zeroAdam.consolidateStateDict(N - 1);
out.elsewhere = message(() => zeroAdam.stateDict());
// A state dict that does not fit is refused, and the state is as it was.
const before = zeroAdam.stateBytes();
out.badLoad = message(() => zeroAdam.loadStateDict({ state: {}, param_groups: [{ params: [0, 1] }] } as OptimizerStateDict));
out.bytesAfterBadLoad = zeroAdam.stateBytes() === before;
// Lamb's max_grad_norm, which ZeRO applies itself, is checked as Lamb checks it.
out.badLamb = [message(() => new ZeroRedundancyOptimizer(equal, 'Lamb', { max_grad_norm: 'big' })), message(() => createOptimizer('Lamb', equal, { max_grad_norm: 'big' }))];
// A new group is partitioned after the others: their owners stay.
const owners = zeroAdam.paramsOfRank(rank)[0].length;
zeroAdam.addParamGroup({ params: [Parameter(randn([16, 16], { dtype: 'float64' })), Parameter(randn([4], { dtype: 'float64' }))], lr: 0.1 });
out.added = { kept: zeroAdam.paramsOfRank(rank)[0].length === owners, group: zeroAdam.paramsOfRank(rank)[1].map((p) => p.shape.join('x')), localGroups: zeroAdam.optim.paramGroups.length, lr: zeroAdam.optim.paramGroups[1].lr };
destroyProcessGroup();
console.log(JSON.stringify(out));
