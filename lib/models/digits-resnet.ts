/**
 * A small ResNet for 28×28 digits: torchvision's resnet18 layout (a stem, stages of BasicBlocks
 * with BatchNorm, the first block of a stage strided with a 1×1 projection shortcut, global
 * average pooling, a linear head) scaled down to widths 16/32/64 and one block per stage.
 * Registered as `digits_resnet` (the digits_folder_resnet recipe).
 */
import { typeError } from '../errors';
import * as nn from '../nn';
import { Tensor } from '../tensor/tensor';
import { registerModel } from './registry';

/** torchvision.models.resnet.BasicBlock: conv3×3-BN-ReLU-conv3×3-BN, plus the shortcut, then ReLU. */
export class BasicBlock extends nn.Module {
  conv1: nn.Conv2d;
  bn1: nn.BatchNorm2d;
  conv2: nn.Conv2d;
  bn2: nn.BatchNorm2d;
  downsample: nn.Sequential | null;

  constructor(inPlanes: number, planes: number, stride = 1) {
    super();
    this.conv1 = new nn.Conv2d(inPlanes, planes, 3, { stride, padding: 1, bias: false });
    this.bn1 = new nn.BatchNorm2d(planes);
    this.conv2 = new nn.Conv2d(planes, planes, 3, { padding: 1, bias: false });
    this.bn2 = new nn.BatchNorm2d(planes);
    this.downsample = stride !== 1 || inPlanes !== planes ? new nn.Sequential(new nn.Conv2d(inPlanes, planes, 1, { stride, bias: false }), new nn.BatchNorm2d(planes)) : null;
  }

  forward(x: Tensor): Tensor {
    const out = this.bn2.forward(this.conv2.forward(this.bn1.forward(this.conv1.forward(x)).relu())) as Tensor;
    return out.add(this.downsample ? (this.downsample.forward(x) as Tensor) : x).relu();
  }
}

export interface DigitsResNetParams {
  num_classes?: number;
  in_channels?: number;
  /** Channels of the stem and of each stage (one BasicBlock each; stages after the first halve the size). */
  widths?: number[];
}

/** The digits ResNet: stem conv3×3-BN-ReLU, one BasicBlock per width, global average pooling, linear head. */
export class DigitsResNet extends nn.Module {
  stem: nn.Sequential;
  layers: nn.Sequential;
  head: nn.Sequential;

  constructor(params: DigitsResNetParams = {}) {
    super();
    const widths = params.widths ?? [16, 32, 64];
    if (!Array.isArray(widths) || widths.length === 0 || !widths.every((w) => Number.isInteger(w) && w > 0)) {
      throw typeError('arch_params.widths', 'a non-empty list of positive integers', widths);
    }
    this.stem = new nn.Sequential(new nn.Conv2d(params.in_channels ?? 1, widths[0], 3, { padding: 1, bias: false }), new nn.BatchNorm2d(widths[0]), new nn.ReLU());
    this.layers = new nn.Sequential(...widths.map((w, i) => new BasicBlock(i === 0 ? widths[0] : widths[i - 1], w, i === 0 ? 1 : 2)));
    this.head = new nn.Sequential(new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(widths[widths.length - 1], params.num_classes ?? 10));
  }

  forward(x: Tensor): Tensor {
    return this.head.forward(this.layers.forward(this.stem.forward(x)) as Tensor) as Tensor;
  }
}

registerModel('digits_resnet', DigitsResNet as never);
