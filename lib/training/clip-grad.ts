import { noGrad } from '../tensor/grad-mode';
import { stack } from '../tensor/functional';
import { Tensor } from '../tensor/tensor';

/**
 * torch.nn.utils.clip_grad_norm_: scales every gradient by max_norm / (total L2 norm + 1e-6)
 * when that is below 1. Returns the total norm before clipping.
 */
export function clipGradNorm(params: Tensor[], maxNorm: number): number {
  return noGrad(() => {
    const grads = params.map((p) => p.grad).filter((g): g is Tensor => g !== null);
    if (grads.length === 0) return 0;
    const total = Number(stack(grads.map((g) => g.norm().to('float64'))).norm().item());
    const coef = maxNorm / (total + 1e-6);
    if (coef < 1) for (const g of grads) g.mul_(coef);
    return total;
  });
}
