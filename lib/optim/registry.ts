/**
 * The optimizer registry: the built-ins plus whatever users register; names work the same
 * in code and in recipes. Each built-in is registered from its record (`SGD_INFO` in sgd.ts, ...):
 * adding one is its own file plus its line in BUILT_IN_OPTIMIZERS.
 *
 * @example
 * @sg.optim.registerOptimizer()
 * class CustomOptimizer extends sg.optim.Optimizer { ... }
 * sg.optim.createOptimizer('CustomOptimizer', model.parameters(), { alpha: 1e-3 });
 */
import { isPlainObject, typeError, unknownNameError } from '../errors';
import { makeRegister, Registry } from '../registry/registry';
import { ADADELTA_INFO } from './adadelta';
import { ADAGRAD_INFO } from './adagrad';
import { ADAFACTOR_INFO } from './adafactor';
import { ADAM_INFO } from './adam';
import { ADAMAX_INFO } from './adamax';
import { ADAMW_INFO } from './adamw';
import { ASGD_INFO } from './asgd';
import { LAMB_INFO } from './lamb';
import { LBFGS_INFO } from './lbfgs';
import { LION_INFO } from './lion';
import { MUON_INFO } from './muon';
import { NADAM_INFO } from './nadam';
import { checkOptionNames, Optimizer, ParamsOrGroups } from './optimizer';
import { OptimizerClass, OptimizerInfo } from './optimizer-info';
import { RADAM_INFO } from './radam';
import { RMSPROP_INFO } from './rmsprop';
import { RMSPROP_TF_INFO } from './rmsprop-tf';
import { RPROP_INFO } from './rprop';
import { SGD_INFO } from './sgd';

export type { OptimizerClass } from './optimizer-info';

/** The built-in optimizers' records, in listing order: the one registration line of each. */
export const BUILT_IN_OPTIMIZERS: readonly OptimizerInfo[] = Object.freeze([
  SGD_INFO,
  ADAM_INFO,
  ADAMW_INFO,
  RMSPROP_INFO,
  RMSPROP_TF_INFO,
  LAMB_INFO,
  LION_INFO,
  ADAGRAD_INFO,
  ADADELTA_INFO,
  ADAMAX_INFO,
  NADAM_INFO,
  RADAM_INFO,
  ASGD_INFO,
  RPROP_INFO,
  ADAFACTOR_INFO,
  LBFGS_INFO,
  MUON_INFO,
]);

export const OPTIMIZERS = new Registry<OptimizerClass>('optimizer');
/** The records by class (a class registered under a second name keeps its record). */
const RECORDS = new Map<OptimizerClass, OptimizerInfo>();
for (const info of BUILT_IN_OPTIMIZERS) {
  OPTIMIZERS.register(info.name, info.cls);
  RECORDS.set(info.cls, info);
}

/** Registers an optimizer class under `name` (default: the class name); also a class decorator. */
export const registerOptimizer = makeRegister(OPTIMIZERS);

/**
 * The record of a class registered without one (a user's optimizer): its name and class, and,
 * when it extends a built-in (`parent`), that one's schema and flags. SuperGradients' defaults
 * belong to a class exactly, so a subclass gets none (as SuperGradients does).
 */
function recordForClass(name: string, cls: OptimizerClass, parent?: OptimizerInfo): OptimizerInfo {
  const className = cls.name || '(anonymous)';
  return Object.freeze({
    name,
    cls,
    schema: parent?.schema ?? null,
    description: parent ? `user optimizer (class ${className}, extends ${parent.name})` : `user optimizer (class ${className})`,
    reference: parent ? `user code, extending ${parent.name}` : 'user code',
    sgDefaults: Object.freeze({}),
    flags: parent?.flags ?? Object.freeze({ stepAsTensor: false, hasGroupState: false }),
  });
}

/** The record of `cls` registered as `name`: its own, or one made for a user's class. */
function recordOf(name: string, cls: OptimizerClass): OptimizerInfo {
  const own = RECORDS.get(cls);
  if (own !== undefined) return own.name === name ? own : Object.freeze({ ...own, name });
  let base: unknown = Object.getPrototypeOf(cls);
  while (typeof base === 'function' && !RECORDS.has(base as OptimizerClass)) base = Object.getPrototypeOf(base);
  return recordForClass(name, cls, typeof base === 'function' ? RECORDS.get(base as OptimizerClass) : undefined);
}

export interface ListOptimizersOptions {
  /** Return the records (name, class, schema, description, reference, SG defaults, flags) instead of the names. */
  verbose?: boolean;
}

/**
 * Registered optimizer names, built-ins first; with `{verbose: true}` their records.
 *
 * @example
 * sg.optim.listOptimizers(); // ['SGD', 'Adam', 'AdamW', 'RMSprop', 'RMSpropTF', 'Lamb', 'Lion', ...]
 * sg.optim.listOptimizers({ verbose: true })[0].reference; // 'torch.optim.SGD'
 */
export function listOptimizers(options?: { verbose?: false }): string[];
export function listOptimizers(options: { verbose: true }): OptimizerInfo[];
export function listOptimizers(options?: ListOptimizersOptions): string[] | OptimizerInfo[];
export function listOptimizers(options: ListOptimizersOptions = {}): string[] | OptimizerInfo[] {
  if (!isPlainObject(options)) throw typeError('listOptimizers(options)', 'an object {verbose?: boolean}', options);
  if (options.verbose !== undefined && typeof options.verbose !== 'boolean') throw typeError('listOptimizers(options).verbose', 'a boolean', options.verbose);
  const names = OPTIMIZERS.names();
  return options.verbose ? names.map((name) => recordOf(name, OPTIMIZERS.get(name))) : names;
}

/**
 * The record of an optimizer, by name (exact, `torch.optim.X`, then SuperGradients' fuzzy rule) or class.
 *
 * @example
 * sg.optim.optimizerInfo('adam_w').sgDefaults; // {}
 */
export function optimizerInfo(nameOrClass: string | OptimizerClass): OptimizerInfo {
  const cls = resolveOptimizer(nameOrClass);
  return recordOf(OPTIMIZERS.nameOf(cls) ?? cls.name, cls);
}

/** The prefix of PyTorch's optimizer names as SuperGradients imports them (`optimizer: torch.optim.Adam`). */
const TORCH_OPTIM = 'torch.optim.';

/** Why a torch.optim optimizer that exists in PyTorch has no class here. */
const TORCH_OPTIM_UNSUPPORTED: ReadonlyMap<string, string> = new Map([
  ['SparseAdam', 'it steps sparse gradients, and sg-optim has no sparse tensors; use torch.optim.Adam'],
]);

/**
 * The built-in for a PyTorch name `torch.optim.X`: the record whose reference is exactly that name
 * (as SuperGradients imports it: the case matters); an unknown one is the did-you-mean error
 * over the torch.optim names we have.
 */
function resolveTorchOptimName(name: string): OptimizerClass {
  const known = BUILT_IN_OPTIMIZERS.filter((info) => info.reference.startsWith(TORCH_OPTIM));
  const info = known.find((i) => i.reference === name);
  if (info !== undefined) return info.cls;
  const why = TORCH_OPTIM_UNSUPPORTED.get(name.slice(TORCH_OPTIM.length));
  if (why !== undefined) throw new Error(`optimizer '${name}' is not supported: ${why}`);
  throw unknownNameError('torch.optim optimizer', name, known.map((i) => i.reference));
}

/**
 * The class for a name (exact, then `torch.optim.X` as PyTorch's class X, then SuperGradients'
 * fuzzy rule) or the class itself.
 *
 * @example
 * sg.optim.resolveOptimizer('torch.optim.NAdam') === sg.optim.NAdam; // true
 */
export function resolveOptimizer(nameOrClass: string | OptimizerClass): OptimizerClass {
  if (typeof nameOrClass === 'function') return nameOrClass;
  if (typeof nameOrClass !== 'string') throw typeError('optimizer', 'an optimizer name or class', nameOrClass);
  if (nameOrClass.startsWith(TORCH_OPTIM) && !OPTIMIZERS.has(nameOrClass)) return resolveTorchOptimName(nameOrClass);
  return OPTIMIZERS.get(nameOrClass);
}

/**
 * Builds an optimizer by name (ours, SuperGradients' fuzzy form, or PyTorch's `torch.optim.X`) or class.
 *
 * @example
 * const opt = sg.optim.createOptimizer('adam_w', model.parameters(), { lr: 1e-3 }); // AdamW
 * const nadam = sg.optim.createOptimizer('torch.optim.NAdam', model.parameters(), { lr: 2e-3 });
 */
export function createOptimizer(
  nameOrClass: string | OptimizerClass,
  paramsOrGroups: ParamsOrGroups,
  optimizerParams: Record<string, unknown> = {},
): Optimizer {
  const Cls = resolveOptimizer(nameOrClass);
  checkOptionNames(Cls as unknown as { name: string; optionNames?: readonly string[] }, optimizerParams);
  return new Cls(paramsOrGroups, optimizerParams);
}
