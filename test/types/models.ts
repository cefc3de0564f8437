/**
 * Compile-only: sg.models — LeNet and MnistMlp (Modules, with the param-groups protocol), the
 * model registry (createModel, registerModel as a call and as a decorator).
 */
import * as sg from '../../lib';
import { models } from '../../lib';
import { expectType } from './helpers';

class Tiny extends sg.nn.Module {
  fc: sg.nn.Linear;
  constructor(params: { width?: number } = {}) {
    super();
    this.fc = new sg.nn.Linear(784, params.width ?? 10);
  }
  forward(x: sg.Tensor): sg.Tensor {
    return this.fc.forward(x.flatten(1));
  }
}

export function builtIns(): void {
  const params: models.LeNetParams = { num_classes: 10, in_channels: 1, dropout: 0.25 };
  const lenet = new models.LeNet(params);
  expectType<sg.nn.Module>(lenet);
  expectType<sg.nn.Sequential>(lenet.backbone);
  expectType<sg.nn.Sequential>(lenet.head);
  expectType<sg.Tensor>(lenet.forward(sg.zeros([1, 1, 28, 28])));
  expectType<sg.optim.NamedParamGroup[]>(lenet.initializeParamGroups(0.1, { multiply_backbone_lr: 0.1 }));
  expectType<Array<{ name?: string; lr?: number }>>(lenet.updateParamGroups([{ name: 'backbone', lr: 0.1 }], 0.1, 0, null, {}));
  const mlp = new models.MnistMlp({ hidden: 32, num_classes: 10 });
  expectType<sg.nn.Sequential>(mlp.net);
  expectType<sg.Tensor>(mlp.forward(sg.zeros([2, 1, 28, 28])));
  expectType<models.LeNet>(new models.LeNet());
  expectType<models.MnistMlp>(new models.MnistMlp());
  // Both fit what the Trainer and buildOptimizer need.
  const trainable: sg.training.TrainableModel[] = [lenet, mlp, new Tiny()];
  void trainable;

  // @ts-expect-error LeNetParams is closed
  new models.LeNet({ num_class: 10 });
  // @ts-expect-error num_classes is a number
  new models.LeNet({ num_classes: '10' });
  // @ts-expect-error MnistMlp's params are hidden and num_classes
  new models.MnistMlp({ layers: 2 });
  // @ts-expect-error a string where a Tensor goes
  lenet.forward('image');
}

export function registry(): void {
  expectType<string[]>(models.listModels());
  expectType<unknown>(models.createModel('lenet', { num_classes: 10 }));
  expectType<unknown>(models.createModel(models.LeNet));
  const cls: models.ModelClass = Tiny;
  expectType<typeof Tiny>(models.registerModel('tiny', Tiny));
  expectType<typeof Tiny>(models.registerModel('tiny', Tiny, { override: true }));
  @models.registerModel()
  class Decorated extends Tiny {}
  expectType<models.ModelClass>(models.MODELS.get('lenet'));
  expectType<string[]>(models.MODELS.names());
  void [cls, Decorated];
  // @ts-expect-error a name or a model class
  models.createModel(42);
  // @ts-expect-error arch_params are an object
  models.createModel('lenet', 10);
  // @ts-expect-error the registry holds classes, not instances
  models.MODELS.register('x', new Tiny());
}
