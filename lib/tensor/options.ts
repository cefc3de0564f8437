/**
 * Options objects of the tensor API: PyTorch's keyword arguments as `{dim: 1, keepdim: true}`.
 * Where PyTorch also takes the first keyword positionally (`x.sum(1)`, `x.norm(1)` for p), a bare
 * value means that keyword. Unknown keys and other types are TypeErrors naming the argument.
 */
import { isPlainObject, typeError } from '../errors';

/** `value` as an options object whose keys are all in `allowed` ({} when undefined). */
export function options<T extends object>(path: string, value: T | undefined, allowed: readonly string[]): Partial<T> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw typeError(path, 'an options object', value);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new TypeError(`Unknown option '${key}' for ${path}; allowed: ${allowed.join(', ')}`);
  }
  return value;
}

/**
 * Options that may also be given as their first keyword alone: a number (or, for `dim`, an array
 * of numbers) stands for `{[positional]: value}`.
 */
export function optionsOr<T extends object>(path: string, value: unknown, allowed: readonly string[], positional: string): Partial<T> {
  if (typeof value === 'number' || (Array.isArray(value) && positional === 'dim')) return { [positional]: value } as Partial<T>;
  return options(path, value as T | undefined, allowed);
}
