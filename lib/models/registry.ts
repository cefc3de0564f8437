/**
 * The model registry: recipes name an `architecture`, code may too.
 *
 * @example
 * @sg.models.registerModel('lenet')
 * class LeNet extends sg.nn.Module { ... }
 * const model = sg.models.createModel('lenet', { num_classes: 10 });
 */
import { isPlainObject, typeError } from '../errors';
import { makeRegister, Registry } from '../registry/registry';

/** A model class, constructed as `new Cls(archParams)`. */
export type ModelClass = new (archParams?: Record<string, unknown>) => unknown;

export const MODELS = new Registry<ModelClass>('model');

/** Registers a model class under `name` (default: the class name); also a class decorator. */
export const registerModel = makeRegister(MODELS);

/** Registered model names. */
export function listModels(): string[] {
  return MODELS.names();
}

/** Builds a registered model (exact name, then SuperGradients' fuzzy rule) with its arch_params. */
export function createModel(nameOrClass: string | ModelClass, archParams: Record<string, unknown> = {}): unknown {
  if (!isPlainObject(archParams)) throw typeError('arch_params', 'an object', archParams);
  const Cls = typeof nameOrClass === 'function' ? nameOrClass : MODELS.get(nameOrClass);
  return new Cls(archParams);
}
