import { typeError } from '../errors';
import { empty } from '../tensor/creation';
import { conv2d, Pair } from '../tensor/functional';
import { Tensor } from '../tensor/tensor';
import { fanIn, kaimingUniform_, uniform_ } from './init';
import { positiveInt } from './linear';
import { Module } from './module';
import { Parameter } from './parameter';

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
  dtype?: 'float32' | 'float64';
}

function pair(path: string, v: Pair): [number, number] {
  if (typeof v === 'number' && Number.isInteger(v)) return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x))) return v;
  throw typeError(path, 'an integer or a pair of integers', v);
}

/**
 * 2-D convolution over NCHW input, with PyTorch's initialisation.
 *
 * @example
 * const conv = new nn.Conv2d(1, 32, 3, { padding: 1 });
 */
export class Conv2d extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, options: Conv2dOptions = {}) {
    super();
    positiveInt('Conv2d(in_channels)', inChannels);
    positiveInt('Conv2d(out_channels)', outChannels);
    const k = pair('Conv2d(kernel_size)', kernelSize);
    this.stride = pair('Conv2d({stride})', options.stride ?? 1);
    this.padding = pair('Conv2d({padding})', options.padding ?? 0);
    this.dilation = pair('Conv2d({dilation})', options.dilation ?? 1);
    this.groups = positiveInt('Conv2d({groups})', options.groups ?? 1);
    if (inChannels % this.groups !== 0) throw new RangeError('in_channels must be divisible by groups');
    if (outChannels % this.groups !== 0) throw new RangeError('out_channels must be divisible by groups');
    this.weight = Parameter(empty([outChannels, inChannels / this.groups, k[0], k[1]], { dtype: options.dtype }));
    this.bias = options.bias === false ? null : Parameter(empty([outChannels], { dtype: options.dtype }));
    kaimingUniform_(this.weight, Math.sqrt(5));
    if (this.bias) {
      const bound = 1 / Math.sqrt(fanIn(this.weight));
      uniform_(this.bias, -bound, bound);
    }
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}
