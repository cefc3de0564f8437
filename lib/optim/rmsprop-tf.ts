/** RMSpropTF: SuperGradients' TensorFlow-style RMSprop; options, class and record. */
import { NativeOptimizer } from './native-optimizer';
import { FOREACH_OPTION, FUSED_OPTION, nonNegative, OptionSchema } from './option-schema';
import { ParamsOrGroups } from './optimizer';
import { defineOptimizer } from './optimizer-info';

export const RMSPROP_TF_OPTIONS: OptionSchema = {
  lr: { kind: 'number', default: 1e-2, check: nonNegative('learning rate'), doc: 'learning rate' },
  alpha: { kind: 'number', default: 0.9, check: nonNegative('alpha value'), doc: 'smoothing constant' },
  eps: { kind: 'number', default: 1e-10, check: nonNegative('epsilon value'), doc: 'added inside the square root (TensorFlow style)' },
  weight_decay: { kind: 'number', default: 0, check: nonNegative('weight_decay value'), doc: 'weight decay' },
  momentum: { kind: 'number', default: 0, check: nonNegative('momentum value'), doc: 'momentum factor', fillOnLoad: true },
  centered: { kind: 'boolean', default: false, doc: 'normalise by the estimated variance' },
  decoupled_decay: { kind: 'boolean', default: false, doc: 'p ← p − weight_decay·p (no LR factor, as SuperGradients)' },
  lr_in_momentum: { kind: 'boolean', default: true, doc: 'fold the LR into the momentum buffer (TensorFlow style)' },
  foreach: FOREACH_OPTION,
  fused: FUSED_OPTION,
};

export interface RMSpropTFOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weight_decay?: number;
  momentum?: number;
  centered?: boolean;
  decoupled_decay?: boolean;
  lr_in_momentum?: boolean;
  foreach?: boolean | null;
  fused?: boolean | null;
}

/**
 * SuperGradients' RMSpropTF: TensorFlow-style RMSprop (eps inside the square root, square_avg
 * starting at ones, LR folded into the momentum buffer).
 *
 * @example
 * const opt = new sg.optim.RMSpropTF(model.parameters(), { lr: 0.016, momentum: 0.9, eps: 1e-3 });
 */
export class RMSpropTF extends NativeOptimizer {
  constructor(params: ParamsOrGroups, options: RMSpropTFOptions = {}) {
    super(RMSPROP_TF_INFO, params, options as Record<string, unknown>);
  }
}

/** RMSpropTF's record (see OptimizerInfo). */
export const RMSPROP_TF_INFO = defineOptimizer({
  name: 'RMSpropTF',
  cls: RMSpropTF,
  schema: RMSPROP_TF_OPTIONS,
  description: 'TensorFlow-style RMSprop: eps inside the square root, square_avg from ones, LR folded into the momentum buffer.',
  reference: "super_gradients.training.utils.optimizers.RMSpropTF (timm's RMSpropTF)",
  sgDefaults: { weight_decay: 1e-4, momentum: 0.9 },
  flags: { stepAsTensor: false, hasGroupState: false },
});
