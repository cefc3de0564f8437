/**
 * The `_target_` nodes SuperGradients' recipe files use, instantiated as `hydra.utils.instantiate`
 * would: `{_target_: numpy.arange, start: 100, stop: 250, step: 50}` → `[100, 150, 200]`,
 * `{_target_: super_gradients.training.utils.utils.empty_list}` → `[]`, SG's `StrictLoad` enum
 * (checkpoint_params.strict_load) → its value (`no_key_matching`, ...). `_convert_` and
 * `_recursive_` are Hydra's instructions and are dropped; arguments are instantiated first.
 * A `_target_` we do not implement (SG's detection callbacks), or one whose arguments cannot be
 * resolved, is an error only for a run that reads it: the node becomes a Deferred (deferred.ts).
 */
import { isPlainObject, unknownNameError } from '../errors';
import { Deferred, findDeferred } from './deferred';
import { originOf, Origins } from './origins';
import { isForbiddenKey } from './safe-keys';

/**
 * numpy.arange for float or integer arguments, value for value as numpy computes it: the
 * length is ceil((stop − start) / step); numpy writes `start`, `start + step`, then fills
 * `start + i·delta` with `delta = (start + step) − start` (not `step`: the two differ in the
 * last bit for steps such as 0.2), which this repeats.
 *
 * @example
 * numpyArange(2.4, 12, 2.4); // [2.4, 4.8, 7.199999999999999, 9.6], as np.arange(2.4, 12, 2.4)
 * numpyArange(5);            // [0, 1, 2, 3, 4]
 */
export function numpyArange(start: number, stop?: number, step = 1): number[] {
  if (stop === undefined) [start, stop] = [0, start];
  for (const [name, v] of [['start', start], ['stop', stop], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`Expected a finite number for arange ${name} but received ${JSON.stringify(v)}`);
  }
  if (step === 0) throw new RangeError('Maximum allowed size exceeded (arange step is 0)');
  const length = Math.max(0, Math.ceil((stop - start) / step));
  if (length > 1e7) throw new RangeError(`arange(${start}, ${stop}, ${step}) would have ${length} values`);
  if (length === 0) return [];
  const out = [start];
  if (length === 1) return out;
  out.push(start + step);
  const delta = out[1] - start;
  for (let i = 2; i < length; i++) out.push(start + i * delta);
  return out;
}

type Target = { params: readonly string[]; positional: boolean; make: (args: Record<string, unknown>) => unknown };

const emptyList: Target = { params: [], positional: false, make: () => [] };
const arange: Target = {
  params: ['start', 'stop', 'step'],
  positional: true,
  make: (a) => (a.stop === undefined ? numpyArange(0, a.start as number, (a.step as number | undefined) ?? 1) : numpyArange((a.start as number) ?? 0, a.stop as number, (a.step as number | undefined) ?? 1)),
};

/** SG's StrictLoad enum (checkpoint_params.strict_load): StrictLoad(value) is one of its values. */
const STRICT_LOAD: readonly unknown[] = [false, true, 'no_key_matching', 'key_matching'];
const strictLoad: Target = {
  params: ['value'],
  positional: true,
  make: (a) => {
    if (!STRICT_LOAD.includes(a.value)) throw new RangeError(`${JSON.stringify(a.value)} is not a valid StrictLoad (false, true, 'no_key_matching', 'key_matching')`);
    return a.value;
  },
};

const TARGETS: Record<string, Target> = {
  'super_gradients.training.utils.utils.empty_list': emptyList,
  empty_list: emptyList,
  'numpy.arange': arange,
  'np.arange': arange,
  arange,
  'super_gradients.training.sg_trainer.StrictLoad': strictLoad,
  'super_gradients.common.data_types.enum.StrictLoad': strictLoad,
  'super_gradients.common.data_types.enum.strict_load.StrictLoad': strictLoad,
};

/** Hydra's own keys in a `_target_` node, which are not arguments. */
const HYDRA_KEYS = new Set(['_convert_', '_recursive_']);

function instantiateOne(name: string, raw: Record<string, unknown>, at: readonly string[], origins: Origins): unknown {
  const where = `${originOf(origins, [...at, '_target_'])}: _target_ '${name}' at ${at.join('.')}`;
  // Own properties only: `_target_: constructor` is an unknown target, not Object.prototype's.
  const target = Object.hasOwn(TARGETS, name) ? TARGETS[name] : undefined;
  if (!target) {
    const message = `${originOf(origins, [...at, '_target_'])}: ${unknownNameError('_target_', name, Object.keys(TARGETS)).message} (at ${at.join('.')})`;
    // A module path (SG's `super_gradients.training.utils.ssd_utils.SSDPostPredictCallback`)
    // names something a run may never read; a bare name can only be one of ours misspelt (Hydra
    // locates nothing by a bare name), and one through Object.prototype's names is refused.
    if (!name.includes('.') || name.split('.').some((part) => part === '' || isForbiddenKey(part))) throw new Error(message);
    return new Deferred(message, raw);
  }
  if (raw._partial_) throw new Error(`${where}: _partial_ is not supported`);
  const args: Record<string, unknown> = Object.create(null);
  const positional = raw._args_;
  if (positional !== undefined && !(positional instanceof Deferred)) {
    if (!Array.isArray(positional) || !target.positional || positional.length > target.params.length) {
      throw new Error(`${where}: _args_ must be a list of at most ${target.params.length} values (${target.params.join(', ') || 'none'})`);
    }
    positional.forEach((v, i) => (args[target.params[i]] = v));
  }
  for (const [key, value] of Object.entries(raw)) {
    if (key === '_target_' || key === '_args_' || key === '_partial_' || HYDRA_KEYS.has(key)) continue;
    if (!target.params.includes(key)) {
      throw new Error(`${where}: unexpected argument '${key}' (${target.params.length ? `takes ${target.params.join(', ')}` : 'takes no arguments'})`);
    }
    if (key in args) throw new Error(`${where}: '${key}' given twice (in _args_ and by name)`);
    args[key] = value;
  }
  // Checked after the argument names, which are known without their values.
  const unresolved = findDeferred(raw);
  if (unresolved) {
    const origin = unresolved.origin ?? unresolved;
    return new Deferred(`${where}: an argument cannot be resolved: ${origin.message}`, raw, Error, origin);
  }
  try {
    return target.make(args);
  } catch (err) {
    const Ctor = (err as Error).constructor as new (message: string) => Error;
    throw new Ctor(`${where}: ${(err as Error).message}`);
  }
}

/**
 * A copy of `value` with every `_target_` node replaced by what it makes, innermost first (a
 * Deferred where it cannot be made).
 */
export function instantiateTargets(value: unknown, origins: Origins, at: readonly string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v, i) => instantiateTargets(v, origins, [...at, String(i)]));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (HYDRA_KEYS.has(key)) continue;
    out[key] = key === '_target_' ? v : instantiateTargets(v, origins, [...at, key]);
  }
  if (!('_target_' in out)) return out;
  // What a root node made would replace the whole recipe (a list, a Deferred), which every reader
  // of a recipe expects to be a mapping.
  if (at.length === 0) throw new Error(`${originOf(origins, ['_target_'])}: a _target_ node cannot be the whole recipe (a recipe is a mapping of keys to values); put it under a key`);
  if (out._target_ instanceof Deferred) {
    const origin = out._target_.origin ?? out._target_;
    return new Deferred(`${originOf(origins, [...at, '_target_'])}: the _target_ at ${at.join('.')} cannot be resolved: ${origin.message}`, out, Error, origin);
  }
  if (typeof out._target_ !== 'string') throw new Error(`${originOf(origins, [...at, '_target_'])}: _target_ must be a name, got ${JSON.stringify(out._target_)}`);
  return instantiateOne(out._target_, out, at, origins);
}
