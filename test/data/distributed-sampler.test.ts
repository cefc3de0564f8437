import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

import { DataLoader, Dataset, DistributedSampler, TensorDataset } from '../../lib/data';
import { packageRoot } from '../../lib/package-root';
import * as sg from '../../lib/tensor';

interface TorchCase {
  n: number;
  num_replicas: number;
  rank: number;
  shuffle: boolean;
  seed: number;
  drop_last: boolean;
  epoch: number;
  length: number;
  indices: number[];
}

const sized = (n: number) => ({ length: n });

/** Runs `fn` with the given environment variables set (undefined: unset), then restores them. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) delete process.env[k];
      else process.env[k] = x;
    }
  };
  set(vars);
  try {
    return fn();
  } finally {
    set(saved);
  }
}

describe('data: DistributedSampler', () => {
  it("yields PyTorch's indices exactly (torch.randperm with a seeded generator, padding, drop_last; fixture from PyTorch)", () => {
    const file = path.join(packageRoot(), 'test', 'data', 'distributed-sampler', 'pytorch-indices.json');
    const { torch, cases } = JSON.parse(fs.readFileSync(file, 'utf8')) as { torch: string; cases: TorchCase[] };
    assert.match(torch, /^2\./);
    assert.equal(cases.length, 82);
    let shuffled = 0;
    for (const c of cases) {
      const s = new DistributedSampler(sized(c.n), { num_replicas: c.num_replicas, rank: c.rank, shuffle: c.shuffle, seed: c.seed, drop_last: c.drop_last });
      s.setEpoch(c.epoch);
      const what = JSON.stringify({ ...c, indices: undefined });
      assert.equal(s.length, c.length, what);
      assert.deepEqual([...s], c.indices, what);
      if (c.shuffle && c.n > 2) shuffled++;
    }
    assert.ok(shuffled > 50, `${shuffled} shuffled cases`);
  });

  it('one replica, shuffled: the permutation of torch.randperm(10, generator=manual_seed(0))', () => {
    assert.deepEqual([...new DistributedSampler(sized(10), { num_replicas: 1, rank: 0 })], [4, 1, 7, 5, 3, 9, 0, 8, 6, 2]);
  });

  it('pads by repeating indices from the start; the shards are disjoint and cover the data', () => {
    const shards = [0, 1, 2].map((rank) => [...new DistributedSampler(sized(10), { num_replicas: 3, rank, shuffle: false })]);
    assert.deepEqual(shards, [
      [0, 3, 6, 9],
      [1, 4, 7, 0],
      [2, 5, 8, 1],
    ]);
    const shuffledShards = [0, 1, 2, 3].map((rank) => [...new DistributedSampler(sized(12), { num_replicas: 4, rank, seed: 3 })]);
    assert.deepEqual(shuffledShards.flat().sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i));
  });

  it('drop_last drops the tail instead of padding', () => {
    const shards = [0, 1, 2].map((rank) => new DistributedSampler(sized(10), { num_replicas: 3, rank, shuffle: false, drop_last: true }));
    assert.deepEqual(shards.map((s) => [s.length, s.totalSize]), [[3, 9], [3, 9], [3, 9]]);
    assert.deepEqual(shards.map((s) => [...s]), [
      [0, 3, 6],
      [1, 4, 7],
      [2, 5, 8],
    ]);
    assert.equal(new DistributedSampler(sized(3), { num_replicas: 8, rank: 0, drop_last: true }).length, 0);
    assert.ok(Object.is(new DistributedSampler(sized(3), { num_replicas: 8, rank: 0, drop_last: true }).length, 0), 'not -0');
  });

  it('setEpoch reshuffles (seed + epoch), the same on every call, and equal seeds + epochs give equal orders', () => {
    const s = new DistributedSampler(sized(50), { num_replicas: 2, rank: 1, seed: 7 });
    const e0 = [...s];
    assert.deepEqual([...s], e0, 'no setEpoch: the same order again');
    s.setEpoch(1);
    const e1 = [...s];
    assert.notDeepEqual(e1, e0);
    assert.equal(s.epoch, 1);
    // seed 7 at epoch 1 is seed 8 at epoch 0 (torch seeds its generator with seed + epoch)
    assert.deepEqual([...new DistributedSampler(sized(50), { num_replicas: 2, rank: 1, seed: 8 })], e1);
  });

  it('rejects a rank outside [0, num_replicas) with PyTorch words, and bad options', () => {
    assert.throws(() => new DistributedSampler(sized(4), { num_replicas: 2, rank: 2 }), { name: 'RangeError', message: 'Invalid rank 2, rank should be in the interval [0, 1]' });
    assert.throws(() => new DistributedSampler(sized(4), { num_replicas: 0, rank: 0 }), /num_replicas must be at least 1, got 0/);
    assert.throws(() => new DistributedSampler(sized(4), { num_replicas: 2, rank: 0, seed: 0.5 }), /Expected an integer for DistributedSampler\(\{seed\}\)/);
    assert.throws(() => new DistributedSampler(sized(4), { num_replicas: 2, rank: 0, shuffle: 'yes' as unknown as boolean }), /Expected a boolean/);
    assert.throws(() => new DistributedSampler(42 as unknown as { length: number }, { num_replicas: 2, rank: 0 }), /a data set with a length/);
  });

  it('takes num_replicas and rank from a launched run (WORLD_SIZE, RANK), and says what is missing otherwise', () => {
    const s = withEnv({ RANK: '2', WORLD_SIZE: '3' }, () => new DistributedSampler(sized(9), { shuffle: false }));
    assert.deepEqual([s.numReplicas, s.rank, [...s]], [3, 2, [2, 5, 8]]);
    assert.throws(() => withEnv({ RANK: undefined, WORLD_SIZE: undefined }, () => new DistributedSampler(sized(9))), /needs num_replicas and rank: this process was not started by a launcher/);
    assert.throws(() => withEnv({ RANK: '3', WORLD_SIZE: '3' }, () => new DistributedSampler(sized(9))), /RANK=3 must be below WORLD_SIZE=3/);
  });

  describe('in a DataLoader', () => {
    const ds = new TensorDataset(sg.arange(10).reshape(10, 1), sg.arange(10).mul(10));

    it("batches the sampler's indices, in its order, and counts batches from its length", () => {
      const sampler = new DistributedSampler(ds, { num_replicas: 3, rank: 1, shuffle: false });
      const loader = new DataLoader(ds, { batch_size: 3, sampler });
      assert.equal(loader.length, 2);
      const batches = [...loader].map(([x, y]) => [x.toArray(), y.toArray()]);
      assert.deepEqual(batches, [
        [
          [1, 4, 7],
          [10, 40, 70],
        ],
        [[0], [0]],
      ]);
      assert.equal(new DataLoader(ds, { batch_size: 3, sampler, drop_last: true }).length, 1);
    });

    it('forwards setEpoch to the sampler (the Trainer calls it every epoch), so each epoch reshuffles as PyTorch', () => {
      const sampler = new DistributedSampler(ds, { num_replicas: 2, rank: 0, seed: 1 });
      const loader = new DataLoader(ds, { batch_size: 5, sampler });
      const firstColumn = () => [...loader].flatMap(([x]) => x.toArray());
      loader.setEpoch(3);
      assert.equal(sampler.epoch, 3);
      const expected = [...new DistributedSampler(ds, { num_replicas: 2, rank: 0, seed: 4 })];
      assert.deepEqual(firstColumn(), expected);
    });

    it('the same items through Dataset.get (the collate path) as through the TensorDataset fast path', () => {
      class Tens extends Dataset<sg.Tensor[]> {
        get length(): number {
          return 10;
        }
        get(i: number): sg.Tensor[] {
          return [sg.tensor([i]), sg.tensor(i * 10)];
        }
      }
      const sampler = new DistributedSampler(ds, { num_replicas: 2, rank: 1, seed: 5 });
      const viaGet = [...new DataLoader(new Tens(), { batch_size: 4, sampler })].flatMap(([, y]) => y.toArray());
      const viaFast = [...new DataLoader(ds, { batch_size: 4, sampler })].flatMap(([, y]) => y.toArray());
      assert.deepEqual(viaGet, [...sampler].map((i) => i * 10));
      assert.deepEqual(viaFast, viaGet);
      assert.equal(viaGet.length, 5);
    });

    it("rejects sampler with shuffle, with PyTorch's message, and a sampler that is not one; an array is one", () => {
      const sampler = new DistributedSampler(ds, { num_replicas: 2, rank: 0 });
      assert.throws(() => new DataLoader(ds, { sampler, shuffle: true }), { name: 'RangeError', message: 'sampler option is mutually exclusive with shuffle' });
      assert.doesNotThrow(() => new DataLoader(ds, { sampler, shuffle: false }));
      assert.throws(() => new DataLoader(ds, { sampler: 7 as unknown as DistributedSampler }), /a sampler \(an iterable of indices with a length\)/);
      // Any iterable of indices with a length is one, as in PyTorch (a list works there too).
      assert.deepEqual([...new DataLoader(ds, { sampler: [9, 0, 3], batch_size: 2 })].map(([, y]) => y.toArray()), [[90, 0], [30]]);
    });
  });
});
