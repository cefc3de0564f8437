/**
 * The optimizer registry: the seven built-ins plus whatever users register; names work the same
 * in code and in recipes.
 *
 * @example
 * @sg.optim.registerOptimizer()
 * class CustomOptimizer extends sg.optim.Optimizer { ... }
 * sg.optim.createOptimizer('CustomOptimizer', model.parameters(), { alpha: 1e-3 });
 */
import { typeError } from '../errors';
import { makeRegister, Registry } from '../registry/registry';
import { Adam } from './adam';
import { AdamW } from './adamw';
import { Lamb } from './lamb';
import { Lion } from './lion';
import { checkOptionNames, Optimizer, ParamsOrGroups } from './optimizer';
import { RMSprop } from './rmsprop';
import { RMSpropTF } from './rmsprop-tf';
import { SGD } from './sgd';

/** An optimizer class: constructed as `new Cls(paramsOrGroups, optimizerParams)`. */
export type OptimizerClass = new (params: ParamsOrGroups, optimizerParams?: Record<string, unknown>) => Optimizer;

export const OPTIMIZERS = new Registry<OptimizerClass>('optimizer');
for (const [name, cls] of [['SGD', SGD], ['Adam', Adam], ['AdamW', AdamW], ['RMSprop', RMSprop], ['RMSpropTF', RMSpropTF], ['Lamb', Lamb], ['Lion', Lion]] as const) {
  OPTIMIZERS.register(name, cls as unknown as OptimizerClass);
}

/** Registers an optimizer class under `name` (default: the class name); also a class decorator. */
export const registerOptimizer = makeRegister(OPTIMIZERS);

/** Registered optimizer names, built-ins first. */
export function listOptimizers(): string[] {
  return OPTIMIZERS.names();
}

/** The class for a name (exact, then SuperGradients' fuzzy rule) or the class itself. */
export function resolveOptimizer(nameOrClass: string | OptimizerClass): OptimizerClass {
  if (typeof nameOrClass === 'function') return nameOrClass;
  if (typeof nameOrClass !== 'string') throw typeError('optimizer', 'an optimizer name or class', nameOrClass);
  return OPTIMIZERS.get(nameOrClass);
}

/**
 * Builds an optimizer by name or class.
 *
 * @example
 * const opt = sg.optim.createOptimizer('adam_w', model.parameters(), { lr: 1e-3 }); // AdamW
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
