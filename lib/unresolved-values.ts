/**
 * The recipe values that could not be resolved (lib/recipes/deferred.ts), as the caller sees them:
 * an enumerable property that throws its error each time it is read, and a `toJSON` on its
 * mapping or list that writes it as it was written in the recipe. Kept below every layer because
 * the Trainer's merge of training params moves such values without reading them.
 */
import { isPlainObject } from './errors';

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

/** Makes `node[key]` an unresolved value: reading it throws `new ErrorClass(message)`; JSON writes `raw`. */
export function defineUnresolved(node: object, key: string, message: string, ErrorClass: new (message: string) => Error, raw: unknown): void {
  const get = () => {
    throw new ErrorClass(message);
  };
  GETTERS.set(get, { message, raw });
  Object.defineProperty(node, key, { get, enumerable: true, configurable: true });
  addToJSON(node);
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
