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

/** The getters made by `materialize`, with the message they throw and the value JSON shows. */
const GETTERS = new WeakMap<() => unknown, { message: string; raw: unknown }>();

function unresolvedGetter(node: object, key: string): { message: string; raw: unknown } | undefined {
  const get = Object.getOwnPropertyDescriptor(node, key)?.get;
  return get ? GETTERS.get(get) : undefined;
}

/** `toJSON` of a mapping or list holding unresolved values: those are written as raw. */
function writeRaw(this: Record<string, unknown> | unknown[]): unknown {
  const copy: Record<string, unknown> | unknown[] = Array.isArray(this) ? new Array(this.length) : {};
  for (const key of Object.keys(this)) {
    const unresolved = unresolvedGetter(this, key);
    (copy as Record<string, unknown>)[key] = unresolved ? unresolved.raw : (this as Record<string, unknown>)[key];
  }
  return copy;
}

function addToJSON(node: object): void {
  // A recipe's own `toJSON` key is left as it is (JSON.stringify then reads the values).
  if (Object.hasOwn(node, 'toJSON')) return;
  Object.defineProperty(node, 'toJSON', { value: writeRaw, enumerable: false, configurable: true, writable: true });
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
    const { message, ErrorClass } = child;
    const get = () => {
      throw new ErrorClass(message);
    };
    GETTERS.set(get, { message, raw: materialize(child.raw) });
    Object.defineProperty(out, key, { get, enumerable: true, configurable: true });
    addToJSON(out);
  }
  return out;
}

/**
 * For code that copies a recipe's values into its own object (the Trainer's merge over its
 * defaults): when `from[key]` is an unresolved value, moves it to `to` unread (still throwing
 * when read, still written as raw by JSON.stringify) and returns true; else returns false.
 *
 * @example
 * for (const key of Object.keys(user)) if (!moveUnresolved(user, key, merged)) merged[key] = user[key];
 */
export function moveUnresolved(from: object, key: string, to: object): boolean {
  const unresolved = unresolvedGetter(from, key);
  if (!unresolved) return false;
  Object.defineProperty(to, key, Object.getOwnPropertyDescriptor(from, key)!);
  addToJSON(to);
  return true;
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

export interface UnresolvedValue {
  /** The key path, dotted (`valid_metrics_list.0.DetectionMetrics.post_prediction_callback`). */
  key: string;
  /** The error reading it throws. */
  message: string;
}

/**
 * The values of a loaded recipe that could not be resolved (each throws when read), found
 * without reading them.
 *
 * @example
 * const tp = sg.recipes.loadRecipe('training_hyperparams/coco2017_yolox_train_params', { searchPath: [sgRecipes] });
 * sg.recipes.unresolvedValues(tp);
 * // [{ key: 'valid_metrics_list.0.DetectionMetrics.post_prediction_callback',
 * //    message: ".../coco2017_yolox_train_params.yaml:36: unknown _target_ '...YoloXPostPredictionCallback'; ..." }]
 */
export function unresolvedValues(config: unknown): UnresolvedValue[] {
  const found: UnresolvedValue[] = [];
  const seen = new Set<object>();
  const walk = (node: unknown, at: string[]) => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (!Array.isArray(node) && !isPlainObject(node)) return;
    for (const key of Object.keys(node)) {
      const d = Object.getOwnPropertyDescriptor(node, key);
      if (!d) continue;
      if (d.get) {
        const unresolved = GETTERS.get(d.get);
        if (unresolved) found.push({ key: [...at, key].join('.'), message: unresolved.message });
        continue;
      }
      walk(d.value, [...at, key]);
    }
  };
  walk(config, []);
  return found;
}
