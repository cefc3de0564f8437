/**
 * PyTorch's LR schedulers (torch.optim.lr_scheduler, 2.x), written in TypeScript with PyTorch's
 * own recursive ("chainable") arithmetic so values match PyTorch's to the last bits, for the
 * mapping form of `lr_mode` (spec §10.6) and for scripts that step a scheduler themselves.
 *
 * Every class takes `(optimizer, kwargs)` with PyTorch's keyword names and defaults
 * (`{step_size: 3, gamma: 0.5, last_epoch: -1}`); an unknown or missing keyword is PyTorch's
 * TypeError ("StepLR.__init__() got an unexpected keyword argument 'gama'"), a bad value PyTorch's
 * ValueError as a RangeError with PyTorch's message. `stateDict()` has PyTorch's keys
 * (`base_lrs`, `last_epoch`, `_step_count`, ...; a plain function is saved as `null`, as PyTorch
 * saves None), and `loadStateDict()` reads a state dict made by PyTorch or by us.
 *
 * Departures (JavaScript has one number type): PyTorch refuses a float where it checks for an int
 * (`T_0=2.0`, `total_steps=10.0`) and an int where it checks for a float (`pct_start=1`); here
 * only non-integers are refused for the former and any number passes the latter. `step(epoch)`
 * (deprecated in PyTorch) is not offered. OneCycleLR refuses a step past total_steps before it
 * changes anything (PyTorch counts the step first).
 *
 * @example
 * const opt = new sg.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * const sched = new sg.training.OneCycleLR(opt, { max_lr: 0.1, total_steps: 1000 });
 * for (let i = 0; i < 1000; i++) { ...; opt.step(); sched.step(); }
 */
import { expectBoolean, expectNumber, isPlainObject, typeError, unknownNameError } from '../../errors';
import { LrParamGroup } from '../callbacks';

interface Optim {
  paramGroups: LrParamGroup[];
  defaults?: Record<string, unknown>;
}

type Kwargs = Record<string, unknown>;
type LrLambda = (epoch: number) => number;

// ---------------------------------------------------------------------------------------------
// Python's argument handling and value formatting, for PyTorch's messages.

const REQUIRED = Symbol('required');

/** Python's type name of a JS value (for "but got float"). */
function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'function') return 'function';
  if (Array.isArray(v)) return 'list';
  return 'dict';
}

/** str(v) as Python prints it (floats in repr form: 1e-05, inf). */
function pyStr(v: unknown): string {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    // Python's repr writes floats under 1e-4 with a two-digit exponent (1e-05); JS from 1e-7.
    // (A non-integer is never 1e16 or more, where Python writes 1e+16.)
    if (!Number.isInteger(v) && Math.abs(v) < 1e-4) {
      const [m, e] = v.toExponential().split('e-');
      return `${m}e-${e.padStart(2, '0')}`;
    }
    return String(v);
  }
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'string' ? `'${x}'` : pyStr(x))).join(', ')}]`;
  if (typeof v === 'function') return `<function ${v.name || '<lambda>'}>`;
  if (v === true) return 'True';
  if (v === false) return 'False';
  return String(v);
}

/** Python's list of missing names: 'a', or 'a' and 'b' (no scheduler requires more than two). */
function pyNames(names: string[]): string {
  return names.map((n) => `'${n}'`).join(' and ');
}

/**
 * Python's keyword binding: unknown keys and missing required ones are PyTorch's TypeErrors;
 * `undefined` counts as absent.
 */
function bindKwargs(cls: string, kw: unknown, spec: Record<string, unknown>): Kwargs {
  if (!isPlainObject(kw)) throw typeError(`${cls} arguments`, 'a mapping of keyword arguments', kw);
  for (const key of Object.keys(kw)) {
    if (kw[key] !== undefined && !Object.hasOwn(spec, key)) throw new TypeError(`${cls}.__init__() got an unexpected keyword argument '${key}'`);
  }
  const out: Kwargs = {};
  const missing: string[] = [];
  for (const [key, fallback] of Object.entries(spec)) {
    const given = Object.hasOwn(kw, key) ? kw[key] : undefined;
    if (given !== undefined) out[key] = given;
    else if (fallback === REQUIRED) missing.push(key);
    else out[key] = fallback;
  }
  if (missing.length > 0) {
    throw new TypeError(`${cls}.__init__() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${pyNames(missing)}`);
  }
  return out;
}

// NaN passes as in PyTorch, whose own range checks then decide.
function num(cls: string, kw: Kwargs, key: string): number {
  return expectNumber(`${cls}.${key}`, kw[key], { allowNaN: true });
}

function bool(cls: string, kw: Kwargs, key: string): boolean {
  return expectBoolean(`${cls}.${key}`, kw[key]);
}

function str(cls: string, kw: Kwargs, key: string): string {
  const v = kw[key];
  if (typeof v !== 'string') throw typeError(`${cls}.${key}`, 'a string', v);
  return v;
}

/** PyTorch's _format_param: one value per group (a list must have one per group). */
function perGroup(cls: string, name: string, optimizer: Optim, value: unknown): number[] {
  const n = optimizer.paramGroups.length;
  if (Array.isArray(value)) {
    if (value.length !== n) {
      throw new RangeError(`${name} must have the same length as optimizer.param_groups. ${name} has ${value.length} values, param_groups has ${n}.`);
    }
    value.forEach((v, i) => {
      if (typeof v !== 'number') throw typeError(`${cls}.${name}[${i}]`, 'a number', v);
    });
    return [...(value as number[])];
  }
  if (typeof value !== 'number') throw typeError(`${cls}.${name}`, 'a number or one number per param group', value);
  return optimizer.paramGroups.map(() => value);
}

/** The functions of LambdaLR / MultiplicativeLR: one for all groups or one per group. */
function lambdas(optimizer: Optim, value: unknown): unknown[] {
  const n = optimizer.paramGroups.length;
  if (!Array.isArray(value)) return optimizer.paramGroups.map(() => value);
  if (value.length !== n) throw new RangeError(`Expected ${n} lr_lambdas, but got ${value.length}`);
  return [...value];
}

/** Python's bisect.bisect_right. */
function bisectRight(list: number[], x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < list[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function checkOptimizer(optimizer: unknown): asserts optimizer is Optim {
  if (optimizer === null || typeof optimizer !== 'object' || !Array.isArray((optimizer as Optim).paramGroups)) {
    const name = optimizer !== null && typeof optimizer === 'object' ? (optimizer.constructor?.name ?? 'object') : pyTypeName(optimizer);
    throw new TypeError(`${name} is not an Optimizer`);
  }
}

/** Whether the optimizer has a momentum or betas option (PyTorch looks at optimizer.defaults). */
function momentumKind(optimizer: Optim): 'momentum' | 'betas' | null {
  const where = optimizer.defaults ?? optimizer.paramGroups[0] ?? {};
  if ('momentum' in where) return 'momentum';
  if ('betas' in where) return 'betas';
  return null;
}

function setMomentum(group: LrParamGroup, useBeta1: boolean, value: number): void {
  if (useBeta1) {
    const betas = Array.isArray(group.betas) ? (group.betas as number[]) : [];
    group.betas = [value, ...betas.slice(1)];
  } else group.momentum = value;
}

/** A copy of a state value: arrays and plain objects are copied, Maps become plain objects. */
function copyValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyValue);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, copyValue(x)]));
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyValue(x)]));
  return v;
}

/** PyTorch's state for a function: null for a plain function, else its own properties. */
function functionState(fn: unknown): Record<string, unknown> | null {
  if (typeof fn !== 'function') return null;
  const own = Object.keys(fn);
  return own.length === 0 ? null : Object.fromEntries(own.map((k) => [k, copyValue((fn as unknown as Record<string, unknown>)[k])]));
}

function loadFunctionState(fn: unknown, state: unknown): void {
  if (state === null || state === undefined || typeof fn !== 'function') return;
  if (!isPlainObject(state)) throw typeError('lr_lambdas state', 'null or an object', state);
  Object.assign(fn, copyValue(state));
}

/**
 * The fields to read from `state`: PyTorch's keys, or for a state dict saved by sg-optim before
 * it used PyTorch's layout (our property names: `lastEpoch`, `stepSize`, `numBadEpochs`, ...),
 * those names, so checkpoints written then still resume.
 */
function legacyKeys(fields: Array<[string, string]>, state: Record<string, unknown>): Array<[string, string]> {
  if (Object.hasOwn(state, 'last_epoch') || Object.hasOwn(state, '_last_lr') || !Object.hasOwn(state, 'lastEpoch')) return fields;
  return fields.map(([, prop]) => [prop, prop]);
}

// ---------------------------------------------------------------------------------------------

/** torch.optim.lr_scheduler.LRScheduler: the base of the chainable schedulers. */
export abstract class TorchScheduler {
  lastEpoch = -1;
  baseLrs: number[] = [];
  lastLr: number[] = [];
  protected stepCount = 0;
  protected isInitial = false;
  readonly optimizer: Optim;

  /**
   * PyTorch's LRScheduler.__init__ without the initial step (subclasses call initialStep() once
   * their own fields are set): `initial_lr` set in every group (last_epoch -1) or required.
   */
  constructor(optimizer: Optim, lastEpoch = -1, composite = false) {
    checkOptimizer(optimizer);
    this.optimizer = optimizer;
    if (composite) return;
    if (typeof lastEpoch !== 'number' || !Number.isInteger(lastEpoch)) throw typeError('last_epoch', 'an integer', lastEpoch);
    if (lastEpoch === -1) {
      for (const g of optimizer.paramGroups) if (g.initial_lr === undefined) g.initial_lr = g.lr;
    } else {
      optimizer.paramGroups.forEach((g, i) => {
        if (g.initial_lr === undefined) {
          throw new Error(
            `param 'initial_lr' is not specified in param_groups[${i}] when resuming scheduler with last_epoch >= 0.\n` +
              'This typically happens when:\n' +
              "1. You're trying to resume training from a checkpoint but haven't properly loaded the optimizer state\n" +
              "2. You're using last_epoch >= 0 for a fresh training run (not recommended)",
          );
        }
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initial_lr as number);
    this.lastEpoch = lastEpoch;
  }

  /** PyTorch's _initial_step: the step made at construction. */
  initialStep(): void {
    this.stepCount = 0;
    this.isInitial = true;
    try {
      this.step();
    } finally {
      this.isInitial = false;
    }
  }

  protected abstract getLr(): number[];

  /** The closed-form LR at lastEpoch, where PyTorch has one (used by SequentialLR at a milestone). */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /** Advances one step and writes the new LRs into the optimizer's groups. */
  step(): void {
    this.stepCount += 1;
    this.updateLr();
  }

  /** PyTorch's _update_lr: the next LR (epoch given: the closed form at that epoch, where there is one). */
  updateLr(epoch?: number): void {
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr() ?? this.getLr();
    }
    this.writeLrs(values);
  }

  protected writeLrs(values: number[]): void {
    const groups = this.optimizer.paramGroups;
    if (values.length !== groups.length) {
      throw new RangeError(`the scheduler has ${values.length} learning rates for ${groups.length} param groups (a group was added or removed after it was made)`);
    }
    groups.forEach((g, i) => (g.lr = values[i]));
    this.lastLr = groups.map((g) => g.lr as number);
  }

  /** The LR of every group after the last step (PyTorch's get_last_lr()). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  protected lrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  /** [PyTorch key, property] of everything stateDict() holds. */
  protected stateFields(): Array<[string, string]> {
    return [
      ['base_lrs', 'baseLrs'],
      ['last_epoch', 'lastEpoch'],
      ['_step_count', 'stepCount'],
      ['_is_initial', 'isInitial'],
      ['_get_lr_called_within_step', 'getLrCalledWithinStep'],
      ['_last_lr', 'lastLr'],
    ];
  }

  /** Always false between steps (PyTorch keeps the flag in its state). */
  protected getLrCalledWithinStep = false;

  /** The scheduler's state with PyTorch's keys (`torch.optim.lr_scheduler.X.state_dict()`). */
  stateDict(): Record<string, unknown> {
    const self = this as unknown as Record<string, unknown>;
    return Object.fromEntries(this.stateFields().map(([py, prop]) => [py, copyValue(self[prop])]));
  }

  /** Loads a state dict made by stateDict() or by PyTorch: the keys it has replace ours. */
  loadStateDict(state: Record<string, unknown>): void {
    this.checkState(state);
    const fields = legacyKeys(this.stateFields(), state);
    if (!fields.some(([py]) => Object.hasOwn(state, py))) {
      throw new Error(`${this.constructor.name}.loadStateDict: not a ${this.constructor.name} state dict (it has none of ${fields.map(([py]) => py).join(', ')}; keys: ${Object.keys(state).join(', ') || '(none)'})`);
    }
    const self = this as unknown as Record<string, unknown>;
    for (const [py, prop] of fields) if (Object.hasOwn(state, py)) self[prop] = this.loadValue(py, state[py]);
  }

  /** A state dict must be an object (subclasses check it before taking their own keys out). */
  protected checkState(state: unknown): asserts state is Record<string, unknown> {
    if (!isPlainObject(state)) throw typeError(`${this.constructor.name}.loadStateDict(state)`, 'an object', state);
  }

  /** A saved value as this class holds it (subclasses convert milestones, functions, ...). */
  protected loadValue(_key: string, value: unknown): unknown {
    return copyValue(value);
  }
}

/** LambdaLR: lr = initial_lr · lr_lambda(epoch); a function or one per group. */
export class LambdaLR extends TorchScheduler {
  readonly fns: LrLambda[];
  constructor(optimizer: Optim, kwargs: Record<string, unknown>) {
    checkOptimizer(optimizer);
    const kw = bindKwargs('LambdaLR', kwargs, { lr_lambda: REQUIRED, last_epoch: -1 });
    const fns = lambdas(optimizer, kw.lr_lambda);
    // PyTorch fails in its first step, calling the value: the same TypeError before any change.
    for (const f of fns) if (typeof f !== 'function') throw new TypeError(`'${pyTypeName(f)}' object is not callable`);
    super(optimizer, kw.last_epoch as number);
    this.fns = fns as LrLambda[];
    this.initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((base, i) => base * this.fns[i](this.lastEpoch));
  }
  override stateDict(): Record<string, unknown> {
    return { ...super.stateDict(), lr_lambdas: this.fns.map(functionState) };
  }
  override loadStateDict(state: Record<string, unknown>): void {
    this.checkState(state);
    const { lr_lambdas: saved, ...rest } = state;
    super.loadStateDict(rest);
    if (Array.isArray(saved)) saved.forEach((s, i) => loadFunctionState(this.fns[i], s));
  }
}

/** MultiplicativeLR: lr ← lr · lr_lambda(epoch) at each step. */
export class MultiplicativeLR extends LambdaLR {
  constructor(optimizer: Optim, kwargs: Record<string, unknown>) {
    checkOptimizer(optimizer);
    const kw = bindKwargs('MultiplicativeLR', kwargs, { lr_lambda: REQUIRED, last_epoch: -1 });
    for (const f of lambdas(optimizer, kw.lr_lambda)) {
      if (typeof f !== 'function') throw new TypeError(`lr_lambda should be a function, but got ${pyTypeName(f)}`);
    }
    super(optimizer, kw);
  }
  protected override getLr(): number[] {
    if (this.isInitial) return this.lrs();
    return this.lrs().map((lr, i) => lr * this.fns[i](this.lastEpoch));
  }
}

/** StepLR: lr ← lr · gamma every step_size steps. */
export class StepLR extends TorchScheduler {
  stepSize: number;
  gamma: number;
  constructor(optimizer: Optim, kwargs: Record<string, unknown>) {
    checkOptimizer(optimizer);
    const kw = bindKwargs('StepLR', kwargs, { step_size: REQUIRED, gamma: 0.1, last_epoch: -1 });
    const stepSize = num('StepLR', kw, 'step_size');
    const gamma = num('StepLR', kw, 'gamma');
    super(optimizer, kw.last_epoch as number);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.lrs();
    if (this.stepSize === 0) throw new RangeError('integer modulo by zero');
    if (this.lastEpoch % this.stepSize !== 0) return this.lrs();
    return this.lrs().map((lr) => lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
  protected override stateFields(): Array<[string, string]> {
    return [['step_size', 'stepSize'], ['gamma', 'gamma'], ...super.stateFields()];
  }
}

/** MultiStepLR: lr ← lr · gamma^n at a milestone listed n times. */
export class MultiStepLR extends TorchScheduler {
  milestones: Map<number, number>;
  gamma: number;
  constructor(optimizer: Optim, kwargs: Record<string, unknown>) {
    checkOptimizer(optimizer);
    const kw = bindKwargs('MultiStepLR', kwargs, { milestones: REQUIRED, gamma: 0.1, last_epoch: -1 });
    const list = kw.milestones;
    if (!Array.isArray(list) || !list.every((m) => typeof m === 'number')) throw typeError('MultiStepLR.milestones', 'an array of epochs', list);
    const gamma = num('MultiStepLR', kw, 'gamma');
    super(optimizer, kw.last_epoch as number);
    this.milestones = new Map();
    for (const m of list as number[]) this.milestones.set(m, (this.milestones.get(m) ?? 0) + 1);
    this.gamma = gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    const count = this.milestones.get(this.lastEpoch);
    if (count === undefined) return this.lrs();
    return this.lrs().map((lr) => lr * this.gamma ** count);
  }
  protected override closedFormLr(): number[] {
    const sorted = [...this.milestones].flatMap(([m, n]) => Array<number>(n).fill(m)).sort((a, b) => a - b);
    return this.baseLrs.map((base) => base * this.gamma ** bisectRight(sorted, this.lastEpoch));
  }
  protected override stateFields(): Array<[string, string]> {
    return [['milestones', 'milestones'], ['gamma', 'gamma'], ...super.stateFields()];
  }
  protected override loadValue(key: string, value: unknown): unknown {
    if (key !== 'milestones') return super.loadValue(key, value);
    // PyTorch's Counter: {epoch: count}; our pickles and JSON bring the keys back as strings.
    const entries = value instanceof Map ? [...value] : isPlainObject(value) ? Object.entries(value) : null;
    if (entries === null) throw typeError('MultiStepLR state milestones', 'a {milestone: count} mapping', value);
    return new Map(entries.map(([k, n]) => [Number(k), Number(n)]));
  }
}

/** ConstantLR: lr · factor until total_iters, then lr. */
export class ConstantLR extends TorchScheduler {
  factor: number;
  totalIters: number;
  constructor(optimizer: Optim, kwargs: Record<string, unknown>) {
    checkOptimizer(optimizer);
    const kw = bindKwargs('ConstantLR', kwargs, { factor: 1 / 3, total_iters: 5, last_epoch: -1 });
    const factor = num('ConstantLR', kw, 'factor');
    if (factor > 1 || factor < 0) throw new RangeError('Constant multiplicative factor expected to be between 0 and 1.');
    const totalIters = num('ConstantLR', kw, 'total_iters');
    super(optimizer, kw.last_epoch as number);
    this.factor = factor;
    this.totalIters = totalIters;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.lrs().map((lr) => lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return this.lrs();
    if (this.factor === 0) throw new RangeError('float division by zero');
    return this.lrs().map((lr) => lr * (1 / this.factor));
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * (this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor)));
  }
  protected override stateFields(): Array<[string, string]> {
    return [['factor', 'factor'], ['total_iters', 'totalIters'], ...super.stateFields()];
  }
}

/** LinearLR: the factor goes linearly from start_factor to end_factor over total_iters steps. */
export class LinearLR extends TorchScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;
  constructor(optimizer: Optim, kwargs: Record<string, unknown>) {
    checkOptimizer(optimizer);
    const kw = bindKwargs('LinearLR', kwargs, { start_factor: 1 / 3, end_factor: 1, total_iters: 5, last_epoch: -1 });
    const startFactor = num('LinearLR', kw, 'start_factor');
    const endFactor = num('LinearLR', kw, 'end_factor');
    if (startFactor > 1 || startFactor <= 0) throw new RangeError('Starting multiplicative factor expected to be greater than 0 and less or equal to 1.');
    if (endFactor > 1 || endFactor < 0) throw new RangeError('Ending multiplicative factor expected to be between 0 and 1.');
    const totalIters = num('LinearLR', kw, 'total_iters');
    super(optimizer, kw.last_epoch as number);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.lrs().map((lr) => lr * this.startFactor);
    if (this.isInitial || this.lastEpoch > this.totalIters) return this.lrs();
    const d = this.endFactor - this.startFactor;
    return this.lrs().map((lr) => lr * (1 + d / (this.totalIters * this.startFactor + (this.lastEpoch - 1) * d)));
  }
  protected override closedFormLr(): number[] {
    const d = this.endFactor - this.startFactor;
    return this.baseLrs.map((base) => base * (this.startFactor + (d * Math.min(this.totalIters, this.lastEpoch)) / this.totalIters));
  }
  protected override stateFields(): Array<[string, string]> {
    return [['start_factor', 'startFactor'], ['end_factor', 'endFactor'], ['total_iters', 'totalIters'], ...super.stateFields()];
  }
}

/** ExponentialLR: lr ← lr · gamma at each step. */
export class ExponentialLR extends TorchScheduler {
  gamma: number;
  constructor(optimizer: Optim, kwargs: Record<string, unknown>) {
    checkOptimizer(optimizer);
    const kw = bindKwargs('ExponentialLR', kwargs, { gamma: REQUIRED, last_epoch: -1 });
    const gamma = num('ExponentialLR', kw, 'gamma');
    super(optimizer, kw.last_epoch as number);
    this.gamma = gamma;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.isInitial) return this.lrs();
    return this.lrs().map((lr) => lr * this.gamma);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** this.lastEpoch);
  }
  protected override stateFields(): Array<[string, string]> {
    return [['gamma', 'gamma'], ...super.stateFields()];
  }
}

/** PolynomialLR: lr = initial_lr · (1 − t/total_iters)^power. */
export class PolynomialLR extends TorchScheduler {
  totalIters: number;
  power: number;
  constructor(optimizer: Optim, kwargs: Record<string, unknown>) {
    checkOptimizer(optimizer);
    const kw = bindKwargs('PolynomialLR', kwargs, { total_iters: 5, power: 1, last_epoch: -1 });
    const totalIters = num('PolynomialLR', kw, 'total_iters');
    const power = num('PolynomialLR', kw, 'power');
    super(optimizer, kw.last_epoch as number);
    this.totalIters = totalIters;
    this.power = power;
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.isInitial || this.lastEpoch > this.totalIters) return this.lrs();
    const decay = ((1 - this.lastEpoch / this.totalIters) / (1 - (this.lastEpoch - 1) / this.totalIters)) ** this.power;
    return this.lrs().map((lr) => lr * decay);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
  protected override stateFields(): Array<[string, string]> {
    return [['total_iters', 'totalIters'], ['power', 'power'], ...super.stateFields()];
  }
}

/** CosineAnnealingLR: PyTorch's recursive form (it keeps cycling past T_max). */
export class CosineAnnealingLR extends TorchScheduler {
  tMax: number;
  etaMin: number;
  constructor(optimizer: Optim, kwargs: Record<string, unknown>) {
    checkOptimizer(optimizer);
    const kw = bindKwargs('CosineAnnealingLR', kwargs, { T_max: REQUIRED, eta_min: 0, last_epoch: -1 });
    const tMax = num('CosineAnnealingLR', kw, 'T_max');
    const etaMin = num('CosineAnnealingLR', kw, 'eta_min');
    super(optimizer, kw.last_epoch as number);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }
  protected getLr(): number[] {
    const e = this.lastEpoch;
    const T = this.tMax;
    if (this.isInitial) return this.lrs();
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    if ((e - 1 - T) % (2 * T) === 0) {
      return this.lrs().map((lr, i) => lr + ((this.baseLrs[i] - this.etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return this.lrs().map((lr) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - this.etaMin) + this.etaMin);
  }
  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2);
  }
  protected override stateFields(): Array<[string, string]> {
    return [['T_max', 'tMax'], ['eta_min', 'etaMin'], ...super.stateFields()];
  }
}

/** CosineAnnealingWarmRestarts (SGDR): cosine over T_i steps, T_i ← T_i · T_mult at each restart. */
export class CosineAnnealingWarmRestarts extends TorchScheduler {
  t0: number;
  tMult: number;
  etaMin: number;
  tI: number;
  tCur: number;
  constructor(optimizer: Optim, kwargs: Record<string, unknown>) {
    checkOptimizer(optimizer);
    const kw = bindKwargs('CosineAnnealingWarmRestarts', kwargs, { T_0: REQUIRED, T_mult: 1, eta_min: 0, last_epoch: -1 });
    const { T_0: t0, T_mult: tMult, eta_min: etaMin } = kw;
    if (typeof t0 !== 'number' || t0 <= 0 || !Number.isInteger(t0)) throw new RangeError(`Expected positive integer T_0, but got ${pyStr(t0)}`);
    if (typeof tMult !== 'number' || tMult < 1 || !Number.isInteger(tMult)) throw new RangeError(`Expected integer T_mult >= 1, but got ${pyStr(tMult)}`);
    if (typeof etaMin !== 'number') throw new RangeError(`Expected float or int eta_min, but got ${pyStr(etaMin)} of type <class '${pyTypeName(etaMin)}'>`);
    super(optimizer, kw.last_epoch as number);
    this.t0 = t0;
    this.tI = t0;
    this.tMult = tMult;
    this.etaMin = etaMin;
    this.tCur = this.lastEpoch;
    this.initialStep();
  }
  /** PyTorch's own step: it does not count _step_count. */
  override step(): void {
    let epoch: number;
    if (this.lastEpoch < 0) {
      epoch = 0;
      this.tI = this.t0;
      this.tCur = epoch;
    } else {
      epoch = this.lastEpoch + 1;
      this.tCur += 1;
      if (this.tCur >= this.tI) {
        this.tCur %= this.tI;
        this.tI *= this.tMult;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this.writeLrs(this.getLr());
  }
  protected getLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }
  protected override stateFields(): Array<[string, string]> {
    return [['T_0', 't0'], ['T_i', 'tI'], ['T_mult', 'tMult'], ['eta_min', 'etaMin'], ['T_cur', 'tCur'], ...super.stateFields()];
  }
}

const CYCLIC_MODES = ['triangular', 'triangular2', 'exp_range'];

/**
 * CyclicLR: triangular, triangular2, exp_range or a scale_fn; base_lr, max_lr, base_momentum and
 * max_momentum may be one value per group. With cycle_momentum the momentum (or Adam's beta1)
 * cycles inversely to the LR.
 */
export class CyclicLR extends TorchScheduler {
  maxLrs: number[];
  totalSize: number;
  stepRatio: number;
  mode: string;
  gamma: number;
  scaleMode: 'cycle' | 'iterations';
  cycleMomentum: boolean;
  useBeta1 = false;
  baseMomentums: number[] = [];
  maxMomentums: number[] = [];
  readonly scaleFnCustom: ((x: number) => number) | null;
  constructor(optimizer: Optim, kwargs: Record<string, unknown>) {
    checkOptimizer(optimizer);
    const C = 'CyclicLR';
    const kw = bindKwargs(C, kwargs, {
      base_lr: REQUIRED, max_lr: REQUIRED, step_size_up: 2000, step_size_down: null, mode: 'triangular', gamma: 1, scale_fn: null,
      scale_mode: 'cycle', cycle_momentum: true, base_momentum: 0.8, max_momentum: 0.9, last_epoch: -1,
    });
    const lastEpoch = kw.last_epoch as number;
    const baseLrs = perGroup(C, 'base_lr', optimizer, kw.base_lr);
    const maxLrs = perGroup(C, 'max_lr', optimizer, kw.max_lr);
    const up = num(C, kw, 'step_size_up');
    const down = kw.step_size_down === null ? up : num(C, kw, 'step_size_down');
    const mode = str(C, kw, 'mode');
    const scaleFn = kw.scale_fn;
    if (scaleFn !== null && typeof scaleFn !== 'function') throw typeError(`${C}.scale_fn`, 'a function or null', scaleFn);
    if (!CYCLIC_MODES.includes(mode) && scaleFn === null) throw new RangeError('mode is invalid and scale_fn is None');
    const gamma = num(C, kw, 'gamma');
    const scaleMode = str(C, kw, 'scale_mode');
    if (scaleMode !== 'cycle' && scaleMode !== 'iterations') throw new RangeError(`scale_mode must be 'cycle' or 'iterations', got '${scaleMode}'`);
    const cycleMomentum = bool(C, kw, 'cycle_momentum');
    let kind: 'momentum' | 'betas' | null = null;
    let baseMomentums: number[] = [];
    let maxMomentums: number[] = [];
    if (cycleMomentum) {
      kind = momentumKind(optimizer);
      if (kind === null) throw new RangeError('optimizer must support momentum or beta1 with `cycle_momentum` option enabled');
      baseMomentums = perGroup(C, 'base_momentum', optimizer, kw.base_momentum);
      maxMomentums = perGroup(C, 'max_momentum', optimizer, kw.max_momentum);
    }
    // Everything checked: PyTorch's changes to the groups, then LRScheduler.__init__.
    if (lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => (g.lr = baseLrs[i]));
    if (cycleMomentum && lastEpoch === -1) {
      optimizer.paramGroups.forEach((g, i) => {
        setMomentum(g, kind === 'betas', maxMomentums[i]);
        g.max_momentum = maxMomentums[i];
        g.base_momentum = baseMomentums[i];
      });
    }
    super(optimizer, lastEpoch);
    this.maxLrs = maxLrs;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = mode;
    this.gamma = gamma;
    this.scaleFnCustom = scaleFn as ((x: number) => number) | null;
    this.scaleMode = scaleMode;
    this.initScaleMode();
    this.cycleMomentum = cycleMomentum;
    if (cycleMomentum) {
      this.useBeta1 = kind === 'betas';
      this.baseMomentums = baseMomentums;
      this.maxMomentums = maxMomentums;
    }
    this.initialStep();
    this.baseLrs = baseLrs;
  }
  /** PyTorch's _init_scale_fn: the built-in modes fix scale_mode. */
  private initScaleMode(): void {
    if (this.scaleFnCustom !== null) return;
    if (this.mode === 'exp_range') this.scaleMode = 'iterations';
    else if (CYCLIC_MODES.includes(this.mode)) this.scaleMode = 'cycle';
  }
  scaleFn(x: number): number {
    if (this.scaleFnCustom !== null) return this.scaleFnCustom(x);
    if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
    if (this.mode === 'exp_range') return this.gamma ** x;
    return 1;
  }
  protected getLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const factor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const scale = this.scaleFn(this.scaleMode === 'cycle' ? cycle : this.lastEpoch);
    const lrs = this.baseLrs.map((base, i) => base + (this.maxLrs[i] - base) * factor * scale);
    if (this.cycleMomentum) {
      const momentums = this.baseMomentums.map((base, i) => this.maxMomentums[i] - (this.maxMomentums[i] - base) * factor * scale);
      this.optimizer.paramGroups.forEach((g, i) => setMomentum(g, this.useBeta1, momentums[i]));
    }
    return lrs;
  }
  protected override stateFields(): Array<[string, string]> {
    return [
      ['max_lrs', 'maxLrs'], ['total_size', 'totalSize'], ['step_ratio', 'stepRatio'], ['mode', 'mode'], ['gamma', 'gamma'],
      ['scale_mode', 'scaleMode'], ['cycle_momentum', 'cycleMomentum'],
      ...(this.cycleMomentum ? ([['use_beta1', 'useBeta1'], ['base_momentums', 'baseMomentums'], ['max_momentums', 'maxMomentums']] as Array<[string, string]>) : []),
      ...super.stateFields(),
    ];
  }
  override stateDict(): Record<string, unknown> {
    return { ...super.stateDict(), _scale_fn_custom: functionState(this.scaleFnCustom) };
  }
  override loadStateDict(state: Record<string, unknown>): void {
    this.checkState(state);
    const { _scale_fn_custom: fn, ...rest } = state;
    // cycle_momentum decides which keys are read: take it first.
    if (typeof rest.cycle_momentum === 'boolean') this.cycleMomentum = rest.cycle_momentum;
    super.loadStateDict(rest);
    loadFunctionState(this.scaleFnCustom, fn);
    this.initScaleMode();
  }
}

interface SchedulePhase {
  end_step: number;
  start_lr: string;
  end_lr: string;
  start_momentum: string;
  end_momentum: string;
}

/**
 * OneCycleLR: up from max_lr/div_factor to max_lr over pct_start of total_steps, then down to
 * initial_lr/final_div_factor (cos or linear; three_phase goes back to initial_lr first);
 * momentum (or beta1) cycles inversely. max_lr, base_momentum, max_momentum: one value or one per group.
 */
export class OneCycleLR extends TorchScheduler {
  totalSteps: number;
  schedulePhases: SchedulePhase[];
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  useBeta1 = false;
  constructor(optimizer: Optim, kwargs: Record<string, unknown>) {
    checkOptimizer(optimizer);
    const C = 'OneCycleLR';
    const kw = bindKwargs(C, kwargs, {
      max_lr: REQUIRED, total_steps: null, epochs: null, steps_per_epoch: null, pct_start: 0.3, anneal_strategy: 'cos', cycle_momentum: true,
      base_momentum: 0.85, max_momentum: 0.95, div_factor: 25, final_div_factor: 1e4, three_phase: false, last_epoch: -1,
    });
    const lastEpoch = kw.last_epoch as number;
    const isPositiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
    let totalSteps: number;
    if (kw.total_steps !== null) {
      if (!isPositiveInt(kw.total_steps)) throw new RangeError(`Expected positive integer total_steps, but got ${pyStr(kw.total_steps)}`);
      totalSteps = kw.total_steps as number;
    } else if (kw.epochs !== null && kw.steps_per_epoch !== null) {
      if (!isPositiveInt(kw.epochs)) throw new RangeError(`Expected positive integer epochs, but got ${pyStr(kw.epochs)}`);
      if (!isPositiveInt(kw.steps_per_epoch)) throw new RangeError(`Expected positive integer steps_per_epoch, but got ${pyStr(kw.steps_per_epoch)}`);
      totalSteps = (kw.epochs as number) * (kw.steps_per_epoch as number);
    } else {
      throw new RangeError('You must define either total_steps OR (epochs AND steps_per_epoch)');
    }
    const pct = kw.pct_start;
    if (typeof pct !== 'number' || pct < 0 || pct > 1) throw new RangeError(`Expected float between 0 and 1 pct_start, but got ${pyStr(pct)}`);
    const phases: SchedulePhase[] = kw.three_phase
      ? [
          { end_step: pct * totalSteps - 1, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
          { end_step: 2 * pct * totalSteps - 2, start_lr: 'max_lr', end_lr: 'initial_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
          { end_step: totalSteps - 1, start_lr: 'initial_lr', end_lr: 'min_lr', start_momentum: 'max_momentum', end_momentum: 'max_momentum' },
        ]
      : [
          { end_step: pct * totalSteps - 1, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' },
          { end_step: totalSteps - 1, start_lr: 'max_lr', end_lr: 'min_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
        ];
    const anneal = kw.anneal_strategy;
    if (anneal !== 'cos' && anneal !== 'linear') throw new RangeError(`anneal_strategy must be one of 'cos' or 'linear', instead got ${pyStr(anneal)}`);
    const maxLrs = perGroup(C, 'max_lr', optimizer, kw.max_lr);
    const divFactor = num(C, kw, 'div_factor');
    const finalDivFactor = num(C, kw, 'final_div_factor');
    const cycleMomentum = bool(C, kw, 'cycle_momentum');
    bool(C, kw, 'three_phase');
    let kind: 'momentum' | 'betas' | null = null;
    let maxMomentums: number[] = [];
    let baseMomentums: number[] = [];
    if (cycleMomentum) {
      kind = momentumKind(optimizer);
      if (kind === null) throw new RangeError('optimizer must support momentum or beta1 with `cycle_momentum` option enabled');
      maxMomentums = perGroup(C, 'max_momentum', optimizer, kw.max_momentum);
      baseMomentums = perGroup(C, 'base_momentum', optimizer, kw.base_momentum);
    }
    if (lastEpoch === -1) {
      optimizer.paramGroups.forEach((g, i) => {
        g.initial_lr = maxLrs[i] / divFactor;
        g.max_lr = maxLrs[i];
        g.min_lr = (g.initial_lr as number) / finalDivFactor;
      });
      if (cycleMomentum) {
        optimizer.paramGroups.forEach((g, i) => {
          setMomentum(g, kind === 'betas', maxMomentums[i]);
          g.max_momentum = maxMomentums[i];
          g.base_momentum = baseMomentums[i];
        });
      }
    }
    super(optimizer, lastEpoch);
    this.totalSteps = totalSteps;
    this.schedulePhases = phases;
    this.annealStrategy = anneal;
    this.cycleMomentum = cycleMomentum;
    if (cycleMomentum) this.useBeta1 = kind === 'betas';
    this.initialStep();
  }
  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }
  override step(): void {
    if (this.lastEpoch + 1 > this.totalSteps) {
      throw new RangeError(`Tried to step ${this.lastEpoch + 1} times. The specified number of total steps is ${this.totalSteps}`);
    }
    super.step();
  }
  protected getLr(): number[] {
    const stepNum = this.lastEpoch; // step() refused a step past totalSteps
    const phases = this.schedulePhases;
    return this.optimizer.paramGroups.map((group) => {
      let startStep = 0;
      let lr = 0;
      let momentum = 0;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i];
        const endStep = phase.end_step;
        if (stepNum <= endStep || i === phases.length - 1) {
          // pct_start 1: the last phase is empty, and PyTorch's division fails there.
          if (endStep === startStep) throw new RangeError('float division by zero');
          const pct = (stepNum - startStep) / (endStep - startStep);
          lr = this.anneal(group[phase.start_lr] as number, group[phase.end_lr] as number, pct);
          if (this.cycleMomentum) momentum = this.anneal(group[phase.start_momentum] as number, group[phase.end_momentum] as number, pct);
          break;
        }
        startStep = phase.end_step;
      }
      if (this.cycleMomentum) setMomentum(group, this.useBeta1, momentum);
      return lr;
    });
  }
  protected override stateFields(): Array<[string, string]> {
    return [
      ['total_steps', 'totalSteps'], ['_schedule_phases', 'schedulePhases'], ['_anneal_func_type', 'annealStrategy'], ['cycle_momentum', 'cycleMomentum'],
      ...(this.cycleMomentum ? ([['use_beta1', 'useBeta1']] as Array<[string, string]>) : []),
      ...super.stateFields(),
    ];
  }
  override loadStateDict(state: Record<string, unknown>): void {
    this.checkState(state);
    if (typeof state.cycle_momentum === 'boolean') this.cycleMomentum = state.cycle_momentum;
    super.loadStateDict(state);
  }
}

function plateauError(cls: string, index: number): RangeError {
  return new RangeError(
    `${cls} does not support \`ReduceLROnPlateau\` scheduler as it requires additional kwargs to be specified when calling \`step\`, but got one at index ${index} in the given schedulers sequence.`,
  );
}

/** PyTorch's checks of a composite's list that need no construction (ReduceLROnPlateau in it). */
function checkNoPlateau(cls: string, list: unknown[]): void {
  list.forEach((s, i) => {
    if (s instanceof ReduceLROnPlateau || (isPlainObject(s) && Object.keys(s)[0] === 'ReduceLROnPlateau')) throw plateauError(cls, i);
  });
}

/** A scheduler of a composite: an instance, or a `{Name: kwargs}` mapping built on the same optimizer. */
function subScheduler(cls: string, optimizer: Optim, value: unknown, index: number): TorchScheduler {
  let s: unknown = value;
  if (isPlainObject(value) && Object.keys(value).length === 1) {
    const [name, kw] = Object.entries(value)[0];
    const Ctor = Object.hasOwn(TORCH_SCHEDULERS, name) ? TORCH_SCHEDULERS[name] : undefined;
    if (!Ctor) throw unknownNameError(`${cls}.schedulers[${index}]`, name, Object.keys(TORCH_SCHEDULERS));
    s = new Ctor(optimizer, kw as Kwargs);
  }
  if (!(s instanceof TorchScheduler)) throw new TypeError(`${cls} at index ${index} should have \`optimizer\` as its attribute.`);
  if (s.optimizer !== optimizer) {
    throw new RangeError(
      `${cls} expects all schedulers to belong to the same optimizer, but got scheduler ${s.constructor.name} at index ${index} has ${s.optimizer?.constructor?.name}, which is different from ${optimizer.constructor?.name}.`,
    );
  }
  return s;
}

function loadSubStates(cls: string, schedulers: TorchScheduler[], saved: unknown): void {
  if (saved === undefined) return;
  if (!Array.isArray(saved) || saved.length !== schedulers.length) {
    throw typeError(`${cls} state _schedulers`, `an array of ${schedulers.length} state dicts`, saved);
  }
  saved.forEach((s, i) => schedulers[i].loadStateDict(s as Record<string, unknown>));
}

/**
 * SequentialLR: `schedulers[i]` runs from `milestones[i-1]`; each is a scheduler on the same
 * optimizer or a `{Name: kwargs}` mapping (`{schedulers: [{LinearLR: {...}}, {CosineAnnealingLR:
 * {...}}], milestones: [5]}`).
 */
export class SequentialLR extends TorchScheduler {
  readonly schedulers: TorchScheduler[];
  milestones: number[];
  constructor(optimizer: Optim, kwargs: Record<string, unknown>) {
    checkOptimizer(optimizer);
    const C = 'SequentialLR';
    const kw = bindKwargs(C, kwargs, { schedulers: REQUIRED, milestones: REQUIRED, last_epoch: -1 });
    const list = kw.schedulers;
    const milestones = kw.milestones;
    if (!Array.isArray(list)) throw typeError(`${C}.schedulers`, 'an array of schedulers', list);
    if (!Array.isArray(milestones) || !milestones.every((m) => typeof m === 'number')) throw typeError(`${C}.milestones`, 'an array of steps', milestones);
    if (list.length < 1) throw new RangeError(`${C} expects at least one scheduler, but got no scheduler.`);
    checkNoPlateau(C, list);
    if (milestones.length !== list.length - 1) {
      throw new RangeError(
        `Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${list.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    }
    const schedulers = list.map((s, i) => subScheduler(C, optimizer, s, i));
    super(optimizer, -1, true);
    this.schedulers = schedulers;
    this.milestones = [...(milestones as number[])];
    this.lastEpoch = (kw.last_epoch as number) + 1;
    for (const g of optimizer.paramGroups) g.lr = g.initial_lr as number;
    this.recursiveUndo(this);
    const idx = bisectRight(this.milestones, 0);
    this.schedulers[idx].initialStep();
    this.lastLr = this.schedulers[idx].getLastLr();
  }
  private recursiveUndo(s: TorchScheduler): void {
    if (s instanceof SequentialLR || s instanceof ChainedScheduler) for (const sub of s.schedulers) this.recursiveUndo(sub);
    else s.lastEpoch -= 1;
  }
  protected getLr(): number[] {
    return this.lrs();
  }
  override step(): void {
    this.lastEpoch += 1;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const scheduler = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.updateLr(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }
  protected override stateFields(): Array<[string, string]> {
    return [['_milestones', 'milestones'], ['last_epoch', 'lastEpoch'], ['_last_lr', 'lastLr']];
  }
  override stateDict(): Record<string, unknown> {
    return { ...super.stateDict(), _schedulers: this.schedulers.map((s) => s.stateDict()) };
  }
  override loadStateDict(state: Record<string, unknown>): void {
    this.checkState(state);
    const { _schedulers: saved, ...rest } = state;
    super.loadStateDict(rest);
    loadSubStates('SequentialLR', this.schedulers, saved);
  }
}

/** ChainedScheduler: every scheduler steps at each step, one after the other (`{schedulers: [...]}`). */
export class ChainedScheduler extends TorchScheduler {
  readonly schedulers: TorchScheduler[];
  constructor(optimizer: Optim, kwargs: Record<string, unknown>) {
    checkOptimizer(optimizer);
    const C = 'ChainedScheduler';
    const kw = bindKwargs(C, kwargs, { schedulers: REQUIRED });
    const list = kw.schedulers;
    if (!Array.isArray(list)) throw typeError(`${C}.schedulers`, 'an array of schedulers', list);
    if (list.length < 1) throw new RangeError(`${C} expects at least one scheduler to be chained, but got no scheduler.`);
    checkNoPlateau(C, list);
    const schedulers = list.map((s, i) => subScheduler(C, optimizer, s, i));
    super(optimizer, -1, true);
    this.schedulers = schedulers;
    this.lastLr = this.lrs();
  }
  protected getLr(): number[] {
    return this.lrs();
  }
  override step(): void {
    for (const s of this.schedulers) s.step();
    this.lastLr = this.lrs();
  }
  protected override stateFields(): Array<[string, string]> {
    return [['_last_lr', 'lastLr']];
  }
  override stateDict(): Record<string, unknown> {
    return { ...super.stateDict(), _schedulers: this.schedulers.map((s) => s.stateDict()) };
  }
  override loadStateDict(state: Record<string, unknown>): void {
    this.checkState(state);
    const { _schedulers: saved, ...rest } = state;
    super.loadStateDict(rest);
    loadSubStates('ChainedScheduler', this.schedulers, saved);
  }
}

/**
 * ReduceLROnPlateau: lr ← max(lr · factor, min_lr) after more than `patience` steps without
 * improvement of the metric (`step(metric)`); modes min/max, thresholds rel/abs, cooldown, eps.
 */
export class ReduceLROnPlateau {
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  defaultMinLr: number | null;
  eps: number;
  best: number;
  modeWorse: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  lastLr: number[];
  readonly optimizer: Optim;

  constructor(optimizer: Optim, kwargs: Record<string, unknown>) {
    const C = 'ReduceLROnPlateau';
    const kw = bindKwargs(C, kwargs, { mode: 'min', factor: 0.1, patience: 10, threshold: 1e-4, threshold_mode: 'rel', cooldown: 0, min_lr: 0, eps: 1e-8 });
    const factor = num(C, kw, 'factor');
    if (factor >= 1) throw new RangeError('Factor should be < 1.0.');
    checkOptimizer(optimizer);
    const minLr = kw.min_lr;
    let minLrs: number[];
    let defaultMinLr: number | null;
    if (Array.isArray(minLr)) {
      if (minLr.length !== optimizer.paramGroups.length) throw new RangeError(`expected ${optimizer.paramGroups.length} min_lrs, got ${minLr.length}`);
      minLr.forEach((v, i) => {
        if (typeof v !== 'number') throw typeError(`${C}.min_lr[${i}]`, 'a number', v);
      });
      defaultMinLr = null;
      minLrs = [...(minLr as number[])];
    } else {
      const v = num(C, kw, 'min_lr');
      defaultMinLr = v;
      minLrs = optimizer.paramGroups.map(() => v);
    }
    const patience = num(C, kw, 'patience');
    const cooldown = num(C, kw, 'cooldown');
    const eps = num(C, kw, 'eps');
    const threshold = num(C, kw, 'threshold');
    const mode = kw.mode;
    const thresholdMode = kw.threshold_mode;
    ReduceLROnPlateau.checkModes(mode, thresholdMode);
    this.factor = factor;
    this.optimizer = optimizer;
    this.defaultMinLr = defaultMinLr;
    this.minLrs = minLrs;
    this.patience = patience;
    this.cooldown = cooldown;
    this.eps = eps;
    this.lastLr = this.lrs();
    this.mode = mode as 'min' | 'max';
    this.threshold = threshold;
    this.thresholdMode = thresholdMode as 'rel' | 'abs';
    this.modeWorse = this.mode === 'min' ? Infinity : -Infinity;
    this.best = this.modeWorse;
  }

  private static checkModes(mode: unknown, thresholdMode: unknown): void {
    if (mode !== 'min' && mode !== 'max') throw new RangeError(`mode ${pyStr(mode)} is unknown!`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new RangeError(`threshold mode ${pyStr(thresholdMode)} is unknown!`);
  }

  private lrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min' && this.thresholdMode === 'abs') return a < best - this.threshold;
    if (this.mode === 'max' && this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  /** One step with this epoch's value of the watched metric. */
  step(metric?: number): void {
    if (typeof metric !== 'number') throw typeError('ReduceLROnPlateau.step(metric)', 'a number', metric);
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.lrs();
  }

  private reduceLr(): void {
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.minLrs.length) {
      if (this.defaultMinLr === null) {
        throw new Error(
          `The number of param groups in the \`optimizer\` (${groups.length}) differs from when \`ReduceLROnPlateau\` was initialized (${this.minLrs.length}), usually due to a new param group being added to the optimizer. Please modify the \`min_lrs\` field to match the length of the \`optimizer\` param groups.`,
        );
      }
      this.minLrs = groups.map(() => this.defaultMinLr as number);
    }
    groups.forEach((g, i) => {
      const old = g.lr as number;
      const next = Math.max(old * this.factor, this.minLrs[i]);
      if (old - next > this.eps) g.lr = next;
    });
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  private static readonly FIELDS: Array<[string, string]> = [
    ['factor', 'factor'], ['default_min_lr', 'defaultMinLr'], ['min_lrs', 'minLrs'], ['patience', 'patience'], ['cooldown', 'cooldown'],
    ['eps', 'eps'], ['last_epoch', 'lastEpoch'], ['_last_lr', 'lastLr'], ['mode_worse', 'modeWorse'], ['mode', 'mode'],
    ['threshold', 'threshold'], ['threshold_mode', 'thresholdMode'], ['best', 'best'], ['cooldown_counter', 'cooldownCounter'],
    ['num_bad_epochs', 'numBadEpochs'],
  ];

  /** PyTorch's state: mode, factor, patience, threshold(_mode), cooldown, min_lrs, eps and the counters. */
  stateDict(): Record<string, unknown> {
    const self = this as unknown as Record<string, unknown>;
    return Object.fromEntries(ReduceLROnPlateau.FIELDS.map(([py, prop]) => [py, copyValue(self[prop])]));
  }

  /** Restores everything stateDict() holds (a PyTorch state dict too); modes are checked first. */
  loadStateDict(state: Record<string, unknown>): void {
    if (!isPlainObject(state)) throw typeError('ReduceLROnPlateau.loadStateDict(state)', 'an object', state);
    const fields = legacyKeys(ReduceLROnPlateau.FIELDS, state);
    if (!fields.some(([py]) => Object.hasOwn(state, py))) {
      throw new Error(`ReduceLROnPlateau.loadStateDict: not a ReduceLROnPlateau state dict (keys: ${Object.keys(state).join(', ') || '(none)'})`);
    }
    ReduceLROnPlateau.checkModes(state.mode ?? this.mode, state.threshold_mode ?? this.thresholdMode);
    const self = this as unknown as Record<string, unknown>;
    for (const [py, prop] of fields) if (Object.hasOwn(state, py)) self[prop] = copyValue(state[py]);
    // PyTorch's _init_is_better after the update: mode_worse follows mode.
    this.modeWorse = this.mode === 'min' ? Infinity : -Infinity;
  }
}

type SchedulerCtor = new (opt: Optim, kw: Record<string, unknown>) => { step(metric?: number): void; stateDict(): unknown; loadStateDict(s: Record<string, unknown>): void };

/** torch.optim.lr_scheduler's schedulers by name (the mapping form of `lr_mode`). */
export const TORCH_SCHEDULERS: Record<string, SchedulerCtor> = {
  StepLR,
  LambdaLR,
  MultiStepLR,
  ConstantLR,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  CyclicLR,
  ExponentialLR,
  ReduceLROnPlateau,
  LinearLR,
  MultiplicativeLR,
  PolynomialLR,
  OneCycleLR,
  SequentialLR,
  ChainedScheduler,
};

/** The scheduler of a `{Name: {...kwargs}}` lr_mode mapping (phase and metric_name removed). */
export function createTorchScheduler(mode: Record<string, unknown>, optimizer: Optim) {
  const [name, kwargs] = Object.entries(mode)[0];
  // Own names only: `constructor` or `toString` must not reach Object.prototype's members.
  const Ctor = Object.hasOwn(TORCH_SCHEDULERS, name) ? TORCH_SCHEDULERS[name] : undefined;
  if (!Ctor) throw unknownNameError('lr_mode scheduler', name, Object.keys(TORCH_SCHEDULERS));
  if (!isPlainObject(kwargs)) throw typeError(`lr_mode.${name}`, 'a mapping of scheduler arguments', kwargs);
  const { phase, metric_name, ...rest } = kwargs;
  return { name, scheduler: new Ctor(optimizer, rest), phase, metricName: metric_name as string | undefined };
}
