/**
 * Loads and replays the golden optimizer trajectories: the seed's in ../shared/golden (see its
 * README) and the ones this repository made with PyTorch 2.15 in test/optim/golden/ (same format;
 * each file's `reference` names the script that wrote it).
 */
import * as fs from 'fs';
import * as path from 'path';

import { buildInfo } from '../../lib/build-info';
import { packageRoot } from '../../lib/native';
import { createOptimizer } from '../../lib/optim';
import { NativeOptimizer, StepPath } from '../../lib/optim/native-optimizer';
import { Optimizer } from '../../lib/optim/optimizer';
import { Dtype, tensor, Tensor } from '../../lib/tensor';
import { BUILT_IN_OPTIMIZERS } from '../../lib/optim/registry';

interface GoldenStep {
  lr: number[] | null;
  grads: Array<number[] | null>;
  params: number[][];
}

export interface GoldenCase {
  optimizer: string;
  dtype: 'float32' | 'float64';
  defaults: Record<string, unknown>;
  groups: Array<{ params: number[]; options: Record<string, unknown> }>;
  shapes: number[][];
  params0: number[][];
  steps: GoldenStep[];
}

/**
 * Built-in optimizers without a golden file, each with the reason (an optimizer's record is
 * registered in lib/optim/registry.ts; test/optim/registry.test.ts checks that each has a golden
 * file here or an entry in this table).
 */
export const NO_GOLDEN: Readonly<Record<string, string>> = {
  LBFGS: 'closure-driven (several evaluations per step), so no per-step gradients: test/optim/lbfgs.test.ts replays its own fixture',
};

/** The optimizers whose golden files are replayed: every built-in's record, less NO_GOLDEN. */
export const GOLDEN_OPTIMIZERS = BUILT_IN_OPTIMIZERS.map((info) => info.name).filter((name) => !(name in NO_GOLDEN));

/**
 * Built-in optimizers without a fused CPU step, each with the reason (test/optim/registry.test.ts
 * checks this table against what each native kind answers, optimizerKinds()).
 */
export const NO_FUSED_CPU: Readonly<Record<string, string>> = {
  Adafactor: 'reductions between its element-wise parts (the parameter RMS, the factored second moment, the update RMS)',
  Muon: 'its update is a matrix function of the momentum (Newton–Schulz iterations)',
};

/** The golden optimizers whose default CPU path is the fused loops. */
export const FUSED_OPTIMIZERS = GOLDEN_OPTIMIZERS.filter((name) => !(name in NO_FUSED_CPU));

export function goldenDir(): string {
  return process.env.SG_GOLDEN_DIR ?? path.join(packageRoot(), '..', 'shared', 'golden');
}

/** The golden files this repository made itself (optimizers the seed's folder does not cover). */
function repoGoldenDir(): string {
  return path.join(packageRoot(), 'test', 'optim', 'golden');
}

/**
 * The file for one optimizer: on a LibTorch 2.x build the repository's torch2/ variant where there
 * is one (SuperGradients' Lamb run on PyTorch 2.15: its wheel's sqrt is MKL's, see
 * test/optim/python/golden_sg_lamb_torch2.py), else the seed's folder, then the repository's.
 */
function goldenFile(name: string): string {
  if (buildInfo().torchVersion.startsWith('2.')) {
    // MKL's sqrt depends on the CPU: scripts/test-torch-wheel.sh replays SG's Lamb on this machine
    // into SG_GOLDEN_TORCH2_DIR; the committed file (made on another machine) is the fallback.
    const here = process.env.SG_GOLDEN_TORCH2_DIR ? path.join(process.env.SG_GOLDEN_TORCH2_DIR, `${name}.json`) : null;
    if (here !== null && fs.existsSync(here)) return here;
    const torch2 = path.join(repoGoldenDir(), 'torch2', `${name}.json`);
    if (fs.existsSync(torch2)) return torch2;
  }
  const shared = path.join(goldenDir(), `${name}.json`);
  return fs.existsSync(shared) ? shared : path.join(repoGoldenDir(), `${name}.json`);
}

/** The cases of one golden file; a file without cases, or a case without steps, is an error. */
export function loadGolden(name: string): GoldenCase[] {
  const cases = JSON.parse(fs.readFileSync(goldenFile(name), 'utf8')).cases as GoldenCase[];
  if (!Array.isArray(cases) || cases.length === 0) throw new Error(`golden file ${name}.json has no cases`);
  cases.forEach((c, i) => {
    if (!Array.isArray(c.steps) || c.steps.length === 0) throw new Error(`golden file ${name}.json: case #${i} has no steps`);
  });
  return cases;
}

/** The optimizers the golden folders have files for (to check that every file is replayed). */
export function goldenFiles(): string[] {
  const names = [goldenDir(), repoGoldenDir()]
    .filter((dir) => fs.existsSync(dir))
    .flatMap((dir) => fs.readdirSync(dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''));
  return [...new Set(names)].sort();
}

/** Tolerance of the project's rule: float64 1e-10 relative, float32 1e-5. */
export function tolerance(dtype: string): number {
  return dtype === 'float64' ? 1e-10 : 1e-5;
}

/**
 * Largest relative error |a − b| / max(|b|, floor) between two flat arrays. The floor keeps values
 * near zero from turning one rounding step into a huge relative error: 1e-3 for float64, 1e-2 for
 * float32 (whose own resolution at 1e-2 is ~1e-9).
 */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-3): number {
  // A length mismatch or a NaN anywhere is an infinite error, never one a later element hides.
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor);
    if (Number.isNaN(err)) return Infinity;
    if (err > worst) worst = err;
  }
  return worst;
}

export interface ReplayOptions {
  device?: string;
  /** Extra optimizer_params merged over the case's defaults (e.g. {fused: false}). */
  extra?: Record<string, unknown>;
  /** The implementation every step must have run (checked after each step). */
  expectPath?: StepPath;
  /**
   * Called after each step; may return a replacement optimizer and parameters to continue with
   * (e.g. fresh copies restored through stateDict). `build` makes an optimizer like the case's.
   */
  afterStep?: (stepIndex: number, opt: Optimizer, params: Tensor[], build: (ps: Tensor[]) => Optimizer) => { opt: Optimizer; params: Tensor[] } | void;
}

/** Replays one case; returns the worst relative error per step. */
export function replay(c: GoldenCase, options: ReplayOptions = {}): number[] {
  const dtype = c.dtype as Dtype;
  const device = (options.device ?? 'cpu') as 'cpu';
  let params = c.params0.map((values, i) => tensor(values, { shape: c.shapes[i], dtype, device, requiresGrad: true }));
  const build = (ps: Tensor[]) =>
    createOptimizer(
      c.optimizer,
      c.groups.map((g) => ({ params: g.params.map((i) => ps[i]), ...g.options })),
      { ...c.defaults, ...(options.extra ?? {}) },
    );
  let opt = build(params);
  const errors: number[] = [];
  c.steps.forEach((step, s) => {
    if (step.lr) opt.paramGroups.forEach((g, gi) => (g.lr = step.lr![gi]));
    params.forEach((p, i) => {
      const g = step.grads[i];
      p.grad = g === null ? null : tensor(g, { shape: c.shapes[i], dtype, device });
    });
    opt.step();
    if (options.expectPath) {
      const ran = (opt as NativeOptimizer).lastStepPath;
      if (ran !== options.expectPath) throw new Error(`step ${s} ran the ${ran} path, expected ${options.expectPath}`);
    }
    let worst = 0;
    const floor = c.dtype === 'float32' ? 1e-2 : 1e-3;
    params.forEach((p, i) => (worst = Math.max(worst, maxRelativeError(p.toArray(), step.params[i], floor))));
    errors.push(worst);
    if (options.afterStep) {
      const next = options.afterStep(s, opt, params, build);
      if (next) ({ opt, params } = next);
    }
  });
  return errors;
}

export function describeCase(c: GoldenCase, index: number): string {
  const groups = c.groups.map((g) => JSON.stringify(g.options)).join(' ');
  return `#${index} ${c.dtype} ${JSON.stringify(c.defaults)} groups ${groups}`;
}
