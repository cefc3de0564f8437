/**
 * Asserts that nothing was written into Object.prototype: the crafted recipes of the security
 * tests all try to set `x` (and friends) on it.
 */
import assert from 'node:assert/strict';

const before = Object.getOwnPropertyNames(Object.prototype).sort();

/** The keys the crafted recipes try to add to every object. */
const POLLUTION_KEYS = ['x', 'y', 'polluted', 'isAdmin'] as const;

export function assertPrototypeUntouched(): void {
  const probe = {} as Record<string, unknown>;
  for (const key of POLLUTION_KEYS) assert.equal(probe[key], undefined, `Object.prototype.${key} was set`);
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), before, 'Object.prototype gained or lost a property');
  assert.equal(Object.getPrototypeOf(probe), Object.prototype);
}
