/**
 * Scopes that free their tensors: `sg.tidy(fn)` disposes every tensor created while `fn` runs,
 * except those it returns and those passed to `sg.keep()`.
 *
 * Why: native memory is released when JavaScript collects a tensor, and Node runs those
 * finalizers between turns of its event loop, so a long synchronous loop (no `await`) holds every
 * intermediate tensor until it ends. A loop body in `tidy` frees them at once.
 */
import type { Tensor } from './tensor';

/** The tensors created in each open scope, innermost last. */
const scopes: Tensor[][] = [];
const kept = new WeakSet<Tensor>();

/** @internal Called by the Tensor constructor: records `t` in the innermost open scope. */
export function trackTensor(t: Tensor): void {
  if (scopes.length > 0) scopes[scopes.length - 1].push(t);
}

/** Marks `t` to survive every enclosing `tidy` (its memory is then freed by GC or dispose()). */
export function keep<T extends Tensor>(t: T): T {
  kept.add(t);
  return t;
}

/** The tensors in a result: itself, or inside arrays and plain objects (any depth). */
function collect(value: unknown, out: Set<unknown>, seen: Set<unknown>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (typeof (value as { _h?: unknown })._h === 'object' && typeof (value as { dispose?: unknown }).dispose === 'function') {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) value.forEach((v) => collect(v, out, seen));
  else if (Object.getPrototypeOf(value) === Object.prototype || value instanceof Map) {
    for (const v of value instanceof Map ? value.values() : Object.values(value)) collect(v, out, seen);
  }
}

/**
 * Runs `fn` and disposes the tensors it created, except the ones it returns (a tensor, or tensors
 * in arrays and plain objects) and the ones passed to `keep()`; those move to the enclosing scope.
 * `fn` must be synchronous (a promise would let the scope close before the work is done).
 *
 * @example
 * for (const [x, y] of loader) {
 *   const loss = sg.tidy(() => {
 *     const l = sg.crossEntropy(model.forward(x), y);
 *     opt.zeroGrad();
 *     l.backward();
 *     opt.step();
 *     return l.item();           // a number: every tensor of the step is freed here
 *   });
 * }
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`Expected a function for tidy(fn) but received ${typeof fn}`);
  scopes.push([]);
  let result: T;
  let created: Tensor[];
  try {
    result = fn();
  } finally {
    created = scopes.pop()!;
  }
  if (result instanceof Promise) throw new TypeError('tidy(fn): fn returned a Promise; tidy only scopes synchronous work');
  const survivors = new Set<unknown>();
  collect(result, survivors, new Set());
  const outer = scopes.length > 0 ? scopes[scopes.length - 1] : null;
  for (const t of created) {
    if (survivors.has(t) || kept.has(t)) outer?.push(t);
    else if (!t.isDisposed) t.dispose();
  }
  return result;
}
