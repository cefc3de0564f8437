/**
 * What loading one (possibly hostile) buffer does: it loads, and every tensor in it reads back
 * within its storage, or it throws a plain Error of ours. Anything else (a TypeError or RangeError
 * from an unchecked read, a non-Error throw) is a reader bug and is returned as such.
 */
import { deserialize } from '../../../lib/serialize';
import { Tensor } from '../../../lib/tensor';

export type Outcome = { loads: true } | { error: string } | { bug: string };

/** Reads every element of every tensor (those up to a million elements) so a bad view would show. */
function touch(v: unknown, seen = new Set<unknown>()): void {
  if (v === null || typeof v !== 'object' || seen.has(v)) return;
  seen.add(v);
  if (v instanceof Tensor) {
    const n = v.shape.reduce((a, b) => a * b, 1);
    if (n <= 1e6) v.toArray();
    return;
  }
  for (const x of Array.isArray(v) ? v : Object.values(v)) touch(x, seen);
}

export function outcome(bytes: Buffer): Outcome {
  let value: unknown;
  try {
    value = deserialize(bytes);
  } catch (err) {
    if (!(err instanceof Error) || err.constructor !== Error) return { bug: `threw ${err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err)}` };
    return { error: err.message };
  }
  touch(value);
  return { loads: true };
}

/**
 * The check a mutant failed, from its message: the first words that are plain words (numbers,
 * names and quoted bytes from the file dropped), so mutants failing one check share a shape.
 */
export function shape(o: Outcome): string {
  if ('loads' in o) return 'loads';
  if ('bug' in o) return `BUG ${o.bug}`;
  return o.error
    .split(/\s+/)
    .filter((w) => /^[A-Za-z_:-]+$/.test(w))
    .slice(0, 6)
    .join(' ');
}
