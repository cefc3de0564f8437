import assert from 'node:assert/strict';

import { native } from '../../lib/native';
import { NATIVE_CLASS_NAMES, NATIVE_FUNCTION_NAMES, NATIVE_OPTIMIZER_METHODS } from '../../lib/native-api';

/** Throws an AssertionError naming every name only one side has; `what` says which set. */
function assertSameNames(what: string, exported: readonly string[], declared: readonly string[]): void {
  const have = new Set(exported);
  const want = new Set(declared);
  const undeclared = [...have].filter((n) => !want.has(n)).sort();
  const missing = [...want].filter((n) => !have.has(n)).sort();
  const problems: string[] = [];
  if (undeclared.length) problems.push(`exported by the addon but not in lib/native-api.ts: ${undeclared.join(', ')}`);
  if (missing.length) problems.push(`declared in lib/native-api.ts but not exported by the addon: ${missing.join(', ')}`);
  if (problems.length) throw new assert.AssertionError({ message: `${what}: ${problems.join('; ')}`, actual: [...have].sort(), expected: [...want].sort(), operator: 'sameNames' });
}

function duplicates(names: readonly string[]): string[] {
  return names.filter((n, i) => names.indexOf(n) !== i);
}

describe('native binding: the addon and lib/native-api.ts declare the same names', () => {
  it('the declared name lists have no duplicates', () => {
    assert.deepEqual(duplicates([...NATIVE_FUNCTION_NAMES, ...NATIVE_CLASS_NAMES]), []);
    assert.deepEqual(duplicates(NATIVE_OPTIMIZER_METHODS), []);
  });

  it('every export is declared and every declared name is exported (functions and classes)', () => {
    assertSameNames('addon exports', Object.keys(native), [...NATIVE_CLASS_NAMES, ...NATIVE_FUNCTION_NAMES]);
  });

  it('the declared functions are functions, the declared classes constructors', () => {
    const notFunctions = NATIVE_FUNCTION_NAMES.filter((n) => typeof native[n] !== 'function');
    assert.deepEqual(notFunctions, []);
    for (const name of NATIVE_CLASS_NAMES) {
      assert.equal(typeof native[name], 'function', name);
      assert.equal(typeof native[name].prototype, 'object', `${name}.prototype`);
    }
  });

  it("NativeOptimizer's methods are the declared ones", () => {
    const proto = native.NativeOptimizer.prototype;
    const methods = Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor');
    assertSameNames('NativeOptimizer methods', methods, NATIVE_OPTIMIZER_METHODS);
    for (const name of methods) assert.equal(typeof Reflect.get(proto, name), 'function', name);
  });

  it('NativeTensor has no methods (handles are passed to the functions)', () => {
    assertSameNames('NativeTensor methods', Object.getOwnPropertyNames(native.NativeTensor.prototype).filter((n) => n !== 'constructor'), []);
  });

  it('the comparison fails in both directions and lists the names', () => {
    assert.throws(() => assertSameNames('addon exports', ['add', 'newEntry', 'otherEntry'], ['add']), {
      name: 'AssertionError',
      message: 'addon exports: exported by the addon but not in lib/native-api.ts: newEntry, otherEntry',
    });
    assert.throws(() => assertSameNames('addon exports', ['add'], ['add', 'renamedEntry']), {
      name: 'AssertionError',
      message: 'addon exports: declared in lib/native-api.ts but not exported by the addon: renamedEntry',
    });
    assert.throws(() => assertSameNames('addon exports', ['add', 'sumDim'], ['add', 'sum']), {
      message: 'addon exports: exported by the addon but not in lib/native-api.ts: sumDim; declared in lib/native-api.ts but not exported by the addon: sum',
    });
    assert.doesNotThrow(() => assertSameNames('addon exports', ['b', 'a'], ['a', 'b']));
  });
});
