/**
 * One record per optimizer, as timm's `OptimInfo` and PyTorch's `OptimizerInfo`: everything the
 * library knows about it besides its step. Each built-in's record sits in its own file
 * (`SGD_INFO` in sgd.ts, ...); the registry, NativeOptimizer, SuperGradients' buildOptimizer
 * (lib/training), the CLI, the API docs and the table-driven tests read the records, so no code
 * asks an optimizer's name what it is.
 *
 * @example
 * sg.optim.optimizerInfo('Lamb').flags.hasGroupState; // true
 * sg.optim.listOptimizers({ verbose: true }).map((r) => `${r.name}: ${r.reference}`);
 */
import type { OptionSchema } from './option-schema';
import type { Optimizer, ParamsOrGroups } from './optimizer';

/** An optimizer class: constructed as `new Cls(paramsOrGroups, optimizerParams)`. */
export type OptimizerClass = new (params: ParamsOrGroups, optimizerParams?: Record<string, unknown>) => Optimizer;

/** Facts about an optimizer's state that code would otherwise learn by comparing names. */
export interface OptimizerFlags {
  /**
   * `stateDict()` gives each parameter's `step` as a scalar float32 tensor, as PyTorch 2.x's
   * torch.optim does (SGD, Adam, AdamW, RMSprop); the others keep a plain number.
   */
  readonly stepAsTensor: boolean;
  /**
   * The optimizer keeps state per param group besides per parameter (Lamb's step counter, as in
   * timm and SuperGradients), saved as `param_groups[i].step` in the state dict.
   */
  readonly hasGroupState: boolean;
}

/**
 * How a parameter listed more than once in one param group is stepped, where the reference's loop
 * differs from "once per place, with its one gradient and its one state" (the default).
 */
export interface RepeatedParamsRule {
  /**
   * The reference reads every parameter's state before it updates any (torch.optim.SGD's
   * momentum buffers): a repeated parameter without state before a step starts each of its places
   * in that step from no state, and keeps the last place's.
   */
  readonly freshStatePerPlace?: boolean;
  /**
   * The option (on the optimizer's defaults) whose non-null value makes every parameter's update
   * depend on all gradients (Lamb's global clipping, `max_grad_norm`): step() then refuses a
   * repeated parameter.
   */
  readonly refusedWhileSet?: string;
}

/** The record of one optimizer. */
export interface OptimizerInfo {
  /** The registered name (recipes' `optimizer:`); for a built-in also its native kind. */
  readonly name: string;
  /** The class `createOptimizer` and `buildOptimizer` construct. */
  readonly cls: OptimizerClass;
  /** Its options: names, defaults, checks and a line each; null for a class without a schema. */
  readonly schema: OptionSchema | null;
  /** One sentence on what it is. */
  readonly description: string;
  /** What it matches exactly (the golden files are computed by it): `torch.optim.SGD`, SuperGradients' or timm's class. */
  readonly reference: string;
  /** SuperGradients' default optimizer_params for it, merged under the user's by buildOptimizer (§2). */
  readonly sgDefaults: Readonly<Record<string, unknown>>;
  readonly flags: OptimizerFlags;
  /** How a parameter listed twice in one group is stepped, where it differs from the default (see RepeatedParamsRule). */
  readonly repeatedParams?: RepeatedParamsRule;
}

/** What defineOptimizer takes: a record whose class may declare its own options interface. */
export interface OptimizerInfoInput<S extends OptionSchema | null> extends Omit<OptimizerInfo, 'cls' | 'schema'> {
  readonly cls: new (params: ParamsOrGroups, options?: never) => Optimizer;
  readonly schema: S;
}

/**
 * A frozen record (its defaults and flags too: records are shared by every reader). The result
 * keeps the schema's type, so a built-in's record is what NativeOptimizer's constructor takes.
 */
export function defineOptimizer<S extends OptionSchema | null>(info: OptimizerInfoInput<S>): OptimizerInfo & { readonly schema: S } {
  return Object.freeze({
    ...info,
    cls: info.cls as unknown as OptimizerClass,
    sgDefaults: Object.freeze({ ...info.sgDefaults }),
    flags: Object.freeze({ ...info.flags }),
    ...(info.repeatedParams ? { repeatedParams: Object.freeze({ ...info.repeatedParams }) } : {}),
  });
}
