/**
 * Calls every export of the raw native module (and every NativeOptimizer method) with seeded
 * random argument lists. Run as a child process by fuzz.test.ts: an abort or segfault shows up as
 * a non-zero exit instead of killing the test runner. Prints "calls N errors M" at the end.
 */
import { native } from '../../lib/native';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const seed = Number(process.argv[2] ?? 1);
const calls = Number(process.argv[3] ?? 10000);
const rand = mulberry32(seed);
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];

function makeTensors(): unknown[] {
  const out: unknown[] = [];
  const specs: Array<[number[], string]> = [
    [[2, 3], 'float32'], [[3], 'float64'], [[], 'float32'], [[0], 'float32'], [[1, 1, 4, 4], 'float32'],
    [[2, 3], 'int64'], [[4], 'bool'], [[2, 2], 'float16'], [[5], 'int32'], [[3, 3], 'uint8'],
  ];
  for (const [shape, dtype] of specs) out.push(native.zeros(shape, dtype, null));
  const withGrad = native.randn([3, 2], 'float64', null);
  native.setRequiresGrad(withGrad, true);
  out.push(withGrad);
  out.push(native.mul(withGrad, 2));
  const disposed = native.ones([2], 'float32', null);
  native.dispose(disposed);
  out.push(disposed);
  return out;
}

const tensors = makeTensors();
const scalars: unknown[] = [0, 1, 2, 3, -1, -7, 0.5, 1e12, -1e308, NaN, Infinity, -0, 2 ** 53];
const strings: unknown[] = ['float32', 'float64', 'int64', 'bool', 'cpu', 'cuda', 'cuda:0', 'cuda:99', 'mean', 'sum', 'none', 'tanh', 'bogus', '', 'SGD', 'Adam', 'Lamb'];
const misc: unknown[] = [
  null, undefined, true, false, [], [1, 2], [2, 3], [-1], [0], [1e12, 1e12], ['a'], [null], {}, { params: [] },
  new Float32Array(6), new Float64Array(3), new Int32Array(2), new BigInt64Array(2), new Uint8Array(4), new Int8Array(2),
  Buffer.from('junk'), () => 1, Symbol('s'), 10n,
];

function randomArg(): unknown {
  const r = rand();
  if (r < 0.35) return pick(tensors);
  if (r < 0.55) return pick(scalars);
  if (r < 0.7) return pick(strings);
  if (r < 0.8) return [pick(tensors), pick(tensors)];
  if (r < 0.85) return { params: [pick(tensors)], options: { lr: pick(scalars), betas: pick(misc) } };
  return pick(misc);
}

// Functions that could legitimately take long or change process-wide settings are called with
// safe values only.
const SKIP = new Set(['setNumThreads', 'manualSeed', 'setGradEnabled']);
const fns = Object.entries(native).filter(([name, v]) => typeof v === 'function' && !/^[A-Z]/.test(name) && !SKIP.has(name)) as Array<[string, (...a: unknown[]) => unknown]>;
const OptimizerCtor = native.NativeOptimizer as unknown as new (...a: unknown[]) => Record<string, (...a: unknown[]) => unknown>;
const methods = ['step', 'setGroups', 'getState', 'setStates', 'getGroupState', 'setGroupStates', 'zeroGrad'];

let errors = 0;
let done = 0;
for (let i = 0; i < calls; i++) {
  const args = Array.from({ length: Math.floor(rand() * 7) }, randomArg);
  try {
    const r = rand();
    if (r < 0.8) {
      const [, fn] = pick(fns);
      fn(...args);
    } else if (r < 0.9) {
      new OptimizerCtor(pick(strings), [{ params: [pick(tensors)], options: { lr: pick(scalars) } }, ...args], pick(misc));
    } else {
      const target = rand() < 0.5 ? {} : new OptimizerCtor('SGD', [{ params: [tensors[1]], options: { lr: 0.1, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false } }], { lr: 0.1, momentum: 0, dampening: 0, weight_decay: 0, nesterov: false });
      const method = (OptimizerCtor.prototype as Record<string, (...a: unknown[]) => unknown>)[pick(methods)];
      method.apply(target, args);
    }
  } catch (err) {
    if (!(err instanceof Error)) throw new Error(`a native call threw a non-Error: ${String(err)}`);
    errors += 1;
  }
  done += 1;
}
process.stdout.write(`calls ${done} errors ${errors}\n`);
