/**
 * sg.optim.ZeroRedundancyOptimizer (ZeRO-1) on c10d Gloo: N workers × batch B with the optimizer
 * state sharded train to the same weights as one process with batch N·B and the plain optimizer
 * (float64, 1e-10 relative), for N = 2 and 3 and every optimizer the registry lists (LBFGS is
 * refused: it cannot be sharded); the partition is PyTorch's; the consolidated state dict has the
 * plain optimizer's layout and values, and loads back; the state per rank falls by N.
 */
import assert from 'node:assert/strict';
import * as path from 'path';
import { Writable } from 'stream';

import { launch } from '../../lib/distributed/launcher';
import { BUILT_IN_OPTIMIZERS, ZeroRedundancyOptimizer } from '../../lib/optim';
import { tensor } from '../../lib/tensor';

const worker = path.join(__dirname, 'zero-redundancy-worker.js');

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

function cleanEnv(): Record<string, string | undefined> {
  const env = { ...process.env };
  for (const k of ['RANK', 'LOCAL_RANK', 'WORLD_SIZE', 'LOCAL_WORLD_SIZE', 'GROUP_RANK', 'MASTER_ADDR', 'MASTER_PORT']) delete env[k];
  return env;
}

interface PerOptimizer {
  owned: string[];
  rel: number;
  weights: number[];
  moved: number;
  stateVsPlain: number | string | null;
  reloaded: number | string | null;
  bytes: number;
  fullBytes: number;
  error?: string | null;
}

/** Which of the MLP's first-group parameters (by shape) PyTorch's greedy partition gives each rank. */
const TORCH_PARTITION: Record<number, string[][]> = {
  2: [['7x5'], ['3x7', '7', '3']],
  3: [['7x5'], ['3x7'], ['7', '3']],
};

describe('optim: ZeroRedundancyOptimizer (ZeRO-1 over c10d Gloo)', function () {
  this.timeout(300000); // a hang guard only

  const K = 3;
  const B = 4;
  for (const n of [2, 3]) {
    it(`${n} workers × batch ${B} with ZeRO-1 == 1 process × batch ${n * B}, for every optimizer; state consolidated in the plain layout; state per rank / ${n}`, async () => {
      // The built-ins (the workers know no optimizer another test file of this process registered).
      const names = BUILT_IN_OPTIMIZERS.map((info) => info.name);
      assert.ok(names.includes('LBFGS') && names.length >= 7);
      const out = new Sink();
      const l = await launch({ nprocPerNode: n, command: [process.execPath, worker, String(K), String(B), ...names], env: cleanEnv(), stdout: out, stderr: out, graceMs: 2000 });
      const result = await l.result;
      assert.equal(result.exitCode, 0, out.text);
      const byRank = new Map<number, Record<string, unknown>>();
      for (const m of out.text.matchAll(/^\[rank(\d+)\]:(\{.*\})$/gm)) byRank.set(Number(m[1]), JSON.parse(m[2]) as Record<string, unknown>);
      assert.equal(byRank.size, n, out.text);
      const get = (r: number, name: string) => byRank.get(r)![name] as PerOptimizer;
      for (const name of names) {
        if (name === 'LBFGS') {
          for (let r = 0; r < n; r++) assert.match(get(r, name).error ?? 'no error', /ZeroRedundancyOptimizer cannot shard LBFGS: LBFGS keeps one history over all its parameters/);
          continue;
        }
        const zero = get(0, name);
        assert.ok(zero.moved > 1e-4, `${name}: training moved the weights`);
        let bytes = 0;
        for (let r = 0; r < n; r++) {
          const o = get(r, name);
          assert.ok(o.rel <= 1e-10, `${name} rank ${r}: relative difference ${o.rel} to the single-process run`);
          assert.deepEqual(o.weights, zero.weights, `${name}: rank ${r} equals rank 0 exactly`);
          if (name !== 'Muon') assert.deepEqual(o.owned, TORCH_PARTITION[n][r], `${name}: rank ${r} owns what PyTorch's partition gives it`);
          bytes += o.bytes;
        }
        assert.equal(bytes, zero.fullBytes, `${name}: the shards hold the whole state once`);
        assert.ok(zero.fullBytes > 0);
        assert.equal(typeof zero.stateVsPlain, 'number', `${name}: consolidated layout: ${String(zero.stateVsPlain)}`);
        assert.ok((zero.stateVsPlain as number) <= 1e-10, `${name}: consolidated state vs plain: ${zero.stateVsPlain}`);
        assert.equal(zero.reloaded, 0, `${name}: plain state dict loaded sharded, consolidated again: ${String(zero.reloaded)}`);
      }
      for (let r = 0; r < n; r++) assert.deepEqual(byRank.get(r)!.lambClip, { equal: true, clipped: true }, `rank ${r}: Lamb's global clipping under ZeRO`);
      // 12 equal [16, 16] float64 parameters under Adam (exp_avg, exp_avg_sq, a float32 step): 12·(2·256·8 + 4) bytes unsharded.
      const full = 12 * (2 * 256 * 8 + 4);
      for (let r = 0; r < n; r++) {
        const m = byRank.get(r)!.memory as { bytes: number; owned: number };
        assert.equal(m.owned, 12 / n);
        assert.equal(m.bytes, full / n, `rank ${r}'s Adam state bytes: ${m.bytes}, unsharded ${full}`);
        const o = byRank.get(r)!;
        assert.match(String(o.unconsolidated), /call consolidateStateDict\(to\) on every rank first/);
        assert.equal(o.badRank, `consolidateStateDict(to): a rank in [0, ${n - 1}], got ${n}`);
        if (r === n - 1) assert.equal(o.elsewhere, null);
        else assert.match(String(o.elsewhere), new RegExp(`ZeroRedundancyOptimizer.stateDict\\(\\) on rank ${r}: call consolidateStateDict`));
        assert.match(String(o.badLoad), /loaded state dict contains a parameter group that doesn't match the size of optimizer's group \(param_groups\[0\] has 2 parameters, the optimizer's has 12\)/);
        assert.equal(o.bytesAfterBadLoad, true);
        const [zeroLamb, plainLamb] = o.badLamb as [string, string];
        assert.match(zeroLamb, /max_grad_norm/);
        assert.equal(zeroLamb, plainLamb, "ZeRO refuses a bad max_grad_norm with Lamb's own error");
        // After 12 equal parameters every rank holds the same count: the new group's largest goes to rank 0, the next to rank 1.
        assert.deepEqual(o.added, { kept: true, group: r === 0 ? ['16x16'] : r === 1 ? ['4'] : [], localGroups: 2, lr: 0.1 });
      }
    });
  }

  it('needs an initialised process group', () => {
    const w = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    assert.throws(() => new ZeroRedundancyOptimizer([w], 'Adam'), /ZeroRedundancyOptimizer needs the default process group: call sg.distributed.initProcessGroup\(\) first/);
  });
});
