/**
 * A worker for the overlap tests of test/nn/distributed-data-parallel.test.ts, one per rank
 * (arguments: K B). Four float64 problems, each also run without any process group on the
 * rows of all N ranks, as ddp-worker.ts does; it prints one JSON line with, per problem, the
 * largest relative difference to that run, rank 0's-comparable weights or gradients, and what
 * DistributedDataParallel reports about its buckets and hooks:
 *
 * - deep: an MLP of four Linear layers in buckets of a few parameters, K SGD steps.
 * - shared: one Linear applied twice in the graph (its gradient arrives twice per pass), every
 *   parameter its own bucket, K SGD steps.
 * - accumulate: two backward passes under noSync, then a synced one; the gradients after each.
 * - unused: a head that rank 0 never uses (its gradients are missing there); local and
 *   averaged gradients, which the test compares across ranks; then a pass after detachHooks().
 * - failed: a backward that throws after some buckets started, then a pass that must average.
 */
import { destroyProcessGroup } from '../../lib/distributed';
import { DistributedDataParallel, Linear, Module, Sequential, Tanh } from '../../lib/nn';
import { createOptimizer } from '../../lib/optim';
import { manualSeed, Tensor, zerosLike } from '../../lib/tensor';
import { mseLoss } from '../../lib/tensor/functional';
import { dataParallelProblem } from '../helpers/data-parallel-problem';

const { K, B, rank, N, X, Y } = dataParallelProblem();

/** bucketCapMb for buckets of about `bytes` bytes. */
const capOf = (bytes: number) => bytes / (1024 * 1024);
const f64 = { dtype: 'float64' } as const;
const flat = (ts: Tensor[]) => ts.flatMap((t) => Array.from(t.toTypedArray() as Float64Array));
const grads = (m: Module) => m.parameters().map((p) => p.grad ?? zerosLike(p));

function relDiff(a: number[], b: number[]): number {
  if (a.length !== b.length) return Infinity;
  let rel = 0;
  for (let i = 0; i < a.length; i++) rel = Math.max(rel, Math.abs(a[i] - b[i]) / Math.max(1e-300, Math.abs(b[i])));
  return rel;
}

/** Rows of global batch `step`: this rank's B of them, or all N·B. */
const mine = (step: number): [number, number] => [step * N * B + rank * B, step * N * B + (rank + 1) * B];
const all = (step: number): [number, number] => [step * N * B, (step + 1) * N * B];

function deepMlp(seed: number): Module {
  manualSeed(seed);
  return new Sequential(new Linear(5, 6, f64), new Tanh(), new Linear(6, 6, f64), new Tanh(), new Linear(6, 6, f64), new Tanh(), new Linear(6, 3, f64));
}

/** One Linear used twice per forward: AccumulateGrad gets the sum of both uses. */
class Shared extends Module {
  twice: Linear;
  head: Linear;
  constructor(seed: number) {
    super();
    manualSeed(seed);
    this.twice = new Linear(5, 5, f64);
    this.head = new Linear(5, 3, f64);
  }
  forward(x: Tensor): Tensor {
    return this.head.call(this.twice.call(this.twice.call(x).tanh()).tanh());
  }
}

/** Trains K SGD steps; the DDP run's per-step stats come back. */
function train(model: Module, rows: (step: number) => [number, number], ddp?: DistributedDataParallel) {
  const opt = createOptimizer('SGD', model.parameters(), { lr: 0.1, momentum: 0.9 });
  const stats: Array<{ bucketsLaunchedInBackward: number; gradientHookCalls: number }> = [];
  for (let s = 0; s < K; s++) {
    const [a, b] = rows(s);
    opt.zeroGrad();
    mseLoss(model.call(X.slice(0, a, b)), Y.slice(0, a, b)).backward();
    if (ddp) stats.push(ddp.lastPassStats);
    opt.step();
  }
  return stats;
}

function trained(make: (seed: number) => Module, capBytes: number) {
  // Rank 0's weights reach every rank at wrap.
  const ddp = new DistributedDataParallel(make(rank === 0 ? 7 : 100 + rank), { bucketCapMb: capOf(capBytes) });
  const stats = train(ddp, mine, ddp);
  const single = make(7);
  train(single, all);
  const weights = flat(ddp.module.parameters());
  const out = { rel: relDiff(weights, flat(single.parameters())), weights, stats, buckets: ddp.buckets, params: ddp.parameters().length, passes: ddp.reducedPasses };
  ddp.detachHooks();
  return out;
}

const deep = trained(deepMlp, 200);
const shared = trained((seed) => new Shared(seed), 1);

// noSync: micro-batches 0 and 1 stay local, the backward of micro-batch 2 averages the sum.
function accumulate() {
  const ddp = new DistributedDataParallel(deepMlp(7), { bucketCapMb: capOf(200) });
  const local = deepMlp(7);
  const single = deepMlp(7);
  const backward = (m: Module, [a, b]: [number, number]) => mseLoss(m.call(X.slice(0, a, b)), Y.slice(0, a, b)).backward();
  const relLocal: number[] = [];
  const passes: number[] = [];
  for (let m = 0; m < 2; m++) {
    ddp.noSync(() => backward(ddp, mine(m)));
    backward(local, mine(m));
    relLocal.push(relDiff(flat(grads(ddp.module)), flat(grads(local))));
    passes.push(ddp.reducedPasses);
  }
  backward(ddp, mine(2));
  for (let m = 0; m < 3; m++) backward(single, all(m));
  const g = flat(grads(ddp.module));
  const out = { relLocal, passes, rel: relDiff(g, flat(grads(single))), grads: g, stats: ddp.lastPassStats, buckets: ddp.buckets.length, finalPasses: ddp.reducedPasses };
  ddp.detachHooks();
  return out;
}

/** A trunk and two heads; `useB` false leaves head B without a gradient. */
class TwoHeads extends Module {
  trunk: Linear;
  a: Linear;
  b: Linear;
  constructor() {
    super();
    manualSeed(7);
    this.trunk = new Linear(5, 4, f64);
    this.a = new Linear(4, 3, f64);
    this.b = new Linear(4, 3, f64);
  }
  forward(x: Tensor, useB: boolean): Tensor {
    const h = this.trunk.call(x).tanh();
    return useB ? this.a.call(h).add(this.b.call(h)) : this.a.call(h);
  }
}

function unused() {
  const useB = rank !== 0;
  const [a, b] = mine(0);
  const local = new TwoHeads();
  mseLoss(local.call(X.slice(0, a, b), useB), Y.slice(0, a, b)).backward();
  const ddp = new DistributedDataParallel(new TwoHeads(), { bucketCapMb: capOf(1) });
  mseLoss(ddp.call(X.slice(0, a, b), useB), Y.slice(0, a, b)).backward();
  // Local gradients, zeros where the head got none (what the average counts them as).
  const out = { local: flat(grads(local)), averaged: flat(grads(ddp.module)), stats: ddp.lastPassStats, buckets: ddp.buckets, passes: ddp.reducedPasses, relAfterDetach: 0 };
  ddp.detachHooks();
  // Detached (tensor and AccumulateGrad hooks gone): a forward through the wrapper works and
  // the next backward keeps the local gradients.
  ddp.module.zeroGrad();
  mseLoss(ddp.call(X.slice(0, a, b), useB), Y.slice(0, a, b)).backward();
  out.relAfterDetach = relDiff(flat(grads(ddp.module)), out.local);
  return out;
}

// A backward that fails half-way on every rank (an input saved by the first layer was modified
// in place) after the last layer's buckets started: its final callback never runs. The next pass
// must start clean and average as usual.
function failed() {
  const ddp = new DistributedDataParallel(mlp4(), { bucketCapMb: capOf(1) });
  const [a, b] = mine(0);
  const x = X.slice(0, a, b).clone();
  const loss = mseLoss(ddp.call(x), Y.slice(0, a, b));
  x.add_(1);
  let error = '';
  try {
    loss.backward();
  } catch (e) {
    error = (e as Error).message;
  }
  const passesAfterFailure = ddp.reducedPasses;
  ddp.module.zeroGrad();
  mseLoss(ddp.call(X.slice(0, a, b)), Y.slice(0, a, b)).backward();
  const single = mlp4();
  mseLoss(single.call(X.slice(0, all(0)[0], all(0)[1])), Y.slice(0, all(0)[0], all(0)[1])).backward();
  const out = { error, passesAfterFailure, passes: ddp.reducedPasses, rel: relDiff(flat(grads(ddp.module)), flat(grads(single))), stats: ddp.lastPassStats, buckets: ddp.buckets.length };
  ddp.detachHooks();
  return out;
}

/** Two Linear layers: the first one's saved input is what failed() modifies. */
function mlp4(): Module {
  manualSeed(7);
  return new Sequential(new Linear(5, 6, f64), new Tanh(), new Linear(6, 3, f64));
}

const result = { rank, worldSize: N, deep, shared, accumulate: accumulate(), unused: unused(), failed: failed() };
destroyProcessGroup();
console.log(JSON.stringify(result));
