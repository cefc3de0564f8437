/**
 * The TypeScript face of the native optimizers. Param groups stay plain JavaScript objects; each
 * step() hands all of them to native code in one call, which checks every value, applies them
 * and steps (LibTorch's torch::optim for SGD/Adam/AdamW/RMSprop, ours for RMSpropTF/Lamb/Lion).
 */
import { isPlainObject, typeError } from '../errors';
import { native } from '../native';
import { tensor } from '../tensor/creation';
import { Tensor } from '../tensor/tensor';
import { OptionSchema, rejectUnknownOptions, schemaDefaults, validateOptions } from './option-schema';
import { Closure, Optimizer, OptimizerStateDict, ParamGroup, ParamsOrGroups } from './optimizer';

interface NativeOptimizerHandle {
  step(groups: ParamGroup[], defaults: Record<string, unknown>): void;
  setGroups(groups: Array<{ params: unknown[]; options: ParamGroup }>): void;
  getState(param: unknown): Record<string, unknown> | null;
  setStates(states: Array<[unknown, Record<string, unknown>]>): void;
  getGroupState(index: number): Record<string, unknown>;
  setGroupStates(states: Array<Record<string, unknown>>): void;
  zeroGrad(setToNone: boolean): void;
}

/** State entries PyTorch 2.x stores as scalar tensors (`step` of the torch.optim four). */
const TENSOR_STEP_KINDS = new Set(['SGD', 'Adam', 'AdamW', 'RMSprop']);

export abstract class NativeOptimizer extends Optimizer {
  /** @internal */
  private readonly native: NativeOptimizerHandle;
  /** @internal The group objects and param arrays last handed to native code. */
  private synced: { groups: ParamGroup[]; params: Tensor[][]; lengths: number[] } = { groups: [], params: [], lengths: [] };

  protected constructor(
    readonly kind: string,
    readonly schema: OptionSchema,
    paramsOrGroups: ParamsOrGroups,
    optimizerParams: Record<string, unknown> = {},
  ) {
    if (!isPlainObject(optimizerParams)) throw typeError(`${kind} optimizer_params`, 'an object', optimizerParams);
    rejectUnknownOptions(kind, schema, optimizerParams, 'optimizer_params');
    validateOptions(schema, optimizerParams, 'optimizer_params', false);
    super(paramsOrGroups, { ...schemaDefaults(schema), ...optimizerParams });
    this.paramGroups.forEach((g, i) => {
      validateOptions(schema, g, `param_groups[${i}]`, true);
      this.checkGroup(g, `param_groups[${i}]`, optimizerParams);
    });
    const Ctor = native.NativeOptimizer as unknown as new (k: string, g: unknown, d: unknown) => NativeOptimizerHandle;
    this.native = new Ctor(kind, this.nativeGroups(), this.defaults);
    this.markSynced();
  }

  /** Checks across options of one group (SGD's nesterov rule); throws before anything is built. */
  protected checkGroup(_group: ParamGroup, _path: string, _optimizerParams: Record<string, unknown>): void {}

  private nativeGroups() {
    return this.paramGroups.map((g) => ({ params: g.params.map((p) => p._h), options: g }));
  }

  private markSynced(): void {
    this.synced = { groups: [...this.paramGroups], params: this.paramGroups.map((g) => g.params), lengths: this.paramGroups.map((g) => g.params.length) };
  }

  /** Re-sends the parameter lists when groups were added, replaced or given new params. */
  private syncGroups(): void {
    const s = this.synced;
    const groups = this.paramGroups;
    let same = groups.length === s.groups.length;
    for (let i = 0; same && i < groups.length; i++) {
      same = groups[i] === s.groups[i] && groups[i].params === s.params[i] && groups[i].params.length === s.lengths[i];
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
    validateOptions(this.schema, prepared, path, true);
    this.checkGroup(prepared, path, {});
    this.paramGroups.push(prepared);
    this.syncGroups();
  }

  /** One update of every parameter with a gradient; returns the closure's loss if one is given. */
  step(closure?: Closure): unknown {
    const loss = this.evaluateClosure(closure);
    this.syncGroups();
    this.native.step(this.paramGroups, this.defaults);
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
    if (TENSOR_STEP_KINDS.has(this.kind) && typeof out.step === 'number') {
      out.step = tensor(out.step, { dtype: 'float32' });
    }
    return out;
  }

  protected override groupState(index: number): Record<string, unknown> {
    return this.native.getGroupState(index);
  }

  override loadStateDict(stateDict: OptimizerStateDict): void {
    const { groups, states } = this.checkStateDict(stateDict);
    groups.forEach((g, i) => {
      validateOptions(this.schema, g, `stateDict.param_groups[${i}]`, true);
      this.checkGroup(g, `stateDict.param_groups[${i}]`, {});
    });
    const nativeStates = states.map(([param, value]) => {
      const plain: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) {
        if (key === 'step') plain.step = v instanceof Tensor ? Number(v.item()) : v;
        else plain[key] = v instanceof Tensor ? v._h : v;
      }
      return [param._h, plain] as [unknown, Record<string, unknown>];
    });
    const groupStates = groups.map((g) => (typeof g.step === 'number' ? { step: g.step } : {}));
    this.native.setStates(nativeStates);
    this.paramGroups = groups.map((g) => {
      const { step: _step, ...rest } = g;
      return this.kind === 'Lamb' ? (rest as ParamGroup) : g;
    });
    this.syncGroups();
    this.native.setGroupStates(groupStates);
  }
}

function wrapState(s: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(s)) out[key] = v !== null && typeof v === 'object' ? new Tensor(v as never) : v;
  return out;
}
