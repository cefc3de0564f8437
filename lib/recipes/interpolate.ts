/**
 * OmegaConf's `${...}` interpolation, resolved once everything is merged and overridden:
 * - `${a.b}` (also `${a.list[0]}`) is a key path from the root of the composed recipe;
 *   `${.x}` is a sibling, `${..x}` a key of the parent, and so on;
 * - a value that is exactly `${...}` takes the referenced value with its type (number, list,
 *   mapping); inside a longer string the value is written as text;
 * - `${name:args}` calls a resolver (see resolvers.ts); `\${` is a literal `${`.
 * Errors name the key holding the interpolation and the file:line it came from.
 */
import { isPlainObject, nearestName } from '../errors';
import { getPath, splitKey } from './merge';
import { originOf, Origins } from './origins';
import { BudgetError, InterpolationBudget, InterpolationLimits } from './interpolation-budget';
import { callResolver, parseLiteral, splitArgs } from './resolvers';
import { findForbiddenKey, forbiddenKeyMessage, isForbiddenKey } from './safe-keys';

type Piece = { text: string } | { expr: string };

/** An error that already names its file:line and key (not wrapped again by the resolver call around it). */
class InterpolationError extends Error {
  override name = 'Error';
}

/** Splits a string into text and `${...}` pieces (nested braces allowed); null when it has none. */
export function parseInterpolations(value: string): Piece[] | null {
  if (!value.includes('${')) return null;
  const pieces: Piece[] = [];
  let text = '';
  let i = 0;
  let found = false;
  while (i < value.length) {
    if (value.startsWith('\\${', i)) {
      text += '${';
      i += 3;
      found = true;
      continue;
    }
    if (!value.startsWith('${', i)) {
      text += value[i++];
      continue;
    }
    let depth = 0;
    let j = i;
    for (; j < value.length; j++) {
      if (value.startsWith('${', j)) {
        depth++;
        j++;
      } else if (value[j] === '}' && --depth === 0) break;
    }
    if (j >= value.length) throw new SyntaxError(`unclosed '\${' in '${value}'`);
    if (text) pieces.push({ text });
    text = '';
    pieces.push({ expr: value.slice(i + 2, j) });
    i = j + 1;
    found = true;
  }
  if (text) pieces.push({ text });
  return found ? pieces : null;
}

export class Interpolator {
  private readonly resolving: string[] = [];
  /**
   * Resolved values by key path, for one public call (the recipe may change between calls:
   * shortcuts are applied between valueAt() and resolveAll()). Values in it may be shared by
   * several places of a result until detach() copies them.
   */
  private readonly memo = new Map<string, unknown>();
  /** Counts the work (`budget.steps`), so tests can bound it by count, not by time. */
  readonly budget: InterpolationBudget;

  constructor(
    private readonly root: Record<string, unknown>,
    private readonly origins: Origins,
    limits?: Readonly<InterpolationLimits>,
  ) {
    this.budget = new InterpolationBudget(limits);
  }

  /** A deep copy of the whole recipe with every interpolation resolved. */
  resolveAll(): Record<string, unknown> {
    return this.run([], () => this.resolveNode(this.root, [])) as Record<string, unknown>;
  }

  /** The resolved value at `path` (undefined when missing). */
  valueAt(path: readonly string[]): unknown {
    const value = getPath(this.root, path);
    return value === undefined ? undefined : this.run(path, () => this.resolveNode(value, path));
  }

  /** One public call: a fresh memo and step count, and a result that shares nothing. */
  private run(at: readonly string[], resolve: () => unknown): unknown {
    this.memo.clear();
    this.budget.restart();
    try {
      return this.budget.detach(resolve());
    } catch (err) {
      if (err instanceof BudgetError) throw this.fail(at, err.message);
      throw err;
    } finally {
      this.memo.clear();
      this.resolving.length = 0;
    }
  }

  private fail(at: readonly string[], message: string): Error {
    return new InterpolationError(`${originOf(this.origins, at)}: ${message} (in ${at.join('.') || 'the root'})`);
  }

  /** How an interpolated value reads inside a longer string (its size checked before it is written). */
  private asText(value: unknown): string {
    if (typeof value === 'string') return value;
    if (Array.isArray(value) || isPlainObject(value)) {
      this.budget.checkTextSize(value);
      return JSON.stringify(value);
    }
    return String(value);
  }

  private resolveNode(value: unknown, at: readonly string[]): unknown {
    this.budget.tick();
    if (typeof value !== 'string' && !Array.isArray(value) && !isPlainObject(value)) return value;
    const id = JSON.stringify(at);
    if (this.memo.has(id)) return this.memo.get(id);
    let out: unknown;
    if (typeof value === 'string') out = this.resolveString(value, at);
    else if (Array.isArray(value)) {
      const list = value.map((v, i) => this.resolveNode(v, [...at, String(i)]));
      this.built(list, list, at);
      out = list;
    } else {
      const mapping: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) mapping[k] = this.resolveNode(v, [...at, k]);
      this.built(mapping, Object.values(mapping), at);
      out = mapping;
    }
    this.memo.set(id, out);
    return out;
  }

  /** Records the size of a resolved mapping or list; one too large is refused at its own key. */
  private built(value: object, children: readonly unknown[], at: readonly string[]): void {
    try {
      this.budget.built(value, children);
    } catch (err) {
      if (err instanceof BudgetError) throw this.fail(at, err.message);
      throw err;
    }
  }

  /** A string value of the recipe: guarded against cycles, then expanded. */
  private resolveString(value: string, at: readonly string[]): unknown {
    if (!value.includes('${')) return value;
    // The stack of values being resolved: meeting one again is a cycle.
    const id = at.join('.');
    if (this.resolving.includes(id)) {
      throw this.fail(at, `interpolation cycle: ${[...this.resolving.slice(this.resolving.indexOf(id)), id].join(' → ')}`);
    }
    this.resolving.push(id);
    try {
      return this.expand(value, at);
    } catch (err) {
      // A limit is reported at the innermost value that passed it, with its file:line.
      if (err instanceof BudgetError) throw this.fail(at, err.message);
      throw err;
    } finally {
      this.resolving.pop();
    }
  }

  /** Text with `${...}` pieces: one whole piece keeps its type, several make a string. */
  private expand(value: string, at: readonly string[]): unknown {
    let pieces: Piece[] | null;
    try {
      pieces = parseInterpolations(value);
    } catch (err) {
      throw this.fail(at, (err as Error).message);
    }
    if (!pieces) return value;
    if (pieces.length === 1 && 'expr' in pieces[0]) return this.evaluate(pieces[0].expr, at);
    const texts: string[] = [];
    let length = 0;
    for (const p of pieces) {
      this.budget.tick();
      const text = 'text' in p ? p.text : this.asText(this.evaluate(p.expr, at));
      length += text.length;
      this.budget.checkLength(length);
      texts.push(text);
    }
    return texts.join('');
  }

  /** One `${expr}`: a key path or a `resolver:args` call; nested `${}` inside are resolved first. */
  private evaluate(expr: string, at: readonly string[]): unknown {
    const call = /^\s*([A-Za-z_][\w.]*)\s*:(.*)$/s.exec(expr);
    if (call) {
      const args = splitArgs(call[2]).map((arg) => (parseInterpolations(arg) ? this.expand(arg, at) : parseLiteral(arg)));
      const bad = findForbiddenKey(args);
      if (bad) throw this.fail(at, `\${${expr}}: ${forbiddenKeyMessage(bad[bad.length - 1])}`);
      try {
        return callResolver(call[1], args, (key) => this.lookupOrUndefined(key, at));
      } catch (err) {
        // An error of a key the resolver read already says where it is.
        if (err instanceof InterpolationError) throw err;
        throw this.fail(at, `\${${expr}}: ${(err as Error).message}`);
      }
    }
    const key = this.asText(this.expand(expr.trim(), at));
    return this.lookup(key, at, expr);
  }

  private targetPath(key: string, at: readonly string[]): string[] {
    const ups = key.startsWith('.') ? /^\.+/.exec(key)![0].length : 0;
    const parts = splitKey(key.slice(ups));
    // Reading through them would reach Object.prototype's members: refused like a written key.
    const bad = parts.find(isForbiddenKey);
    if (bad !== undefined) throw this.fail(at, `\${${key}}: ${forbiddenKeyMessage(bad)}`);
    if (ups === 0) return parts;
    // `.x` is relative to the mapping holding the interpolated value, `..x` to its parent.
    return [...at.slice(0, Math.max(0, at.length - ups)), ...parts];
  }

  private lookupOrUndefined(key: string, at: readonly string[]): unknown {
    const target = this.targetPath(key, at);
    return getPath(this.root, target) === undefined ? undefined : this.resolveNode(getPath(this.root, target), target);
  }

  private lookup(key: string, at: readonly string[], written: string): unknown {
    const target = this.targetPath(key, at);
    const value = getPath(this.root, target);
    if (value === undefined) throw this.fail(at, `unresolved interpolation \${${written}}: ${this.missingKeyHint(target, at)}`);
    return this.resolveNode(value, target);
  }

  /** "no key 'a.b' (did you mean 'a.c'?)", naming the deepest part of the path that exists. */
  private missingKeyHint(target: readonly string[], at: readonly string[]): string {
    let n = 0;
    while (n < target.length && getPath(this.root, target.slice(0, n + 1)) !== undefined) n++;
    const parent = getPath(this.root, target.slice(0, n));
    // The key holding the interpolation is no answer to "did you mean".
    const siblings = isPlainObject(parent) ? Object.keys(parent).filter((k) => [...target.slice(0, n), k].join('.') !== at.join('.')) : [];
    const near = nearestName(target[n] ?? '', siblings);
    const shown = target.slice(0, n + 1).join('.');
    return `no key '${shown}'${near ? `; did you mean '${[...target.slice(0, n), near].join('.')}'?` : ''}`;
  }
}

/** The recipe with every `${...}` resolved (a new object; `root` is not changed). */
export function resolveInterpolations(root: Record<string, unknown>, origins: Origins): Record<string, unknown> {
  return new Interpolator(root, origins).resolveAll();
}
