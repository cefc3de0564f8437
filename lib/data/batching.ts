/**
 * Building one batch from item indices, shared by the DataLoader's calling-thread path and its
 * worker threads, so both give the same tensors.
 */
import { tensor } from '../tensor/creation';
import { stack } from '../tensor/functional';
import { Tensor } from '../tensor/tensor';
import { Dataset, TensorDataset } from './dataset';

/** PyTorch's default_collate for tensors: each field stacked along a new first dimension. */
function defaultCollate(items: Tensor[][]): Tensor[] {
  return items[0].map((_, field) => stack(items.map((item) => item[field])));
}

/** A TensorDataset's batch by one indexSelect (or slice) per tensor instead of stacking rows. */
function tensorBatch(ds: TensorDataset, indices: Int32Array): Tensor[] {
  const n = indices.length;
  const contiguous = indices.every((v, k) => v === indices[0] + k);
  if (contiguous) return ds.tensors.map((t) => t.slice(0, indices[0], indices[0] + n));
  const idx = tensor(indices, { dtype: 'int64' });
  return ds.tensors.map((t) => t.indexSelect(0, idx));
}

/** The batch of `indices`, loaded in the calling thread. */
export function loadBatch(ds: Dataset<Tensor[]>, indices: Int32Array, collate: ((items: Tensor[][]) => Tensor[]) | null): Tensor[] {
  if (collate === null && ds instanceof TensorDataset) return tensorBatch(ds, indices);
  const items = Array.from(indices, (i) => ds.get(i));
  return (collate ?? defaultCollate)(items);
}

/**
 * In a worker: the collated batch (`collate`: the default collate) or the items one after the
 * other (a custom collate runs in the calling thread). Items load with getAsync when there is one.
 */
export async function loadBatchAsync(ds: Dataset<Tensor[]>, indices: Int32Array, collate: boolean): Promise<{ fields: Tensor[]; itemCount: number }> {
  if (collate && ds instanceof TensorDataset) return { fields: tensorBatch(ds, indices), itemCount: indices.length };
  const items: Tensor[][] = [];
  for (const i of indices) items.push(ds.getAsync ? await ds.getAsync(i) : ds.get(i));
  return { fields: collate ? defaultCollate(items) : items.flat(), itemCount: items.length };
}
