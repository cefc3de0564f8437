/**
 * OmegaConf resolves lazily: a value whose interpolation names a key the recipe does not have
 * (`${arch_params.num_classes}` in a training_hyperparams file loaded on its own), or a
 * `_target_` sg-optim does not implement (SG's detection callbacks), is an error only when
 * something reads it. loadRecipe keeps that: such a value does not fail the load; it becomes a
 * property that throws its error (the key, the file:line and why) each time it is read, by the
 * caller or by the Trainer. Everything else in the recipe is plain data.
 *
 * - Reading the key throws: `cfg.criterion_params.num_classes`, and so does anything that reads
 *   every value (spread, `structuredClone`, `assert.deepEqual`, `deepMerge`).
 * - `JSON.stringify(cfg)` does not throw: such a value is written as it was written in the recipe
 *   (`"${arch_params.num_classes}"`, the `_target_` mapping), as `OmegaConf.to_yaml` writes an
 *   unresolved config, so a recipe can always be logged or saved.
 * - `unresolvedValues(cfg)` lists them without reading them.
 * - An override that supplies the key (`+arch_params.num_classes=80`) or replaces the value
 *   (`criterion_params.num_classes=80`) resolves it as usual, since overrides and `defaults:` are
 *   merged before anything is resolved.
 */
import { isPlainObject } from '../errors';
import { defineUnresolved } from '../unresolved-values';

/**
 * A value that could not be resolved or instantiated, while the recipe is being built (never
 * seen by callers: `materialize` turns it into a throwing property).
 */
export class Deferred {
  constructor(
    /** The whole error message: "file:line: why (in key)". */
    readonly message: string,
    /** What JSON shows instead: the value as written, or the `_target_` node. */
    readonly raw: unknown,
    /** The Error subclass to throw (an unknown `_target_` and a missing key are plain Errors). */
    readonly ErrorClass: new (message: string) => Error = Error,
    /** The value whose key is missing (or whose `_target_` is unknown), when this one refers to it. */
    readonly origin: Deferred | null = null,
  ) {}
}

/**
 * The first Deferred inside `value` (through mappings and lists), or null. Each node is visited
 * once: resolved values share their parts, and a walk by paths could take exponential time.
 */
export function findDeferred(value: unknown, seen = new Set<object>()): Deferred | null {
  if (value instanceof Deferred) return value;
  if (value === null || typeof value !== 'object' || seen.has(value)) return null;
  seen.add(value);
  const children = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : [];
  for (const child of children) {
    const found = findDeferred(child, seen);
    if (found) return found;
  }
  return null;
}

/**
 * Plain data for the caller: every Deferred becomes an enumerable property that throws when
 * read, and a mapping or list holding one gets a non-enumerable `toJSON` that writes it as raw.
 */
export function materialize(value: unknown): unknown {
  if (value instanceof Deferred) throw new value.ErrorClass(value.message);
  if (!Array.isArray(value) && !isPlainObject(value)) return value;
  const out: Record<string, unknown> | unknown[] = Array.isArray(value) ? new Array(value.length) : {};
  for (const [key, child] of Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value)) {
    if (!(child instanceof Deferred)) {
      (out as Record<string, unknown>)[key] = materialize(child);
      continue;
    }
    defineUnresolved(out, key, child.message, child.ErrorClass, materialize(child.raw));
  }
  return out;
}

/**
 * A copy without the Deferred values, for the load-time check of the training params: a mapping
 * leaves the key out, a list holding one (at any depth) is left out whole. The check thus sees
 * the values that resolved; the others fail when the Trainer reads them.
 */
export function withoutDeferred(value: unknown): unknown {
  if (Array.isArray(value)) return findDeferred(value) ? undefined : value;
  if (!isPlainObject(value)) return value instanceof Deferred ? undefined : value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const kept = withoutDeferred(child);
    if (kept !== undefined || child === undefined) out[key] = kept;
  }
  return out;
}
