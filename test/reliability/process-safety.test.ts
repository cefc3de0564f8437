/** No call crashes the process: worker termination mid-work, huge thread counts, integers beyond their dtype. */
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';

import * as sg from '../../lib/tensor';

describe('reliability: nothing a caller does aborts the process', () => {
  it('worker.terminate() while the worker runs tensor ops and optimizer steps (20 workers) leaves the process alive', () => {
    const lib = path.resolve(__dirname, '..', '..', 'lib');
    const child = spawnSync(process.execPath, [path.join(__dirname, 'terminate-worker.js'), lib, '20'], { encoding: 'utf8', timeout: 1800000 }); // a hang guard only
    assert.equal(child.signal, null, `the process was killed by ${child.signal}: ${child.stderr}`);
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout.trim().split('\n').pop()!), { rounds: 20, sum: 4 });
  });

  it('setNumThreads beyond 1024 is a RangeError, and the thread count is unchanged', () => {
    const before = sg.getNumThreads();
    for (const n of [1025, 100000, 2 ** 31]) assert.throws(() => sg.setNumThreads(n), new RangeError(`threads must be between 1 and 1024, got ${n}`));
    assert.equal(sg.getNumThreads(), before);
  });

  it('numbers an integer dtype cannot hold are refused, not wrapped (as PyTorch)', () => {
    const cases: Array<[number[] | BigInt64Array, 'int64' | 'int32' | 'uint8', RegExp]> = [
      [[1, 1e20], 'int64', /value cannot be converted to type int64 without overflow: 1e\+20 at index 1/],
      [[-1e19], 'int64', /int64 without overflow: -1e\+19 at index 0/],
      [[2 ** 63], 'int64', /int64 without overflow: 9.223372036854776e\+18 at index 0/],
      [[NaN], 'int64', /int64 without overflow: nan at index 0/],
      [[3e9], 'int32', /int32 without overflow: 3000000000/],
      [[256], 'uint8', /uint8 without overflow: 256/],
      [[-1], 'uint8', /uint8 without overflow: -1/],
      [new BigInt64Array([2n ** 40n]), 'int32', /int32 without overflow: 1099511627776/],
    ];
    for (const [values, dtype, message] of cases) assert.throws(() => sg.tensor(values, { dtype }), message, `${dtype} ${String(values)}`);
    // The edges themselves, and fractions (truncated as the cast does), are fine.
    assert.deepEqual(Array.from(sg.tensor([-(2 ** 63), 2 ** 62, 1.7, -1.7], { dtype: 'int64' }).toTypedArray() as BigInt64Array), [-(2n ** 63n), 2n ** 62n, 1n, -1n]);
    assert.deepEqual(Array.from(sg.tensor([255.5, -0.5, 0], { dtype: 'uint8' }).toTypedArray() as Uint8Array), [255, 0, 0]);
    assert.deepEqual(Array.from(sg.tensor([2 ** 31 - 1, -(2 ** 31)], { dtype: 'int32' }).toTypedArray() as Int32Array), [2 ** 31 - 1, -(2 ** 31)]);
  });

  it('shapes beyond 2^53 are refused by name, not wrapped into negative sizes', () => {
    assert.throws(() => sg.zeros([2, 1e30]), new RangeError('shape[1] must be an integer of magnitude at most 2^53, got 1e+30'));
    assert.throws(() => sg.zeros([4]).reshape([1e19]), /must be an integer of magnitude at most 2\^53, got 1e\+19/);
  });
});
