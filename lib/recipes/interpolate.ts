/**
 * OmegaConf interpolation: `${a.b}` refers to a key of the composed recipe (absolute), `${.x}`
 * to a sibling; a value that is exactly `${...}` keeps the referenced value's type, inside a
 * longer string it is stringified. Resolved after merging and overrides.
 */
import { isPlainObject } from '../errors';
import { getPath } from './merge';
import { originOf, Origins } from './origins';

const PATTERN = /\$\{([^}]*)\}/g;

export function resolveInterpolations(root: Record<string, unknown>, origins: Origins): Record<string, unknown> {
  const resolving = new Set<string>();

  const lookup = (ref: string, at: string[]): unknown => {
    const trimmed = ref.trim();
    let target: string[];
    if (trimmed.startsWith('.')) {
      const ups = trimmed.match(/^\.+/)![0].length;
      target = [...at.slice(0, at.length - ups), ...trimmed.slice(ups).split('.').filter(Boolean)];
    } else {
      target = trimmed.split('.');
    }
    const key = target.join('.');
    if (resolving.has(key)) throw new Error(`interpolation cycle through \${${trimmed}} at ${at.join('.')} (${originOf(origins, at.join('.'))})`);
    const value = getPath(root, target);
    if (value === undefined) {
      throw new Error(`unresolved interpolation \${${trimmed}} at ${at.join('.')} (${originOf(origins, at.join('.'))}): no key '${key}'`);
    }
    resolving.add(key);
    try {
      return resolve(value, target);
    } finally {
      resolving.delete(key);
    }
  };

  const resolve = (value: unknown, at: string[]): unknown => {
    if (typeof value === 'string') {
      const whole = /^\$\{([^}]*)\}$/.exec(value);
      if (whole) return lookup(whole[1], at);
      if (!value.includes('${')) return value;
      return value.replace(PATTERN, (_m, ref: string) => String(lookup(ref, at)));
    }
    if (Array.isArray(value)) return value.map((v, i) => resolve(v, [...at, String(i)]));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = resolve(v, [...at, k]);
      return out;
    }
    return value;
  };

  return resolve(root, []) as Record<string, unknown>;
}
