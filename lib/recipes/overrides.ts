/**
 * Command-line overrides, as Hydra takes them: `a.b=value` (the key must exist), `+a.b=value`
 * (adds), `~a.b` (deletes), `group=option` (swaps a defaults group). Values are YAML-typed
 * (`1e-3` is a number, `[1,2]` a list, `null` null).
 */
import { parse as parseYaml } from 'yaml';

import { isPlainObject } from '../errors';
import { getPath, setPath } from './merge';

export interface Override {
  kind: 'set' | 'add' | 'delete';
  path: string[];
  value: unknown;
  text: string;
}

export function parseOverride(text: string): Override {
  if (typeof text !== 'string') throw new TypeError(`an override must be a string like key=value, got ${String(text)}`);
  if (text.startsWith('~')) {
    const key = text.slice(1).split('=')[0];
    if (!key) throw new Error(`invalid override '${text}': expected ~key`);
    return { kind: 'delete', path: key.split('.'), value: undefined, text };
  }
  const eq = text.indexOf('=');
  if (eq <= 0) throw new Error(`invalid override '${text}': expected key=value, +key=value or ~key`);
  const add = text.startsWith('+');
  const key = text.slice(add ? 1 : 0, eq);
  if (!/^[A-Za-z0-9_.\-/]+$/.test(key)) throw new Error(`invalid override '${text}': bad key '${key}'`);
  let value: unknown;
  try {
    value = parseYaml(text.slice(eq + 1));
  } catch (err) {
    throw new Error(`invalid override '${text}': the value is not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  return { kind: add ? 'add' : 'set', path: key.split('.'), value: value === undefined ? null : value, text };
}

/** Applies set/add/delete overrides (group swaps are handled before composition). */
export function applyOverride(config: Record<string, unknown>, o: Override, alwaysAllowed: Set<string>): void {
  const parent = getPath(config, o.path.slice(0, -1));
  const last = o.path[o.path.length - 1];
  const exists = isPlainObject(parent) && last in parent;
  if (o.kind === 'delete') {
    if (!exists) throw new Error(`override '${o.text}': key '${o.path.join('.')}' is not in the recipe`);
    delete (parent as Record<string, unknown>)[last];
    return;
  }
  if (o.kind === 'set' && !exists && !alwaysAllowed.has(o.path.join('.'))) {
    throw new Error(`override '${o.text}': key '${o.path.join('.')}' is not in the recipe; use +${o.text} to add it`);
  }
  setPath(config, o.path, o.value);
}
