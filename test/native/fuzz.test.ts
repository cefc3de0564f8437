import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';

// 2 seeds x 6,000 = 12,000 calls in all (the audit's floor is 10,000).
describe('raw native module: fuzzing', () => {
  for (const seed of [1, 2]) {
    it(`survives 6,000 seeded random calls (seed ${seed}): no abort, no segfault, only JS Errors`, () => {
      const worker = path.join(__dirname, 'fuzz-worker.js');
      const result = spawnSync(process.execPath, [worker, String(seed), '6000'], { encoding: 'utf8', timeout: 1800000 }); // a hang guard only: 6000 calls
      assert.equal(result.signal, null, `worker killed by ${result.signal}; stderr: ${result.stderr.slice(-2000)}`);
      assert.equal(result.status, 0, `worker exited ${result.status}; stderr: ${result.stderr.slice(-2000)}`);
      const m = /calls (\d+) errors (\d+) settings (\d+) tensorCtor (\d+) tensorCtorRejected (\d+) threads (\d+)->(\d+) gradMode (\w+)->(\w+)/.exec(result.stdout);
      assert.ok(m, result.stdout);
      const [, done, errors, settings, ctor, ctorRejected, threadsBefore, threadsAfter, gradBefore, gradAfter] = m!;
      assert.equal(Number(done), 6000);
      assert.ok(Number(errors) > 1000, 'most random calls are rejected with an Error');
      assert.ok(Number(settings) > 200, `setNumThreads/manualSeed/setGradEnabled were exercised (${settings} times)`);
      assert.ok(Number(ctor) > 100, `new NativeTensor(...) was exercised (${ctor} times)`);
      assert.equal(ctorRejected, ctor, 'NativeTensor cannot be constructed from JavaScript with any arguments');
      assert.equal(threadsAfter, threadsBefore, 'the thread count is restored');
      assert.equal(gradBefore, 'true');
      assert.equal(gradAfter, 'true', 'grad mode is back on');
    });
  }
});
