import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';

describe('raw native module: fuzzing', () => {
  for (const seed of [1, 2]) {
    it(`survives 6,000 seeded random calls (seed ${seed}): no abort, no segfault, only JS Errors`, () => {
      const worker = path.join(__dirname, 'fuzz-worker.js');
      const result = spawnSync(process.execPath, [worker, String(seed), '6000'], { encoding: 'utf8', timeout: 110000 });
      assert.equal(result.signal, null, `worker killed by ${result.signal}; stderr: ${result.stderr.slice(-2000)}`);
      assert.equal(result.status, 0, `worker exited ${result.status}; stderr: ${result.stderr.slice(-2000)}`);
      const m = /calls (\d+) errors (\d+)/.exec(result.stdout);
      assert.ok(m, result.stdout);
      assert.equal(Number(m![1]), 6000);
      assert.ok(Number(m![2]) > 1000, 'most random calls are rejected with an Error');
    });
  }
});
