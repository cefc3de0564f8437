/**
 * The TypeScript face of the native optimizers. Param groups stay plain JavaScript objects; each
 * step() hands all of them to native code in one call, which checks every value, applies them
 * and steps (LibTorch's torch::optim for SGD/Adam/AdamW/RMSprop, ours for RMSpropTF/Lamb/Lion).
 */
import { isPlainObject, typeError } from '../errors';
import { native } from '../native';
import type { NativeOptimizerHandle, NativeOptimizerState, NativeTensorHandle, StepPath as NativeStepPath } from '../native-api';
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
  private readonly native: NativeOptimizerHandle;
  /** @internal The group objects, param arrays and their contents last handed to native code. */
  private synced: { groups: ParamGroup[]; params: Tensor[][]; contents: Tensor[][] } = { groups: [], params: [], contents: [] };
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
    this.native = new native.NativeOptimizer(kind, this.nativeGroups(), this.defaults);
    this.markSynced();
  }

  /** Checks across options of one group (SGD's nesterov rule); throws before anything is built. */
  protected checkGroup(_group: ParamGroup, _path: string, _optimizerParams: Record<string, unknown>): void {}

  /** Every check of one group's option values: types and ranges, flags, then the cross-option rules. */
  private checkAll(group: Record<string, unknown>, path: string, optimizerParams: Record<string, unknown>): void {
    validateOptions(this.schema, group, path, true);
    checkImplementationFlags(group, path);
    this.checkGroup(group as ParamGroup, path, optimizerParams);
  }

  private nativeGroups() {
    return this.paramGroups.map((g) => ({ params: g.params.map((p) => p._h), options: g }));
  }

  private markSynced(): void {
    this.synced = { groups: [...this.paramGroups], params: this.paramGroups.map((g) => g.params), contents: this.paramGroups.map((g) => [...g.params]) };
  }

  /** True when a group array holds the same tensors as when it was last handed to native code. */
  private static sameContents(params: Tensor[], synced: Tensor[]): boolean {
    if (params.length !== synced.length) return false;
    for (let k = 0; k < params.length; k++) if (params[k] !== synced[k]) return false;
    return true;
  }

  /** Re-sends the parameter lists when groups were added, replaced or given new or other params. */
  private syncGroups(): void {
    const s = this.synced;
    const groups = this.paramGroups;
    let same = groups.length === s.groups.length;
    for (let i = 0; same && i < groups.length; i++) {
      same = groups[i] === s.groups[i] && groups[i].params === s.params[i] && NativeOptimizer.sameContents(groups[i].params, s.contents[i]);
    }
    if (same) return;
    if (!Array.isArray(groups)) throw typeError('paramGroups', 'an array of param groups', groups);
    groups.forEach((g, i) => {
      if (!isPlainObject(g) || !Array.isArray(g.params)) throw typeError(`param_groups[${i}]`, 'a param group {params, ...options}', g);
    });
    this.native.setGroups(this.nativeGroups());
    this.markSynced();
  }

  override addParamGroup(group: { params: Tensor[] | Tensor; [option: string]: unknown }): void {
    const path = `param_groups[${this.paramGroups.length}]`;
    const prepared = this.prepareGroup(group, path, this.paramGroups);
    this.checkAll(prepared, path, {});
    this.paramGroups.push(prepared);
    this.syncGroups();
  }

  /** One update of every parameter with a gradient; returns the closure's loss if one is given. */
  step(closure?: Closure): unknown {
    const loss = this.evaluateClosure(closure);
    this.syncGroups();
    // Options edited since the last step (a scheduler, a user) get the constructor's range checks:
    // a NaN or negative lr is an error here, not NaN weights after the step.
    this.paramGroups.forEach((g, i) => validateOptions(this.schema, g, `param_groups[${i}]`, true));
    this.lastStepPath = this.native.step(this.paramGroups, this.defaults);
    return loss;
  }

  override zeroGrad(setToNone = true): void {
    this.syncGroups();
    this.native.zeroGrad(setToNone);
  }

  /** Per-parameter state (live tensors), keyed by parameter. */
  override get state(): Map<Tensor, Record<string, unknown>> {
    const out = new Map<Tensor, Record<string, unknown>>();
    if (this.native === undefined) return out;
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

  /**
   * Loads a state dict in PyTorch's layout. Everything is checked first (groups completed as the
   * reference's `__setstate__` does, options, shapes); should native code still refuse a value,
   * the previous state and groups are put back, so on any error the optimizer is unchanged.
   */
  override loadStateDict(stateDict: OptimizerStateDict): void {
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
