/**
 * The optimizer base class, with PyTorch's semantics: param groups are plain objects with the
 * defaults merged in, parameter state is created lazily, `stateDict()` uses PyTorch's layout.
 * Custom optimizers written in TypeScript extend it and implement `step()`; the built-in ones
 * extend it through NativeOptimizer.
 */
import { isPlainObject, typeError, unknownNameError } from '../errors';
import { native } from '../native';
import { isFloatingDtype } from '../tensor/dtype';
import { enableGrad } from '../tensor/grad-mode';
import { Tensor } from '../tensor/tensor';

/** One param group: its parameters and its option values (`lr`, `weight_decay`, ..., `name`). */
export interface ParamGroup {
  params: Tensor[];
  lr?: number;
  name?: string;
  [option: string]: unknown;
}

/** What optimizers accept: a list of tensors, or a list of `{params, ...options}` groups. */
export type ParamsOrGroups = Tensor[] | Array<{ params: Tensor[] | Tensor; [option: string]: unknown }>;

/** PyTorch's state_dict layout: state by parameter index (counted across groups), groups with indices. */
export interface OptimizerStateDict {
  state: Record<number, Record<string, unknown>>;
  param_groups: Array<Record<string, unknown> & { params: number[] }>;
}

export type Closure = () => unknown;

/**
 * PyTorch's `required` (torch.optim.optimizer.required): a default that every group must set
 * itself. A custom optimizer passes it as a default; a group without the option is an error.
 *
 * @example
 * class Sign extends sg.optim.Optimizer {
 *   constructor(params: sg.optim.ParamsOrGroups, opts: { lr?: number } = {}) { super(params, { lr: opts.lr ?? sg.optim.required }); }
 *   ...
 * }
 * new Sign([{ params: [w] }]); // Error: parameter group didn't specify a value of required optimization parameter lr (param_groups[0])
 */
export const required: unique symbol = Symbol('required');

/** PyTorch's warning for a param group that lists a parameter more than once (torch.optim 2.x). */
export const DUPLICATE_PARAMS_WARNING =
  'optimizer contains a parameter group with duplicate parameters; in future, this will cause an error; see github.com/pytorch/pytorch/issues/40967 for more information';

/** The parameter lists already warned about (a list is warned about once, not on every re-check). */
const WARNED_DUPLICATES = new WeakSet<readonly unknown[]>();

function implId(t: Tensor): number {
  return native.implId(t._h);
}

/**
 * Base class of every optimizer.
 *
 * @example
 * class Sign extends sg.optim.Optimizer {
 *   constructor(params: sg.optim.ParamsOrGroups, opts: { lr?: number } = {}) { super(params, { lr: opts.lr ?? 0.01 }); }
 *   step() {
 *     sg.noGrad(() => {
 *       for (const g of this.paramGroups) for (const p of g.params) if (p.grad) p.sub_(p.grad.sign().mul(g.lr!));
 *     });
 *   }
 * }
 *
 * Declare `static optionNames` to have typos in `optimizer_params` refused, as the built-ins do
 * (without it every key is passed through unchecked, since the base class cannot know them):
 * @example
 * class Sign extends sg.optim.Optimizer {
 *   static optionNames = ['lr', 'weight_decay'];
 *   ...
 * }
 * sg.optim.buildOptimizer(model, 0.1, { optimizer: Sign, optimizer_params: { weight_decai: 1e-4 } });
 * // TypeError: unknown Sign option 'weight_decai'; did you mean 'weight_decay'? known: lr, weight_decay (at optimizer_params.weight_decai)
 */
export abstract class Optimizer {
  /**
   * The optimizer_params keys a custom optimizer accepts (`lr` included if it takes one). When a
   * subclass declares it, buildOptimizer (the Trainer's and recipes' path) refuses unknown keys,
   * naming the key, the valid ones and the nearest. `new Cls(params, opts)` itself is not checked:
   * the base constructor never sees `opts`.
   */
  static optionNames?: readonly string[];

  /** The constructor options every group inherits unless it sets its own. */
  defaults: Record<string, unknown>;
  /** Live param groups: edit `paramGroups[i].lr` (or any option) and the next step uses it. */
  paramGroups: ParamGroup[] = [];
  /** @internal Storage behind `state` (an accessor, so native-backed subclasses can supply it). */
  protected _state: Map<Tensor, Record<string, unknown>> = new Map();

  /** Per-parameter state, created lazily by step(). */
  get state(): Map<Tensor, Record<string, unknown>> {
    return this._state;
  }
  set state(value: Map<Tensor, Record<string, unknown>>) {
    this._state = value;
  }

  constructor(paramsOrGroups: ParamsOrGroups, defaults: Record<string, unknown>) {
    if (!isPlainObject(defaults)) throw typeError('defaults', 'an object', defaults);
    this.defaults = defaults;
    if (paramsOrGroups instanceof Tensor) {
      throw new TypeError(
        'params argument given to the optimizer should be an array of Tensors or of param groups, but got a single Tensor',
      );
    }
    if (!Array.isArray(paramsOrGroups)) {
      throw typeError('params', 'an array of Tensors or of {params, ...} groups', paramsOrGroups);
    }
    if (paramsOrGroups.length === 0) throw new Error('optimizer got an empty parameter list');
    const groups = paramsOrGroups[0] instanceof Tensor ? [{ params: paramsOrGroups as Tensor[] }] : paramsOrGroups;
    const prepared: ParamGroup[] = [];
    groups.forEach((g, i) => prepared.push(this.prepareGroup(g, `param_groups[${i}]`, prepared)));
    this.paramGroups = prepared;
  }

  /**
   * Checks a group and merges the defaults in, as PyTorch's add_param_group: each parameter a
   * floating-point leaf Tensor; options the group lacks come from the defaults, and one whose
   * default is `required` must be given; a parameter listed twice in the group is PyTorch's
   * warning, a parameter of another group is PyTorch's error.
   */
  protected prepareGroup(group: unknown, path: string, existing: ParamGroup[]): ParamGroup {
    if (!isPlainObject(group)) throw typeError(path, 'a param group {params, ...options}', group);
    let params = group.params as unknown;
    if (params instanceof Tensor) params = [params];
    if (!Array.isArray(params)) throw typeError(`${path}.params`, 'an array of Tensors', params);
    const merged: ParamGroup = { ...group, params: [...(params as Tensor[])] };
    const ids = this.checkParamTensors(merged.params, path);
    this.fillDefaults(merged, path);
    const seen = new Set<number>();
    for (const g of existing) for (const p of g.params) seen.add(implId(p));
    this.checkRepeats(merged.params, ids, path, seen);
    return merged;
  }

  /** Sets every option the group lacks to the optimizer's default; a missing `required` one is PyTorch's error. */
  protected fillDefaults(group: Record<string, unknown>, path: string): void {
    for (const [key, value] of Object.entries(this.defaults)) {
      if (key in group) continue;
      if (value === required) throw new Error(`parameter group didn't specify a value of required optimization parameter ${key} (${path})`);
      group[key] = Array.isArray(value) ? [...value] : value;
    }
  }

  /** Checks one group's parameter list (Tensors, not disposed, floating point, leaves); returns their identities. */
  protected checkParamTensors(params: readonly unknown[], path: string): number[] {
    const ids: number[] = [];
    params.forEach((p: unknown, k: number) => {
      const where = `${path}.params[${k}]`;
      if (!(p instanceof Tensor)) throw typeError(where, 'a Tensor', p);
      if (p.isDisposed) throw new Error(`${where} has been disposed`);
      const dtype = p.dtype;
      if (!['float32', 'float64', 'float16', 'bfloat16'].includes(dtype)) {
        throw new TypeError(`optimizer can only optimize Tensors of floating point dtype, but ${where} has dtype ${dtype}`);
      }
      if (!p.isLeaf) throw new Error(`can't optimize a non-leaf Tensor (${where})`);
      ids.push(implId(p));
    });
    return ids;
  }

  /**
   * A parameter listed twice in one group gets PyTorch's warning (once per list); one that
   * `otherGroups` (the identities of the other groups' parameters) holds is PyTorch's error. The
   * group's identities are then added to `otherGroups`.
   */
  protected checkRepeats(params: readonly unknown[], ids: readonly number[], path: string, otherGroups: Set<number>): void {
    if (new Set(ids).size !== ids.length && !WARNED_DUPLICATES.has(params)) {
      WARNED_DUPLICATES.add(params);
      process.emitWarning(DUPLICATE_PARAMS_WARNING, 'UserWarning');
    }
    ids.forEach((id, k) => {
      if (otherGroups.has(id)) throw new Error(`some parameters appear in more than one parameter group (${path}.params[${k}])`);
    });
    for (const id of ids) otherGroups.add(id);
  }

  /** Adds a group (defaults merged in), as PyTorch's add_param_group. */
  addParamGroup(group: { params: Tensor[] | Tensor; [option: string]: unknown }): void {
    const prepared = this.prepareGroup(group, `param_groups[${this.paramGroups.length}]`, this.paramGroups);
    this.paramGroups.push(prepared);
  }

  /** Clears gradients: set to null (default, as PyTorch 2.x) or zeroed in place. */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p.grad;
        if (g === null) continue;
        if (setToNone) p.grad = null;
        else g.zero_();
      }
    }
  }

  /** One update of every parameter that has a gradient. Returns the closure's loss, if given. */
  abstract step(closure?: Closure): unknown;

  /** Runs the closure with autograd on, as PyTorch's step(closure) does. */
  protected evaluateClosure(closure?: Closure): unknown {
    if (closure === undefined || closure === null) return undefined;
    if (typeof closure !== 'function') throw typeError('step(closure)', 'a function', closure);
    return enableGrad(closure);
  }

  /** Every parameter in group order (the index used by stateDict). */
  protected allParams(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** The state of one parameter as stateDict shows it (null when it has none yet). */
  protected paramState(param: Tensor): Record<string, unknown> | null {
    return this._state.get(param) ?? null;
  }

  /** Group-level state (Lamb's step) included in stateDict's param_groups. */
  protected groupState(_index: number): Record<string, unknown> {
    return {};
  }

  /**
   * The parameters' indices as PyTorch's state_dict gives them: counted across groups; a
   * parameter listed more than once in a group gets the index of its last place in that group
   * (PyTorch's param_mappings), and every place still counts. Returns each group's indices and
   * each indexed parameter once.
   */
  protected paramIndices(): { groups: number[][]; indexed: Array<[number, Tensor]> } {
    const mapping = new Map<number, number>();
    const indexed = new Map<number, Tensor>();
    let start = 0;
    const groups = this.paramGroups.map((group) => {
      const ids = group.params.map(implId);
      const local = new Map<number, number>();
      ids.forEach((id, k) => {
        if (!mapping.has(id)) {
          local.set(id, start + k);
          indexed.set(id, group.params[k]);
        }
      });
      for (const [id, index] of local) mapping.set(id, index);
      start += ids.length;
      return ids.map((id) => mapping.get(id)!);
    });
    return { groups, indexed: [...indexed].map(([id, p]) => [mapping.get(id)!, p]) };
  }

  /** The optimizer's state in PyTorch's layout. */
  stateDict(): OptimizerStateDict {
    const { groups, indexed } = this.paramIndices();
    const state: Record<number, Record<string, unknown>> = {};
    for (const [index, p] of indexed) {
      const s = this.paramState(p);
      if (s !== null) state[index] = s;
    }
    const param_groups = this.paramGroups.map((group, g) => {
      const { params: _params, ...options } = group;
      return { ...options, ...this.groupState(g), params: groups[g] };
    });
    return { state, param_groups };
  }

  /**
   * Loads a state dict made by stateDict() (or by PyTorch): checks group count, group sizes and
   * state shapes first; on any mismatch it throws and the optimizer is unchanged.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const { groups, states } = this.checkStateDict(stateDict);
    this.applyStates(states);
    this.paramGroups = groups;
  }

  /** Validates a state dict against this optimizer; returns the new groups and per-param states. */
  protected checkStateDict(stateDict: unknown): { groups: ParamGroup[]; states: Array<[Tensor, Record<string, unknown>]> } {
    if (!isPlainObject(stateDict)) throw typeError('loadStateDict(stateDict)', 'an object {state, param_groups}', stateDict);
    const savedGroups = stateDict.param_groups;
    const savedState = stateDict.state;
    if (!Array.isArray(savedGroups)) throw typeError('stateDict.param_groups', 'an array', savedGroups);
    if (savedState !== undefined && !isPlainObject(savedState) && !(savedState instanceof Map)) {
      throw typeError('stateDict.state', 'an object', savedState);
    }
    if (savedGroups.length !== this.paramGroups.length) {
      throw new Error(`loaded state dict has a different number of parameter groups (${savedGroups.length}, the optimizer has ${this.paramGroups.length})`);
    }
    const idToParam = new Map<string, Tensor>();
    const groups = savedGroups.map((saved: unknown, g: number) => {
      if (!isPlainObject(saved)) throw typeError(`stateDict.param_groups[${g}]`, 'an object', saved);
      const ours = this.paramGroups[g];
      const ids = saved.params;
      if (!Array.isArray(ids)) throw typeError(`stateDict.param_groups[${g}].params`, 'an array of indices', ids);
      if (ids.length !== ours.params.length) {
        throw new Error(
          `loaded state dict contains a parameter group that doesn't match the size of optimizer's group (param_groups[${g}] has ${ids.length} parameters, the optimizer's has ${ours.params.length})`,
        );
      }
      ids.forEach((id: unknown, k: number) => idToParam.set(String(id), ours.params[k]));
      const { params: _ignored, ...options } = saved;
      return { ...options, params: ours.params } as ParamGroup;
    });
    const states: Array<[Tensor, Record<string, unknown>]> = [];
    const entries = savedState instanceof Map ? [...savedState.entries()] : Object.entries(savedState ?? {});
    for (const [id, value] of entries) {
      const param = idToParam.get(String(id));
      if (param === undefined) throw new Error(`stateDict.state has an entry for parameter ${String(id)}, which no group lists`);
      if (!isPlainObject(value)) throw typeError(`stateDict.state[${String(id)}]`, 'an object', value);
      for (const [key, v] of Object.entries(value)) {
        if (v instanceof Tensor && v.numel() > 1 && v.shape.join() !== param.shape.join() && !this.stateKeyOfOwnShape(key)) {
          throw new RangeError(
            `stateDict.state[${String(id)}].${key} has shape [${v.shape.join(', ')}] but its parameter has shape [${param.shape.join(', ')}]`,
          );
        }
      }
      states.push([param, value]);
    }
    return { groups, states };
  }

  /**
   * Whether state tensors under `key` have a shape of their own rather than their parameter's
   * (Adafactor's row_var and col_var); their shapes are checked where they are read.
   */
  protected stateKeyOfOwnShape(_key: string): boolean {
    return false;
  }

  /** Replaces all per-parameter state (already validated). */
  protected applyStates(states: Array<[Tensor, Record<string, unknown>]>): void {
    const next = new Map<Tensor, Record<string, unknown>>();
    for (const [param, value] of states) {
      const copy: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) copy[key] = v instanceof Tensor ? v.to({ dtype: isFloatingDtype(v.dtype) ? param.dtype : v.dtype, device: param.device }).clone() : v;
      next.set(param, copy);
    }
    this._state = next;
  }
}

/**
 * Refuses optimizer_params keys that `cls.optionNames` does not list (no-op for a class without
 * it, so the built-ins, which check against their option tables, are unaffected). The message
 * matches the built-ins': "unknown Sign option 'lrr'; did you mean 'lr'? known: lr (at optimizer_params.lrr)".
 */
export function checkOptionNames(cls: { name: string; optionNames?: readonly string[] }, options: Record<string, unknown>, path = 'optimizer_params'): void {
  const known = cls.optionNames;
  if (known === undefined || known === null) return;
  if (!Array.isArray(known) || !known.every((n) => typeof n === 'string')) {
    throw typeError(`${cls.name}.optionNames`, 'an array of option names (strings)', known);
  }
  for (const key of Object.keys(options)) {
    if (key === 'params') throw new TypeError(`${path}.params is not allowed: the parameters are given separately (they come from the model)`);
    if (!known.includes(key)) {
      const err = unknownNameError('option', key, known);
      throw new TypeError(`${err.message.replace('unknown option', `unknown ${cls.name} option`)} (at ${path}.${key})`);
    }
  }
}
