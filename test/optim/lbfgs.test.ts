/**
 * LBFGS against torch.optim.LBFGS 2.15 itself: trajectories (the closure's loss, parameters and
 * counters after each step(closure), the final state's scalars) on a fixed objective, with and
 * without the strong-Wolfe line search (test/optim/fixtures/lbfgs.json, made by
 * test/optim/python/make_lbfgs_fixture.py); its stop conditions on their exact boundaries (the
 * fixture's `scripted` steps: a closure that returns scripted losses and gradients); its state
 * dict, and its errors.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

import { createOptimizer, LBFGS, OptimizerStateDict } from '../../lib/optim';
import { packageRoot } from '../../lib/package-root';
import { Dtype, tensor, Tensor } from '../../lib/tensor';
import { maxRelativeError, tolerance } from '../helpers/golden';

interface Case {
  dtype: Dtype;
  options: Record<string, unknown>;
  steps: Array<{ loss: number; params: number[][]; func_evals: number; n_iter: number }>;
  final: { t: number; prev_loss: number; history: number; d: number[]; H_diag: number };
}
/** One step(closure) over a scripted closure: `calls[k]` is where PyTorch's k-th call found w and what it returned. */
interface ScriptedCase {
  name: string;
  dtype: Dtype;
  options: Record<string, unknown>;
  w0: number[];
  calls: Array<{ w: number[]; loss: number; grad: number[] }>;
  final: { w: number[]; func_evals: number; n_iter: number; t?: number; prev_loss?: number; history?: number; d?: number[]; H_diag?: number; al?: Array<number | null> };
}
interface Fixture {
  A: number[][];
  B: number[];
  C: number[][];
  w0: number[];
  v0: number[][];
  cases: Case[];
  scripted: ScriptedCase[];
}

const FIXTURE = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'test', 'optim', 'fixtures', 'lbfgs.json'), 'utf8')) as Fixture;

/** The fixture's objective, with the same operations in the same order as the script. */
function problem(dtype: Dtype, options: Record<string, unknown>) {
  const w = tensor(FIXTURE.w0, { dtype, requiresGrad: true });
  const v = tensor(FIXTURE.v0, { dtype, requiresGrad: true });
  const a = tensor(FIXTURE.A, { dtype });
  const b = tensor(FIXTURE.B, { dtype });
  const c = tensor(FIXTURE.C, { dtype });
  const sign = options.maximize === true ? -1 : 1;
  const objective = () => {
    const r = a.matmul(w).sub(b);
    const d = v.sub(c);
    return r.mul(r).sum().add(w.pow(4).sum().mul(0.1)).add(d.mul(d).mul(v.mul(v).add(1)).sum()).add(w.sum().mul(v.sum()).pow(2).mul(0.05));
  };
  const opt = createOptimizer('LBFGS', [w, v], options) as LBFGS;
  const closure = () => {
    opt.zeroGrad();
    const loss = objective().mul(sign);
    loss.backward();
    return loss;
  };
  return { w, v, opt, closure };
}

function stateOf(opt: LBFGS, p: Tensor): Record<string, unknown> {
  return opt.state.get(p)!;
}

describe('LBFGS (torch.optim.LBFGS 2.15)', () => {
  FIXTURE.cases.forEach((c, index) => {
    it(`#${index} ${c.dtype} ${JSON.stringify(c.options)}: losses, parameters, counters and final state as PyTorch`, () => {
      const { w, v, opt, closure } = problem(c.dtype, c.options);
      const tol = tolerance(c.dtype);
      // The golden replays' floors: values near zero are compared absolutely below them.
      const floor = c.dtype === 'float32' ? 1e-2 : 1e-3;
      c.steps.forEach((expected, s) => {
        const loss = opt.step(closure) as Tensor;
        const where = `step ${s}`;
        assert.ok(maxRelativeError([Number(loss.item())], [expected.loss]) <= tol, `${where}: loss ${Number(loss.item())} vs ${expected.loss}`);
        const err = Math.max(maxRelativeError(w.toArray() as number[], expected.params[0], floor), maxRelativeError((v.toArray() as unknown as number[][]).flat(), expected.params[1], floor));
        assert.ok(err <= tol, `${where}: parameters differ by ${err}`);
        const st = stateOf(opt, w);
        assert.equal(st.func_evals, expected.func_evals, `${where}: func_evals`);
        assert.equal(st.n_iter, expected.n_iter, `${where}: n_iter`);
      });
      const st = stateOf(opt, w);
      assert.ok(maxRelativeError([st.t as number, st.prev_loss as number], [c.final.t, c.final.prev_loss]) <= tol);
      assert.equal((st.old_dirs as Tensor[]).length, c.final.history);
      // float32: the last direction and H_diag (a ratio of dot products of differences) carry the
      // rounding of every iteration amplified; and where PyTorch's line search keeps its scalars in
      // float32 0-dim tensors, ours (lib/optim/strong-wolfe.ts) keeps doubles. Parameters, losses and
      // counters are still compared above.
      if (c.dtype === 'float64') {
        assert.ok(maxRelativeError((st.d as Tensor).toArray() as number[], c.final.d, floor) <= tol, 'd');
        const hDiag = st.H_diag instanceof Tensor ? Number(st.H_diag.item()) : (st.H_diag as number);
        assert.ok(maxRelativeError([hDiag], [c.final.H_diag]) <= tol, 'H_diag');
      }
    });
  });

  it('stops exactly where PyTorch stops: each stop condition on its boundary (scripted closures)', () => {
    assert.ok(FIXTURE.scripted.length >= 9);
    for (const c of FIXTURE.scripted) {
      const dtype = c.dtype;
      const w = tensor(c.w0, { dtype, requiresGrad: true });
      const opt = new LBFGS([w], c.options as never);
      const seen: number[][] = [];
      const loss = opt.step(() => {
        const k = seen.length;
        seen.push(w.toArray() as number[]);
        // A step that asks for more values than PyTorch's did gets none.
        if (k >= c.calls.length) throw new Error(`${c.name}: closure call ${k}, PyTorch's step stopped after ${c.calls.length}`);
        opt.zeroGrad();
        w.grad = tensor(c.calls[k].grad, { dtype });
        return tensor(c.calls[k].loss, { dtype });
      }) as Tensor;
      assert.equal(Number(loss.item()), c.calls[0].loss, `${c.name}: step returns the first loss`);
      assert.deepEqual(
        seen,
        c.calls.map((k) => k.w),
        `${c.name}: where the closure was called`,
      );
      assert.deepEqual(w.toArray(), c.final.w, `${c.name}: w`);
      const st = stateOf(opt, w);
      assert.equal(st.func_evals, c.final.func_evals, `${c.name}: func_evals`);
      assert.equal(st.n_iter, c.final.n_iter, `${c.name}: n_iter`);
      if (c.final.d === undefined) {
        assert.deepEqual(Object.keys(st).sort(), ['func_evals', 'n_iter'], c.name);
        continue;
      }
      assert.equal(st.t, c.final.t, `${c.name}: t`);
      assert.equal(st.prev_loss, c.final.prev_loss, `${c.name}: prev_loss`);
      assert.equal((st.old_dirs as Tensor[]).length, c.final.history, `${c.name}: history`);
      assert.deepEqual((st.d as Tensor).toArray(), c.final.d, `${c.name}: d`);
      const hDiag = st.H_diag instanceof Tensor ? Number(st.H_diag.item()) : (st.H_diag as number);
      assert.equal(hDiag, c.final.H_diag, `${c.name}: H_diag`);
      // al: PyTorch's [None] * history_size, its first entries filled by the two-loop recursion.
      const al = st.al as Array<Tensor | null> | undefined;
      assert.deepEqual(
        al?.map((a) => (a === null ? null : Number(a.item()))),
        c.final.al,
        `${c.name}: al`,
      );
    }
  });

  it("keeps PyTorch's state layout on the first parameter; a state dict saved mid-run resumes the same trajectory", () => {
    const c = FIXTURE.cases[1];
    const whole = problem(c.dtype, c.options);
    const resumed = problem(c.dtype, c.options);
    whole.opt.step(whole.closure);
    resumed.opt.step(resumed.closure);
    const sd: OptimizerStateDict = resumed.opt.stateDict();
    assert.deepEqual(Object.keys(sd.state), ['0']);
    assert.deepEqual(Object.keys(sd.state[0]).sort(), ['H_diag', 'al', 'd', 'func_evals', 'n_iter', 'old_dirs', 'old_stps', 'prev_flat_grad', 'prev_loss', 'ro', 't']);
    assert.deepEqual(sd.param_groups[0].params, [0, 1]);
    assert.equal(sd.param_groups[0].max_eval, 7, 'max_eval: max_iter * 5 // 4, as PyTorch');
    assert.equal((sd.state[0].d as Tensor).numel(), 7, 'd is the flat direction over all parameters');
    // A fresh optimizer over the same (already stepped) parameters, loaded from the state dict.
    const fresh = new LBFGS([resumed.w, resumed.v], c.options as never);
    fresh.loadStateDict(sd);
    const closure = () => {
      fresh.zeroGrad();
      return resumed.closure();
    };
    for (let s = 1; s < c.steps.length; s++) {
      whole.opt.step(whole.closure);
      fresh.step(closure);
    }
    assert.deepEqual(resumed.w.toArray(), whole.w.toArray());
    assert.deepEqual(resumed.v.toArray(), whole.v.toArray());
  });

  it("refuses what PyTorch refuses, in PyTorch's words, and changes nothing", () => {
    const w = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const u = tensor([3], { dtype: 'float64', requiresGrad: true });
    assert.throws(() => new LBFGS([w], { lr: -1 }), /^RangeError: Invalid learning rate: -1$/);
    assert.throws(() => new LBFGS([{ params: [w] }, { params: [u] }]), /^Error: LBFGS doesn't support per-parameter options \(parameter groups\)$/);
    assert.throws(() => new LBFGS([w], { line_search_fn: 'backtracking' as never }), /only 'strong_wolfe' is supported/);
    assert.throws(() => new LBFGS([w], { momentum: 0.9 } as never), /unknown LBFGS option 'momentum'/);
    const opt = new LBFGS([w]);
    assert.throws(() => opt.addParamGroup({ params: [u] }), /LBFGS doesn't support per-parameter options/);
    assert.throws(() => opt.step(), /TypeError: Expected a closure that re-evaluates the model and returns the loss for LBFGS\.step\(closure\)/);
    assert.throws(() => opt.step(() => 'loss'), /TypeError: Expected a number or a one-element Tensor/);
    assert.deepEqual(w.toArray(), [1, 2]);
    assert.equal(opt.paramGroups.length, 1);
  });

  it("a parameter the loss never reaches (grad null) counts as a zero gradient, as PyTorch's _gather_flat_grad: it stays, the other follows its one-parameter run", () => {
    const run = (withUnused: boolean) => {
      const w = tensor([1.5, -2, 0.5], { dtype: 'float64', requiresGrad: true });
      const c = tensor([1, 2, 3], { dtype: 'float64' });
      const unused = tensor([3, 4], { dtype: 'float64', requiresGrad: true });
      const opt = new LBFGS(withUnused ? [w, unused] : [w], { max_iter: 5 });
      opt.step(() => {
        opt.zeroGrad();
        const l = w.sub(1).mul(w.sub(1)).mul(c).sum();
        l.backward();
        return l;
      });
      assert.equal(unused.grad, null);
      return { w: w.toArray() as number[], unused: unused.toArray() as number[] };
    };
    const alone = run(false);
    assert.notDeepEqual(alone.w, [1.5, -2, 0.5], 'the step moved w');
    assert.deepEqual(run(true), { w: alone.w, unused: [3, 4] });
  });

  it('returns at once when the gradient is already below tolerance_grad (one evaluation)', () => {
    const w = tensor([0, 0], { dtype: 'float64', requiresGrad: true });
    const opt = new LBFGS([w]);
    let calls = 0;
    const loss = opt.step(() => {
      calls++;
      opt.zeroGrad();
      const l = w.mul(w).sum();
      l.backward();
      return l;
    });
    assert.equal(calls, 1);
    assert.equal(Number((loss as Tensor).item()), 0);
    assert.deepEqual(Object.keys(opt.stateDict().state[0]).sort(), ['func_evals', 'n_iter']);
  });

  it('checks its own options and a loaded state dict, naming the place; a refusal changes nothing', () => {
    const w = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const closure = (opt: LBFGS) => () => {
      opt.zeroGrad();
      const l = w.sub(3).pow(2).sum();
      l.backward();
      return l;
    };
    for (const key of ['max_iter', 'max_eval', 'history_size']) {
      assert.throws(() => new LBFGS([w], { [key]: 0 }), { name: 'RangeError', message: `${key} must be a positive integer, got 0` }, key);
      assert.throws(() => new LBFGS([w], { [key]: 1.5 }), { name: 'RangeError', message: `${key} must be a positive integer, got 1.5` }, key);
      assert.equal(new LBFGS([w], { [key]: 1 }).paramGroups[0][key], 1, key);
    }
    assert.throws(() => new LBFGS([w], 'fast' as never), /^TypeError: Expected an object for LBFGS optimizer_params but received 'fast'/);
    assert.throws(() => new LBFGS([w], { momentum: 0.9 } as never), /^TypeError: unknown LBFGS option 'momentum'; known: lr, .* \(at optimizer_params\.momentum\)$/);
    assert.throws(() => new LBFGS([w], { max_iter: 'x' } as never), /^TypeError: Expected a number for optimizer_params\.max_iter but received 'x'/);
    assert.throws(() => new LBFGS([{ params: [w], max_iter: 0 }]), { name: 'RangeError', message: 'max_iter must be a positive integer, got 0 (param_groups[0].max_iter)' });
    const opt = new LBFGS([w], { line_search_fn: 'strong_wolfe' });
    opt.paramGroups[0].history_size = 0;
    assert.throws(() => opt.step(closure(opt)), { name: 'RangeError', message: 'history_size must be a positive integer, got 0 (param_groups[0].history_size)' });
    opt.paramGroups[0].history_size = 100;
    opt.paramGroups.push({ ...opt.paramGroups[0], params: [] });
    assert.throws(() => opt.step(closure(opt)), /^Error: Expected exactly one param_group, but got 2$/);
    opt.paramGroups.pop();
    assert.throws(() => opt.step(() => tensor([1, 2])), /^TypeError: Expected a number or a one-element Tensor \(the loss\) for the value LBFGS\.step\(closure\) returned/);
    assert.deepEqual(w.toArray(), [1, 2]);

    opt.step(closure(opt));
    const sd = opt.stateDict();
    const st = opt.state.get(w)!;
    const d = (st.d as Tensor).toArray();
    const refusals: Array<[unknown, RegExp]> = [
      [null, /^TypeError: Expected an object \{state, param_groups\} for loadStateDict\(stateDict\)/],
      [{ ...sd, param_groups: [sd.param_groups[0], sd.param_groups[0]] }, /^Error: LBFGS doesn't support per-parameter options \(parameter groups\): the state dict must hold exactly one param group$/],
      [{ ...sd, param_groups: [{ ...sd.param_groups[0], params: [0, 1] }] }, /^Error: loaded state dict contains a parameter group that doesn't match the size of optimizer's group \(param_groups\[0\] has 2 parameters, the optimizer's has 1\)$/],
      [{ ...sd, param_groups: [{ ...sd.param_groups[0], params: undefined }] }, /^Error: loaded state dict contains a parameter group that doesn't match the size of optimizer's group \(param_groups\[0\] has undefined parameters/],
      [{ ...sd, param_groups: [{ ...sd.param_groups[0], max_iter: 0 }] }, /^RangeError: max_iter must be a positive integer, got 0 \(stateDict\.param_groups\[0\]\.max_iter\)$/],
      [{ ...sd, state: { 1: sd.state[0] } }, /^Error: stateDict\.state has an entry for parameter 1; LBFGS keeps its state on the first parameter \(0\)$/],
      [{ ...sd, state: { 0: 'x' } }, /^TypeError: Expected an object for stateDict\.state\[0\]/],
      [{ ...sd, state: { 0: { ...sd.state[0], d: tensor([1, 2, 3], { dtype: 'float64' }) } } }, /^RangeError: stateDict\.state\[0\]\.d has 3 elements but the parameters have 2$/],
      [{ ...sd, state: { 0: { ...sd.state[0], prev_flat_grad: tensor([1], { dtype: 'float64' }) } } }, /^RangeError: stateDict\.state\[0\]\.prev_flat_grad has 1 elements/],
      [{ ...sd, state: { 0: { ...sd.state[0], old_dirs: [tensor([1, 2, 3], { dtype: 'float64' })] } } }, /^RangeError: stateDict\.state\[0\]\.old_dirs\[0\] has 3 elements/],
      [{ ...sd, state: { 0: { ...sd.state[0], old_stps: [tensor([1, 2, 3], { dtype: 'float64' })] } } }, /^RangeError: stateDict\.state\[0\]\.old_stps\[0\] has 3 elements/],
    ];
    for (const [bad, message] of refusals) {
      assert.throws(() => opt.loadStateDict(bad as never), message);
      assert.deepEqual((opt.state.get(w)!.d as Tensor).toArray(), d, String(message));
      assert.equal(opt.paramGroups[0].max_iter, 20);
    }
    // Tensors come back in the parameters' dtype.
    opt.loadStateDict({ ...sd, state: { 0: { ...sd.state[0], d: (sd.state[0].d as Tensor).to({ dtype: 'float32' }) } } });
    assert.equal((opt.state.get(w)!.d as Tensor).dtype, 'float64');
  });
});
