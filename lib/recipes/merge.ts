/**
 * OmegaConf's merge for plain data, and dotted-path access. Mappings merge key by key
 * (recursively), lists and scalars replace: `{a: {x: 1}, l: [1]}` + `{a: {y: 2}, l: [3]}` →
 * `{a: {x: 1, y: 2}, l: [3]}`.
 */
import { isPlainObject } from '../errors';
import { checkKeyPath, forbiddenKeyError, isForbiddenKey } from './safe-keys';

/**
 * Last line of defence: the readers refuse forbidden keys with their file or override, but
 * data can also come from a caller (`deepMerge` is public), and `out['__proto__'] = v` would
 * replace a prototype instead of adding a key.
 */
function safeKey(key: string): string {
  if (isForbiddenKey(key)) throw forbiddenKeyError('recipe data', key);
  return key;
}

/** A deep copy of plain data, so that YAML aliases and merged files never share objects. */
function cloneData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneData) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[safeKey(k)] = cloneData(v);
    return out as T;
  }
  return value;
}

/**
 * `over` merged into a copy of `base`: mappings key-wise and recursively, anything else
 * replaces (a list replaces a list, `null` replaces a mapping).
 *
 * @example
 * deepMerge({ a: { x: 1 }, l: [1, 2] }, { a: { y: 2 }, l: [3] }); // { a: { x: 1, y: 2 }, l: [3] }
 */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = cloneData(base);
  for (const [key, value] of Object.entries(over)) {
    out[safeKey(key)] = isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key] as Record<string, unknown>, value) : cloneData(value);
  }
  return out;
}

/** Splits `a.b[0].c` into `['a', 'b', '0', 'c']` (OmegaConf accepts both `a.0` and `a[0]`). */
export function splitKey(key: string): string[] {
  return key
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((part) => part !== '');
}

/** The value at a key path (through mappings and list indices), or undefined. */
export function getPath(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(key)) return undefined;
      node = node[Number(key)];
    } else if (isPlainObject(node)) {
      if (!Object.prototype.hasOwnProperty.call(node, key)) return undefined;
      node = node[key];
    } else return undefined;
  }
  return node;
}

/** True when `path` names an existing entry (its value may be null). */
export function hasPath(root: unknown, path: readonly string[]): boolean {
  if (path.length === 0) return true;
  const parent = getPath(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent)) return /^\d+$/.test(last) && Number(last) < parent.length;
  return isPlainObject(parent) && Object.prototype.hasOwnProperty.call(parent, last);
}

/** Sets `path` to `value`, creating mappings on the way. */
export function setPath(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  checkKeyPath(path, `key path '${path.join('.')}'`);
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    const container = node as Record<string, unknown>;
    if (!isPlainObject(container[key]) && !Array.isArray(container[key])) container[key] = {};
    node = container[key];
  }
  (node as Record<string, unknown>)[path[path.length - 1]] = value;
}

/** Removes `path` (a mapping key or a list item). */
export function deletePath(root: Record<string, unknown>, path: readonly string[]): void {
  const parent = getPath(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (isPlainObject(parent)) delete parent[last];
}

/** `value` placed under a dotted package path ('' = the root): `atPackage('a.b', v)` → `{a: {b: v}}`. */
export function atPackage(pkg: string, value: Record<string, unknown>): Record<string, unknown> {
  if (!pkg) return value;
  const out: Record<string, unknown> = {};
  setPath(out, pkg.split('.'), value);
  return out;
}
