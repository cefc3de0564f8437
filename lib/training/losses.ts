/**
 * Losses the Trainer builds from `training_params.loss` (+ `criterion_params`), named as
 * SuperGradients and PyTorch name them, or any function `(output, target) => Tensor`.
 */
import { expectNumber, isPlainObject, typeError } from '../errors';
import { Registry } from '../registry/registry';
import { bceWithLogits, crossEntropy, l1Loss, mseLoss, Reduction } from '../tensor/functional';
import { Tensor } from '../tensor/tensor';

export type LossFunction = (output: Tensor, target: Tensor) => Tensor;

export type LossFactory = (params: Record<string, unknown>) => LossFunction;

/** A number of criterion_params (null/absent: `fallback`); NaN is left to the loss itself. */
function num(params: Record<string, unknown>, key: string, fallback: number): number {
  return expectNumber(`criterion_params.${key}`, params[key] ?? fallback, { allowNaN: true });
}

function reduction(params: Record<string, unknown>): Reduction {
  return (params.reduction as Reduction | undefined) ?? 'mean';
}

/** Cross entropy with SG's `smooth_eps` (= PyTorch's label_smoothing) and ignore_index. */
const crossEntropyLoss: LossFactory = (p) => {
  const smoothing = num(p, 'smooth_eps', num(p, 'label_smoothing', 0));
  const ignore = num(p, 'ignore_index', -100);
  const red = reduction(p);
  return (output, target) => crossEntropy(output, target, { label_smoothing: smoothing, ignore_index: ignore, reduction: red });
};

export const LOSSES = new Registry<LossFactory>('loss');
LOSSES.register('CrossEntropyLoss', crossEntropyLoss);
LOSSES.register('cross_entropy', crossEntropyLoss);
LOSSES.register('LabelSmoothingCrossEntropyLoss', crossEntropyLoss);
LOSSES.register('MSELoss', (p) => (o, t) => mseLoss(o, t, { reduction: reduction(p) }));
LOSSES.register('L1Loss', (p) => (o, t) => l1Loss(o, t, { reduction: reduction(p) }));
LOSSES.register('BCEWithLogitsLoss', (p) => (o, t) => bceWithLogits(o, t, { reduction: reduction(p) }));

/** Registers a loss factory `(criterion_params) => (output, target) => Tensor`. */
export function registerLoss(name: string, factory: LossFactory, options?: { override?: boolean }): void {
  LOSSES.register(name, factory, options);
}

/** The loss function for `loss` (a name, a function, or an object with forward()). */
export function createLoss(loss: unknown, criterionParams: unknown = {}): LossFunction {
  if (!isPlainObject(criterionParams ?? {})) throw typeError('training_params.criterion_params', 'an object', criterionParams);
  const params = (criterionParams ?? {}) as Record<string, unknown>;
  if (typeof loss === 'string') return LOSSES.get(loss, 'training_params.loss')(params);
  if (typeof loss === 'function') return loss as LossFunction;
  if (loss && typeof loss === 'object' && typeof (loss as { forward?: unknown }).forward === 'function') {
    const obj = loss as { forward: LossFunction };
    return (o, t) => obj.forward(o, t);
  }
  if (isPlainObject(loss) && Object.keys(loss).length === 1) {
    const [name, inner] = Object.entries(loss)[0];
    return LOSSES.get(name, 'training_params.loss')({ ...(isPlainObject(inner) ? inner : {}), ...params });
  }
  throw typeError('training_params.loss', `a loss name (${LOSSES.names().join(', ')}), a function or an object with forward()`, loss);
}
