/**
 * Keys a recipe may not use anywhere a key path is built from its text (YAML keys, `# @package`
 * headers, defaults packages, overrides, interpolation paths): writing through `__proto__`,
 * `constructor` or `prototype` reaches Object.prototype and so changes every object of the
 * process. Hydra has no use for them, so they are refused outright rather than escaped.
 */
import { isPlainObject } from '../errors';

const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

/** "the key '__proto__' is not allowed in a recipe (...)". */
export function forbiddenKeyMessage(key: string): string {
  return `the key '${key}' is not allowed in a recipe (${[...FORBIDDEN_KEYS].join(', ')} could reach Object.prototype)`;
}

/** "<where>: the key '__proto__' is not allowed in a recipe (...)". */
export function forbiddenKeyError(where: string, key: string): Error {
  return new Error(`${where}: ${forbiddenKeyMessage(key)}`);
}

/** Throws when a part of `parts` is a forbidden key; `where` names the file, override or key. */
export function checkKeyPath(parts: readonly string[], where: string): void {
  const bad = parts.find(isForbiddenKey);
  if (bad !== undefined) throw forbiddenKeyError(where, bad);
}

/**
 * The first forbidden key inside plain data (own keys of every mapping, through lists), as its
 * key path, or null. For values that never went through a YAML file: override values.
 */
export function findForbiddenKey(value: unknown, at: readonly string[] = []): string[] | null {
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : isPlainObject(value) ? Object.entries(value) : [];
  for (const [key, v] of entries) {
    if (!Array.isArray(value) && isForbiddenKey(key)) return [...at, key];
    const inner = findForbiddenKey(v, [...at, key]);
    if (inner) return inner;
  }
  return null;
}
