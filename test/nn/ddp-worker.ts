/**
 * A worker for test/nn/distributed-data-parallel.test.ts, one per rank: for each optimizer named
 * on the command line it trains a small float64 MLP (no BatchNorm, no dropout) for K steps with
 * DistributedDataParallel on its B rows of each global batch of N·B, and, without any process
 * group involvement, the same model on the whole N·B rows in this process. It prints one JSON
 * line: per optimizer, the largest relative difference between the two runs' weights and rank
 * 0's DDP weights (the test compares ranks with each other).
 */
import { destroyProcessGroup } from '../../lib/distributed';
import { DistributedDataParallel, Module, Parameter } from '../../lib/nn';
import { createOptimizer } from '../../lib/optim';
import { Tensor, tensor } from '../../lib/tensor';
import { mseLoss } from '../../lib/tensor/functional';
import { compareWithSingle, dataParallelProblem, mlp } from '../helpers/data-parallel-problem';

const { K, B, names, rank, N, X, Y } = dataParallelProblem();

// LBFGS with one iteration per step calls its closure once per step on every rank (more
// iterations end on a loss test, and each rank sees only its own loss).
const OPTIONS: Record<string, Record<string, unknown>> = { SGD: { lr: 0.05, momentum: 0.9, weight_decay: 1e-3 }, LBFGS: { lr: 0.5, max_iter: 1 } };

function train(model: Module, name: string, rows: (step: number) => [number, number]): void {
  // Muon takes matrices only (PyTorch's rule): the weights, not the biases.
  const params = name === 'Muon' ? model.parameters().filter((p) => p.dim() === 2) : model.parameters();
  const opt = createOptimizer(name, params, OPTIONS[name] ?? { lr: 0.01 });
  for (let s = 0; s < K; s++) {
    const [a, b] = rows(s);
    // A closure, which every optimizer takes and LBFGS needs.
    opt.step(() => {
      opt.zeroGrad();
      const loss = mseLoss(model.call(X.slice(0, a, b)), Y.slice(0, a, b));
      loss.backward();
      return loss;
    });
  }
}

/** A module with a buffer: rank 0's reaches the others at wrap and before each training forward. */
class WithBuffer extends Module {
  w = Parameter(tensor([2], { dtype: 'float64' }));
  declare stat: Tensor;
  constructor() {
    super();
    this.registerBuffer('stat', tensor([10 * rank + 1], { dtype: 'float64' }));
  }
  forward(x: Tensor): Tensor {
    return x.mul(this.w);
  }
}
const buffered = new WithBuffer();
const ddpBuffered = new DistributedDataParallel(buffered);
const bufferTrace = [buffered.stat.item()];
buffered.stat.fill_(100 + rank);
ddpBuffered.eval().call(tensor([1], { dtype: 'float64' }));
bufferTrace.push(buffered.stat.item()); // eval: no broadcast
ddpBuffered.train().call(tensor([1], { dtype: 'float64' }));
bufferTrace.push(buffered.stat.item()); // training: rank 0's
ddpBuffered.detachHooks();

const out: Record<string, unknown> = { rank, worldSize: N, bufferTrace };
for (const name of names) {
  // Every rank starts from different weights: the wrap must broadcast rank 0's.
  const ddp = new DistributedDataParallel(mlp(rank === 0 ? 7 : 100 + rank));
  train(ddp, name, (s) => [s * N * B + rank * B, s * N * B + (rank + 1) * B]);
  const single = mlp(7);
  train(single, name, (s) => [s * N * B, (s + 1) * N * B]);
  const { rel, moved, weights: a } = compareWithSingle(ddp.module, single);
  out[name] = { rel, weights: a, moved, passes: ddp.reducedPasses, buckets: ddp.buckets.length, launchedInBackward: ddp.lastPassStats.bucketsLaunchedInBackward };
  ddp.detachHooks();
}
destroyProcessGroup();
console.log(JSON.stringify(out));
