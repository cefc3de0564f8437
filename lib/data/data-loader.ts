import { isPlainObject, rangeError, typeError } from '../errors';
import { tensor } from '../tensor/creation';
import { stack } from '../tensor/functional';
import { Tensor } from '../tensor/tensor';
import { Dataset, TensorDataset } from './dataset';
import type { Sampler } from './distributed-sampler';
import { permutation } from './random';

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
  /** Builds a batch from items (default: stack each field). */
  collate?: (items: Tensor[][]) => Tensor[];
}

function defaultCollate(items: Tensor[][]): Tensor[] {
  return items[0].map((_, field) => stack(items.map((item) => item[field])));
}

/**
 * Batches of a data set as `[inputs, targets]` (one array entry per field), optionally shuffled
 * with a seed: epoch e always sees the same order, so a resumed run repeats it exactly.
 *
 * @example
 * const loader = new sg.data.DataLoader(ds, { batch_size: 64, shuffle: true, seed: 0 });
 * for (const [x, y] of loader) { ... }
 */
export class DataLoader implements Iterable<[Tensor, Tensor]> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly sampler: Sampler | undefined;
  private epoch = 0;
  private explicitEpoch = false;
  private readonly collate: (items: Tensor[][]) => Tensor[];

  constructor(readonly dataset: Dataset<Tensor[]>, options: DataLoaderOptions = {}) {
    if (!(dataset instanceof Dataset)) throw typeError('DataLoader(dataset)', 'an sg.data.Dataset', dataset);
    if (!isPlainObject(options as unknown)) throw typeError('DataLoader(options)', 'an options object', options);
    const bs = options.batch_size ?? 1;
    if (!Number.isInteger(bs) || bs < 1) throw typeError('DataLoader({batch_size})', 'a positive integer', bs);
    this.batchSize = bs;
    this.shuffle = options.shuffle ?? false;
    this.seed = options.seed ?? 0;
    this.dropLast = options.drop_last ?? false;
    this.collate = options.collate ?? defaultCollate;
    const sampler = options.sampler;
    if (sampler !== undefined) {
      const ok = sampler !== null && typeof (sampler as Partial<Sampler>)[Symbol.iterator] === 'function' && Number.isInteger((sampler as Partial<Sampler>).length);
      if (!ok) throw typeError('DataLoader({sampler})', 'a sampler (an iterable of indices with a length)', sampler);
      if (this.shuffle) throw rangeError('DataLoader({sampler})', 'sampler option is mutually exclusive with shuffle');
    }
    this.sampler = sampler;
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

  *[Symbol.iterator](): Iterator<[Tensor, Tensor]> {
    const order = this.sampler ? Int32Array.from(this.sampler) : this.shuffle ? permutation(this.dataset.length, this.seed * 1000003 + this.epoch) : null;
    const n = order ? order.length : this.dataset.length;
    if (!this.explicitEpoch) this.epoch += 1;
    this.explicitEpoch = false;
    const fast = this.dataset instanceof TensorDataset ? this.dataset.tensors : null;
    const batches = this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
    for (let b = 0; b < batches; b++) {
      const start = b * this.batchSize;
      const end = Math.min(n, start + this.batchSize);
      let batch: Tensor[];
      if (fast) {
        if (order) {
          const idx = tensor(order.subarray(start, end), { dtype: 'int64' });
          batch = fast.map((t) => t.indexSelect(0, idx));
        } else {
          batch = fast.map((t) => t.slice(0, start, end));
        }
      } else {
        const items: Tensor[][] = [];
        for (let i = start; i < end; i++) items.push(this.dataset.get(order ? order[i] : i));
        batch = this.collate(items);
      }
      yield batch as [Tensor, Tensor];
    }
  }
}
