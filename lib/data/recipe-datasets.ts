/**
 * Data sets a recipe can name in `dataset_params.dataset` (SuperGradients' recipes build their
 * loaders from dataset_params the same way). Register more with registerDataset().
 */
import { isPlainObject, typeError } from '../errors';
import { Registry } from '../registry/registry';
import { DataLoader } from './data-loader';
import { MnistDataset } from './mnist';

export interface RecipeLoaders {
  trainLoader: DataLoader;
  validLoader: DataLoader;
}

export type DatasetFactory = (params: Record<string, unknown>) => RecipeLoaders;

export const DATASETS = new Registry<DatasetFactory>('dataset');

DATASETS.register('mnist', (p) => {
  const seed = (p.seed as number | undefined) ?? 0;
  const train = new MnistDataset({ split: 'train', limit: (p.train_size as number | null | undefined) ?? null });
  const test = new MnistDataset({ split: 'test', limit: (p.test_size as number | null | undefined) ?? null });
  return {
    trainLoader: new DataLoader(train, { batch_size: (p.batch_size as number | undefined) ?? 64, shuffle: (p.shuffle as boolean | undefined) ?? true, seed, drop_last: Boolean(p.drop_last) }),
    validLoader: new DataLoader(test, { batch_size: (p.val_batch_size as number | undefined) ?? 500 }),
  };
});

export function registerDataset(name: string, factory: DatasetFactory, options?: { override?: boolean }): void {
  DATASETS.register(name, factory, options);
}

/** The loaders for a recipe's `dataset_params` ({dataset: 'mnist', batch_size, ...}). */
export function createDataLoaders(datasetParams: Record<string, unknown>): RecipeLoaders {
  if (!isPlainObject(datasetParams)) throw typeError('dataset_params', 'a mapping', datasetParams);
  const name = datasetParams.dataset;
  if (typeof name !== 'string') throw typeError('dataset_params.dataset', `a data set name (${DATASETS.names().join(', ')})`, name);
  return DATASETS.get(name)(datasetParams);
}
