/**
 * Type-level helpers of the compile-only checks in this folder. None of these files runs (mocha
 * only loads *.test.js); tsc compiles them with the sources, and test/package/types.test.ts
 * compiles them again against the published declarations (imports of '../../lib' rewritten to
 * 'sg-optim').
 */

/** True when A and B are the same type (not merely assignable either way). */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only for `true`: `assertType<Equal<typeof x, sg.Tensor>>()`. */
export function assertType<T extends true>(): void {
  void (undefined as unknown as T);
}

/** Compiles only when `value` is assignable to T. */
export function expectType<T>(value: T): void {
  void value;
}

/** A value of any type T, for arguments whose content does not matter to a check. */
export function some<T>(): T {
  return undefined as unknown as T;
}
