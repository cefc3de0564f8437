/**
 * The TypeScript face of the native optimizers. Param groups stay plain JavaScript objects; each
 * step() hands all of them to native code in one call, which checks every value, applies them
 * and steps (LibTorch's torch::optim for SGD/Adam/AdamW/RMSprop, ours for RMSpropTF/Lamb/Lion).
 */
import { isPlainObject, typeError } from '../errors';
import { native } from '../native';
import type { NativeGroupState, NativeOptimizerHandle, NativeOptimizerState, NativeTensorHandle, StepPath as NativeStepPath } from '../native-api';
import { tensor } from '../tensor/creation';
import { Tensor } from '../tensor/tensor';
import { checkImplementationFlags, completeLoadedGroup, OptionSchema, rejectUnknownOptions, schemaDefaults, validateOptions } from './option-schema';
import { Closure, Optimizer, OptimizerStateDict, ParamGroup, ParamsOrGroups } from './optimizer';
import type { OptimizerInfo } from './optimizer-info';

/** @internal Which implementation ran a step: our fused CPU loops or CUDA kernels, LibTorch's fused Adam, or the reference. */
export type StepPath = NativeStepPath;

/** The record of an optimizer stepped by native code: its name is the native kind, and it has a schema. */
export type NativeOptimizerInfo = OptimizerInfo & { readonly schema: OptionSchema };

export abstract class NativeOptimizer extends Optimizer {
  /** @internal */
  private native!: NativeOptimizerHandle;
  /** @internal The group objects, param arrays and their contents last handed to native code. */
  private synced: { groups: ParamGroup[]; params: Tensor[][]; contents: Tensor[][] } = { groups: [], params: [], contents: [] };
  /**
   * @internal Native code takes each parameter once; a parameter listed k times in a group is
   * stepped k times, as PyTorch's loop does: `repeats[r]` holds the parameters stepped in the
   * (r + 2)-th pass, `distinct` every parameter once (both as of the last sync).
   */
  private repeats: Tensor[][] = [];
  private distinct: Tensor[] = [];
  /** @internal The implementation the last step() ran (tests check that each path is exercised). */
  lastStepPath: StepPath | null = null;

  /** The native kind: the record's name. */
  readonly kind: string;
  /** The option table every group is checked against. */
  readonly schema: OptionSchema;
  /** @internal The optimizer's record: its flags decide the state layout. */
  private readonly info: NativeOptimizerInfo;

  protected constructor(info: NativeOptimizerInfo, paramsOrGroups: ParamsOrGroups, optimizerParams: Record<string, unknown> = {}) {
    const { name: kind, schema } = info;
    if (!isPlainObject(optimizerParams)) throw typeError(`${kind} optimizer_params`, 'an object', optimizerParams);
    rejectUnknownOptions(kind, schema, optimizerParams, 'optimizer_params');
    validateOptions(schema, optimizerParams, 'optimizer_params', false);
    checkImplementationFlags(optimizerParams, 'optimizer_params');
    super(paramsOrGroups, { ...schemaDefaults(schema), ...optimizerParams });
    this.info = info;
    this.kind = kind;
    this.schema = schema;
    this.paramGroups.forEach((g, i) => this.checkAll(g, `param_groups[${i}]`, optimizerParams));
    this.sendGroups(true);
  }

  /** Checks across options of one group (SGD's nesterov rule); throws before anything is built. */
  protected checkGroup(_group: ParamGroup, _path: string, _optimizerParams: Record<string, unknown>): void {}

  /** Every check of one group's option values: types and ranges, flags, then the cross-option rules. */
  private checkAll(group: Record<string, unknown>, path: string, optimizerParams: Record<string, unknown>): void {
    validateOptions(this.schema, group, path, true);
    checkImplementationFlags(group, path);
    this.checkGroup(group as ParamGroup, path, optimizerParams);
  }

  /** The groups as native code takes them: each parameter once (its first place in the group). */
  private nativeGroups() {
    const repeats: Tensor[][] = [];
    const distinct: Tensor[] = [];
    const groups = this.paramGroups.map((g) => {
      const counts = new Map<number, number>();
      const once: Tensor[] = [];
      for (const p of g.params) {
        const id = native.implId(p._h);
        const n = (counts.get(id) ?? 0) + 1;
        counts.set(id, n);
        if (n === 1) once.push(p);
        else (repeats[n - 2] ??= []).push(p);
      }
      distinct.push(...once);
      return { params: once.map((p) => p._h), options: g };
    });
    return { groups, repeats, distinct };
  }

  /** Hands the groups to native code (a new native optimizer when `create`) and records what was sent. */
  private sendGroups(create: boolean): void {
    const { groups, repeats, distinct } = this.nativeGroups();
    if (create) this.native = new native.NativeOptimizer(this.kind, groups, this.defaults);
    else this.native.setGroups(groups);
    this.repeats = repeats;
    this.distinct = distinct;
    this.synced = { groups: [...this.paramGroups], params: this.paramGroups.map((g) => g.params), contents: this.paramGroups.map((g) => [...g.params]) };
  }

  /** True when a group array holds the same tensors as when it was last handed to native code. */
  private static sameContents(params: Tensor[], synced: Tensor[]): boolean {
    if (params.length !== synced.length) return false;
    for (let k = 0; k < params.length; k++) if (params[k] !== synced[k]) return false;
    return true;
  }

  /**
   * Re-sends the parameter lists when groups were added (addParamGroup, or pushed onto
   * paramGroups), removed, replaced or given new or other params. Everything is checked before
   * anything changes: a group not seen before gets the optimizer's defaults for the options it
   * lacks (as addParamGroup) and the constructor's checks; changed parameter lists get the
   * parameter checks, and a parameter in two groups is PyTorch's error. Group-level state
   * (Lamb's step) follows its group: the same group object, or one over the same parameter list
   * (a group replaced by `{...g, lr}`); a new group starts without any.
   */
  private syncGroups(): void {
    const s = this.synced;
    const groups = this.paramGroups as unknown;
    if (!Array.isArray(groups)) throw typeError('paramGroups', 'an array of param groups', groups);
    let same = groups.length === s.groups.length;
    for (let i = 0; same && i < groups.length; i++) {
      same = groups[i] === s.groups[i] && groups[i].params === s.params[i] && NativeOptimizer.sameContents(groups[i].params, s.contents[i]);
    }
    if (same) return;
    const knownLists = new Map<Tensor[], Tensor[]>();
    s.params.forEach((list, i) => knownLists.set(list, s.contents[i]));
    const knownGroups = new Set<ParamGroup>(s.groups);
    const fills: Array<[ParamGroup, Record<string, unknown>]> = [];
    const idsOf: Array<number[] | null> = [];
    let paramsChanged = groups.length !== s.groups.length;
    const lists = new Set<Tensor[]>();
    groups.forEach((g: unknown, i: number) => {
      const path = `param_groups[${i}]`;
      if (!isPlainObject(g) || !Array.isArray(g.params)) throw typeError(path, 'a param group {params, ...options}', g);
      const group = g as ParamGroup;
      const synced = knownLists.get(group.params);
      // A list seen before, unchanged, and not shared with another group needs no parameter checks.
      const unchanged = synced !== undefined && !lists.has(group.params) && NativeOptimizer.sameContents(group.params, synced);
      lists.add(group.params);
      if (!unchanged) paramsChanged = true;
      idsOf.push(unchanged ? null : this.checkParamTensors(group.params, path));
      if (!knownGroups.has(group)) {
        const filled: Record<string, unknown> = { ...group };
        this.fillDefaults(filled, path);
        this.checkAll(filled, path, {});
        fills.push([group, filled]);
      }
    });
    if (paramsChanged) {
      const seen = new Set<number>();
      groups.forEach((g: ParamGroup, i: number) => this.checkRepeats(g.params, idsOf[i] ?? g.params.map((p) => native.implId(p._h)), `param_groups[${i}]`, seen));
    }
    // Checked: now change things.
    for (const [group, filled] of fills) {
      for (const [key, value] of Object.entries(filled)) if (!(key in group)) group[key] = value;
    }
    const groupStates = this.info.flags.hasGroupState ? this.carriedGroupStates(groups as ParamGroup[]) : null;
    this.sendGroups(false);
    if (groupStates !== null) this.native.setGroupStates(groupStates);
  }

  /** Each group's native group state as of the last sync, found by group object or parameter list; `{step: 0}` for a new group. */
  private carriedGroupStates(groups: ParamGroup[]): Array<Record<string, unknown>> {
    const s = this.synced;
    const byGroup = new Map<ParamGroup, NativeGroupState>();
    const byList = new Map<Tensor[], NativeGroupState>();
    s.groups.forEach((g, i) => {
      const state = this.native.getGroupState(i);
      byGroup.set(g, state);
      if (NativeOptimizer.sameContents(s.params[i], s.contents[i])) byList.set(s.params[i], state);
    });
    return groups.map((g) => ({ step: 0, ...(byGroup.get(g) ?? byList.get(g.params) ?? {}) }));
  }

  /**
   * Adds a group, as PyTorch's add_param_group: options it lacks come from the optimizer's
   * defaults, then the constructor's checks; a parameter already in a group is PyTorch's error.
   * On an error the optimizer is unchanged.
   */
  override addParamGroup(group: { params: Tensor[] | Tensor; [option: string]: unknown }): void {
    this.syncGroups();
    const path = `param_groups[${this.paramGroups.length}]`;
    const prepared = this.prepareGroup(group, path, this.paramGroups);
    this.checkAll(prepared, path, {});
    this.paramGroups.push(prepared);
    try {
      this.syncGroups();
    } catch (err) {
      this.paramGroups.pop();
      throw err;
    }
  }

  /**
   * One update of every parameter with a gradient. With a closure, it is called first with
   * autograd on (also inside noGrad), as PyTorch's step(closure), and step returns what it
   * returns (a Tensor or a number); without one, step returns undefined.
   */
  step(closure?: Closure): unknown {
    const loss = this.evaluateClosure(closure);
    this.syncGroups();
    // Options edited since the last step (a scheduler, a user) get the constructor's range and
    // flag checks: a NaN or negative lr, or differentiable: true, is an error here, not NaN
    // weights or a silently ignored flag after the step.
    this.paramGroups.forEach((g, i) => {
      validateOptions(this.schema, g, `param_groups[${i}]`, true);
      checkImplementationFlags(g, `param_groups[${i}]`);
    });
    if (this.repeats.length === 0) {
      this.lastStepPath = this.native.step(this.paramGroups, this.defaults);
      return loss;
    }
    this.stepWithRepeats();
    return loss;
  }

  /**
   * A step when a group lists a parameter more than once: PyTorch's loop updates such a
   * parameter once per place, in order, with its one gradient and its one state. Native code
   * takes each parameter once, so the repeated places are further passes in which only the
   * repeated parameters show their gradients (the others' are put aside and put back). Where the
   * reference reads every state before updating any (repeatedParams.freshStatePerPlace: SGD's
   * momentum buffers), a parameter without state before the step starts each pass from none, and keeps
   * the last pass's. Group-level state (Lamb's step) counts the step once.
   */
  private stepWithRepeats(): void {
    const clipOption = this.info.repeatedParams?.refusedWhileSet;
    if (clipOption !== undefined && this.defaults[clipOption] !== null && this.defaults[clipOption] !== undefined) {
      throw new Error(
        `${this.kind} cannot step a param group that lists a parameter more than once while ${clipOption} is ${String(this.defaults[clipOption])}: ` +
          `its global gradient norm spans every parameter (set ${clipOption} to null, or list each parameter once)`,
      );
    }
    const fresh = this.info.repeatedParams?.freshStatePerPlace ? new Set(this.repeats.flat().filter((p) => this.native.getState(p._h) === null)) : new Set<Tensor>();
    const groupStates = this.info.flags.hasGroupState ? this.paramGroups.map((_, i) => this.native.getGroupState(i)) : null;
    this.lastStepPath = this.native.step(this.paramGroups, this.defaults);
    for (const pass of this.repeats) {
      const shown = new Set(pass.map((p) => native.implId(p._h)));
      const restartFrom = pass.filter((p) => fresh.has(p));
      if (restartFrom.length > 0) {
        const ids = new Set(restartFrom.map((p) => native.implId(p._h)));
        const keep: Array<[NativeTensorHandle, NativeOptimizerState]> = [];
        for (const p of this.distinct) {
          if (ids.has(native.implId(p._h))) continue;
          const s = this.native.getState(p._h);
          if (s !== null) keep.push([p._h, s]);
        }
        this.native.setStates(keep);
      }
      if (groupStates !== null) this.native.setGroupStates(groupStates);
      const hidden: Array<[Tensor, Tensor]> = [];
      try {
        for (const p of this.distinct) {
          if (shown.has(native.implId(p._h))) continue;
          const g = p.grad;
          if (g === null) continue;
          hidden.push([p, g]);
          p.grad = null;
        }
        this.native.step(this.paramGroups, this.defaults);
      } finally {
        for (const [p, g] of hidden) p.grad = g;
      }
    }
  }

  override zeroGrad(setToNone = true): void {
    this.syncGroups();
    this.native.zeroGrad(setToNone);
  }

  /** Per-parameter state (live tensors), keyed by parameter. */
  override get state(): Map<Tensor, Record<string, unknown>> {
    const out = new Map<Tensor, Record<string, unknown>>();
    if (this.native === undefined) return out;
    this.syncGroups();
    for (const p of this.allParams()) {
      const s = this.native.getState(p._h);
      if (s !== null) out.set(p, wrapState(s));
    }
    return out;
  }
  override set state(_value: Map<Tensor, Record<string, unknown>>) {
    throw new Error(`${this.kind}.state is owned by native code; use loadStateDict()`);
  }

  protected override paramState(param: Tensor): Record<string, unknown> | null {
    const s = this.native.getState(param._h);
    if (s === null) return null;
    const out = wrapState(s);
    if (this.info.flags.stepAsTensor && typeof out.step === 'number') {
      out.step = tensor(out.step, { dtype: 'float32' });
    }
    return out;
  }

  protected override groupState(index: number): Record<string, unknown> {
    return this.native.getGroupState(index);
  }

  /** The state dict in PyTorch's layout, of the groups as they are now (edited in place or not). */
  override stateDict(): OptimizerStateDict {
    this.syncGroups();
    return super.stateDict();
  }

  /**
   * Loads a state dict in PyTorch's layout. Everything is checked first (groups completed as the
   * reference's `__setstate__` does, options, shapes); should native code still refuse a value,
   * the previous state and groups are put back, so on any error the optimizer is unchanged.
   */
  override loadStateDict(stateDict: OptimizerStateDict): void {
    this.syncGroups();
    const checked = this.checkStateDict(stateDict);
    const groups = checked.groups.map((g, i) => {
      const path = `stateDict.param_groups[${i}]`;
      const completed = completeLoadedGroup(this.kind, this.schema, g, path) as ParamGroup;
      this.checkAll(completed, path, {});
      return completed;
    });
    const groupStates = groups.map((g, i) => (this.info.flags.hasGroupState ? readGroupStep(g, `stateDict.param_groups[${i}]`) : {}));
    const nativeStates = checked.states.map(([param, value]) => {
      const plain: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) {
        if (key === 'step') plain.step = v instanceof Tensor ? Number(v.item()) : v;
        else plain[key] = v instanceof Tensor ? v._h : v;
      }
      return [param._h, plain] as const;
    });
    const previous = this.snapshot();
    try {
      this.native.setStates(nativeStates);
      this.paramGroups = groups.map((g) => {
        const { step: _step, ...rest } = g;
        return this.info.flags.hasGroupState ? (rest as ParamGroup) : g;
      });
      this.syncGroups();
      this.native.setGroupStates(groupStates);
    } catch (err) {
      this.restore(previous);
      throw err;
    }
  }

  /** @internal What loadStateDict replaces: groups, per-parameter and per-group native state. */
  private snapshot() {
    const states: Array<[NativeTensorHandle, NativeOptimizerState]> = [];
    for (const p of this.allParams()) {
      const s = this.native.getState(p._h);
      if (s !== null) states.push([p._h, s]);
    }
    return { groups: this.paramGroups, states, groupStates: this.paramGroups.map((_, i) => this.native.getGroupState(i)) };
  }

  /** @internal Puts a snapshot back. */
  private restore(previous: ReturnType<NativeOptimizer['snapshot']>): void {
    this.native.setStates(previous.states);
    this.paramGroups = previous.groups;
    this.syncGroups();
    this.native.setGroupStates(previous.groupStates);
  }
}

/** A loaded group's step counter (optimizers with group state, as Lamb, keep one per group): absent, or a non-negative integer. */
function readGroupStep(group: Record<string, unknown>, path: string): Record<string, unknown> {
  if (!('step' in group)) return {};
  const step = group.step instanceof Tensor ? Number(group.step.item()) : group.step;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) throw typeError(`${path}.step`, 'a non-negative integer', group.step);
  return { step };
}

function wrapState(s: NativeOptimizerState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(s)) out[key] = typeof v === 'object' ? new Tensor(v) : v;
  return out;
}
