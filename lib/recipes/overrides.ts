/**
 * Command-line overrides as Hydra takes them, applied after composition and before
 * interpolation:
 *   key.path=value    change a key that exists (values are YAML: `1e-3` is a number, `[1,2]` a list)
 *   +key.path=value   add a key that does not exist
 *   ++key.path=value  set it either way
 *   ~key.path         delete it (`~key=value` only if it holds that value)
 *   group=option      choose another file of a config group (`training_hyperparams=other_params`);
 *                     `+group=option` adds a group, `~group` removes one.
 */
import { parse as parseYaml } from 'yaml';

import { isPlainObject, nearestName } from '../errors';
import { deepMerge, deletePath, getPath, hasPath, setPath, splitKey } from './merge';
import { Origins, recordValueOrigins } from './origins';
import { checkKeyPath, findForbiddenKey, forbiddenKeyError } from './safe-keys';

type OverrideKind = 'set' | 'add' | 'force' | 'delete';

export interface Override {
  kind: OverrideKind;
  /** The key as written (`training_hyperparams.initial_lr`, `a[0]`, `group/sub`). */
  key: string;
  path: string[];
  /** The YAML-typed value; undefined for `~key` without a value. */
  value: unknown;
  /** The override as written, for messages. */
  text: string;
}

const KEY = /^[A-Za-z0-9_-]+(?:[./][A-Za-z0-9_-]+|\[\d+\])*$/;
const SYNTAX = 'expected key=value, +key=value, ++key=value or ~key';

/**
 * Hydra's override grammar reads `{phase:X,n:2}` as a dict; YAML needs a space after the colon
 * (without one, `phase:X` is a single plain scalar). Inside flow collections, a bare key directly
 * followed by ':' gets that space; quoted text is left as it is.
 */
function hydraFlowToYaml(raw: string): string {
  if (!/^[[{]/.test(raw)) return raw;
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    out += c;
    if (quote) {
      if (c === quote && raw[i - 1] !== '\\') quote = null;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      continue;
    }
    if (c === '{' || c === ',') {
      const m = /^(\s*)([A-Za-z_][\w.-]*):(?=[^\s/])/.exec(raw.slice(i + 1));
      if (m) {
        out += `${m[1]}${m[2]}: `;
        i += m[0].length;
      }
    }
  }
  return out;
}

/** Reads a value as Hydra's command line does: YAML-typed, and plain text when YAML refuses it. */
function parseValue(raw: string, text: string): unknown {
  if (raw === '') return '';
  if (raw.startsWith('#')) return raw;
  let value: unknown;
  try {
    value = parseYaml(hydraFlowToYaml(raw));
  } catch (err) {
    if (/^[[{'"]/.test(raw)) throw new Error(`invalid override '${text}': the value is not valid YAML (${(err as Error).message.split('\n')[0]})`, { cause: err });
    return raw;
  }
  // `a: b` is a mapping to YAML but plain text on a command line; `{a: b}` is a mapping.
  if (isPlainObject(value) && !raw.trimStart().startsWith('{')) return raw;
  return value === undefined ? null : value;
}

/** Parses one override; throws for invalid syntax. */
export function parseOverride(text: unknown): Override {
  if (typeof text !== 'string') throw new TypeError(`Expected an override string like key=value but received ${JSON.stringify(text)} (${typeof text})`);
  const m = /^(~|\+\+|\+)?([^=]*)(?:=(.*))?$/s.exec(text.trim());
  const prefix = m?.[1] ?? '';
  const key = (m?.[2] ?? '').trim();
  const raw = m?.[3];
  if (!m || !key) throw new Error(`invalid override '${text}': ${SYNTAX}`);
  if (!KEY.test(key)) throw new Error(`invalid override '${text}': '${key}' is not a key path (letters, digits, '_', '-', separated by '.')`);
  const path = splitKey(key.replace(/\//g, '.'));
  checkKeyPath(path, `invalid override '${text}'`);
  if (prefix === '~') return { kind: 'delete', key, path, value: raw === undefined ? undefined : checkedValue(raw.trim(), text), text };
  if (raw === undefined) throw new Error(`invalid override '${text}': ${SYNTAX}`);
  const kind: OverrideKind = prefix === '++' ? 'force' : prefix === '+' ? 'add' : 'set';
  return { kind, key, path, value: checkedValue(raw.trim(), text), text };
}

/** The value of an override; a mapping in it (`a={__proto__: {x: 1}}`) is merged, so its keys are checked too. */
function checkedValue(raw: string, text: string): unknown {
  const value = parseValue(raw, text);
  const bad = findForbiddenKey(value);
  if (bad) throw forbiddenKeyError(`invalid override '${text}' (at ${bad.join('.')} in its value)`, bad[bad.length - 1]);
  return value;
}

/** "; did you mean 'a.b'?" for a key path whose last part is misspelled. */
function suggestion(config: Record<string, unknown>, path: readonly string[]): string {
  let n = 0;
  while (n < path.length - 1 && isPlainObject(getPath(config, path.slice(0, n + 1)))) n++;
  const parent = getPath(config, path.slice(0, n));
  const near = isPlainObject(parent) ? nearestName(path[n], Object.keys(parent)) : undefined;
  return near ? ` (did you mean '${[...path.slice(0, n), near].join('.')}'?)` : '';
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Applies a config override to `config` in place. `extraKeys` are top-level keys that may be
 * set without `+` (the recipe shortcuts); `recipe` names the recipe in messages.
 */
export function applyOverride(config: Record<string, unknown>, o: Override, origins: Origins, recipe: string, extraKeys: ReadonlySet<string> = new Set()): void {
  const exists = hasPath(config, o.path);
  const shown = o.path.join('.');
  if (o.kind === 'delete') {
    if (!exists) throw new Error(`override '${o.text}': no key '${shown}' in ${recipe}${suggestion(config, o.path)}`);
    if (o.value !== undefined && !sameValue(getPath(config, o.path), o.value)) {
      throw new Error(`override '${o.text}': '${shown}' is ${JSON.stringify(getPath(config, o.path))}, not ${JSON.stringify(o.value)}`);
    }
    deletePath(config, o.path);
    return;
  }
  if (o.kind === 'set' && !exists && !(o.path.length === 1 && extraKeys.has(o.path[0]))) {
    throw new Error(`override '${o.text}': no key '${shown}' in ${recipe}${suggestion(config, o.path)}; to add it use +${o.text}`);
  }
  if (o.kind === 'add' && exists) {
    throw new Error(`override '${o.text}': '${shown}' is already in ${recipe}; to change it use ${o.text.slice(1)} (or +${o.text} to set it either way)`);
  }
  for (let n = 1; n < o.path.length; n++) {
    const node = getPath(config, o.path.slice(0, n));
    if (node !== undefined && node !== null && !isPlainObject(node) && !Array.isArray(node)) {
      throw new Error(`override '${o.text}': '${o.path.slice(0, n).join('.')}' is ${JSON.stringify(node)}, not a mapping`);
    }
  }
  // Hydra merges a mapping given on the command line into the mapping already there.
  const current = getPath(config, o.path);
  const value = isPlainObject(o.value) && isPlainObject(current) ? deepMerge(current, o.value) : o.value;
  setPath(config, o.path, value);
  recordValueOrigins(o.path, value, `override '${o.text}'`, origins);
}
