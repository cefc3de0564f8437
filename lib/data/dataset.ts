import { typeError } from '../errors';
import { tensor } from '../tensor/creation';
import { Dtype } from '../tensor/dtype';
import { Tensor } from '../tensor/tensor';

/**
 * How a DataLoader worker thread builds its own copy of a data set (threads share no JS objects):
 * the worker calls `require(module)[factory](args)`. `args` must survive structured cloning
 * (plain data, typed arrays, SharedArrayBuffers). A data set without `workerSpec()` is loaded in
 * the calling thread even when `num_workers > 0` (with a warning); see DataLoaderOptions.
 */
export interface DatasetWorkerSpec {
  /** Absolute path of the module the worker requires. */
  module: string;
  /** The name of the function it exports that returns the Dataset from `args`. */
  factory: string;
  args: unknown;
}

/** A map-style data set: `length` items, item i by `get(i)`. */
export abstract class Dataset<T = Tensor[]> {
  abstract get length(): number;
  abstract get(index: number): T;
  /** Optional: the same item without blocking the event loop (DataLoader workers prefer it). */
  getAsync?(index: number): Promise<T>;
  /**
   * Optional: sets the epoch of the next items, for random transforms that differ per epoch.
   * The DataLoader calls it before each pass, in the calling thread and in its workers.
   */
  setEpoch?(epoch: number): void;
  /** Optional: how a DataLoader worker thread rebuilds this data set (see DatasetWorkerSpec). */
  workerSpec?(): DatasetWorkerSpec;
}

/** A tensor's values in shared memory, to rebuild it in a worker thread. */
interface SharedTensor {
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
  shape: number[];
  dtype: Dtype;
}

function shareTensor(t: Tensor): SharedTensor {
  const values = t.toTypedArray();
  const Ctor = values.constructor as new (buffer: SharedArrayBuffer) => SharedTensor['data'];
  const data = new Ctor(new SharedArrayBuffer(values.byteLength));
  data.set(values as never);
  return { data, shape: t.shape, dtype: t.dtype };
}

/**
 * Items are the i-th rows of equally long tensors (inputs, targets, ...). DataLoader batches it
 * with one indexSelect per tensor instead of stacking rows.
 *
 * @example
 * const ds = new sg.data.TensorDataset(images, labels);
 */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];
  private shared: SharedTensor[] | null = null;

  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new TypeError('TensorDataset needs at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw typeError(`TensorDataset(tensors[${i}])`, 'a Tensor', t);
      if (t.dim() === 0) throw new RangeError(`TensorDataset: tensors[${i}] has no first dimension`);
    });
    const n = tensors[0].shape[0];
    tensors.forEach((t, i) => {
      if (t.shape[0] !== n) throw new RangeError(`Size mismatch between tensors: tensors[0] has ${n} rows, tensors[${i}] has ${t.shape[0]}`);
    });
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  get(index: number): Tensor[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`index ${index} is out of range for a data set of ${this.length} items`);
    }
    return this.tensors.map((t) => t.select(0, index));
  }

  /**
   * Describes the data set to DataLoader worker threads.
   *
   * The tensors' values are copied once into SharedArrayBuffers that every worker reads (each
   * worker then holds one LibTorch copy). float16/bfloat16 tensors have no typed array and cannot go.
   */
  override workerSpec(): DatasetWorkerSpec {
    this.shared ??= this.tensors.map((t) => {
      if (t.dtype === 'float16' || t.dtype === 'bfloat16') throw new TypeError(`TensorDataset.workerSpec: a ${t.dtype} tensor cannot be shared with worker threads; use float32`);
      return shareTensor(t);
    });
    return { module: __filename, factory: 'tensorDatasetFromSpec', args: this.shared };
  }
}

/**
 * The worker side of TensorDataset.workerSpec.
 *
 * @internal
 * @public
 */
export function tensorDatasetFromSpec(args: SharedTensor[]): TensorDataset {
  // LibTorch copies from a plain ArrayBuffer, not from shared memory: slice() makes one.
  return new TensorDataset(...args.map((s) => tensor(s.data.slice(), { shape: s.shape, dtype: s.dtype })));
}
