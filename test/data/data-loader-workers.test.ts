import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import { once } from 'events';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Worker } from 'worker_threads';

import sharp from 'sharp';

import { DataLoader, DataLoaderOptions, Dataset, ImageFolderDataset, MnistDataset, TensorDataset, transforms as T } from '../../lib/data';
import * as sg from '../../lib/tensor';
import { CountingDataset } from './loader-fixture';

/** Every batch of `epochs` passes (setEpoch each) as bytes: equal strings are byte-for-byte equal batches. */
function passes(loader: DataLoader, epochs: number): string[] {
  const out: string[] = [];
  for (let e = 0; e < epochs; e++) {
    loader.setEpoch(e);
    for (const batch of loader) out.push(batch.map((t) => `${t.dtype}${JSON.stringify(t.shape)}:${Buffer.from(t.toTypedArray().buffer).toString('hex')}`).join('|'));
  }
  return out;
}

/** Resolves when every thread has ended (threadId is -1 once a worker has exited). */
async function ended(threads: readonly Worker[]): Promise<void> {
  for (const t of threads) if (t.threadId !== -1) await once(t, 'exit');
}

function counter(): { buffer: SharedArrayBuffer; view: Int32Array } {
  const buffer = new SharedArrayBuffer(4);
  return { buffer, view: new Int32Array(buffer) };
}

describe('data: DataLoader worker threads (num_workers)', () => {
  let root: string;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-loader-workers-'));
    for (const [c, n] of [['a', 7], ['b', 6]] as const) {
      fs.mkdirSync(path.join(root, c), { recursive: true });
      for (let k = 0; k < n; k++) {
        const px = Buffer.alloc(12 * 10 * 3);
        for (let i = 0; i < px.length; i++) px[i] = (i * 7 + k * 31 + (c === 'a' ? 0 : 100)) & 255;
        await sharp(px, { raw: { width: 12, height: 10, channels: 3 } }).png().toFile(path.join(root, c, `${k}.png`));
      }
    }
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  const augment = [{ RandomResizedCrop: { size: 6, scale: [0.3, 1] } }, { RandomHorizontalFlip: { p: 0.5 } }, { RandomCrop: { size: 6, padding: 1, seed: 9 } }, 'ToTensor', { Normalize: { mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] } }];

  it('ImageFolderDataset with random transforms: the same bytes with 0, 2 and 3 workers, every epoch different', async () => {
    const make = (extra: DataLoaderOptions, transforms: unknown[] | T.Compose = augment) => new DataLoader(new ImageFolderDataset({ root, transforms, seed: 5 }), { batch_size: 3, shuffle: true, seed: 1, ...extra });
    const reference = passes(make({}), 3);
    assert.equal(reference.length, 15);
    const two = make({ num_workers: 2, prefetch_factor: 1 });
    assert.deepEqual(passes(two, 3), reference);
    const three = make({ num_workers: 3, persistent_workers: true });
    assert.deepEqual(passes(three, 3), reference);
    // Transform objects (not YAML entries) go to the workers by their toSpec().
    const objects = T.buildTransforms(augment);
    assert.deepEqual(objects.toSpec(), augment.map((e) => (typeof e === 'string' ? { [e]: {} } : e)));
    assert.deepEqual(passes(make({ num_workers: 2 }, objects), 3), reference);
    // The augmentation changes from epoch to epoch (item order too; compare epoch 0 and 1 as sets).
    assert.notDeepEqual(new Set(reference.slice(0, 5)), new Set(reference.slice(5, 10)));
    three.close();
    await ended([...two.workerThreads, ...three.workerThreads]);
    assert.equal(two.workerThreads.length, 6, 'two workers for each of 3 passes');
    assert.equal(three.workerThreads.length, 3, 'persistent: the same three for every pass');
  });

  it('an item is the same whichever thread loads it and in whatever order (seed, epoch, index)', () => {
    const a = new ImageFolderDataset({ root, transforms: augment, seed: 5 });
    const b = new ImageFolderDataset({ root, transforms: augment, seed: 5 });
    const bytes = (t: sg.Tensor) => Buffer.from(t.toTypedArray().buffer).toString('hex');
    const forward = [0, 1, 2, 3].map((i) => bytes(a.get(i)[0]));
    assert.deepEqual([3, 2, 1, 0].map((i) => bytes(b.get(i)[0])).reverse(), forward);
    a.setEpoch(1);
    assert.notDeepEqual([0, 1, 2, 3].map((i) => bytes(a.get(i)[0])), forward);
    assert.notDeepEqual([0, 1, 2, 3].map((i) => bytes(new ImageFolderDataset({ root, transforms: augment, seed: 6 }).get(i)[0])), forward);
  });

  it('TensorDataset and MnistDataset: the same bytes as in the calling thread, shuffled or not, with a custom collate too', () => {
    sg.manualSeed(0);
    const ds = new TensorDataset(sg.randn([53, 3, 2]), sg.randint(0, 10, [53]), sg.randn([53]).gt(0));
    for (const opts of [{ batch_size: 8, shuffle: true, seed: 4 }, { batch_size: 5, drop_last: true }] as DataLoaderOptions[]) {
      assert.deepEqual(passes(new DataLoader(ds, { ...opts, num_workers: 2 }), 2), passes(new DataLoader(ds, opts), 2));
    }
    const collate = (items: sg.Tensor[][]) => [sg.stack(items.map((i) => i[0])).mul(2), sg.stack(items.map((i) => i[1]))];
    assert.deepEqual(passes(new DataLoader(ds, { batch_size: 8, shuffle: true, collate, num_workers: 3 }), 1), passes(new DataLoader(ds, { batch_size: 8, shuffle: true, collate }), 1));
    const mnist = new MnistDataset({ split: 'test', limit: 300 });
    assert.deepEqual(passes(new DataLoader(mnist, { batch_size: 64, shuffle: true, num_workers: 2 }), 1), passes(new DataLoader(mnist, { batch_size: 64, shuffle: true }), 1));
  });

  it('holds at most num_workers * prefetch_factor batches ahead of the consumer', () => {
    const { buffer, view } = counter();
    const loader = new DataLoader(new CountingDataset({ n: 100, counter: buffer }), { batch_size: 2, num_workers: 2, prefetch_factor: 3 });
    const it = loader[Symbol.iterator]();
    assert.deepEqual(it.next().value?.[1].toArray(), [0, 1]);
    // After batch 0 the loader sent one more: batches 1..6, 12 items, then the workers stop.
    // Wait (on the counter, not a clock) until they have loaded them, then give them room to overrun.
    for (let k = 0; k < 600 && Atomics.load(view, 0) < 14; k++) Atomics.wait(view, 0, Atomics.load(view, 0), 1000); // a hang guard only
    for (let k = 0; k < 20; k++) Atomics.wait(view, 0, 14, 10);
    assert.equal(Atomics.load(view, 0), 14, 'batch 0 (2 items) plus 6 batches in flight');
    assert.deepEqual(it.next().value?.[1].toArray(), [2, 3]);
    it.return?.();
  });

  it("a worker's error reaches next() with its message (the file), and the workers end", async () => {
    const { buffer } = counter();
    const loader = new DataLoader(new CountingDataset({ n: 40, counter: buffer, failAt: 13 }), { batch_size: 4, num_workers: 2 });
    const seen: number[] = [];
    assert.throws(
      () => {
        for (const [, y] of loader) seen.push(...(y.toArray() as number[]));
      },
      (e: Error) => /^cannot read item 13 from 'shard-13.bin' \(DataLoader worker 1, batch 3\)$/.test(e.message) && /--- in the worker thread:/.test(e.stack ?? ''),
    );
    assert.deepEqual(seen, Array.from({ length: 12 }, (_, i) => i), 'batches before it arrived in order');
    await ended(loader.workerThreads);
    // An image that does not decode: the error names the file.
    const bad = path.join(root, 'b', 'zz-broken.png');
    fs.writeFileSync(bad, 'not a PNG');
    try {
      const images = new DataLoader(new ImageFolderDataset({ root, transforms: augment }), { batch_size: 4, num_workers: 2 });
      assert.throws(() => [...images], (e: Error) => e.name === 'ImageDecodeError' && e.message.includes(`cannot decode image '${bad}'`));
      await ended(images.workerThreads);
    } finally {
      fs.rmSync(bad);
    }
  });

  it('a worker that dies or cannot rebuild the data set is an error, not a hang', async () => {
    const { buffer } = counter();
    const crash = new DataLoader(new CountingDataset({ n: 40, counter: buffer, crashAt: 9 }), { batch_size: 4, num_workers: 2 });
    assert.throws(() => [...crash], /^Error: DataLoader worker 0 exited unexpectedly with [1-9] batch\(es\) unanswered/);
    await ended(crash.workerThreads);
    const start = new DataLoader(new CountingDataset({ n: 40, counter: buffer, failStart: true }), { batch_size: 4, num_workers: 2 });
    assert.throws(() => [...start], /^Error: the fixture refuses to start \(rebuilding the data set from its workerSpec\(\) in DataLoader worker [01]\)$/);
    await ended(start.workerThreads);
  });

  it('breaking out of for-of ends the workers (persistent ones at close()); a new pass drops the old replies', async () => {
    const { buffer } = counter();
    const ds = new CountingDataset({ n: 40, counter: buffer });
    const loader = new DataLoader(ds, { batch_size: 4, num_workers: 2 });
    for (const [, y] of loader) if ((y.toArray() as number[])[0] === 8) break;
    await ended(loader.workerThreads);
    assert.equal(loader.workerThreads.length, 2);
    const persistent = new DataLoader(ds, { batch_size: 4, num_workers: 2, persistent_workers: true });
    for (const [, y] of persistent) if ((y.toArray() as number[])[0] === 4) break;
    const firsts = [...persistent].map(([, y]) => (y.toArray() as number[])[0]);
    assert.deepEqual(firsts, [0, 4, 8, 12, 16, 20, 24, 28, 32, 36]);
    assert.ok(persistent.workerThreads.every((t) => t.threadId !== -1), 'kept between passes');
    persistent.close();
    await ended(persistent.workerThreads);
    // After close() the next pass starts new workers.
    assert.equal([...persistent].length, 10);
    assert.equal(persistent.workerThreads.length, 4);
    persistent.close();
    await ended(persistent.workerThreads);
  });

  it('a process with a persistent loader it never closed still exits', () => {
    const script = `
      const { DataLoader, MnistDataset } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'lib', 'data'))});
      const loader = new DataLoader(new MnistDataset({ split: 'test', limit: 100 }), { batch_size: 10, num_workers: 2, persistent_workers: true });
      for (const b of loader) break;
      console.log('done');`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.stdout.trim(), 'done', r.stderr);
    assert.equal(r.status, 0, r.stderr);
  });

  it('a data set without workerSpec() loads in the calling thread, with a warning; bad options are errors', async () => {
    class Plain extends Dataset<sg.Tensor[]> {
      get length(): number {
        return 10;
      }
      get(i: number): sg.Tensor[] {
        return [sg.tensor([i, 2 * i]), sg.tensor(i % 3, { dtype: 'int64' })];
      }
    }
    const ds = new Plain();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const loader = new DataLoader(ds, { batch_size: 3, num_workers: 2 });
    assert.deepEqual(passes(loader, 1), passes(new DataLoader(ds, { batch_size: 3 }), 1));
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    assert.deepEqual(warnings, ['DataLoader: num_workers = 2 but Plain has no workerSpec(); loading in the calling thread (the batches are the same, only slower)']);
    assert.equal(loader.workerThreads.length, 0);
    assert.throws(() => new DataLoader(ds, { num_workers: -1 }), /Expected a non-negative integer for DataLoader\(\{num_workers\}\) but received -1/);
    assert.throws(() => new DataLoader(ds, { num_workers: 1, prefetch_factor: 0 }), /Expected a positive integer for DataLoader\(\{prefetch_factor\}\) but received 0/);
    assert.throws(() => new DataLoader(ds, { prefetch_factor: 2 }), /prefetch_factor option could only be specified with num_workers > 0/);
    assert.throws(() => new DataLoader(ds, { persistent_workers: true }), /persistent_workers option needs num_workers > 0/);
    assert.throws(() => new DataLoader(ds, { pin_memory: 'yes' as never }), /Expected a boolean for DataLoader\(\{pin_memory\}\) but received/);
    assert.throws(() => new DataLoader(ds, { num_worker: 2 } as never), /Unknown option 'num_worker' for DataLoader; allowed: batch_size, shuffle, seed, drop_last, sampler, collate, num_workers, prefetch_factor, pin_memory, persistent_workers/);
  });
});
