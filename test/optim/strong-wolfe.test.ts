/**
 * lib/optim/strong-wolfe.ts against PyTorch's own line search, torch.optim.lbfgs._strong_wolfe
 * (2.15), called directly on a grid of one- and two-dimensional searches
 * (test/optim/fixtures/strong-wolfe.json, made by test/optim/python/make_strong_wolfe_fixture.py).
 * LBFGS's trajectories (lbfgs.test.ts) reach only some branches of the search; this grid takes
 * them all: zoom after Armijo fails, the curvature condition met at once, the slope turning
 * positive, extrapolation up to max_ls, insufficient progress, the tolerance_change stop, and
 * cubics without a real minimum. Written against the StrykerJS survivors of strong-wolfe.ts.
 * The fixture's `scripted` searches run over scripted values (the k-th call returns the k-th loss
 * and gradient, wherever the search asks) that land exactly on the search's boundaries: each
 * condition holding with equality, equal bracket ends, a bracket exactly tolerance_change wide,
 * cubics clamped to the bracket's ends.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

import { strongWolfe } from '../../lib/optim/strong-wolfe';
import { packageRoot } from '../../lib/package-root';
import { tensor, Tensor } from '../../lib/tensor';
import { maxRelativeError } from '../helpers/golden';

interface Case {
  function: keyof typeof FUNCTIONS;
  x0: number[];
  d: number[];
  t0: number;
  max_ls: number;
  tolerance_change: number;
  f: number;
  g: number[];
  t: number;
  evals: number;
}

/** The fixture script's FUNCTIONS, the same formulas in the same order: [f, gradient]. */
const FUNCTIONS = {
  quadratic: [(x: number[]) => 0.5 * (x[0] * x[0] + 10.0 * x[1] * x[1]), (x: number[]) => [x[0], 10.0 * x[1]]],
  quartic: [(x: number[]) => x[0] ** 4 - 3.0 * x[0] ** 2 + x[0], (x: number[]) => [4.0 * x[0] ** 3 - 6.0 * x[0] + 1.0]],
  wavy: [(x: number[]) => Math.sin(3.0 * x[0]) + 0.1 * x[0] * x[0], (x: number[]) => [3.0 * Math.cos(3.0 * x[0]) + 0.2 * x[0]]],
  rosenbrock: [
    (x: number[]) => (1.0 - x[0]) ** 2 + 100.0 * (x[1] - x[0] * x[0]) ** 2,
    (x: number[]) => [-2.0 * (1.0 - x[0]) - 400.0 * x[0] * (x[1] - x[0] * x[0]), 200.0 * (x[1] - x[0] * x[0])],
  ],
  steep: [(x: number[]) => Math.exp(x[0]) - 2.0 * x[0], (x: number[]) => [Math.exp(x[0]) - 2.0]],
  huber: [(x: number[]) => Math.sqrt(1.0 + x[0] * x[0]), (x: number[]) => [x[0] / Math.sqrt(1.0 + x[0] * x[0])]],
  well: [(x: number[]) => -Math.exp(-50.0 * x[0] * x[0]) + 0.01 * x[0] * x[0], (x: number[]) => [100.0 * x[0] * Math.exp(-50.0 * x[0] * x[0]) + 0.02 * x[0]]],
} satisfies Record<string, [(x: number[]) => number, (x: number[]) => number[]]>;

/** A search over scripted values: `calls[k]` is the step PyTorch asked for at its k-th call and what it got. */
interface ScriptedCase {
  name: string;
  f0: number;
  g0: number[];
  d: number[];
  t0: number;
  max_ls: number;
  tolerance_change: number;
  calls: Array<{ t: number; f: number; g: number[] }>;
  f: number;
  g: number[];
  t: number;
  evals: number;
}

const FIXTURE = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'test', 'optim', 'fixtures', 'strong-wolfe.json'), 'utf8')) as { cases: Case[]; scripted: ScriptedCase[] };

function run(c: Case) {
  const [fn, grad] = FUNCTIONS[c.function];
  const x = [tensor(c.x0, { dtype: 'float64' })];
  const d = tensor(c.d, { dtype: 'float64' });
  const g = tensor(grad(c.x0), { dtype: 'float64' });
  const points: number[] = [];
  const obj = (xs: Tensor[], t: number, dir: Tensor): [number, Tensor] => {
    points.push(t);
    const x0 = xs[0].toArray() as number[];
    const dd = dir.toArray() as number[];
    const p = x0.map((v, i) => v + t * dd[i]);
    return [fn(p), tensor(grad(p), { dtype: 'float64' })];
  };
  const gBefore = g.toArray() as number[];
  const result = strongWolfe(obj, x, c.t0, d, fn(c.x0), g, g.matmul(d), { max_ls: c.max_ls, tolerance_change: c.tolerance_change });
  return { result, points, g, gBefore };
}

describe('strongWolfe (torch.optim.lbfgs._strong_wolfe 2.15)', () => {
  it(`${FIXTURE.cases.length} searches: the step, loss, gradient and number of evaluations PyTorch returns`, () => {
    assert.ok(FIXTURE.cases.length >= 200);
    for (const c of FIXTURE.cases) {
      const where = `${c.function} x0=${JSON.stringify(c.x0)} d=${JSON.stringify(c.d)} t0=${c.t0} max_ls=${c.max_ls} tol=${c.tolerance_change}`;
      const { result, points } = run(c);
      assert.equal(result.evals, c.evals, `${where}: evals`);
      assert.equal(points.length, c.evals, `${where}: the objective was evaluated once per counted evaluation`);
      assert.ok(maxRelativeError([result.t], [c.t], 1e-12) <= 1e-9, `${where}: t ${result.t} vs ${c.t}`);
      assert.ok(maxRelativeError([result.f], [c.f], 1e-12) <= 1e-9, `${where}: f ${result.f} vs ${c.f}`);
      assert.ok(maxRelativeError(result.g.toArray() as number[], c.g, 1e-9) <= 1e-9, `${where}: g ${String(result.g.toArray())} vs ${String(c.g)}`);
    }
  });

  it('the grid reaches the branches it was made for', () => {
    const evals = FIXTURE.cases.map((c) => c.evals);
    // max_ls 1 stops after one extra evaluation at most; max_ls 25 runs searches of many steps.
    assert.ok(FIXTURE.cases.filter((c) => c.max_ls === 1).every((c) => c.evals <= 2));
    assert.ok(Math.max(...evals) >= 8, 'some search extrapolates or zooms several times');
    // Accepted at once (one evaluation) and searches that moved away from t0.
    assert.ok(FIXTURE.cases.some((c) => c.evals === 1 && c.t === c.t0));
    assert.ok(FIXTURE.cases.some((c) => c.t > c.t0) && FIXTURE.cases.some((c) => c.t < c.t0));
  });

  it(`${FIXTURE.scripted.length} scripted searches on the boundaries: every step asked for, and what PyTorch returns`, () => {
    assert.ok(FIXTURE.scripted.length >= 15);
    for (const c of FIXTURE.scripted) {
      const asked: number[] = [];
      const obj = (_x: Tensor[], t: number): [number, Tensor] => {
        asked.push(t);
        const k = asked.length - 1;
        // A search that asks for more values than PyTorch's did gets none.
        if (k >= c.calls.length) throw new Error(`${c.name}: call ${k} at t=${t}, PyTorch's search stopped after ${c.calls.length}`);
        return [c.calls[k].f, tensor(c.calls[k].g, { dtype: 'float64' })];
      };
      const g = tensor(c.g0, { dtype: 'float64' });
      const d = tensor(c.d, { dtype: 'float64' });
      const result = strongWolfe(obj, [tensor(c.d.map(() => 0), { dtype: 'float64' })], c.t0, d, c.f0, g, g.matmul(d), { max_ls: c.max_ls, tolerance_change: c.tolerance_change });
      assert.equal(asked.length, c.calls.length, `${c.name}: calls`);
      asked.forEach((t, k) => assert.ok(maxRelativeError([t], [c.calls[k].t], 1e-12) <= 1e-12, `${c.name}: call ${k} at t=${t}, PyTorch's at ${c.calls[k].t}`));
      assert.equal(result.evals, c.evals, `${c.name}: evals`);
      assert.equal(result.t, c.t, `${c.name}: t`);
      assert.equal(result.f, c.f, `${c.name}: f`);
      assert.deepEqual(result.g.toArray(), c.g, `${c.name}: g`);
    }
  });

  it("leaves the caller's gradient untouched and returns a gradient of its own", () => {
    const c = FIXTURE.cases.find((k) => k.evals >= 4)!;
    const { result, g, gBefore } = run(c);
    assert.deepEqual(g.toArray(), gBefore);
    assert.notEqual(result.g, g);
  });
});
