import { typeError } from '../errors';
import { Tensor } from '../tensor/tensor';

/** A map-style data set: `length` items, item i by `get(i)`. */
export abstract class Dataset<T = Tensor[]> {
  abstract get length(): number;
  abstract get(index: number): T;
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
}
