/**
 * The default process group and its collectives on c10d Gloo (lib/distributed/process-group.ts,
 * collectives.ts; native/distributed/): 2 and 3 workers started by the launcher run
 * collectives-worker.ts; results are checked against the values computed here. Worker timeouts
 * are hang guards only, never timing assertions.
 */
import assert from 'node:assert/strict';
import * as net from 'net';
import * as path from 'path';

import { destroyProcessGroup, getRank, initProcessGroup, isInitialized } from '../../lib/distributed';
import { freePort, launch, LaunchResult } from '../../lib/distributed/launcher';
import { cleanEnv, Sink } from '../helpers/launch';

const worker = path.join(__dirname, 'collectives-worker.js');

/** Runs the worker on n ranks; returns the launch result and each rank's JSON line. */
async function run(n: number, args: string[]): Promise<{ result: LaunchResult; byRank: Map<number, Record<string, unknown>>; text: string }> {
  const out = new Sink();
  const err = new Sink();
  const l = await launch({ nprocPerNode: n, command: [process.execPath, worker, ...args], env: cleanEnv(), stdout: out, stderr: err, graceMs: 2000 });
  const result = await l.result;
  const byRank = new Map<number, Record<string, unknown>>();
  for (const m of out.text.matchAll(/^\[rank(\d+)\]:(\{.*\})$/gm)) byRank.set(Number(m[1]), JSON.parse(m[2]) as Record<string, unknown>);
  return { result, byRank, text: out.text + err.text };
}

function close(actual: unknown, expected: number[], what: string): void {
  const a = actual as number[];
  assert.equal(a.length, expected.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - expected[i]) <= 1e-12 * Math.max(1, Math.abs(expected[i])), `${what}[${i}]: ${a[i]} vs ${expected[i]}`);
}

/** The env of a one-process group on a free port. */
async function soloEnv(): Promise<Record<string, string>> {
  return { RANK: '0', WORLD_SIZE: '1', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(await freePort()) };
}

describe('distributed: process group and collectives (c10d Gloo)', function () {
  this.timeout(120000); // a hang guard only

  for (const n of [2, 3]) {
    it(`${n} workers: allReduce (every op, in place, also on a strided view), broadcast, allGather, barrier`, async () => {
      const { result, byRank, text } = await run(n, ['collectives']);
      assert.equal(result.exitCode, 0, text);
      assert.equal(byRank.size, n, text);
      const ranks = Array.from({ length: n }, (_, r) => r);
      const per = ranks.map((r) => [r + 1, 10 - 3 * r, 0.5 * (r + 2)]);
      const col = (f: (xs: number[]) => number) => [0, 1, 2].map((i) => f(per.map((p) => p[i])));
      const sum = col((xs) => xs.reduce((a, b) => a + b, 0));
      for (const r of ranks) {
        const o = byRank.get(r)!;
        assert.equal(o.rank, r);
        assert.equal(o.worldSize, n);
        assert.equal(o.before, false);
        assert.equal(o.after, true);
        close(o.sum, sum, 'sum');
        close(o.avg, sum.map((s) => s / n), 'avg');
        close(o.min, col((xs) => Math.min(...xs)), 'min');
        close(o.max, col((xs) => Math.max(...xs)), 'max');
        close(o.product, col((xs) => xs.reduce((a, b) => a * b, 1)), 'product');
        assert.deepEqual(o.int64Sum, [ranks.reduce((a, b) => a + b, 0), 2 * ranks.reduce((a, b) => a + b, 0)]);
        // max over ranks of [[r, 1], [2, 3r]], reduced through its transpose.
        assert.deepEqual(o.transposedMax, [n - 1, 1, 2, 3 * (n - 1)]); // toArray is row-major flat
        assert.deepEqual(o.broadcast, [(n - 1) * 7 + 1, n - 1]);
        assert.deepEqual(o.gathered, ranks.map((q) => [q, q * q]));
        assert.equal(o.destroyed, true);
      }
    });
  }

  it('two launchers on loopback (--nnodes 2, node ranks 0 and 1) form one group of 4', async () => {
    const port = await freePort();
    const start = async (nodeRank: number) => {
      const out = new Sink();
      const l = await launch({ nprocPerNode: 2, nnodes: 2, nodeRank, masterAddr: '127.0.0.1', masterPort: port, command: [process.execPath, worker, 'collectives'], env: cleanEnv(), stdout: out, stderr: out, graceMs: 2000 });
      return { result: await l.result, out };
    };
    const [zero, one] = await Promise.all([start(0), start(1)]);
    assert.equal(zero.result.exitCode, 0, zero.out.text);
    assert.equal(one.result.exitCode, 0, one.out.text);
    const ranks = [...zero.out.text.matchAll(/^\[rank(\d+)\]:(\{.*\})$/gm), ...one.out.text.matchAll(/^\[rank(\d+)\]:(\{.*\})$/gm)].map((m) => JSON.parse(m[2]) as Record<string, unknown>);
    assert.deepEqual(ranks.map((o) => o.rank).sort(), [0, 1, 2, 3]);
    for (const o of ranks) {
      assert.equal(o.worldSize, 4);
      assert.deepEqual(o.gathered, [[0, 0], [1, 1], [2, 4], [3, 9]]);
      close(o.sum, [1 + 2 + 3 + 4, 10 + 7 + 4 + 1, 0.5 * (2 + 3 + 4 + 5)], 'sum');
    }
  });

  it('a peer killed between collectives: the survivors get an Error (not a hang) and the launch fails naming the dead rank', async () => {
    const { result, byRank, text } = await run(3, ['peer-dies', '1', '10000']);
    assert.notEqual(result.exitCode, 0);
    assert.ok(result.firstFailure !== null, text);
    // Either the killed rank is seen first, or a survivor that already failed; the killed one is among the failures.
    const killed = result.workers.find((w) => w.rank === 1)!;
    assert.equal(killed.signal, 'SIGKILL', text);
    for (const [rank, o] of byRank) {
      assert.notEqual(rank, 1);
      if (o.error !== undefined) assert.match(String(o.error), /allReduce failed on rank \d/);
    }
  });

  it('ranks given different WORLD_SIZEs: an Error naming both values', async () => {
    const port = await freePort();
    const { spawn } = await import('child_process');
    const start = (rank: number, ws: number) =>
      new Promise<string>((resolve) => {
        const env = { ...cleanEnv(), RANK: String(rank), WORLD_SIZE: String(ws), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port) };
        const p = spawn(process.execPath, [worker, 'init-error', '5000'], { env });
        let text = '';
        p.stdout.on('data', (d: Buffer) => (text += d.toString()));
        p.stderr.on('data', (d: Buffer) => (text += d.toString()));
        p.on('close', () => resolve(text));
      });
    // Rank 0 waits for 2 clients (itself and rank 1): the store forms, the check sees 3 ≠ 2.
    const [zero, one] = await Promise.all([start(0, 2), start(1, 3)]);
    assert.match(one, /WORLD_SIZE=3 on rank 1 but WORLD_SIZE=2 on rank 0/);
    assert.match(zero, /"error"/); // its peer left: rank 0 fails too, within its timeout
  });

  describe('in this process (WORLD_SIZE=1)', () => {
    afterEach(() => destroyProcessGroup());

    it('initialises, reports rank 0, refuses a second init, and destroys', async () => {
      assert.equal(isInitialized(), false);
      assert.throws(() => getRank(), /not initialised: call sg.distributed.initProcessGroup\(\) first/);
      initProcessGroup({ env: await soloEnv(), timeoutMs: 10000 });
      assert.equal(getRank(), 0);
      assert.throws(() => initProcessGroup({ env: await0(), timeoutMs: 10000 }), /already initialised \(rank 0 of 1\)/);
      destroyProcessGroup();
      assert.equal(isInitialized(), false);
    });

    it('a MASTER_PORT in use on rank 0 is an Error naming the address, and leaves no group', async () => {
      const server = net.createServer();
      await new Promise<void>((r) => server.listen({ port: 0 }, () => r()));
      const port = (server.address() as net.AddressInfo).port;
      try {
        const env = { RANK: '0', WORLD_SIZE: '1', MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port) };
        assert.throws(() => initProcessGroup({ env, timeoutMs: 5000 }), new RegExp(`could not rendezvous at MASTER_ADDR:MASTER_PORT=127.0.0.1:${port}`));
        assert.equal(isInitialized(), false);
      } finally {
        server.close();
      }
    });

    it('bad options and environments are Errors naming the value', () => {
      assert.throws(() => initProcessGroup({ env: { RANK: '0', WORLD_SIZE: '1', MASTER_PORT: '29500' } }), /MASTER_ADDR is required/);
      assert.throws(() => initProcessGroup({ env: { RANK: '2', WORLD_SIZE: '2', MASTER_ADDR: 'x', MASTER_PORT: '1' } }), /RANK=2 must be below WORLD_SIZE=2/);
      assert.throws(() => initProcessGroup({ backend: 'glo' as never }), /unknown backend 'glo'; did you mean 'gloo'\?/);
      assert.throws(() => initProcessGroup({ timeoutMs: 0, env: { RANK: '0', WORLD_SIZE: '1', MASTER_ADDR: 'x', MASTER_PORT: '1' } }), /timeoutMs must be at least 1/);
      assert.throws(() => initProcessGroup({ timeout: 5 } as never), /unknown initProcessGroup option 'timeout'/);
      assert.equal(isInitialized(), false);
    });
  });
});

/** A placeholder env for the second init (refused before it is read). */
function await0(): Record<string, string> {
  return { RANK: '0', WORLD_SIZE: '1', MASTER_ADDR: '127.0.0.1', MASTER_PORT: '1' };
}
