import assert from 'node:assert/strict';

import { isDistributedRun, readDistributedEnv } from '../../lib/distributed';
import { errorCode, errorPath } from '../../lib/errors';

const full = { RANK: '3', WORLD_SIZE: '4', LOCAL_RANK: '1', LOCAL_WORLD_SIZE: '2', MASTER_ADDR: 'node0', MASTER_PORT: '29500' };

/** The error readDistributedEnv throws for `env` (fails when it throws none). */
function errorOf(env: Record<string, string | undefined>): Error {
  try {
    readDistributedEnv(env);
  } catch (e) {
    return e as Error;
  }
  assert.fail(`no error for ${JSON.stringify(env)}`);
}

describe('distributed: the env:// variables', () => {
  it('reads a launched process\'s variables', () => {
    assert.deepEqual(readDistributedEnv(full), { rank: 3, worldSize: 4, localRank: 1, localWorldSize: 2, masterAddr: 'node0', masterPort: 29500 });
    const { LOCAL_RANK, LOCAL_WORLD_SIZE, ...bare } = full;
    void LOCAL_RANK;
    void LOCAL_WORLD_SIZE;
    assert.deepEqual(readDistributedEnv(bare), { rank: 3, worldSize: 4, localRank: undefined, localWorldSize: undefined, masterAddr: 'node0', masterPort: 29500 });
  });

  it('isDistributedRun: RANK or WORLD_SIZE set', () => {
    assert.equal(isDistributedRun({}), false);
    assert.equal(isDistributedRun({ MASTER_ADDR: 'x' }), false);
    assert.equal(isDistributedRun({ RANK: '0' }), true);
    assert.equal(isDistributedRun({ WORLD_SIZE: '2' }), true);
    assert.equal(isDistributedRun(full), true);
  });

  it('a missing variable is an error naming it (code ERR_REQUIRED, path = the variable)', () => {
    for (const name of ['RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT']) {
      const e = errorOf({ ...full, [name]: undefined });
      assert.equal(e.name, 'TypeError');
      assert.match(e.message, new RegExp(`^${name} is required \\(environment variable ${name} is not set; start the processes with 'sg-optim launch'`));
      assert.equal(errorCode(e), 'ERR_REQUIRED');
      assert.equal(errorPath(e), name);
    }
  });

  it('inconsistent or malformed values are errors naming the variable', () => {
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ RANK: '4' }, 'RANK', /environment variable RANK=4 must be below WORLD_SIZE=4/],
      [{ RANK: 'one' }, 'RANK', /environment variable RANK='one' is not an integer/],
      [{ RANK: '-1' }, 'RANK', /environment variable RANK=-1 must be at least 0/],
      [{ WORLD_SIZE: '0' }, 'WORLD_SIZE', /environment variable WORLD_SIZE=0 must be at least 1/],
      [{ WORLD_SIZE: '2.5' }, 'WORLD_SIZE', /WORLD_SIZE='2.5' is not an integer/],
      [{ LOCAL_RANK: '2' }, 'LOCAL_RANK', /LOCAL_RANK=2 must be below LOCAL_WORLD_SIZE=2/],
      [{ RANK: '0', LOCAL_RANK: '1' }, 'LOCAL_RANK', /LOCAL_RANK=1 cannot exceed RANK=0/],
      [{ LOCAL_WORLD_SIZE: '8' }, 'LOCAL_WORLD_SIZE', /LOCAL_WORLD_SIZE=8 must not exceed WORLD_SIZE=4/],
      [{ MASTER_ADDR: ' ' }, 'MASTER_ADDR', /environment variable MASTER_ADDR is empty/],
      [{ MASTER_PORT: '0' }, 'MASTER_PORT', /MASTER_PORT=0 must be at least 1/],
      [{ MASTER_PORT: '65536' }, 'MASTER_PORT', /MASTER_PORT=65536 is not a port \(1 to 65535\)/],
      [{ MASTER_PORT: 'http' }, 'MASTER_PORT', /MASTER_PORT='http' is not an integer/],
    ];
    for (const [change, name, re] of cases) {
      const e = errorOf({ ...full, ...change });
      assert.match(e.message, re, name);
      assert.equal(errorPath(e), name);
    }
  });
});
