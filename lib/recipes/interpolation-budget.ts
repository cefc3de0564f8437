/**
 * Bounds on the work of `${...}` interpolation. Memoization keeps a recipe that references the
 * same key many times linear, but a few hundred bytes can still ask for a result of exponential
 * size (`b: ${a}${a}`, `c: ${b}${b}`, ... or lists of lists of references): such a recipe must
 * fail at once with a clear error instead of taking seconds or gigabytes. The limits are counts,
 * far above what a real recipe needs (SG's largest recipes resolve in a few thousand steps).
 */
import { isPlainObject } from '../errors';
import { forbiddenKeyError, isForbiddenKey } from './safe-keys';

export interface InterpolationLimits {
  /** The longest string an interpolation may produce, in characters. */
  maxStringLength: number;
  /** The most nodes (mappings, lists, values) a resolved value may have once written out. */
  maxNodes: number;
  /** Steps per resolution: nodes visited, `${}` pieces evaluated, nodes copied out. */
  maxSteps: number;
}

export const INTERPOLATION_LIMITS: Readonly<InterpolationLimits> = Object.freeze({ maxStringLength: 1_000_000, maxNodes: 1_000_000, maxSteps: 2_000_000 });

/** Thrown when a limit is passed; the Interpolator adds where. */
export class BudgetError extends Error {}

export class InterpolationBudget {
  /** Steps taken since this budget was made (for tests: work is measured by count, not time). */
  steps = 0;
  private start = 0;
  /**
   * Node counts of resolved mappings and lists, as written out: memoized values are shared, so a
   * value can be small in memory and exponential once copied. Known when built, so a too-large
   * value is refused at the key that makes it, before anything is copied.
   */
  private readonly sizes = new WeakMap<object, number>();

  constructor(readonly limits: Readonly<InterpolationLimits> = INTERPOLATION_LIMITS) {}

  /** A new resolution starts: its steps are counted from here. */
  restart(): void {
    this.start = this.steps;
  }

  tick(n = 1): void {
    this.steps += n;
    if (this.steps - this.start > this.limits.maxSteps) {
      throw new BudgetError(`interpolation needs more than ${this.limits.maxSteps} steps: the recipe expands to a result too large to build (references that multiply, e.g. b: \${a}\${a}, c: \${b}\${b}, ...)`);
    }
  }

  /** The node count of a resolved value once written out. */
  sizeOf(value: unknown): number {
    return value !== null && typeof value === 'object' ? (this.sizes.get(value) ?? 1) : 1;
  }

  /** Records the size of a mapping or list built from `children`; refuses one beyond the limit. */
  built(value: object, children: readonly unknown[]): void {
    let size = 1;
    for (const child of children) size += this.sizeOf(child);
    if (size > this.limits.maxNodes) {
      throw new BudgetError(`interpolation makes a value of more than ${this.limits.maxNodes} mappings, lists and values (references that multiply, e.g. b: [\${a}, \${a}], c: [\${b}, \${b}], ...)`);
    }
    this.sizes.set(value, size);
  }

  /** Refuses a string of `length` characters beyond the limit. */
  checkLength(length: number): void {
    if (length > this.limits.maxStringLength) {
      throw new BudgetError(`interpolation makes a string of more than ${this.limits.maxStringLength} characters (references that multiply, e.g. b: \${a}\${a}, c: \${b}\${b}, ...)`);
    }
  }

  /**
   * About how many characters `value` has as JSON, refused beyond the string limit: measured
   * before JSON.stringify, which on a value whose parts are shared would write them out
   * exponentially many times.
   */
  checkTextSize(value: unknown): void {
    let size = 0;
    const walk = (v: unknown): void => {
      this.tick();
      size += typeof v === 'string' ? v.length + 2 : 8;
      this.checkLength(size);
      if (Array.isArray(v)) v.forEach(walk);
      else if (isPlainObject(v)) {
        for (const [k, x] of Object.entries(v)) {
          size += k.length + 4;
          walk(x);
        }
      }
    };
    walk(value);
  }

  /** A deep copy of resolved data whose parts may be shared (memoized), every node counted. */
  detach<T>(value: T): T {
    this.tick(typeof value === 'string' ? 1 + Math.floor(value.length / 1024) : 1);
    if (Array.isArray(value)) return value.map((v) => this.detach(v)) as T;
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        // Readers refuse these keys earlier with a better place; this copy must never set a prototype.
        if (isForbiddenKey(k)) throw forbiddenKeyError('interpolation result', k);
        out[k] = this.detach(v);
      }
      return out as T;
    }
    return value;
  }
}
