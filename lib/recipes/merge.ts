import { isPlainObject } from '../errors';

/** Hydra/OmegaConf merge: mappings merge key by key (recursively); lists and scalars replace. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key] as Record<string, unknown>, value) : value;
  }
  return out;
}

/** The value at a dotted path, or undefined. */
export function getPath(root: unknown, path: string[]): unknown {
  let node = root;
  for (const key of path) {
    if (!isPlainObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Sets a dotted path, creating mappings on the way. */
export function setPath(root: Record<string, unknown>, path: string[], value: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

/** Places `value` under a dotted package path ('' = the root). */
export function atPackage(pkg: string, value: Record<string, unknown>): Record<string, unknown> {
  if (!pkg) return value;
  const out: Record<string, unknown> = {};
  setPath(out, pkg.split('.'), value);
  return out;
}
