/**
 * Compile-only: the same API through named imports (`import { zeros, optim } from 'sg-optim'`),
 * and types from the namespaces used as types.
 */
import { add, crossEntropy, data, Dtype, errors, models, nn, noGrad, optim, randn, recipes, Tensor, tensor, Trainer, training, var as variance, zeros } from '../../lib';
import { expectType } from './helpers';

export function namedImports(): void {
  const x: Tensor = zeros([2, 3], { requiresGrad: true });
  const d: Dtype = x.dtype;
  const y = add(x, randn([2, 3]));
  expectType<Tensor>(crossEntropy(y, tensor([0, 1])));
  expectType<Tensor>(variance(y, 1));
  const model: nn.Module = new nn.Sequential(new nn.Linear(3, 2));
  const opt: optim.Optimizer = new optim.AdamW(model.parameters(), { lr: 1e-3 });
  const loader: data.DataLoader = new data.DataLoader(new data.TensorDataset(x, x));
  const lenet: models.LeNet = new models.LeNet();
  const trainer: training.Trainer = new Trainer({ experimentName: 'named' });
  const cfg = recipes.loadRecipe('mnist_lenet');
  expectType<string>(errors.describeValue(cfg));
  expectType<number>(noGrad(() => 1));
  void [d, opt, loader, lenet, trainer];
  // @ts-expect-error a string where a Tensor goes
  add('x', 1);
  // @ts-expect-error a string where a shape goes
  zeros('x');
}
