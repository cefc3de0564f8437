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

/** A module's float64 parameters as one flat list. */
export const flatWeights = (m: Module): number[] => m.parameters().flatMap((p) => Array.from(p.toTypedArray() as Float64Array));

/**
 * How the data-parallel weights `parallel` compare with the single-process `single` trained from
 * mlp(7): the largest relative difference, and how far the single run moved from its start (a
 * check that training did something).
 */
export function compareWithSingle(parallel: Module, single: Module): { rel: number; moved: number; weights: number[] } {
  const a = flatWeights(parallel);
  const b = flatWeights(single);
  let rel = 0;
  for (let i = 0; i < a.length; i++) rel = Math.max(rel, Math.abs(a[i] - b[i]) / Math.max(1e-300, Math.abs(b[i])));
  const init = flatWeights(mlp(7));
  const moved = Math.max(...b.map((v, i) => Math.abs(v - init[i])));
  return { rel, moved, weights: a };
}
