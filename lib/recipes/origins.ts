/**
 * Where each value of a composed recipe came from (`file:line`, or the override that set it), so
 * that errors found after merging (interpolation, `_target_`, training-param checks) can point at
 * the line to fix. Later sources overwrite earlier ones, as their values do.
 */
import { isPlainObject } from '../errors';
import { lineOf, YamlFile } from './yaml-file';

export type Origins = Map<string, string>;

/** Records `file:line` for every key path of `y`'s content, placed under package `pkg`. */
export function recordFileOrigins(y: YamlFile, pkg: string, origins: Origins): void {
  const prefix = pkg ? pkg.split('.') : [];
  const walk = (node: unknown, path: string[]) => {
    const entries = Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : isPlainObject(node) ? Object.entries(node) : [];
    for (const [key, value] of entries) {
      if (path.length === 0 && key === 'defaults') continue;
      const p = [...path, key];
      const line = lineOf(y, p);
      origins.set([...prefix, ...p].join('.'), line === null ? y.file : `${y.file}:${line}`);
      walk(value, p);
    }
  };
  walk(y.data, []);
}

/** Records `source` (e.g. "override 'a.b=1'") for `path` and everything under `value`. */
export function recordValueOrigins(path: readonly string[], value: unknown, source: string, origins: Origins): void {
  origins.set(path.join('.'), source);
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : isPlainObject(value) ? Object.entries(value) : [];
  for (const [key, v] of entries) recordValueOrigins([...path, key], v, source, origins);
}

/** The origin of a key path, or of its nearest recorded ancestor; `fallback` when none. */
export function originOf(origins: Origins, path: readonly string[], fallback = 'the recipe'): string {
  for (let n = path.length; n > 0; n--) {
    const o = origins.get(path.slice(0, n).join('.'));
    if (o) return o;
  }
  return fallback;
}
