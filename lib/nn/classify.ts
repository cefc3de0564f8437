/**
 * How SuperGradients' zero-weight-decay rule (spec §4.3) sees modules: norm layers' weight and
 * bias and every module's own `bias` parameter get no weight decay; Linear/Conv biases are the
 * expected ones (others are exempt too, with a warning).
 */
import { Conv2d } from './conv';
import { Linear } from './linear';
import { Module } from './module';
import { NORM_MODULE_TYPES } from './normalization';
import { isParameter } from './parameter';
import { Tensor } from '../tensor/tensor';

function own(module: unknown, key: 'weight' | 'bias'): Tensor | null {
  if (!(module instanceof Module)) return null;
  const value = (module as unknown as Record<string, unknown>)[key];
  return isParameter(value) ? value : null;
}

export const moduleClassifier = {
  isNorm: (module: unknown): boolean => NORM_MODULE_TYPES.some((T) => module instanceof T),
  isLinearOrConv: (module: unknown): boolean => module instanceof Linear || module instanceof Conv2d,
  ownBias: (module: unknown): Tensor | null => own(module, 'bias'),
  ownWeight: (module: unknown): Tensor | null => own(module, 'weight'),
};
