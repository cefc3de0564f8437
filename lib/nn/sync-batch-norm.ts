/**
 * torch.nn.SyncBatchNorm: in training mode with an initialised process group, the batch
 * statistics are those of the whole global batch: each rank's per-channel sums and counts are
 * summed over ranks by a collective that autograd goes through (its backward sums
 * the gradients over ranks, native/distributed/differentiable_all_reduce.cc), so the gradients
 * are those of one BatchNorm over the N·B samples. Without a group, or in eval mode, it is a plain
 * BatchNorm (as PyTorch's falls back). Two collectives per forward: the sums (and counts), then
 * the sums of squared deviations from the global mean; running_var takes the unbiased variance
 * (× n/(n−1), n the global count), as PyTorch's.
 */
import { isInitialized } from '../distributed/process-group';
import { native } from '../native';
import { full } from '../tensor/creation';
import { cat } from '../tensor/functional';
import { noGrad } from '../tensor/grad-mode';
import { Tensor } from '../tensor/tensor';
import { Module } from './module';
import { BatchNormBase, BatchNormOptions } from './normalization';

/** The sum over ranks of `t`, recorded for autograd. */
function sumOverRanks(t: Tensor): Tensor {
  return new Tensor(native.allReduceWithGrad(t._h));
}

/**
 * Batch normalisation whose statistics span every rank's batch (any input of 2 or more dims, channels second).
 *
 * @example
 * const model = sg.nn.SyncBatchNorm.convertSyncBatchnorm(net); // every BatchNorm of net, synchronised
 */
export class SyncBatchNorm extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options);
  }

  protected checkInput(x: Tensor): void {
    if (x.dim() < 2) throw new RangeError(`expected at least 2D input (got ${x.dim()}D input)`);
  }

  override forward(x: Tensor): Tensor {
    if (!this.training || !isInitialized()) return super.forward(x);
    this.checkInput(x);
    const C = this.numFeatures;
    const dims = [0, ...Array.from({ length: x.dim() - 2 }, (_, i) => i + 2)];
    const local = x.numel() / C;
    const shape = [1, C, ...Array.from({ length: x.dim() - 2 }, () => 1)];
    // Two passes, as PyTorch's statistics (E[x²] − E[x]² would lose digits): the global mean, then
    // the global mean of squared deviations from it.
    const packed = sumOverRanks(cat([x.sum({ dim: dims }), full([1], local, { dtype: x.dtype })]));
    const n = Number(packed.slice(0, C, C + 1).item());
    const mean = packed.slice(0, 0, C).div(n);
    const centered = x.sub(mean.view(shape));
    const variance = sumOverRanks(centered.mul(centered).sum({ dim: dims })).div(n);
    if (this.trackRunningStats && this.running_mean && this.running_var && this.num_batches_tracked) {
      noGrad(() => {
        this.num_batches_tracked!.add_(1);
        const f = this.momentum ?? 1 / Number(this.num_batches_tracked!.item());
        this.running_mean!.mul_(1 - f).add_(mean.detach().mul(f));
        this.running_var!.mul_(1 - f).add_(variance.detach().mul((f * n) / Math.max(1, n - 1)));
      });
    }
    let y = centered.mul(variance.add(this.eps).rsqrt().view(shape));
    if (this.weight) y = y.mul(this.weight.view(shape));
    if (this.bias) y = y.add(this.bias.view(shape));
    return y;
  }

  /**
   * Replaces every BatchNorm of `module` (and `module` itself, if it is one) by a SyncBatchNorm
   * that keeps its parameters and buffers (the same tensors), as torch's convert_sync_batchnorm.
   */
  static convertSyncBatchnorm(module: Module): Module {
    if (module instanceof BatchNormBase && !(module instanceof SyncBatchNorm)) return SyncBatchNorm.from(module);
    for (const [name, child] of module.namedChildren()) {
      const converted = SyncBatchNorm.convertSyncBatchnorm(child);
      if (converted !== child) (module as unknown as Record<string, unknown>)[name] = converted;
    }
    return module;
  }

  private static from(bn: BatchNormBase): SyncBatchNorm {
    const sync = new SyncBatchNorm(bn.numFeatures, { eps: bn.eps, momentum: bn.momentum, affine: bn.weight !== null, track_running_stats: bn.trackRunningStats });
    sync.weight = bn.weight;
    sync.bias = bn.bias;
    sync.running_mean = bn.running_mean;
    sync.running_var = bn.running_var;
    sync.num_batches_tracked = bn.num_batches_tracked;
    sync.training = bn.training;
    return sync;
  }
}
