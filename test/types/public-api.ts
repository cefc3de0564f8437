/**
 * Compile-only check of the public type declarations (tsc compiles it with the rest; mocha never
 * runs it: the file name does not end in .test.ts). Each line is something users write.
 */
import * as sg from '../../lib';

export function typeChecks(): void {
  const x: sg.Tensor = sg.tensor([[1, 2], [3, 4]], { dtype: 'float32', requiresGrad: true });
  const shape: number[] = x.shape;
  const dtype: sg.Dtype = x.dtype;
  const summed: sg.Tensor = x.sum({ dim: 1, keepdim: true });
  const { values, indices }: sg.ValuesIndices = x.max({ dim: 1 });
  const loss: sg.Tensor = sg.crossEntropy(x, sg.tensor([0, 1]), { label_smoothing: 0.1 });
  const conv: sg.Tensor = sg.conv2d(sg.zeros([1, 1, 4, 4]), sg.zeros([2, 1, 3, 3]), null, { stride: 1, padding: 1 });
  const opt: sg.optim.Optimizer = new sg.optim.AdamW([x], { lr: 1e-3, betas: [0.9, 0.999], weight_decay: 0.01 });
  const groups: sg.optim.ParamGroup[] = opt.paramGroups;
  const sd: sg.optim.OptimizerStateDict = opt.stateDict();
  opt.loadStateDict(sd);
  const created: sg.optim.Optimizer = sg.optim.createOptimizer('Lamb', [x], { lr: 1e-3 });
  const model: sg.nn.Module = new sg.nn.Sequential(new sg.nn.Linear(4, 2), new sg.nn.ReLU());
  const named: Array<[string, sg.Tensor]> = model.namedParameters();
  const loader = new sg.data.DataLoader(new sg.data.MnistDataset({ split: 'test', limit: 10 }), { batch_size: 5 });
  const trainer = new sg.Trainer({ experimentName: 'types' });
  const result: Promise<sg.training.TrainResult> = trainer.train({ model: new sg.models.MnistMlp(), trainingParams: { max_epochs: 1, initial_lr: 0.1, loss: 'CrossEntropyLoss' }, trainLoader: loader });
  const sim: sg.training.SimulatedLr = sg.training.simulateLr({ max_epochs: 2, initial_lr: 0.1, lr_mode: 'cosine' }, { trainLoaderLen: 10 });
  const recipe: Record<string, unknown> = sg.recipes.loadRecipe('mnist_lenet', { overrides: ['epochs=1'] });
  sg.save({ net: model.stateDict() }, '/tmp/x.pth');
  void [shape, dtype, summed, values, indices, loss, conv, groups, created, named, result, sim, recipe, sg.load('/tmp/x.pth')];
}
