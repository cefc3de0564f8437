/** PyTorch's initialisers (torch.nn.init), in place and without autograd. */
import { noGrad } from '../tensor/grad-mode';
import { Tensor } from '../tensor/tensor';

export function uniform_(t: Tensor, a: number, b: number): Tensor {
  return noGrad(() => t.uniform_(a, b));
}

export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  return noGrad(() => t.normal_(mean, std));
}

export function zeros_(t: Tensor): Tensor {
  return noGrad(() => t.zero_());
}

export function ones_(t: Tensor): Tensor {
  return noGrad(() => t.fill_(1));
}

/** fan_in of a weight: size(1) × receptive field (PyTorch's _calculate_fan_in_and_fan_out). */
export function fanIn(t: Tensor): number {
  const shape = t.shape;
  if (shape.length < 2) throw new Error('Fan in can not be computed for tensor with fewer than 2 dimensions');
  return shape.slice(2).reduce((a, b) => a * b, 1) * shape[1];
}

/** kaiming_uniform_ with leaky_relu gain for slope `a` (Linear/Conv use a = √5). */
export function kaimingUniform_(t: Tensor, a = 0): Tensor {
  const gain = Math.sqrt(2 / (1 + a * a));
  const bound = gain * Math.sqrt(3 / fanIn(t));
  return uniform_(t, -bound, bound);
}
