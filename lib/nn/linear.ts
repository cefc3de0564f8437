import { linear } from '../tensor/functional';
import { empty } from '../tensor/creation';
import { Tensor } from '../tensor/tensor';
import { typeError } from '../errors';
import { fanIn, kaimingUniform_, uniform_ } from './init';
import { Module } from './module';
import { Parameter } from './parameter';

export function positiveInt(path: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 1) throw typeError(path, 'a positive integer', v);
  return v as number;
}

/**
 * y = x·Wᵀ + b, with PyTorch's initialisation (kaiming_uniform(a=√5) weight, U(±1/√fan_in) bias).
 *
 * @example
 * const fc = new nn.Linear(784, 10);
 */
export class Linear extends Module {
  weight: Tensor;
  bias: Tensor | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: { bias?: boolean; dtype?: 'float32' | 'float64' } = {}) {
    super();
    positiveInt('Linear(in_features)', inFeatures);
    positiveInt('Linear(out_features)', outFeatures);
    this.weight = Parameter(empty([outFeatures, inFeatures], { dtype: options.dtype }));
    this.bias = options.bias === false ? null : Parameter(empty([outFeatures], { dtype: options.dtype }));
    kaimingUniform_(this.weight, Math.sqrt(5));
    if (this.bias) {
      const bound = 1 / Math.sqrt(fanIn(this.weight));
      uniform_(this.bias, -bound, bound);
    }
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
