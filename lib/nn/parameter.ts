import { Tensor } from '../tensor/tensor';
import { typeError } from '../errors';

const PARAMETERS = new WeakSet<Tensor>();

/**
 * Marks a tensor as a module parameter (and sets requiresGrad), like `torch.nn.Parameter`.
 * Assigning it to a Module property registers it.
 *
 * @example
 * this.scale = nn.Parameter(sg.ones([1]));
 */
export function Parameter(t: Tensor, requiresGrad = true): Tensor {
  if (!(t instanceof Tensor)) throw typeError('Parameter(data)', 'a Tensor', t);
  const leaf = t.isLeaf ? t : t.detach();
  leaf.requiresGrad = requiresGrad;
  PARAMETERS.add(leaf);
  return leaf;
}

/** Whether `t` was made by Parameter(). */
export function isParameter(t: unknown): t is Tensor {
  return t instanceof Tensor && PARAMETERS.has(t);
}
