/** Where each value of a composed recipe came from (file:line), for error messages. */
import { isPlainObject } from '../errors';
import { lineOfKey, YamlFile } from './yaml-file';

export type Origins = Map<string, string>;

/** Records file:line for every key path of `y`'s data, under the package prefix. */
export function collectOrigins(y: YamlFile, pkg: string, origins: Origins): void {
  const walk = (node: unknown, path: string[]) => {
    if (!isPlainObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (path.length === 0 && key === 'defaults') continue;
      const p = [...path, key];
      const line = lineOfKey(y, p);
      origins.set([...(pkg ? pkg.split('.') : []), ...p].join('.'), line ? `${y.file}:${line}` : y.file);
      walk(value, p);
    }
  };
  walk(y.data, []);
}

/** The origin of a dotted path or of its nearest recorded ancestor. */
export function originOf(origins: Origins, path: string): string {
  let p = path;
  while (p) {
    const o = origins.get(p);
    if (o) return o;
    p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '';
  }
  return 'the recipe';
}
