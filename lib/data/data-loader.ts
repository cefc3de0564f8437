import type { Worker } from 'worker_threads';

import { isPlainObject, rangeError, typeError } from '../errors';
import { tensor } from '../tensor/creation';
import { Dtype } from '../tensor/dtype';
import { Tensor } from '../tensor/tensor';
import { loadBatch } from './batching';
import { Dataset, DatasetWorkerSpec } from './dataset';
import type { Sampler } from './distributed-sampler';
import { permutation } from './random';
import { WorkerPool } from './worker-pool';

export interface DataLoaderOptions {
  batch_size?: number;
  shuffle?: boolean;
  /** Seed of the shuffling; each epoch uses a permutation derived from (seed, epoch). */
  seed?: number;
  drop_last?: boolean;
  /**
   * Where the item indices come from, in order (e.g. an sg.data.DistributedSampler), instead of
   * 0..n-1 or the shuffle; mutually exclusive with `shuffle`, as PyTorch's. setEpoch is forwarded to it.
   */
  sampler?: Sampler;
  /** Builds a batch from items (default: stack each field). With workers it runs in the calling thread. */
  collate?: (items: Tensor[][]) => Tensor[];
  /**
   * Worker threads that load and collate batches while the calling thread trains (default 0: load
   * in the calling thread). The batches are the same as with 0, in the same order. Needs a data
   * set with `workerSpec()` (ImageFolderDataset, TensorDataset, MnistDataset); any other loads in
   * the calling thread with a warning.
   */
  num_workers?: number;
  /** Batches each worker may hold ahead (default 2; only with num_workers > 0, as PyTorch). */
  prefetch_factor?: number;
  /** Accepted for SuperGradients' recipes; no effect (sg-optim has no pinned host memory). */
  pin_memory?: boolean;
  /** Keep the workers between passes (until close() or exit) instead of starting them each epoch. */
  persistent_workers?: boolean;
}

const OPTION_KEYS = ['batch_size', 'shuffle', 'seed', 'drop_last', 'sampler', 'collate', 'num_workers', 'prefetch_factor', 'pin_memory', 'persistent_workers'];

/** Terminates the workers of a persistent loader that is garbage-collected without close(). */
const orphans = new FinalizationRegistry<WorkerPool>((pool) => pool.close());

function booleanOption(name: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw typeError(`DataLoader({${name}})`, 'a boolean', v);
  return v;
}

/**
 * Batches of a data set as `[inputs, targets]` (one array entry per field), optionally shuffled
 * with a seed: epoch e always sees the same order, so a resumed run repeats it exactly.
 *
 * @example
 * const loader = new sg.data.DataLoader(ds, { batch_size: 64, shuffle: true, seed: 0, num_workers: 2 });
 * for (const [x, y] of loader) { ... }
 */
export class DataLoader implements Iterable<[Tensor, Tensor]> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly sampler: Sampler | undefined;
  readonly numWorkers: number;
  readonly prefetchFactor: number;
  readonly pinMemory: boolean;
  readonly persistentWorkers: boolean;
  private epoch = 0;
  private explicitEpoch = false;
  private readonly collate: ((items: Tensor[][]) => Tensor[]) | null;
  /** The spec the workers rebuild the data set from; null: load in the calling thread. */
  private workerSpec: DatasetWorkerSpec | null | undefined = undefined;
  private pool: WorkerPool | null = null;
  /** @internal Every worker thread this loader started (tests check that they end). */
  readonly workerThreads: Worker[] = [];

  constructor(readonly dataset: Dataset<Tensor[]>, options: DataLoaderOptions = {}) {
    if (!(dataset instanceof Dataset)) throw typeError('DataLoader(dataset)', 'an sg.data.Dataset', dataset);
    if (!isPlainObject(options as unknown)) throw typeError('DataLoader(options)', 'an options object', options);
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.includes(key)) throw new TypeError(`Unknown option '${key}' for DataLoader; allowed: ${OPTION_KEYS.join(', ')}`);
    }
    const bs = options.batch_size ?? 1;
    if (!Number.isInteger(bs) || bs < 1) throw typeError('DataLoader({batch_size})', 'a positive integer', bs);
    this.batchSize = bs;
    this.shuffle = options.shuffle ?? false;
    this.seed = options.seed ?? 0;
    this.dropLast = options.drop_last ?? false;
    if (options.collate !== undefined && typeof options.collate !== 'function') throw typeError('DataLoader({collate})', 'a function (items) => tensors', options.collate);
    this.collate = options.collate ?? null;
    const sampler = options.sampler;
    if (sampler !== undefined) {
      const ok = sampler !== null && typeof (sampler as Partial<Sampler>)[Symbol.iterator] === 'function' && Number.isInteger((sampler as Partial<Sampler>).length);
      if (!ok) throw typeError('DataLoader({sampler})', 'a sampler (an iterable of indices with a length)', sampler);
      if (this.shuffle) throw rangeError('DataLoader({sampler})', 'sampler option is mutually exclusive with shuffle');
    }
    this.sampler = sampler;
    const workers = options.num_workers ?? 0;
    if (!Number.isInteger(workers) || workers < 0) throw typeError('DataLoader({num_workers})', 'a non-negative integer', workers);
    this.numWorkers = workers;
    // PyTorch's rules: prefetch_factor and persistent_workers only mean something with workers.
    if (options.prefetch_factor !== undefined && options.prefetch_factor !== null) {
      if (!Number.isInteger(options.prefetch_factor) || options.prefetch_factor < 1) throw typeError('DataLoader({prefetch_factor})', 'a positive integer', options.prefetch_factor);
      if (workers === 0) throw new RangeError('DataLoader: prefetch_factor option could only be specified with num_workers > 0 (worker threads)');
    }
    this.prefetchFactor = options.prefetch_factor ?? 2;
    this.pinMemory = booleanOption('pin_memory', options.pin_memory, false);
    this.persistentWorkers = booleanOption('persistent_workers', options.persistent_workers, false);
    if (this.persistentWorkers && workers === 0) throw new RangeError('DataLoader: persistent_workers option needs num_workers > 0');
  }

  /**
   * The same loader (batch size, drop_last, collate, workers) over `sampler`'s indices, as a
   * data-parallel run shards it with a DistributedSampler (a sampler excludes shuffle, as PyTorch).
   */
  withSampler(sampler: Sampler): DataLoader {
    const workers = this.numWorkers > 0 ? { num_workers: this.numWorkers, prefetch_factor: this.prefetchFactor, persistent_workers: this.persistentWorkers } : {};
    return new DataLoader(this.dataset, {
      batch_size: this.batchSize,
      drop_last: this.dropLast,
      sampler,
      seed: this.seed,
      pin_memory: this.pinMemory,
      ...(this.collate ? { collate: this.collate } : {}),
      ...workers,
    });
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.sampler ? this.sampler.length : this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Chooses the shuffling of the next iteration (the Trainer calls it every epoch). */
  setEpoch(epoch: number): void {
    this.epoch = epoch;
    this.explicitEpoch = true;
    this.sampler?.setEpoch?.(epoch);
  }

  /** Ends the workers a `persistent_workers` loader keeps (they also end with the process). */
  close(): void {
    if (this.pool) orphans.unregister(this);
    this.pool?.close();
    this.pool = null;
  }

  /** The workers' spec, once; null (with a warning) when the data set cannot go to a worker. */
  private spec(): DatasetWorkerSpec | null {
    if (this.workerSpec !== undefined) return this.workerSpec;
    let reason: string | null = null;
    if (typeof this.dataset.workerSpec !== 'function') reason = `${this.dataset.constructor.name} has no workerSpec()`;
    else {
      try {
        this.workerSpec = this.dataset.workerSpec();
      } catch (e) {
        if (!(e instanceof TypeError)) throw e;
        reason = e.message;
      }
    }
    if (reason !== null) {
      process.emitWarning(`DataLoader: num_workers = ${this.numWorkers} but ${reason}; loading in the calling thread (the batches are the same, only slower)`);
      this.workerSpec = null;
    }
    return this.workerSpec ?? null;
  }

  *[Symbol.iterator](): Iterator<[Tensor, Tensor]> {
    const order = this.sampler ? Int32Array.from(this.sampler) : this.shuffle ? permutation(this.dataset.length, this.seed * 1000003 + this.epoch) : null;
    const n = order ? order.length : this.dataset.length;
    const epoch = this.epoch;
    if (!this.explicitEpoch) this.epoch += 1;
    this.explicitEpoch = false;
    const batches = this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    const indices = (b: number): Int32Array => {
      const start = b * this.batchSize;
      const end = Math.min(n, start + this.batchSize);
      if (order) return order.slice(start, end);
      return Int32Array.from({ length: end - start }, (_, k) => start + k);
    };
    if (this.numWorkers > 0 && batches > 0 && this.spec() !== null) {
      yield* this.parallel(batches, indices, epoch);
      return;
    }
    this.dataset.setEpoch?.(epoch);
    for (let b = 0; b < batches; b++) yield loadBatch(this.dataset, indices(b), this.collate) as [Tensor, Tensor];
  }

  private *parallel(batches: number, indices: (b: number) => Int32Array, epoch: number): Generator<[Tensor, Tensor]> {
    let pool = this.pool;
    if (!pool) {
      pool = new WorkerPool(this.spec()!, this.numWorkers, this.collate === null);
      this.workerThreads.push(...pool.threads);
      if (this.persistentWorkers) {
        this.pool = pool;
        orphans.register(this, pool, this);
      }
    }
    const gen = pool.begin();
    const limit = this.numWorkers * this.prefetchFactor;
    let sent = 0;
    try {
      for (; sent < Math.min(batches, limit); sent++) pool.submit(gen, sent, indices(sent), epoch);
      for (let b = 0; b < batches; b++) {
        const reply = pool.take(gen, b);
        if (sent < batches) pool.submit(gen, sent, indices(sent++), epoch);
        const fields = reply.fields.map((f) => tensor(f.data as Float32Array, { shape: f.shape, dtype: f.dtype as Dtype }));
        if (this.collate === null) {
          yield fields as [Tensor, Tensor];
        } else {
          const per = fields.length / reply.itemCount;
          yield this.collate(Array.from({ length: reply.itemCount }, (_, k) => fields.slice(k * per, (k + 1) * per))) as [Tensor, Tensor];
        }
      }
    } finally {
      // Normal end, a break out of for-of (return()), or an error: no worker outlives the pass
      // unless the loader keeps them (its next pass drops this one's late replies).
      if (pool !== this.pool) pool.close();
    }
  }
}
