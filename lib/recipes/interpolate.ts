/**
 * OmegaConf's `${...}` interpolation, resolved once everything is merged and overridden:
 * - `${a.b}` (also `${a.list[0]}`) is a key path from the root of the composed recipe;
 *   `${.x}` is a sibling, `${..x}` a key of the parent, and so on;
 * - a value that is exactly `${...}` takes the referenced value with its type (number, list,
 *   mapping); inside a longer string the value is written as text;
 * - `${name:args}` calls a resolver (see resolvers.ts); `\${` is a literal `${`.
 * Errors name the key holding the interpolation and the file:line it came from.
 *
 * As in OmegaConf, a key that is not there is an error only for a value that is read: such a
 * value (and any value that refers to it) resolves to a Deferred that carries the error
 * (deferred.ts); a path through a forbidden key, a cycle, bad syntax, an unknown resolver or a
 * passed limit fail at once.
 */
import { isPlainObject, nearestName } from '../errors';
import { Deferred, findDeferred } from './deferred';
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

/** A value that cannot be resolved for now: caught where the value is, which becomes a Deferred. */
class Unresolved extends InterpolationError {
  constructor(
    message: string,
    /** The value whose key is missing, when this one only refers to it. */
    readonly origin: Deferred | null = null,
  ) {
    super(message);
  }
}

/** Splits a string into text and `${...}` pieces (nested braces allowed); null when it has none. */
function parseInterpolations(value: string): Piece[] | null {
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
    /** The package a group file loaded on its own has in Hydra (`['training_hyperparams']`); [] for a recipe. */
    private readonly ownPackage: readonly string[] = [],
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
    if (typeof value === 'string') out = this.resolveLazily(value, at);
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

  /** A string value, or the Deferred that reading it will throw (its missing key named). */
  private resolveLazily(value: string, at: readonly string[]): unknown {
    try {
      return this.resolveString(value, at);
    } catch (err) {
      if (err instanceof Unresolved) return new Deferred(err.message, value, Error, err.origin);
      throw err;
    }
  }

  /** A resolved value that is (or, as text, holds) a Deferred cannot be used by `at` either. */
  private settle<T>(value: T, at: readonly string[], written: string, deep: boolean): T {
    const inner = value instanceof Deferred ? value : deep ? findDeferred(value) : null;
    // Named by the value whose key is missing, not by the chain: a message stays short however
    // long the chain of references (a chain of n values must not make n messages of length n).
    const origin = inner?.origin ?? inner;
    if (origin) throw new Unresolved(`${originOf(this.origins, at)}: \${${written}} (in ${at.join('.') || 'the root'}) needs a value that cannot be resolved: ${origin.message}`, origin);
    return value;
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
    if (pieces.length === 1 && 'expr' in pieces[0]) return this.settle(this.evaluate(pieces[0].expr, at), at, pieces[0].expr, false);
    const texts: string[] = [];
    let length = 0;
    for (const p of pieces) {
      this.budget.tick();
      const text = 'text' in p ? p.text : this.asText(this.settle(this.evaluate(p.expr, at), at, p.expr, true));
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
      const args = splitArgs(call[2]).map((arg) => (parseInterpolations(arg) ? this.settle(this.expand(arg, at), at, arg, false) : parseLiteral(arg)));
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
    const key = this.asText(this.settle(this.expand(expr.trim(), at), at, expr.trim(), true));
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
    const target = this.found(this.targetPath(key, at));
    return getPath(this.root, target) === undefined ? undefined : this.settle(this.resolveNode(getPath(this.root, target), target), at, key, false);
  }

  private lookup(key: string, at: readonly string[], written: string): unknown {
    const target = this.found(this.targetPath(key, at));
    const value = getPath(this.root, target);
    if (value === undefined) throw new Unresolved(this.fail(at, `unresolved interpolation \${${written}}: ${this.missingKeyHint(target, at)}`).message);
    return this.resolveNode(value, target);
  }

  /**
   * `target`, or for a group file loaded on its own (its content at the root) whose path starts
   * with the file's own package and is not a key of the root, the rest of the path: SG's
   * `${training_hyperparams.x}` inside training_hyperparams/ files, where Hydra composes the
   * file under its package.
   */
  private found(target: string[]): string[] {
    const n = this.ownPackage.length;
    if (n === 0 || target.length <= n || getPath(this.root, target) !== undefined) return target;
    if (this.ownPackage.some((part, i) => target[i] !== part) || Object.hasOwn(this.root, this.ownPackage[0])) return target;
    return target.slice(n);
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
