/**
 * The callback registry: recipes name their `phase_callbacks` (`[MyCallback]` or
 * `[{MyCallback: {every: 2}}]`), as SuperGradients' CallbacksFactory resolves them, and code may
 * pass Callback instances as well.
 *
 * @example
 * @sg.training.registerCallback()
 * class LogLr extends sg.training.Callback {
 *   constructor(readonly params: { every?: number } = {}) { super(); }
 * }
 * sg.training.createCallbacks(['LogLr', { LogLr: { every: 2 } }], 'training_params.phase_callbacks');
 */
import { describeValue, isPlainObject, typeError, unknownNameError, withErrorInfo } from '../errors';
import { makeRegister, Registry } from '../registry/registry';
import { Callback, EventName } from './callbacks';

/** A callback class, constructed as `new Cls(params)` (`{}` when the recipe gives only its name). */
export type CallbackClass = new (params?: Record<string, unknown>) => Callback;

export const CALLBACKS = new Registry<CallbackClass>('callback');

/** Registers a callback class under `name` (default: the class name); also a class decorator. */
export const registerCallback = makeRegister(CALLBACKS);

/** Registered callback names. */
export function listCallbacks(): string[] {
  return CALLBACKS.names();
}

const EVENTS = Object.getOwnPropertyNames(Callback.prototype).filter((n) => n.startsWith('on')) as EventName[];

/** A Callback, or any class instance with at least one event method (duck typing, as the handler calls them). */
function isCallbackInstance(value: unknown): value is Callback {
  if (value instanceof Callback) return true;
  if (value === null || typeof value !== 'object' || isPlainObject(value) || Array.isArray(value)) return false;
  return EVENTS.some((e) => typeof (value as Record<string, unknown>)[e] === 'function');
}

function lookUp(name: string, path: string): CallbackClass {
  const found = CALLBACKS.find(name);
  if (found !== undefined) return found;
  const known = CALLBACKS.names();
  // An empty registry would print "known: " with nothing after it; say how to fill it instead.
  if (known.length === 0) {
    throw withErrorInfo(
      new Error(`${path}: unknown callback '${name}'; no callbacks are registered (register one with sg.training.registerCallback, or load it with sg-optim --require)`),
      path,
      'ERR_UNKNOWN_NAME',
    );
  }
  const err = unknownNameError('callback', name, known, path);
  err.message = `${path}: ${err.message}`;
  throw err;
}

/** One callback from a name, a `{Name: params}` mapping, or an instance (passed through). */
export function createCallback(item: unknown, path = 'callback'): Callback {
  if (isCallbackInstance(item)) return item;
  if (typeof item === 'string') return new (lookUp(item, path))({});
  if (isPlainObject(item) && Object.keys(item).length === 1) {
    const [name, params] = Object.entries(item)[0];
    // `- MyCallback:` in YAML gives null params: the same as no params.
    if (params !== null && params !== undefined && !isPlainObject(params)) throw typeError(`${path}.${name}`, 'a mapping of constructor params', params);
    return new (lookUp(name, path))((params ?? {}) as Record<string, unknown>);
  }
  throw new TypeError(
    `Expected a callback name, a {Name: params} mapping with one key or a Callback instance for ${path} but received ${describeValue(item)}`,
  );
}

/** `phase_callbacks`: null → [], else each entry through createCallback, errors naming the index. */
export function createCallbacks(list: unknown, path = 'training_params.phase_callbacks'): Callback[] {
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list)) throw typeError(path, 'an array of callbacks (names, {Name: params} or Callback instances)', list);
  return list.map((item, i) => createCallback(item, `${path}[${i}]`));
}
