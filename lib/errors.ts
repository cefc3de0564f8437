/**
 * One error vocabulary for the whole library (see style.md, lesson 6).
 *
 * - wrong JavaScript type  → TypeError  "Expected a number for optimizer_params.lr but received '0.1' (string)"
 * - value out of range     → RangeError (PyTorch's own wording where PyTorch has one: "Invalid learning rate: -1")
 * - unknown name           → Error      "unknown optimizer 'Adamm'; did you mean 'Adam'? known: SGD, Adam, ..."
 *
 * Besides the message, every error built here carries two machine-readable fields (see
 * {@link ErrorInfo}): `code` (what kind of problem) and, where one is known, `path` (the full
 * dotted path of the bad field, e.g. 'training_params.optimizer_params.lr'). Code that reports an
 * error somewhere else (the recipe loader naming the YAML line that set a value) reads `path`,
 * never the message text. Both are non-enumerable, so printing, inspecting or serialising an
 * error shows exactly what it showed before they existed.
 */

/**
 * What went wrong, for programs:
 * - `ERR_TYPE`: a value of the wrong JavaScript type (a TypeError);
 * - `ERR_RANGE`: a value of the right type outside what is allowed (a RangeError);
 * - `ERR_REQUIRED`: a value that must be given is missing;
 * - `ERR_UNKNOWN_NAME`: a name that no registry or list knows.
 */
export type ErrorCode = 'ERR_TYPE' | 'ERR_RANGE' | 'ERR_REQUIRED' | 'ERR_UNKNOWN_NAME';

/** The machine-readable fields of the library's errors. */
export interface ErrorInfo {
  code: ErrorCode;
  /** The full path of the bad field ('training_params.optimizer_params.lr'), when one is known. */
  path?: string;
}

/**
 * Adds `code` and `path` to `error` (non-enumerable, so messages, `util.inspect` and JSON stay as
 * they were) and returns it: the one place the library's errors get their fields.
 *
 * @example
 * throw withErrorInfo(new RangeError(`Invalid momentum value: ${m}`), 'optimizer_params.momentum', 'ERR_RANGE');
 */
export function withErrorInfo<E extends Error>(error: E, path: string | undefined, code: ErrorCode): E & ErrorInfo {
  Object.defineProperty(error, 'code', { value: code, writable: true, configurable: true, enumerable: false });
  if (path !== undefined) Object.defineProperty(error, 'path', { value: path, writable: true, configurable: true, enumerable: false });
  return error as E & ErrorInfo;
}

/** The `path` an error carries (undefined for other errors and values). */
export function errorPath(error: unknown): string | undefined {
  const path = error instanceof Error ? (error as Partial<ErrorInfo>).path : undefined;
  return typeof path === 'string' ? path : undefined;
}

/** The library's `code` of an error (undefined for errors not built here, e.g. Node's own `code`s). */
export function errorCode(error: unknown): ErrorCode | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return code === 'ERR_TYPE' || code === 'ERR_RANGE' || code === 'ERR_REQUIRED' || code === 'ERR_UNKNOWN_NAME' ? code : undefined;
}

/**
 * Numbers that JSON cannot show: JSON.stringify prints NaN and ±Infinity as `null` and throws on
 * bigints, which would make `[NaN, 0.9]` read as `[null,0.9]` in an error message. The replacer
 * swaps them for a marker string that is unquoted again afterwards.
 */
const MARK = '\u0000';
const MARKED = /"\\u0000(NaN|-?Infinity|-?\d+n)\\u0000"/g;

function markUnjsonable(_key: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return `${MARK}${v}${MARK}`;
  if (typeof v === 'bigint') return `${MARK}${v}n${MARK}`;
  return v;
}

/** JSON-like text of an array or object, with NaN, Infinity and bigints written as JavaScript does. */
function compactJson(value: object): string {
  try {
    const json = JSON.stringify(value, markUnjsonable);
    return json === undefined ? String(value) : json.replace(MARKED, '$1');
  } catch {
    return String(value); // cycles and throwing getters: the plain string is still something
  }
}

/** A short, quoted rendering of any value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  const type = Array.isArray(value) ? 'array' : typeof value;
  let shown: string;
  if (typeof value === 'string') shown = `'${value.length > 60 ? value.slice(0, 57) + '...' : value}'`;
  else if (typeof value === 'function') shown = value.name ? `function ${value.name}` : 'a function';
  else if (typeof value === 'bigint') shown = `${value}n`;
  else if (typeof value === 'object') {
    const ctor = (value as object).constructor;
    if (ctor && ctor.name && ctor !== Object && ctor !== Array) return `an instance of ${ctor.name}`;
    shown = compactJson(value);
    if (shown.length > 60) shown = shown.slice(0, 57) + '...';
  } else shown = String(value);
  return `${shown} (${type})`;
}

/** TypeError naming the field (with its full path) and what was received; code ERR_TYPE. */
export function typeError(path: string, expected: string, value: unknown): TypeError & ErrorInfo {
  return withErrorInfo(new TypeError(`Expected ${expected} for ${path} but received ${describeValue(value)}`), path, 'ERR_TYPE');
}

/** RangeError with the given message about the field at `path`; code ERR_RANGE. */
export function rangeError(path: string, message: string): RangeError & ErrorInfo {
  return withErrorInfo(new RangeError(message), path, 'ERR_RANGE');
}

/** TypeError "<path> is required<detail>" (the field at `path` is missing); code ERR_REQUIRED. */
export function requiredError(path: string, detail = ''): TypeError & ErrorInfo {
  return withErrorInfo(new TypeError(`${path} is required${detail}`), path, 'ERR_REQUIRED');
}

/** Levenshtein distance, used to suggest the nearest known name. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    prev = cur;
  }
  return prev[n];
}

/** The known name closest to `name` (case-insensitive), if any is reasonably close. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const candidate of known) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 2));
  return bestDistance <= limit ? best : undefined;
}

/** "unknown <kind> 'X'; did you mean 'Y'? known: A, B, C"; code ERR_UNKNOWN_NAME, `path` when given. */
export function unknownNameError(kind: string, name: string, known: readonly string[], path?: string): Error & ErrorInfo {
  const suggestion = nearestName(name, known);
  const hint = suggestion ? `; did you mean '${suggestion}'?` : ';';
  return withErrorInfo(new Error(`unknown ${kind} '${name}'${hint} known: ${known.join(', ')}`), path, 'ERR_UNKNOWN_NAME');
}

/**
 * Throws a TypeError unless `value` is a number other than NaN (`{allowNaN: true}`: NaN passes,
 * for callers that leave NaN to a later check or to LibTorch).
 */
export function expectNumber(path: string, value: unknown, options?: { allowNaN?: boolean }): number {
  if (typeof value !== 'number' || (Number.isNaN(value) && options?.allowNaN !== true)) throw typeError(path, 'a number', value);
  return value;
}

/**
 * Throws unless `value` is a number in [lo, hi]: a TypeError (ERR_TYPE) for a non-number or NaN, a
 * RangeError "<path> must be in [lo, hi], got v" (ERR_RANGE) outside the interval.
 */
export function expectNumberIn(path: string, value: unknown, lo: number, hi: number): number {
  const v = expectNumber(path, value);
  if (v < lo || v > hi) throw rangeError(path, `${path} must be in [${lo}, ${hi}], got ${v}`);
  return v;
}

/** Throws a TypeError unless `value` is an integer. */
export function expectInteger(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(path, 'an integer', value);
  return value;
}

/** Throws a TypeError unless `value` is a boolean. */
export function expectBoolean(path: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw typeError(path, 'a boolean', value);
  return value;
}

/** Throws a TypeError unless `value` is a string. */
export function expectString(path: string, value: unknown): string {
  if (typeof value !== 'string') throw typeError(path, 'a string', value);
  return value;
}

/** True for `{...}` objects (not arrays, not class instances other than Object). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
