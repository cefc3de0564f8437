/** Central finite differences in float64 against autograd, for any function of tensors to a tensor. */
import { noGrad, randn, Tensor, tensor } from '../../lib/tensor';

export interface GradcheckResult {
  maxAbsError: number;
  checked: number;
}

/**
 * Compares d(sum(f(inputs) · w))/d(input) from autograd with central differences, where w is a
 * fixed random weighting (so every output element matters). Inputs must be float64 leaves.
 */
export function gradcheck(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], eps = 1e-6): GradcheckResult {
  const out0 = f(...inputs);
  const weight = randn(out0.shape, { dtype: 'float64' });
  const scalar = (...xs: Tensor[]) => f(...xs).mul(weight).sum();
  inputs.forEach((x) => (x.grad = null));
  scalar(...inputs).backward();
  let maxAbsError = 0;
  let checked = 0;
  inputs.forEach((x, xi) => {
    if (!x.requiresGrad) return;
    const analytic = x.grad ? x.grad.toArray() : new Array(x.numel()).fill(0);
    const base = x.toArray();
    for (let i = 0; i < base.length; i++) {
      const at = (v: number) => {
        const values = base.slice();
        values[i] = v;
        const probe = inputs.map((y, yi) => (yi === xi ? tensor(values, { shape: x.shape, dtype: 'float64' }) : y.detach()));
        return Number(noGrad(() => scalar(...probe)).item());
      };
      const numeric = (at(base[i] + eps) - at(base[i] - eps)) / (2 * eps);
      maxAbsError = Math.max(maxAbsError, Math.abs(numeric - analytic[i]) / Math.max(1, Math.abs(numeric)));
      checked++;
    }
  });
  return { maxAbsError, checked };
}

/** A float64 leaf with random values (optionally shifted away from kinks). */
export function leaf(shape: number[], options: { positive?: boolean; awayFromZero?: boolean } = {}): Tensor {
  let t = randn(shape, { dtype: 'float64' });
  if (options.positive) t = t.abs().add(0.5);
  if (options.awayFromZero) t = t.add(t.sign().mul(0.2));
  return t.detach().requiresGrad_(true);
}
