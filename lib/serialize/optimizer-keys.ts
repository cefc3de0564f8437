/**
 * PyTorch keys an optimizer state dict's `state` by integers (the parameter's index in
 * param_groups). A JavaScript object can only have string keys, so `opt.stateDict()` saved as it
 * is would reach Python as {'0': ...}: torch.optim's load_state_dict accepts that and silently
 * drops every entry (its lookup is by int). Before saving, every value shaped like an optimizer
 * state dict gets its `state` as a Map with integer keys, which the pickler writes as ints.
 */
import { isPlainObject } from '../errors';
import { Tensor } from '../tensor/tensor';

const CANONICAL_INDEX = /^(0|[1-9]\d*)$/;

/** {state, param_groups} with integer `params` in every group and state keys among them. */
function isOptimizerStateDict(value: Record<string, unknown>): value is { state: Record<string, unknown>; param_groups: unknown[] } {
  const keys = Object.keys(value);
  if (keys.length !== 2 || !keys.includes('state') || !keys.includes('param_groups')) return false;
  const { state, param_groups: groups } = value;
  if (!isPlainObject(state) || !Array.isArray(groups)) return false;
  const indices = new Set<string>();
  for (const g of groups) {
    if (!isPlainObject(g) || !Array.isArray(g.params)) return false;
    for (const p of g.params) {
      if (!Number.isInteger(p) || (p as number) < 0) return false;
      indices.add(String(p));
    }
  }
  return Object.keys(state).every((k) => CANONICAL_INDEX.test(k) && indices.has(k));
}

/**
 * `value` with the `state` of every optimizer state dict in it keyed by integers (a copy; the input
 * is untouched). Shared objects are converted once; a cycle is left as it is, for the pickler to
 * refuse by name.
 */
export function withIntegerStateKeys(value: unknown): unknown {
  const done = new Map<object, unknown>();
  const inProgress = new Set<object>();
  const walk = (v: unknown): unknown => {
    if (v instanceof Tensor || v === null || typeof v !== 'object') return v;
    if (done.has(v)) return done.get(v);
    if (inProgress.has(v)) return v;
    inProgress.add(v);
    let out: unknown = v;
    if (Array.isArray(v)) out = v.map(walk);
    else if (v instanceof Map) out = new Map([...v].map(([k, x]) => [k, walk(x)]));
    else if (isPlainObject(v) && isOptimizerStateDict(v)) {
      out = { state: new Map<number, unknown>(Object.entries(v.state).map(([k, x]) => [Number(k), walk(x)])), param_groups: walk(v.param_groups) };
    } else if (isPlainObject(v)) out = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    inProgress.delete(v);
    done.set(v, out);
    return out;
  };
  return walk(value);
}
