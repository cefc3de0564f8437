import * as nn from '../nn';
import { NamedParamGroup } from '../optim/param-groups';
import { Tensor } from '../tensor/tensor';
import { registerModel } from './registry';

export interface LeNetParams {
  num_classes?: number;
  in_channels?: number;
  dropout?: number;
}

/**
 * A LeNet-style CNN for 28×28 digits: a convolutional backbone and a fully connected head. It
 * implements the seed's param-groups protocol: the backbone trains at
 * `lr · training_params.multiply_backbone_lr` (default 1), the head at `lr`, and every LR update
 * keeps that ratio.
 */
export class LeNet extends nn.Module {
  backbone: nn.Sequential;
  head: nn.Sequential;

  constructor(params: LeNetParams = {}) {
    super();
    const numClasses = params.num_classes ?? 10;
    this.backbone = new nn.Sequential(
      new nn.Conv2d(params.in_channels ?? 1, 32, 3, { padding: 1 }),
      new nn.BatchNorm2d(32),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Conv2d(32, 64, 3, { padding: 1 }),
      new nn.BatchNorm2d(64),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
    );
    this.head = new nn.Sequential(
      new nn.Flatten(),
      new nn.Linear(64 * 7 * 7, 128),
      new nn.ReLU(),
      new nn.Dropout(params.dropout ?? 0.25),
      new nn.Linear(128, numClasses),
    );
  }

  forward(x: Tensor): Tensor {
    return this.head.forward(this.backbone.forward(x));
  }

  initializeParamGroups(lr: number, trainingParams: Record<string, unknown>): NamedParamGroup[] {
    const multiplier = (trainingParams.multiply_backbone_lr as number | undefined) ?? 1;
    return [
      { named_params: this.backbone.namedParameters(), lr: lr * multiplier, name: 'backbone' },
      { named_params: this.head.namedParameters(), lr, name: 'head' },
    ];
  }

  updateParamGroups(
    paramGroups: Array<{ name?: string; lr?: number }>,
    lr: number,
    _epoch: number,
    _iter: number | null,
    trainingParams: Record<string, unknown>,
  ): Array<{ name?: string; lr?: number }> {
    const multiplier = (trainingParams.multiply_backbone_lr as number | undefined) ?? 1;
    for (const group of paramGroups) group.lr = group.name === 'backbone' ? lr * multiplier : lr;
    return paramGroups;
  }
}

/** A two-layer perceptron over flattened 28×28 images. */
export class MnistMlp extends nn.Module {
  net: nn.Sequential;

  constructor(params: { hidden?: number; num_classes?: number } = {}) {
    super();
    this.net = new nn.Sequential(new nn.Flatten(), new nn.Linear(28 * 28, params.hidden ?? 128), new nn.ReLU(), new nn.Linear(params.hidden ?? 128, params.num_classes ?? 10));
  }

  forward(x: Tensor): Tensor {
    return this.net.forward(x);
  }
}

registerModel('lenet', LeNet as never);
registerModel('mnist_mlp', MnistMlp as never);
