/**
 * The problem the data-parallel workers (test/nn/ddp-worker.ts, test/optim/zero-redundancy-worker.ts)
 * share: K steps of N·B rows, this rank in a Gloo group, and a small float64 MLP (no BatchNorm, no
 * dropout) whose initial weights come from a seed. Arguments: K B optimizer names...
 */
import { getRank, getWorldSize, initProcessGroup } from '../../lib/distributed';
import { Linear, Module, Sequential, Tanh } from '../../lib/nn';
import { manualSeed, randn, Tensor } from '../../lib/tensor';

export interface DataParallelProblem {
  K: number;
  B: number;
  names: string[];
  rank: number;
  N: number;
  X: Tensor;
  Y: Tensor;
}

/** Joins the process group and makes the rows every rank and the single-process run share. */
export function dataParallelProblem(): DataParallelProblem {
  const [stepsArg, batchArg, ...names] = process.argv.slice(2);
  const K = Number(stepsArg);
  const B = Number(batchArg);
  initProcessGroup({ backend: 'gloo', timeoutMs: 30000 });
  const N = getWorldSize();
  manualSeed(1234);
  return { K, B, names, rank: getRank(), N, X: randn([K * N * B, 5], { dtype: 'float64' }), Y: randn([K * N * B, 3], { dtype: 'float64' }) };
}

export function mlp(seed: number): Module {
  manualSeed(seed);
  return new Sequential(new Linear(5, 7, { dtype: 'float64' }), new Tanh(), new Linear(7, 3, { dtype: 'float64' }));
}
