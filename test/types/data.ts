/**
 * Compile-only: sg.data — Dataset (user subclasses), TensorDataset, DataLoader and its options,
 * MnistDataset, the dataset registry used by recipes, MNIST's constants.
 */
import * as sg from '../../lib';
import { data } from '../../lib';
import { assertType, Equal, expectType } from './helpers';

/** A user data set of (input, target) pairs. */
class Squares extends data.Dataset<[sg.Tensor, sg.Tensor]> {
  get length(): number {
    return 10;
  }
  get(index: number): [sg.Tensor, sg.Tensor] {
    return [sg.tensor([index]), sg.tensor([index * index])];
  }
}

export function datasets(): void {
  const ds = new data.TensorDataset(sg.randn([10, 3]), sg.randint(0, 2, [10]));
  expectType<sg.Tensor[]>(ds.tensors);
  expectType<number>(ds.length);
  expectType<sg.Tensor[]>(ds.get(0));
  const mnistOpts: data.MnistOptions = { split: 'test', limit: 100, normalize: true };
  const mnist: data.TensorDataset = new data.MnistDataset(mnistOpts);
  expectType<data.MnistDataset>(new data.MnistDataset());
  expectType<data.MnistDataset>(new data.MnistDataset({ limit: null }));
  const mean: number = data.MNIST_MEAN;
  const std: number = data.MNIST_STD;
  const sq: data.Dataset<[sg.Tensor, sg.Tensor]> = new Squares();
  void [mnist, mean, std, sq];

  // @ts-expect-error Dataset is abstract
  new data.Dataset();
  // @ts-expect-error TensorDataset holds Tensors
  new data.TensorDataset([1, 2, 3]);
  // @ts-expect-error split is 'train' or 'test'
  new data.MnistDataset({ split: 'validation' });
  // @ts-expect-error MnistOptions is closed
  new data.MnistDataset({ download: true });
  // @ts-expect-error MNIST_MEAN is a constant
  data.MNIST_MEAN = 0;
}

export function loaders(): void {
  const ds = new data.TensorDataset(sg.randn([10, 3]), sg.randint(0, 2, [10]));
  const options: data.DataLoaderOptions = { batch_size: 4, shuffle: true, seed: 0, drop_last: true, collate: (items) => [sg.stack(items.map((i) => i[0])), sg.stack(items.map((i) => i[1]))] };
  const loader = new data.DataLoader(ds, options);
  expectType<data.DataLoader>(new data.DataLoader(new Squares()));
  expectType<data.Dataset<sg.Tensor[]>>(loader.dataset);
  expectType<number>(loader.batchSize);
  expectType<boolean>(loader.shuffle && loader.dropLast);
  expectType<number>(loader.seed);
  expectType<number>(loader.length);
  expectType<void>(loader.setEpoch(3));
  for (const batch of loader) assertType<Equal<typeof batch, [sg.Tensor, sg.Tensor]>>();
  for (const [x, y] of loader) expectType<sg.Tensor>(x.add(y));
  const it: Iterable<[sg.Tensor, sg.Tensor]> = loader;
  const asTrainerLoader: sg.training.BatchLoader = loader;
  void [it, asTrainerLoader];

  // @ts-expect-error batch_size is a number
  new data.DataLoader(ds, { batch_size: '64' });
  // @ts-expect-error DataLoaderOptions is closed: the key is batch_size
  new data.DataLoader(ds, { batchSize: 64 });
  // Worker threads, with PyTorch's option names.
  new data.DataLoader(ds, { num_workers: 2, prefetch_factor: 4, pin_memory: false, persistent_workers: true }).close();
  // @ts-expect-error num_workers is a number
  new data.DataLoader(ds, { num_workers: '2' });
  // @ts-expect-error a DataLoader takes a Dataset, not a Tensor
  new data.DataLoader(sg.randn([10, 3]));
  // @ts-expect-error collate returns Tensors
  new data.DataLoader(ds, { collate: () => 'batch' });
  // @ts-expect-error length is read-only
  loader.length = 3;
}

export function recipeDatasets(): void {
  const loaders: data.RecipeLoaders = data.createDataLoaders({ dataset: 'mnist', batch_size: 64 });
  expectType<data.DataLoader>(loaders.trainLoader);
  expectType<data.DataLoader>(loaders.validLoader);
  expectType<void>(data.registerDataset('squares', (params) => ({ trainLoader: new data.DataLoader(new Squares(), { batch_size: Number(params.batch_size) }), validLoader: new data.DataLoader(new Squares()) })));
  expectType<void>(data.registerDataset('again', () => loaders, { override: true }));
  expectType<boolean>(data.DATASETS.has('mnist'));
  expectType<data.RecipeLoaders>(data.DATASETS.get('mnist')({}));
  // @ts-expect-error a factory returns { trainLoader, validLoader }
  data.registerDataset('bad', () => new data.DataLoader(new Squares()));
  // @ts-expect-error dataset params are an object
  data.createDataLoaders('mnist');
}
