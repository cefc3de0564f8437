/** RMSprop: torch.optim.RMSprop's options, class and record. */
import { NativeOptimizer } from './native-optimizer';
import { CAPTURABLE_OPTION, DIFFERENTIABLE_OPTION, FOREACH_OPTION, FUSED_OPTION, MAXIMIZE_OPTION, nonNegative, OptionSchema } from './option-schema';
import { ParamsOrGroups } from './optimizer';
import { defineOptimizer } from './optimizer-info';

export const RMSPROP_OPTIONS: OptionSchema = {
  lr: { kind: 'number', default: 1e-2, check: nonNegative('learning rate'), doc: 'learning rate' },
  alpha: { kind: 'number', default: 0.99, check: nonNegative('alpha value'), doc: 'smoothing constant' },
  eps: { kind: 'number', default: 1e-8, check: nonNegative('epsilon value'), doc: 'added to the denominator' },
  weight_decay: { kind: 'number', default: 0, check: nonNegative('weight_decay value'), doc: 'L2 penalty' },
  momentum: { kind: 'number', default: 0, check: nonNegative('momentum value'), doc: 'momentum factor', fillOnLoad: true },
  centered: { kind: 'boolean', default: false, doc: 'normalise by the estimated variance' },
  maximize: MAXIMIZE_OPTION,
  foreach: FOREACH_OPTION,
  fused: FUSED_OPTION,
  capturable: CAPTURABLE_OPTION,
  differentiable: DIFFERENTIABLE_OPTION,
};

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weight_decay?: number;
  momentum?: number;
  centered?: boolean;
  maximize?: boolean;
  foreach?: boolean | null;
  fused?: boolean | null;
  capturable?: boolean;
  differentiable?: boolean;
}

/**
 * RMSprop, exactly torch.optim.RMSprop (eps outside the square root, square_avg from zeros).
 *
 * @example
 * const opt = new sg.optim.RMSprop(model.parameters(), { lr: 0.01, momentum: 0.9 });
 */
export class RMSprop extends NativeOptimizer {
  constructor(params: ParamsOrGroups, options: RMSpropOptions = {}) {
    super(RMSPROP_INFO, params, options as Record<string, unknown>);
  }
}

/** RMSprop's record (see OptimizerInfo). */
export const RMSPROP_INFO = defineOptimizer({
  name: 'RMSprop',
  cls: RMSprop,
  schema: RMSPROP_OPTIONS,
  description: 'RMSprop: eps outside the square root, square_avg from zeros; centered and momentum optional.',
  reference: 'torch.optim.RMSprop',
  sgDefaults: { weight_decay: 1e-4, momentum: 0.9 },
  flags: { stepAsTensor: true, hasGroupState: false },
});
