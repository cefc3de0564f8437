import { ones, zeros, tensor } from '../tensor/creation';
import { batchNorm, groupNorm, layerNorm } from '../tensor/functional';
import { noGrad } from '../tensor/grad-mode';
import { Tensor } from '../tensor/tensor';
import { positiveInt } from './linear';
import { Module } from './module';
import { Parameter } from './parameter';

export interface BatchNormOptions {
  eps?: number;
  /** null: cumulative moving average. */
  momentum?: number | null;
  affine?: boolean;
  track_running_stats?: boolean;
}

/** Shared by BatchNorm1d and BatchNorm2d (PyTorch's _BatchNorm): the zero-weight-decay rule uses it. */
export abstract class BatchNormBase extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  running_mean!: Tensor | null;
  running_var!: Tensor | null;
  num_batches_tracked!: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly trackRunningStats: boolean;

  constructor(readonly numFeatures: number, options: BatchNormOptions = {}) {
    super();
    positiveInt(`${new.target.name}(num_features)`, numFeatures);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.trackRunningStats = options.track_running_stats ?? true;
    const affine = options.affine ?? true;
    this.weight = affine ? Parameter(ones([numFeatures])) : null;
    this.bias = affine ? Parameter(zeros([numFeatures])) : null;
    this.registerBuffer('running_mean', this.trackRunningStats ? zeros([numFeatures]) : null);
    this.registerBuffer('running_var', this.trackRunningStats ? ones([numFeatures]) : null);
    this.registerBuffer('num_batches_tracked', this.trackRunningStats ? tensor(0, { dtype: 'int64' }) : null);
  }

  protected abstract checkInput(x: Tensor): void;

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked) {
      noGrad(() => this.num_batches_tracked!.add_(1));
      factor = this.momentum === null ? 1 / Number(this.num_batches_tracked.item()) : this.momentum;
    }
    const useBatchStats = this.training || this.running_mean === null;
    const track = !this.training || this.trackRunningStats;
    return batchNorm(x, track ? this.running_mean : null, track ? this.running_var : null, {
      weight: this.weight,
      bias: this.bias,
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }
}

/** Batch normalisation over (N, C) or (N, C, L) input. */
export class BatchNorm1d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.dim() !== 2 && x.dim() !== 3) throw new RangeError(`expected 2D or 3D input (got ${x.dim()}D input)`);
  }
}

/** Batch normalisation over NCHW input. */
export class BatchNorm2d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.dim() !== 4) throw new RangeError(`expected 4D input (got ${x.dim()}D input)`);
  }
}

/** Layer normalisation over the trailing `normalizedShape` dimensions. */
export class LayerNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  readonly normalizedShape: number[];

  constructor(normalizedShape: number | number[], readonly options: { eps?: number; elementwise_affine?: boolean } = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    const affine = options.elementwise_affine ?? true;
    this.weight = affine ? Parameter(ones(this.normalizedShape)) : null;
    this.bias = affine ? Parameter(zeros(this.normalizedShape)) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.options.eps ?? 1e-5 });
  }
}

/** Group normalisation. */
export class GroupNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;

  constructor(readonly numGroups: number, readonly numChannels: number, readonly options: { eps?: number; affine?: boolean } = {}) {
    super();
    if (numChannels % numGroups !== 0) throw new RangeError('num_channels must be divisible by num_groups');
    const affine = options.affine ?? true;
    this.weight = affine ? Parameter(ones([numChannels])) : null;
    this.bias = affine ? Parameter(zeros([numChannels])) : null;
  }

  forward(x: Tensor): Tensor {
    return groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.options.eps ?? 1e-5 });
  }
}

/** Module classes whose weight and bias get no weight decay under zero_weight_decay_on_bias_and_bn. */
export const NORM_MODULE_TYPES: ReadonlyArray<abstract new (...args: never[]) => Module> = [BatchNormBase, LayerNorm, GroupNorm];
