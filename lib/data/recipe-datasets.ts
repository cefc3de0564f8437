/**
 * Data sets a recipe can name in `dataset_params.dataset` (SuperGradients' recipes build their
 * loaders from dataset_params the same way). Register more with registerDataset().
 */
import { isPlainObject, typeError } from '../errors';
import { Registry } from '../registry/registry';
import { DataLoader, DataLoaderOptions } from './data-loader';
import { defaultCacheDir, ensureDigitsFolder } from './digits-folder';
import { ImageFolderDataset, ImageFolderOptions } from './image-folder';
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
  // The flat num_workers (the recipe shortcut's target) goes to both loaders.
  const workers = (p.num_workers as number | null | undefined) ?? 0;
  return {
    trainLoader: new DataLoader(train, { batch_size: (p.batch_size as number | undefined) ?? 64, shuffle: (p.shuffle as boolean | undefined) ?? true, seed, drop_last: Boolean(p.drop_last), num_workers: workers }),
    validLoader: new DataLoader(test, { batch_size: (p.val_batch_size as number | undefined) ?? 500, num_workers: workers }),
  };
});

const IMAGE_FOLDER_KEYS = ['root', 'transforms', 'seed', 'color_mode', 'skip_corrupt', 'skipCorrupt'];
const LOADER_KEYS = ['batch_size', 'shuffle', 'seed', 'drop_last', 'num_workers', 'prefetch_factor', 'pin_memory', 'persistent_workers'];

function section(p: Record<string, unknown>, key: string, allowed: readonly string[], required: boolean): Record<string, unknown> {
  const v = p[key];
  if (v === undefined || v === null) {
    if (required) throw typeError(`dataset_params.${key}`, `a mapping (${allowed.join(', ')})`, v);
    return {};
  }
  if (!isPlainObject(v)) throw typeError(`dataset_params.${key}`, `a mapping (${allowed.join(', ')})`, v);
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) throw new TypeError(`Unknown key '${k}' in dataset_params.${key}; allowed: ${allowed.join(', ')}`);
  }
  return v;
}

function imageFolder(p: Record<string, unknown>, key: string): ImageFolderDataset {
  const s = section(p, key, IMAGE_FOLDER_KEYS, true);
  const options: ImageFolderOptions = {
    root: s.root as string,
    transforms: (s.transforms as unknown[] | undefined) ?? null,
    seed: s.seed as number | undefined,
    color_mode: s.color_mode as ImageFolderOptions['color_mode'],
    skipCorrupt: Boolean(s.skip_corrupt ?? s.skipCorrupt),
  };
  try {
    return new ImageFolderDataset(options);
  } catch (e) {
    if (e instanceof Error) e.message = `dataset_params.${key}: ${e.message}`;
    throw e;
  }
}

/**
 * SuperGradients' form: `train_dataset_params` / `val_dataset_params` ({root, transforms as SG's
 * YAML list, seed, color_mode, skip_corrupt}) and `train_dataloader_params` /
 * `val_dataloader_params` (DataLoader options; the training loader shuffles unless told not to).
 */
function imageFolderLoaders(p: Record<string, unknown>): RecipeLoaders {
  const trainLoader = section(p, 'train_dataloader_params', LOADER_KEYS, false);
  const validLoader = section(p, 'val_dataloader_params', LOADER_KEYS, false);
  return {
    trainLoader: new DataLoader(imageFolder(p, 'train_dataset_params'), { shuffle: true, ...trainLoader } as DataLoaderOptions),
    validLoader: new DataLoader(imageFolder(p, 'val_dataset_params'), { ...validLoader } as DataLoaderOptions),
  };
}
DATASETS.register('image_folder', imageFolderLoaders);

/**
 * `image_folder` on the MNIST digits written as PNG files (lib/data/digits-folder.ts), made on
 * first use under `cache_dir` (default `$SG_OPTIM_CACHE` or `<tmpdir>/sg-optim-cache`); the
 * `root` of train_dataset_params / val_dataset_params defaults to its train / val folder.
 */
DATASETS.register('digits_folder', (p) => {
  const cache = p.cache_dir ?? defaultCacheDir();
  if (typeof cache !== 'string' || cache === '') throw typeError('dataset_params.cache_dir', 'a folder path (or null for the default)', cache);
  const roots = ensureDigitsFolder(cache);
  const withRoot = (key: string, root: string) => {
    const s = section(p, key, IMAGE_FOLDER_KEYS, false);
    return { ...s, root: s.root ?? root };
  };
  return imageFolderLoaders({ ...p, train_dataset_params: withRoot('train_dataset_params', roots.train), val_dataset_params: withRoot('val_dataset_params', roots.val) });
});

export function registerDataset(name: string, factory: DatasetFactory, options?: { override?: boolean }): void {
  DATASETS.register(name, factory, options);
}

/** The loaders for a recipe's `dataset_params` ({dataset: 'mnist', batch_size, ...}). */
export function createDataLoaders(datasetParams: Record<string, unknown>): RecipeLoaders {
  if (!isPlainObject(datasetParams)) throw typeError('dataset_params', 'a mapping', datasetParams);
  const name = datasetParams.dataset;
  if (typeof name !== 'string') throw typeError('dataset_params.dataset', `a data set name (${DATASETS.names().join(', ')})`, name);
  return DATASETS.get(name, 'dataset_params.dataset')(datasetParams);
}
