/** The model the buildOptimizer tests group: a conv, a BatchNorm and a linear head (its forward is never run). */
import * as nn from '../../lib/nn';
import { Tensor } from '../../lib/tensor';

export class Net extends nn.Module {
  conv = new nn.Conv2d(3, 4, 3);
  bn = new nn.BatchNorm2d(4);
  head = new nn.Linear(4, 2);
  forward(x: Tensor): Tensor {
    return x;
  }
}
