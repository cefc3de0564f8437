import { isPlainObject, typeError } from '../errors';
import { tensor } from '../tensor/creation';
import { stack } from '../tensor/functional';
import { Tensor } from '../tensor/tensor';
import { Dataset, TensorDataset } from './dataset';
import { permutation } from './random';

export interface DataLoaderOptions {
  batch_size?: number;
  shuffle?: boolean;
  /** Seed of the shuffling; each epoch uses a permutation derived from (seed, epoch). */
  seed?: number;
  drop_last?: boolean;
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
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Chooses the shuffling of the next iteration (the Trainer calls it every epoch). */
  setEpoch(epoch: number): void {
    this.epoch = epoch;
    this.explicitEpoch = true;
  }

  *[Symbol.iterator](): Iterator<[Tensor, Tensor]> {
    const n = this.dataset.length;
    const order = this.shuffle ? permutation(n, this.seed * 1000003 + this.epoch) : null;
    if (!this.explicitEpoch) this.epoch += 1;
    this.explicitEpoch = false;
    const fast = this.dataset instanceof TensorDataset ? this.dataset.tensors : null;
    for (let b = 0; b < this.length; b++) {
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
