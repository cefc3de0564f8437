/**
 * LBFGS: torch.optim.LBFGS's options, class and record. Closure-driven, so it runs in TypeScript
 * over tensor ops, line by line after PyTorch 2.15's lbfgs.py (the same tensor operations on the
 * same flat vectors; scalars PyTorch keeps in 0-dim tensors, as ro and H_diag, are kept in 0-dim
 * tensors of the parameters' dtype too, so float32 rounds where PyTorch rounds).
 */
import { isPlainObject, typeError } from '../errors';
import { tensor, zerosLike } from '../tensor/creation';
import { cat } from '../tensor/functional';
import { noGrad } from '../tensor/grad-mode';
import { Tensor } from '../tensor/tensor';
import { checkImplementationFlags, MAXIMIZE_OPTION, nonNegative, OptionSchema, rejectUnknownOptions, schemaDefaults, validateOptions } from './option-schema';
import { Closure, Optimizer, OptimizerStateDict, ParamGroup, ParamsOrGroups } from './optimizer';
import { defineOptimizer } from './optimizer-info';
import { strongWolfe } from './strong-wolfe';

function positiveInteger(what: string) {
  return (v: number) => (Number.isInteger(v) && v > 0 ? undefined : `${what} must be a positive integer, got ${v}`);
}

export const LBFGS_OPTIONS: OptionSchema = {
  lr: { kind: 'number', default: 1, check: nonNegative('learning rate'), doc: 'learning rate (the step length without line search)' },
  max_iter: { kind: 'number', default: 20, check: positiveInteger('max_iter'), doc: 'iterations per step()' },
  max_eval: { kind: 'number-or-null', default: null, check: positiveInteger('max_eval'), doc: 'closure evaluations per step() (null: max_iter · 5 / 4, rounded down)' },
  tolerance_grad: { kind: 'number', default: 1e-7, doc: 'stop when the largest gradient element is at most this' },
  tolerance_change: { kind: 'number', default: 1e-9, doc: 'stop when the loss or the step changes less than this' },
  history_size: { kind: 'number', default: 100, check: positiveInteger('history_size'), doc: 'number of (s, y) pairs kept' },
  line_search_fn: {
    kind: 'string-or-null',
    default: null,
    check: (v: string) => (v === 'strong_wolfe' ? undefined : `only 'strong_wolfe' is supported (line_search_fn: '${v}')`),
    doc: "null (fixed step lr) or 'strong_wolfe'",
  },
  maximize: MAXIMIZE_OPTION,
};

export interface LBFGSOptions {
  lr?: number;
  max_iter?: number;
  max_eval?: number | null;
  tolerance_grad?: number;
  tolerance_change?: number;
  history_size?: number;
  line_search_fn?: 'strong_wolfe' | null;
  maximize?: boolean;
}

const SINGLE_GROUP = "LBFGS doesn't support per-parameter options (parameter groups)";

/** A closure's loss as a number: a Tensor of one element, or a number. */
function lossValue(loss: unknown): number {
  if (typeof loss === 'number') return loss;
  if (loss instanceof Tensor && loss.numel() === 1) return Number(loss.item());
  throw typeError('the value LBFGS.step(closure) returned', 'a number or a one-element Tensor (the loss)', loss);
}

/** The value of a number or of a 0-dim tensor (PyTorch's H_diag starts as the int 1). */
function scalar(v: Tensor | number): number {
  return typeof v === 'number' ? v : Number(v.item());
}

/** LBFGS's state, kept on the first parameter as PyTorch does (names as its state_dict). */
interface LbfgsState {
  func_evals: number;
  n_iter: number;
  d?: Tensor;
  t?: number;
  old_dirs?: Tensor[];
  old_stps?: Tensor[];
  ro?: Tensor[];
  H_diag?: Tensor | number;
  prev_flat_grad?: Tensor;
  prev_loss?: number;
  al?: Array<Tensor | null>;
}

/**
 * L-BFGS, exactly torch.optim.LBFGS: one param group, `step(closure)` runs up to max_iter
 * iterations, each calling the closure (with autograd on) to re-evaluate the loss; with
 * `line_search_fn: 'strong_wolfe'`, a line search satisfying the strong Wolfe conditions.
 *
 * @example
 * const opt = new sg.optim.LBFGS(model.parameters(), { lr: 1, line_search_fn: 'strong_wolfe' });
 * const loss = opt.step(() => { opt.zeroGrad(); const l = lossFn(); l.backward(); return l; });
 */
export class LBFGS extends Optimizer {
  constructor(params: ParamsOrGroups, options: LBFGSOptions = {}) {
    const given = options as Record<string, unknown>;
    if (!isPlainObject(given)) throw typeError('LBFGS optimizer_params', 'an object', given);
    rejectUnknownOptions('LBFGS', LBFGS_OPTIONS, given, 'optimizer_params');
    validateOptions(LBFGS_OPTIONS, given, 'optimizer_params', false);
    checkImplementationFlags(given, 'optimizer_params');
    const defaults = { ...schemaDefaults(LBFGS_OPTIONS), ...given };
    // As PyTorch: a missing max_eval is max_iter * 5 // 4, fixed at construction.
    if (defaults.max_eval === null) defaults.max_eval = Math.floor(((defaults.max_iter as number) * 5) / 4);
    super(params, defaults);
    if (this.paramGroups.length !== 1) throw new Error(SINGLE_GROUP);
    this.paramGroups.forEach((g, i) => validateOptions(LBFGS_OPTIONS, g, `param_groups[${i}]`, true));
  }

  /** As PyTorch's LBFGS, a second group is refused (PyTorch's step would fail on it). */
  override addParamGroup(_group: { params: Tensor[] | Tensor; [option: string]: unknown }): void {
    throw new Error(SINGLE_GROUP);
  }

  /** The one group, checked again (its options may have been edited since). */
  private group(): ParamGroup {
    if (this.paramGroups.length !== 1) throw new Error(`Expected exactly one param_group, but got ${this.paramGroups.length}`);
    const group = this.paramGroups[0];
    validateOptions(LBFGS_OPTIONS, group, 'param_groups[0]', true);
    return group;
  }

  private gatherFlatGrad(params: Tensor[], maximize: boolean): Tensor {
    const views = params.map((p) => (p.grad === null ? zerosLike(p).view(-1) : p.grad.view(-1)));
    const flat = cat(views, 0);
    return maximize ? flat.neg() : flat;
  }

  private addGrad(params: Tensor[], stepSize: number, update: Tensor): void {
    let offset = 0;
    noGrad(() => {
      for (const p of params) {
        const n = p.numel();
        p.add_(update.slice(0, offset, offset + n).view(p.shape), { alpha: stepSize });
        offset += n;
      }
    });
  }

  /**
   * One optimization step: up to max_iter L-BFGS iterations. The closure is required; it is
   * called with autograd on and must return the loss (a one-element Tensor or a number). Returns
   * the closure's first result, as PyTorch.
   */
  step(closure?: Closure): unknown {
    if (typeof closure !== 'function') {
      throw typeError('LBFGS.step(closure)', 'a closure that re-evaluates the model and returns the loss', closure);
    }
    const group = this.group();
    const params = group.params;
    const lr = group.lr as number;
    const maxIter = group.max_iter as number;
    const maxEval = group.max_eval as number;
    const tolGrad = group.tolerance_grad as number;
    const tolChange = group.tolerance_change as number;
    const lineSearch = group.line_search_fn as string | null;
    const historySize = group.history_size as number;
    const maximize = group.maximize === true;
    const dtype = params[0].dtype;
    const device = params[0].device;
    const scalarTensor = (v: number) => tensor(v, { dtype, device });
    const evaluate = () => {
      const value = lossValue(this.evaluateClosure(closure));
      return maximize ? -value : value;
    };

    const state = (this._state.get(params[0]) ?? { func_evals: 0, n_iter: 0 }) as unknown as LbfgsState;
    this._state.set(params[0], state as unknown as Record<string, unknown>);
    state.func_evals ??= 0;
    state.n_iter ??= 0;

    const origLoss = this.evaluateClosure(closure);
    let loss = maximize ? -lossValue(origLoss) : lossValue(origLoss);
    let currentEvals = 1;
    state.func_evals += 1;
    let flatGrad = this.gatherFlatGrad(params, maximize);
    let optCond = Number(flatGrad.abs().max().item()) <= tolGrad;
    if (optCond) return origLoss;

    let d = state.d;
    let t = state.t;
    let oldDirs = state.old_dirs;
    let oldStps = state.old_stps;
    let ro = state.ro;
    let hDiag = state.H_diag;
    let prevFlatGrad = state.prev_flat_grad;
    let prevLoss = state.prev_loss;

    let nIter = 0;
    while (nIter < maxIter) {
      nIter += 1;
      state.n_iter += 1;
      if (state.n_iter === 1) {
        d = flatGrad.neg();
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = 1;
      } else {
        const y = flatGrad.sub(prevFlatGrad!);
        const s = d!.mul(t!);
        const ys = y.matmul(s);
        if (Number(ys.item()) > 1e-10) {
          if (oldDirs!.length === historySize) {
            oldDirs!.shift();
            oldStps!.shift();
            ro!.shift();
          }
          oldDirs!.push(y);
          oldStps!.push(s);
          ro!.push(scalarTensor(1.0 / Number(ys.item())));
          hDiag = ys.div(y.matmul(y));
        }
        const numOld = oldDirs!.length;
        state.al ??= new Array<Tensor | null>(historySize).fill(null);
        const al = state.al;
        const q = flatGrad.neg();
        for (let i = numOld - 1; i >= 0; i--) {
          al[i] = oldStps![i].matmul(q).mul(ro![i]);
          q.add_(oldDirs![i], { alpha: -scalar(al[i]!) });
        }
        const r = q.mul(hDiag!);
        d = r;
        for (let i = 0; i < numOld; i++) {
          const be = oldDirs![i].matmul(r).mul(ro![i]);
          r.add_(oldStps![i], { alpha: scalar((al[i] as Tensor).sub(be)) });
        }
      }
      if (prevFlatGrad === undefined) prevFlatGrad = flatGrad.clone();
      else prevFlatGrad.copy_(flatGrad);
      prevLoss = loss;

      if (state.n_iter === 1) {
        // min(1.0, 1.0 / |g|_1) * lr: a tensor (of the parameters' dtype) unless 1.0 is smaller.
        const inv = scalarTensor(1.0).div(flatGrad.abs().sum());
        t = Number(inv.item()) < 1.0 ? Number(inv.mul(lr).item()) : 1.0 * lr;
      } else {
        t = lr;
      }
      const gtd = flatGrad.matmul(d!);
      if (Number(gtd.item()) > -tolChange) break;

      let lsFuncEvals = 0;
      if (lineSearch !== null) {
        const x0 = params.map((p) => p.detach().clone());
        const objFunc = (x: Tensor[], step: number, dir: Tensor): [number, Tensor] => {
          this.addGrad(params, step, dir);
          const f = evaluate();
          const g = this.gatherFlatGrad(params, maximize);
          noGrad(() => params.forEach((p, k) => p.copy_(x[k])));
          return [f, g];
        };
        const found = strongWolfe(objFunc, x0, t, d!, loss, flatGrad, gtd, { tolerance_change: 1e-9, max_ls: maxEval - currentEvals });
        loss = found.f;
        flatGrad = found.g;
        t = found.t;
        lsFuncEvals = found.evals;
        this.addGrad(params, t, d!);
        optCond = Number(flatGrad.abs().max().item()) <= tolGrad;
      } else {
        this.addGrad(params, t, d!);
        if (nIter !== maxIter) {
          loss = evaluate();
          flatGrad = this.gatherFlatGrad(params, maximize);
          optCond = Number(flatGrad.abs().max().item()) <= tolGrad;
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      state.func_evals += lsFuncEvals;

      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      if (Number(d!.mul(t).abs().max().item()) <= tolChange) break;
      if (Math.abs(loss - prevLoss) < tolChange) break;
    }

    Object.assign(state, { d, t, old_dirs: oldDirs, old_stps: oldStps, ro, H_diag: hDiag, prev_flat_grad: prevFlatGrad, prev_loss: prevLoss });
    return origLoss;
  }

  /** PyTorch's layout: everything on the first parameter (index 0), lists as arrays. */
  override stateDict(): OptimizerStateDict {
    const sd = super.stateDict();
    for (const s of Object.values(sd.state)) {
      for (const key of ['old_dirs', 'old_stps', 'ro', 'al']) if (Array.isArray(s[key])) s[key] = [...(s[key] as unknown[])];
    }
    return sd;
  }

  /**
   * Loads a state dict in PyTorch's layout (its flat vectors d and prev_flat_grad have as many
   * elements as all parameters together). Checked first; on an error nothing changes.
   */
  override loadStateDict(stateDict: OptimizerStateDict): void {
    if (!isPlainObject(stateDict)) throw typeError('loadStateDict(stateDict)', 'an object {state, param_groups}', stateDict);
    const groups = stateDict.param_groups;
    if (!Array.isArray(groups) || groups.length !== 1 || !isPlainObject(groups[0])) throw new Error(`${SINGLE_GROUP}: the state dict must hold exactly one param group`);
    const saved = groups[0];
    const params = this.paramGroups[0].params;
    if (!Array.isArray(saved.params) || saved.params.length !== params.length) {
      throw new Error(`loaded state dict contains a parameter group that doesn't match the size of optimizer's group (param_groups[0] has ${String(saved.params?.length)} parameters, the optimizer's has ${params.length})`);
    }
    const { params: _ids, ...options } = saved;
    const group = { ...schemaDefaults(LBFGS_OPTIONS), ...options, params } as ParamGroup;
    validateOptions(LBFGS_OPTIONS, group, 'stateDict.param_groups[0]', true);
    const entries = Object.entries(stateDict.state ?? {});
    const first = String(saved.params[0]);
    const numel = params.reduce((n, p) => n + p.numel(), 0);
    const dtype = params[0].dtype;
    const device = params[0].device;
    const own = (v: unknown, path: string, flat: boolean): unknown => {
      if (v instanceof Tensor) {
        if (flat && v.numel() !== numel) throw new RangeError(`${path} has ${v.numel()} elements but the parameters have ${numel}`);
        return v.to({ dtype, device }).clone();
      }
      if (Array.isArray(v)) return v.map((x, i) => own(x, `${path}[${i}]`, flat));
      return v;
    };
    let next: Record<string, unknown> | null = null;
    for (const [id, value] of entries) {
      if (id !== first) throw new Error(`stateDict.state has an entry for parameter ${id}; LBFGS keeps its state on the first parameter (${first})`);
      if (!isPlainObject(value)) throw typeError(`stateDict.state[${id}]`, 'an object', value);
      next = {};
      for (const [key, v] of Object.entries(value)) next[key] = own(v, `stateDict.state[${id}].${key}`, ['d', 'prev_flat_grad', 'old_dirs', 'old_stps'].includes(key));
    }
    this.paramGroups = [group];
    this._state = new Map(next === null ? [] : [[params[0], next]]);
  }
}

/** LBFGS's record (see OptimizerInfo). */
export const LBFGS_INFO = defineOptimizer({
  name: 'LBFGS',
  cls: LBFGS,
  schema: LBFGS_OPTIONS,
  description: 'L-BFGS: quasi-Newton steps from a history of gradient differences, closure-driven, optional strong-Wolfe line search; one param group.',
  reference: 'torch.optim.LBFGS',
  sgDefaults: {},
  flags: { stepAsTensor: false, hasGroupState: false },
});
