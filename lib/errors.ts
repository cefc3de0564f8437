/**
 * One error vocabulary for the whole library (see style.md, lesson 6).
 *
 * - wrong JavaScript type  → TypeError  "Expected a number for optimizer_params.lr but received '0.1' (string)"
 * - value out of range     → RangeError (PyTorch's own wording where PyTorch has one: "Invalid learning rate: -1")
 * - unknown name           → Error      "unknown optimizer 'Adamm'; did you mean 'Adam'? known: SGD, Adam, ..."
 */

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

/** TypeError naming the field (with its full path) and what was received. */
export function typeError(path: string, expected: string, value: unknown): TypeError {
  return new TypeError(`Expected ${expected} for ${path} but received ${describeValue(value)}`);
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

/** "unknown <kind> 'X'; did you mean 'Y'? known: A, B, C" */
export function unknownNameError(kind: string, name: string, known: readonly string[]): Error {
  const suggestion = nearestName(name, known);
  const hint = suggestion ? `; did you mean '${suggestion}'?` : ';';
  return new Error(`unknown ${kind} '${name}'${hint} known: ${known.join(', ')}`);
}

/** Throws a TypeError unless `value` is a finite number. */
export function expectNumber(path: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw typeError(path, 'a number', value);
  return value;
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
